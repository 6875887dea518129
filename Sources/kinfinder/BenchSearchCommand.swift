import ArgumentParser
import DescriptorIndex
import Foundation
import GridStore
import KinfinderCore
import Matching
import Detection
import Description

struct BenchSearch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-search",
        abstract: "Retro-search scale benchmark: fill descriptor indexes with synthetic tracks and time report → top 50.",
        discussion: """
            For each size, writes that many synthetic descriptors (clothing colour mixes as seen in street footage,
            200 cameras over a 3 × 3 km area, 7 days) into <dir>/<size>/ (kept for the next run), then a separate
            process runs the queries on the whole store — random reports with a last-seen place and time, so the walking
            prior is computed for every record — and reports latency, scan rate and peak memory beside the machine's
            memory read bandwidth. Rescoring the 50 results from SQLite rows is not included (about 1 ms).
            """)
    @Option(help: "Store sizes, comma-separated (1M, 10M, 250k or plain numbers).") var records = "1M,10M"
    @Option(help: "Where the synthetic indexes go.") var dir = "bench-results/search"
    @Option(help: "Queries per size.") var queries = 20
    @Option(help: "Scan threads (default: all cores).") var threads: Int?
    @Option(name: .customLong("query-only"), help: .hidden) var queryOnly: String?

    func validate() throws {
        guard (1...1000).contains(queries) else { throw ValidationError("--queries must be 1…1000") }
        _ = try sizes()
    }

    func sizes() throws -> [Int] {
        try records.split(separator: ",").map { part in
            let text = part.trimmingCharacters(in: .whitespaces).lowercased()
            var multiplier = 1.0
            var number = Substring(text)
            if text.hasSuffix("m") { multiplier = 1e6; number = number.dropLast() }
            if text.hasSuffix("k") { multiplier = 1e3; number = number.dropLast() }
            guard let v = Double(number), v >= 1, v * multiplier <= 100e6 else {
                throw ValidationError("--records: '\(part)' is not a size from 1 to 100M")
            }
            return Int(v * multiplier)
        }
    }

    func run() async throws {
        if let queryOnly { return try queryPhase(directory: queryOnly) }
        print("memory read bandwidth (\(threads ?? ProcessInfo.processInfo.activeProcessorCount) threads): measuring…")
        let bandwidth = Bandwidth.read(threads: threads ?? ProcessInfo.processInfo.activeProcessorCount)
        print(String(format: "memory read bandwidth: %.1f GB/s", bandwidth / 1e9))
        var rows: [[String]] = []
        for size in try sizes() {
            let directory = (dir as NSString).appendingPathComponent("\(size)")
            try await SyntheticStore.fill(directory: directory, records: size)
            var args = ["bench-search", "--query-only", directory, "--queries", "\(queries)"]
            if let threads { args += ["--threads", "\(threads)"] }
            let r = try runTool(CommandLine.arguments[0], args)
            guard r.status == 0, let data = r.out.data(using: .utf8),
                let o = try JSONSerialization.jsonObject(with: data) as? [String: Any],
                let p50 = o["p50_ms"] as? Double, let p95 = o["p95_ms"] as? Double, let max = o["max_ms"] as? Double,
                let bytes = o["bytes"] as? Double, let rss = o["rss_mib"] as? Double, let first = o["first_ms"] as? Double,
                let scan = o["scan_p50_ms"] as? Double
            else {
                throw KinfinderError.invalidArgument("query phase failed (\(r.status)): \(r.err.suffix(500))")
            }
            let rate = bytes / (scan / 1000)
            rows.append([
                "\(size)", String(format: "%.0f MB", bytes / 1e6), String(format: "%.0f", first), String(format: "%.0f", p50),
                String(format: "%.0f", scan),
                String(format: "%.0f", p95), String(format: "%.0f", max), String(format: "%.1f GB/s", rate / 1e9),
                String(format: "%.0f %%", rate / bandwidth * 100), String(format: "%.0f", rss),
            ])
        }
        print("")
        print("P50/P95/MAX: report → top 50, mapping the segments included; SCAN: the scan alone; SCAN RATE: store bytes ÷ scan time.")
        printTable(["RECORDS", "STORE", "FIRST ms", "P50 ms", "SCAN P50 ms", "P95 ms", "MAX ms", "SCAN RATE", "OF BANDWIDTH", "PEAK RSS MiB"], rows)
    }

    /// Runs the queries on one store; prints JSON.
    private func queryPhase(directory: String) throws {
        let index = try DescriptorIndex(directory: directory)
        var rng = SyntheticStore.Random(seed: 2026)
        let cameras = SyntheticStore.cameras(in: &rng)
        var latencies: [Double] = []
        var scans: [Double] = []
        var bytes = 0
        let t = threads ?? ProcessInfo.processInfo.activeProcessorCount
        let reach = Reachability()
        for q in 0..<queries {
            var r = SyntheticStore.Random(seed: UInt64(1000 + q))
            let report = SyntheticStore.report(&r)
            let origin = cameras[Int(r.next() % UInt64(cameras.count))]
            let start = ContinuousClock.now
            let snapshot = try index.snapshot()
            let numbers = snapshot.cameras.compactMap { Int($0.dropFirst(3)) }
            let paths: [Double?] = numbers.map { reach.pathMetres(straightLine: origin.distance(to: cameras[$0])) }
            let query = ScanQuery(report: report, matcher: Matcher(), reachability: reach, from: .distantPast, pathMetres: paths)
            let scanStart = ContinuousClock.now
            let hits = snapshot.scan(query, limit: 50, threads: t)
            let end = ContinuousClock.now
            func ms(_ d: Duration) -> Double { (Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18) * 1000 }
            latencies.append(ms(end - start))
            scans.append(ms(end - scanStart))
            bytes = snapshot.bytes
            precondition(hits.count == 50, "fewer than 50 hits")
        }
        let first = latencies[0]
        let sorted = latencies.sorted()
        func pct(_ p: Double) -> Double { sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))] }
        let object: [String: Any] = [
            "first_ms": first, "p50_ms": pct(0.5), "p95_ms": pct(0.95), "max_ms": sorted.last!, "bytes": Double(bytes),
            "rss_mib": Double(peakResidentKiB()) / 1024, "scan_p50_ms": scans.sorted()[scans.count / 2],
        ]
        print(String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self))
    }
}

