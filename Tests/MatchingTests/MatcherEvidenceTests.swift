import Description
import Detection
import FoundationEssentials
import Matching
import Testing

/// The evidence score: each described and observed part moves the odds by its likelihood ratio
/// against the camera's base rates; the confidence is the prior odds times those ratios.
@Suite("Matcher evidence")
struct MatcherEvidenceTests {
    let matcher = Matcher()
    let seen = Date(timeIntervalSince1970: 1_800_000_000)

    /// A track whose upper and lower histograms are mostly `upper` and `lower`.
    func track(
        upper: ColourName, lower: ColourName, share: Float = 0.8, pixels: Int = 2000, lowerVisibility: Float = 0.9,
        relativeHeight: Float? = 1.0
    ) -> TrackDescriptor {
        func histogram(_ c: ColourName) -> ColourHistogram {
            var bins = SIMD16<Float>.zero
            bins[c.rawValue] = share
            bins[ColourName.grey.rawValue] += 1 - share
            return ColourHistogram(bins: bins, pixels: pixels)
        }
        return TrackDescriptor(
            trackID: 1, firstSeen: 0, lastSeen: 10, upper: histogram(upper), lower: histogram(lower),
            lowerVisibility: lowerVisibility, heightPixels: 150, heightFraction: 0.3, relativeHeight: relativeHeight,
            speed: 1, heading: 0, loiterSeconds: 0, observations: 50, bestBox: Box(x: 0, y: 0, width: 40, height: 150),
            bestTime: 5)
    }

    func report(upper: [ColourName] = [], lower: [ColourName] = [], age: AgeGroup? = nil) -> MissingPersonReport {
        MissingPersonReport(id: 1, name: "t", ageGroup: age, upper: upper, lower: lower)
    }

    func confidence(_ r: MissingPersonReport, _ t: TrackDescriptor, looks: LookFrequencies? = nil) throws -> Double {
        try #require(matcher.score(r, t, seenAt: seen, looks: looks)).total
    }

    @Test("one weak attribute can never reach three strong ones")
    func weakBelowStrong() throws {
        let t = track(upper: .red, lower: .blue, relativeHeight: 0.68)
        let one = try confidence(report(upper: [.red]), t)
        let three = try confidence(report(upper: [.red], lower: [.blue], age: .child), t)
        #expect(one < three)
        // One colour alone is not a certainty, however well it reads.
        #expect(one < 0.9)
        let s = try #require(matcher.score(report(upper: [.red], lower: [.blue], age: .child), t, seenAt: seen))
        #expect(s.parts.map(\.kind) == [.upper, .lower, .height])
        #expect(s.parts.allSatisfy { $0.factor > 1 }, "\(s.explanation)")
    }

    @Test("a rare colour is stronger evidence than a common one")
    func rareBeatsCommon() throws {
        let red = try confidence(report(upper: [.red]), track(upper: .red, lower: .black))
        let black = try confidence(report(upper: [.black]), track(upper: .black, lower: .black))
        #expect(red > black)
        let redPart = try #require(matcher.score(report(upper: [.red]), track(upper: .red, lower: .black), seenAt: seen)?.parts.first)
        let blackPart = try #require(matcher.score(report(upper: [.black]), track(upper: .black, lower: .black), seenAt: seen)?.parts.first)
        #expect(try #require(redPart.baseRate) < 0.1)
        #expect(try #require(blackPart.baseRate) > 0.5)
        // A match is never evidence against, even for the commonest colour.
        #expect(blackPart.factor >= 1)
    }

    @Test("base rates learned from the camera's own tracks move the confidence")
    func learnedBaseRates() throws {
        // A camera where everyone wears red: a red top says little there.
        let reds = LookFrequencies(tracks: (0..<200).map { _ in track(upper: .red, lower: .black) })
        let greys = LookFrequencies(tracks: (0..<200).map { _ in track(upper: .grey, lower: .black) })
        let r = report(upper: [.red]), t = track(upper: .red, lower: .black)
        #expect(try confidence(r, t, looks: reds) < confidence(r, t, looks: greys))
        #expect(reds.baseRate(of: [.red], part: .upper) > 0.8)
        #expect(greys.baseRate(of: [.red], part: .upper) < 0.05)
        // A new camera starts from the prior table.
        #expect(LookFrequencies().baseRate(of: [.red], part: .upper) == matcher.priorLooks.baseRate(of: [.red], part: .upper))
    }

    @Test("a lower body not seen is no evidence either way, and says so")
    func notSeenIsNeutral() throws {
        let hidden = track(upper: .red, lower: .grey, lowerVisibility: 0)
        let s = try #require(matcher.score(report(upper: [.red], lower: [.blue]), hidden, seenAt: seen))
        let lower = try #require(s.parts.first { $0.kind == .lower })
        #expect(lower.weight == 0)
        #expect(lower.factor == 1)
        #expect(s.explanation.contains("lower blue not seen"), "\(s.explanation)")
        #expect(abs(s.total - (try confidence(report(upper: [.red]), hidden))) < 1e-9)
    }

    @Test("a mismatch lowers the confidence below the prior; the explanation names the base rate")
    func mismatchAndExplanation() throws {
        let s = try #require(matcher.score(report(upper: [.red], lower: [.blue]), track(upper: .green, lower: .black), seenAt: seen))
        #expect(s.total < matcher.configuration.priorProbability)
        #expect(s.total < matcher.configuration.threshold)
        #expect(s.evidence < 0)
        let good = try #require(matcher.score(report(upper: [.red]), track(upper: .red, lower: .black), seenAt: seen))
        #expect(good.explanation.hasPrefix("upper red 80% ("), "\(good.explanation)")
        #expect(good.explanation.contains("of people here) ×"), "\(good.explanation)")
    }

    @Test("height: a child's report fits a short track, not an adult's")
    func height() throws {
        let r = report(age: .child)
        let short = try confidence(r, track(upper: .grey, lower: .grey, relativeHeight: 0.66))
        let tall = try confidence(r, track(upper: .grey, lower: .grey, relativeHeight: 1.02))
        #expect(short > matcher.configuration.priorProbability)
        #expect(tall < matcher.configuration.priorProbability)
    }

    @Test("ties in confidence go to the track with more evidence")
    func ranking() {
        let a = MatchScore(total: 0.5, evidence: 1, upper: nil, lower: nil, height: nil, parts: [], explanation: "", strength: 2.5)
        let b = MatchScore(total: 0.5, evidence: 1, upper: nil, lower: nil, height: nil, parts: [], explanation: "", strength: 1)
        #expect(a.ranks(before: b))
        #expect(!b.ranks(before: a))
    }

    @Test("a later lead is raised inside the sighting window only when clearly better")
    func leadRule() {
        #expect(LeadRule.clearlyBetter(0.80, than: 0.50))
        #expect(!LeadRule.clearlyBetter(0.60, than: 0.50))
        #expect(!LeadRule.clearlyBetter(0.99, than: 0.99))
        #expect(LeadRule.clearlyBetter(0.5, than: 0.2))
    }
}
