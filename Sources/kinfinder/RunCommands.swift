import ArgumentParser
import Foundation
import GridStore
import Ingest
import KinfinderCore
import Logging
import Matching
import Extraction

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Analyse live cameras (RTSP) listed in a configuration file, until SIGINT/SIGTERM.",
        discussion: """
            Each camera runs on its own: a camera that fails is retried with backoff and never stops
            the others. SIGHUP reloads the file (cameras added, removed or changed; the rest keep
            running). SIGINT/SIGTERM stop reading, finish the people in view and store them.
            Camera health goes to the grid database every few seconds: see `kinfinder cameras`.
            The configuration format is in the README ("Live cameras").
            """)
    @OptionGroup var store: StoreOptions
    @OptionGroup var model: ModelOptions
    @OptionGroup var detectorOptions: DetectorOptions
    @Option(help: ArgumentHelp("The configuration file (YAML).", valueName: "file")) var config: String
    @Flag(help: "Log warnings and errors only.") var quiet = false
    @Flag(help: "Share the configured cameras with other `kinfinder run --shared` hosts on the same database (camera leases).")
    var shared = false
    @Option(help: ArgumentHelp("This host's name in the lease table (default: hostname:pid).", valueName: "name"))
    var hostID: String?
    @Option(help: ArgumentHelp("Seconds a camera lease lasts without renewal (default 9): a dead host's cameras move within this.", valueName: "seconds"))
    var leaseTTL: Double?
    @Option(help: ArgumentHelp("One incident per report within this many seconds, across cameras (default 120).", valueName: "seconds"))
    var sightingWindow: Double?

    func validate() throws {
        if let t = leaseTTL, !(2...300).contains(t) { throw ValidationError("--lease-ttl: 2 to 300 seconds, got \(t)") }
        if let w = sightingWindow, !(0...86_400).contains(w) { throw ValidationError("--sighting-window: 0 to 86400 seconds, got \(w)") }
        if let h = hostID, h.isEmpty { throw ValidationError("--host-id: a non-empty name") }
    }

    func run() async throws {
        LoggingBootstrap.once(level: quiet ? .warning : (store.verbose ? .debug : .info))
        let path = absolute(config)
        var configuration = try RunConfiguration.load(path: path)
        if shared || hostID != nil || leaseTTL != nil {
            var sharing = configuration.sharing ?? SharingSettings()
            if let hostID { sharing.hostID = hostID }
            if let leaseTTL {
                sharing.leaseTTL = leaseTTL
                sharing.renewInterval = min(sharing.renewInterval, leaseTTL / 3)
            }
            configuration.sharing = sharing
        }
        if let sightingWindow { configuration.sightingWindow = sightingWindow }
        var storeOptions = store
        if storeOptions.database == nil, ProcessInfo.processInfo.environment["KINFINDER_DATABASE"]?.isEmpty ?? true,
            let db = configuration.database
        {
            storeOptions.database = db
        }
        var modelOptions = model
        if modelOptions.models == nil, let m = configuration.models { modelOptions.models = m }
        // The command line's detector for cameras that do not choose one; the runtime and model are
        // loaded once, before any camera starts, when a camera needs them.
        var pipeline = PipelineConfiguration()
        pipeline.detector = try detectorOptions.setup(
            models: model, configuredModels: configuration.models, configuredRuntime: configuration.onnxruntime)
        if configuration.cameras.contains(where: { $0.enabled && ($0.detector ?? pipeline.detector.kind) == .learned }) {
            var learned = pipeline.detector
            learned.kind = .learned
            try learned.check()
        }
        let db = try await storeOptions.openStore(openTimeout: 60)
        let colourModel = try modelOptions.load()
        let logger = Logger(label: "kinfinder.run")
        logger.info("starting", metadata: [
            "config": "\(path)", "database": "\(storeOptions.databasePath)",
            "cameras": "\(configuration.cameras.filter(\.enabled).count)",
            "mode": "\(configuration.sharing.map { "shared (lease \($0.leaseTTL) s)" } ?? "all cameras here")",
            "detector": "\(pipeline.detector.summary())",
        ])
        let supervisor = CameraSupervisor(
            configPath: path, configuration: configuration, store: db, colourTable: colourModel.yuvTable(),
            dataDirectory: storeOptions.dataDirectory, pipeline: pipeline, logger: logger)
        try await supervisor.run()
        logger.info("stopped")
    }
}

struct Cameras: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Camera health as the running `kinfinder run` processes report it.")
    @OptionGroup var store: StoreOptions
    @Flag(help: "Print JSON instead of a table.") var json = false
    @Option(help: "A status older than this many seconds is shown as stale (its process may be dead).")
    var staleAfter: Double = 30

    func run() async throws {
        let db = try await store.openStore()
        let cams = try await db.cameras()
        let statuses = Dictionary(uniqueKeysWithValues: try await db.cameraStatuses().map { ($0.cameraID, $0) })
        let leases = Dictionary(uniqueKeysWithValues: try await db.cameraLeases().map { ($0.cameraID, $0) })
        let now = Date()
        /// The host analysing a shared camera now ("-" when its lease lapsed or it was never shared).
        func host(_ id: String) -> String {
            guard let l = leases[id], let holder = l.holder, let until = l.expiresAt, until > now else { return "-" }
            return "\(holder) #\(l.token)"
        }
        if json {
            struct Row: Encodable {
                var camera: Camera
                var status: CameraStatus?
                var stale: Bool
                var lease: CameraLease?
            }
            let rows = cams.map { c in
                Row(camera: Camera(id: c.id, name: c.name, cellID: c.cellID, url: c.url.map(StreamURL.redacted)),
                    status: statuses[c.id], stale: statuses[c.id].map { now.timeIntervalSince($0.updatedAt) > staleAfter } ?? false,
                    lease: leases[c.id])
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.dateEncodingStrategy = .iso8601
            print(String(decoding: try encoder.encode(rows), as: UTF8.self))
            return
        }
        func ago(_ d: Date?) -> String {
            guard let d else { return "-" }
            let s = Int(now.timeIntervalSince(d).rounded())
            return s < 90 ? "\(s)s ago" : s < 5400 ? "\(s / 60)m ago" : TimeParsing.display(d)
        }
        func ms(_ v: Double?) -> String { v.map { String(format: "%.0f", $0) } ?? "-" }
        printTable(
            ["CAMERA", "CELL", "HOST (LEASE)", "STATE", "SINCE", "FPS IN/ANALYSED", "DROPPED", "LAG P50/P99 ms", "RECONNECTS", "LAST FRAME", "REASON"],
            cams.map { c in
                guard let s = statuses[c.id] else { return [c.id, c.cellID, host(c.id), "never run", "-", "-", "-", "-", "-", "-", ""] }
                var state = s.state.rawValue
                if s.state != .stopped, now.timeIntervalSince(s.updatedAt) > staleAfter { state += " (stale: no report " + ago(s.updatedAt) + ")" }
                return [
                    c.id, c.cellID, host(c.id), state, ago(s.stateSince), String(format: "%.1f/%.1f", s.inputFPS, s.analysedFPS),
                    "\(s.framesDropped)", "\(ms(s.lagP50))/\(ms(s.lagP99))", "\(s.reconnects)", ago(s.lastFrameAt), s.reason ?? "",
                ]
            })
    }
}
