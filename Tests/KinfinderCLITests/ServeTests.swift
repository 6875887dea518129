import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import KinfinderTestSupport
import Testing
import Yams

/// `kinfinder serve` as a child process on a free loopback port, with a private database.
final class ServeProcess {
    let process: Process
    let port: Int
    let database: URL
    var base: String { "http://127.0.0.1:\(port)" }

    init(database: URL, arguments: [String] = []) throws {
        let (p, out, _) = try launch(["serve", "--port", "0"] + arguments, database: database)
        process = p
        self.database = database
        // Wait for "listening on http://127.0.0.1:PORT", reading byte by byte.
        let handle = out.fileHandleForReading
        var port = 0
        var line = Data()
        let deadline = Date().addingTimeInterval(30)
        while port == 0 && Date() < deadline {
            let byte = handle.readData(ofLength: 1)
            if byte.isEmpty { break }
            if byte == Data("\n".utf8) {
                let text = String(decoding: line, as: UTF8.self)
                if let r = text.range(of: "listening on http://127.0.0.1:") {
                    port = Int(text[r.upperBound...].prefix { $0.isNumber }) ?? 0
                }
                line = Data()
            } else {
                line.append(byte)
            }
        }
        guard port > 0 else {
            p.terminate()
            throw TestFailure("kinfinder serve did not start")
        }
        self.port = port
    }

    /// SIGTERM and wait up to 10 s (then SIGKILL); the exit status, or -1 when it had to be killed.
    func stop() async -> Int32 {
        process.terminate()
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        guard !process.isRunning else {
            kill(process.processIdentifier, SIGKILL)
            return -1
        }
        return process.terminationStatus
    }

    deinit {
        if process.isRunning { process.terminate() }
    }
}

struct HTTPResult {
    var status: Int
    var body: Data
    var headers: [String: String]
    var json: [String: Any]? { try? JSONSerialization.jsonObject(with: body) as? [String: Any] }
    var jsonArray: [Any]? { try? JSONSerialization.jsonObject(with: body) as? [Any] }
    var text: String { String(decoding: body, as: UTF8.self) }
}

/// One request over real HTTP.
func http(
    _ method: String, _ url: String, token: String? = nil, json: Any? = nil, body: Data? = nil, contentType: String = "application/json"
) async throws -> HTTPResult {
    var request = URLRequest(url: URL(string: url)!)
    request.httpMethod = method
    if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
    if let json {
        request.httpBody = try JSONSerialization.data(withJSONObject: json)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    } else if let body {
        request.httpBody = body
        request.setValue(contentType, forHTTPHeaderField: "Content-Type")
    }
    let (data, response) = try await URLSession.shared.data(for: request)
    let r = response as! HTTPURLResponse
    var headers: [String: String] = [:]
    for (k, v) in r.allHeaderFields { headers[String(describing: k).lowercased()] = String(describing: v) }
    return HTTPResult(status: r.statusCode, body: data, headers: headers)
}

/// `curl -N` following a Server-Sent Events stream; lines arrive as they are sent.
final class EventStream {
    let process = Process()
    private let lines = LinesBox()

    init(url: String, token: String) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = ["-sN", "-H", "Authorization: Bearer \(token)", url]
        let out = Pipe()
        process.standardOutput = out
        let box = lines
        out.fileHandleForReading.readabilityHandler = { h in
            let d = h.availableData
            if d.isEmpty {
                h.readabilityHandler = nil  // end of stream: stop being called
            } else {
                box.append(String(decoding: d, as: UTF8.self))
            }
        }
        try process.run()
    }

    /// Waits until the stream has carried a line containing all of `needles`; the line.
    func wait(for needles: [String], timeout: Double = 20) async throws -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let line = lines.all().split(separator: "\n").first(where: { l in needles.allSatisfy { l.contains($0) } }) { return String(line) }
            try await Task.sleep(for: .milliseconds(100))
        }
        return nil
    }

    deinit { process.terminate() }

    final class LinesBox: @unchecked Sendable {
        private var text = ""
        private let lock = NSLock()
        func append(_ s: String) { lock.lock(); text += s; lock.unlock() }
        func all() -> String { lock.lock(); defer { lock.unlock() }; return text }
    }
}

