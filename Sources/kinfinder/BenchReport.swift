import Foundation

extension BenchRecord {
    /// One `ffmpeg -f null` run.
    struct Decode: Codable {
        var fps: Double
        var maxrssKiB: Int
        var frames: Int
    }
}

/// Every run of every tool on one clip.
struct ClipResult {
    var clip: String
    /// Kinfinder with the learned detector (the default), and with the motion-only one.
    var kinfinder: [BenchRecord] = []
    var motion: [BenchRecord] = []
    var opencv: [BenchRecord] = []
    var ffmpegFull: [BenchRecord.Decode] = []
    var ffmpegScaled: [BenchRecord.Decode] = []

    var summary: ClipSummary {
        ClipSummary(
            clip: clip, frames: kinfinder.first?.frames ?? 0,
            kinfinder: ToolSummary(kinfinder), motion: motion.isEmpty ? nil : ToolSummary(motion),
            opencv: opencv.isEmpty ? nil : ToolSummary(opencv),
            ffmpegDecodeFPS: median(ffmpegFull.map(\.fps)), ffmpegDecodeScaledFPS: median(ffmpegScaled.map(\.fps)),
            ffmpegMaxrssMiB: Double(ffmpegFull.map(\.maxrssKiB).max() ?? 0) / 1024)
    }
}

/// Medians of one tool's runs on one clip (accuracy is the same every run: taken from the first).
struct ToolSummary: Codable {
    var fps: Double
    var decodeMs: Double
    var analysisMs: Double
    var detectMs: Double
    var trackMs: Double
    var describeMs: Double
    /// The person network's share (learned detector), crops per frame, and CPU of every thread per frame.
    var networkMs: Double?
    var cropsPerFrame: Double?
    var cpuMs: Double?
    var maxrssMiB: Double
    var runsFPS: [Double]
    var accuracy: BenchRecord

    init(_ runs: [BenchRecord]) {
        fps = median(runs.map(\.fps))
        decodeMs = median(runs.map(\.decodeMs))
        detectMs = median(runs.map(\.detectMs))
        trackMs = median(runs.map(\.trackMs))
        describeMs = median(runs.map(\.describeMs))
        networkMs = runs.allSatisfy { $0.networkMs != nil } ? median(runs.compactMap(\.networkMs)) : nil
        cropsPerFrame = runs.first?.cropsPerFrame
        cpuMs = runs.allSatisfy { $0.cpuMsPerFrame != nil } ? median(runs.compactMap(\.cpuMsPerFrame)) : nil
        analysisMs = median(runs.map { $0.detectMs + ($0.networkMs ?? 0) + $0.trackMs + $0.describeMs })
        maxrssMiB = Double(runs.map(\.maxrssKiB).max() ?? 0) / 1024
        runsFPS = runs.map(\.fps)
        accuracy = runs[0]
    }
}

struct ClipSummary: Codable {
    var clip: String
    var frames: Int
    var kinfinder: ToolSummary
    var motion: ToolSummary?
    var opencv: ToolSummary?
    var ffmpegDecodeFPS: Double
    var ffmpegDecodeScaledFPS: Double
    var ffmpegMaxrssMiB: Double
}

struct BenchReport: Codable {
    var date: String
    var machine: String
    var commit: String
    var runs: Int
    var width: Int
    var clips: [ClipSummary]
}

func median(_ v: [Double]) -> Double {
    guard !v.isEmpty else { return 0 }
    let s = v.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

func machineDescription() -> String {
    let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
    let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }?.split(separator: ":").last
        .map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown CPU"
    return "\(model), \(ProcessInfo.processInfo.activeProcessorCount) cores"
}

func gitCommit(root: String) -> String {
    (try? runTool("/usr/bin/env", ["git", "-C", root, "rev-parse", "--short", "HEAD"]))?.out
        .trimmingCharacters(in: .whitespacesAndNewlines) ?? "unknown"
}

func printReport(_ r: BenchReport) {
    print("\nkinfinder bench — \(r.date), \(r.machine), commit \(r.commit), medians of \(r.runs) runs, working width \(r.width)\n")
    func f(_ v: Double?, _ format: String = "%.2f") -> String { v.map { String(format: format, $0) } ?? "-" }
    func pct(_ v: Double?) -> String { v.map { String(format: "%.0f%%", $0 * 100) } ?? "-" }
    var rows: [[String]] = []
    for c in r.clips {
        func row(_ clip: String, _ tool: String, _ k: ToolSummary, peer: Bool = false) -> [String] {
            let a = k.accuracy
            return [
                clip, tool, f(k.fps, "%.0f"), f(k.fps / max(1e-9, c.ffmpegDecodeFPS)), f(k.fps / max(1e-9, c.ffmpegDecodeScaledFPS)),
                peer ? "1.0×" : (c.opencv.map { f(k.fps / max(1e-9, $0.fps), "%.1f×") } ?? "-"),
                "\(f(k.decodeMs))/\(f(k.analysisMs))", k.networkMs.map { "\(f($0)) (\(f(k.cropsPerFrame)))" } ?? "-", f(k.cpuMs, "%.1f"),
                f(k.maxrssMiB, "%.0f"), f(a.f1), f(a.mota), f(a.idf1), "\(pct(a.upperColourAccuracy))/\(pct(a.lowerColourAccuracy))", pct(a.rank1),
            ]
        }
        rows.append(row(c.clip, "kinfinder (learned)", c.kinfinder))
        if let m = c.motion { rows.append(row("", "kinfinder (motion)", m)) }
        if let o = c.opencv { rows.append(row("", "opencv peer", o, peer: true)) }
        rows.append(["", "ffmpeg decode", f(c.ffmpegDecodeFPS, "%.0f"), "1.00", "", "", "", "", "", f(c.ffmpegMaxrssMiB, "%.0f"), "", "", "", "", ""])
        rows.append(["", "ffmpeg +scale", f(c.ffmpegDecodeScaledFPS, "%.0f"), "", "1.00", "", "", "", "", "", "", "", "", "", ""])
    }
    printTable(
        ["CLIP", "TOOL", "FPS", "×DECODE", "×DEC+SCALE", "×OPENCV", "MS/FRAME DEC/ANALYSIS", "NETWORK MS (CROPS)", "CPU MS", "RSS MiB",
         "DET F1", "MOTA", "IDF1", "COLOUR UP/LOW", "RANK-1"], rows)
}
