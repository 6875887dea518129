import ArgumentParser
import DescriptorIndex
import Foundation
import GridStore
import KinfinderCore
import Matching

struct Search: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Search the stored tracks of every camera for a report filed after the person was seen.",
        discussion: """
            Scans every track last seen since the report's last-seen time (minus 30 min) in the descriptor index,
            ranks them by match × walking prior (could they have walked from the last-seen place to that camera in
            the time?), and prints the best, the trajectory (the chain of hits above the threshold one person could
            have walked, in time order) and where to look next (the same look on other cameras later). With --raise
            the hits above the threshold become incidents (one per sighting and camera, as live hits).
            --describe searches without a report. `kinfinder report add` runs this search by itself.
            """)
    @OptionGroup var store: StoreOptions
    @OptionGroup var model: ModelOptions
    @Option(help: "The report to search for.") var report: Int64?
    @Option(help: "Search for a description instead (Chinese or English), e.g. \"穿红色上衣的小孩\".") var describe: String?
    @Option(help: "Tracks since this time (14:00, 20m, …). Default: the report's last-seen time − 30 min; with --describe, 24 h.")
    var since: String?
    @Option(help: "With --describe: the grid cell where the person was last seen (for the walking prior).") var lastSeen: String?
    @Option(help: "How many tracks to list.") var top = 10
    @Flag(help: "Raise incidents for the hits above the threshold (with --report).") var raise = false
    @Flag(help: "Print the result as JSON.") var json = false

    func validate() throws {
        guard (report == nil) != (describe == nil) else { throw ValidationError("give exactly one of --report ID or --describe TEXT") }
        if raise && report == nil { throw ValidationError("--raise needs --report") }
        guard (1...1000).contains(top) else { throw ValidationError("--top must be 1…1000") }
    }

    func run() async throws {
        let db = try await store.openStore()
        var query: MissingPersonReport
        var from: Date? = try since.map { try parseTime($0, option: "--since") }
        if let id = report {
            guard let r = try await db.report(id: id) else { throw KinfinderError.invalidArgument("no report \(id) (kinfinder report list)") }
            query = r
        } else {
            let parsed = try readDescription(describe ?? "", model: try model.load())
            guard !parsed.upper.isEmpty || !parsed.lower.isEmpty else {
                throw ValidationError("no clothing colour understood in the description")
            }
            query = MissingPersonReport(name: "search", ageGroup: parsed.ageGroup, heightCM: parsed.heightCM, upper: parsed.upper, lower: parsed.lower)
            if let lastSeen {
                guard try await db.cell(id: lastSeen) != nil else { throw KinfinderError.unknownCell(lastSeen) }
                query.lastSeenCell = lastSeen
                query.lastSeenAt = from
            }
            from = from ?? Date().addingTimeInterval(-24 * 3600)
        }
        let search = try RetroSearch(store: db, dataDirectory: store.dataDirectory)
        let result = try await search.search(query, since: from, limit: top)
        var raised: [Incident] = []
        if raise { raised = try await search.raise(result.hits, for: query) }
        if json {
            try printJSON(result, raised: raised)
        } else {
            printRetroResult(result, threshold: search.matcher.configuration.threshold)
            if raise {
                print("\(raised.count) incident(s) raised" + (raised.isEmpty ? " (already raised or below the threshold)" : ": " + raised.map { "#\($0.id ?? 0)" }.joined(separator: " ")))
            }
        }
    }

    private func printJSON(_ r: RetroSearchResult, raised: [Incident]) throws {
        func hit(_ h: RetroHit) -> [String: Any] {
            var o: [String: Any] = [
                "track": h.track.id ?? 0, "camera": h.track.cameraID, "cell": h.cellID,
                "first_seen": TimeParsing.iso(h.track.firstSeenAt), "last_seen": TimeParsing.iso(h.track.lastSeenAt),
                "score": h.total, "match": h.score.total, "prior": h.prior, "why": h.alertNote + h.score.explanation,
            ]
            if let d = h.distance { o["distance_m"] = d }
            if let s = h.snapshotPath { o["snapshot"] = s }
            return o
        }
        let object: [String: Any] = [
            "hits": r.hits.map(hit), "trajectory": r.trajectory.map(hit),
            "next": r.next.map { ["track": $0.track.id ?? 0, "camera": $0.track.cameraID, "cell": $0.cellID,
                                  "first_seen": TimeParsing.iso($0.track.firstSeenAt), "similarity": $0.similarity, "prior": $0.prior] },
            "scanned": r.scanned, "scanned_bytes": r.scannedBytes, "indexed": r.indexed,
            "seconds": Double(r.elapsed.components.seconds) + Double(r.elapsed.components.attoseconds) / 1e18,
            "raised": raised.map { $0.id ?? 0 },
        ]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }
}

