public import FoundationEssentials
public import Description
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Every threshold and weight of the report ↔ track score, named and documented (`docs/scoring.md`).
public struct MatchConfiguration: Sendable, Hashable {
    /// A confidence at or above this raises an incident: the lowest threshold at which the seven
    /// annotated real clips raise at most one wrong lead per camera-hour per open report
    /// (`kinfinder evaluate --false-lead-budget 1` prints the sweep and names it: 0.45 wrong leads per camera-hour per report there).
    /// A site with a different budget sets its own (`match.threshold` in the YAML, `--threshold`).
    public var threshold: Double = 0.30
    /// How likely, before any clothing is compared, a given track at a camera is the person
    /// (about one in 30: the logistic fit below). The confidence is this prior updated by the evidence (Bayes' rule in odds).
    public var priorProbability: Double = 0.034
    /// The evidence (Σ ln likelihood ratio) is multiplied by this before it updates the prior.
    /// With `priorProbability` it is the logistic fit (Platt scaling) of "this track is the
    /// described person" on the evidence over every description and track of the seven annotated
    /// real clips (`kinfinder evaluate` prints the fit and the calibration table): the parts are
    /// not independent and the likelihood model is simple, and this makes the confidence mean
    /// what it says.
    public var evidenceScale: Double = 1.70
    /// How often the described person's garment reads as the described colour (family wording,
    /// lighting, the camera): the evidence a full colour match gives is this over the camera's
    /// base rate of the colour; a full mismatch gives (1 − this) over (1 − base rate).
    public var colourReliability: Double = 0.75
    /// Weight of the height evidence against one fully seen garment.
    public var heightEvidenceWeight: Double = 1
    /// No single part moves the odds by more than e^this (≈ 33×), however rare its colour.
    public var maximumPartEvidence: Double = 3.5
    /// Relative weights of the parts of the *agreement* (``Matcher/agreement(_:_:seenAt:)``, the
    /// descriptor index's fast first pass), renormalised over the parts present.
    public var upperWeight: Double = 0.6
    public var lowerWeight: Double = 0.25
    public var heightWeight: Double = 0.25
    /// The agreement's parts are combined by a weighted geometric mean; a part scores at least this.
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
    /// Spread of a relative-height reading (0.15 ≈ 25 cm for an adult).
    public var heightTolerance: Double = 0.15
    /// Who walks past a camera, by relative height: adults and elderly people at about 1, children
    /// at about 0.7 (the height evidence compares the reported height against this mix).
    public var heightPopulation: [(share: Double, relativeHeight: Double)] { [(0.9, 0.98), (0.1, 0.70)] }
    /// Tracks seen this long before the reported last-seen time are still candidates (families
    /// give times roughly).
    public var lastSeenMargin: Double = 30 * 60

    public init() {}
}

/// When a second lead for one report, inside the sighting window of an earlier one, is raised
/// anyway: only when it is clearly better, so a wrong person seen first cannot block the right one
/// seen seconds later, while one person's broken tracks (about the same confidence) still give
/// one lead. Both engines of the grid database, the live pipeline, the retro search and
/// `kinfinder evaluate` apply this one rule.
public enum LeadRule {
    /// A lead is clearly better when its odds are at least this many times the best earlier
    /// lead's in the window (0.50 → 0.80, 0.60 → 0.86, 0.20 → 0.50).
    public static let clearlyBetterOdds = 4.0

    /// Whether a lead of confidence `confidence` is clearly better than one of `earlier`.
    public static func clearlyBetter(_ confidence: Double, than earlier: Double) -> Bool {
        func odds(_ p: Double) -> Double {
            let q = min(max(p, 0), 0.999)
            return q / (1 - q)
        }
        return odds(confidence) >= clearlyBetterOdds * odds(earlier)
    }

    /// The confidence of the earlier lead (of those inside the window) that blocks a lead of
    /// `confidence`: the best of them, unless this one is clearly better; `nil` when none blocks.
    public static func blocking(_ confidence: Double, earlier: some Sequence<Double>) -> Double? {
        guard let best = earlier.max(), !clearlyBetter(confidence, than: best) else { return nil }
        return best
    }
}

/// One described attribute weighed against one track: how much more likely what the track shows
/// is if it is the described person than if it is anyone at this camera.
public struct EvidencePart: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Codable { case upper, lower, height }
    public var kind: Kind
    /// The reported colours (empty for height).
    public var colours: [ColourName]
    /// Colour parts: share of the part's pixels in the reported colours (neighbours credited).
    /// Height: the observed relative height.
    public var observed: Double
    /// Height: the relative height the report implies.
    public var expected: Double?
    /// Colour parts: share of this camera's people whose part is that colour.
    public var baseRate: Double?
    /// How much of the part was seen (pixels, lower-body visibility), 0…1; 0 = not seen, no evidence.
    public var weight: Double
    /// The factor this part multiplies the odds by (the likelihood ratio to the power of `weight`).
    public var factor: Double
}

