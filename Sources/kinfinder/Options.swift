import ArgumentParser
import Foundation
import GridStore
import KinfinderCore
import Logging
import Matching
import Detection
import Extraction
import Inference

/// Options every command that touches the grid database shares.
struct StoreOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The grid database: an SQLite file, or a PostgreSQL URL (postgres://user@host:5432/db) shared by several hosts. "
                + "Default: $KINFINDER_DATABASE, else ~/.local/share/kinfinder/grid.sqlite.",
            valueName: "path|url"))
    var database: String?

    @Option(name: .long, help: ArgumentHelp("Same as --database, for a PostgreSQL URL.", valueName: "url"))
    var databaseURL: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Where this host keeps snapshots and the retro-search index (one folder per database). Default: the SQLite "
                + "file's folder, or ~/.local/share/kinfinder/postgres-HOST-PORT-DB with PostgreSQL.",
            valueName: "folder"))
    var dataDir: String?

    @Flag(name: .shortAndLong, help: "Log what happens (info level) to standard error.")
    var verbose = false

    /// The database as given: a file path (made absolute) or a postgres:// URL.
    var databaseLocation: String {
        if let url = databaseURL ?? database {
            return PostgresGridStore.handles(url) ? url : absolute(url)
        }
        let env = ProcessInfo.processInfo.environment
        if let e = env["KINFINDER_DATABASE"], !e.isEmpty { return PostgresGridStore.handles(e) ? e : absolute(e) }
        return (Self.defaultDataHome as NSString).appendingPathComponent("grid.sqlite")
    }

    var usesPostgres: Bool { PostgresGridStore.handles(databaseLocation) }

    /// The database for messages (a URL's password hidden).
    var databasePath: String { usesPostgres ? PostgresGridStore.redacted(databaseLocation) : databaseLocation }

    private static var defaultDataHome: String {
        let env = ProcessInfo.processInfo.environment
        let base = env["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (NSHomeDirectory() as NSString).appendingPathComponent(".local/share")
        return (base as NSString).appendingPathComponent("kinfinder")
    }

    /// This host's data folder: snapshots and the descriptor index live under it. The index follows
    /// one database's change numbers, so each database gets its own folder: the SQLite file's, or
    /// for PostgreSQL one per server and database under the default data home.
    var dataDirectory: String {
        if let dataDir { return absolute(dataDir) }
        guard usesPostgres else { return (databaseLocation as NSString).deletingLastPathComponent }
        let c = URLComponents(string: databaseLocation)
        let name = "postgres-\(c?.host ?? "socket")-\(c?.port ?? 5432)-\((c?.path ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "/")))"
        let safe = String(name.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." ? $0 : "_" })
        return (Self.defaultDataHome as NSString).appendingPathComponent(safe)
    }

    /// Opens the database; `openTimeout`: how long to wait for a PostgreSQL server (services that
    /// may start alongside it, `run` and `serve`, wait longer than one-off commands).
    func openStore(openTimeout: Double = PostgresGridStore.openTimeout) async throws -> any GridStore {
        bootstrapLogging()
        let location = databaseLocation
        if PostgresGridStore.handles(location) {
            return try await PostgresGridStore.connect(url: location, openTimeout: openTimeout, logger: Logger(label: "kinfinder.postgres"))
        }
        return try SQLiteGridStore(path: location)
    }

    func bootstrapLogging() {
        LoggingBootstrap.once(level: verbose ? .info : .warning)
    }

    var logger: Logger { Logger(label: "kinfinder") }
}

/// Where the colour-name model is.
struct ModelOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Folder with the colour-name model (default: $KINFINDER_MODELS, ./Models, or next to the program).", valueName: "dir"))
    var models: String?

    func load() throws -> ColourNameModel {
        try ColourNameModel(directory: ColourNameModel.locateModelsDirectory(explicit: models))
    }
}

