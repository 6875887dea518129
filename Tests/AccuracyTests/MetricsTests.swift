import Testing
import Tracking
import Detection
import Description
@testable import Accuracy

func box(_ x: Float, _ y: Float = 0, w: Float = 10, h: Float = 20) -> Box { Box(x: x, y: y, width: w, height: h) }

@Suite("Metrics: assignment")
struct AssignmentTests {
    @Test("the optimal assignment beats the greedy one on a hand-made matrix")
    func optimal() {
        // Greedy takes 0.9 (row 0 → col 0) and is left with 0.1; optimal pairs 0.8 + 0.7.
        let gain = [[0.9, 0.8], [0.7, 0.1]]
        #expect(Assignment.maximise(gain) == [1, 0])
    }

    @Test("rectangular matrices and forbidden pairs leave rows unassigned")
    func rectangular() {
        #expect(Assignment.maximise([[0.5], [0.6], [0.0]]) == [nil, 0, nil])
        #expect(Assignment.maximise([[0, 0.3, 0.9]]) == [2])
        #expect(Assignment.maximise([[0.4, 0.2]], minimumGain: 0.5) == [nil])
    }
}

@Suite("Metrics: detection and tracking on hand-computed cases")
struct TrackingMetricsTests {
    /// Two people over four frames. Person 1 is followed by track 10 (frames 0–1) then track 11
    /// (frames 2–3): one identity switch. Person 2 is followed by track 20 but missed in frame 3.
    /// Track 30 is a false positive in frame 0.
    static let truth: [TruthBox] = (0..<4).flatMap { f in
        [TruthBox(frame: f, identity: 1, box: box(Float(f) * 5)), TruthBox(frame: f, identity: 2, box: box(100 + Float(f) * 5))]
    }
    static let predicted: [TrackBox] = [
        TrackBox(frame: 0, track: 10, box: box(0)), TrackBox(frame: 1, track: 10, box: box(5)),
        TrackBox(frame: 2, track: 11, box: box(10)), TrackBox(frame: 3, track: 11, box: box(15)),
        TrackBox(frame: 0, track: 20, box: box(100)), TrackBox(frame: 1, track: 20, box: box(105)),
        TrackBox(frame: 2, track: 20, box: box(110)),
        TrackBox(frame: 0, track: 30, box: box(300)),
    ]

    @Test("precision, recall, F1, MOTA, identity switches and IDF1")
    func handComputed() {
        let s = TrackingMetrics.evaluate(truth: Self.truth, predicted: Self.predicted, frames: Set(0..<4))
        #expect(s.truthCount == 8 && s.predictedCount == 8)
        #expect(s.truePositives == 7 && s.falsePositives == 1 && s.falseNegatives == 1)
        #expect(s.identitySwitches == 1)
        #expect(s.precision == 7.0 / 8 && s.recall == 7.0 / 8 && s.f1 == 7.0 / 8)
        #expect(s.mota == 1 - 3.0 / 8)  // (1 miss + 1 false positive + 1 switch) / 8
        // Best trajectory pairs: person 1 ↔ track 10 or 11 (2 frames), person 2 ↔ track 20 (3 frames).
        #expect(s.identityTruePositives == 5)
        #expect(s.idf1 == 2.0 * 5 / 16)
        #expect(s.trackIdentity[20] == 2)
    }

    @Test("only annotated frames count; a box below IoU 0.5 is a miss and a false positive")
    func annotatedFramesAndIoU() {
        let s = TrackingMetrics.evaluate(truth: Self.truth, predicted: Self.predicted, frames: [0, 2])
        #expect(s.truthCount == 4 && s.truePositives == 4 && s.falsePositives == 1)
        // A box shifted by 6 of 10 px: IoU = 4·20 / (2·200 − 80) = 0.25.
        let off = TrackingMetrics.evaluate(
            truth: [TruthBox(frame: 0, identity: 1, box: box(0))], predicted: [TrackBox(frame: 0, track: 1, box: box(6))], frames: [0])
        #expect(off.truePositives == 0 && off.falseNegatives == 1 && off.falsePositives == 1)
    }

    @Test("hidden people are don't-care: neither missed nor a false positive when found")
    func dontCare() {
        let truth = [TruthBox(frame: 0, identity: 1, box: box(0)), TruthBox(frame: 0, identity: 2, box: box(50), visible: 0.1)]
        let found = TrackingMetrics.evaluate(
            truth: truth, predicted: [TrackBox(frame: 0, track: 1, box: box(0)), TrackBox(frame: 0, track: 2, box: box(50))], frames: [0])
        #expect(found.truthCount == 1 && found.truePositives == 1 && found.falsePositives == 0 && found.falseNegatives == 0)
        let missed = TrackingMetrics.evaluate(truth: truth, predicted: [TrackBox(frame: 0, track: 1, box: box(0))], frames: [0])
        #expect(missed.falseNegatives == 0 && missed.mota == 1)
    }

    @Test("a kept correspondence is not switched to a better-overlapping newcomer")
    func keepsCorrespondence() {
        let truth = (0..<2).map { TruthBox(frame: $0, identity: 1, box: box(0)) }
        let predicted = [
            TrackBox(frame: 0, track: 1, box: box(1)),
            TrackBox(frame: 1, track: 1, box: box(2)), TrackBox(frame: 1, track: 2, box: box(0)),
        ]
        let s = TrackingMetrics.evaluate(truth: truth, predicted: predicted, frames: [0, 1])
        #expect(s.identitySwitches == 0 && s.truePositives == 2 && s.falsePositives == 1)
    }
}

@Suite("Metrics: colour and retrieval")
struct AttributeMetricsTests {
    @Test("confusion matrix, overall and per-colour accuracy")
    func confusion() {
        var c = ColourConfusion()
        c.add(truth: .red, predicted: .red)
        c.add(truth: .red, predicted: .pink)
        c.add(truth: .grey, predicted: .grey)
        c.add(truth: .black, predicted: .grey)
        #expect(c.total == 4 && c.correct == 2 && c.accuracy == 0.5)
        #expect(c.accuracy(of: .red) == 0.5 && c.accuracy(of: .black) == 0 && c.accuracy(of: .blue) == nil)
        #expect(c.counts[ColourName.red.rawValue][ColourName.pink.rawValue] == 1)
    }

    @Test("rank-1, rank-5 and mean average precision on hand-computed rankings")
    func retrieval() {
        var r = RetrievalScore()
        r.add(rankedRelevance: [true, false, false], relevantCount: 1)  // AP 1
        r.add(rankedRelevance: [false, true, false, true], relevantCount: 2)  // AP (1/2 + 2/4) / 2 = 0.5
        r.add(rankedRelevance: [false, false, false, false, false, false, true], relevantCount: 2)  // AP (1/7) / 2
        r.add(rankedRelevance: [false], relevantCount: 1)  // never found: AP 0
        #expect(r.recall(at: 1) == 0.25 && r.recall(at: 5) == 0.5)
        #expect(abs(r.meanAveragePrecision - (1 + 0.5 + 1.0 / 14 + 0) / 4) < 1e-12)
    }
}
