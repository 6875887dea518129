public import Description

/// How common each clothing colour is among the people one camera sees: the base rates that turn
/// "this track's top is red" into evidence ("a red top is worn by 4 % of people here, so a red top
/// is strong evidence; a black one by 40 %, so it is weak").
///
/// Per body part it keeps, summed over the camera's tracks, each colour bin's *saturated share*
/// `min(1, share / colourSaturation)`: the degree to which that track "is" that colour in the
/// matcher's own terms. The base rate of a reported colour set is the mean of that degree over the
/// camera's tracks (neighbouring colours credited by ``ColourSimilarity``), blended with a prior
/// table (``street``) worth `priorTracks` tracks, so a new camera starts from typical street
/// clothing and moves to its own people as tracks end.
public struct LookFrequencies: Sendable, Hashable, Codable {
    public enum Part: String, Sendable, Codable { case upper, lower }

    /// Σ over tracks of the saturated share per colour bin (lanes 12…15 zero).
    public var upperSum: SIMD16<Float>
    public var lowerSum: SIMD16<Float>
    /// Tracks counted per part (the lower body counts only where enough of it was seen).
    public var upperTracks: Int
    public var lowerTracks: Int
    /// The share at which a part counts as fully one colour (``MatchConfiguration/colourSaturation``).
    public var saturation: Float
    /// Weight of the prior table, in tracks.
    public var priorTracks: Float

    /// A camera that has seen nobody yet: the prior alone.
    public init(saturation: Float = 0.45, priorTracks: Float = 20) {
        upperSum = .zero
        lowerSum = .zero
        upperTracks = 0
        lowerTracks = 0
        self.saturation = saturation
        self.priorTracks = priorTracks
    }

    /// Base rates learned from `tracks`.
    public init(tracks: some Sequence<TrackDescriptor>, saturation: Float = 0.45, priorTracks: Float = 20) {
        self.init(saturation: saturation, priorTracks: priorTracks)
        for t in tracks { add(t) }
    }

    /// Lower bodies seen less than this (0…1) do not count towards the lower base rates.
    public static let minimumLowerVisibility: Float = 0.3
    /// Histograms of fewer pixels do not count (a handful of pixels says little about the garment).
    public static let minimumPixels = 40

    public mutating func add(_ t: TrackDescriptor) {
        if t.upper.pixels >= Self.minimumPixels {
            upperSum += degrees(t.upper.bins)
            upperTracks += 1
        }
        if t.lower.pixels >= Self.minimumPixels, t.lowerVisibility >= Self.minimumLowerVisibility {
            lowerSum += degrees(t.lower.bins)
            lowerTracks += 1
        }
    }

    /// Adds quantised shares (× 255, as the descriptor index stores them) of one track.
    public mutating func add(upperShares: SIMD16<Float>, upperPixels: Int, lowerShares: SIMD16<Float>, lowerPixels: Int, lowerVisibility: Float) {
        if upperPixels >= Self.minimumPixels {
            upperSum += degrees(upperShares)
            upperTracks += 1
        }
        if lowerPixels >= Self.minimumPixels, lowerVisibility >= Self.minimumLowerVisibility {
            lowerSum += degrees(lowerShares)
            lowerTracks += 1
        }
    }

    /// Two cameras' (or two periods') counts together.
    public func merged(with other: LookFrequencies) -> LookFrequencies {
        var m = self
        m.upperSum += other.upperSum
        m.lowerSum += other.lowerSum
        m.upperTracks += other.upperTracks
        m.lowerTracks += other.lowerTracks
        return m
    }

    private func degrees(_ shares: SIMD16<Float>) -> SIMD16<Float> {
        var d = shares / saturation
        d.replace(with: SIMD16<Float>(repeating: 1), where: d .> 1)
        return d
    }

    /// Tracks counted for `part`.
    public func tracks(_ part: Part) -> Int { part == .upper ? upperTracks : lowerTracks }

    /// Mean saturated share per colour of `part`, prior included.
    public func degree(_ part: Part) -> SIMD16<Float> {
        let (sum, n) = part == .upper ? (upperSum, upperTracks) : (lowerSum, lowerTracks)
        let prior = part == .upper ? Self.street.upper : Self.street.lower
        return (sum + prior * priorTracks) / (Float(n) + priorTracks)
    }

    /// Probability-like share of this camera's people that a report of `colours` on `part` fits:
    /// Σ over colour bins of (mean degree × best similarity to a reported colour), in [0.01, 0.95].
    public func baseRate(of colours: [ColourName], part: Part) -> Double {
        guard !colours.isEmpty else { return 1 }
        let d = degree(part)
        var rate: Float = 0
        for k in ColourName.allCases {
            var best: Float = 0
            for c in colours { best = max(best, ColourSimilarity.similarity(c, k)) }
            rate += best * d[k.rawValue]
        }
        return Double(min(0.95, max(0.01, rate)))
    }

    /// The prior for a camera with few tracks: mean saturated shares per colour over the tracks of
    /// the seven annotated real clips in `Benchmarks/groundtruth` (streets, a concourse, a square, a
    /// tram stop, an underground passage, a walkway; 129 tracks, learned detector, 640 px), measured
    /// with `kinfinder evaluate --looks`. Shares overlap (a grey-and-black top counts for both).
    public static let street = (
        upper: SIMD16<Float>(
            0.055, 0.002, 0.001, 0.010, 0.006, 0.119, 0.075, 0.042, 0.059, 0.698, 0.165, 0.419, 0, 0, 0, 0),
        lower: SIMD16<Float>(
            0.017, 0.000, 0.000, 0.007, 0.005, 0.193, 0.045, 0.009, 0.028, 0.743, 0.193, 0.483, 0, 0, 0, 0)
    )
}