/// How well one track fits one report.
public struct MatchScore: Sendable, Hashable {
    /// Confidence, 0…1: the prior (``MatchConfiguration/priorProbability``) updated by every part's
    /// evidence. ≥ ``MatchConfiguration/threshold`` raises an incident.
    public var total: Double
    /// Σ ln(factor) over the parts: the log of how much the evidence moved the odds.
    public var evidence: Double
    /// Per part, the agreement 0…1 (the saturated colour share; the height fit).
    public var upper: Double?
    public var lower: Double?
    public var height: Double?
    public var parts: [EvidencePart]
    /// Why, in words a grid worker reads.
    public var explanation: String
    /// How much evidence there was (Σ part weights): orders tracks whose confidence ties — three
    /// parts fully seen before one glimpsed.
    public var strength: Double = 0

    public init(
        total: Double, evidence: Double, upper: Double?, lower: Double?, height: Double?, parts: [EvidencePart],
        explanation: String, strength: Double
    ) {
        self.total = total
        self.evidence = evidence
        self.upper = upper
        self.lower = lower
        self.height = height
        self.parts = parts
        self.explanation = explanation
        self.strength = strength
    }

    /// True when this score ranks before `other`: higher confidence, then more evidence.
    public func ranks(before other: MatchScore) -> Bool {
        total > other.total || (total == other.total && (strength > other.strength
            || (strength == other.strength && evidence > other.evidence)))
    }
}

/// Scores tracks against missing-person reports by *evidence*: each described and observed
/// attribute (upper colour, lower colour, relative height) contributes the likelihood ratio of
/// what the track shows under "this is the person" against "this is anyone at this camera" (the
/// camera's base rates, ``LookFrequencies``), weighted by how much of it was seen; the prior odds
/// times the ratios give a confidence. See `docs/scoring.md`.
public struct Matcher: Sendable {
    public var configuration: MatchConfiguration

    public init(configuration: MatchConfiguration = MatchConfiguration()) {
        self.configuration = configuration
    }

    /// Base rates for a camera that has seen nobody yet, in this configuration's terms.
    public var priorLooks: LookFrequencies { LookFrequencies(saturation: configuration.colourSaturation) }

    /// Scores `track`, seen until `seenAt`, against `report`, at a camera whose people look like
    /// `looks`. `nil` when the track cannot be the person at all (seen well before they went
    /// missing) or the report says nothing to compare.
    public func score(
        _ report: MissingPersonReport, _ track: TrackDescriptor, seenAt: Date, looks: LookFrequencies? = nil
    ) -> MatchScore? {
        if let lost = report.lastSeenAt, seenAt < lost.addingTimeInterval(-configuration.lastSeenMargin) {
            return nil
        }
        let looks = looks ?? priorLooks
        let c = configuration
        var parts: [EvidencePart] = []
        var upperScore: Double? = nil, lowerScore: Double? = nil, heightScore: Double? = nil
        func colour(_ kind: EvidencePart.Kind, _ names: [ColourName], _ h: ColourHistogram, visibility: Double) -> Double {
            let (m, share) = colourScore(names, h)
            let b = looks.baseRate(of: names, part: kind == .upper ? .upper : .lower)
            // The reading is right with probability `colourReliability`; otherwise the person's
            // garment reads like anyone's here, so a match is never evidence against.
            let q = c.colourReliability + (1 - c.colourReliability) * b
            let ratio = (m * q + (1 - m) * (1 - q)) / (m * b + (1 - m) * (1 - b))
            let w = pixelWeight(h.pixels) * visibility
            parts.append(EvidencePart(
                kind: kind, colours: names, observed: Double(share), expected: nil, baseRate: b, weight: w,
                factor: exp(w * bounded(log(ratio)))))
            return m
        }
        if !report.upper.isEmpty { upperScore = colour(.upper, report.upper, track.upper, visibility: 1) }
        if !report.lower.isEmpty {
            let visibility = Double(min(1, track.lowerVisibility / max(0.01, c.fullLowerVisibility)))
            lowerScore = colour(.lower, report.lower, track.lower, visibility: visibility)
        }
        if let expected = expectedRelativeHeight(report) {
            if let observed = track.relativeHeight.map(Double.init) {
                let here = normal(observed, mean: expected)
                let anyone = c.heightPopulation.reduce(0) { $0 + $1.share * normal(observed, mean: $1.relativeHeight) }
                let z = (observed / expected - 1) / c.heightTolerance
                heightScore = exp(-0.5 * z * z)
                let w = c.heightEvidenceWeight
                parts.append(EvidencePart(
                    kind: .height, colours: [], observed: observed, expected: expected, baseRate: nil, weight: w,
                    factor: exp(w * bounded(log(max(1e-12, here) / max(1e-12, anyone))))))
            }
        }
        guard !parts.isEmpty else { return nil }
        let evidence = parts.reduce(0) { $0 + log($1.factor) }
        let prior = min(max(c.priorProbability, 1e-6), 1 - 1e-6)
        let logit = log(prior / (1 - prior)) + c.evidenceScale * evidence
        return MatchScore(
            total: 1 / (1 + exp(-logit)), evidence: evidence, upper: upperScore, lower: lowerScore, height: heightScore,
            parts: parts, explanation: Self.explain(parts), strength: parts.reduce(0) { $0 + $1.weight })
    }

