import Foundation
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
func launch(_ args: [String], database: URL) throws -> (process: Process, out: Pipe, err: Pipe) {
    let p = Process()
    p.executableURL = binary
    p.arguments = args
    var env = ProcessInfo.processInfo.environment
    env["KINFINDER_DATABASE"] = database.path
    env["KINFINDER_MODELS"] = repoRoot.appendingPathComponent("Models").path
    p.environment = env
    p.currentDirectoryURL = repoRoot
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    return (p, out, err)
}

/// Runs the binary with a private database and returns its exit status and output.
func kinfinder(_ args: [String], database: URL) throws -> Run {
    let (p, out, err) = try launch(args, database: database)
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return Run(status: p.terminationStatus, out: String(decoding: o, as: UTF8.self), err: String(decoding: e, as: UTF8.self))
}

@Suite("kinfinder command line", .serialized)
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

        r = try kinfinder(["report", "add", "--upper", "red", "--at", "sometime"], database: db)
        #expect(r.status != 0)
        #expect(r.err.contains("cannot read the time"))

        r = try kinfinder(["grid", "import", "Package.swift"], database: db)
        #expect(r.status != 0)
        #expect(r.err.contains("grid file"))
    }
}
