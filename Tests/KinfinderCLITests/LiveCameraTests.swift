import Foundation
import KinfinderTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

// `kinfinder run` against a real RTSP server (GStreamer's, scripts/rtsp-test-server) on loopback:
// real network, real FFmpeg RTSP client, real faults (server killed, stopped, wrong path, wrong
// password). `.ci/run` installs the server's Debian packages through scripts/install-deps.

/// Remuxed clips are cached here for every server the tests start.
let rtspCache = FileManager.default.temporaryDirectory.appendingPathComponent("kinfinder-rtsp-cache")

/// The RTSP test server as a child process.
final class RTSPServer {
    let port: Int
    private let process: Process
    private let arguments: [String]

    /// Starts the server and waits for its READY line. `port` 0 lets it pick a free port.
    init(mounts: [String: String], port: Int = 0, user: String? = nil, password: String? = nil) throws {
        var args = [repoRoot.appendingPathComponent("scripts/rtsp-test-server").path, "--port", "\(port)", "--cache-dir", rtspCache.path]
        for (name, clip) in mounts.sorted(by: { $0.key < $1.key }) { args += ["--mount", "\(name)=\(clip)"] }
        if let user, let password { args += ["--user", user, "--password", password] }
        arguments = args
        (process, self.port) = try Self.start(args)
    }

    private init(arguments: [String], port: Int) throws {
        self.arguments = arguments
        var args = arguments
        if let i = args.firstIndex(of: "--port") { args[i + 1] = "\(port)" }
        (process, self.port) = try Self.start(args)
    }

    private static func start(_ args: [String]) throws -> (Process, Int) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        p.arguments = args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        // The READY line, read byte by byte so nothing after it is consumed.
        var line = Data()
        let handle = out.fileHandleForReading
        while true {
            let byte = handle.readData(ofLength: 1)
            if byte.isEmpty || byte == Data("\n".utf8) { break }
            line.append(byte)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("READY "), let port = text.split(separator: ":").last.flatMap({ Int($0) }) else {
            p.terminate()
            throw TestFailure("the RTSP test server did not start (said '\(text)'); is python3-gi with GstRtspServer installed? Run scripts/install-deps")
        }
        return (p, port)
    }

    func url(_ mount: String, user: String? = nil, password: String? = nil) -> String {
        if let user, let password { return "rtsp://\(user):\(password)@127.0.0.1:\(port)/\(mount)" }
        return "rtsp://127.0.0.1:\(port)/\(mount)"
    }

    func kill9() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func pause() { kill(process.processIdentifier, SIGSTOP) }
    func resume() { kill(process.processIdentifier, SIGCONT) }

    /// A new server on the same port with the same mounts (after `kill9`).
    func restart() throws -> RTSPServer { try RTSPServer(arguments: arguments, port: port) }

