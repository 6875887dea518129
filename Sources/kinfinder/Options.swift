import ArgumentParser
import Foundation
import GridStore
import KinfinderCore
import Logging
import Matching

/// Options every command that touches the grid database shares.
struct StoreOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The grid database file (SQLite). Default: $KINFINDER_DATABASE, else ~/.local/share/kinfinder/grid.sqlite.",
            valueName: "path"))
    var database: String?

    @Flag(name: .shortAndLong, help: "Log what happens (info level) to standard error.")
    var verbose = false

    var databasePath: String {
        if let database { return absolute(database) }
        let env = ProcessInfo.processInfo.environment
        if let e = env["KINFINDER_DATABASE"], !e.isEmpty { return absolute(e) }
        let base = env["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (NSHomeDirectory() as NSString).appendingPathComponent(".local/share")
        return (base as NSString).appendingPathComponent("kinfinder/grid.sqlite")
    }

    /// The folder of the database: snapshots live under it.
    var dataDirectory: String { (databasePath as NSString).deletingLastPathComponent }

    func openStore() throws -> SQLiteGridStore {
        bootstrapLogging()
        return try SQLiteGridStore(path: databasePath)
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
