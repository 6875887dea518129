import Foundation
public import Ingest
public import Matching
public import Accuracy
public import Detection
public import Description
public import Extraction
public import Behaviour
import Tracking

/// What extraction saw in a clip: per-frame boxes of confirmed tracks, and every track's final
/// descriptor. The input of the accuracy metrics.
public struct ClipObservation: Sendable, Codable {
    public var frameBoxes: [Int: [TrackView]] = [:]
    /// Per frame: the detector's raw candidates and the crops the network ran on (for inspection).
    public var frameDetections: [Int: [Box]] = [:]
    public var frameCrops: [Int: [Box]] = [:]
    public var descriptors: [TrackDescriptor] = []
    public var frames = 0
    public var wallSeconds: Double = 0
    public var workingScale: Float = 1
    /// Time spent decoding and scaling, and per analysis stage (nanoseconds, summed over frames).
    public var decodeNanoseconds: Int64 = 0
    public var timings = StageTimings()
    /// CPU time of the whole process over the run (every thread: decoding, analysis, the network).
    public var cpuSeconds: Double = 0
    /// Which detector ran.
    public var detector: DetectorKind = .motion
    /// The behaviour rules' alerts (working-frame boxes); `nil` when the rules did not run.
    public var alerts: [FrameAlert]?
    /// Time the behaviour rules took, summed over frames (nanoseconds).
    public var behaviourNanoseconds: Int64?
    /// Video seconds analysed (the last frame's time).
    public var videoSeconds: Double?
    /// The camera's perspective model at the end (adult height = a·footY + b, working pixels), if fitted.
    public var perspective: [Float]?

    public init() {}

    /// Scores the alerts against the clip's behaviour events (none listed: every alert is false),
    /// within a second of each event's stretch.
    public func behaviourScores(truth: GroundTruth) -> [BehaviourKindScore] {
        let boxes = truth.boxesByFrame()
        let s = workingScale
        let scaled = (alerts ?? []).map { a in
            var a = a
            a.alert.box = a.alert.box.scaled(x: s, y: s)
            return a
        }
        return BehaviourScoring.score(alerts: scaled, events: truth.events ?? [], tolerance: max(1, Int(truth.fps.rounded()))) { person, frame in
            boxes[frame]?[person]
        }
    }
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

    /// Detection (P/R/F1 at IoU ≥ 0.5) and tracking (MOTA, ID switches, IDF1) on annotated frames.
    public var tracking = TrackingScore()
    /// Colour names of tracks that belong to a labelled person, against that person's labels.
    public var upperColours = ColourConfusion()
    public var lowerColours = ColourConfusion()
    /// Each identity's description as a report → ranks of its tracks among all tracks.
    public var ranking = RetrievalScore()
    public var retrieval: [Retrieval] = []
    /// What each track that belongs to a labelled person read, beside the labels.
    public struct Reading: Sendable {
        public var track: Int
        public var identity: Int
        public var truthUpper: String
        public var truthLower: String
        public var upper: ColourHistogram
        public var lower: ColourHistogram
        public var lowerVisibility: Float
        public var relativeHeight: Float?
        public var truthAge: String
    }
    public var readings: [Reading] = []
    /// Tracks scoring at or above the incident threshold for descriptions that match nobody.
    public var falseIncidents = 0
    public var decoyQueries = 0
    /// Every description (the identities' in each language, then the decoys) with every track's
    /// score: what ``leads(threshold:)`` replays the live sighting rule over.
    public var queries: [LeadQuery] = []
    /// Length of the clip in seconds (camera time for the per-hour rates).
    public var seconds: Double = 0
    /// The sighting rule the leads are replayed with (``PipelineConfiguration/sightingWindow``).
    public var sightingWindow: Double = PipelineConfiguration().sightingWindow

