import ArgumentParser
import Foundation
import Extraction
import KinfinderCore
import Synchronization

struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Throughput and accuracy beside the peers (FFmpeg decode-only, the OpenCV pipeline), on every sample clip.",
        discussion: """
            Runs, interleaved (A B C D E, A B C D E, …), on each clip: Kinfinder with the learned detector and with \
            the motion-only one (decode + extraction, scored against the ground truth), `ffmpeg -f null` decode-only \
            at full size and scaled to 640 wide, and the OpenCV peer (Benchmarks/peers, installed into its venv on \
            first use). Each in its own process so peak RSS is its own. Medians over --runs. Clips: \
            SampleClips/*.mp4, the real clips in ../shared/clips when present, and a 1080p clip derived from the \
            720p one with the ffmpeg CLI. Writes OUT/results.json and OUT/chart.png. Run from the repository root.
            """)
    @Option(help: "Runs per tool and clip (medians are reported).") var runs = 3
    @Option(help: ArgumentHelp("Results folder.", valueName: "dir")) var out = "bench-results"
    @Option(help: "Working width for Kinfinder and the OpenCV peer.") var width = 640
    @Flag(help: "Kinfinder and FFmpeg only (no OpenCV peer).") var noPeers = false
    @Flag(help: "Only the learned detector (not also the motion-only one).") var noMotion = false
    @Option(help: ArgumentHelp(
        "Scaling instead: up to N copies of the 720p@25 clip analysed at once in real time (1, 2, 4, … N); reports the largest N that keeps up.",
        valueName: "N"))
    var streams: Int?
    @Option(help: ArgumentHelp("With --streams: frames analysed per second per stream (0: every frame).", valueName: "fps"))
    var analysisFPS: Double = 5
    @Option(help: ArgumentHelp("With --streams: the detector of every stream.", valueName: "learned|motion"), transform: DetectorOptions.kind)
    var detector: DetectorKind = .learned
    @Option(help: ArgumentHelp("With --streams: the learned detector's budget per stream (crops_per_second: the most crops per second of video).", valueName: "n"))
    var cropsPerSecond: Double?
    @Argument(help: ArgumentHelp("Clips (default: all, see above).", valueName: "clip")) var clips: [String] = []

    func validate() throws {
        guard (1...20).contains(runs) else { throw ValidationError("--runs must be 1…20") }
        if let streams, !(1...64).contains(streams) { throw ValidationError("--streams must be 1…64") }
        guard (0...120).contains(analysisFPS) else { throw ValidationError("--analysis-fps must be 0…120") }
    }

    func run() async throws {
        let root = FileManager.default.currentDirectoryPath
        let outDir = absolute(out)
        try FileManager.default.createDirectory(atPath: outDir, withIntermediateDirectories: true)
        if let streams {
            try await StreamScaling(
                root: root, outDir: outDir, maximum: streams, clip: clips.first.map(absolute), analysisFPS: analysisFPS, detector: detector,
                cropsPerSecond: cropsPerSecond
            ).run()
            return
        }
        var list = clips.map(absolute)
        if list.isEmpty {
            list = try sampleClips(root: root) + [
                try derived(root: root, outDir: outDir, height: 480), try derived(root: root, outDir: outDir, height: 1080),
            ]
        }
        let python = (root as NSString).appendingPathComponent("Benchmarks/peers/.venv/bin/python")
        let peers = !noPeers
        if peers && !FileManager.default.isExecutableFile(atPath: python) {
            print("installing the OpenCV peer (Benchmarks/peers/install)…")
            guard try runTool("/bin/bash", [(root as NSString).appendingPathComponent("Benchmarks/peers/install")]).status == 0 else {
                throw KinfinderError.invalidArgument("Benchmarks/peers/install failed; run it by hand, or use --no-peers")
            }
        }
        let me = CommandLine.arguments[0].hasPrefix("/") ? CommandLine.arguments[0] : absolute(CommandLine.arguments[0])
        let tmp = (outDir as NSString).appendingPathComponent("tmp")
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)

        var results: [ClipResult] = []
        let steps = list.count * runs * (2 + (peers ? 1 : 0) + (noMotion ? 0 : 1))
        var step = 0
        func progress(_ what: String) {
            step += 1
            let f = Double(step) / Double(steps)
            let bar = String(repeating: "#", count: Int(f * 30)) + String(repeating: "-", count: 30 - Int(f * 30))
            FileHandle.standardError.write(Data("[\(bar)] \(step)/\(steps) \(what)\n".utf8))
        }
        for clip in list {
            let name = URL(fileURLWithPath: clip).lastPathComponent
            var r = ClipResult(clip: name)
            for run in 1...runs {
                for detector in noMotion ? ["learned"] : ["learned", "motion"] {
                    progress("\(name) kinfinder (\(detector)) run \(run)")
                    let json = (tmp as NSString).appendingPathComponent("kinfinder.json")
                    let k = try runTool(me, ["evaluate", clip, "--width", "\(width)", "--detector", detector, "--json", json])
                    guard k.status == 0 else { throw KinfinderError.invalidArgument("kinfinder evaluate \(name) --detector \(detector) failed: \(k.err)") }
                    let record = try JSONDecoder().decode([BenchRecord].self, from: Data(contentsOf: URL(fileURLWithPath: json)))[0]
                    if detector == "learned" { r.kinfinder.append(record) } else { r.motion.append(record) }
                }

                progress("\(name) ffmpeg decode-only run \(run)")
                r.ffmpegFull.append(try ffmpegDecode(clip, scale: nil))
                r.ffmpegScaled.append(try ffmpegDecode(clip, scale: width))

                if peers {
                    progress("\(name) OpenCV peer run \(run)")
                    let tracks = (tmp as NSString).appendingPathComponent("peer.json")
                    let p = try runTool(python, [
                        (root as NSString).appendingPathComponent("Benchmarks/peers/opencv_peer.py"), clip, "--width", "\(width)", "--out", tracks,
                    ])
                    guard p.status == 0 else { throw KinfinderError.invalidArgument("OpenCV peer failed on \(name): \(p.err)") }
                    let scored = (tmp as NSString).appendingPathComponent("peer-scored.json")
                    let s = try runTool(me, ["evaluate", clip, "--tracks", tracks, "--json", scored])
                    guard s.status == 0 else { throw KinfinderError.invalidArgument("scoring the peer on \(name) failed: \(s.err)") }
                    var rec = try JSONDecoder().decode([BenchRecord].self, from: Data(contentsOf: URL(fileURLWithPath: scored)))[0]
                    let peerJSON = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: tracks))) as? [String: Any]
                    rec.maxrssKiB = peerJSON?["maxrssKiB"] as? Int ?? 0
                    if let sec = peerJSON?["seconds"] as? [String: Any], let a = sec["analysis"] as? Double, let d = sec["decode"] as? Double {
                        let n = Double(max(1, rec.frames))
                        rec.detectMs = a * 1000 / n
                        rec.decodeMs = d * 1000 / n
                        rec.trackMs = 0
                        rec.describeMs = 0
                    }
                    r.opencv.append(rec)
                }
            }
            results.append(r)
        }
        let machine = machineDescription()
        let report = BenchReport(
            date: ISO8601DateFormatter().string(from: Date()), machine: machine, commit: gitCommit(root: root), runs: runs,
            width: width, clips: results.map { $0.summary })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let resultsPath = (outDir as NSString).appendingPathComponent("results.json")
        try encoder.encode(report).write(to: URL(fileURLWithPath: resultsPath))
        printReport(report)
        print("\nwrote \(resultsPath)")
        if peers {
            let chart = (outDir as NSString).appendingPathComponent("chart.png")
            let c = try runTool(python, [(root as NSString).appendingPathComponent("Benchmarks/chart.py"), resultsPath, chart])
            print(c.status == 0 ? "wrote \(chart)" : "chart failed: \(c.err)")
        }
    }

    private func sampleClips(root: String) throws -> [String] {
        var found: [String] = []
        let sample = (root as NSString).appendingPathComponent("SampleClips")
        for f in (try? FileManager.default.contentsOfDirectory(atPath: sample))?.sorted() ?? [] where f.hasSuffix(".mp4") {
            found.append((sample as NSString).appendingPathComponent(f))
        }
        guard !found.isEmpty else { throw KinfinderError.invalidArgument("no clips in \(sample): run bench from the repository root") }
        let shared = ((root as NSString).deletingLastPathComponent as NSString).appendingPathComponent("shared/clips")
        for f in (try? FileManager.default.contentsOfDirectory(atPath: shared))?.sorted() ?? [] where f.hasSuffix(".avi") || f.hasSuffix(".mp4") {
            found.append((shared as NSString).appendingPathComponent(f))
        }
        return found
    }

    /// A 480p or 1080p clip made from the 720p sample with the ffmpeg CLI (throughput only: no
    /// ground truth), to show how cost grows with resolution.
    private func derived(root: String, outDir: String, height: Int) throws -> String {
        let target = (outDir as NSString).appendingPathComponent("plaza-\(height).mp4")
        if FileManager.default.fileExists(atPath: target) { return target }
        FileHandle.standardError.write(Data("deriving a \(height)p clip from SampleClips/plaza-720.mp4…\n".utf8))
        let r = try runTool("/usr/bin/env", [
            "ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-i", (root as NSString).appendingPathComponent("SampleClips/plaza-720.mp4"),
            "-vf", "scale=-2:\(height):flags=lanczos", "-c:v", "libx264", "-preset", "medium", "-crf", "20", "-pix_fmt", "yuv420p", target,
        ])
        guard r.status == 0 else { throw KinfinderError.invalidArgument("ffmpeg could not derive the 1080p clip: \(r.err)") }
        return target
    }

    /// `ffmpeg -benchmark -i CLIP [-vf scale] -f null -`: frames per second and peak RSS.
    private func ffmpegDecode(_ clip: String, scale: Int?) throws -> BenchRecord.Decode {
        var args = ["ffmpeg", "-hide_banner", "-nostats", "-benchmark", "-i", clip, "-an"]
        if let scale { args += ["-vf", "scale='min(\(scale),iw)':-2"] }
        args += ["-f", "null", "-"]
        let r = try runTool("/usr/bin/env", args)
        guard r.status == 0 else { throw KinfinderError.invalidArgument("ffmpeg failed on \(clip): \(r.err)") }
        // "bench: utime=0.871s stime=0.060s rtime=0.513s" and "bench: maxrss=52360KiB"; frames from the last "frame=" line.
        func number(after key: String) -> Double? {
            guard let range = r.err.range(of: key, options: .backwards) else { return nil }
            let tail = r.err[range.upperBound...].drop { $0 == " " }
            return Double(tail.prefix { $0.isNumber || $0 == "." })
        }
        let rtime = number(after: "rtime=") ?? 0
        let frames = number(after: "frame=") ?? 0
        return BenchRecord.Decode(fps: rtime > 0 ? frames / rtime : 0, maxrssKiB: Int(number(after: "maxrss=") ?? 0), frames: Int(frames))
    }
}

/// Runs a tool, waits, returns its status and output (both pipes drained concurrently).
func runTool(_ path: String, _ args: [String]) throws -> (status: Int32, out: String, err: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: path)
    p.arguments = args
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let errData = Mutex(Data())
    let done = DispatchSemaphore(value: 0)
    let reader = Thread {
        let d = err.fileHandleForReading.readDataToEndOfFile()
        errData.withLock { $0 = d }
        done.signal()
    }
    reader.start()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    done.wait()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData.withLock { $0 }, as: UTF8.self))
}
