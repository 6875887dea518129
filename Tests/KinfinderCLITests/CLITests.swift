import Foundation
import KinfinderTestSupport
import Testing

let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The built `kinfinder` binary, next to the test bundle.
var binary: URL {
    let dir = Bundle.main.executableURL?.deletingLastPathComponent()
        ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    return dir.appendingPathComponent("kinfinder")
}

struct Run {
    var status: Int32
    var out: String
    var err: String
}

/// Starts the binary with a private database, from the repo root, with its output piped.
func launch(_ args: [String], database: URL, stdin: String? = nil, environment: [String: String] = [:]) throws -> (process: Process, out: Pipe, err: Pipe) {
    let p = Process()
    p.executableURL = binary
    p.arguments = args
    var env = ProcessInfo.processInfo.environment
    env["KINFINDER_DATABASE"] = database.path
    env["KINFINDER_MODELS"] = repoRoot.appendingPathComponent("Models").path
    env.merge(environment) { $1 }
    p.environment = env
    p.currentDirectoryURL = repoRoot
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    if let stdin {
        let input = Pipe()
        p.standardInput = input
        try p.run()
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
    } else {
        try p.run()
    }
    return (p, out, err)
}

/// Runs the binary with a private database and returns its exit status and output.
/// `watch` is a batch job: it runs at lower priority (nice 10), as an offline job beside live cameras
/// would, so the suites that analyse in real time keep their share of a loaded test machine.
func kinfinder(_ args: [String], database: URL, environment: [String: String] = [:]) throws -> Run {
    let (p, out, err) = try launch(args, database: database, environment: environment)
    if args.first == "watch" { _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), id_t(p.processIdentifier), 10) }
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return Run(status: p.terminationStatus, out: String(decoding: o, as: UTF8.self), err: String(decoding: e, as: UTF8.self))
}

