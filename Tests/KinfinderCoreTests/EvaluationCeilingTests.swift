import Detection
import Description
import Foundation
import Matching
import Testing
@testable import KinfinderCore

private func person(_ id: Int, _ upper: String, _ lower: String, _ age: String = "adult", en: String, zh: String) -> GroundTruth.Identity {
    GroundTruth.Identity(
        id: id, upper: upper, lower: lower, ageGroup: age, heightCM: nil, description_en: en, description_zh: zh,
        firstFrame: 0, lastFrame: 10)
}

private func track(_ id: Int, upper: ColourName, lower: ColourName) -> TrackDescriptor {
    func h(_ c: ColourName) -> ColourHistogram {
        var counts = [Int](repeating: 0, count: ColourName.allCases.count)
        counts[c.rawValue] = 400
        return ColourHistogram(counts: counts)
    }
    return TrackDescriptor(
        trackID: id, firstSeen: 0, lastSeen: 5, upper: h(upper), lower: h(lower), lowerVisibility: 1, heightPixels: 120,
        heightFraction: 0.4, relativeHeight: nil, speed: 1, heading: 0, loiterSeconds: 0, observations: 20,
        bestBox: Box(x: 0, y: 0, width: 40, height: 120), bestTime: 1)
}

@Suite("Evaluation ceilings: what the labels allow, and what true colours would give")
struct EvaluationCeilingTests {
    @Test("two people labelled alike can never both be first: each counts one half")
    func labelCeiling() {
        let people = [
            person(1, "black", "black", en: "", zh: ""), person(2, "black", "black", en: "", zh: ""),
            person(3, "red", "blue", en: "", zh: ""), person(4, "black", "black", "child", en: "", zh: ""),
        ]
        // 1 and 2 share a label (½ each); 3 and the child 4 are unique: (½ + ½ + 1 + 1) / 4.
        #expect(Evaluation.labelCeiling(people) == 0.75)
        #expect(Evaluation.labelCeiling([]) == 0)
    }

    @Test("true-colour rank-1: misread tracks are given their owner's colours; a tie with a stranger counts half")
    func trueColours() throws {
        let model = try ColourNameModel(directory: repoRoot.appendingPathComponent("Models").path)
        let truth = GroundTruth(
            clip: "t.mp4", width: 320, height: 240, fps: 10, frames: 10,
            identities: [
                person(1, "red", "blue", en: "a man in a red jacket and blue jeans", zh: "红色外套，蓝色牛仔裤的男人"),
                person(2, "green", "black", en: "a woman in a green top and black trousers", zh: "穿绿色上衣黑色裤子的女人"),
            ],
            boxes: [])
        // Track 10 is person 1 but read grey/grey; track 20 is person 2, read right; track 30 is
        // nobody's and wears green/black too.
        let tracks = [track(10, upper: .grey, lower: .grey), track(20, upper: .green, lower: .black), track(30, upper: .green, lower: .black)]
        let owner = [10: 1, 20: 2]
        let rank1 = try Evaluation.trueColourRank1(
            tracks, owner: owner, truth: truth, parser: DescriptionReader(model: model), matcher: Matcher(),
            languages: [.english, .chinese])
        // Person 1: alone at the top once given red/blue (1). Person 2: tied with the stranger (½).
        #expect(abs(rank1 - 0.75) < 1e-9, "\(rank1)")
        let english = try Evaluation.trueColourRank1(
            tracks, owner: [:], truth: truth, parser: DescriptionReader(model: model), matcher: Matcher(), languages: [.english])
        // Nobody owns a track: every top is a stranger's.
        #expect(english == 0)
    }
}
