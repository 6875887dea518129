public import ArgumentParser
import Foundation
import GridStore
import KinfinderCore
import Matching

struct Incidents: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List incidents, newest first.")
    @OptionGroup var store: StoreOptions
    @Option(help: "open, acknowledged, resolved, false-alarm or case-closed.") var status: IncidentStatus?
    @Option(help: "Only this report.") var report: Int64?
    @Option(help: "Only this kind: match (a report's lead), danger-zone, child-alone, person-down or wandering.") var kind: IncidentKind?
    @Option(help: "Only this camera.") var camera: String?
    @Option(help: "Only this grid cell.") var cell: String?
    @Option(help: "Most rows to show.") var limit: Int = 100
    @Flag(help: "JSON output.") var json = false

    func run() async throws {
        let db = try await store.openStore()
        let list = try await db.incidents(IncidentFilter(status: status, kind: kind, reportID: report, cameraID: camera, cellID: cell, limit: limit))
        if json {
            let enc = JSONEncoder()
            enc.outputFormatting = [.prettyPrinted, .sortedKeys]
            enc.dateEncodingStrategy = .iso8601
            print(String(decoding: try enc.encode(list), as: UTF8.self))
            return
        }
        guard !list.isEmpty else {
            print("no incidents")
            return
        }
        printTable(["ID", "STATUS", "REPORT", "CAMERA", "CELL", "SEEN", "CONFIDENCE", "SNAPSHOT", "WHY"], list.map { i in
            ["\(i.id ?? 0)", i.status.rawValue, i.reportID.map { "\($0)" } ?? "alert: \(i.kind.rawValue)", i.cameraID, i.cellID,
             TimeParsing.display(i.seenAt), i.kind.hasReport ? String(format: "%.2f", i.score) : "-",
             i.snapshotPath.map { (store.dataDirectory as NSString).appendingPathComponent($0) } ?? "-", i.explanation]
        })
    }
}

struct IncidentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "incident", abstract: "Act on one incident.", subcommands: [Acknowledge.self, Resolve.self])

    struct Acknowledge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "ack", abstract: "A grid worker is on it.")
        @OptionGroup var store: StoreOptions
        @Argument var id: Int64
        @Option(help: "Who acknowledges (default: cli:$USER).") var by: String?
        func run() async throws {
            _ = try await store.openStore().acknowledge(incidentID: id, by: by ?? cliActor(), at: Date())
            print("incident \(id) acknowledged")
        }
    }

    struct Resolve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Close an incident: the person was found, or it was a false alarm.")
        @OptionGroup var store: StoreOptions
        @Argument var id: Int64
        @Flag(exclusivity: .exclusive) var outcome: Outcome = .found
        enum Outcome: String, EnumerableFlag { case found, falseAlarm }
        @Option(help: "Who closes it (default: cli:$USER).") var by: String?
        @Option(help: "What happened.") var note: String = ""
        func run() async throws {
            let db = try await store.openStore()
            guard outcome == .found else {
                _ = try await db.resolve(incidentID: id, outcome: .falseAlarm, by: by ?? cliActor(), note: note, at: Date())
                return print("incident \(id) closed: false alarm")
            }
            // A behaviour alert has no report: it closes alone.
            if let i = try await db.incident(id: id), !i.kind.hasReport {
                _ = try await db.resolve(incidentID: id, outcome: .resolved, by: by ?? cliActor(), note: note, at: Date())
                return print("incident \(id) resolved: \(i.kind.rawValue) alert handled")
            }
            // Found ends the case: the report and its other leads close with this one.
            let closed = try await db.closeCase(foundBy: id, by: by ?? cliActor(), note: note, at: Date())
            print("incident \(id) resolved: found; " + caseClosedLine(closed))
        }
    }
}

extension IncidentStatus: ExpressibleByArgument {}
extension IncidentKind: ExpressibleByArgument {}

/// "report 3 found in XH-BS-DQ-01; 2 other leads closed (#5, #6)".
func caseClosedLine(_ closed: CaseClosed) -> String {
    let c = closed.closure, n = closed.closedIncidentIDs.count
    let leads = n == 0 ? "no other lead was open" : "\(n) other lead\(n == 1 ? "" : "s") closed (\(closed.closedIncidentIDs.map { "#\($0)" }.joined(separator: ", ")))"
    return "report \(c.reportID) \(c.outcome.rawValue)\(c.foundCellID.map { " in \($0)" } ?? ""); \(leads)"
}

/// Who a command-line action is recorded as.
func cliActor() -> String { "cli:" + (ProcessInfo.processInfo.environment["USER"] ?? "unknown") }