    /// What rank-1 could be at best with these labels: the expected rank-1 if every identity had
    /// one track that read its labelled colours and age exactly and ties were broken at random
    /// (two people labelled black/black can never both be first).
    public var labelCeiling: Double = 0
    /// Rank-1 with these tracks if each track read its owner's labelled colours exactly (tracks
    /// that belong to nobody keep what they read; ties count as a random draw): what is lost to
    /// tracking (missed, fragmented, merged people) rather than to colour reading.
    public var trueColourRank1: Double = 0

    public var precision: Double { tracking.precision }
    public var recall: Double { tracking.recall }
    public var rank1: Double { ranking.recall(at: 1) }
}

/// One description run against every track of a clip.
public struct LeadQuery: Sendable {
    public struct Candidate: Sendable {
        public var track: Int
        /// When the track was best seen (the moment its lead names), seconds of video.
        public var time: Double
        public var score: MatchScore
        /// The track belongs to the described identity.
        public var isPerson: Bool
    }
    /// The described identity; `nil` for a decoy (a description of nobody in the clip).
    public var identity: Int?
    /// The identity has at least one track: a lead for them was possible.
    public var tracked: Bool
    public var candidates: [Candidate]
}

/// What the leads replayed over a set of clips at one threshold come to.
public struct LeadSummary: Sendable {
    /// Leads (incidents) raised, and those that named someone else (decoys' included).
    public var leads = 0
    public var falseLeads = 0
    /// Leads of decoy descriptions (all false).
    public var decoyLeads = 0
    /// Open reports × camera hours: the denominator of the false-lead rate.
    public var reportHours = 0.0
    /// Described people with a track, and those whose lead named them.
    public var trackedDescriptions = 0
    public var found = 0
    public init() {}

    init(
        leads: Int, falseLeads: Int, decoyLeads: Int, reportHours: Double, trackedDescriptions: Int, found: Int
    ) {
        self.leads = leads
        self.falseLeads = falseLeads
        self.decoyLeads = decoyLeads
        self.reportHours = reportHours
        self.trackedDescriptions = trackedDescriptions
        self.found = found
    }

    public var falsePerReportHour: Double { reportHours > 0 ? Double(falseLeads) / reportHours : 0 }
    public var recall: Double { trackedDescriptions > 0 ? Double(found) / Double(trackedDescriptions) : 0 }

    public static func + (a: Self, b: Self) -> Self {
        LeadSummary(
            leads: a.leads + b.leads, falseLeads: a.falseLeads + b.falseLeads, decoyLeads: a.decoyLeads + b.decoyLeads,
            reportHours: a.reportHours + b.reportHours, trackedDescriptions: a.trackedDescriptions + b.trackedDescriptions,
            found: a.found + b.found)
    }
}

extension ClipAccuracy {
    /// The incidents the live rules would raise at `threshold`, replayed over the final tracks in
    /// the order they were best seen: one lead per report within the sighting window, the first
    /// match above the threshold, unless a later one is clearly better (``LeadRule``), as
    /// ``CameraPipeline`` and the grid database apply it.
    public func leads(threshold: Double) -> LeadSummary {
        var out = LeadSummary()
        for q in queries {
            out.reportHours += seconds / 3600
            if q.identity != nil, q.tracked { out.trackedDescriptions += 1 }
            var open: [LeadQuery.Candidate] = []
            for c in q.candidates.filter({ $0.score.total >= threshold }).sorted(by: { $0.time < $1.time }) {
                let near = open.filter { abs($0.time - c.time) < sightingWindow }.map(\.score.total)
                if LeadRule.blocking(c.score.total, earlier: near) != nil { continue }
                open.append(c)
            }
            out.leads += open.count
            let wrong = open.filter { !$0.isPerson }.count
            out.falseLeads += wrong
            if q.identity == nil { out.decoyLeads += wrong }
            if q.identity != nil, open.contains(where: \.isPerson) { out.found += 1 }
        }
        return out
    }
}

/// Which score evaluation ranks and raises by.
public enum EvaluationScoring: String, Sendable, CaseIterable {
    /// Evidence against the camera's base rates, calibrated confidence and its threshold.
    case evidence
    /// The plain agreement used before (weighted geometric mean, threshold 0.70, blind to how common
    /// a look is), to compare on the same tracks.
    case agreement

