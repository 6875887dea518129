import PostgresNIO
import Synchronization

extension PostgresGridStore {
    /// Announcements of committed changes: the id of each new incident event (as text) and
    /// `incident:<id>` for each new incident, sent by triggers with `pg_notify` when the writing
    /// transaction commits, from any host. Listening starts before this returns, so nothing
    /// committed afterwards is missed. The stream holds one pooled connection until it is dropped
    /// or its consumer is cancelled; it ends with an error when that connection breaks (listen
    /// again, and read what was missed from the event table).
    public func notifications() async throws -> AsyncThrowingStream<String, any Error> {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: String.self, throwing: (any Error).self)
        let started = StartSignal()
        let client = self.client
        try await withCheckedThrowingContinuation { (ready: CheckedContinuation<Void, any Error>) in
            started.set(ready)
            let task = Task {
                do {
                    try await client.withConnection { connection in
                        try await connection.listen(on: PostgresSchema.channel) { notifications in
                            started.fire(nil)
                            for try await n in notifications { continuation.yield(n.payload) }
                        }
                    }
                    continuation.finish()
                } catch {
                    started.fire(error)
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
        return stream
    }
}

/// Resumes the caller waiting for LISTEN to be in place, exactly once.
private final class StartSignal: Sendable {
    private let waiting = Mutex<CheckedContinuation<Void, any Error>?>(nil)

    func set(_ c: CheckedContinuation<Void, any Error>) { waiting.withLock { $0 = c } }

    func fire(_ error: (any Error)?) {
        guard let c = waiting.withLock({ w -> CheckedContinuation<Void, any Error>? in defer { w = nil }; return w }) else { return }
        if let error { c.resume(throwing: error) } else { c.resume() }
    }
}
