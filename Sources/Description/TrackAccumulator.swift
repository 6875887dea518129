package import Detection

/// Everything gathered about one track while it lives; turned into a ``TrackDescriptor`` on demand.
package struct TrackAccumulator {
    package let id: Int
    package var firstSeen: Double
    package var lastSeen: Double
    package var upper = [Int](repeating: 0, count: ColourName.allCases.count)
    package var lower = [Int](repeating: 0, count: ColourName.allCases.count)
    package var upperForeground = 0
    package var upperArea = 0
    package var lowerForeground = 0
    package var lowerArea = 0
    package var heights = BoundedSamples<Float>()
    package var footHeights = BoundedSamples<SIMD2<Float>>()
    package var speeds = BoundedSamples<Float>()
    package var loiterSeconds: Double = 0
    package var firstFoot: SIMD2<Float>
    package var lastFoot: SIMD2<Float>
    package var lastVelocity: SIMD2<Float> = .zero
    package var observations = 0
    package var bestBox: Box
    package var bestArea: Float = 0
    package var bestTime: Double
    package var lastHeightSample: Double = -.infinity

    package init(id: Int, box: Box, time: Double) {
        self.id = id
        firstSeen = time
        lastSeen = time
        firstFoot = box.foot
        lastFoot = box.foot
        bestBox = box
        bestTime = time
    }

    package mutating func add(_ s: ColourSample) {
        for i in 0..<upper.count {
            upper[i] += s.upper[i]
            lower[i] += s.lower[i]
        }
        upperForeground += s.upperForeground
        upperArea += s.upperArea
        lowerForeground += s.lowerForeground
        lowerArea += s.lowerArea
    }

    package func descriptor(frameHeight: Int, heights model: PerspectiveHeightModel) -> TrackDescriptor {
        let medianHeight = heights.median ?? bestBox.height
        var relative: Float? = nil
        let ratios = footHeights.values.compactMap { s -> Float? in
            guard let e = model.expectedHeight(footY: s.x) else { return nil }
            return s.y / e
        }
        if ratios.count >= 5 {
            // Only when the track's own samples agree (interquartile range ≤ 25 % of the median).
            let sorted = ratios.sorted()
            let median = BoundedSamples.median(of: sorted)
            let iqr = sorted[sorted.count * 3 / 4] - sorted[sorted.count / 4]
            if median > 0, iqr <= 0.25 * median { relative = median }
        }
        let displacement = lastFoot - firstFoot
        let moved = (displacement * displacement).sum().squareRoot()
        let direction = moved > 0.5 * medianHeight ? displacement : lastVelocity
        var heading = Float(0)
        if direction != .zero {
            heading = atan2Degrees(direction.y, direction.x)
        }
        let upperShare = upperArea > 0 ? Float(upperForeground) / Float(upperArea) : 0
        let lowerShare = lowerArea > 0 ? Float(lowerForeground) / Float(lowerArea) : 0
        let lowerVisibility = upperShare > 0 ? min(1, lowerShare / upperShare) : 0
        return TrackDescriptor(
            trackID: id, firstSeen: firstSeen, lastSeen: lastSeen,
            upper: ColourHistogram(counts: upper), lower: ColourHistogram(counts: lower),
            lowerVisibility: lowerVisibility, heightPixels: medianHeight,
            heightFraction: medianHeight / Float(max(1, frameHeight)), relativeHeight: relative,
            speed: speeds.median ?? 0, heading: heading, loiterSeconds: Float(loiterSeconds),
            observations: observations, bestBox: bestBox, bestTime: bestTime)
    }
}

/// Samples kept for a median, bounded in memory: past `capacity`, every other one is dropped and
/// only every second new one is kept (so a track that lasts hours stays small).
package struct BoundedSamples<T> {
    package private(set) var values: [T] = []
    private var keepEvery = 1
    private var seen = 0
    package let capacity = 256

    package mutating func append(_ v: T) {
        seen += 1
        guard seen % keepEvery == 0 else { return }
        values.append(v)
        if values.count >= capacity {
            values = stride(from: 0, to: values.count, by: 2).map { values[$0] }
            keepEvery *= 2
        }
    }
}

extension BoundedSamples where T == Float {
    package var median: Float? { values.isEmpty ? nil : Self.median(of: values) }

    package static func median(of v: [Float]) -> Float {
        let s = v.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
}

/// atan2 in degrees, 0…360, without Foundation: 0 = right, 90 = down (image rows grow downward).
package func atan2Degrees(_ y: Float, _ x: Float) -> Float {
    // Polynomial atan on the octant, accurate to ~0.01 rad: ample for a heading.
    let ax = abs(x), ay = abs(y)
    let (small, large) = ax > ay ? (ay, ax) : (ax, ay)
    guard large > 0 else { return 0 }
    let t = small / large
    let t2 = t * t
    var a = t * (0.9998660 + t2 * (-0.3302995 + t2 * (0.1801410 + t2 * (-0.0851330 + t2 * 0.0208351))))
    if ay > ax { a = Float.pi / 2 - a }
    if x < 0 { a = Float.pi - a }
    if y < 0 { a = -a }
    var deg = a * 180 / Float.pi
    if deg < 0 { deg += 360 }
    return deg
}
