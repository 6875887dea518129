import Foundation
import GridStore
import Logging
import ServiceLifecycle
import Synchronization

/// What the live streams of this process wait on between reads of the event table.
///
/// With PostgreSQL, a listener (``ChangeListener``) bumps it on every `NOTIFY` the database sends
/// when an incident or event commits — from any host — so a stream reads new events within a few
/// milliseconds and otherwise rests until its keep-alive. With SQLite (no notifications between
/// processes) or while the listener is reconnecting, streams poll the event table instead.
final class ChangeSignal: Sendable {
    private let counter = Atomic<UInt64>(0)
    private let listening = Atomic<Bool>(false)

    var generation: UInt64 { counter.load(ordering: .acquiring) }
    /// True while notifications are flowing.
    var isListening: Bool { listening.load(ordering: .acquiring) }

    func bump() { counter.add(1, ordering: .releasing) }
    func setListening(_ on: Bool) {
        listening.store(on, ordering: .releasing)
        bump()  // streams re-read on every change of mode
    }

    /// Returns once the generation has moved past `seen`, after `seconds`, or when the server
    /// begins to shut down. Checks every 20 ms: a load of one atomic, no database work.
    func wait(since seen: UInt64, upTo seconds: Double) async {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while generation == seen, ContinuousClock.now < deadline, !Task.isCancelled, !Task.isShuttingDownGracefully {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}

/// Listens to the PostgreSQL grid database's notifications for the life of the server, and
/// reconnects (with a pause) when the connection breaks; streams poll meanwhile.
struct ChangeListener: Service {
    let store: PostgresGridStore
    let signal: ChangeSignal
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var pause = 0.5
            while !Task.isCancelled {
                do {
                    let notifications = try await store.notifications()
                    signal.setListening(true)
                    logger.info("listening for database notifications")
                    pause = 0.5
                    for try await _ in notifications { signal.bump() }
                } catch {
                    if Task.isCancelled { break }
                    logger.warning("database notifications interrupted; polling meanwhile", metadata: ["error": "\(error)"])
                }
                signal.setListening(false)
                try? await Task.sleep(for: .seconds(pause))
                pause = min(pause * 2, 10)
            }
        }
    }
}
