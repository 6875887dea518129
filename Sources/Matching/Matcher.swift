public import FoundationEssentials
public import Description
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Every threshold and weight of the report ↔ track score, named and documented.
public struct MatchConfiguration: Sendable, Hashable {
    /// A score at or above this raises an incident.
    public var threshold: Double = 0.70
    /// Relative weights of the parts of the score (renormalised over the parts present).
    public var upperWeight: Double = 0.6
    public var lowerWeight: Double = 0.25
    public var heightWeight: Double = 0.25
    /// Parts are combined by a weighted geometric mean, so one clear contradiction (a child's
    /// report against an adult's height) pulls the score down however well the rest fits; a part
    /// scores at least this, so one bad reading cannot zero the rest.
    public var floor: Double = 0.05
    /// Share of a body part's foreground pixels in the reported colour that counts as a full
    /// match: the rest is skin, hair, bags, shading and background bleeding into the mask.
    public var colourSaturation: Float = 0.45
    /// Pixels a body part needs before its colour counts fully (fewer pixels, less weight).
    public var fullWeightPixels: Int = 300
    /// Lower-body visibility needed for the lower colour to count fully (top-down views see little).
    public var fullLowerVisibility: Float = 0.5
    /// Height of the adult the perspective model learns, in centimetres (relative height 1.0).
    public var referenceAdultHeightCM: Double = 168
    /// Spread of the relative-height agreement (0.15 ≈ a 25 cm error for an adult costs half).
    public var heightTolerance: Double = 0.15
    /// Tracks seen this long before the reported last-seen time are still candidates (families
    /// give times roughly).
    public var lastSeenMargin: Double = 30 * 60

    public init() {}
}

/// How well one track fits one report, part by part.
public struct MatchScore: Sendable, Hashable {
    /// 0…1; ≥ `MatchConfiguration.threshold` is a hit.
    public var total: Double
    public var upper: Double?
    public var lower: Double?
    public var height: Double?
    /// Why, in words a grid worker reads.
    public var explanation: String
    /// The same mean over the parts without the colour saturation (a top 90 % red is stronger
    /// evidence than one 50 % red, though both score 1): orders tracks whose `total` ties.
    public var strength: Double = 0

    /// True when this score ranks before `other`: higher total, then stronger evidence.
    public func ranks(before other: MatchScore) -> Bool {
        total > other.total || (total == other.total && strength > other.strength)
    }
}

/// Scores tracks against missing-person reports: colour agreement of the upper and lower body
/// (with partial credit for the confusions lighting causes), relative height against age and
/// height, and whether the time fits. See `docs/scoring.md`.
public struct Matcher: Sendable {
    public var configuration: MatchConfiguration

    public init(configuration: MatchConfiguration = MatchConfiguration()) {
        self.configuration = configuration
    }

    /// Scores `track`, seen until `seenAt`, against `report`. `nil` when the track cannot be the
    /// person at all (seen well before they went missing) or the report says nothing to compare.
    public func score(_ report: MissingPersonReport, _ track: TrackDescriptor, seenAt: Date) -> MatchScore? {
        if let lost = report.lastSeenAt, seenAt < lost.addingTimeInterval(-configuration.lastSeenMargin) {
            return nil
        }
        // Weighted geometric mean: accumulate w·log(score) and the weights (and, for `strength`, the
        // same with unsaturated colour shares).
        var sum = 0.0, weights = 0.0, raw = 0.0
        func add(_ score: Double, weight: Double, unsaturated: Double? = nil) {
            sum += weight * log(max(score, configuration.floor))
            raw += weight * log(max(unsaturated ?? score, configuration.floor))
            weights += weight
        }
        var parts: [String] = []
        var upperScore: Double? = nil, lowerScore: Double? = nil, heightScore: Double? = nil
        if !report.upper.isEmpty {
            let (s, share) = colourScore(report.upper, track.upper)
            let w = configuration.upperWeight * pixelWeight(track.upper.pixels)
            add(s, weight: w, unsaturated: Double(min(1, share)))
            upperScore = s
            parts.append("upper \(Self.names(report.upper)) \(Self.percent(share)) → \(Self.fixed(s))")
        }
        if !report.lower.isEmpty {
            let (s, share) = colourScore(report.lower, track.lower)
            let visibility = Double(min(1, track.lowerVisibility / max(0.01, configuration.fullLowerVisibility)))
            let w = configuration.lowerWeight * pixelWeight(track.lower.pixels) * visibility
            add(s, weight: w, unsaturated: Double(min(1, share)))
            lowerScore = s
            parts.append("lower \(Self.names(report.lower)) \(Self.percent(share)) → \(Self.fixed(s))")
        }
        if let expected = expectedRelativeHeight(report), let observed = track.relativeHeight {
            let r = Double(observed) / expected
            let z = (r - 1) / configuration.heightTolerance
            let s = exp(-0.5 * z * z)
            add(s, weight: configuration.heightWeight)
            heightScore = s
            parts.append("height \(Self.fixed(Double(observed)))× adult vs \(Self.fixed(expected))× → \(Self.fixed(s))")
        }
        guard weights > 0 else { return nil }
        let total = exp(sum / weights)
        return MatchScore(
            total: total, upper: upperScore, lower: lowerScore, height: heightScore,
            explanation: parts.joined(separator: ", "), strength: exp(raw / weights))
    }

