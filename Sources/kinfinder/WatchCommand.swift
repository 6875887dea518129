import ArgumentParser
import Foundation
import GridStore
import Ingest
import KinfinderCore
import Matching
import Behaviour
import Synchronization
#if canImport(Glibc)
import Glibc
import Description
import Extraction
#endif

struct Watch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Analyse a video clip as one camera: find people, match open reports, raise incidents.")
    @OptionGroup var store: StoreOptions
    @OptionGroup var model: ModelOptions
    @OptionGroup var detectorOptions: DetectorOptions
    @Argument(help: ArgumentHelp("Video file (any format FFmpeg reads).", valueName: "clip")) var clip: String
    @Option(help: "Camera id (must exist: kinfinder camera add).") var camera: String
    @Option(help: "Wall-clock time of the clip's first frame (default: now).") var start: String?
    @Option(help: "Working width in pixels (frames are scaled down to it).") var width: Int = 640
    @Option(help: "Match confidence 0…1 that raises an incident (default 0.30, the false-lead budget of docs/scoring.md).") var threshold: Double?
    @Option(help: "Views of the person in each incident's strip of the seconds around the sighting (0: no strip).")
    var stripViews: Int = PipelineConfiguration().stripViews
    @Option(help: ArgumentHelp(
        "The camera's danger zones and behaviour rules: a YAML file with the keys of a camera's 'behaviour:' section in run's "
            + "configuration (zones, child_alone, alone_seconds, …). Default: the rules' defaults, no zones.",
        valueName: "file"))
    var behaviour: String?
    @Flag(help: "No behaviour alerts (danger zones, a child alone, a person down, wandering): report matches only.")
    var noBehaviour = false
    @Flag(help: "No progress bar.") var quiet = false

    func validate() throws {
        guard width >= 64, width <= 4096 else { throw ValidationError("--width must be 64…4096") }
        if let threshold, !(0...1).contains(threshold) { throw ValidationError("--threshold must be between 0 and 1") }
        guard (0...12).contains(stripViews) else { throw ValidationError("--strip-views must be 0…12") }
    }

    func run() async throws {
        let db = try await store.openStore()
        guard let cam = try await db.camera(id: camera) else { throw KinfinderError.unknownCamera(camera) }
        let colourModel = try model.load()
        var config = PipelineConfiguration()
        config.detector = try detectorOptions.setup(models: model)
        try config.detector.check()
        config.ingest.workingWidth = width
        if let threshold { config.match.threshold = threshold }
        config.stripViews = stripViews
        if let behaviour { config.behaviour = try BehaviourSettings.load(path: absolute(behaviour)) }
        if noBehaviour {
            config.behaviour.zones = []
            config.behaviour.childAloneEnabled = false
            config.behaviour.personDownEnabled = false
            config.behaviour.wanderingEnabled = false
        }
        let startTime = try start.map { try parseTime($0, option: "--start") } ?? Date()
        let runID = ISO8601DateFormatter().string(from: Date()) + "-\(getpid())"
        let pipeline = CameraPipeline(
            camera: cam, store: db, colourTable: colourModel.yuvTable(), dataDirectory: store.dataDirectory,
            configuration: config, logger: store.logger)
        let bar = ProgressBar(enabled: !quiet)
        StopSignal.install()
        let summary = try await pipeline.watch(
            source: absolute(clip), startTime: startTime, runID: runID, shouldStop: { StopSignal.requested }
        ) { p in
            bar.update(p)
        }
        bar.finish()
        // The camera's health row shows the last watch (the command centre and /metrics read it).
        let now = Date()
        try await db.updateCameraStatus(CameraStatus(
            cameraID: cam.id, state: .stopped, reason: "watch of \((clip as NSString).lastPathComponent) " + (summary.interrupted ? "interrupted" : "finished"),
            stateSince: now, reporter: "\(ProcessInfo.processInfo.hostName):\(getpid())",
            inputFPS: summary.framesPerSecond, analysedFPS: summary.framesPerSecond, framesIn: summary.frames, framesAnalysed: summary.frames,
            corruptPackets: summary.corruptPackets, lastFrameAt: startTime.addingTimeInterval(summary.videoSeconds), updatedAt: now))
        if summary.interrupted {
            print("interrupted: stopped after \(summary.frames) frames; people in view were finished and stored")
        }
        let s = summary.stream
        print("\(clip): \(summary.frames) frames, \(s.sourceWidth)x\(s.sourceHeight) \(s.codec) → \(s.workingWidth)x\(s.workingHeight), "
            + String(format: "%.1f s of video in %.2f s (%.0f frames/s)", summary.videoSeconds, summary.wallSeconds, summary.framesPerSecond))
        let n = Double(max(1, summary.timings.frames)) * 1e6
        let t = summary.timings
        print("detector: \(config.detector.summary())")
        print(String(format: "per frame: decode %.2f ms, motion %.2f ms, network %.2f ms (%.2f crops), track %.2f ms, describe %.2f ms",
            Double(summary.decodeNanoseconds) / n, Double(t.detect) / n, Double(t.network) / n,
            Double(t.crops) / Double(max(1, t.frames)), Double(t.track) / n, Double(t.describe) / n))
        if summary.corruptPackets > 0 { print("skipped \(summary.corruptPackets) corrupt packets") }
        let alerts = summary.incidents.filter { !$0.kind.hasReport }
        print("\(summary.tracksStored) people tracked and stored; \(summary.incidents.count) incident(s) raised"
            + (alerts.isEmpty ? "" : " (\(alerts.count) behaviour alert(s))"))
        if !summary.incidents.isEmpty {
            let reports = try await db.reports(status: nil)
            let names = Dictionary(uniqueKeysWithValues: reports.compactMap { r in r.id.map { ($0, r.name) } })
            printTable(["INCIDENT", "REPORT", "SEEN", "CONFIDENCE", "SNAPSHOT", "WHY"], summary.incidents.map { i in
                ["#\(i.id ?? 0)", i.reportID.map { "\($0) \(names[$0] ?? "")" } ?? "alert: \(i.kind.rawValue)", TimeParsing.display(i.seenAt),
                 i.kind.hasReport ? String(format: "%.2f", i.score) : "-",
                 i.snapshotPath.map { (store.dataDirectory as NSString).appendingPathComponent($0) } ?? "-", i.explanation]
            })
        }
    }
}

