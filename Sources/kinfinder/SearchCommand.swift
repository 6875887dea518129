import ArgumentParser
import Foundation
import GridStore
import KinfinderCore
import Matching

struct Search: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Search the stored tracks of every camera for a report filed after the person was seen.",
        discussion: """
            Scores every track last seen since the report's last-seen time (minus 30 min) and prints the best, then
            the trajectory: the hits above the incident threshold in time order. With --raise those become
            incidents (one per sighting and camera, as live hits). --describe searches without a report.
            """)
    @OptionGroup var store: StoreOptions
    @OptionGroup var model: ModelOptions
    @Option(help: "The report to search for.") var report: Int64?
    @Option(help: "Search for a description instead (Chinese or English), e.g. \"穿红色上衣的小孩\".") var describe: String?
    @Option(help: "With --describe: tracks since this time (14:00, 20m, …). Default: the last 24 hours.") var since: String?
    @Option(help: "How many tracks to list.") var top = 10
    @Flag(help: "Raise incidents for the hits above the threshold (with --report).") var raise = false

    func validate() throws {
        guard (report == nil) != (describe == nil) else { throw ValidationError("give exactly one of --report ID or --describe TEXT") }
        if raise && report == nil { throw ValidationError("--raise needs --report") }
        guard (1...1000).contains(top) else { throw ValidationError("--top must be 1…1000") }
    }

    func run() async throws {
        let db = try store.openStore()
        let matcher = Matcher()
        var query: MissingPersonReport
        var from: Date? = nil
        if let id = report {
            guard let r = try await db.report(id: id) else { throw KinfinderError.invalidArgument("no report \(id) (kinfinder report list)") }
            query = r
        } else {
            let parsed = try ReportParser(model: try model.load()).parse(describe ?? "")
            guard !parsed.upper.isEmpty || !parsed.lower.isEmpty else {
                throw ValidationError("no clothing colour understood in the description")
            }
            query = MissingPersonReport(name: "search", ageGroup: parsed.ageGroup, heightCM: parsed.heightCM, upper: parsed.upper, lower: parsed.lower)
            from = try since.map { try TimeParsing.parse($0) } ?? Date().addingTimeInterval(-24 * 3600)
        }
        let hits = try await RetroSearch.search(query, in: db, since: from, limit: top, matcher: matcher)
        if hits.isEmpty {
            print("no stored tracks in the time window")
            return
        }
        func time(_ d: Date) -> String { String(TimeParsing.display(d).suffix(8)) }
        printTable(["RANK", "SCORE", "CAMERA", "CELL", "SEEN", "TRACK", "WHY"], hits.enumerated().map { i, h in
            ["\(i + 1)", String(format: "%.2f", h.score.total), h.track.cameraID, h.cellID,
             TimeParsing.display(h.track.firstSeenAt) + "–" + time(h.track.lastSeenAt), "\(h.track.id ?? 0)", h.score.explanation]
        })
        let path = RetroSearch.trajectory(hits, threshold: matcher.configuration.threshold)
        print("")
        if path.isEmpty {
            print("nobody above the incident threshold (\(matcher.configuration.threshold))")
        } else {
            print("trajectory: " + path.map { "\($0.track.cameraID) (\($0.cellID)) \(time($0.track.firstSeenAt)) \(String(format: "%.2f", $0.score.total))" }
                .joined(separator: " → "))
        }
        if raise {
            let raised = try await RetroSearch.raise(hits, for: query, in: db, threshold: matcher.configuration.threshold)
            print("\(raised.count) incident(s) raised" + (raised.isEmpty ? " (already raised or below the threshold)" : ": " + raised.map { "#\($0.id ?? 0)" }.joined(separator: " ")))
        }
    }
}
