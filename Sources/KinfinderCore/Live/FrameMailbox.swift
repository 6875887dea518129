import Ingest
import Synchronization

/// The hand-off between a camera's decoder thread and its analysis task, holding at most one frame.
///
/// When a new frame arrives while the previous one still waits (analysis is busy), the waiting one
/// is dropped and counted: the lag between capture and analysis stays bounded by about one frame
/// plus one analysis instead of growing without limit. Frame storage circulates: the analysis side
/// gives frames back (``recycle(_:)``) and the decoder reuses them (``spare()``).
final class FrameMailbox: Sendable {
    enum Item: Sendable {
        case frame(VideoFrame)
        /// The decoder stopped: `nil` at the end of a file, else why.
        case finished(IngestError?)
    }

    private struct State {
        var pending: VideoFrame?
        var end: IngestError??
        var waiter: CheckedContinuation<Item, Never>?
        var dropped = 0
        var spares: [VideoFrame] = []
    }

    private let state = Mutex(State())
    /// Frames kept for reuse; more would only hold memory.
    private let maxSpares = 2

    /// Frames dropped because the previous one had not been taken yet.
    var dropped: Int { state.withLock { $0.dropped } }

    /// Producer: offers the newest frame.
    func put(_ frame: VideoFrame) {
        let waiter = state.withLock { s -> CheckedContinuation<Item, Never>? in
            if let w = s.waiter {
                s.waiter = nil
                return w
            }
            if let old = s.pending {
                s.dropped += 1
                if s.spares.count < maxSpares { s.spares.append(old) }
            }
            s.pending = frame
            return nil
        }
        waiter?.resume(returning: .frame(frame))
    }

    /// Producer: no more frames. The consumer gets the waiting frame first, then this.
    func finish(_ error: IngestError?) {
        let waiter = state.withLock { s -> CheckedContinuation<Item, Never>? in
            s.end = .some(error)
            let w = s.waiter
            s.waiter = nil
            return w
        }
        waiter?.resume(returning: .finished(error))
    }

    /// Consumer: the next frame, waiting for it; `.finished` once the producer is done.
    func next() async -> Item {
        await withCheckedContinuation { (c: CheckedContinuation<Item, Never>) in
            let ready = state.withLock { s -> Item? in
                if let f = s.pending {
                    s.pending = nil
                    return .frame(f)
                }
                if let end = s.end { return .finished(end) }
                precondition(s.waiter == nil, "one consumer per mailbox")
                s.waiter = c
                return nil
            }
            if let ready { c.resume(returning: ready) }
        }
    }

    /// Producer: a frame to decode into, if one came back.
    func spare() -> VideoFrame? {
        state.withLock { $0.spares.popLast() }
    }

    /// Consumer: gives a frame's storage back for reuse.
    func recycle(_ frame: VideoFrame) {
        state.withLock { s in
            if s.spares.count < maxSpares { s.spares.append(frame) }
        }
    }
}
