public import Detection
import Tracking

/// A labelled person in one annotated frame.
public struct TruthBox: Sendable, Hashable {
    public var frame: Int
    public var identity: Int
    public var box: Box
    /// Fraction of the person visible; below the evaluation's limit the box is "don't care".
    public var visible: Float

    public init(frame: Int, identity: Int, box: Box, visible: Float = 1) {
        self.frame = frame
        self.identity = identity
        self.box = box
        self.visible = visible
    }
}

/// A tracker's box for one track in one frame (same pixel space as the truth).
public struct TrackBox: Sendable, Hashable {
    public var frame: Int
    public var track: Int
    public var box: Box

    public init(frame: Int, track: Int, box: Box) {
        self.frame = frame
        self.track = track
        self.box = box
    }
}

/// Detection and tracking scores over the annotated frames (CLEAR MOT and identity metrics).
public struct TrackingScore: Sendable, Hashable, Codable {
    public var truthCount = 0
    public var predictedCount = 0
    public var truePositives = 0
    public var falsePositives = 0
    public var falseNegatives = 0
    public var identitySwitches = 0
    /// Identity true positives under the best one-to-one matching of whole trajectories.
    public var identityTruePositives = 0
    /// Predicted track → the identity its whole trajectory was matched to (IDF1 matching).
    public var trackIdentity: [Int: Int] = [:]

    public init() {}

    public var precision: Double { ratio(truePositives, truePositives + falsePositives) }
    public var recall: Double { ratio(truePositives, truePositives + falseNegatives) }
    public var f1: Double { ratio(2 * truePositives, 2 * truePositives + falsePositives + falseNegatives) }
    /// 1 − (misses + false positives + identity switches) / ground-truth boxes.
    public var mota: Double {
        truthCount == 0 ? 0 : 1 - Double(falseNegatives + falsePositives + identitySwitches) / Double(truthCount)
    }
    public var idf1: Double { ratio(2 * identityTruePositives, truthCount + predictedCount) }

    private func ratio(_ a: Int, _ b: Int) -> Double { b == 0 ? 0 : Double(a) / Double(b) }
}

public enum TrackingMetrics {
    /// Scores `predicted` against `truth` on the frames in `frames` (the annotated ones).
    ///
    /// A prediction matches a labelled person at IoU ≥ `iou`, one-to-one per frame, keeping the
    /// previous frame's correspondences while they still overlap (CLEAR MOT). People less than
    /// `minimumVisible` visible are "don't care": missing them costs nothing, and a prediction on
    /// them is not a false positive. An identity switch is counted when a person is matched to a
    /// different track than the last time. IDF1 matches whole trajectories one-to-one to maximise
    /// the frames where both agree.
    public static func evaluate(
        truth: [TruthBox], predicted: [TrackBox], frames: Set<Int>, iou: Float = 0.5, minimumVisible: Float = 0.3
    ) -> TrackingScore {
        var score = TrackingScore()
        let truthByFrame = Dictionary(grouping: truth.filter { frames.contains($0.frame) }, by: \.frame)
        let predByFrame = Dictionary(grouping: predicted.filter { frames.contains($0.frame) }, by: \.frame)
        var lastTrack: [Int: Int] = [:]
        // Co-occurrence of (identity, track) at IoU ≥ threshold, and trajectory lengths, for IDF1.
        var together: [Int: [Int: Int]] = [:]
        var identityLength: [Int: Int] = [:], trackLength: [Int: Int] = [:]

        for frame in frames.sorted() {
            let all = truthByFrame[frame] ?? []
            let care = all.filter { $0.visible >= minimumVisible }
            let dontCare = all.filter { $0.visible < minimumVisible }
            var preds = predByFrame[frame] ?? []
            // Predictions on don't-care people are set aside first (best overlaps win).
            if !dontCare.isEmpty, !preds.isEmpty {
                let gain = dontCare.map { d in preds.map { Double($0.box.iou(d.box)) } }
                let taken = Set(Assignment.maximise(gain, minimumGain: Double(iou) - 1e-9).compactMap { $0 }.filter { j in
                    dontCare.contains { preds[j].box.iou($0.box) >= iou }
                })
                // Keep predictions that also overlap a person who counts.
                let ignored = taken.filter { j in !care.contains { preds[j].box.iou($0.box) >= iou } }
                preds = preds.enumerated().filter { !ignored.contains($0.offset) }.map(\.element)
            }
            score.truthCount += care.count
            score.predictedCount += preds.count
            for t in care { identityLength[t.identity, default: 0] += 1 }
            for p in preds { trackLength[p.track, default: 0] += 1 }
            for t in care {
                for p in preds where p.box.iou(t.box) >= iou { together[t.identity, default: [:]][p.track, default: 0] += 1 }
            }

            // 1. Keep last correspondences that still hold.
            var match: [Int: Int] = [:]  // truth index → pred index
            var usedPred = Set<Int>()
            for (ti, t) in care.enumerated() {
                guard let track = lastTrack[t.identity],
                    let pi = preds.firstIndex(where: { $0.track == track }), !usedPred.contains(pi),
                    preds[pi].box.iou(t.box) >= iou
                else { continue }
                match[ti] = pi
                usedPred.insert(pi)
            }
            // 2. Best overlaps for the rest.
            let freeTruth = care.indices.filter { match[$0] == nil }
            let freePred = preds.indices.filter { !usedPred.contains($0) }
            if !freeTruth.isEmpty, !freePred.isEmpty {
                let gain = freeTruth.map { ti in
                    freePred.map { pi in
                        let o = preds[pi].box.iou(care[ti].box)
                        return o >= iou ? Double(o) : 0
                    }
                }
                for (k, j) in Assignment.maximise(gain).enumerated() {
                    guard let j else { continue }
                    match[freeTruth[k]] = freePred[j]
                }
            }
            for (ti, pi) in match {
                let identity = care[ti].identity, track = preds[pi].track
                if let previous = lastTrack[identity], previous != track { score.identitySwitches += 1 }
                lastTrack[identity] = track
            }
            score.truePositives += match.count
            score.falseNegatives += care.count - match.count
            score.falsePositives += preds.count - match.count
        }

        // IDF1: one-to-one trajectory matching maximising the frames in agreement.
        let identities = identityLength.keys.sorted(), tracks = trackLength.keys.sorted()
        if !identities.isEmpty, !tracks.isEmpty {
            let gain = identities.map { i in tracks.map { Double(together[i]?[$0] ?? 0) } }
            for (k, j) in Assignment.maximise(gain).enumerated() {
                guard let j else { continue }
                score.identityTruePositives += Int(gain[k][j])
                score.trackIdentity[tracks[j]] = identities[k]
            }
        }
        return score
    }
}