@Suite("kinfinder command line", .serialized, .ownThread)
struct CLITests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kinfinder-cli-\(UUID().uuidString)")
    var db: URL { folder.appendingPathComponent("data/grid.sqlite") }

    @Test("the README's main job: grid import, report, watch, incidents")
    func mainJob() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        var r = try kinfinder(["grid", "import", "SampleClips/grid.yaml"], database: db)
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("imported 8 cells and 2 cameras"))
        #expect(FileManager.default.fileExists(atPath: db.path))

        r = try kinfinder(["report", "add", "--name", "小明", "--describe", "红色上衣 蓝色裤子 小孩", "--last-seen", "XH-BS-DQ-01", "--at", "15m"], database: db)
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("report 1 filed"))
        #expect(r.out.contains("upper red(红)"))
        #expect(r.out.contains("lower blue(蓝)"))
        #expect(r.out.contains("child"))

        r = try kinfinder(["watch", "SampleClips/scenic-gate-640.mp4", "--camera", "cam-gate"], database: db)
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("400 frames"))
        #expect(r.out.contains("1 incident(s) raised"))
        #expect(r.err.contains("100%"))  // progress shown

        r = try kinfinder(["incidents", "--json"], database: db)
        #expect(r.status == 0)
        let list = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [[String: Any]]
        #expect(list?.count == 1)
        #expect(list?.first?["reportID"] as? Int == 1)
        if let snap = list?.first?["snapshotPath"] as? String {
            #expect(FileManager.default.fileExists(atPath: db.deletingLastPathComponent().appendingPathComponent(snap).path))
        } else {
            Issue.record("incident without snapshot")
        }

        r = try kinfinder(["incident", "ack", "1"], database: db)
        #expect(r.status == 0)
        r = try kinfinder(["incidents", "--status", "acknowledged"], database: db)
        #expect(r.out.contains("acknowledged"))

        // Found ends the case: the report closes with the lead, and cannot be closed twice.
        r = try kinfinder(["incident", "resolve", "1", "--found", "--by", "wang.li", "--note", "with his mother"], database: db)
        #expect(r.status == 0 && r.out.contains("incident 1 resolved: found; report 1 found in XH-BS-DQ-01; no other lead was open"), "\(r.out) \(r.err)")
        r = try kinfinder(["report", "list", "--all"], database: db)
        #expect(r.out.contains("found"), "\(r.out)")
        r = try kinfinder(["report", "close", "1", "--withdrawn"], database: db)
        #expect(r.status != 0 && r.err.contains("report 1 is already found"), "\(r.out) \(r.err)")
        r = try kinfinder(["report", "close", "1", "--withdrawn", "--cell", "XH-BS-DQ-01"], database: db)
        #expect(r.status == 64 && r.err.contains("a withdrawn report has neither"), "\(r.status) \(r.err)")
    }

    @Test("behaviour alerts: a person standing in a danger zone raises an incident without a report; a bad zone is refused")
    func behaviourAlerts() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        var r = try kinfinder(["grid", "import", "SampleClips/grid.yaml"], database: db)
        #expect(r.status == 0, "\(r.err)")
        // The first 24 s of the scripted behaviour clip: a man walks into the gate works and stands there 6 s.
        let clip = folder.appendingPathComponent("gate-works.mp4")
        let ffmpeg = Process()
        ffmpeg.executableURL = URL(fileURLWithPath: "/usr/bin/ffmpeg")
        ffmpeg.arguments = ["-loglevel", "error", "-y", "-i", repoRoot.appendingPathComponent("SampleClips/behaviour-cases-640.mp4").path,
                            "-t", "24", "-c:v", "libx264", "-preset", "ultrafast", "-crf", "18", clip.path]
        try ffmpeg.run()
        ffmpeg.waitUntilExit()
        #expect(ffmpeg.terminationStatus == 0)
        let zones = folder.appendingPathComponent("zones.yaml")
        try """
            zones:
              - name: gate works
                polygon: [[0.2905, 0.5948], [0.7095, 0.5948], [0.6687, 0.4339], [0.3313, 0.4339]]
            """.write(to: zones, atomically: true, encoding: .utf8)
        let bad = folder.appendingPathComponent("bad.yaml")
        try "zones:\n  - name: pier\n    polygon: [[0.1, 0.1], [0.5, 0.5]]\n".write(to: bad, atomically: true, encoding: .utf8)
        r = try kinfinder(["watch", clip.path, "--camera", "cam-gate", "--behaviour", bad.path], database: db)
        #expect(r.status != 0 && r.err.contains("zones[0]: danger zone 'pier': needs at least 3 corners, has 2"), "\(r.status) \(r.err)")

        r = try kinfinder(["watch", clip.path, "--camera", "cam-gate", "--behaviour", zones.path, "--quiet"], database: db)
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("1 incident(s) raised (1 behaviour alert(s))"), "\(r.out)")
        #expect(r.out.contains("alert: danger-zone") && r.out.contains("feet in danger zone 'gate works' for 3.0 s"), "\(r.out)")

        r = try kinfinder(["incidents", "--kind", "danger-zone", "--json"], database: db)
        let list = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [[String: Any]]
        #expect(list?.count == 1)
        #expect(list?.first?["kind"] as? String == "danger-zone")
        #expect(list?.first?["reportID"] == nil, "an alert belongs to no report")
        if let snap = list?.first?["snapshotPath"] as? String {
            #expect(snap.hasPrefix("snapshots/cam-gate/danger-zone-track"))
            #expect(FileManager.default.fileExists(atPath: db.deletingLastPathComponent().appendingPathComponent(snap).path))
        } else {
            Issue.record("alert without snapshot")
        }
        r = try kinfinder(["incidents", "--kind", "match"], database: db)
        #expect(r.out.contains("no incidents"))
        // A report filed afterwards finds the man, and its lead names the alert that noticed him first.
        r = try kinfinder(["report", "add", "--name", "Lao Zhang", "--describe", "adult in a green top and black trousers",
                           "--last-seen", "XH-BS-DQ-01", "--at", "5m"], database: db)
        #expect(r.status == 0 && r.out.contains("also danger-zone alert #1; "), "\(r.out) \(r.err)")
        r = try kinfinder(["incidents", "--kind", "match", "--json"], database: db)
        let leads = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [[String: Any]]
        #expect((leads?.first?["explanation"] as? String)?.hasPrefix("retro search: also danger-zone alert #1; ") == true, "\(r.out)")
        r = try kinfinder(["incident", "resolve", "1", "--found", "--by", "wang.li"], database: db)
        #expect(r.status == 0 && r.out.contains("incident 1 resolved: danger-zone alert handled"), "\(r.out) \(r.err)")
        r = try kinfinder(["report", "list"], database: db)
        #expect(r.out.contains("Lao Zhang"), "handling the alert leaves the report open: \(r.out)")
    }

    @Test("Ctrl-C during watch stops cleanly: exit 0, people in view stored, summary printed")
    func interrupt() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try kinfinder(["grid", "import", "SampleClips/grid.yaml"], database: db)
        // The 720p clip at full width: long enough to interrupt in a debug build.
        let (p, out, err) = try launch(
            ["watch", "SampleClips/plaza-720.mp4", "--camera", "cam-plaza", "--width", "1280"], database: db)
        // Wait for the first progress line (printed every 10 % when not on a terminal), then interrupt.
        var seen = Data()
        while !String(decoding: seen, as: UTF8.self).contains("frames") {
            let chunk = err.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen.append(chunk)
        }
        p.interrupt()
        let o = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        if o.contains("interrupted") {
            #expect(o.contains("people tracked and stored"))
            let frames = Int(o.split(separator: " ").drop { $0 != "after" }.dropFirst().first ?? "") ?? 0
            #expect(frames > 0 && frames < 300, "\(o)")
        } else {
            // The run reached its end before the signal: still a clean, complete run.
            #expect(o.contains("300 frames"), "\(o)")
        }
        let listed = try kinfinder(["incidents"], database: db)
        #expect(listed.status == 0)
    }

    @Test("bad input gives a clear message and a non-zero exit")
    func errors() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        var r = try kinfinder(["watch", "SampleClips/none.mp4", "--camera", "cam-gate"], database: db)
        #expect(r.status != 0)
        #expect(r.err.contains("unknown camera 'cam-gate'"))

        _ = try kinfinder(["grid", "import", "SampleClips/grid.yaml"], database: db)
        r = try kinfinder(["watch", "SampleClips/none.mp4", "--camera", "cam-gate"], database: db)
        #expect(r.status != 0)
        #expect(r.err.contains("video file not found"))

        r = try kinfinder(["report", "add", "--upper", "plaid"], database: db)
        #expect(r.status != 0)
        #expect(r.err.contains("unknown colour 'plaid'"))

        r = try kinfinder(["report", "add", "--upper", "red", "--last-seen", "NOWHERE"], database: db)
        #expect(r.status != 0)
        #expect(r.err.contains("unknown grid cell 'NOWHERE'"))

        r = try kinfinder(["report", "add", "--name", "x"], database: db)
        #expect(r.status == 64)  // usage error

        // Descriptions that say nothing are usage errors naming the option, and nothing is filed.
        for text in ["!!!", "🔴", "<b>red</b>", "qwerty 嗯嗯", String(repeating: "红", count: 600)] {
            r = try kinfinder(["report", "add", "--name", "x", "--describe", text, "--no-search"], database: db)
            #expect(r.status == 64 && r.err.contains("--describe"), "\(text.prefix(10)): \(r.status) \(r.err)")
        }
        #expect(try kinfinder(["report", "list"], database: db).out.contains(" x ") == false)
        // The reading shown back: per garment, companions apart, words not understood.
        r = try kinfinder(["report", "read", "girl 6, pink bobble hat, white puffer coat, her brother has a blue balloon, 走路很慢"], database: db)
        #expect(r.status == 0)
        #expect(r.out.contains("headwear") && r.out.contains("pink") && r.out.contains("outer layer") && r.out.contains("white"))
        #expect(r.out.contains("someone else") && r.out.contains("brother") && r.out.contains("not understood"))
        r = try kinfinder(["report", "read", "--chinese", "红色上衣 蓝色裤子 小孩"], database: db)
        #expect(r.out.contains("上衣") && r.out.contains("红") && r.out.contains("儿童"))
        r = try kinfinder(["report", "read", "--json", "red hat, blue jacket"], database: db)
        #expect(r.out.contains("\"headwear\"") && r.out.contains("\"red\""))

        r = try kinfinder(["report", "add", "--upper", "red", "--at", "sometime"], database: db)
        #expect(r.status != 0)
        #expect(r.err.contains("cannot read the time"))

        // A mistyped year or a huge "ago" is refused where it is typed (issue 17), and nothing is filed.
        for (args, option) in [(["report", "add", "--name", "typo", "--upper", "red", "--at", "20261-11-23 14:30"], "--at"),
                               (["report", "add", "--name", "typo", "--upper", "red", "--at", "99999999999999m"], "--at"),
                               (["report", "add", "--name", "typo", "--upper", "red", "--at", "1889-01-01 10:00"], "--at"),
                               (["watch", "SampleClips/scenic-gate-640.mp4", "--camera", "cam-gate", "--start", "10000-01-01T00:00:00Z"], "--start"),
                               (["search", "--describe", "red top", "--since", "20261-11-23 14:30"], "--since")] {
            r = try kinfinder(args, database: db)
            #expect(r.status == 64 && r.err.contains(option) && (r.err.contains("1990") || r.err.contains("cannot read")),
                    "\(args.last!): \(r.status) \(r.err)")
        }
        #expect(try kinfinder(["report", "list"], database: db).out.contains("typo") == false)
        // A row an older version let through (a five-digit year) no longer takes the lists down.
        r = try kinfinder(["report", "add", "--name", "Survivor", "--upper", "red", "--at", "10m", "--no-search"], database: db)
        #expect(r.status == 0, "\(r.err)")
        r = try kinfinder(["report", "add", "--name", "Broken", "--upper", "blue", "--at", "10m", "--no-search"], database: db)
        #expect(r.status == 0, "\(r.err)")
        try corruptLastReportTime(db)
        r = try kinfinder(["report", "list"], database: db)
        #expect(r.status == 0 && r.out.contains("Survivor") && !r.out.contains("Broken"), "\(r.status) \(r.out) \(r.err)")
        #expect(r.err.contains("unreadable"), "\(r.err)")
        r = try kinfinder(["incidents"], database: db)
        #expect(r.status == 0, "\(r.err)")
        // Control characters: refused where typed; what is already stored is printed escaped.
        r = try kinfinder(["report", "add", "--name", "\u{1B}[2Jx", "--upper", "red"], database: db)
        #expect(r.status == 64 && r.err.contains("--name") && r.err.contains("control"), "\(r.status) \(r.err)")
        try sqlite(db, "UPDATE report SET name = 'Esc' || char(27) || '[2J' WHERE name = 'Survivor'")
        r = try kinfinder(["report", "list"], database: db)
        #expect(r.status == 0 && !r.out.contains("\u{1B}") && r.out.contains("Esc\\u{001B}[2J"), "\(r.out)")

        r = try kinfinder(["grid", "import", "Package.swift"], database: db)
        #expect(r.status != 0)
        #expect(r.err.contains("grid file"))

        // A tile server for the map is checked before anything starts.
        for (template, words) in [("https://tiles.example/{z}/{x}.png", "has no {y}"), ("ftp://tiles.example/{z}/{x}/{y}.png", "not an http(s) URL"),
                                  ("https://tiles.example/{z}/{x}/{y}.png; script-src *", "semicolon")] {
            r = try kinfinder(["serve", "--port", "0", "--map-tiles", template], database: db)
            #expect(r.status == 64 && r.err.contains("--map-tiles") && r.err.contains(words), "\(template): \(r.status) \(r.err)")
        }
    }

    @Test("retro search: a report filed after two cameras saw the child finds both, in order, and raises them; reindex rebuilds")
    func retroSearch() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        var r = try kinfinder(["grid", "import", "SampleClips/grid.yaml"], database: db)
        #expect(r.status == 0, "\(r.err)")
        // The gate camera an hour ago, the plaza camera with its own people 50 minutes ago, and the gate
        // recording replayed as the plaza camera 45 minutes ago (the child walked on to the plaza).
        for (clip, camera, start) in [
            ("scenic-gate-640.mp4", "cam-gate", "60m"), ("plaza-720.mp4", "cam-plaza", "50m"), ("scenic-gate-640.mp4", "cam-plaza", "45m"),
        ] {
            r = try kinfinder(["watch", "SampleClips/" + clip, "--camera", camera, "--start", start, "--quiet"], database: db)
            #expect(r.status == 0, "\(r.err)")
            #expect(r.out.contains("0 incident(s) raised"))
        }
        r = try kinfinder(
            ["report", "add", "--name", "小明", "--describe", "红色上衣 蓝色裤子 小孩", "--last-seen", "XH-BS-DQ-01", "--at", "65m"], database: db)
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("report 1 filed"))
        let trajectory = try #require(r.out.split(separator: "\n").first { $0.hasPrefix("trajectory:") })
        #expect(trajectory.contains("XH-BS-DQ-01 cam-gate") && trajectory.contains("→ XH-BS-DQ-02 cam-plaza"), "\(r.out)")
        #expect(r.out.contains("incident(s) raised from stored tracks: #1 cam-gate, #2 cam-plaza"), "\(r.out)")
        #expect(r.out.contains("tracks/cam-gate/track"), "hits come with the track's snapshot")

        r = try kinfinder(["search", "--report", "1", "--json", "--raise"], database: db)
        #expect(r.status == 0, "\(r.err)")
        let result = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        let path = try #require(result["trajectory"] as? [[String: Any]])
        #expect(path.first?["camera"] as? String == "cam-gate" && path.last?["camera"] as? String == "cam-plaza")
        // The child itself, on both cameras, leads the list.
        let hits = try #require(result["hits"] as? [[String: Any]])
        #expect(Set(hits.prefix(2).compactMap { $0["camera"] as? String }) == ["cam-gate", "cam-plaza"])
        // Both above the incident threshold (they were raised), and above everyone else.
        let confidences = hits.map { $0["score"] as? Double ?? 0 }
        #expect(confidences.prefix(2).allSatisfy { $0 >= 0.30 }, "\(confidences)")  // MatchConfiguration.threshold
        #expect(confidences.dropFirst(2).allSatisfy { $0 < (confidences.prefix(2).min() ?? 0) }, "\(confidences)")
        #expect(path.allSatisfy { ($0["snapshot"] as? String).map { FileManager.default.fileExists(atPath: db.deletingLastPathComponent().path + "/" + $0) } == true })
        #expect((result["raised"] as? [Any])?.isEmpty == true, "already raised: no duplicates")
        let scanned = try #require(result["scanned"] as? Int)

        r = try kinfinder(["search", "--describe", "穿粉色上衣的小孩", "--since", "2h"], database: db)
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("cam-plaza"), "the plaza's own child in pink")

        r = try kinfinder(["reindex"], database: db)
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("indexed \(scanned) track(s)"), "\(r.out)")
        r = try kinfinder(["reindex", "--check"], database: db)
        #expect(r.status == 0 && r.out.contains("\(scanned) good record(s), 0 bad"), "\(r.out)")

        // A torn write at the end of a segment: searches carry on, the check names it.
        let descriptors = db.deletingLastPathComponent().appendingPathComponent("descriptors")
        let segment = try #require(try FileManager.default.contentsOfDirectory(atPath: descriptors.path).first { $0.hasSuffix(".seg") })
        let handle = try FileHandle(forWritingTo: descriptors.appendingPathComponent(segment))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(repeating: 0x5A, count: 100))
        try handle.close()
        r = try kinfinder(["reindex", "--check"], database: db)
        #expect(r.status != 0 && r.out.contains("2 bad"), "\(r.out)")
        r = try kinfinder(["search", "--report", "1"], database: db)
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("→ XH-BS-DQ-02 cam-plaza"))

        r = try kinfinder(["search"], database: db)
        #expect(r.status != 0 && r.err.contains("exactly one of --report"))
        r = try kinfinder(["search", "--report", "99"], database: db)
        #expect(r.status != 0 && r.err.contains("no report 99"))
    }
}

