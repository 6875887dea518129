/// How a camera's picture sits against the light the colour names were learnt under: exposure
/// (a white shirt under indoor light is at luma 150, where the colour table says grey) and a colour
/// cast (a white balance that leaves the grey paving bluish).
///
/// Applied to a pixel before it is named, as a person would see it: relative to the scene. Every
/// channel is scaled about its neutral value by `gain` — the same as scaling R, G and B, so hue and
/// saturation stay — after the cast is taken off the chroma.
public struct SceneLight: Sendable, Hashable {
    /// ≥ 1: the brightest common surfaces of the scene are lifted to white.
    public var gain: Float
    /// The chroma of the scene's neutral surfaces (Cb − 128, Cr − 128), taken off every pixel.
    public var castU: Float
    public var castV: Float

    public init(gain: Float = 1, castU: Float = 0, castV: Float = 0) {
        self.gain = gain
        self.castU = castU
        self.castV = castV
    }

    public static let neutral = SceneLight()

    /// Per-value maps for Y, Cb and Cr (256 entries each): what each value becomes.
    public func maps() -> (y: [UInt8], u: [UInt8], v: [UInt8]) {
        func map(_ centre: Float, _ shift: Float) -> [UInt8] {
            (0..<256).map { x in UInt8(max(0, min(255, (centre + (Float(x) - centre - shift) * gain).rounded()))) }
        }
        return (map(16, 0), map(128, castU), map(128, castV))
    }
}

/// How ``SceneLightEstimator`` reads a scene.
public struct SceneLightConfiguration: Sendable, Hashable {
    /// The luma below which this share of the scene lies is taken as its white (specular
    /// highlights and lamps are the brightest 2 %, not surfaces).
    public var whitePercentile: Float = 0.98
    /// Luma white is lifted to (limited range).
    public var whiteLuma: Float = 235
    /// At most this much brightening (a dark scene is not lifted into a bright one).
    public var maximumGain: Float = 1.5
    /// A pixel this close to neutral (|Cb − 128| + |Cr − 128|) between `neutralLuma` counts toward
    /// the cast, which is used only when such pixels make up `neutralShare` of the scene…
    public var neutralChroma: Int = 24
    public var neutralLuma: ClosedRange<Int> = 40...220
    public var neutralShare: Float = 0.2
    /// …and is at most this far off neutral (a stronger cast is the scene's own colour: a lawn).
    public var maximumCast: Float = 8
    /// Seconds between estimates; each new one moves the light `smoothing` of the way.
    public var interval: Double = 2
    public var smoothing: Float = 0.5
    /// Off: every pixel named as it is (the colour table's own light).
    public var enabled = true

    public init() {}
}

/// Estimates a camera's ``SceneLight`` from its background image every few seconds.
/// - Complexity: O(pixels) per estimate, one estimate per `interval`.
public struct SceneLightEstimator: Sendable {
    public let configuration: SceneLightConfiguration
    public private(set) var light = SceneLight.neutral
    private var last: Double = -.infinity
    private var estimates = 0

    public init(configuration: SceneLightConfiguration = SceneLightConfiguration()) {
        self.configuration = configuration
    }

    /// Looks at the scene (three planes of one size, e.g. the background model's) when an
    /// estimate is due; true when ``light`` changed.
    public mutating func update(y: [UInt8], u: [UInt8], v: [UInt8], time: Double) -> Bool {
        guard configuration.enabled, time - last >= configuration.interval, !y.isEmpty, u.count == y.count, v.count == y.count
        else { return false }
        last = time
        let c = configuration
        var histogram = [Int](repeating: 0, count: 256)
        for p in y { histogram[Int(p)] += 1 }
        let wanted = Int(Float(y.count) * c.whitePercentile)
        var seen = 0, white = 255
        for (value, n) in histogram.enumerated() {
            seen += n
            if seen >= wanted { white = value; break }
        }
        let gain = min(c.maximumGain, max(1, (c.whiteLuma - 16) / Float(max(17, white) - 16)))
        var su = 0, sv = 0, n = 0
        for i in 0..<u.count {
            let du = Int(u[i]) - 128, dv = Int(v[i]) - 128
            guard abs(du) + abs(dv) <= c.neutralChroma, c.neutralLuma.contains(Int(y[i])) else { continue }
            su += du
            sv += dv
            n += 1
        }
        var castU: Float = 0, castV: Float = 0
        if Float(n) >= c.neutralShare * Float(u.count) {
            castU = max(-c.maximumCast, min(c.maximumCast, Float(su) / Float(n)))
            castV = max(-c.maximumCast, min(c.maximumCast, Float(sv) / Float(n)))
        }
        let k = estimates == 0 ? 1 : c.smoothing
        estimates += 1
        let next = SceneLight(
            gain: light.gain + (gain - light.gain) * k,
            castU: light.castU + (castU - light.castU) * k, castV: light.castV + (castV - light.castV) * k)
        // Changes below what a table cell (8 levels) could notice are not worth new maps.
        let changed = abs(next.gain - light.gain) > 0.01 || abs(next.castU - light.castU) > 0.25 || abs(next.castV - light.castV) > 0.25
        if changed { light = next }
        return changed
    }
}
