import Dispatch
public import FoundationEssentials

/// The physical limit a scan is measured against: how fast this machine reads memory.
public enum Bandwidth {
    /// Bytes per second read by `threads` threads summing a `bytes`-long buffer (already touched,
    /// so page faults are not counted), best of `runs`.
    public static func read(bytes: Int = 1 << 30, threads: Int = ProcessInfo.processInfo.activeProcessorCount, runs: Int = 3) -> Double {
        let words = bytes / 16
        let buffer = UnsafeMutableBufferPointer<SIMD16<UInt8>>.allocate(capacity: words)
        defer { buffer.deallocate() }
        for i in 0..<words { buffer[i] = SIMD16(repeating: UInt8(truncatingIfNeeded: i)) }
        let shared = Shared(buffer: UnsafeBufferPointer(buffer))
        var best = 0.0
        for _ in 0..<runs {
            let start = ContinuousClock.now
            DispatchQueue.concurrentPerform(iterations: threads) { t in
                let lo = words * t / threads, hi = words * (t + 1) / threads
                var acc = SIMD16<UInt8>.zero
                for i in lo..<hi { acc &+= shared.buffer[i] }
                shared.sink(acc)
            }
            let d = (ContinuousClock.now - start).components
            let seconds = Double(d.seconds) + Double(d.attoseconds) / 1e18
            best = max(best, Double(words * 16) / seconds)
        }
        return best
    }

    private struct Shared: @unchecked Sendable {
        let buffer: UnsafeBufferPointer<SIMD16<UInt8>>
        /// Keeps the sums alive so the loop is not optimised away.
        func sink(_ v: SIMD16<UInt8>) {
            if v.wrappedSum() == 0x5A && v[0] == 0xFF { print("", terminator: "") }
        }
    }
}
