public import ArgumentParser
import Foundation
import Ingest
import KinfinderCore
import Matching
import Accuracy
import Detection
import Extraction
import Description
import Tracking
import Behaviour

struct Evaluate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure accuracy on clips with ground truth: detection, tracking, colours, report → track ranks.",
        discussion: """
            Each CLIP needs CLIP-STEM.gt.json beside it or in Benchmarks/groundtruth (format in
            SampleClips/README.md). Detection precision/recall/F1 at IoU ≥ 0.5, MOTA, ID switches and IDF1 on
            the annotated frames; colour accuracy of the tracks that belong to a labelled person; each
            person's description as a report → rank of their track (rank-1, rank-5, mAP). Touches no database.
            """)
    @OptionGroup var model: ModelOptions
    @OptionGroup var detectorOptions: DetectorOptions
    @Argument(help: ArgumentHelp("Clips with ground truth.", valueName: "clip")) var clips: [String]
    @Option(help: "Working width in pixels.") var width: Int = 640
    @Option(help: "Which descriptions become reports: en, zh or both (each person's description in each language is a query).")
    var language: DescriptionLanguages = .both
    @Option(help: ArgumentHelp("Write each clip's tracked boxes per frame (source pixels) as JSON into this folder.", valueName: "dir"))
    var boxes: String?
    @Option(help: ArgumentHelp(
        "Score another tracker's output instead of running Kinfinder: its tracks JSON (Benchmarks/peers format); one clip only.",
        valueName: "file"))
    var tracks: String?
    @Option(help: ArgumentHelp(
        "Try other detector settings, e.g. closings=3,groupGap=0.8,spreadMin=6 (names as in MotionConfiguration and BackgroundConfiguration).",
        valueName: "k=v,…"))
    var tune: String?
    @Option(help: ArgumentHelp("Also write the results as JSON (one object per clip, in a list) to this file.", valueName: "file"))
    var json: String?
    @Option(help: ArgumentHelp("With --boxes: also write the raw foreground mask (PGM) of these frames, e.g. 100,200.", valueName: "frames"))
    var masks: String?
    @Option(help: ArgumentHelp(
        "Keep each clip's observation (tracks, boxes, timings) in this folder and score it again on the next run with the same "
            + "detector, width and settings instead of running the pipeline (to compare matching settings quickly).",
        valueName: "dir"))
    var observations: String?
    @Flag(help: "Also print what each labelled person's tracks read (colours, lower-body visibility, relative height) beside the labels.")
    var readings = false
    @Option(help: ArgumentHelp(
        "Which score ranks tracks and raises leads: evidence (against each camera's base rates, the default) or agreement "
            + "(the plain colour agreement used before, threshold 0.70), to compare on the same tracks.",
        valueName: "score"))
    var scoring: EvaluationScoring = .evidence
    @Option(help: ArgumentHelp("The incident threshold (confidence, 0…1) the leads are replayed at (default: the matcher's).", valueName: "confidence"))
    var threshold: Double?
    @Flag(help: "Also take clips without ground truth: throughput, and their behaviour alerts counted as false (no events in them).")
    var withoutTruth = false
    @Flag(help: "Also print the base rates of every colour over all the clips' tracks (the prior table of LookFrequencies).")
    var looks = false
    @Option(help: ArgumentHelp(
        "False leads a worker accepts per camera-hour per open report: the sweep names the lowest threshold within it.",
        valueName: "leads"))
    var falseLeadBudget: Double = 1

    func validate() throws {
        if let threshold, !(0...1).contains(threshold) { throw ValidationError("--threshold: a confidence 0…1, got \(threshold)") }
        if !(falseLeadBudget >= 0) || !falseLeadBudget.isFinite {
            throw ValidationError("--false-lead-budget: a number of leads ≥ 0, got \(falseLeadBudget)")
        }
        if tracks != nil && clips.count != 1 { throw ValidationError("--tracks scores one clip: give exactly one") }
    }

    func run() async throws {
        let m = try model.load()
        let table = m.yuvTable()
        let detector = try detectorOptions.setup(models: model)
        try detector.check()
        let parser = DescriptionReader(model: m)
        var rows: [[String]] = []
        var results: [BenchRecord] = []
        var accuracies: [(String, ClipAccuracy)] = []
        var allLooks = LookFrequencies()
        var behaviour: [(clip: String, scores: [BehaviourKindScore], scripted: Bool, seconds: Double)] = []
        for clip in clips {
            let truthPath = GroundTruth.locate(forClip: absolute(clip))
            let truth: GroundTruth? = (json != nil || withoutTruth) && !FileManager.default.fileExists(atPath: truthPath)
                ? nil : try GroundTruth.load(path: truthPath)
            let maskFrames = Set((masks ?? "").split(separator: ",").compactMap { Int($0) })
            let kept = observations.map { observationFile(folder: absolute($0), clip: clip) }
            let obs: ClipObservation
            if let tracks {
                obs = try ClipObservation.fromTracksJSON(path: absolute(tracks), sourceWidth: truth?.width ?? 0, fps: truth?.fps ?? 25)
            } else if let kept, let data = FileManager.default.contents(atPath: kept) {
                do { obs = try JSONDecoder().decode(ClipObservation.self, from: data) } catch {
                    throw ValidationError("\(kept) is not a kept observation (\(error)); delete it to run the clip again")
                }
                print("\(clip): scoring the observation kept in \(kept)")
            } else {
                obs = try Evaluation.observe(
                    clip: absolute(clip), colourTable: table, ingest: IngestConfiguration(workingWidth: width),
                    extractor: try tunedExtractor(), detector: detector, maskFolder: boxes.map(absolute), maskFrames: maskFrames,
                    behaviour: try truth?.behaviourConfiguration() ?? BehaviourConfiguration())
                if let kept {
                    try FileManager.default.createDirectory(
                        atPath: (kept as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                    try JSONEncoder().encode(obs).write(to: URL(fileURLWithPath: kept))
                }
            }
            if let boxes {
                try writeBoxes(obs, clip: clip, folder: absolute(boxes))
            }
            guard let truth else {
                // Throughput only (a clip without ground truth, e.g. the derived 1080p one).
                results.append(BenchRecord(clip: clip, observation: obs, accuracy: nil, truth: nil))
                print("\(clip): \(obs.frames) frames in \(String(format: "%.2f", obs.wallSeconds)) s (no ground truth)")
                if let alerts = obs.alerts {
                    // No events listed: every alert is false.
                    let scores = BehaviourScoring.score(alerts: alerts, events: [], tolerance: 0) { _, _ in nil }
                    behaviour.append((clip, scores, false, obs.videoSeconds ?? 0))
                    printAlerts(obs, scores: scores)
                }
                continue
            }
            let acc = try Evaluation.score(
                obs, truth: truth, parser: parser, matcher: matcher, languages: language.languages,
                decoys: language.languages.flatMap { BenchRecord.decoys(for: truth, chinese: $0 == .chinese) }, scoring: scoring)
            allLooks = allLooks.merged(with: LookFrequencies(tracks: obs.descriptors))
            accuracies.append((clip, acc))
            results.append(BenchRecord(clip: clip, observation: obs, accuracy: acc, truth: truth))
            let perFrame = Double(max(1, obs.frames))
            print("\(clip): \(obs.frames) frames in \(String(format: "%.2f", obs.wallSeconds)) s, \(obs.descriptors.count) tracks; "
                + "\(obs.detector.rawValue) detector, CPU \(String(format: "%.1f", obs.cpuSeconds * 1000 / perFrame)) ms/frame "
                + "(network \(String(format: "%.1f", Double(obs.timings.network) / 1e6 / perFrame)) ms, "
                + "\(String(format: "%.2f", Double(obs.timings.crops) / perFrame)) crops/frame)")
            if readings {
                func top(_ h: ColourHistogram) -> String {
                    h.dominant(minimumShare: 0.1).prefix(3).map { "\($0.name.english) \(Int(($0.share * 100).rounded()))%" }.joined(separator: ", ")
                }
                for r in acc.readings.sorted(by: { ($0.identity, $0.track) < ($1.identity, $1.track) }) {
                    print("  person \(r.identity) (\(r.truthUpper)/\(r.truthLower), \(r.truthAge)) track \(r.track): upper [\(top(r.upper))] "
                        + "lower [\(top(r.lower))] seen \(Int((r.lowerVisibility * 100).rounded()))%, "
                        + "height \(r.relativeHeight.map { String(format: "%.2f", $0) } ?? "-")")
                }
            }
            for r in acc.retrieval {
                print("  identity \(r.identity) \"\(r.description)\": rank \(r.rank.map(String.init) ?? "none"), "
                    + "right track \(r.rightTrackScore.map { String(format: "%.2f", $0) } ?? "-"), best \(String(format: "%.2f", r.bestScore))")
            }
            print("  rank-1 \(String(format: "%.0f%%", acc.rank1 * 100)); with every track reading its owner's labelled colours "
                + "\(String(format: "%.0f%%", acc.trueColourRank1 * 100)); the labels' own ceiling \(String(format: "%.0f%%", acc.labelCeiling * 100))")
            let leads = acc.leads(threshold: leadThreshold)
            print("  leads at \(String(format: "%.2f", leadThreshold)): \(leads.leads) raised, \(leads.falseLeads) of someone else "
                + "(\(String(format: "%.1f", leads.falsePerReportHour)) per camera-hour per open report; decoys \(leads.decoyLeads)), "
                + "described people found \(leads.found) of \(leads.trackedDescriptions) tracked")
            if obs.alerts != nil {
                let scores = obs.behaviourScores(truth: truth)
                behaviour.append((clip, scores, truth.events != nil, Double(truth.frames) / truth.fps))
                printAlerts(obs, scores: scores)
            }
            let t = acc.tracking
            rows.append([clip, String(format: "%.0f", Double(obs.frames) / max(1e-9, obs.wallSeconds)),
                         String(format: "%.2f/%.2f/%.2f", t.precision, t.recall, t.f1), String(format: "%.2f", t.mota),
                         "\(t.identitySwitches)", String(format: "%.2f", t.idf1),
                         String(format: "%.0f%%/%.0f%%", acc.upperColours.accuracy * 100, acc.lowerColours.accuracy * 100),
                         String(format: "%.0f%%/%.0f%%", acc.ranking.recall(at: 1) * 100, acc.ranking.recall(at: 5) * 100),
                         String(format: "%.2f", acc.ranking.meanAveragePrecision),
                         String(format: "%.1f", leads.falsePerReportHour), String(format: "%.0f%%", leads.recall * 100),
                         "\(obs.descriptors.count)/\(truth.identities.count)"])
        }
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(results).write(to: URL(fileURLWithPath: absolute(json)))
        }
        if rows.isEmpty { return }
        print("")
        printTable(
            ["CLIP", "FPS", "DET P/R/F1", "MOTA", "IDSW", "IDF1", "COLOUR UP/LOW", "RANK-1/5", "mAP", "FALSE/CAM-H/REPORT", "FOUND",
             "TRACKS/PEOPLE"], rows)
        printLeadSweep(accuracies.map(\.1))
        printBehaviour(behaviour)
        if scoring == .evidence { printCalibration(accuracies.map(\.1)) }
        if looks { printLooks(allLooks) }
    }

    var matcher: Matcher {
        var m = Matcher()
        if let threshold { m.configuration.threshold = threshold }
        return m
    }

    /// The threshold leads are replayed at: `--threshold`, or the scoring's own.
    var leadThreshold: Double { threshold ?? scoring.threshold(MatchConfiguration()) }

    /// The alerts of one clip, each with its explanation and whether it was right.
    func printAlerts(_ obs: ClipObservation, scores: [BehaviourKindScore]) {
        let alerts = obs.alerts ?? []
        let events = scores.reduce(0) { $0 + $1.events }
        print("  perspective: " + (obs.perspective.map { String(format: "an adult is %.3f × foot row + %.1f px tall (working frame)", $0[0], $0[1]) } ?? "not fitted"))
        let cost = obs.behaviourNanoseconds.map { String(format: " (rules %.1f µs/frame)", Double($0) / 1e3 / Double(max(1, obs.frames))) } ?? ""
        print("  behaviour\(cost): \(alerts.count) alert(s), \(events) event(s) in the ground truth"
            + scores.filter { $0.events > 0 || $0.alerts > 0 }.map { ", \($0.kind.rawValue) \($0.found)/\($0.events) found, \($0.right)/\($0.alerts) right" }.joined())
        for a in alerts {
            print("    \(String(format: "%6.1f", a.alert.time)) s  \(a.alert.kind.rawValue)  track \(a.alert.trackID): \(a.alert.explanation)")
        }
    }

    /// Recall and precision per kind over the clips that list events, and false alerts per
    /// camera-hour over those that list none.
    func printBehaviour(_ all: [(clip: String, scores: [BehaviourKindScore], scripted: Bool, seconds: Double)]) {
        guard !all.isEmpty else { return }
        print("")
        print("Behaviour alerts (default rules; zones from the ground truth):")
        var rows: [[String]] = []
        let scripted = all.filter(\.scripted)
        let plain = all.filter { !$0.scripted }
        let hours = plain.reduce(0) { $0 + $1.seconds } / 3600
        for kind in AlertKind.allCases {
            let s = scripted.flatMap(\.scores).filter { $0.kind == kind }.reduce(BehaviourKindScore(kind: kind), +)
            let f = plain.flatMap(\.scores).filter { $0.kind == kind }.reduce(0) { $0 + $1.alerts }
            rows.append([
                kind.rawValue, s.recall.map { String(format: "%.0f%% (%d/%d)", $0 * 100, s.found, s.events) } ?? "– (0 events)",
                s.precision.map { String(format: "%.0f%% (%d/%d)", $0 * 100, s.right, s.alerts) } ?? "– (0 alerts)",
                hours > 0 ? String(format: "%.1f (%d in %.2f h)", Double(f) / hours, f, hours) : "–",
            ])
        }
        printTable(["KIND", "RECALL (CLIPS WITH EVENTS)", "PRECISION", "FALSE ALERTS / CAMERA-HOUR (CLIPS WITHOUT)"], rows)
    }

    /// False leads and recall over all clips at a range of thresholds: how the default is chosen.
    func printLeadSweep(_ all: [ClipAccuracy]) {
        guard !all.isEmpty else { return }
        print("")
        print("Leads over all clips (\(scoring.rawValue) score), replayed with the live sighting rule:")
        let steps = scoring == .agreement
            ? [0.5, 0.6, 0.7, 0.8, 0.9, 0.95] : [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7, 0.9]
        var rows: [[String]] = []
        var withinBudget: Double? = nil
        for t in Set(steps + [leadThreshold]).sorted() {
            let sum = all.map { $0.leads(threshold: t) }.reduce(LeadSummary(), +)
            if withinBudget == nil, sum.falsePerReportHour <= falseLeadBudget { withinBudget = t }
            rows.append([
                String(format: "%.2f", t) + (t == leadThreshold ? " *" : ""), "\(sum.leads)", "\(sum.falseLeads)",
                String(format: "%.2f", sum.falsePerReportHour), "\(sum.decoyLeads)",
                String(format: "%.0f%% (%d/%d)", sum.recall * 100, sum.found, sum.trackedDescriptions)
            ])
        }
        printTable(["THRESHOLD", "LEADS", "FALSE", "FALSE/CAM-H/REPORT", "DECOY LEADS", "DESCRIBED FOUND"], rows)
        print("* the threshold replayed above. " + (withinBudget.map {
            String(format: "Lowest threshold within %.2g false lead(s) per camera-hour per open report: %.2f", falseLeadBudget, $0)
        } ?? String(format: "No threshold swept keeps within %.2g false lead(s) per camera-hour per open report.", falseLeadBudget)))
    }

    /// How often a track at each confidence is the described person (every described identity's
    /// query against every track of its clip), and the logistic fit of "is the person" on the
    /// evidence: how `priorProbability` and `evidenceScale` are set.
    func printCalibration(_ all: [ClipAccuracy]) {
        let samples = all.flatMap { $0.queries.filter { $0.identity != nil }.flatMap { $0.candidates } }
        guard !samples.isEmpty else { return }
        print("")
        print("Calibration over \(samples.count) (description, track) pairs, \(samples.filter(\.isPerson).count) of them the person:")
        let edges = [0, 0.01, 0.03, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0001]
        var rows: [[String]] = []
        for i in 0..<(edges.count - 1) {
            let bin = samples.filter { $0.score.total >= edges[i] && $0.score.total < edges[i + 1] }
            guard !bin.isEmpty else { continue }
            let mean = bin.map(\.score.total).reduce(0, +) / Double(bin.count)
            rows.append([
                String(format: "%.2f–%.2f", edges[i], min(1, edges[i + 1])), "\(bin.count)", String(format: "%.3f", mean),
                String(format: "%.3f", Double(bin.filter(\.isPerson).count) / Double(bin.count)),
            ])
        }
        printTable(["CONFIDENCE", "PAIRS", "MEAN CONFIDENCE", "SHARE THE PERSON"], rows)
        // Logistic regression of isPerson on the evidence (Newton's method on a, b).
        var a = 0.0, b = 1.0
        for _ in 0..<50 {
            var ga = 0.0, gb = 0.0, haa = 0.0, hab = 0.0, hbb = 0.0
            for s in samples {
                let p = 1 / (1 + exp(-(a + b * s.score.evidence)))
                let y = s.isPerson ? 1.0 : 0.0
                ga += y - p
                gb += (y - p) * s.score.evidence
                let w = p * (1 - p)
                haa += w
                hab += w * s.score.evidence
                hbb += w * s.score.evidence * s.score.evidence
            }
            let det = haa * hbb - hab * hab
            guard abs(det) > 1e-12 else { break }
            a += (hbb * ga - hab * gb) / det
            b += (haa * gb - hab * ga) / det
        }
        print(String(format: "Logistic fit: P(person) = σ(%.2f + %.2f × evidence): prior %.4f, evidence scale %.2f", a, b, 1 / (1 + exp(-a)), b))
    }

    /// The mean saturated share of every colour over all the clips' tracks, per part.
    func printLooks(_ l: LookFrequencies) {
        print("")
        print("Base rates over \(l.upperTracks) tracks (upper) and \(l.lowerTracks) (lower):")
        for (name, sum, n) in [("upper", l.upperSum, l.upperTracks), ("lower", l.lowerSum, l.lowerTracks)] {
            let v = sum / Float(max(1, n))
            print("  \(name): " + ColourName.allCases.map { "\($0.english) \(String(format: "%.3f", v[$0.rawValue]))" }.joined(separator: ", "))
        }
    }
}

