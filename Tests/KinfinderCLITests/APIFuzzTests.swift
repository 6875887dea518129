import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import KinfinderTestSupport
import Testing

/// Hostile and confused inputs for every route: wrong types, huge and negative numbers, impossible
/// dates, control characters, deep nesting, broken JSON and bytes, odd ids and query values.
struct FuzzInputs {
    var rng: SeededGenerator

    mutating func pick<T>(_ items: [T]) -> T { items[Int(rng.next() % UInt64(items.count))] }
    mutating func chance(_ p: Double) -> Bool { Double(rng.next() % 10_000) < p * 10_000 }

    mutating func scalar() -> Any {
        pick([
            "", "red", "blue", "红色上衣 蓝色裤子 小孩", "child in a red top", String(repeating: "a", count: 5000), "\u{0}x",
            "\u{1B}[2J", "\u{202E}abc", "🔴🧒", "2026-13-45T25:61:00Z", "20261-11-23T14:30:00Z", "1889-01-01T00:00:00Z",
            "' OR 1=1 --", "<script>alert(1)</script>", "XH-BS-DQ-01", "XH", "found", "false-alarm", "withdrawn", "child",
            "elderly", "me", "null", "-1", "1e309", 0, -1, 1, 7, 1e308, -1e308, Int.max, Int.min, 0.5, -0.0, true, false, NSNull(),
            ISO8601DateFormatter().string(from: Date()),
        ] as [Any])
    }

    mutating func value(depth: Int = 0) -> Any {
        switch rng.next() % 10 {
        case 0...5: return scalar()
        case 6: return (0..<Int(rng.next() % 4)).map { _ in depth < 3 ? value(depth: depth + 1) : scalar() }
        case 7: return depth < 3 ? ["name": value(depth: depth + 1), "x": scalar()] as [String: Any] : [:] as [String: Any]
        case 8:
            // Deeply nested arrays.
            var v: Any = scalar()
            for _ in 0..<Int(rng.next() % 200) { v = [v] }
            return v
        default: return [String](repeating: "red", count: Int(rng.next() % 300))
        }
    }

    mutating func object(fields: [String]) -> [String: Any] {
        var o: [String: Any] = [:]
        for f in fields where chance(0.6) { o[f] = value() }
        if chance(0.2) { o[pick(["extra", "", "__proto__", "id", "status"])] = value() }
        return o
    }

    mutating func rawBody() -> Data {
        switch rng.next() % 6 {
        case 0: return Data()
        case 1: return Data("{\"describe\": \"red top".utf8)  // truncated
        case 2: return Data([0xFF, 0xFE, 0x7B, 0x22, 0xC3, 0x28, 0x22, 0x7D])  // invalid UTF-8 around JSON
        case 3: return Data((0..<Int(rng.next() % 2000)).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
        case 4: return Data([0xFF, 0xD8, 0xFF, 0xE0] + (0..<Int(rng.next() % 4000)).map { _ in UInt8(truncatingIfNeeded: rng.next()) })  // "JPEG"
        default: return Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + (0..<64).map { _ in UInt8(truncatingIfNeeded: rng.next()) })  // "PNG"
        }
    }

    mutating func id() -> String {
        pick(["1", "2", "0", "-1", "999999999", "99999999999999999999", "abc", "1.5", "%00", "%2e%2e", "1%20OR%201%3D1",
              String(repeating: "9", count: 300), "%F0%9F%94%B4", "1e3", "+1", "0x10"])
    }

    mutating func query(keys: [String]) -> String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        var parts: [String] = []
        for k in keys where chance(0.3) {
            let v = "\(scalar())".prefix(400)
            parts.append("\(k)=\(v.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")")
        }
        return parts.isEmpty ? "" : "?" + parts.joined(separator: "&")
    }
}

