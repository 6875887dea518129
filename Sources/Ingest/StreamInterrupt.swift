import CFFmpeg
import Synchronization

/// Lets a blocked FFmpeg call give up: libavformat polls this while it waits on the network, and
/// every wait ends once the armed deadline has passed or someone called ``cancel()``.
///
/// Without it a camera that stops answering (but keeps its TCP connection open) would hold its
/// reader in `av_read_frame` forever. One per source; ``cancel()`` may be called from any thread.
public final class StreamInterrupt: Sendable {
    /// `av_gettime_relative()` microseconds after which waits end; 0 when not armed.
    private let deadline = Atomic<Int64>(0)
    private let cancelled = Atomic<Bool>(false)

    public init() {}

    /// Ends the current and every later wait of the source at once (shutdown, camera removed).
    public func cancel() { cancelled.store(true, ordering: .releasing) }

    public var isCancelled: Bool { cancelled.load(ordering: .acquiring) }

    /// Starts a deadline `seconds` from now for the next blocking call.
    func arm(seconds: Double) {
        deadline.store(av_gettime_relative() + Int64(max(0.001, seconds) * 1_000_000), ordering: .releasing)
    }

    func disarm() { deadline.store(0, ordering: .releasing) }

    /// True when the armed deadline has passed.
    var expired: Bool {
        let d = deadline.load(ordering: .acquiring)
        return d != 0 && av_gettime_relative() > d
    }

    var shouldAbort: Bool { isCancelled || expired }

    /// The callback record libavformat calls; `self` must outlive the format context using it.
    func callback() -> AVIOInterruptCB {
        AVIOInterruptCB(callback: streamInterruptCallback, opaque: Unmanaged.passUnretained(self).toOpaque())
    }
}

private let streamInterruptCallback: @convention(c) (UnsafeMutableRawPointer?) -> Int32 = { opaque in
    guard let opaque else { return 0 }
    return Unmanaged<StreamInterrupt>.fromOpaque(opaque).takeUnretainedValue().shouldAbort ? 1 : 0
}