/// Synthetic track descriptors with realistic clothing colours, for the scale benchmark.
enum SyntheticStore {
    struct Random {
        var state: UInt64
        init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 | 1 }
        mutating func next() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
        mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
        mutating func normal(_ mean: Double, _ sd: Double) -> Double {
            let u = max(1e-12, unit()), v = unit()
            return mean + sd * (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
        }
        mutating func pick(_ weights: [Double]) -> Int {
            var x = unit() * weights.reduce(0, +)
            for (i, w) in weights.enumerated() {
                x -= w
                if x < 0 { return i }
            }
            return weights.count - 1
        }
    }

    // Main garment colour shares by bin (red, orange, yellow, green, cyan, blue, purple, pink, brown, black, white, grey),
    // roughly as in street footage: dark tops and blue/black trousers dominate.
    static let upperColours: [Double] = [7, 3, 4, 5, 3, 12, 3, 4, 5, 25, 15, 14]
    static let lowerColours: [Double] = [2, 1, 1, 2, 1, 25, 1, 1, 8, 40, 6, 12]

    static let origin = GeoPoint(latitude: 30.2500, longitude: 120.1500)!
    static let cameraCount = 200
    static let days = 7.0
    static let start = Date(timeIntervalSince1970: 1_795_000_000)

    static func cameras(in rng: inout Random) -> [GeoPoint] {
        (0..<cameraCount).map { _ in origin.offset(east: rng.unit() * 3000, north: rng.unit() * 3000) }
    }