/// `evaluate --language`.
enum DescriptionLanguages: String, ExpressibleByArgument, CaseIterable {
    case en, zh, both
    var languages: [ReadingSummary.Language] {
        switch self {
        case .en: [.english]
        case .zh: [.chinese]
        case .both: [.english, .chinese]
        }
    }
}

extension EvaluationScoring: ExpressibleByArgument {}

extension Evaluate {
    /// The extractor settings with `--tune` applied.
    func tunedExtractor() throws -> ExtractorConfiguration {
        var c = ExtractorConfiguration()
        for pair in (tune ?? "").split(separator: ",") {
            let kv = pair.split(separator: "=", maxSplits: 1).map { String($0).trimmingCharacters(in: .whitespaces) }
            guard kv.count == 2, let v = Double(kv[1]) else { throw ValidationError("--tune expects key=number pairs, got '\(pair)'") }
            switch kv[0] {
            case "openings": c.motion.openings = Int(v)
            case "closings": c.motion.closings = Int(v)
            case "verticalClosings": c.motion.verticalClosings = Int(v)
            case "groupOverlap": c.motion.groupOverlap = Float(v)
            case "groupGap": c.motion.groupGap = Float(v)
            case "groupAspect": c.motion.groupAspect = Float(v)
            case "minFill": c.motion.minFill = Float(v)
            case "minStrongShare": c.motion.minStrongShare = Float(v)
            case "minAspect": c.motion.minAspect = Float(v)
            case "minHeightFraction": c.motion.minHeightFraction = Float(v)
            case "spreadMin": c.background.spreadMin = UInt8(v)
            case "spreadMax": c.background.spreadMax = UInt8(v)
            case "chromaThreshold": c.background.chromaThreshold = UInt8(v)
            case "shadowShift": c.background.shadowShift = UInt8(v)
            case "levelsPerSecond": c.background.levelsPerSecond = v
            case "lightMaximumGain": c.light.maximumGain = Float(v)
            case "lightMaximumCast": c.light.maximumCast = Float(v)
            case "lightWhitePercentile": c.light.whitePercentile = Float(v)
            case "lightWhiteLuma": c.light.whiteLuma = Float(v)
            case "light": c.light.enabled = v != 0
            case "cropsPerSecond": c.learned.cropsPerSecond = v
            case "roundsPerSecond": c.learned.roundsPerSecond = v
            case "maximumCropsPerRound": c.learned.maximumCropsPerRound = Int(v)
            case "movingRecheck": c.learned.movingRecheck = v
            case "stillRecheck": c.learned.stillRecheck = v
            case "sweepPeriod": c.learned.sweepPeriod = v
            case "emptyCooldown": c.learned.emptyCooldown = v
            case "minimumScore": c.learned.minimumScore = Float(v)
            case "fusionIoU": c.learned.fusionIoU = Float(v)
            case "personHeightsPerSide": c.learned.planner.personHeightsPerSide = Float(v)
            case "minimumSide": c.learned.planner.minimumSide = Float(v)
            case "padding": c.learned.planner.padding = Float(v)
            case "sweepSideFraction": c.learned.planner.sweepSideFraction = Float(v)
            case "sweepOverlap": c.learned.planner.sweepOverlap = Float(v)
            case "birthScore": c.detectionTracker.birthScore = Float(v)
            case "keepScore": c.detectionTracker.keepScore = Float(v)
            case "hitsToConfirm": c.detectionTracker.hitsToConfirm = Int(v)
            case "missesToEnd": c.detectionTracker.missesToEnd = Int(v)
            case "motionGain": c.detectionTracker.motionGain = Float(v)
            case "maximumCoastSeconds": c.detectionTracker.maximumCoastSeconds = v
            case "velocitySmoothing": c.detectionTracker.velocitySmoothing = Float(v)
            case "patchRadius": c.detectionTracker.patchRadius = Float(v)
            case "maximumPatchDifference": c.detectionTracker.maximumPatchDifference = Float(v)
            case "patchVelocityGain": c.detectionTracker.patchVelocityGain = Float(v)
            case "showBlindSeconds": c.detectionTracker.showBlindSeconds = v
            case "cropsPerTrackedPerson": c.learned.cropsPerTrackedPerson = v
            case "maximumCropsPerSecond": c.learned.maximumCropsPerSecond = v
            case "leavingShare": c.detectionTracker.leavingShare = Float(v)
            case "minimumCoastSeconds": c.detectionTracker.minimumCoastSeconds = v
            case "minimumNetworkObservations": c.minimumNetworkObservations = Int(v)
            default: throw ValidationError("--tune: unknown setting '\(kv[0])'")
            }
        }
        return c
    }
}