@Suite("kinfinder serve: API over real HTTP", .serialized, .ownThread)
struct ServeTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kinfinder-serve-\(UUID().uuidString)")
    var db: URL { folder.appendingPathComponent("data/grid.sqlite") }

    func setUp() throws {
        #expect(try kinfinder(["grid", "import", "SampleClips/grid.yaml"], database: db).status == 0)
        for (id, cell, role, password) in [("zhao", "XH", "operator", "command-centre"), ("wang.li", "XH-BS-DQ-01", "grid-worker", "gate-worker-1"),
                                           ("liu", "XH-NS", "grid-worker", "nanshan-worker")] {
            let (p, _, _) = try launch(["worker", "add", id, "--cell", cell, "--role", role, "--password-stdin"], database: db, stdin: password + "\n")
            p.waitUntilExit()
            #expect(p.terminationStatus == 0)
        }
    }

    func login(_ server: ServeProcess, _ worker: String, _ password: String) async throws -> String {
        let r = try await http("POST", server.base + "/api/v1/login", json: ["worker": worker, "password": password])
        #expect(r.status == 200, "\(r.text)")
        return try #require(r.json?["token"] as? String)
    }

    @Test("a family files a report, watch raises the incident, it streams live, escalates, and a worker acknowledges and resolves it")
    func endToEnd() async throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        try setUp()
        let server = try ServeProcess(database: db, arguments: ["--response", "3", "--dispatch-interval", "0.2"])
        let operatorToken = try await login(server, "zhao", "command-centre")
        let workerToken = try await login(server, "wang.li", "gate-worker-1")
        let events = try EventStream(url: server.base + "/api/v1/events", token: operatorToken)

        // The family's report (no sign-in), in their words.
        var r = try await http("POST", server.base + "/api/v1/reports", json: [
            "name": "小明", "describe": "红色上衣 蓝色裤子 小孩", "lastSeenCell": "XH-BS-DQ-01", "contact": "138 0000 0000",
            "height": "1米1",
        ])
        #expect(r.status == 201, "\(r.text)")
        #expect((r.json?["report"] as? [String: Any])?["heightCM"] as? Double == 110, "the height field reads 1米1 as 110 cm: \(r.text)")
        for (bad, words) in [("tall", "cannot read 'tall' as a height"), ("3米", "300 cm is not a person's height")] {
            let b = try await http("POST", server.base + "/api/v1/reports", json: ["name": "x", "upper": ["red"], "height": bad])
            #expect(b.status == 400 && b.text.contains("height: ") && b.text.contains(words), "\(bad): \(b.status) \(b.text)")
        }
        let link = try #require(r.json?["familyLink"] as? String)
        let report = try #require(r.json?["report"] as? [String: Any])
        #expect((report["upper"] as? [[String: String]])?.first?["name"] == "red")
        r = try await http("GET", server.base + "/api/v1" + link)
        #expect(r.status == 200 && r.json?["status"] as? String == "open" && r.json?["leads"] as? Int == 0, "\(r.text)")

        // The camera sees the child.
        let watch = try kinfinder(["watch", "SampleClips/scenic-gate-640.mp4", "--camera", "cam-gate", "--quiet"], database: db)
        #expect(watch.status == 0 && watch.out.contains("1 incident(s) raised"), "\(watch.err)")

        // Live: dispatched to the gate's micro-grid, then (3 s, nobody acknowledges) up — past the community
        // and the street, where nobody is on duty, to the command centre.
        let assigned = try #require(try await events.wait(for: ["\"kind\":\"assigned\"", "XH-BS-DQ-01"]), "no live event")
        #expect(assigned.contains("\"reportName\":\"小明\""))
        let escalated = try #require(try await events.wait(for: ["\"kind\":\"escalated\"", "\"cellID\":\"XH\""]), "no escalation")
        #expect(escalated.contains("nobody on duty in community XH-BS-DQ, street XH-BS"), "\(escalated)")
        // Escalation added a level and took the incident from nobody: the gate's worker still holds it.
        r = try await http("GET", server.base + "/api/v1/incidents?assigned=me", token: workerToken)
        let held = try #require(r.json?["incidents"] as? [[String: Any]])
        #expect(held.count == 1 && (held.first?["dispatch"] as? [String: Any])?["cellID"] as? String == "XH", "\(r.text)")
        #expect((held.first?["dispatch"] as? [String: Any])?["passedOver"] as? [String] == ["XH-BS-DQ", "XH-BS"], "\(r.text)")
        r = try await http("GET", server.base + "/api/v1/overview", token: workerToken)
        let duty = (r.json?["cells"] as? [[String: Any]])?.reduce(into: [String: Int]()) { $0[$1["cellID"] as? String ?? ""] = $1["onDuty"] as? Int }
        #expect(duty?["XH-BS-DQ-01"] == 1 && duty?["XH-BS-DQ"] == 0 && duty?["XH"] == 1, "\(duty ?? [:])")

        r = try await http("GET", server.base + "/api/v1/incidents?status=open", token: workerToken)
        let list = try #require(r.json?["incidents"] as? [[String: Any]])
        #expect(list.count == 1)
        let id = try #require(list.first?["id"] as? Int)
        // Pages: a full page names the next one's cursor, the last page none (issue 17, item 6).
        r = try await http("GET", server.base + "/api/v1/incidents?limit=1", token: workerToken)
        #expect(r.json?["next"] as? Int == id)
        r = try await http("GET", server.base + "/api/v1/incidents?limit=1&after=\(id)", token: workerToken)
        #expect((r.json?["incidents"] as? [Any])?.isEmpty == true && r.json?["next"] == nil, "\(r.text)")
        r = try await http("GET", server.base + "/api/v1/incidents?after=yesterday", token: workerToken)
        #expect(r.status == 400 && r.text.contains("after"))
        r = try await http("GET", server.base + "/api/v1/reports", token: workerToken)
        let reportIDs = try #require(r.jsonArray?.compactMap { ($0 as? [String: Any])?["id"] as? Int })
        #expect(!reportIDs.isEmpty && r.headers["link"] == nil)
        r = try await http("GET", server.base + "/api/v1/reports?limit=1", token: workerToken)
        #expect((r.jsonArray?.first as? [String: Any])?["id"] as? Int == reportIDs.first)
        #expect(r.headers["link"] == "</api/v1/reports?limit=1&after=\(reportIDs[0])>; rel=\"next\"", "\(r.headers)")
        r = try await http("GET", server.base + "/api/v1/reports?after=\(try #require(reportIDs.last))", token: workerToken)
        #expect(r.jsonArray?.isEmpty == true && r.headers["link"] == nil)
        for bad in ["limit=0", "limit=5000", "after=-3", "after=x"] {
            r = try await http("GET", server.base + "/api/v1/reports?\(bad)", token: workerToken)
            #expect(r.status == 400, "\(bad): \(r.status)")
        }
        r = try await http("GET", server.base + "/api/v1/incidents/\(id)/snapshot", token: workerToken)
        #expect(r.status == 200 && r.headers["content-type"] == "image/jpeg" && r.body.starts(with: [0xFF, 0xD8]))

        // The family adds their photo through their link (here: the snapshot, with a comment segment
        // that stands for a phone's metadata); workers get its picture only, re-encoded.
        var photo = r.body
        photo.insert(contentsOf: [0xFF, 0xFE, 0x00, 0x0E] + Array("GPS 30.25N!".utf8), at: 2)
        let token = String(link.split(separator: "/").last ?? "")
        r = try await http("PUT", server.base + "/api/v1/family/\(token)/photo", body: photo, contentType: "image/jpeg")
        #expect(r.status == 204, "\(r.text)")
        r = try await http("GET", server.base + "/api/v1/reports/\(try #require(report["id"] as? Int))/photo", token: workerToken)
        #expect(r.status == 200 && r.body.starts(with: [0xFF, 0xD8]) && !r.text.contains("GPS 30.25N"), "\(r.status)")
        r = try await http("GET", server.base + "/api/v1/reports/\(try #require(report["id"] as? Int))", token: workerToken)
        #expect(r.json?["photoURL"] as? String == "/api/v1/reports/\(try #require(report["id"] as? Int))/photo", "\(r.text)")
        r = try await http("GET", server.base + "/api/v1/reports/\(try #require(report["id"] as? Int))/photo")
        #expect(r.status == 401, "the family's photo is for signed-in workers")
        r = try await http("PUT", server.base + "/api/v1/family/\(token)/photo", body: Data("not a photo".utf8), contentType: "text/plain")
        #expect(r.status == 415, "\(r.text)")
        r = try await http("PUT", server.base + "/api/v1/family/\(String(repeating: "x", count: 43))/photo", body: photo, contentType: "image/jpeg")
        #expect(r.status == 404)

        // The case (issue 16, map and case page): its lead, the way from the last-seen place, how far the child could be.
        let reportID = try #require(report["id"] as? Int)
        r = try await http("GET", server.base + "/api/v1/reports/\(reportID)/case", token: workerToken)
        #expect(r.status == 200, "\(r.text)")
        #expect((r.json?["leads"] as? [[String: Any]])?.compactMap { $0["id"] as? Int } == [id] && r.json?["hiddenLeads"] as? Int == 0, "\(r.text)")
        let path = try #require(r.json?["path"] as? [[String: Any]])
        #expect(path.compactMap { $0["kind"] as? String } == ["last-seen", "lead"] && path.last?["latitude"] as? Double == 30.2583, "\(path)")
        let reach = try #require(r.json?["reach"] as? [String: Any], "an open case has a reach: \(r.text)")
        let likely = try #require(reach["likelyMetres"] as? Double), possible = try #require(reach["possibleMetres"] as? Double)
        // A child (brisk 2.0 m/s) seen seconds ago: at least the 120 s slack's (2 × 120 + 60) / 1.3 = 231 m.
        #expect(possible > likely && possible >= 230 && possible < 2000 && reach["latitude"] as? Double == 30.2583, "\(reach)")
        // A worker elsewhere in the grid reads the report but not the lead seen outside their cells.
        let nanshan = try await login(server, "liu", "nanshan-worker")
        r = try await http("GET", server.base + "/api/v1/reports/\(reportID)/case", token: nanshan)
        #expect(r.status == 200 && (r.json?["leads"] as? [Any])?.isEmpty == true && r.json?["hiddenLeads"] as? Int == 1, "\(r.text)")
        #expect((r.json?["report"] as? [String: Any])?["contact"] == nil, "the family's phone went to a worker without the case")
        r = try await http("GET", server.base + "/api/v1/reports/99999/case", token: workerToken)
        #expect(r.status == 404)
        r = try await http("GET", server.base + "/api/v1/reports/\(reportID)/case")
        #expect(r.status == 401)
        // The map's things: cameras and posts with their positions (and the post's phone).
        r = try await http("GET", server.base + "/api/v1/grid", token: workerToken)
        #expect((r.json?["cameras"] as? [[String: Any]])?.first { $0["id"] as? String == "cam-gate" }?["longitude"] as? Double == 120.1509)
        #expect((r.json?["posts"] as? [[String: Any]])?.first { $0["id"] as? String == "post-gate" }?["phone"] as? String == "0571-8700 1101")

        // Reviewed: the evidence was looked at; the lead stays open; a worker elsewhere may not mark it.
        r = try await http("POST", server.base + "/api/v1/incidents/\(id)/review", token: operatorToken, json: ["note": "red top matches"])
        #expect(r.status == 200 && (r.json?["review"] as? [String: Any])?["by"] as? String == "zhao" && r.json?["status"] as? String == "open", "\(r.text)")
        r = try await http("GET", server.base + "/api/v1/incidents?status=open", token: workerToken)
        #expect(((r.json?["incidents"] as? [[String: Any]])?.first?["review"] as? [String: Any])?["note"] as? String == "red top matches", "\(r.text)")
        r = try await http("POST", server.base + "/api/v1/incidents/\(id)/review", token: nanshan, json: [String: String]())
        #expect(r.status == 403, "\(r.text)")
        r = try await http("POST", server.base + "/api/v1/incidents/\(id)/review", token: operatorToken, json: ["note": String(repeating: "x", count: 2001)])
        #expect(r.status == 400 && r.text.contains("note"), "\(r.text)")

        r = try await http("POST", server.base + "/api/v1/incidents/\(id)/acknowledge", token: workerToken)
        #expect(r.status == 200 && r.json?["status"] as? String == "acknowledged", "\(r.text)")
        r = try await http("POST", server.base + "/api/v1/incidents/\(id)/acknowledge", token: workerToken)
        #expect(r.status == 409, "acknowledged once")
        #expect(try await events.wait(for: ["\"kind\":\"acknowledged\"", "\"actor\":\"wang.li\""]) != nil)
        r = try await http("POST", server.base + "/api/v1/incidents/\(id)/resolve", token: workerToken, json: ["outcome": "found", "note": "with his mother at the gate"])
        #expect(r.status == 200 && r.json?["status"] as? String == "resolved", "\(r.text)")

        // Found: the case has no reach any more; its lead says resolved.
        r = try await http("GET", server.base + "/api/v1/reports/\(reportID)/case", token: operatorToken)
        #expect(r.json?["reach"] == nil && (r.json?["report"] as? [String: Any])?["status"] as? String == "found", "\(r.text)")
        #expect((r.json?["leads"] as? [[String: Any]])?.first?["status"] as? String == "resolved")

        // The audit trail, who and when.
        r = try await http("GET", server.base + "/api/v1/incidents/\(id)", token: operatorToken)
        let kinds = (r.json?["events"] as? [[String: Any]])?.compactMap { $0["kind"] as? String }
        #expect(kinds?.first == "assigned" && kinds?.contains("escalated") == true && kinds?.suffix(2) == ["acknowledged", "resolved"], "\(kinds ?? [])")

        // The family sees their report's progress, nothing else; found, it says where to collect him.
        r = try await http("GET", server.base + "/api/v1" + link)
        #expect(r.json?["found"] as? Bool == true && r.json?["leads"] as? Int == 1 && r.json?["beingChecked"] as? Int == 0, "\(r.text)")
        #expect(r.json?["status"] as? String == "found" && r.json?["foundCell"] as? String == "XH-BS-DQ-01" && r.json?["closedAt"] != nil)
        let collect = r.json?["collect"] as? [String: Any]
        #expect(collect?["postID"] as? String == "post-gate" && collect?["phone"] as? String == "0571-8700 1101"
            && collect?["name"] as? String == "南门治安岗亭 South gate duty post" && collect?["latitude"] as? Double == 30.2581, "\(r.text)")
        #expect(r.json?["snapshotURL"] == nil && !r.text.contains("cam-gate") && !r.text.contains("explanation"))

        // Counts per level and metrics.
        r = try await http("GET", server.base + "/api/v1/overview", token: operatorToken)
        // Handled at whichever level held it when wang.li acknowledged (it climbs every 3 s here).
        #expect((r.json?["handledByLevel"] as? [String: Int])?.values.reduce(0, +) == 1, "\(r.text)")
        r = try await http("GET", server.base + "/metrics")
        #expect(r.status == 200)
        for metric in ["kinfinder_incidents_assigned_total 1", "kinfinder_incidents_escalated_total", "kinfinder_incident_response_seconds",
                       "kinfinder_camera_frames_decoded{camera=\"cam-gate\"} 400", "kinfinder_camera_tracks_stored{camera=\"cam-gate\"}",
                       "http_server_request_duration", "hb_requests"] {
            let present = r.text.contains(metric)
            #expect(present, "\(metric) missing from /metrics")
        }
        #expect(await server.stop() == 0, "graceful shutdown")
    }

    @Test("the public form: JSON only, a burst of reports per address then 429, security headers on every answer")
    func publicForm() async throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        try setUp()
        let server = try ServeProcess(database: db, arguments: ["--report-burst", "2", "--report-interval", "3600"])
        let token = try await login(server, "liu", "nanshan-worker")
        let report: [String: Any] = ["name": "x", "upper": ["red"]]
        let body = try JSONSerialization.data(withJSONObject: report)
        // Another site's page can post text/plain or form data without asking; the API takes neither.
        for type in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"] {
            for path in ["reports", "reading", "login"] {
                let r = try await http("POST", server.base + "/api/v1/" + path, body: body, contentType: type)
                #expect(r.status == 415 && r.text.contains("send JSON"), "\(path) as \(type): \(r.status) \(r.text)")
            }
        }
        // Two reports, then this address waits; a signed-in worker (a duty-post desk) is not limited.
        for _ in 0..<2 { #expect(try await http("POST", server.base + "/api/v1/reports", json: report).status == 201) }
        var r = try await http("POST", server.base + "/api/v1/reports", json: report)
        #expect(r.status == 429 && r.text.contains("too many reports"), "\(r.status) \(r.text)")
        #expect(Int(r.headers["retry-after"] ?? "") ?? 0 > 0, "\(r.headers)")
        r = try await http("POST", server.base + "/api/v1/reports", token: token, json: report)
        #expect(r.status == 201)
        // A refused report is not stored: 2 public + 1 desk.
        #expect(try #require((try await http("GET", server.base + "/api/v1/reports", token: token)).jsonArray?.count) == 3)
        r = try await http("GET", server.base + "/metrics")
        #expect(r.text.contains("kinfinder_public_requests_refused_total"))
        // Headers on pages, API answers and errors alike.
        for path in ["/family", "/api/v1/grid", "/api/v1/incidents"] {
            r = try await http("GET", server.base + path)
            #expect(r.headers["x-content-type-options"] == "nosniff", "\(path): \(r.headers)")
            #expect(r.headers["content-security-policy"]?.contains("frame-ancestors 'none'") == true, "\(path)")
            #expect(r.headers["referrer-policy"] == "no-referrer", "\(path)")
        }
        #expect(await server.stop() == 0)
    }

    @Test("sign-in: an account waits after 5 wrong passwords, even for the right one; an unknown worker's password is checked too")
    func signInThrottle() async throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        try setUp()
        let server = try ServeProcess(database: db)
        func checks() async throws -> Double {
            let text = try await http("GET", server.base + "/metrics").text
            let line = text.split(separator: "\n").first { $0.hasPrefix("kinfinder_password_checks_total") }
            return line.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
        }
        for _ in 0..<5 {
            let r = try await http("POST", server.base + "/api/v1/login", json: ["worker": "wang.li", "password": "guess"])
            #expect(r.status == 401)
        }
        var r = try await http("POST", server.base + "/api/v1/login", json: ["worker": "wang.li", "password": "gate-worker-1"])
        #expect(r.status == 429 && r.text.contains("too many sign-in attempts"), "\(r.status) \(r.text)")
        #expect(Int(r.headers["retry-after"] ?? "") ?? 0 >= 25, "\(r.headers)")
        // The same address may still sign in to another account.
        _ = try await login(server, "zhao", "command-centre")
        // A worker who does not exist costs the same password check as one who does (no timing oracle).
        let before = try await checks()
        r = try await http("POST", server.base + "/api/v1/login", json: ["worker": "nobody-here", "password": "guess"])
        #expect(r.status == 401 && r.text.contains("unknown worker or wrong password"))
        #expect(try await checks() == before + 1, "the unknown worker's password was not checked against a hash")
        #expect(await server.stop() == 0)
    }

    @Test("access and validation: 401 without sign-in, 400 naming the field, 404 for unknown links, 413 for huge bodies, OpenAPI served")
    func accessAndValidation() async throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        try setUp()
        let server = try ServeProcess(database: db)
        var r = try await http("GET", server.base + "/api/v1/incidents")
        #expect(r.status == 401 && r.text.contains("sign in"))
        r = try await http("POST", server.base + "/api/v1/login", json: ["worker": "zhao", "password": "wrong-password"])
        #expect(r.status == 401)
        r = try await http("GET", server.base + "/api/v1/incidents", token: "made-up-token")
        #expect(r.status == 401 && r.text.contains("expired"))
        let token = try await login(server, "liu", "nanshan-worker")

        for (body, field) in [
            (["name": "x"] as [String: Any], "say what the person wears"), (["upper": ["plaid"]], "upper"),
            (["upper": ["red"], "lastSeenCell": "NOWHERE"], "lastSeenCell"), (["upper": ["red"], "ageGroup": "teen"], "ageGroup"),
            (["upper": ["red"], "heightCM": 400], "heightCM"), (["upper": ["red"], "lastSeenAt": "2001-01-01T00:00:00Z"], "lastSeenAt"),
            // Control characters (a terminal escape, a NUL, a direction override) are refused, not stored raw (issue 17).
            (["upper": ["red"], "name": "\u{1B}[2Jx"], "name"), (["upper": ["red"], "notes": "a\u{0}b"], "notes"),
            (["upper": ["red"], "contact": "138\u{202E}0000"], "contact"),
        ] {
            r = try await http("POST", server.base + "/api/v1/reports", json: body)
            #expect(r.status == 400 && r.text.contains(field), "\(body): \(r.status) \(r.text)")
        }
        // Descriptions that say nothing, or are not plain words: 400 naming the field, nothing stored.
        let before = try #require((try await http("GET", server.base + "/api/v1/reports", token: token)).jsonArray?.count)
        for text in ["", "   ", "!!!", "🔴", "<b>red</b> top", "red top\u{01}", String(repeating: "红色上衣", count: 200), "qwerty 嗯嗯"] {
            r = try await http("POST", server.base + "/api/v1/reports", json: ["name": "x", "describe": text])
            #expect(r.status == 400 && r.text.contains("describe"), "\(text.prefix(20)): \(r.status) \(r.text)")
            r = try await http("POST", server.base + "/api/v1/reading", json: ["describe": text])
            #expect(text == "qwerty 嗯嗯" ? r.status == 200 : r.status == 400, "reading \(text.prefix(20)): \(r.status)")
        }
        #expect(try #require((try await http("GET", server.base + "/api/v1/reports", token: token)).jsonArray?.count) == before)
        r = try await http("POST", server.base + "/api/v1/reports", json: ["name": "x", "describe": "qwerty 嗯嗯"])
        #expect(r.text.contains("qwerty") && r.text.contains("嗯嗯"), "the error lists the words read: \(r.text)")

        // The reading shown back before filing: per garment, the companion apart, the words not understood.
        r = try await http("POST", server.base + "/api/v1/reading", json: [
            "describe": "奶奶八十多岁，穿紫色外套，戴红帽子，由一个穿米色大衣的阿姨推着轮椅，走路很慢"])
        #expect(r.status == 200)
        let reading = try #require(r.json?["reading"] as? [String: Any])
        let garments = try #require(reading["garments"] as? [[String: Any]])
        #expect(garments.map { $0["kind"] as? String } == ["outer", "headwear"])
        #expect((r.json?["upper"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["purple"])
        #expect((reading["companions"] as? [[String: Any]])?.first?["word"] as? String == "阿姨")
        #expect((reading["carried"] as? [[String: Any]])?.first?["kind"] as? String == "wheelchair")
        #expect(reading["ageGroup"] as? String == "elderly")
        #expect((r.json?["unparsedWords"] as? [String])?.contains("慢") == true)
        // Filed: the report keeps the headwear and the wheelchair; the ignored words are named.
        r = try await http("POST", server.base + "/api/v1/reports", json: [
            "name": "王奶奶", "describe": "奶奶八十多岁，穿紫色外套，戴红帽子，由一个穿米色大衣的阿姨推着轮椅，走路很慢"])
        #expect(r.status == 201)
        let filed = try #require(r.json?["report"] as? [String: Any])
        let attributes = try #require(filed["attributes"] as? [String: Any])
        #expect((attributes["headwear"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["red"])
        #expect((attributes["carried"] as? [[String: Any]])?.first?["kind"] as? String == "wheelchair")
        #expect((filed["upper"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["purple"])
        #expect((r.json?["unparsedWords"] as? [String])?.contains("慢") == true)
        let stored = try #require(filed["id"] as? Int)
        r = try await http("GET", server.base + "/api/v1/reports/\(stored)", token: token)
        #expect(((r.json?["attributes"] as? [String: Any])?["carried"] as? [[String: Any]])?.count == 1, "stored with the report")

        r = try await http("POST", server.base + "/api/v1/reports", body: Data("{not json".utf8))
        #expect(r.status == 400)
        r = try await http("POST", server.base + "/api/v1/reports", body: Data(repeating: 0x20, count: 9 * 1024 * 1024))
        #expect(r.status == 413 && r.text.contains("larger"), "413 says why: \(r.text)")
        r = try await http("GET", server.base + "/api/v1/family/not-a-real-link-token-0000000")
        #expect(r.status == 404)
        r = try await http("GET", server.base + "/api/v1/incidents/999", token: token)
        #expect(r.status == 404)
        r = try await http("GET", server.base + "/api/v1/incidents?status=lost", token: token)
        #expect(r.status == 400 && r.text.contains("status"))

        // Two families: each link shows only its own report.
        r = try await http("POST", server.base + "/api/v1/reports", json: ["name": "甲", "upper": ["红"], "ageGroup": "child"])
        let linkA = try #require(r.json?["familyLink"] as? String)
        r = try await http("POST", server.base + "/api/v1/reports", json: ["name": "乙", "upper": ["grey"], "ageGroup": "elderly"])
        let linkB = try #require(r.json?["familyLink"] as? String)
        #expect(linkA != linkB)
        r = try await http("GET", server.base + "/api/v1" + linkA)
        #expect(r.json?["name"] as? String == "甲" && !r.text.contains("乙"))
        // Workers list is for signed-in people only.
        r = try await http("GET", server.base + "/api/v1/grid")
        #expect(r.status == 200 && r.json?["workers"] == nil)
        r = try await http("GET", server.base + "/api/v1/grid", token: token)
        #expect((r.json?["workers"] as? [Any])?.count == 3)
        #expect((r.json?["posts"] as? [[String: Any]])?.compactMap { $0["kind"] as? String } == ["duty-post", "volunteer-station"])
        #expect((r.json?["cells"] as? [[String: Any]])?.first?["id"] as? String == "XH", "cells as a tree from the district")

        // A family's photo: the child from the gate clip, cut out and enlarged with the ffmpeg CLI.
        let photo = folder.appendingPathComponent("child.jpg")
        let ffmpeg = Process()
        ffmpeg.executableURL = URL(fileURLWithPath: "/usr/bin/ffmpeg")
        ffmpeg.arguments = ["-loglevel", "error", "-y", "-i", repoRoot.appendingPathComponent("SampleClips/scenic-gate-640.mp4").path,
                            "-vf", "select=eq(n\\,161),crop=70:80:399:176,scale=280:320:flags=lanczos", "-frames:v", "1", photo.path]
        try ffmpeg.run()
        ffmpeg.waitUntilExit()
        var photoRequest = URLRequest(url: URL(string: server.base + "/api/v1/photo-colours")!)
        photoRequest.httpMethod = "POST"
        photoRequest.httpBody = try Data(contentsOf: photo)
        photoRequest.setValue("image/jpeg", forHTTPHeaderField: "Content-Type")
        let (photoData, photoResponse) = try await URLSession.shared.data(for: photoRequest)
        #expect((photoResponse as? HTTPURLResponse)?.statusCode == 200)
        let colours = try #require(try JSONSerialization.jsonObject(with: photoData) as? [String: [[String: Any]]])
        #expect(colours["upper"]?.first?["name"] as? String == "red", "\(String(decoding: photoData, as: UTF8.self))")
        #expect(colours["lower"]?.first?["name"] as? String == "blue", "\(String(decoding: photoData, as: UTF8.self))")
        r = try await http("POST", server.base + "/api/v1/photo-colours", body: Data("GIF89a not a photo".utf8))
        #expect(r.status == 415)
        r = try await http("POST", server.base + "/api/v1/photo-colours", body: Data([0xFF, 0xD8, 0xFF, 0x00, 0x01]))
        #expect(r.status == 400 && r.text.contains("could not be read"))

        r = try await http("GET", server.base + "/openapi.yaml")
        #expect(r.status == 200 && r.text.hasPrefix("openapi: 3"))
        // A document a tool can read (a colon in a plain description once broke it), naming every route.
        let document = try #require(try Yams.load(yaml: r.text) as? [String: Any], "openapi.yaml is not a YAML mapping")
        let paths = Set((document["paths"] as? [String: Any])?.keys.map { $0 } ?? [])
        for route in ["/api/v1/login", "/api/v1/reports", "/api/v1/reports/{id}/close", "/api/v1/family/{token}", "/api/v1/incidents",
                      "/api/v1/incidents/{id}/resolve", "/api/v1/overview", "/api/v1/events", "/api/v1/grid"] {
            #expect(paths.contains(route), "openapi.yaml lacks \(route)")
        }
        #expect(await server.stop() == 0)
    }
}