    /// Height the report implies, relative to the reference adult.
    public func expectedRelativeHeight(_ report: MissingPersonReport) -> Double? {
        if let cm = report.heightCM, cm > 30 { return cm / configuration.referenceAdultHeightCM }
        if let age = report.ageGroup { return age.typicalHeightCM / configuration.referenceAdultHeightCM }
        return nil
    }

    /// Colour agreement of a reported colour list with a histogram, 0…1, and the raw credited share.
    public func colourScore(_ names: [ColourName], _ h: ColourHistogram) -> (score: Double, share: Float) {
        guard h.pixels > 0 else { return (0, 0) }
        var credit: Float = 0
        for k in ColourName.allCases {
            let share = h[k]
            guard share > 0 else { continue }
            var best: Float = 0
            for c in names { best = max(best, ColourSimilarity.similarity(c, k)) }
            credit += share * best
        }
        return (Double(min(1, credit / configuration.colourSaturation)), credit)
    }

    private func pixelWeight(_ pixels: Int) -> Double {
        min(1, Double(pixels) / Double(max(1, configuration.fullWeightPixels)))
    }

    private static func names(_ n: [ColourName]) -> String { n.map(\.english).joined(separator: "/") }
    private static func percent(_ f: Float) -> String { "\(Int((f * 100).rounded()))%" }
    private static func fixed(_ d: Double) -> String {
        let v = (d * 100).rounded() / 100
        let s = String(v)
        return s.count > 4 ? String(s.prefix(4)) : s
    }
}

/// Partial credit between colour names that cameras and lighting confuse: a navy jacket reads
/// partly black in shade, a grey one partly white in sun, red fabric partly pink or orange.
/// Kept small (≤ 0.25): a neighbour is a hint, never a match — a red top must not pass for pink.
/// Symmetric; 1 on the diagonal; documented in `docs/scoring.md`.
public enum ColourSimilarity {
    private static let pairs: [(ColourName, ColourName, Float)] = [
        (.red, .pink, 0.2), (.red, .orange, 0.2), (.red, .brown, 0.1), (.red, .purple, 0.1),
        (.orange, .yellow, 0.2), (.orange, .brown, 0.2), (.orange, .pink, 0.1),
        (.yellow, .brown, 0.1), (.yellow, .green, 0.1), (.yellow, .white, 0.1),
        (.green, .cyan, 0.2), (.green, .grey, 0.05), (.green, .brown, 0.05),
        (.cyan, .blue, 0.25), (.cyan, .grey, 0.05),
        (.blue, .purple, 0.15), (.blue, .black, 0.15), (.blue, .grey, 0.1),
        (.purple, .pink, 0.15), (.purple, .black, 0.05),
        (.pink, .white, 0.1),
        (.brown, .black, 0.15), (.brown, .grey, 0.1),
        (.black, .grey, 0.2),
        (.white, .grey, 0.25),
    ]

    private static let table: [Float] = {
        let n = ColourName.allCases.count
        var t = [Float](repeating: 0, count: n * n)
        for i in 0..<n { t[i * n + i] = 1 }
        for (a, b, s) in pairs {
            t[a.rawValue * n + b.rawValue] = s
            t[b.rawValue * n + a.rawValue] = s
        }
        return t
    }()

    public static func similarity(_ a: ColourName, _ b: ColourName) -> Float {
        table[a.rawValue * ColourName.allCases.count + b.rawValue]
    }
}
