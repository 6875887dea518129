import Foundation
import Extraction
import KinfinderCore
#if canImport(Glibc)
import Glibc
#endif

/// `kinfinder bench --streams N`: N copies of a 720p@25 clip, each a camera of one `kinfinder run`
/// process, decoded at full rate and analysed at `analysisFPS` (0: every frame) with `detector`,
/// paced in real time by the clip's timestamps. A stream keeps up when it analyses ≥ 95 % of the
/// frames it should with capture → analysed lag p99 under 1 s. Tries 1, 2, 4, … N and reports the largest N where every stream keeps up, with the
/// process's CPU and peak RSS per stream.
struct StreamScaling {
    let root: String
    let outDir: String
    let maximum: Int
    let clip: String?
    let analysisFPS: Double
    let detector: DetectorKind
    /// The learned detector's base budget per stream (`crops_per_second:`), or its default.
    let cropsPerSecond: Double?

    struct Trial: Codable {
        var streams: Int
        var keptUp: Bool
        var minAnalysedShare: Double
        var worstLagP99Ms: Double
        var droppedFrames: Int
        var cpuPercent: Double
        var cpuPercentPerStream: Double
        var peakRSSMiB: Double
        var rssMiBPerStream: Double
    }

    func run() async throws {
        let source = clip ?? (root as NSString).appendingPathComponent("SampleClips/plaza-720.mp4")
        let me = CommandLine.arguments[0].hasPrefix("/") ? CommandLine.arguments[0] : absolute(CommandLine.arguments[0])
        var counts: [Int] = []
        var n = 1
        while n < maximum { counts.append(n); n *= 2 }
        counts.append(maximum)
        var trials: [Trial] = []
        for count in counts {
            FileHandle.standardError.write(Data(
                "streams: \(count) × \(URL(fileURLWithPath: source).lastPathComponent) in real time, \(detector.rawValue) detector, "
                    .appending(analysisFPS > 0 ? "\(analysisFPS) analysed frames/s…\n" : "every frame analysed…\n").utf8))
            let t = try trial(count, clip: source, me: me)
            trials.append(t)
            FileHandle.standardError.write(Data(String(
                format: "  %@: frames analysed ≥ %.0f%%, lag p99 ≤ %.0f ms, CPU %.0f%% (%.1f%% per stream), RSS %.0f MiB (%.1f per stream)\n",
                t.keptUp ? "kept up" : "FELL BEHIND", t.minAnalysedShare * 100, t.worstLagP99Ms, t.cpuPercent,
                t.cpuPercentPerStream, t.peakRSSMiB, t.rssMiBPerStream).utf8))
            if !t.keptUp { break }
        }
        let best = trials.filter(\.keptUp).map(\.streams).max() ?? 0
        var rows: [[String]] = []
        for t in trials {
            rows.append([
                "\(t.streams)", t.keptUp ? "yes" : "no", String(format: "%.0f%%", t.minAnalysedShare * 100), String(format: "%.0f", t.worstLagP99Ms),
                "\(t.droppedFrames)", String(format: "%.0f%%", t.cpuPercent), String(format: "%.1f%%", t.cpuPercentPerStream),
                String(format: "%.0f", t.peakRSSMiB), String(format: "%.1f", t.rssMiBPerStream),
            ])
        }
        print("")
        printTable(["STREAMS", "KEPT UP", "FRAMES ANALYSED (MIN)", "LAG P99 ms", "DROPPED", "CPU", "CPU/STREAM", "RSS MiB", "RSS/STREAM"], rows)
        print("\nlargest number of real-time streams that keeps up on this machine (\(machineDescription())), \(detector.rawValue) detector, "
            + (analysisFPS > 0 ? "\(analysisFPS) frames/s analysed: \(best)" : "every frame analysed: \(best)"))
        struct Out: Codable {
            var date: String
            var machine: String
            var clip: String
            var detector: String
            var analysisFPS: Double
            var largestKeepingUp: Int
            var trials: [Trial]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let path = (outDir as NSString).appendingPathComponent("streams.json")
        try encoder.encode(Out(
            date: ISO8601DateFormatter().string(from: Date()), machine: machineDescription(), clip: URL(fileURLWithPath: source).lastPathComponent,
            detector: detector.rawValue, analysisFPS: analysisFPS, largestKeepingUp: best, trials: trials)).write(to: URL(fileURLWithPath: path))
        print("wrote \(path)")
    }

    private func trial(_ count: Int, clip: String, me: String) throws -> Trial {
        let dir = (outDir as NSString).appendingPathComponent("streams-\(count)")
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let db = (dir as NSString).appendingPathComponent("grid.sqlite")
        var env = ProcessInfo.processInfo.environment
        env["KINFINDER_DATABASE"] = db
        let grid = (root as NSString).appendingPathComponent("SampleClips/grid.yaml")
        guard try runTool(me, ["grid", "import", grid, "--database", db]).status == 0 else {
            throw KinfinderError.invalidArgument("grid import failed for the scaling test")
        }
        let budget = cropsPerSecond.map { ", crops_per_second: \($0)" } ?? ""
        var yaml = "status_interval: 1\ndefaults: {analysis_fps: \(analysisFPS), detector: \(detector.rawValue)\(budget)}\ncameras:\n"
        for i in 0..<count { yaml += "  - {id: stream\(i), url: '\(clip)', cell: XH-BS-DQ-01}\n" }
        let config = (dir as NSString).appendingPathComponent("kinfinder.yaml")
        try yaml.write(toFile: config, atomically: true, encoding: .utf8)

        let p = Process()
        p.executableURL = URL(fileURLWithPath: me)
        p.arguments = ["run", "--config", config, "--database", db, "--quiet"]
        p.environment = env
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        let pid = p.processIdentifier
        let started = Date()
        var peakRSS = 0
        var cpuStart: Double?
        var cpuEnd = 0.0
        var cpuWindow = (start: Date(), end: Date())
        // Until every stream has reached the end of the clip (or 3 minutes).
        while Date().timeIntervalSince(started) < 180 {
            Thread.sleep(forTimeInterval: 1)
            if let (cpu, rss) = procStat(pid) {
                peakRSS = max(peakRSS, rss)
                if cpuStart == nil, Date().timeIntervalSince(started) >= 2 {
                    cpuStart = cpu
                    cpuWindow.start = Date()
                }
                cpuEnd = cpu
                cpuWindow.end = Date()
            }
            let statuses = try cameraStatuses(me: me, db: db)
            if statuses.count == count, statuses.allSatisfy({ ($0["state"] as? String) == "stopped" }) { break }
        }
        let statuses = try cameraStatuses(me: me, db: db)
        kill(pid, SIGTERM)
        p.waitUntilExit()
        let info = try? VideoInfoProbe(clip)
        // Frames each stream should analyse: all of them, or those `analysis_fps` lets through.
        let frames = Double(info?.frames ?? 1), fps = info?.fps ?? 25
        let expected = analysisFPS > 0 ? frames * min(1, analysisFPS / fps) : frames
        var minShare = 1.0, worstLag = 0.0, dropped = 0
        for s in statuses {
            minShare = min(minShare, Double(s["framesAnalysed"] as? Int ?? 0) / expected)
            worstLag = max(worstLag, s["lagP99"] as? Double ?? 0)
            dropped += s["framesDropped"] as? Int ?? 0
        }
        if statuses.count < count { minShare = 0 }
        let seconds = max(0.001, cpuWindow.end.timeIntervalSince(cpuWindow.start))
        let cpu = cpuStart.map { (cpuEnd - $0) / seconds * 100 } ?? 0
        let rssMiB = Double(peakRSS) / 1_048_576
        return Trial(
            streams: count, keptUp: minShare >= 0.95 && worstLag < 1000, minAnalysedShare: minShare, worstLagP99Ms: worstLag,
            droppedFrames: dropped, cpuPercent: cpu, cpuPercentPerStream: cpu / Double(count), peakRSSMiB: rssMiB,
            rssMiBPerStream: rssMiB / Double(count))
    }

    private func cameraStatuses(me: String, db: String) throws -> [[String: Any]] {
        let r = try runTool(me, ["cameras", "--json", "--database", db])
        let rows = (try? JSONSerialization.jsonObject(with: Data(r.out.utf8))) as? [[String: Any]] ?? []
        return rows.compactMap { $0["status"] as? [String: Any] }
    }

    /// CPU seconds (user + system) and resident bytes of a process, from /proc.
    private func procStat(_ pid: Int32) -> (Double, Int)? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 22, let ut = Double(fields[11]), let st = Double(fields[12]), let pages = Int(fields[21]) else { return nil }
        let tick = Double(sysconf(Int32(_SC_CLK_TCK)))
        return ((ut + st) / tick, pages * Int(sysconf(Int32(_SC_PAGESIZE))))
    }
}

/// Frame count and frame rate of a clip, from the container.
struct VideoInfoProbe {
    let frames: Int
    let fps: Double

    init(_ clip: String) throws {
        let r = try runTool("/usr/bin/env", [
            "ffprobe", "-v", "error", "-select_streams", "v:0", "-count_packets", "-show_entries", "stream=nb_read_packets,avg_frame_rate",
            "-of", "csv=p=0", clip,
        ])
        // "25/1,341"
        let fields = r.out.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ",")
        frames = fields.count > 1 ? Int(fields[1]) ?? 0 : 0
        let rate = fields.first?.split(separator: "/").compactMap { Double($0) } ?? []
        fps = rate.count == 2 && rate[1] > 0 ? rate[0] / rate[1] : 25
    }
}