/// `{"frame": [[trackID, x, y, w, h], …]}` in source pixels, for drawing and checking by eye.
private func writeBoxes(_ obs: ClipObservation, clip: String, folder: String) throws {
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let s = obs.workingScale
    var out: [String: [[Float]]] = [:]
    for (frame, views) in obs.frameBoxes {
        out[String(frame)] = views.map { v in
            let b = v.box.scaled(x: s, y: s)
            return [Float(v.id), b.x, b.y, b.width, b.height]
        }
    }
    let stem = URL(fileURLWithPath: clip).deletingPathExtension().lastPathComponent
    try JSONEncoder().encode(out).write(to: URL(fileURLWithPath: folder).appendingPathComponent(stem + ".boxes.json"))
    // The detector's candidates and the network's crops per frame: {"frame": [[x, y, w, h], …]}.
    for (suffix, table) in [("detections", obs.frameDetections), ("crops", obs.frameCrops)] {
        var rows: [String: [[Float]]] = [:]
        for (frame, boxes) in table {
            rows[String(frame)] = boxes.map { b in
                let t = b.scaled(x: s, y: s)
                return [t.x, t.y, t.width, t.height]
            }
        }
        try JSONEncoder().encode(rows).write(to: URL(fileURLWithPath: folder).appendingPathComponent("\(stem).\(suffix).json"))
    }
}

extension Evaluate {
    /// Where `--observations` keeps a clip's observation: named by the clip and every setting that
    /// changes what the pipeline sees (detector, width, tuning), so other settings never reuse it.
    func observationFile(folder: String, clip: String) -> String {
        let stem = ((clip as NSString).lastPathComponent as NSString).deletingPathExtension
        let settings = ([detectorOptions.detector.rawValue, "w\(width)"] + (tune.map { [$0] } ?? []))
            .joined(separator: "-")
            .map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." ? $0 : "_" }
        return (folder as NSString).appendingPathComponent("\(stem)-\(String(settings)).observation.json")
    }
}
