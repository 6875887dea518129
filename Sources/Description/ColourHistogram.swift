/// A histogram over the twelve ``ColourName`` bins of the foreground pixels of one body part.
///
/// Bins hold fractions that sum to 1 (or all zero when nothing was seen); `pixels` says how many
/// foreground pixels went into it, so a histogram made of a handful of pixels can be trusted less.
/// Stored in a `SIMD16<Float>` (lanes 12…15 stay zero) so that comparing two histograms is a few
/// vector instructions.
public struct ColourHistogram: Sendable, Hashable, Codable {
    public var bins: SIMD16<Float>
    public var pixels: Int

    public init() {
        bins = .zero
        pixels = 0
    }

    /// Builds a normalised histogram from raw per-name pixel counts.
    public init(counts: [Int]) {
        precondition(counts.count == ColourName.allCases.count, "one count per colour name")
        var b = SIMD16<Float>.zero
        let total = counts.reduce(0, +)
        if total > 0 {
            for (i, c) in counts.enumerated() { b[i] = Float(c) / Float(total) }
        }
        bins = b
        pixels = total
    }

    public init(bins: SIMD16<Float>, pixels: Int) {
        self.bins = bins
        self.pixels = pixels
    }

    public subscript(name: ColourName) -> Float { bins[name.rawValue] }

    /// The share of pixels that carry any of `names`.
    public func mass(of names: some Sequence<ColourName>) -> Float {
        var s: Float = 0
        for n in Set(names) { s += bins[n.rawValue] }
        return s
    }

    /// The most frequent names, largest first, with their shares (only those ≥ `minimumShare`).
    public func dominant(minimumShare: Float = 0.1) -> [(name: ColourName, share: Float)] {
        ColourName.allCases
            .map { ($0, bins[$0.rawValue]) }
            .filter { $0.1 >= minimumShare }
            .sorted { $0.1 > $1.1 }
    }

    /// Histogram intersection (Swain & Ballard): 1 for identical distributions, 0 for disjoint ones.
    public func intersection(_ other: ColourHistogram) -> Float {
        let m = bins.replacing(with: other.bins, where: other.bins .< bins)
        return m.sum()
    }

    /// Merges two histograms weighted by their pixel counts.
    public func merged(with other: ColourHistogram) -> ColourHistogram {
        let total = pixels + other.pixels
        guard total > 0 else { return ColourHistogram() }
        let a = Float(pixels) / Float(total), b = Float(other.pixels) / Float(total)
        return ColourHistogram(bins: bins * a + other.bins * b, pixels: total)
    }

    enum CodingKeys: String, CodingKey { case bins, pixels }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let values = try c.decode([Float].self, forKey: .bins)
        guard values.count == ColourName.allCases.count else {
            throw DecodingError.dataCorruptedError(
                forKey: .bins, in: c, debugDescription: "a colour histogram has \(ColourName.allCases.count) bins, found \(values.count)")
        }
        var b = SIMD16<Float>.zero
        for (i, v) in values.enumerated() { b[i] = v }
        bins = b
        pixels = try c.decode(Int.self, forKey: .pixels)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode((0..<ColourName.allCases.count).map { bins[$0] }, forKey: .bins)
        try c.encode(pixels, forKey: .pixels)
    }
}