    /// The incident threshold of this scoring: the matcher's for the evidence, 0.70 (as it was) for
    /// the agreement.
    public func threshold(_ configuration: MatchConfiguration) -> Double {
        self == .agreement ? 0.70 : configuration.threshold
    }
}

public enum Evaluation {
    /// Runs decode + extraction over a clip, recording what it saw.
    public static func observe(
        clip: String, colourTable: [UInt8], ingest: IngestConfiguration = IngestConfiguration(),
        extractor configuration: ExtractorConfiguration = ExtractorConfiguration(), detector: DetectorSetup = .motion,
        maskFolder: String? = nil, maskFrames: Set<Int> = [], behaviour: BehaviourConfiguration? = nil
    ) throws -> ClipObservation {
        let source = try VideoSource(clip, configuration: ingest)
        let extractor = try detector.makeExtractor(
            width: source.info.workingWidth, height: source.info.workingHeight, colourTable: colourTable,
            configuration: configuration)
        var obs = ClipObservation()
        obs.workingScale = Float(source.info.sourceWidth) / Float(source.info.workingWidth)
        obs.detector = extractor.kind
        var monitor = behaviour.map {
            BehaviourMonitor(width: source.info.workingWidth, height: source.info.workingHeight, configuration: $0)
        }
        if behaviour != nil { obs.alerts = [] }
        let clock = ContinuousClock()
        let start = clock.now
        let cpuStart = processCPUSeconds()
        let ahead = DecodeAhead(source)
        defer { ahead.stop() }
        while let frame = try ahead.next() {
            let a = try extractor.process(y: frame.y, u: frame.u, v: frame.v, time: frame.pts)
            obs.frameBoxes[frame.index] = a.tracks.map { TrackView(id: $0.id, box: $0.box) }
            if !a.detections.isEmpty { obs.frameDetections[frame.index] = a.detections }
            if !a.crops.isEmpty { obs.frameCrops[frame.index] = a.crops }
            if let dir = maskFolder, maskFrames.contains(frame.index) {
                let m = extractor.detectionMask
                let header = Array("P5\n\(m.width) \(m.height)\n255\n".utf8)
                try Data(header + m.mask).write(to: URL(fileURLWithPath: "\(dir)/mask-\(frame.index).pgm"))
            }
            obs.descriptors += a.ended
            obs.videoSeconds = frame.pts
            if monitor != nil {
                let b0 = clock.now
                let alerts = monitor?.observe(time: frame.pts, tracks: a.tracks, heights: extractor.heightModel) ?? []
                obs.behaviourNanoseconds = (obs.behaviourNanoseconds ?? 0) + nanoseconds(clock.now - b0)
                obs.alerts?.append(contentsOf: alerts.map { FrameAlert(frame: frame.index, alert: $0) })
            }
            obs.frames += 1
            ahead.recycle(frame)
        }
        obs.decodeNanoseconds = ahead.decodeNanoseconds
        obs.descriptors += extractor.finishAll()
        obs.timings = extractor.timings
        obs.perspective = extractor.heightModel.coefficients.map { [$0.a, $0.b] }
        obs.wallSeconds = seconds(clock.now - start)
        obs.cpuSeconds = processCPUSeconds() - cpuStart
        return obs
    }