/// Which person detector, and where the learned one's runtime is.
struct DetectorOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "learned: the motion stage points a person network (Models/\(SSDPersonNetwork.modelFile), ONNX Runtime) at crops; "
                + "motion: moving blobs only, needs no model or runtime.",
            valueName: "learned|motion"),
        transform: DetectorOptions.kind)
    var detector: DetectorKind = .learned

    /// `--detector`'s value, in any case.
    static func kind(_ text: String) throws -> DetectorKind {
        guard let kind = DetectorKind(rawValue: text.lowercased()) else {
            throw ValidationError("--detector must be learned or motion, not '\(text)'")
        }
        return kind
    }

    @Option(
        name: .long,
        help: ArgumentHelp(
            "ONNX Runtime's library (default: $\(RuntimeLocation.environmentVariable), else \(RuntimeLocation.installedDirectory)/libonnxruntime.so, "
                + "else the system's library path).",
            valueName: "file"))
    var onnxruntime: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The person model file (default: \(SSDPersonNetwork.modelFile) in the models folder). Any SSD with the same inputs, outputs and anchors.",
            valueName: "file"))
    var personModel: String?

    /// The setup for `--detector`, with the model from the models folder. `configuredModels` and
    /// `configuredRuntime` come from a configuration file (the flags win).
    func setup(models: ModelOptions, configuredModels: String? = nil, configuredRuntime: String? = nil) throws -> DetectorSetup {
        var s = DetectorSetup.learned(
            modelsDirectory: try ColourNameModel.locateModelsDirectory(explicit: models.models ?? configuredModels),
            runtime: onnxruntime.map(absolute) ?? configuredRuntime,
            environment: ProcessInfo.processInfo.environment[RuntimeLocation.environmentVariable])
        s.kind = detector
        if let personModel { s.modelPath = absolute(personModel) }
        return s
    }
}

func absolute(_ path: String) -> String {
    let expanded = (path as NSString).expandingTildeInPath
    if expanded.hasPrefix("/") { return expanded }
    return (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(expanded)
}

enum LoggingBootstrap {
    nonisolated(unsafe) private static var done = false  // Set once from the main task before any logging.

    static func once(level: Logger.Level) {
        guard !done else { return }
        done = true
        LoggingSystem.bootstrap { label in
            var h = StreamLogHandler.standardError(label: label)
            h.logLevel = level
            return h
        }
    }
}

/// Prints rows as aligned columns (CJK characters count as two cells wide).
func printTable(_ header: [String], _ rows: [[String]]) {
    // Stored text may hold what an older version let through: never let it drive the terminal.
    let rows = rows.map { $0.map(PlainText.escaped) }
    func width(_ s: String) -> Int {
        s.unicodeScalars.reduce(0) { $0 + (($1.value >= 0x1100 && ($1.value <= 0x115F || ($1.value >= 0x2E80 && $1.value <= 0xA4CF) || ($1.value >= 0xAC00 && $1.value <= 0xD7A3) || ($1.value >= 0xF900 && $1.value <= 0xFAFF) || ($1.value >= 0xFF00 && $1.value <= 0xFF60))) ? 2 : 1) }
    }
    var widths = header.map(width)
    for r in rows {
        for (i, c) in r.enumerated() where i < widths.count { widths[i] = max(widths[i], width(c)) }
    }
    func line(_ cells: [String]) -> String {
        cells.enumerated().map { i, c in
            i == cells.count - 1 ? c : c + String(repeating: " ", count: widths[i] - width(c))
        }.joined(separator: "  ")
    }
    print(line(header))
    print(line(widths.map { String(repeating: "-", count: $0) }))
    for r in rows { print(line(r)) }
}

/// A time given on the command line: text that is not a time, or a time before 1990 or more than a
/// day ahead, is a usage error (exit 64) naming the option.
func parseTime(_ text: String, option: String) throws -> Date {
    do {
        return try TimeParsing.parse(text)
    } catch let e as KinfinderError {
        throw ValidationError("\(option): \(e.description)")
    }
}