    static func histogram(_ rng: inout Random, main weights: [Double]) -> SIMD16<UInt8> {
        var shares = [Double](repeating: 0, count: 12)
        let main = rng.pick(weights)
        shares[main] += 0.4 + rng.unit() * 0.35
        // Lighting pulls part of it to a neighbour (black↔grey↔white, blue↔cyan, red↔pink/orange).
        let neighbours: [[Int]] = [[7, 1], [2, 8], [1, 10], [4, 11], [5, 3], [4, 9], [7, 9], [0, 10], [1, 9], [11, 5], [11, 2], [9, 10]]
        shares[neighbours[main][Int(rng.next() % 2)]] += rng.unit() * 0.15
        // Skin, hair, background bleeding in.
        shares[8] += rng.unit() * 0.1
        shares[1] += rng.unit() * 0.05
        shares[Int(rng.next() % 12)] += rng.unit() * 0.1
        let total = shares.reduce(0, +)
        var v = SIMD16<UInt8>.zero
        for i in 0..<12 { v[i] = UInt8(clamping: Int((shares[i] / total * 255).rounded())) }
        return v
    }

    static func record(_ rng: inout Random, id: Int64) -> DescriptorRecord {
        let child = rng.unit() < 0.1
        let relative: UInt8 = rng.unit() < 0.15 ? 0 : UInt8(clamping: Int((child ? rng.normal(0.68, 0.08) : rng.normal(1.0, 0.07)) * 100))
        let duration = UInt32(2000 + rng.next() % 30_000)
        let last = Int64(start.timeIntervalSince1970 * 1000) + Int64(rng.unit() * days * 86_400_000)
        return DescriptorRecord(
            upper: histogram(&rng, main: upperColours), upperPixels: UInt16(50 + rng.next() % 3000),
            lower: histogram(&rng, main: lowerColours), lowerPixels: UInt16(30 + rng.next() % 2000),
            lowerVisibility: UInt8(80 + rng.next() % 176), relativeHeight: max(relative, relative == 0 ? 0 : 1),
            speed: UInt8(rng.next() % 60), heading: UInt8(truncatingIfNeeded: rng.next()), trackID: id, lastSeenMS: last,
            durationMS: duration, bestOffsetMS: duration / 2, camera: UInt16(rng.next() % UInt64(cameraCount)))
    }

    static func report(_ rng: inout Random) -> MissingPersonReport {
        let colours = ColourName.allCases
        let age = [AgeGroup.child, .adult, .elderly][Int(rng.next() % 3)]
        let lost = start.addingTimeInterval(rng.unit() * days * 86_400)
        return MissingPersonReport(
            name: "synthetic", ageGroup: age, upper: [colours[rng.pick(upperColours)]], lower: [colours[rng.pick(lowerColours)]],
            lastSeenAt: lost)
    }

    /// Writes `records` synthetic descriptors into the index at `directory` unless it already holds them.
    static func fill(directory: String, records: Int) async throws {
        let index = try DescriptorIndex(directory: directory)
        let have = try index.snapshot().recordCount
        if have == records {
            print("\(records) records: reusing \(directory)")
            return
        }
        if have > 0 {
            try FileManager.default.removeItem(atPath: directory)
            return try await fill(directory: directory, records: records)
        }
        let numbers = try await index.cameraNumbers(for: (0..<cameraCount).map { "cam\($0)" })
        precondition(numbers == (0..<cameraCount).map { UInt16($0) })
        var rng = Random(seed: UInt64(records))
        let chunk = 1_000_000
        let start = ContinuousClock.now
        var written = 0
        while written < records {
            let n = min(chunk, records - written)
            let batch = (0..<n).map { i in record(&rng, id: Int64(written + i + 1)) }
            try await index.append(records: batch)
            written += n
            FileHandle.standardError.write(Data("\(records) records: written \(written)\n".utf8))
        }
        let d = (ContinuousClock.now - start).components
        print(String(format: "%d records: generated in %.1f s", records, Double(d.seconds) + Double(d.attoseconds) / 1e18))
    }
}