@Suite("The learned detector's files on the command line", .ownThread)
struct DetectorFilesTests {
    @Test("a missing runtime is a clear error naming where it looked; --detector motion runs without it")
    func missingRuntime() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kinfinder-det-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = folder.appendingPathComponent("grid.sqlite")
        #expect(try kinfinder(["grid", "import", "SampleClips/grid.yaml"], database: db).status == 0)
        let missing = folder.appendingPathComponent("no-such/libonnxruntime.so").path
        let r = try kinfinder(["watch", "SampleClips/scenic-gate-640.mp4", "--camera", "cam-gate", "--quiet", "--onnxruntime", missing], database: db)
        #expect(r.status == 1)
        #expect(r.err.contains(missing) && r.err.contains("--detector motion") && r.err.contains("scripts/install-deps"), "\(r.err)")
        // The environment variable is honoured the same way.
        let e = try kinfinder(["evaluate", "SampleClips/scenic-gate-640.mp4"], database: db, environment: ["KINFINDER_ONNXRUNTIME": missing])
        #expect(e.status == 1 && e.err.contains(missing), "\(e.err)")
        let m = try kinfinder(["watch", "SampleClips/scenic-gate-640.mp4", "--camera", "cam-gate", "--quiet", "--detector", "motion",
                               "--onnxruntime", missing], database: db)
        #expect(m.status == 0, "\(m.err)")
        #expect(m.out.contains("detector: motion only"))
    }

    @Test("a damaged or wrong person model is a clear error naming the file")
    func badModel() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kinfinder-det-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = folder.appendingPathComponent("grid.sqlite")
        #expect(try kinfinder(["grid", "import", "SampleClips/grid.yaml"], database: db).status == 0)
        let damaged = folder.appendingPathComponent("damaged.onnx")
        try Data(repeating: 0x5A, count: 5000).write(to: damaged)
        let r = try kinfinder(["watch", "SampleClips/scenic-gate-640.mp4", "--camera", "cam-gate", "--quiet", "--person-model", damaged.path], database: db)
        #expect(r.status == 1)
        #expect(r.err.contains(damaged.path) && r.err.contains("could not be read"), "\(r.err)")
        let wrong = repoRoot.appendingPathComponent("Tests/InferenceTests/Resources/double.onnx").path
        let w = try kinfinder(["watch", "SampleClips/scenic-gate-640.mp4", "--camera", "cam-gate", "--quiet", "--person-model", wrong], database: db)
        #expect(w.status == 1)
        #expect(w.err.contains("is not the person model"), "\(w.err)")
        let gone = try kinfinder(["watch", "SampleClips/scenic-gate-640.mp4", "--camera", "cam-gate", "--quiet", "--person-model", folder.appendingPathComponent("nothing.onnx").path], database: db)
        #expect(gone.status == 1 && gone.err.contains("was not found"), "\(gone.err)")
    }
}

/// Writes, behind the store's back, what an older Kinfinder let into the database: a last-seen
/// time with a five-digit year on the newest report.
func corruptLastReportTime(_ db: URL) throws {
    try sqlite(db, "UPDATE report SET last_seen_at = '20261-11-23 14:30:00.000' WHERE id = (SELECT max(id) FROM report)")
}

/// Runs one SQL statement on the SQLite file with Python's sqlite3 (not through Kinfinder's store).
func sqlite(_ db: URL, _ sql: String) throws {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["python3", "-c", "import sqlite3, sys\nc = sqlite3.connect(sys.argv[1])\nc.execute(sys.argv[2])\nc.commit()", db.path, sql]
    try p.run()
    p.waitUntilExit()
    #expect(p.terminationStatus == 0, "python3 could not run: \(sql)")
}
