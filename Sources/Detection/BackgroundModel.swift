import ImageKernels

/// Settings of the background model. Every threshold is in 8-bit levels of the decoded image.
public struct BackgroundConfiguration: Sendable, Hashable {
    /// Optional fast learning at the start (off by default: it half-absorbs people who enter
    /// meanwhile, whose ghosts then read as clothing colour; see docs/background-model.md).
    public var warmUpSeconds: Double = 0.0
    /// Background step per frame during warm-up.
    public var warmUpStep: UInt8 = 6
    /// How fast the background follows slow changes (light, shadows of clouds), in levels per second.
    public var levelsPerSecond: Double = 20
    /// Pixels of people known to be there (``PersonDetector/protect(_:)``) adapt this many times
    /// slower: a person standing still fades into the background after roughly
    /// `difference / levelsPerSecond × slowdown` seconds (≈ 40 s for a dark coat on light paving).
    public var foregroundSlowdown: Double = 8
    /// Lower and upper bounds of the per-pixel luma threshold (the Σ-Δ spread).
    public var spreadMin: UInt8 = 8
    public var spreadMax: UInt8 = 60
    /// Sum of |ΔU| + |ΔV| above which a pixel is foreground whatever its luma.
    public var chromaThreshold: UInt8 = 12
    /// Shadow floor: a pixel darker than the background by no more than this ratio, with its
    /// colour unchanged, is shadow: `0.5 + 2^-shadowShift` (4 → 0.5625, 3 → 0.625, 2 → 0.75).
    /// 3 measured best overall (docs/background-model.md): lower floors call dark clothes on grey
    /// paving "shadow"; 0.75 lets shaded lawn into people's colour samples.
    public var shadowShift: UInt8 = 3

    public init() {}
}

/// A background model: given aligned Y, U, V planes (luma already at chroma size), it updates
/// itself and writes a 0/255 foreground mask. Swappable: a stronger model can replace Σ-Δ.
public protocol BackgroundModel {
    /// Width and height of the planes it works on.
    var size: (width: Int, height: Int) { get }
    /// Updates the model with a frame at `time` seconds and writes the foreground mask.
    mutating func apply(y: [UInt8], u: [UInt8], v: [UInt8], time: Double, mask: inout [UInt8])
    /// The background's Y, U, V estimate (at `size`), empty before the first frame.
    var backgroundPlanes: (y: [UInt8], u: [UInt8], v: [UInt8]) { get }
}

/// The default background model: Σ-Δ estimation on luma with a chroma test and shadow
/// suppression (see ``SigmaDelta``), with time-based step scheduling so the same settings work at
/// any frame rate.
public struct SigmaDeltaBackground: BackgroundModel {
    public let size: (width: Int, height: Int)
    public let configuration: BackgroundConfiguration
    private var meanY: [UInt8] = []
    private var spreadY: [UInt8] = []
    private var meanU: [UInt8] = []
    private var meanV: [UInt8] = []
    private var startTime: Double?
    private var lastTime: Double = 0
    private var credit: Double = 0
    private var foregroundCredit: Double = 0

    public var backgroundPlanes: (y: [UInt8], u: [UInt8], v: [UInt8]) { (meanY, meanU, meanV) }

    public init(width: Int, height: Int, configuration: BackgroundConfiguration = BackgroundConfiguration()) {
        size = (width, height)
        self.configuration = configuration
    }

    public mutating func apply(y: [UInt8], u: [UInt8], v: [UInt8], time: Double, mask: inout [UInt8]) {
        let n = size.width * size.height
        precondition(y.count >= n && u.count >= n && v.count >= n, "plane sizes do not match the model")
        if mask.count != n { mask = [UInt8](repeating: 0, count: n) }
        guard let start = startTime else {
            // First frame: it is the background.
            meanY = Array(y[0..<n])
            meanU = Array(u[0..<n])
            meanV = Array(v[0..<n])
            spreadY = [UInt8](repeating: configuration.spreadMin, count: n)
            for i in 0..<n { mask[i] = 0 }
            startTime = time
            lastTime = time
            return
        }
        let dt = max(0, min(1, time - lastTime))
        lastTime = time
        var step: UInt8, fgStep: UInt8
        if time - start < configuration.warmUpSeconds {
            step = configuration.warmUpStep
            fgStep = configuration.warmUpStep
        } else {
            credit += configuration.levelsPerSecond * dt
            foregroundCredit += configuration.levelsPerSecond * dt / max(1, configuration.foregroundSlowdown)
            step = UInt8(min(255, credit.rounded(.down)))
            fgStep = UInt8(min(255, foregroundCredit.rounded(.down)))
            credit -= Double(step)
            foregroundCredit -= Double(fgStep)
        }
        let p = SigmaDelta.Parameters(
            step: step, foregroundStep: fgStep, vMin: configuration.spreadMin, vMax: configuration.spreadMax,
            chromaThreshold: configuration.chromaThreshold, shadowShift: configuration.shadowShift)
        y.withUnsafeBufferPointer { yb in
            u.withUnsafeBufferPointer { ub in
                v.withUnsafeBufferPointer { vb in
                    meanY.withUnsafeMutableBufferPointer { my in
                        spreadY.withUnsafeMutableBufferPointer { sy in
                            meanU.withUnsafeMutableBufferPointer { mu in
                                meanV.withUnsafeMutableBufferPointer { mv in
                                    mask.withUnsafeMutableBufferPointer { mb in
                                        SigmaDelta.apply(
                                            y: yb, u: ub, v: vb, meanY: my, spreadY: sy, meanU: mu, meanV: mv,
                                            mask: mb, count: n, parameters: p)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
