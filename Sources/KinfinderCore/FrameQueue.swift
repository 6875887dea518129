import Foundation
import Ingest

/// Decoding on its own thread, ahead of analysis, for files: a bounded queue that never drops
/// (unlike the live ``FrameMailbox``) — the decoder waits when analysis is `capacity` frames behind.
/// Decoding (with its own frame threads) and analysis then overlap instead of taking turns.
final class DecodeAhead: @unchecked Sendable {  // State guarded by `condition`.
    private let condition = NSCondition()
    private var ready: [VideoFrame] = []
    private var spares: [VideoFrame] = []
    private var finished = false
    private var failure: (any Error)?
    private var stopped = false
    private let capacity: Int
    private(set) var decodeNanoseconds: Int64 = 0

    /// Starts decoding `source` (owned by the decoder thread from now on).
    init(_ source: VideoSource, capacity: Int = 3) {
        self.capacity = capacity
        let box = SourceBox(source)
        let thread = Thread { [self] in self.decode(box.source) }
        thread.name = "decode-ahead"
        thread.start()
    }

    private final class SourceBox: @unchecked Sendable {  // Handed to the decoder thread once.
        let source: VideoSource
        init(_ s: VideoSource) { source = s }
    }

    private func decode(_ source: VideoSource) {
        let clock = ContinuousClock()
        while true {
            condition.lock()
            while ready.count >= capacity && !stopped { condition.wait() }
            if stopped {
                condition.unlock()
                return
            }
            var frame = spares.popLast() ?? source.makeFrame()
            condition.unlock()
            let t0 = clock.now
            let more: Bool
            do {
                more = try source.read(into: &frame)
            } catch {
                condition.lock()
                failure = error
                finished = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let spent = nanoseconds(clock.now - t0)
            condition.lock()
            decodeNanoseconds += spent
            if more { ready.append(frame) } else { finished = true }
            condition.broadcast()
            condition.unlock()
            if !more { return }
        }
    }

    /// The next frame in order, waiting for it; `nil` at the end. Rethrows a decode error.
    func next() throws -> VideoFrame? {
        condition.lock()
        defer { condition.unlock() }
        while ready.isEmpty && !finished { condition.wait() }
        if !ready.isEmpty {
            let f = ready.removeFirst()
            condition.broadcast()
            return f
        }
        if let failure { throw failure }
        return nil
    }

    /// Gives a frame's storage back for reuse.
    func recycle(_ frame: VideoFrame) {
        condition.lock()
        if spares.count < capacity { spares.append(frame) }
        condition.unlock()
    }

    /// Stops the decoder early (the caller is done).
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }
}