    /// Detection and tracking metrics over the annotated frames, colour accuracy of the tracks
    /// that belong to a labelled person, and report → track ranks for every identity's
    /// descriptions in `languages` (each a query of its own). `decoys` are descriptions that match nobody in the clip:
    /// tracks scoring at or above the threshold for them count as false incidents.
    public static func score(
        _ obs: ClipObservation, truth: GroundTruth, parser: DescriptionReader, matcher: Matcher = Matcher(),
        iou minimumIoU: Float = 0.5, languages: [ReadingSummary.Language] = [.english, .chinese], decoys: [String] = [],
        scoring: EvaluationScoring = .evidence
    ) throws -> ClipAccuracy {
        var acc = ClipAccuracy()
        acc.seconds = Double(obs.frames) / max(1, truth.fps)
        let s = obs.workingScale
        let frames = truth.annotatedFrames
        let truthBoxes = truth.boxes.filter { frames.contains($0.frame) }.map {
            TruthBox(frame: $0.frame, identity: $0.id, box: $0.box, visible: $0.visible ?? 1)
        }
        var predicted: [TrackBox] = []
        for (frame, views) in obs.frameBoxes where frames.contains(frame) {
            for v in views {
                let b = v.box.scaled(x: s, y: s)
                if truth.inRegion(b) { predicted.append(TrackBox(frame: frame, track: v.id, box: b)) }
            }
        }
        acc.tracking = TrackingMetrics.evaluate(truth: truthBoxes, predicted: predicted, frames: frames, iou: minimumIoU)

        // Which identity each track mostly overlaps (IoU ≥ 0.3), by votes over annotated frames:
        // every fragment of a person's track belongs to that person.
        var votes: [Int: [Int: Int]] = [:]
        let truthByFrame = Dictionary(grouping: truthBoxes, by: \.frame)
        for p in predicted {
            for t in truthByFrame[p.frame] ?? [] where t.box.iou(p.box) >= 0.3 {
                votes[p.track, default: [:]][t.identity, default: 0] += 1
            }
        }
        let owner: [Int: Int] = votes.compactMapValues { $0.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }?.key }
        let identities = Dictionary(uniqueKeysWithValues: truth.identities.map { ($0.id, $0) })
        for d in obs.descriptors {
            guard let id = owner[d.trackID], let person = identities[id] else { continue }
            acc.readings.append(ClipAccuracy.Reading(
                track: d.trackID, identity: id, truthUpper: person.upper, truthLower: person.lower, upper: d.upper, lower: d.lower,
                lowerVisibility: d.lowerVisibility, relativeHeight: d.relativeHeight, truthAge: person.ageGroup))
            if let t = ColourName(english: person.upper), let p = d.upper.dominant().first?.name { acc.upperColours.add(truth: t, predicted: p) }
            if d.lowerVisibility > 0.3, let t = ColourName(english: person.lower), let p = d.lower.dominant().first?.name {
                acc.lowerColours.add(truth: t, predicted: p)
            }
        }