    private func bounded(_ x: Double) -> Double {
        min(configuration.maximumPartEvidence, max(-configuration.maximumPartEvidence, x))
    }

    /// Density of a relative-height reading around `mean` (spread proportional to the height).
    private func normal(_ x: Double, mean: Double) -> Double {
        let sd = configuration.heightTolerance * mean
        let z = (x - mean) / sd
        return exp(-0.5 * z * z) / sd
    }

    /// The plain agreement of a track with a report, 0…1: a weighted geometric mean of the
    /// saturated colour shares and the height fit, blind to how common a look is. The descriptor
    /// index's SIMD scan computes this from its quantised records to pick candidates
    /// (`Tests/DescriptorIndexTests` checks the two agree); ``score(_:_:seenAt:looks:)`` ranks them.
    ///
    /// `unsaturated`: the same mean without the colour saturation (a top 90 % red agrees more than
    /// one 50 % red, though both score 1).
    public func agreement(
        _ report: MissingPersonReport, _ track: TrackDescriptor, seenAt: Date
    ) -> (score: Double, unsaturated: Double)? {
        if let lost = report.lastSeenAt, seenAt < lost.addingTimeInterval(-configuration.lastSeenMargin) {
            return nil
        }
        var sum = 0.0, raw = 0.0, weights = 0.0
        func add(_ score: Double, weight: Double, unsaturated: Double? = nil) {
            sum += weight * log(max(score, configuration.floor))
            raw += weight * log(max(unsaturated ?? score, configuration.floor))
            weights += weight
        }
        if !report.upper.isEmpty {
            let (s, share) = colourScore(report.upper, track.upper)
            add(s, weight: configuration.upperWeight * pixelWeight(track.upper.pixels), unsaturated: Double(min(1, share)))
        }
        if !report.lower.isEmpty {
            let visibility = Double(min(1, track.lowerVisibility / max(0.01, configuration.fullLowerVisibility)))
            let (s, share) = colourScore(report.lower, track.lower)
            add(s, weight: configuration.lowerWeight * pixelWeight(track.lower.pixels) * visibility, unsaturated: Double(min(1, share)))
        }
        if let expected = expectedRelativeHeight(report), let observed = track.relativeHeight {
            let z = (Double(observed) / expected - 1) / configuration.heightTolerance
            add(exp(-0.5 * z * z), weight: configuration.heightWeight)
        }
        guard weights > 0 else { return nil }
        return (exp(sum / weights), exp(raw / weights))
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

    /// One clause per part, joined by ", ": `upper red 62% (on 4% here) ×11`, `lower blue not seen`,
    /// `height 0.66× adult vs 0.68× ×4.1` — each factor is how many times likelier the track is the
    /// person after that part. The console translates the same clauses (console.js `ZH_EXPLAIN`).
    public static func explain(_ parts: [EvidencePart]) -> String {
        parts.map { p in
            switch p.kind {
            case .upper, .lower:
                let head = "\(p.kind.rawValue) \(names(p.colours))"
                guard p.weight > 0.01 else { return head + " not seen" }
                return head + " \(percent(p.observed)) (\(percent(p.baseRate ?? 0)) of people here) ×\(factor(p.factor))"
            case .height:
                return "height \(fixed(p.observed))× adult vs \(fixed(p.expected ?? 0))× ×\(factor(p.factor))"
            }
        }.joined(separator: ", ")
    }

    private static func names(_ n: [ColourName]) -> String { n.map(\.english).joined(separator: "/") }
    private static func percent(_ f: Double) -> String { "\(Int((f * 100).rounded()))%" }
    private static func fixed(_ d: Double) -> String {
        let v = (d * 100).rounded() / 100
        let s = String(v)
        return s.count > 4 ? String(s.prefix(4)) : s
    }
    /// Two significant digits: ×33, ×4.1, ×0.27.
    static func factor(_ f: Double) -> String {
        if f >= 9.95 { return String(Int(f.rounded())) }
        if f >= 0.995 { return String((f * 10).rounded() / 10) }
        return String((f * 100).rounded() / 100)
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
