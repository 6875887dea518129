import Foundation
import GridStore
import Synchronization

/// Live counters of one camera, updated by its decoder thread and analysis task, read by the
/// status writer. Thread-safe.
final class CameraHealth: Sendable {
    let cameraID: String
    private let reporter: String
    private let state: Mutex<Counters>

    private struct Counters {
        var state: CameraState = .connecting
        var reason: String?
        var stateSince = Date()
        var framesIn = 0
        var framesAnalysed = 0
        var framesDropped = 0
        var framesSkipped = 0
        var corruptPackets = 0
        var reconnects = 0
        var lastFrameAt: Date?
        /// Recent capture → analysed lags, milliseconds (ring).
        var lags: [Double] = []
        var lagNext = 0
        // Rate window.
        var windowStart = Date()
        var windowFramesIn = 0
        var windowAnalysed = 0
        var inputFPS = 0.0
        var analysedFPS = 0.0
    }

    private static let lagWindow = 500

    init(cameraID: String, reporter: String) {
        self.cameraID = cameraID
        self.reporter = reporter
        state = Mutex(Counters())
    }

    /// Changes the state; returns false when it already was `state` with the same reason.
    @discardableResult
    func set(_ newState: CameraState, reason: String? = nil) -> Bool {
        state.withLock { c in
            guard c.state != newState || c.reason != reason else { return false }
            if c.state != newState { c.stateSince = Date() }
            c.state = newState
            c.reason = reason
            return true
        }
    }

    var current: (state: CameraState, reason: String?, lastFrameAt: Date?) {
        state.withLock { ($0.state, $0.reason, $0.lastFrameAt) }
    }

    func decoded(frames: Int, skipped: Int, corrupt: Int) {
        state.withLock { c in
            c.framesIn += frames
            c.framesSkipped += skipped
            c.corruptPackets += corrupt
            if frames > 0 { c.lastFrameAt = Date() }
        }
    }

    func dropped(_ n: Int) {
        guard n > 0 else { return }
        state.withLock { $0.framesDropped += n }
    }

    func reconnecting() { state.withLock { $0.reconnects += 1 } }

    /// One frame analysed, `lag` seconds after it was captured.
    func analysed(lag: Double) {
        state.withLock { c in
            c.framesAnalysed += 1
            let ms = max(0, lag * 1000)
            if c.lags.count < Self.lagWindow {
                c.lags.append(ms)
            } else {
                c.lags[c.lagNext] = ms
            }
            c.lagNext = (c.lagNext + 1) % Self.lagWindow
        }
    }

    /// The status row; `advanceWindow` closes the rate window (periodic writer only).
    func status(advanceWindow: Bool) -> CameraStatus {
        state.withLock { c in
            let now = Date()
            if advanceWindow {
                let span = now.timeIntervalSince(c.windowStart)
                if span >= 0.5 {
                    c.inputFPS = Double(c.framesIn - c.windowFramesIn) / span
                    c.analysedFPS = Double(c.framesAnalysed - c.windowAnalysed) / span
                    c.windowStart = now
                    c.windowFramesIn = c.framesIn
                    c.windowAnalysed = c.framesAnalysed
                }
            }
            let sorted = c.lags.sorted()
            return CameraStatus(
                cameraID: cameraID, state: c.state, reason: c.reason, stateSince: c.stateSince, reporter: reporter,
                inputFPS: c.inputFPS, analysedFPS: c.analysedFPS, framesIn: c.framesIn, framesAnalysed: c.framesAnalysed,
                framesDropped: c.framesDropped, framesSkipped: c.framesSkipped, corruptPackets: c.corruptPackets,
                reconnects: c.reconnects, lagP50: Percentile.of(sorted, 0.50), lagP99: Percentile.of(sorted, 0.99),
                lastFrameAt: c.lastFrameAt, updatedAt: now)
        }
    }
}

/// Nearest-rank percentiles of sorted samples.
public enum Percentile {
    /// The value at or below which a fraction `p` (0…1) of `sorted` lies; `nil` when empty.
    public static func of(_ sorted: [Double], _ p: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let rank = Int((p * Double(sorted.count)).rounded(.up))
        return sorted[min(sorted.count, max(1, rank)) - 1]
    }
}