@Suite("kinfinder serve: fuzzed API inputs", .serialized, .ownThread)
struct APIFuzzTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kinfinder-fuzz-\(UUID().uuidString)")
    var db: URL { folder.appendingPathComponent("data/grid.sqlite") }

    @Test("no client input gives a 5xx: 1,200 seeded requests with confused bodies, ids and queries on every API route; the server stays up")
    func fuzz() async throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try kinfinder(["grid", "import", "SampleClips/grid.yaml"], database: db).status == 0)
        for (id, cell, role, password) in [("zhao", "XH", "operator", "command-centre"), ("wang.li", "XH-BS-DQ-01", "grid-worker", "gate-worker-1")] {
            let (p, _, _) = try launch(["worker", "add", id, "--cell", cell, "--role", role, "--password-stdin"], database: db, stdin: password + "\n")
            p.waitUntilExit()
            #expect(p.terminationStatus == 0)
        }
        // An incident for the incident routes to reach: the child on the gate clip.
        #expect(try kinfinder(["report", "add", "--name", "小明", "--describe", "红色上衣 蓝色裤子 小孩", "--last-seen", "XH-BS-DQ-01", "--at", "0m"],
                              database: db).status == 0)
        let watched = try kinfinder(["watch", "SampleClips/scenic-gate-640.mp4", "--camera", "cam-gate", "--detector", "motion"], database: db)
        #expect(watched.status == 0 && watched.out.contains("incident(s) raised") && !watched.out.contains("; 0 incident(s)"), "\(watched.out)")
        let server = try ServeProcess(database: db)
        func signIn(_ worker: String, _ password: String) async throws -> String {
            let r = try await http("POST", server.base + "/api/v1/login", json: ["worker": worker, "password": password])
            return try #require(r.json?["token"] as? String, "\(r.status) \(r.text)")
        }
        let operatorToken = try await signIn("zhao", "command-centre")
        let workerToken = try await signIn("wang.li", "gate-worker-1")
        // Something for the ids to point at.
        let filed = try await http("POST", server.base + "/api/v1/reports", token: operatorToken,
                                   json: ["name": "小明", "upper": ["red"], "lower": ["blue"], "lastSeenCell": "XH-BS-DQ-01"])
        #expect(filed.status == 201, "\(filed.text)")
        let familyToken = try #require((filed.json?["familyLink"] as? String)?.split(separator: "/").last.map(String.init))

        let reportFields = ["name", "describe", "upper", "lower", "ageGroup", "heightCM", "lastSeenCell", "lastSeenAt", "contact", "notes"]
        let newReport: [String: Any] = ["name": "x", "upper": ["red"], "lastSeenCell": "XH-BS-DQ-01"]
        // Each route with its fields, query keys and a valid body that one changed field makes hostile.
        let routes: [(method: String, path: String, fields: [String], query: [String], valid: [String: Any])] = [
            ("POST", "login", ["worker", "password"], [], ["worker": "zhao", "password": "wrong"]),
            ("POST", "logout", [], [], [:]),
            ("GET", "grid", [], [], [:]),
            ("GET", "overview", [], ["cell", "since"], [:]),
            ("POST", "reports", reportFields, [], newReport),
            ("POST", "reading", ["describe"], [], ["describe": "红色上衣 蓝色裤子"]),
            ("GET", "reports", [], ["status", "limit", "after", "cell", "since"], [:]),
            ("GET", "reports/{id}", [], [], [:]),
            ("PATCH", "reports/{id}", reportFields, [], ["notes": "seen near the gate"]),
            ("POST", "reports/{id}/close", ["outcome"], [], ["outcome": "withdrawn"]),
            ("GET", "family/{token}", [], [], [:]),
            ("POST", "photo-colours", [], [], [:]),
            ("GET", "incidents", [], ["status", "cell", "camera", "report", "since", "limit", "after", "assigned"], [:]),
            ("GET", "incidents/{id}", [], [], [:]),
            ("GET", "incidents/{id}/snapshot", [], [], [:]),
            ("POST", "incidents/{id}/acknowledge", ["note"], [], ["note": "on my way"]),
            ("POST", "incidents/{id}/resolve", ["outcome", "note"], [], ["outcome": "false-alarm"]),
            ("GET", "events", [], ["after", "token"], [:]),
        ]
        var inputs = FuzzInputs(rng: SeededGenerator(state: 0x6B69_6E66_696E_6465))
        var failures: [String] = []
        var statuses: [Int: Int] = [:]
        for n in 0..<1200 {
            var route = inputs.pick(routes)
            // Sign-in is bcrypt-slow and throttled: one request in 40.
            if route.path == "login" && !inputs.chance(0.1) { route = routes[4] }
            var path = route.path
            if path.contains("{id}") { path = path.replacingOccurrences(of: "{id}", with: inputs.id()) }
            if path.contains("{token}") { path = path.replacingOccurrences(of: "{token}", with: inputs.chance(0.3) ? familyToken : inputs.id()) }
            // The live stream stays open when signed in: only its refusals are fuzzed.
            // Signing out would end the session the rest of the run uses: only its refusals are fuzzed.
            let signedIn = route.path != "events" && route.path != "logout" && inputs.chance(0.75)
            let token = signedIn ? (inputs.chance(0.7) ? operatorToken : workerToken) : (inputs.chance(0.1) ? "made-up" : nil)
            let url = server.base + "/api/v1/" + path + inputs.query(keys: route.query)
            var body: Data? = nil
            var contentType = "application/json"
            if route.method != "GET" {
                switch inputs.rng.next() % 12 {
                case 10, 11:
                    // A valid body with one field made hostile (or left valid).
                    var o = route.valid
                    if let f = route.fields.isEmpty ? nil : inputs.pick(route.fields), inputs.chance(0.7) { o[f] = inputs.value() }
                    body = try JSONSerialization.data(withJSONObject: o)
                case 0...5: body = try JSONSerialization.data(withJSONObject: inputs.object(fields: route.fields))
                case 6: body = try JSONSerialization.data(withJSONObject: [inputs.value(), inputs.value()])
                case 7: body = inputs.rawBody(); contentType = inputs.pick(["application/json", "image/jpeg", "text/plain", ""])
                case 8: body = inputs.rawBody()
                default: body = nil
                }
            }
            let r = try await http(route.method, url, token: token, body: body, contentType: contentType)
            statuses[r.status, default: 0] += 1
            if r.status >= 500 {
                let shown = body.map { String(decoding: $0.prefix(160), as: UTF8.self) } ?? "-"
                failures.append("#\(n) \(route.method) \(url.prefix(200)) body \(shown): \(r.status) \(r.text.prefix(200))")
            }
        }
        print("fuzz: answers by status \(statuses.sorted { $0.key < $1.key })")
        #expect(failures.isEmpty, "\(failures.count) answers were 5xx:\n\(failures.prefix(20).joined(separator: "\n"))")
        // The fuzzing reached past the validation: some requests were accepted, many refused.
        #expect(statuses.filter { (200..<300).contains($0.key) }.values.reduce(0, +) > 50, "\(statuses)")
        #expect(statuses[400, default: 0] > 100, "\(statuses)")
        // Still up and answering.
        #expect(server.process.isRunning)
        #expect(try await http("GET", server.base + "/healthz").status == 200)
        #expect(try await http("GET", server.base + "/api/v1/incidents", token: operatorToken).status == 200)
        #expect(await server.stop() == 0)
    }
}