/// A one-line progress bar on standard error, redrawn in place on a terminal and printed every
/// 10 % otherwise (logs, CI).
final class ProgressBar: @unchecked Sendable {  // Only called from the pipeline's own task.
    private let enabled: Bool
    private let tty = isatty(2) != 0
    private var lastDecile = -1
    private var drawn = false

    init(enabled: Bool) { self.enabled = enabled }

    func update(_ p: PipelineProgress) {
        guard enabled else { return }
        let fps = p.wallSeconds > 0 ? Double(p.frames) / p.wallSeconds : 0
        var line: String
        if let total = p.estimatedFrames, total > 0 {
            let f = min(1, Double(p.frames) / Double(total))
            let filled = Int(f * 30)
            line = "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: 30 - filled) + "]"
                + String(format: " %3.0f%% %d/%d frames", f * 100, p.frames, total)
            if !tty {
                let decile = Int(f * 10)
                guard decile != lastDecile else { return }
                lastDecile = decile
            }
        } else {
            line = "\(p.frames) frames"
        }
        line += String(format: "  %.0f fps  %d in view  %d incident(s)", fps, p.activeTracks, p.incidents)
        FileHandle.standardError.write(Data((tty ? "\r\u{1B}[K" + line : line + "\n").utf8))
        drawn = true
    }

    func finish() {
        if enabled && tty && drawn { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}

/// Ctrl-C / SIGTERM ask a running `watch` to stop at the next frame and store what it has, instead
/// of killing it mid-way. A second signal ends the process at once.
enum StopSignal {
    private static let flag = Atomic<Bool>(false)

    static var requested: Bool { flag.load(ordering: .relaxed) }

    static func install() {
        let handler: @convention(c) (Int32) -> Void = { sig in
            if StopSignal.flag.exchange(true, ordering: .relaxed) {
                signal(sig, SIG_DFL)
                raise(sig)
            }
        }
        signal(SIGINT, handler)
        signal(SIGTERM, handler)
    }
}
