/// How tall an adult appears at each place in a fixed camera's image: on a flat ground seen from
/// a fixed camera, apparent height is close to linear in the image row of the feet
/// (`h ≈ a·footY + b`). Learned online from the people the camera sees (mostly adults), fitted by
/// least squares with outliers (children, groups, bad boxes) removed, so that a child can be told
/// from an adult by `relative height = observed / expected` without calibrating the camera.
/// - Complexity: O(samples) per refit; samples are capped.
public struct PerspectiveHeightModel: Sendable {
    /// Distinct tracks needed before the model answers.
    public var minimumTracks = 4
    public var minimumSamples = 24
    public var capacity = 4000
    private var samples: [(foot: Float, height: Float, track: Int)] = []
    private var tracks: Set<Int> = []
    private var fit: (a: Float, b: Float)?
    private var samplesAtFit = 0
    /// Largest relative RMS residual of the inliers for the model to answer.
    public var maximumResidual: Float = 0.12
    /// Smallest share of samples that must be inliers.
    public var minimumInlierShare: Float = 0.6

    public init() {}

    public mutating func add(footY: Float, height: Float, track: Int) {
        guard height > 0 else { return }
        if samples.count >= capacity {
            // Keep every other sample: the model stays spread over time.
            samples = stride(from: 0, to: samples.count, by: 2).map { samples[$0] }
        }
        samples.append((footY, height, track))
        tracks.insert(track)
        if samples.count >= samplesAtFit + 8 || fit == nil { refit() }
    }

    /// Expected adult height at a foot row, or `nil` while the model has seen too little.
    public func expectedHeight(footY: Float) -> Float? {
        guard let fit else { return nil }
        let h = fit.a * footY + fit.b
        return h > 1 ? h : nil
    }

    public var coefficients: (a: Float, b: Float)? { fit }

    private mutating func refit() {
        samplesAtFit = samples.count
        guard samples.count >= minimumSamples, tracks.count >= minimumTracks else {
            fit = nil
            return
        }
        var use = samples.map { ($0.foot, $0.height) }
        var result = Self.leastSquares(use)
        // Two rounds of outlier removal: children and merged groups are not adults.
        for _ in 0..<2 {
            guard let (a, b) = result else { break }
            let kept = use.filter { s in
                let e = a * s.0 + b
                return e > 0 && abs(s.1 - e) / e < 0.2
            }
            guard kept.count >= minimumSamples / 2 else { break }
            use = kept
            result = Self.leastSquares(use)
        }
        // Answer only when the line explains most samples well: boxes of partly detected people
        // scatter the samples, and a wrong expectation is worse than none.
        guard let (a, b) = result, Float(use.count) >= minimumInlierShare * Float(samples.count) else {
            fit = nil
            return
        }
        var sq: Float = 0
        for (x, y) in use {
            let e = a * x + b
            guard e > 0 else { fit = nil; return }
            sq += ((y - e) / e) * ((y - e) / e)
        }
        fit = (sq / Float(use.count)).squareRoot() <= maximumResidual ? (a, b) : nil
    }

    static func leastSquares(_ points: [(Float, Float)]) -> (Float, Float)? {
        let n = Float(points.count)
        guard n >= 2 else { return nil }
        var sx: Float = 0, sy: Float = 0, sxx: Float = 0, sxy: Float = 0
        for (x, y) in points {
            sx += x; sy += y; sxx += x * x; sxy += x * y
        }
        let den = n * sxx - sx * sx
        guard abs(den) > 1e-3 else { return (0, sy / n) }
        let a = (n * sxy - sx * sy) / den
        return (a, (sy - a * sx) / n)
    }
}