        // The clip is one camera: its base rates are its own tracks'.
        let score = Self.scorer(scoring, matcher: matcher, looks: LookFrequencies(
            tracks: obs.descriptors, saturation: matcher.configuration.colourSaturation))
        let threshold = scoring.threshold(matcher.configuration)
        func scored(_ text: String, id: Int64) throws -> [(TrackDescriptor, MatchScore)] {
            let parsed = try parser.read(text)
            let report = MissingPersonReport(
                id: id, name: "q\(id)", ageGroup: parsed.ageGroup, heightCM: parsed.heightCM, upper: parsed.upper, lower: parsed.lower)
            return obs.descriptors.compactMap { d in score(report, d).map { (d, $0) } }
        }
        func ranked(_ text: String, id: Int64) throws -> [(Int, Double)] {
            try scored(text, id: id).sorted { $0.1.ranks(before: $1.1) }.map { ($0.0.trackID, $0.1.total) }
        }
        func query(_ text: String, identity: Int?) throws -> LeadQuery {
            let candidates = try scored(text, id: Int64(identity ?? -1)).map { d, s in
                LeadQuery.Candidate(track: d.trackID, time: d.bestTime, score: s, isPerson: identity != nil && owner[d.trackID] == identity)
            }
            return LeadQuery(
                identity: identity, tracked: identity.map { id in obs.descriptors.contains { owner[$0.trackID] == id } } ?? false,
                candidates: candidates)
        }
        for identity in truth.identities {
            for language in languages {
                let text = language == .chinese ? identity.description_zh : identity.description_en
                let list = try ranked(text, id: Int64(identity.id))
                acc.queries.append(try query(text, identity: identity.id))
                let relevant = obs.descriptors.filter { owner[$0.trackID] == identity.id }.count
                acc.ranking.add(rankedRelevance: list.map { owner[$0.0] == identity.id }, relevantCount: relevant)
                let rank = list.firstIndex { owner[$0.0] == identity.id }.map { $0 + 1 }
                acc.retrieval.append(ClipAccuracy.Retrieval(
                    identity: identity.id, description: text, rank: rank, bestScore: list.first?.1 ?? 0,
                    rightTrackScore: rank.map { list[$0 - 1].1 }))
            }
        }
        acc.labelCeiling = Self.labelCeiling(truth.identities)
        acc.trueColourRank1 = try Self.trueColourRank1(
            obs.descriptors, owner: owner, truth: truth, parser: parser, matcher: matcher, languages: languages, scoring: scoring)
        for (k, text) in decoys.enumerated() {
            acc.falseIncidents += try ranked(text, id: Int64(-1 - k)).filter { $0.1 >= threshold }.count
            acc.queries.append(try query(text, identity: nil))
            acc.decoyQueries += 1
        }
        return acc
    }

    /// The score of `scoring` as one function of (report, track); the agreement's `strength` is its
    /// unsaturated colour agreement, as it was.
    static func scorer(
        _ scoring: EvaluationScoring, matcher: Matcher, looks: LookFrequencies
    ) -> (MissingPersonReport, TrackDescriptor) -> MatchScore? {
        let reference = Date(timeIntervalSince1970: 0)
        switch scoring {
        case .evidence:
            return { r, d in matcher.score(r, d, seenAt: reference, looks: looks) }
        case .agreement:
            return { r, d in
                guard let a = matcher.agreement(r, d, seenAt: reference) else { return nil }
                return MatchScore(
                    total: a.score, evidence: 0, upper: nil, lower: nil, height: nil, parts: [], explanation: "",
                    strength: a.unsaturated)
            }
        }
    }
}

extension Evaluation {
    /// Expected rank-1 over `identities` when each is found by its labels alone: 1 / (the number of
    /// identities with the same upper and lower colour and age group).
    static func labelCeiling(_ identities: [GroundTruth.Identity]) -> Double {
        guard !identities.isEmpty else { return 0 }
        func key(_ p: GroundTruth.Identity) -> String { "\(p.upper)/\(p.lower)/\(p.ageGroup)" }
        let counts = Dictionary(grouping: identities, by: key).mapValues(\.count)
        return identities.map { 1 / Double(counts[key($0)] ?? 1) }.reduce(0, +) / Double(identities.count)
    }

    /// Rank-1 when every owned track's colours are its owner's labels (all pixels in the labelled
    /// name); a tie at the top (same total and strength) counts as the share of tied tracks that
    /// are the person's.
    static func trueColourRank1(
        _ descriptors: [TrackDescriptor], owner: [Int: Int], truth: GroundTruth, parser: DescriptionReader,
        matcher: Matcher, languages: [ReadingSummary.Language], scoring: EvaluationScoring = .evidence
    ) throws -> Double {
        guard !truth.identities.isEmpty, !languages.isEmpty else { return 0 }
        let identities = Dictionary(uniqueKeysWithValues: truth.identities.map { ($0.id, $0) })
        func labelled(_ name: String, pixels: Int, fallback: ColourHistogram) -> ColourHistogram {
            guard let c = ColourName(english: name) else { return fallback }
            var counts = [Int](repeating: 0, count: ColourName.allCases.count)
            counts[c.rawValue] = max(1, pixels)
            return ColourHistogram(counts: counts)
        }
        let tracks = descriptors.map { d -> TrackDescriptor in
            guard let id = owner[d.trackID], let p = identities[id] else { return d }
            var t = d
            t.upper = labelled(p.upper, pixels: d.upper.pixels, fallback: d.upper)
            t.lower = labelled(p.lower, pixels: d.lower.pixels, fallback: d.lower)
            return t
        }
        let score = scorer(scoring, matcher: matcher, looks: LookFrequencies(
            tracks: tracks, saturation: matcher.configuration.colourSaturation))
        var total = 0.0
        for identity in truth.identities {
            for language in languages {
                let parsed = try parser.read(language == .chinese ? identity.description_zh : identity.description_en)
                let report = MissingPersonReport(
                    id: Int64(identity.id), name: "q", ageGroup: parsed.ageGroup, heightCM: parsed.heightCM,
                    upper: parsed.upper, lower: parsed.lower)
                let scored = tracks.compactMap { d in score(report, d).map { (d.trackID, $0) } }
                guard let best = scored.min(by: { $0.1.ranks(before: $1.1) })?.1 else { continue }
                let top = scored.filter { !best.ranks(before: $0.1) }
                total += Double(top.filter { owner[$0.0] == identity.id }.count) / Double(top.count)
            }
        }
        return total / Double(truth.identities.count * languages.count)
    }
}