/// Prints a retro search's hits, trajectory and where to look next (search and report add).
func printRetroResult(_ result: RetroSearchResult, threshold: Double) {
    func time(_ d: Date) -> String { String(TimeParsing.display(d).suffix(8)) }
    let ms = Double(result.elapsed.components.attoseconds) / 1e15 + Double(result.elapsed.components.seconds) * 1000
    print(String(format: "searched %d stored tracks (%.1f MB) in %.0f ms", result.scanned, Double(result.scannedBytes) / 1e6, ms))
    if result.hits.isEmpty {
        print("no stored track in the time window could be the person")
        return
    }
    printTable(["RANK", "SCORE", "CONFIDENCE", "WALK", "CAMERA", "CELL", "SEEN", "TRACK", "SNAPSHOT", "WHY"], result.hits.enumerated().map { i, h in
        ["\(i + 1)", String(format: "%.2f", h.total), String(format: "%.2f", h.score.total),
         String(format: "%.2f", h.prior) + (h.distance.map { String(format: " (%.0f m)", $0) } ?? ""),
         h.track.cameraID, h.cellID, TimeParsing.display(h.track.firstSeenAt) + "–" + time(h.track.lastSeenAt),
         "\(h.track.id ?? 0)", h.snapshotPath ?? "-", h.alertNote + h.score.explanation]
    })
    print("")
    if result.trajectory.isEmpty {
        print("trajectory: nobody above the incident threshold (\(threshold))")
    } else {
        print("trajectory: " + result.trajectory.map { "\($0.cellID) \($0.track.cameraID) \(time($0.seenAt)) \(String(format: "%.2f", $0.total))" }
            .joined(separator: " → "))
    }
    if !result.next.isEmpty {
        print("look next: " + result.next.map {
            "\($0.cellID) \($0.track.cameraID) \(time($0.track.firstSeenAt)) (same look \(String(format: "%.2f", $0.similarity)), track \($0.track.id ?? 0))"
        }.joined(separator: "; "))
    }
}

struct Reindex: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rebuild the descriptor index (descriptors/ beside the database) from the stored tracks.",
        discussion: """
            The index is derived from the database and kept up to date by every search; rebuild it after restoring a
            database backup, after deleting tracks, or to compact it (a track saved twice has two records until then).
            --check only reads every record and counts those whose checksum fails.
            """)
    @OptionGroup var store: StoreOptions
    @Flag(help: "Verify every record's checksum instead of rebuilding.") var check = false

    func run() async throws {
        let db = try await store.openStore()
        let directory = DescriptorIndex.directory(inDataFolder: store.dataDirectory)
        let index: DescriptorIndex
        do {
            index = try DescriptorIndex(directory: directory)
        } catch IndexError.incompatible {
            if check { throw KinfinderError.invalidArgument("\(directory) holds an index in another format: run kinfinder reindex") }
            try FileManager.default.removeItem(atPath: directory)
            index = try DescriptorIndex(directory: directory)
        }
        if check {
            let (good, bad, files) = try index.verify()
            print("\(good) good record(s), \(bad) bad, in \(files) segment file(s) at \(directory)")
            if bad > 0 { throw ExitCode(1) }
            return
        }
        let start = ContinuousClock.now
        let tty = isatty(2) != 0
        let count = try await index.rebuild(from: db) { n in
            FileHandle.standardError.write(Data((tty ? "\r\u{1B}[Kindexed \(n) tracks" : "indexed \(n) tracks\n").utf8))
        }
        if tty && count > 0 { FileHandle.standardError.write(Data("\n".utf8)) }
        let elapsed = ContinuousClock.now - start
        print(String(format: "indexed %d track(s) in %.2f s at %@", count,
                     Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, directory))
    }
}