    deinit {
        if process.isRunning {
            // SIGKILL: a child started from a test thread may inherit a mask that blocks SIGTERM.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// A `kinfinder run` process with its logs in a file (a pipe nobody reads would block it).
final class RunProcess {
    let process: Process
    let log: URL

    convenience init(config: URL, database: URL) throws {
        try self.init(arguments: ["run", "--config", config.path], logFolder: config.deletingLastPathComponent(), database: database.path)
    }

    /// `kinfinder ARGUMENTS` with `database` as $KINFINDER_DATABASE (when given), logging into a new file in `logFolder`.
    init(arguments: [String], logFolder: URL, database: String? = nil, logName: String = "run") throws {
        log = logFolder.appendingPathComponent("\(logName)-\(UUID().uuidString.prefix(6)).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process = Process()
        process.executableURL = binary
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        if let database { env["KINFINDER_DATABASE"] = database }
        env["KINFINDER_MODELS"] = repoRoot.appendingPathComponent("Models").path
        process.environment = env
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    var logText: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    func signal(_ s: Int32) { kill(process.processIdentifier, s) }

    func kill9() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM and wait; returns the exit status.
    func stop(timeout: Double = 20) -> Int32? {
        signal(SIGTERM)
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        guard !process.isRunning else {
            kill(process.processIdentifier, SIGKILL)
            return nil
        }
        return process.terminationStatus
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

/// One camera's status as `kinfinder cameras --json` prints it.
struct StatusView {
    var state: String
    var reason: String
    var framesAnalysed: Int
    var framesIn: Int
    var reconnects: Int
    var lagP99: Double?
    var framesSkipped: Int = 0
}

/// A data folder with the sample grid imported.
struct LiveWorkspace {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kinfinder-live-\(UUID().uuidString)")
    var db: URL { folder.appendingPathComponent("data/grid.sqlite") }

    init() throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let r = try kinfinder(["grid", "import", "SampleClips/grid.yaml"], database: db)
        guard r.status == 0 else { throw TestFailure("grid import failed: \(r.err)") }
    }

    func fileChildReport() throws {
        let r = try kinfinder(
            ["report", "add", "--name", "小明", "--describe", "红色上衣 蓝色裤子 小孩", "--last-seen", "XH-BS-DQ-01", "--at", "10m"],
            database: db)
        guard r.status == 0 else { throw TestFailure("report add failed: \(r.err)") }
    }

    /// Writes a configuration with these camera entries (YAML flow mappings).
    /// The tests of the stream's life (incidents, stalls, reconnects, reloads) use the motion detector:
    /// the debug build's learned detector on a loaded test machine would make their timings about
    /// CPU. `learnedDetectorLive` runs the default detector on a live feed.
    func config(
        _ cameras: [String],
        defaults: String = "{analysis_fps: 10, read_timeout: 2, open_timeout: 2, backoff_initial: 0.2, backoff_max: 1, detector: motion}"
    ) throws -> URL {
        let url = folder.appendingPathComponent("kinfinder-\(UUID().uuidString.prefix(6)).yaml")
        let text = "status_interval: 0.5\ndefaults: \(defaults)\ncameras:\n" + cameras.map { "  - \($0)\n" }.joined()
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    func statuses() throws -> [String: StatusView] {
        let r = try kinfinder(["cameras", "--json"], database: db)
        guard r.status == 0, let rows = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [[String: Any]] else {
            throw TestFailure("kinfinder cameras --json failed: \(r.err)")
        }
        var out: [String: StatusView] = [:]
        for row in rows {
            guard let cam = row["camera"] as? [String: Any], let id = cam["id"] as? String,
                let s = row["status"] as? [String: Any]
            else { continue }
            out[id] = StatusView(
                state: s["state"] as? String ?? "", reason: s["reason"] as? String ?? "",
                framesAnalysed: s["framesAnalysed"] as? Int ?? 0, framesIn: s["framesIn"] as? Int ?? 0,
                reconnects: s["reconnects"] as? Int ?? 0, lagP99: s["lagP99"] as? Double, framesSkipped: s["framesSkipped"] as? Int ?? 0)
        }
        return out
    }

    /// Tracks in the grid database, read by the `sqlite3` command as another process would.
    func storedTracks() throws -> Int {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        p.arguments = [db.path, "SELECT count(*) FROM track"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = Pipe()
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    func incidentCount() throws -> Int {
        let r = try kinfinder(["incidents", "--json"], database: db)
        return (try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [Any])?.count ?? -1
    }

    /// Polls until `condition` holds; returns the seconds it took, or nil after `timeout`.
    @discardableResult
    func waitFor(_ timeout: Double, every: Double = 0.2, _ condition: () throws -> Bool) rethrows -> Double? {
        let start = Date()
        while Date().timeIntervalSince(start) < timeout {
            if try condition() { return Date().timeIntervalSince(start) }
            Thread.sleep(forTimeInterval: every)
        }
        return nil
    }

    /// The RTSP test server with the gate clip, and `kinfinder run` on it (motion detector) with this
    /// read timeout, once it is live.
    func liveGate(readTimeout: Double) throws -> (RTSPServer, RunProcess) {
        let server = try RTSPServer(mounts: ["gate": gateClip])
        let run = try RunProcess(
            config: try config(
                ["{id: cam-gate, url: '\(server.url("gate"))', cell: XH-BS-DQ-01}"],
                defaults: "{analysis_fps: 10, read_timeout: \(readTimeout), open_timeout: 3, backoff_initial: 0.2, backoff_max: 1, detector: motion}"),
            database: db)
        #expect(try waitFor(20) { try statuses()["cam-gate"]?.state == "live" } != nil, "never live:\n\(run.logText)")
        return (server, run)
    }

    func cleanUp() { try? FileManager.default.removeItem(at: folder) }
}

/// The gate clip with its first frame held for `seconds` first, so the child appears that much
/// later in every session: time to break the connection before anyone is matched.
func delayedGateClip(seconds: Double) throws -> String {
    let out = rtspCache.appendingPathComponent("gate-delayed-\(Int(seconds)).mp4")
    if FileManager.default.fileExists(atPath: out.path) { return out.path }
    try FileManager.default.createDirectory(at: rtspCache, withIntermediateDirectories: true)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = [
        "ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-i", repoRoot.appendingPathComponent("SampleClips/scenic-gate-640.mp4").path,
        "-vf", "tpad=start_duration=\(seconds):start_mode=clone", "-c:v", "libx264", "-preset", "veryfast", "-g", "25",
        "-pix_fmt", "yuv420p", "-an", out.path + ".tmp.mp4",
    ]
    try p.run()
    p.waitUntilExit()
    guard p.terminationStatus == 0 else { throw TestFailure("ffmpeg could not make the delayed clip") }
    try FileManager.default.moveItem(atPath: out.path + ".tmp.mp4", toPath: out.path)
    return out.path
}

let gateClip = repoRoot.appendingPathComponent("SampleClips/scenic-gate-640.mp4").path
let plazaClip = repoRoot.appendingPathComponent("SampleClips/plaza-720.mp4").path

/// The suites that run in real time against deadlines (RTSP cameras, several hosts, the web console
/// watching a live incident) take their turn one after another: two at once on a 2-core machine
/// would measure the CPU, not Kinfinder.
@Suite("Real-time cameras", .serialized)
struct RealTimeSuites {}

extension RealTimeSuites {
@Suite("kinfinder run: live RTSP cameras against a real RTSP server", .serialized, .ownThread)
struct LiveCameraTests {
    @Test("an RTSP feed of the gate clip raises the child's incident, with health reported and a clean shutdown")
    func liveIncident() throws {
        let ws = try LiveWorkspace()
        defer { ws.cleanUp() }
        try ws.fileChildReport()
        let server = try RTSPServer(mounts: ["gate": gateClip])
        let run = try RunProcess(
            config: try ws.config(["{id: cam-gate, url: '\(server.url("gate"))', cell: XH-BS-DQ-01, analysis_fps: 0}"]),
            database: ws.db)
        // The server loops the clip, so the child walks past every 16 s; a loaded test machine running
        // the debug build may miss the first pass.
        let found = try ws.waitFor(90) { try ws.incidentCount() >= 1 }
        #expect(found != nil, "no incident from the live feed; log:\n\(run.logText)")
        try ws.waitFor(10) { (try ws.statuses()["cam-gate"]?.framesAnalysed ?? 0) > 25 }
        let s = try ws.statuses()["cam-gate"]
        #expect(s?.state == "live")
        #expect((s?.framesAnalysed ?? 0) > 25)
        // Bounded, not fast: the mailbox drops frames analysis cannot take, so lag never grows with the
        // run's length (a queue would be tens of seconds behind by now). How fast is the benchmark's
        // question (`bench --streams`, scripts/live-load), not a test's.
        #expect((s?.lagP99 ?? 1e9) < 5000, "capture → analysed lag p99 \(s?.lagP99 ?? -1) ms")
        #expect(run.stop() == 0, "graceful shutdown; log:\n\(run.logText)")
        #expect(try ws.statuses()["cam-gate"]?.state == "stopped")
        #expect(try ws.incidentCount() == 1)
    }

    @Test("the default (learned) detector on a live RTSP feed: the network is loaded, frames are analysed, people are stored as tracks")
    func learnedDetectorLive() throws {
        let ws = try LiveWorkspace()
        defer { ws.cleanUp() }
        let server = try RTSPServer(mounts: ["gate": gateClip])
        let run = try RunProcess(
            config: try ws.config(
                ["{id: cam-gate, url: '\(server.url("gate"))', cell: XH-BS-DQ-01}"],
                defaults: "{analysis_fps: 5, read_timeout: 2, open_timeout: 2}"),
            database: ws.db)
        #expect(try ws.waitFor(30) { try ws.statuses()["cam-gate"]?.state == "live" } != nil, "never live:\n\(run.logText)")
        #expect(run.logText.contains("detector=learned (ONNX Runtime"), "\(run.logText)")
        // Tracks are stored as people leave; the clip loops every 16 s. Generous for a loaded machine.
        let stored = try ws.waitFor(120, every: 1) { try ws.storedTracks() >= 2 }
        #expect(stored != nil, "no tracks stored from the live feed; log:\n\(run.logText)")
        #expect((try ws.statuses()["cam-gate"]?.framesAnalysed ?? 0) > 10)
        #expect(run.stop() == 0, "graceful shutdown; log:\n\(run.logText)")
    }

    @Test("server killed mid-stream: stalled within the timeout, live again within 5 s of the server's return, incident raised after")
    func serverKilled() throws {
        let ws = try LiveWorkspace()
        defer { ws.cleanUp() }
        try ws.fileChildReport()
        // The child appears 6 s into each session: the connection breaks long before that.
        let server = try RTSPServer(mounts: ["gate": try delayedGateClip(seconds: 6)])
        let run = try RunProcess(
            config: try ws.config(["{id: cam-gate, url: '\(server.url("gate"))', cell: XH-BS-DQ-01}"]), database: ws.db)
        #expect(try ws.waitFor(20) { try ws.statuses()["cam-gate"]?.state == "live" } != nil, "never live:\n\(run.logText)")
        Thread.sleep(forTimeInterval: 1)
        server.kill9()
        let stalledAfter = try ws.waitFor(10) { try ws.statuses()["cam-gate"].map { $0.state != "live" } ?? false }
        #expect(stalledAfter != nil && stalledAfter! <= 2.5, "read timeout 2 s; noticed after \(stalledAfter ?? -1) s")
        #expect(try ws.incidentCount() == 0, "the child is not in view before the kill")
        Thread.sleep(forTimeInterval: 2)
        let back = try server.restart()
        let liveAfter = try ws.waitFor(15) { try ws.statuses()["cam-gate"]?.state == "live" }
        #expect(liveAfter != nil && liveAfter! <= 5, "live again after \(liveAfter ?? -1) s; log:\n\(run.logText)")
        #expect((try ws.statuses()["cam-gate"]?.reconnects ?? 0) >= 1)
        #expect(try ws.waitFor(30) { try ws.incidentCount() == 1 } != nil, "incident after reconnect; log:\n\(run.logText)")
        print("server killed: not live after \(stalledAfter ?? -1) s; live \(liveAfter ?? -1) s after the server came back")
        _ = back
        #expect(run.stop() == 0)
    }

    @Test("server stopped (SIGSTOP, connection open but silent): the read timeout ends the session on time, live after SIGCONT")
    func serverStalls() throws {
        let ws = try LiveWorkspace()
        defer { ws.cleanUp() }
        let (server, run) = try ws.liveGate(readTimeout: 3)
        Thread.sleep(forTimeInterval: 1)
        server.pause()
        // "No frames" shows after 2 s whatever the timeout; the session itself must end when the
        // read timeout (3 s) runs out. FFmpeg's RTSP client returned queued packets at the first
        // deadline and waited a second timeout: the reconnection began after 6 s (issue 17, item 8).
        let timedOut = try ws.waitFor(12, every: 0.1) {
            guard let s = try ws.statuses()["cam-gate"] else { return false }
            return s.reconnects >= 1 || s.reason.contains("while reading")
        }
        #expect(timedOut != nil && timedOut! <= 4.5, "read timeout 3 s; the session ended after \(timedOut ?? -1) s; log:\n\(run.logText)")
        let s = try ws.statuses()["cam-gate"]
        #expect(s?.state == "stalled" || s?.state == "backing-off" || s?.state == "connecting", "\(String(describing: s))")
        // The decoder gives up on the silent connection and keeps trying (each attempt times out).
        #expect(try ws.waitFor(10) { (try ws.statuses()["cam-gate"]?.reconnects ?? 0) >= 1 } != nil)
        server.resume()
        let liveAfter = try ws.waitFor(15) { try ws.statuses()["cam-gate"]?.state == "live" }
        #expect(liveAfter != nil && liveAfter! <= 5, "live again \(liveAfter ?? -1) s after SIGCONT; log:\n\(run.logText)")
        print("server stopped: session ended \(timedOut ?? -1) s after SIGSTOP (read timeout 3 s); live \(liveAfter ?? -1) s after SIGCONT")
        #expect(run.stop() == 0)
    }

    @Test("a freeze shorter than the read timeout: the backlog sent after it is skipped, analysis jumps back to live")
    func shortFreezeJumpsToLive() throws {
        let ws = try LiveWorkspace()
        defer { ws.cleanUp() }
        let (server, run) = try ws.liveGate(readTimeout: 8)
        Thread.sleep(forTimeInterval: 3)
        let before = try #require(try ws.statuses()["cam-gate"])
        server.pause()
        Thread.sleep(forTimeInterval: 4)
        server.resume()
        // The server sends the 4 s it held back at once. Analysing it would put every frame 1–4 s
        // behind (lag p99 4.5 s, measured before); skipped, the analysed frames stay within a second.
        #expect(try ws.waitFor(10) { try ws.statuses()["cam-gate"].map { $0.state == "live" && $0.framesAnalysed > before.framesAnalysed + 20 } ?? false } != nil,
                "not analysing again:\n\(run.logText)")
        let after = try #require(try ws.statuses()["cam-gate"])
        #expect(after.reconnects == before.reconnects, "the same session goes on (the freeze was shorter than the read timeout)")
        #expect((after.lagP99 ?? 1e9) < 2500, "capture → analysed lag p99 \(after.lagP99 ?? -1) ms after the freeze")
        print("short freeze: \(after.framesSkipped - before.framesSkipped) frames skipped, lag p99 \(after.lagP99 ?? -1) ms")
        #expect(run.stop() == 0)
    }

    @Test("wrong path and wrong password fail with reasons a person can act on; the password never shows")
    func wrongPathAndCredentials() throws {
        let ws = try LiveWorkspace()
        defer { ws.cleanUp() }
        let server = try RTSPServer(mounts: ["gate": gateClip], user: "op", password: "Gate-Secret-7")
        let run = try RunProcess(
            config: try ws.config([
                "{id: cam-gate, url: '\(server.url("nothing-here"))', cell: XH-BS-DQ-01, username: op, password: Gate-Secret-7}",
                "{id: cam-plaza, url: '\(server.url("gate", user: "op", password: "Wrong-Pass-9"))', cell: XH-BS-DQ-02}",
            ]),
            database: ws.db)
        let settled = try ws.waitFor(20) {
            let s = try ws.statuses()
            return s["cam-gate"]?.state == "failed" && s["cam-plaza"]?.state == "failed"
        }
        let s = try ws.statuses()
        #expect(settled != nil, "\(s); log:\n\(run.logText)")
        #expect(s["cam-gate"]?.reason.contains("no stream at that path") == true, "\(s["cam-gate"]?.reason ?? "")")
        #expect(s["cam-plaza"]?.reason.contains("refused the credentials") == true, "\(s["cam-plaza"]?.reason ?? "")")
        let table = try kinfinder(["cameras"], database: ws.db).out + (try kinfinder(["camera", "list"], database: ws.db).out)
        #expect(run.stop() == 0)
        for secret in ["Gate-Secret-7", "Wrong-Pass-9"] {
            #expect(!run.logText.contains(secret), "password in the log")
            #expect(!table.contains(secret), "password in the camera tables")
        }
    }

    @Test("several cameras at once: one unreachable never disturbs the others; SIGHUP adds (over UDP) and removes cameras")
    func severalCamerasAndReload() throws {
        let ws = try LiveWorkspace()
        defer { ws.cleanUp() }
        let server = try RTSPServer(mounts: ["gate": gateClip, "gate2": gateClip, "plaza": plazaClip])
        let deadPort = { () -> Int in
            let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(s) }
            var a = sockaddr_in()
            a.sin_family = sa_family_t(AF_INET)
            a.sin_addr.s_addr = inet_addr("127.0.0.1")
            var len = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(s, $0, len) } }
            _ = withUnsafeMutablePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(s, $0, &len) } }
            return Int(UInt16(bigEndian: a.sin_port))
        }()
        let cams = [
            "{id: cam-gate, url: '\(server.url("gate"))', cell: XH-BS-DQ-01}",
            "{id: cam-plaza, url: '\(server.url("plaza"))', cell: XH-BS-DQ-02, roi: [0, 0.3, 1, 0.7]}",
            "{id: cam-dead, url: 'rtsp://127.0.0.1:\(deadPort)/x', cell: XH-BS-DQ-02}",
        ]
        let config = try ws.config(cams)
        let run = try RunProcess(config: config, database: ws.db)
        let ok = try ws.waitFor(20) {
            let s = try ws.statuses()
            return s["cam-gate"]?.state == "live" && s["cam-plaza"]?.state == "live"
                && (s["cam-dead"]?.reason.contains("unreachable") ?? false)
        }
        #expect(ok != nil, "\((try? ws.statuses()).map { "\($0)" } ?? ""); log:\n\(run.logText)")
        // Both keep analysing (waited for, not slept on: a loaded machine analyses fewer frames per second).
        let flowing = try ws.waitFor(20) {
            let s = try ws.statuses()
            return (s["cam-gate"]?.framesAnalysed ?? 0) > 20 && (s["cam-plaza"]?.framesAnalysed ?? 0) > 20
        }
        #expect(flowing != nil, "\((try? ws.statuses()).map { "\($0)" } ?? "")")
        var s = try ws.statuses()
        #expect(s["cam-gate"]?.reconnects == 0 && s["cam-plaza"]?.reconnects == 0, "the dead camera disturbed the others")
        // The dead camera cycles connecting → backing-off every second or so: wait for a status taken
        // while it waits, rather than reading whichever state the last write caught.
        let backingOff = try ws.waitFor(10) {
            let d = try ws.statuses()["cam-dead"]
            return d?.state == "backing-off" && (d?.reconnects ?? 0) >= 2
        }
        #expect(backingOff != nil, "\((try? ws.statuses()["cam-dead"]).map { "\($0)" } ?? "")")
        s = try ws.statuses()

        // Reload: cam-dead removed, cam-gate2 added, the others untouched.
        let gateBefore = s["cam-gate"]?.framesAnalysed ?? 0
        let text = try String(contentsOf: config, encoding: .utf8)
            .replacingOccurrences(of: "  - " + cams[2] + "\n", with: "  - {id: cam-gate2, url: '\(server.url("gate2"))', cell: XH-BS-DQ-01, transport: udp}\n")
        try text.write(to: config, atomically: true, encoding: .utf8)
        run.signal(SIGHUP)
        let reloaded = try ws.waitFor(15) {
            let s = try ws.statuses()
            return s["cam-gate2"]?.state == "live" && s["cam-dead"]?.state == "stopped"
        }
        s = try ws.statuses()
        #expect(reloaded != nil, "\(s); log:\n\(run.logText)")
        #expect(s["cam-gate"]?.state == "live" && s["cam-gate"]?.reconnects == 0 && (s["cam-gate"]?.framesAnalysed ?? 0) > gateBefore)
        #expect(run.stop() == 0)
        #expect(run.logText.contains("configuration reloaded"))
    }
}
}  // extension RealTimeSuites
