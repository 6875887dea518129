import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import KinfinderTestSupport
import Testing

/// Who may do what (issue 17, item 2), over a real `serve`: every worker route for an operator, the
/// worker of the incident's micro-grid, the community worker above it, the worker of the
/// neighbouring micro-grid and a worker of another street.
@Suite("kinfinder serve: authorisation by cell subtree and role", .serialized, .ownThread)
struct AuthorisationTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kinfinder-access-\(UUID().uuidString)")
    var db: URL { folder.appendingPathComponent("data/grid.sqlite") }

    static let people: [(id: String, cell: String, role: String, password: String)] = [
        ("zhao", "XH", "operator", "command-centre"),  // the command centre
        ("wang.li", "XH-BS-DQ-01", "grid-worker", "gate-worker-1"),  // the gate's micro-grid: the incident's cell
        ("sun", "XH-BS-DQ", "grid-worker", "community-worker"),  // the community above it
        ("chen", "XH-BS-DQ-02", "grid-worker", "plaza-worker-1"),  // the neighbouring micro-grid
        ("liu", "XH-NS", "grid-worker", "nanshan-worker"),  // another street (the second family's)
    ]

    @Test("operators everywhere; grid workers only their cell and below: incidents, snapshots, actions, the live stream, report changes and family contacts")
    func routesByRole() async throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try kinfinder(["grid", "import", "SampleClips/grid.yaml"], database: db).status == 0)
        for p in Self.people {
            let (process, _, _) = try launch(["worker", "add", p.id, "--cell", p.cell, "--role", p.role, "--password-stdin"], database: db, stdin: p.password + "\n")
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
        }
        let server = try ServeProcess(database: db, arguments: ["--dispatch-interval", "0.2"])
        var tokens: [String: String] = [:]
        for p in Self.people {
            let r = try await http("POST", server.base + "/api/v1/login", json: ["worker": p.id, "password": p.password])
            tokens[p.id] = try #require(r.json?["token"] as? String, "\(p.id): \(r.status) \(r.text)")
        }
        func get(_ path: String, as who: String) async throws -> HTTPResult { try await http("GET", server.base + path, token: tokens[who]) }

        // Two families: one child last seen at the gate (seen there by its camera), one grandmother last
        // seen on Nanshan Road (whom no camera here sees).
        var r = try await http("POST", server.base + "/api/v1/reports", json: [
            "name": "小明", "describe": "红色上衣 蓝色裤子 小孩", "lastSeenCell": "XH-BS-DQ-01", "contact": "138 0000 0000",
        ])
        let child = try #require((r.json?["report"] as? [String: Any])?["id"] as? Int, "\(r.text)")
        r = try await http("POST", server.base + "/api/v1/reports", json: [
            "name": "王奶奶", "describe": "紫色上衣 粉色裤子 老人", "lastSeenCell": "XH-NS-LF-01", "contact": "139 1111 2222",
        ])
        let grandmother = try #require((r.json?["report"] as? [String: Any])?["id"] as? Int, "\(r.text)")
        // Live streams from the start: the gate's worker, and the neighbouring micro-grid's.
        let gateStream = try EventStream(url: server.base + "/api/v1/events?after=0", token: try #require(tokens["wang.li"]))
        let plazaStream = try EventStream(url: server.base + "/api/v1/events?after=0", token: try #require(tokens["chen"]))
        defer {
            gateStream.process.terminate()
            plazaStream.process.terminate()
        }

        let watched = try kinfinder(["watch", "SampleClips/scenic-gate-640.mp4", "--camera", "cam-gate", "--detector", "motion", "--quiet"], database: db)
        #expect(watched.status == 0, "\(watched.err)")
        r = try await get("/api/v1/incidents?report=\(child)", as: "zhao")
        let incident = try #require((r.json?["incidents"] as? [[String: Any]])?.first?["id"] as? Int, "no incident for the child: \(r.text)")
        r = try await get("/api/v1/incidents?report=\(grandmother)", as: "zhao")
        try #require((r.json?["incidents"] as? [Any])?.isEmpty == true, "the grandmother was seen at the gate: \(r.text)")

        // The live stream: the gate's worker gets the dispatch, the neighbour's stream carries nothing.
        #expect(try await gateStream.wait(for: ["\"kind\":\"assigned\"", "\"id\":\(incident)"]) != nil, "the gate's worker was not told")
        try await Task.sleep(for: .seconds(2))
        #expect(try await plazaStream.wait(for: ["event: incident"], timeout: 0.1) == nil, "another micro-grid's stream carried the incident")

        // Reading incidents: the list holds only the worker's part of the grid; a single incident,
        // its snapshot and a list filtered by another cell are refused.
        let covered = ["zhao": true, "wang.li": true, "sun": true, "chen": false, "liu": false]
        for (who, sees) in covered {
            r = try await get("/api/v1/incidents", as: who)
            let ids = (r.json?["incidents"] as? [[String: Any]])?.compactMap { $0["id"] as? Int }
            #expect(r.status == 200 && ids == (sees ? [incident] : []), "\(who) lists \(ids ?? [])")
            for path in ["/api/v1/incidents/\(incident)", "/api/v1/incidents/\(incident)/snapshot", "/api/v1/incidents?cell=XH-BS-DQ-01"] {
                r = try await get(path, as: who)
                #expect(r.status == (sees ? 200 : 403), "\(who) GET \(path): \(r.status) \(r.text)")
            }
            if !sees { #expect(r.text.contains("outside"), "the refusal says why: \(r.text)") }
        }
        r = try await get("/api/v1/incidents?cell=XH-NS-LF-01", as: "liu")
        #expect(r.status == 200, "a cell below one's own may be listed")

        // Acting on it: the neighbours are refused and nothing changes; the community worker may.
        for who in ["chen", "liu"] {
            r = try await http("POST", server.base + "/api/v1/incidents/\(incident)/acknowledge", token: tokens[who])
            #expect(r.status == 403, "\(who) acknowledged another cell's incident: \(r.status)")
            r = try await http("POST", server.base + "/api/v1/incidents/\(incident)/resolve", token: tokens[who], json: ["outcome": "false-alarm"])
            #expect(r.status == 403, "\(who) closed another cell's incident: \(r.status)")
        }
        r = try await get("/api/v1/incidents/\(incident)", as: "zhao")
        let kinds = (r.json?["events"] as? [[String: Any]])?.compactMap { $0["kind"] as? String }
        #expect(r.json?["status"] as? String == "open" && kinds == ["assigned"], "a refused action left a trace: \(r.text)")
        r = try await http("POST", server.base + "/api/v1/incidents/\(incident)/acknowledge", token: tokens["sun"])
        #expect(r.status == 200, "the community worker may acknowledge: \(r.text)")

        // Reports: everyone signed in reads them, the contact only operators and the cells with the case.
        let contactSeen: [String: [Int: Bool]] = [
            "zhao": [child: true, grandmother: true], "wang.li": [child: true, grandmother: false], "sun": [child: true, grandmother: false],
            "chen": [child: false, grandmother: false], "liu": [child: false, grandmother: true],
        ]
        for (who, expected) in contactSeen {
            r = try await get("/api/v1/reports", as: who)
            let listed = Dictionary(uniqueKeysWithValues: (r.jsonArray as? [[String: Any]] ?? []).compactMap { v in (v["id"] as? Int).map { ($0, v) } })
            for (report, seen) in expected {
                let one = try await get("/api/v1/reports/\(report)", as: who)
                for (route, view) in [("list", listed[report]), ("report", one.json)] {
                    #expect((view?["contact"] != nil) == seen, "\(who) \(route) \(report): contact \(view?["contact"] ?? "none")")
                    #expect((view?["contactWithheld"] as? Bool == true) == !seen, "\(who) \(route) \(report): says it is withheld")
                    #expect(view?["name"] != nil, "\(who) reads report \(report)")
                }
            }
        }
        // Changing or closing another cell's report is refused and leaves it open; its own cell may.
        for (who, report) in [("chen", child), ("liu", child), ("wang.li", grandmother), ("sun", grandmother)] {
            r = try await http("PATCH", server.base + "/api/v1/reports/\(report)", token: tokens[who], json: ["notes": "seen near the lake"])
            #expect(r.status == 403, "\(who) changed report \(report): \(r.status)")
            r = try await http("POST", server.base + "/api/v1/reports/\(report)/close", token: tokens[who], json: ["outcome": "found"])
            #expect(r.status == 403 && r.text.contains("command centre"), "\(who) closed report \(report): \(r.status) \(r.text)")
        }
        for report in [child, grandmother] {
            r = try await get("/api/v1/reports/\(report)", as: "zhao")
            #expect(r.json?["status"] as? String == "open" && r.json?["notes"] == nil, "a refused change was stored: \(r.text)")
        }
        r = try await http("PATCH", server.base + "/api/v1/reports/\(grandmother)", token: tokens["liu"], json: ["notes": "walks with a stick"])
        #expect(r.status == 200, "\(r.text)")
        r = try await http("POST", server.base + "/api/v1/incidents/\(incident)/resolve", token: tokens["wang.li"], json: ["outcome": "found"])
        #expect(r.status == 200, "the gate's worker closes the gate's incident: \(r.text)")
        // Found through the incident ends the case: the report is found, closing it again is a conflict.
        r = try await get("/api/v1/reports/\(child)", as: "wang.li")
        let closure = r.json?["closure"] as? [String: Any]
        #expect(r.json?["status"] as? String == "found" && closure?["foundIncidentID"] as? Int == incident
            && closure?["closedBy"] as? String == "wang.li" && closure?["foundCellID"] as? String == "XH-BS-DQ-01", "\(r.text)")
        r = try await http("POST", server.base + "/api/v1/reports/\(child)/close", token: tokens["wang.li"], json: ["outcome": "found"])
        #expect(r.status == 409 && r.text.contains("already found"), "\(r.status) \(r.text)")
        r = try await http("POST", server.base + "/api/v1/reports/\(grandmother)/close", token: tokens["zhao"], json: ["outcome": "withdrawn"])
        #expect(r.status == 200, "the command centre closes any report: \(r.text)")

        // Without a sign-in: none of it.
        for (method, path) in [("GET", "/api/v1/incidents"), ("GET", "/api/v1/incidents/\(incident)"), ("GET", "/api/v1/reports"),
                               ("GET", "/api/v1/reports/\(child)"), ("POST", "/api/v1/reports/\(child)/close"), ("GET", "/api/v1/events")] {
            r = try await http(method, server.base + path, json: method == "POST" ? ["outcome": "found"] : nil)
            #expect(r.status == 401, "\(method) \(path) without sign-in: \(r.status)")
        }
        #expect(await server.stop() == 0)
    }
}
