import ArgumentParser
import Foundation
import GridStore
import KinfinderCore
import KinfinderServer
import Logging
import Matching
import ServiceLifecycle
import UnixSignals

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the HTTP API, live incident stream and /metrics, and run dispatch and escalation.",
        discussion: """
            New incidents (from watch, run, or retro search) go to the grid workers of their cell; one not acknowledged \
            within the response deadline climbs a level (micro-grid → community → street → district), and again, \
            up to the district; one not resolved in time climbs too. Deadlines live in the database, so a restart \
            carries on where it stopped. API: docs at /openapi.yaml. Stop with Ctrl-C (or SIGTERM).
            """)
    @OptionGroup var store: StoreOptions
    @OptionGroup var model: ModelOptions
    @Option(help: "The configuration file shared with `kinfinder run` (its serve: section); flags override it.") var config: String?
    @Option(help: "Address to listen on (default 127.0.0.1).") var host: String?
    @Option(help: "Port (0: any free port, printed at start; default 8080).") var port: Int?
    @Option(help: "Seconds a level has to acknowledge before the incident climbs (every level; default 300).") var response: Double?
    @Option(help: "Seconds to resolve (every level; default 86400).") var resolution: Double?
    @Option(
        name: .customLong("level-response"),
        help: "Per-level response seconds, e.g. micro-grid=300,community=600,street=900,district=1800.")
    var levelResponse: String?
    @Option(help: "Seconds between dispatch rounds (default 1).") var dispatchInterval: Double?
    @Flag(help: "Do not search stored tracks when a report is filed.") var noRetroSearch = false
    @Option(help: "Reports one client address may file at once without signing in (default 5).") var reportBurst: Int?
    @Option(help: "Seconds for each further report from that address (default 180).") var reportInterval: Double?
    @Option(help: ArgumentHelp("Tiles under the console's map: a URL template with {z}, {x} and {y} (web-mercator, 256 px), for deployments with a tile server.", valueName: "url"))
    var mapTiles: String?
    @Option(help: "The attribution the tile server's licence asks for (shown under the map).") var mapAttribution: String?

    func validate() throws {
        if let port, !(0...65535).contains(port) { throw ValidationError("--port must be 0…65535") }
        if (response ?? 1) < 1 || (resolution ?? 1) < 1 { throw ValidationError("--response and --resolution must be at least 1 second") }
        if let d = dispatchInterval, !(0.05...60).contains(d) { throw ValidationError("--dispatch-interval must be 0.05…60 s") }
        if let mapTiles {
            do { _ = try MapTiles(template: mapTiles, attribution: mapAttribution ?? "") } catch let e as MapTilesError {
                throw ValidationError("--map-tiles: \(e.description)")
            }
        }
        _ = try levels()
    }

    func levels() throws -> [GridLevel: Double] {
        var out: [GridLevel: Double] = [:]
        for part in (levelResponse ?? "").split(separator: ",") {
            let kv = part.split(separator: "=")
            guard kv.count == 2, let level = GridLevel(rawValue: String(kv[0]).trimmingCharacters(in: .whitespaces)),
                let seconds = Double(kv[1]), seconds >= 1
            else { throw ValidationError("--level-response: '\(part)' is not LEVEL=SECONDS (levels: micro-grid, community, street, district)") }
            out[level] = seconds
        }
        return out
    }

    func run() async throws {
        store.bootstrapLogging()
        var logger = Logger(label: "kinfinder.serve")
        logger.logLevel = store.verbose ? .info : .notice
        var file = ServeSettings()
        var storeOptions = store
        if let path = self.config {
            let run = try RunConfiguration.load(path: absolute(path), requireCameras: false)
            file = run.serve
            if storeOptions.database == nil, let db = run.database { storeOptions.database = db }
        }
        let db = try await storeOptions.openStore(openTimeout: 60)
        var config = ServeConfiguration()
        config.host = host ?? file.host ?? "127.0.0.1"
        config.port = port ?? file.port ?? 8080
        var response = file.response, resolution = file.resolution
        for level in GridLevel.allCases {
            if let r = self.response { response[level] = r }
            if let r = self.resolution { resolution[level] = r }
        }
        for (level, seconds) in try levels() { response[level] = seconds }
        config.policy = DispatchPolicy(response: response, resolution: resolution)
        config.dispatchInterval = dispatchInterval ?? file.dispatchInterval ?? 1
        config.retroSearch = !noRetroSearch
        if let reportBurst {
            guard reportBurst >= 1 else { throw ValidationError("--report-burst: at least 1") }
            config.reportRateLimit.burst = reportBurst
        }
        if let reportInterval {
            guard reportInterval > 0, reportInterval.isFinite else { throw ValidationError("--report-interval: seconds > 0") }
            config.reportRateLimit.interval = reportInterval
        }
        if let template = mapTiles ?? file.mapTiles {
            do {
                config.mapTiles = try MapTiles(template: template, attribution: mapAttribution ?? file.mapAttribution ?? "")
            } catch let e as MapTilesError {
                throw ValidationError("\(mapTiles == nil ? "serve.map_tiles in \(self.config ?? "the configuration")" : "--map-tiles"): \(e.description)")
            }
        }
        let server = KinfinderServer(
            store: db, colourModel: try model.load(), dataDirectory: storeOptions.dataDirectory, retro: try RetroSearch(store: db, dataDirectory: store.dataDirectory),
            configuration: config, logger: logger)
        let host = config.host
        let app = server.application { port in
            // One line a script (or a test) can wait for.
            say("kinfinder serve: listening on http://\(host):\(port) (console at /, API docs at /openapi.yaml)")
        }
        let group = ServiceGroup(
            configuration: .init(services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        let deadlines = GridLevel.allCases.reversed().map { "\($0.rawValue) \(Int(config.policy.response($0))) s" }.joined(separator: ", ")
        say("kinfinder serve: database \(storeOptions.databasePath); dispatch every \(config.dispatchInterval) s; acknowledge within \(deadlines)")
        try await group.run()
        say("kinfinder serve: stopped")
    }
}

struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker", abstract: "Grid workers and command-centre operators (who may sign in to serve).",
        subcommands: [Add.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add or update a worker; the password is read from standard input (bcrypt-hashed).")
        @OptionGroup var store: StoreOptions
        @Argument(help: "Login name.") var id: String
        @Option(help: "Full name.") var name: String?
        @Option(help: "The grid cell they answer for.") var cell: String
        @Option(help: "grid-worker or operator.") var role: String = "grid-worker"
        @Option(help: "Phone number.") var phone: String?
        @Flag(help: "Read a password from standard input (first line).") var passwordStdin = false

        func run() async throws {
            guard let role = WorkerRole(rawValue: role) else { throw ValidationError("--role must be grid-worker or operator") }
            let db = try await store.openStore()
            guard try await db.cell(id: cell) != nil else { throw KinfinderError.unknownCell(cell) }
            var hash: String? = nil
            if passwordStdin {
                guard let line = readLine(strippingNewline: true), line.count >= 8 else {
                    throw ValidationError("the password (standard input, first line) needs at least 8 characters")
                }
                hash = Secrets.hashPassword(line)
            }
            try await db.upsertWorker(GridWorker(id: id, name: name ?? id, cellID: cell, role: role, phone: phone), passwordHash: hash)
            print("worker \(id) (\(role.rawValue)) in \(cell)" + (hash == nil ? "" : ", password set"))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List workers.")
        @OptionGroup var store: StoreOptions
        func run() async throws {
            let workers = try await store.openStore().workers()
            printTable(["ID", "NAME", "CELL", "ROLE"], workers.map { [$0.id, $0.name, $0.cellID, $0.role.rawValue] })
        }
    }
}

/// A line on standard output, written at once (not buffered): scripts wait for these.
private func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