extension ClipObservation {
    /// What another tracker saw, from its tracks JSON (the OpenCV peer's format, see
    /// Benchmarks/peers/README.md): boxes per frame in its working pixels, and per track the
    /// upper/lower colour-name histograms. Scored by the same metrics as Kinfinder's own tracks;
    /// its histograms go through the same matcher (no height or motion: those fields stay neutral).
    public static func fromTracksJSON(path: String, sourceWidth: Int, fps: Double) throws -> ClipObservation {
        struct File: Decodable {
            struct B: Decodable { var frame: Int; var track: Int; var x: Float; var y: Float; var w: Float; var h: Float }
            struct T: Decodable {
                var track: Int
                var firstFrame: Int
                var lastFrame: Int
                var upperHistogram: [String: Float]
                var lowerHistogram: [String: Float]
            }
            struct S: Decodable { var total: Double }
            var width: Int
            var height: Int
            var frames: Int
            var seconds: S
            var boxes: [B]
            var tracks: [T]
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw KinfinderError.configNotFound(path) }
        let f: File
        do { f = try JSONDecoder().decode(File.self, from: data) } catch {
            throw KinfinderError.configInvalid(file: path, reason: "\(error)")
        }
        var obs = ClipObservation()
        obs.frames = f.frames
        obs.wallSeconds = f.seconds.total
        obs.workingScale = Float(sourceWidth) / Float(max(1, f.width))
        for b in f.boxes {
            obs.frameBoxes[b.frame, default: []].append(TrackView(id: b.track, box: Box(x: b.x, y: b.y, width: b.w, height: b.h)))
        }
        func histogram(_ h: [String: Float]) -> ColourHistogram {
            var bins = SIMD16<Float>.zero
            for (k, v) in h { if let n = ColourName(english: k) { bins[n.rawValue] = v } }
            return ColourHistogram(bins: bins, pixels: bins.sum() > 0 ? 1000 : 0)
        }
        let boxesByTrack = Dictionary(grouping: f.boxes, by: \.track)
        for t in f.tracks {
            let best = boxesByTrack[t.track]?.max { $0.w * $0.h < $1.w * $1.h }
            let heights = (boxesByTrack[t.track] ?? []).map(\.h).sorted()
            let median = heights.isEmpty ? 0 : heights[heights.count / 2]
            obs.descriptors.append(TrackDescriptor(
                trackID: t.track, firstSeen: Double(t.firstFrame) / fps, lastSeen: Double(t.lastFrame) / fps,
                upper: histogram(t.upperHistogram), lower: histogram(t.lowerHistogram), lowerVisibility: 1,
                heightPixels: median, heightFraction: median / Float(max(1, f.height)), relativeHeight: nil, speed: 0.8, heading: 0,
                loiterSeconds: 0, observations: boxesByTrack[t.track]?.count ?? 0,
                bestBox: best.map { Box(x: $0.x, y: $0.y, width: $0.w, height: $0.h) } ?? Box(x: 0, y: 0, width: 0, height: 0),
                bestTime: Double(best?.frame ?? t.firstFrame) / fps))
        }
        return obs
    }
}

/// CPU time used so far by every thread of this process, in seconds.
func processCPUSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}
