import ArgumentParser
import Foundation
import GridStore
import Logging
import Matching
import Detection
import Description

/// `kinfinder bench-store`: write throughput and latency of the grid database engine, for the two
/// writes ingest hosts make: track descriptors (one per person per camera) and incidents.
struct BenchStore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-store",
        abstract: "Measure track-descriptor and incident writes (throughput, p50/p99) on SQLite or PostgreSQL.",
        discussion: """
            Concurrent writers (as camera pipelines are) save new tracks, then raise one incident per
            track. With --database PATH it uses a new SQLite file there; with a postgres:// URL it
            writes into that database (use a scratch one: it adds a bench grid, cameras and rows).
            Without --database it uses a new SQLite file in a temporary folder.
            scripts/bench-store runs both engines side by side on a throw-away PostgreSQL server.
            """)
    @Option(help: ArgumentHelp("SQLite file (new) or postgres:// URL.", valueName: "path|url")) var database: String?
    @Option(help: "Concurrent writers.") var writers = 8
    @Option(help: "Tracks (and incidents) each writer writes.") var count = 250
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        guard (1...256).contains(writers) else { throw ValidationError("--writers: 1 to 256") }
        guard (1...1_000_000).contains(count) else { throw ValidationError("--count: 1 to 1000000") }
    }

    func run() async throws {
        LoggingBootstrap.once(level: .warning)
        let location: String
        var engine = "sqlite"
        if let database, PostgresGridStore.handles(database) {
            location = database
            engine = "postgres"
        } else if let database {
            location = absolute(database)
            guard !FileManager.default.fileExists(atPath: location) else {
                throw ValidationError("--database \(location) exists; bench-store writes into a new file")
            }
        } else {
            location = FileManager.default.temporaryDirectory.appendingPathComponent("kinfinder-bench-store-\(UUID().uuidString)/grid.sqlite").path
        }
        let store: any GridStore = engine == "postgres" ? try await PostgresGridStore.connect(url: location) : try SQLiteGridStore(path: location)
        defer { if engine == "sqlite" && database == nil { try? FileManager.default.removeItem(atPath: (location as NSString).deletingLastPathComponent) } }

        let tag = String(UUID().uuidString.prefix(6))
        try await store.upsertCells([
            GridCell(id: "bench-d", name: "bench", level: .district), GridCell(id: "bench-s", name: "bench", level: .street, parentID: "bench-d"),
            GridCell(id: "bench-c", name: "bench", level: .community, parentID: "bench-s"),
            GridCell(id: "bench-m", name: "bench", level: .microGrid, parentID: "bench-c"),
        ])
        for w in 0..<writers { try await store.upsertCamera(Camera(id: "bench-\(tag)-\(w)", name: "bench", cellID: "bench-m")) }
        let report = try await store.addReport(MissingPersonReport(name: "bench", ageGroup: .child, upper: [.red], lower: [.blue]))
        guard let reportID = report.id else { throw ValidationError("the store returned a report without id") }

        let n = count
        func descriptor(_ i: Int) -> TrackDescriptor {
            var up = SIMD16<Float>.zero, low = SIMD16<Float>.zero
            up[i % 12] = 0.7
            up[(i + 3) % 12] = 0.3
            low[(i + 5) % 12] = 1
            return TrackDescriptor(
                trackID: i, firstSeen: Double(i), lastSeen: Double(i) + 4, upper: ColourHistogram(bins: up, pixels: 900),
                lower: ColourHistogram(bins: low, pixels: 700), lowerVisibility: 0.8, heightPixels: 120, heightFraction: 0.3,
                relativeHeight: 0.7, speed: 1.1, heading: 90, loiterSeconds: 0, observations: 40,
                bestBox: Box(x: 10, y: 10, width: 40, height: 120), bestTime: Double(i) + 2)
        }
        let t0 = Date()

        // Phase 1: track descriptors.
        let trackStart = ContinuousClock.now
        let saved = try await withThrowingTaskGroup(of: ([Double], [Int64]).self) { group in
            for w in 0..<writers {
                group.addTask {
                    var lat: [Double] = [], ids: [Int64] = []
                    for i in 0..<n {
                        let start = ContinuousClock.now
                        let t = try await store.saveTrack(StoredTrack(
                            cameraID: "bench-\(tag)-\(w)", runID: "bench-\(tag)", firstSeenAt: t0, lastSeenAt: t0.addingTimeInterval(4),
                            descriptor: descriptor(i)))
                        lat.append(Self.ms(ContinuousClock.now - start))
                        ids.append(t.id ?? -1)
                    }
                    return (lat, ids)
                }
            }
            return try await group.reduce(into: [(lat: [Double], ids: [Int64])]()) { $0.append(($1.0, $1.1)) }
        }
        let trackWall = Self.ms(ContinuousClock.now - trackStart) / 1000

        // Phase 2: incidents, one per track (window 0: every one is inserted).
        let incidentStart = ContinuousClock.now
        let incidentLatencies = try await withThrowingTaskGroup(of: [Double].self) { group in
            for (w, part) in saved.enumerated() {
                group.addTask {
                    var lat: [Double] = []
                    for (i, id) in part.ids.enumerated() {
                        let start = ContinuousClock.now
                        _ = try await store.raiseIncident(
                            Incident(reportID: reportID, trackID: id, cameraID: "bench-\(tag)-\(w)", cellID: "bench-m",
                                     seenAt: t0.addingTimeInterval(Double(i)), score: 0.8),
                            sightingWindow: 0, fence: nil)
                        lat.append(Self.ms(ContinuousClock.now - start))
                    }
                    return lat
                }
            }
            return try await group.reduce(into: [Double]()) { $0 += $1 }
        }
        let incidentWall = Self.ms(ContinuousClock.now - incidentStart) / 1000

        let rows = [
            Self.summary("track descriptors", saved.flatMap(\.lat), wall: trackWall),
            Self.summary("incidents", incidentLatencies, wall: incidentWall),
        ]
        if json {
            let out: [String: Any] = ["engine": engine, "writers": writers, "per_writer": count, "results": rows]
            print(String(decoding: try JSONSerialization.data(withJSONObject: out, options: [.sortedKeys]), as: UTF8.self))
        } else {
            print("engine \(engine), \(writers) writers × \(count) writes")
            printTable(
                ["write", "count", "writes/s", "p50 ms", "p99 ms", "max ms"],
                rows.map { r in
                    [r["write"] as! String, "\(r["count"] as! Int)", String(format: "%.0f", r["per_second"] as! Double),
                     String(format: "%.2f", r["p50_ms"] as! Double), String(format: "%.2f", r["p99_ms"] as! Double),
                     String(format: "%.2f", r["max_ms"] as! Double)]
                })
        }
    }

    private static func ms(_ d: Duration) -> Double {
        Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
    }

    private static func summary(_ name: String, _ latencies: [Double], wall: Double) -> [String: Any] {
        let sorted = latencies.sorted()
        func pct(_ p: Double) -> Double { sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
        return ["write": name, "count": sorted.count, "per_second": wall > 0 ? Double(sorted.count) / wall : 0,
                "p50_ms": pct(0.5), "p99_ms": pct(0.99), "max_ms": sorted.last ?? 0]
    }
}
