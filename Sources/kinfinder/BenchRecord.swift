import Foundation
import KinfinderCore
import Accuracy
import Description
import Extraction
#if canImport(Glibc)
import Glibc
#endif

/// One measured run on one clip, as `evaluate --json` writes it and `bench` reads it.
struct BenchRecord: Codable {
    var clip: String
    var frames: Int
    var wallSeconds: Double
    var fps: Double
    var decodeMs: Double
    var detectMs: Double
    var trackMs: Double
    var describeMs: Double
    /// Kinfinder only: which detector, the network's share, crops per frame, CPU of all threads.
    var detector: String?
    var networkMs: Double?
    var cropsPerFrame: Double?
    var cpuMsPerFrame: Double?
    var maxrssKiB: Int
    var tracks: Int
    var people: Int?
    var precision: Double?
    var recall: Double?
    var f1: Double?
    var mota: Double?
    var idf1: Double?
    var idSwitches: Int?
    var upperColourAccuracy: Double?
    var lowerColourAccuracy: Double?
    var rank1: Double?
    var rank5: Double?
    /// Rank-1 if every track read its owner's labelled colours, and the labels' own ceiling
    /// (people labelled alike cannot all be first): see `ClipAccuracy`.
    var trueColourRank1: Double?
    var labelCeiling: Double?
    var mAP: Double?
    var falseIncidentsPerHour: Double?

    init(clip: String, observation obs: ClipObservation, accuracy acc: ClipAccuracy?, truth: GroundTruth?) {
        self.clip = clip
        frames = obs.frames
        wallSeconds = obs.wallSeconds
        fps = obs.wallSeconds > 0 ? Double(obs.frames) / obs.wallSeconds : 0
        let n = Double(max(1, obs.frames)) * 1e6
        decodeMs = Double(obs.decodeNanoseconds) / n
        detectMs = Double(obs.timings.detect) / n
        trackMs = Double(obs.timings.track) / n
        describeMs = Double(obs.timings.describe) / n
        detector = obs.detector.rawValue
        networkMs = Double(obs.timings.network) / n
        cropsPerFrame = Double(obs.timings.crops) / Double(max(1, obs.frames))
        cpuMsPerFrame = obs.cpuSeconds * 1000 / Double(max(1, obs.frames))
        maxrssKiB = peakResidentKiB()
        tracks = obs.descriptors.count
        guard let acc, let truth else { return }
        people = truth.identities.count
        precision = acc.tracking.precision
        recall = acc.tracking.recall
        f1 = acc.tracking.f1
        mota = acc.tracking.mota
        idf1 = acc.tracking.idf1
        idSwitches = acc.tracking.identitySwitches
        upperColourAccuracy = acc.upperColours.total > 0 ? acc.upperColours.accuracy : nil
        lowerColourAccuracy = acc.lowerColours.total > 0 ? acc.lowerColours.accuracy : nil
        rank1 = acc.ranking.recall(at: 1)
        rank5 = acc.ranking.recall(at: 5)
        trueColourRank1 = acc.trueColourRank1
        labelCeiling = acc.labelCeiling
        mAP = acc.ranking.meanAveragePrecision
        let hours = Double(truth.frames) / max(1, truth.fps) / 3600
        falseIncidentsPerHour = acc.decoyQueries > 0 ? Double(acc.falseIncidents) / Double(acc.decoyQueries) / hours : nil
    }

    /// Descriptions of people who are not in the clip: colour pairs no labelled person wears.
    static func decoys(for truth: GroundTruth, chinese: Bool) -> [String] {
        let pairs: [(ColourName, ColourName)] = [
            (.purple, .yellow), (.orange, .green), (.cyan, .red), (.yellow, .purple), (.pink, .green), (.green, .orange),
        ]
        let worn = Set(truth.identities.map { "\($0.upper)/\($0.lower)" })
        return pairs.filter { !worn.contains("\($0.0.english)/\($0.1.english)") }.map { u, l in
            chinese ? "\(u.chinese)色上衣 \(l.chinese)色裤子 小孩" : "child in a \(u.english) top and \(l.english) trousers"
        }
    }
}

/// Peak resident memory of this process image in KiB: `VmHWM` from /proc/self/status.
/// getrusage's `ru_maxrss` is not used: Linux carries the parent's peak across fork and exec, so a
/// benchmark child started by a larger parent would report the parent's peak.
func peakResidentKiB() -> Int {
    if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
        let kib = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
    {
        return kib
    }
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Int(usage.ru_maxrss)
}
