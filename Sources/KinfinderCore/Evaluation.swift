import Foundation
public import Ingest
public import Matching
public import Vision

/// What extraction saw in a clip: per-frame boxes of confirmed tracks, and every track's final
/// descriptor. The input of the accuracy metrics.
public struct ClipObservation: Sendable {
    public var frameBoxes: [Int: [TrackView]] = [:]
    public var descriptors: [TrackDescriptor] = []
    public var frames = 0
    public var wallSeconds: Double = 0
    public var workingScale: Float = 1

    public init() {}
}

/// Accuracy of extraction and matching on one clip against its ground truth.
public struct ClipAccuracy: Sendable {
    public struct Retrieval: Sendable {
        public var identity: Int
        public var description: String
        /// Rank (1 = best) of the first track belonging to the identity, or nil when none of
        /// the identity's tracks scored.
        public var rank: Int?
        public var bestScore: Double
        public var rightTrackScore: Double?
    }

    public var truePositives = 0
    public var falsePositives = 0
    public var falseNegatives = 0
    public var retrieval: [Retrieval] = []

    public var precision: Double { Double(truePositives) / Double(max(1, truePositives + falsePositives)) }
    public var recall: Double { Double(truePositives) / Double(max(1, truePositives + falseNegatives)) }
    public var rank1: Double {
        retrieval.isEmpty ? 0 : Double(retrieval.filter { $0.rank == 1 }.count) / Double(retrieval.count)
    }
}

public enum Evaluation {
    /// Runs decode + extraction over a clip, recording what it saw.
    public static func observe(
        clip: String, colourTable: [UInt8], ingest: IngestConfiguration = IngestConfiguration(),
        extractor configuration: ExtractorConfiguration = ExtractorConfiguration(),
        maskFolder: String? = nil, maskFrames: Set<Int> = []
    ) throws -> ClipObservation {
        let source = try VideoSource(clip, configuration: ingest)
        let extractor = PersonExtractor(
            width: source.info.workingWidth, height: source.info.workingHeight, colourTable: colourTable,
            configuration: configuration)
        var frame = source.makeFrame()
        var obs = ClipObservation()
        obs.workingScale = Float(source.info.sourceWidth) / Float(source.info.workingWidth)
        let clock = ContinuousClock()
        let start = clock.now
        while try source.read(into: &frame) {
            let a = extractor.process(y: frame.y, u: frame.u, v: frame.v, time: frame.pts)
            obs.frameBoxes[frame.index] = a.tracks.map { TrackView(id: $0.id, box: $0.box) }
            if let dir = maskFolder, maskFrames.contains(frame.index) {
                let m = extractor.foregroundMask
                let header = Array("P5\n\(m.width) \(m.height)\n255\n".utf8)
                try Data(header + m.mask).write(to: URL(fileURLWithPath: "\(dir)/mask-\(frame.index).pgm"))
            }
            obs.descriptors += a.ended
            obs.frames += 1
        }
        obs.descriptors += extractor.finishAll()
        let c = (clock.now - start).components
        obs.wallSeconds = Double(c.seconds) + Double(c.attoseconds) / 1e18
        return obs
    }

    /// Detection precision/recall at IoU ≥ `iou` over the annotated frames, and report → track
    /// rank for every identity's description (`english` or Chinese).
    public static func score(
        _ obs: ClipObservation, truth: GroundTruth, parser: ReportParser, matcher: Matcher = Matcher(),
        iou minimumIoU: Float = 0.5, chinese: Bool = false
    ) throws -> ClipAccuracy {
        var acc = ClipAccuracy()
        let s = obs.workingScale
        // Which identity each track mostly overlaps (for retrieval), by votes over frames.
        var votes: [Int: [Int: Int]] = [:]
        for (frame, labelled) in truth.boxesByFrame {
            let truthBoxes = labelled.filter { ($0.visible ?? 1) >= 0.3 }
            let seen = (obs.frameBoxes[frame] ?? []).map { TrackView(id: $0.id, box: $0.box.scaled(x: s, y: s)) }
            var used = Set<Int>()
            var pairs: [(Float, Int, Int)] = []
            for (ti, t) in truthBoxes.enumerated() {
                for (si, v) in seen.enumerated() {
                    let o = t.box.iou(v.box)
                    if o >= minimumIoU { pairs.append((o, ti, si)) }
                    if o >= 0.3 { votes[v.id, default: [:]][t.id, default: 0] += 1 }
                }
            }
            pairs.sort { $0.0 > $1.0 }
            var matchedTruth = Set<Int>()
            for (_, ti, si) in pairs where !matchedTruth.contains(ti) && !used.contains(si) {
                matchedTruth.insert(ti)
                used.insert(si)
            }
            acc.truePositives += matchedTruth.count
            acc.falseNegatives += truthBoxes.count - matchedTruth.count
            // Detections of people hidden below 30 % are neither right nor wrong.
            let hidden = labelled.filter { ($0.visible ?? 1) < 0.3 }
            let unmatched = seen.enumerated().filter { !used.contains($0.offset) }
            acc.falsePositives += unmatched.filter { u in !hidden.contains { $0.box.iou(u.element.box) >= minimumIoU } }.count
        }
        let owner: [Int: Int] = votes.compactMapValues { $0.max { $0.value < $1.value }?.key }
        let reference = Date(timeIntervalSince1970: 0)
        for identity in truth.identities {
            let text = chinese ? identity.description_zh : identity.description_en
            let parsed = try parser.parse(text)
            let report = MissingPersonReport(
                id: Int64(identity.id), name: "gt\(identity.id)", ageGroup: parsed.ageGroup, heightCM: parsed.heightCM,
                upper: parsed.upper, lower: parsed.lower)
            let ranked = obs.descriptors
                .compactMap { d in matcher.score(report, d, seenAt: reference).map { (d.trackID, $0.total) } }
                .sorted { $0.1 > $1.1 }
            let rank = ranked.firstIndex { owner[$0.0] == identity.id }.map { $0 + 1 }
            acc.retrieval.append(ClipAccuracy.Retrieval(
                identity: identity.id, description: text, rank: rank, bestScore: ranked.first?.1 ?? 0,
                rightTrackScore: rank.map { ranked[$0 - 1].1 }))
        }
        return acc
    }
}
