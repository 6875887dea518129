import Foundation
import GridStore
import KinfinderTestSupport
import Matching
import Testing
#if canImport(Glibc)
import Glibc
#endif

// Several `kinfinder run --shared` hosts on one PostgreSQL grid database (a real server from
// scripts/postgres-test-server), six real RTSP cameras (scripts/rtsp-test-server). One host is
// killed with SIGKILL mid-run: its cameras must move to the others within the lease bound, no
// incident may be raised twice or lost, and the host coming back must not take live leases.

/// A `kinfinder run --shared` host with its own data folder and log file.
final class SharedHost {
    let name: String
    private let run: RunProcess

    init(name: String, config: URL, databaseURL: String, folder: URL) throws {
        self.name = name
        let data = folder.appendingPathComponent("data-\(name)")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        run = try RunProcess(
            arguments: ["run", "--config", config.path, "--database", databaseURL, "--data-dir", data.path, "--shared", "--host-id", name],
            logFolder: folder, logName: name)
    }

    var logText: String { run.logText }
    func kill9() { run.kill9() }
    func stop() -> Int32? { run.stop(timeout: 30) }
}

extension RealTimeSuites {
@Suite("Several hosts share cameras through PostgreSQL", .serialized, .ownThread)
struct MultiHostTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kinfinder-multihost-\(UUID().uuidString)")
    /// 6 s keeps the test short; KINFINDER_TEST_LEASE_TTL=9 measures the default.
    let leaseTTL = ProcessInfo.processInfo.environment["KINFINDER_TEST_LEASE_TTL"].flatMap(Double.init) ?? 6.0
    let window = 8.0

    @Test("3 hosts × 6 cameras: kill -9 one, its cameras are taken over (time printed); no duplicate, no lost incident; it rejoins without stealing a valid lease", .enabled(if: TestPostgres.available, "no PostgreSQL server (TestPostgres says why on standard error)"))
    func failover() async throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = try await TestPostgres.freshDatabase()
        let db = try await PostgresGridStore.connect(url: url, openTimeout: TestPostgres.openTimeout)
        func cli(_ args: [String]) throws -> Run {
            try kinfinder(args + ["--database", url, "--data-dir", folder.appendingPathComponent("data-cli").path], database: folder)
        }
        var r = try cli(["grid", "import", "SampleClips/grid.yaml"])
        try #require(r.status == 0, "\(r.err)")
        r = try cli(["report", "add", "--name", "小明", "--describe", "红色上衣 蓝色裤子 小孩", "--last-seen", "XH-BS-DQ-01", "--at", "10m"])
        try #require(r.status == 0, "\(r.err)")

        let cams = (1...6).map { "mh-\($0)" }
        let server = try RTSPServer(mounts: Dictionary(uniqueKeysWithValues: cams.map { ($0, "SampleClips/scenic-gate-640.mp4") }))
        let cells = ["XH-BS-DQ-01", "XH-BS-DQ-02"]
        let config = folder.appendingPathComponent("cameras.yaml")
        // Leases, fencing and exactly-once raising are under test, not detection: the motion detector
        // (18 pipelines of the learned one in a debug build need more than this machine's two cores).
        let yaml = """
            status_interval: 0.5
            sighting_window: \(window)
            shared: {lease_ttl: \(leaseTTL), renew_every: 1}
            defaults: {analysis_fps: 8, read_timeout: 3, open_timeout: 3, backoff_initial: 0.2, backoff_max: 1, detector: motion}
            cameras:
            \(cams.enumerated().map { "  - {id: \($1), url: \"\(server.url($1))\", cell: \(cells[$0 % 2])}" }.joined(separator: "\n"))

            """
        try yaml.write(to: config, atomically: true, encoding: .utf8)

        var hosts = try ["host-a", "host-b", "host-c"].map { try SharedHost(name: $0, config: config, databaseURL: url, folder: folder) }
        func leases() async throws -> [String: CameraLease] {
            Dictionary(uniqueKeysWithValues: try await db.cameraLeases().map { ($0.cameraID, $0) })
        }
        func holders() async throws -> [String: Int] {
            let held = try await leases().values.compactMap { lease in lease.holder }
            return Dictionary(grouping: held, by: { $0 }).mapValues(\.count)
        }
        // Each host settles on its fair share: 2 cameras.
        let spread = try await waitUntil(40) { try await holders() == ["host-a": 2, "host-b": 2, "host-c": 2] }
        let spreadLeases = try await leases()
        try #require(spread != nil, "leases: \(spreadLeases); logs: \(hosts.map(\.logText).joined(separator: "\n---\n"))")
        // Every camera analysed: frames flowing.
        let live = try await waitUntil(30) {
            let s = try await db.cameraStatuses()
            return s.count == 6 && s.allSatisfy { $0.state == .live && $0.framesAnalysed > 0 }
        }
        let statuses = try await db.cameraStatuses().map { "\($0.cameraID) \($0.state) \($0.framesAnalysed)" }
        #expect(live != nil, "statuses: \(statuses)")
        // Let the child be seen on every camera at least once (the clip is 16 s, looping).
        try await Task.sleep(for: .seconds(12))

        // kill -9 host-a: no clean shutdown, its leases stay until they lapse.
        let before = try await leases()
        let orphans = before.values.filter { $0.holder == "host-a" }.map(\.cameraID).sorted()
        let killedAt = Date()
        hosts[0].kill9()
        let moved = try await waitUntil(30, every: 0.1) {
            let now = try await leases()
            return orphans.allSatisfy { now[$0]?.holder != "host-a" && now[$0]?.holder != nil }
        }
        let afterKill = try await leases()
        try #require(moved != nil, "host-a's cameras \(orphans) were not taken over: \(afterKill)")
        let after = try await leases()
        // From the database's grant times (this machine's clock too), not from when the test looked.
        let takeover = orphans.compactMap { after[$0]?.grantedAt?.timeIntervalSince(killedAt) }.max() ?? .infinity
        for id in orphans { #expect(after[id]!.token == before[id]!.token + 1, "a new fencing token for \(id)") }
        // … and analysed again by their new hosts (frames after the kill).
        let resumed = try await waitUntil(30, every: 0.2) {
            let s = Dictionary(uniqueKeysWithValues: try await db.cameraStatuses().map { ($0.cameraID, $0) })
            return orphans.allSatisfy { id in
                guard let st = s[id], let last = st.lastFrameAt else { return false }
                return st.state == .live && last > killedAt && st.reporter != before[id]?.holder
            }
        }
        try #require(resumed != nil, "orphaned cameras did not resume")
        let nowLive = Dictionary(uniqueKeysWithValues: try await db.cameraStatuses().map { ($0.cameraID, $0) })
        let resumedAfter = orphans.compactMap { nowLive[$0]?.stateSince.timeIntervalSince(killedAt) }.max() ?? .infinity
        print("multi-host: \(orphans) leased again \(String(format: "%.1f", takeover)) s after kill -9 (lease ttl \(leaseTTL) s), analysed again by \(String(format: "%.1f", resumedAfter)) s")
        // How fast (the design: one lease, 6 s here, plus a 1 s round) is measured and printed, not
        // asserted: a loaded test machine delays the hosts' rounds (the take-over happened at all, above).

        // host-a comes back: it must not take a lease the others keep renewing. A lease that lapsed
        // because its holder's renewal came late on a loaded machine may pass to anyone, host-a too:
        // that is a take-over, not a theft. Watched every 0.2 s: a new grant before the previous
        // holder's last known expiry is a theft.
        hosts[0] = try SharedHost(name: "host-a", config: config, databaseURL: url, folder: folder)
        var seen = after
        var stolen: [String] = []
        var lapsed: [String] = []
        let watchUntil = Date().addingTimeInterval(5)
        while Date() < watchUntil {
            for (id, lease) in try await leases() {
                guard let previous = seen[id] else { continue }
                if lease.holder != previous.holder || lease.token != previous.token {
                    let grant = lease.grantedAt ?? .distantPast, expiry = previous.expiresAt ?? .distantFuture
                    if grant < expiry { stolen.append("\(id): \(previous.holder ?? "-") → \(lease.holder ?? "-")") } else { lapsed.append(id) }
                }
                seen[id] = lease
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(stolen.isEmpty, "leases taken while still valid: \(stolen)")
        if !lapsed.isEmpty { print("multi-host: leases that lapsed on late renewals and moved: \(lapsed)") }

        // More loops of the clip, then a clean shutdown of every host.
        try await Task.sleep(for: .seconds(6))
        for h in hosts {
            let status = h.stop()
            #expect(status == 0, "\(h.name) exit \(String(describing: status)): \(h.logText.suffix(2000))")
        }
        // A clean shutdown hands the leases back.
        #expect(try await leases().values.allSatisfy { ($0.expiresAt ?? .distantPast) <= Date() })

        // Exactly once: every stored track of the child is covered by an incident within the
        // sighting window of its time in view (none lost), and no two incidents of the report
        // fall within one window (none duplicated).
        let report = try #require(try await db.reports(status: .open).first)
        let incidents = try await db.incidents(IncidentFilter(reportID: report.id)).sorted { $0.seenAt < $1.seenAt }
        let matcher = Matcher()
        let matching = try await db.tracks(since: nil, cameraID: nil).filter { t in
            (matcher.score(report, t.descriptor, seenAt: t.lastSeenAt)?.total ?? 0) >= matcher.configuration.threshold
        }
        var lost: [Int64] = []
        for t in matching {
            let covered = incidents.contains { i in
                i.trackID == t.id || (i.seenAt > t.firstSeenAt.addingTimeInterval(-window) && i.seenAt < t.lastSeenAt.addingTimeInterval(window))
            }
            if !covered { lost.append(t.id ?? -1) }
        }
        // A duplicate: a lead raised within the window of an earlier one (in the order they were
        // stored) without being clearly better than it (``LeadRule``: a better lead is raised on purpose).
        var duplicates = 0
        let stored = incidents.sorted { ($0.id ?? 0) < ($1.id ?? 0) }
        for (k, b) in stored.enumerated() {
            let near = stored[..<k].filter { abs(b.seenAt.timeIntervalSince($0.seenAt)) < window }.map(\.score)
            if let best = near.max(), !LeadRule.clearlyBetter(b.score, than: best) { duplicates += 1 }
        }
        print("multi-host: \(incidents.count) incidents from \(matching.count) matching tracks on \(Set(incidents.map(\.cameraID)).count) cameras; duplicates \(duplicates), lost \(lost.count)")
        #expect(!incidents.isEmpty && !matching.isEmpty)
        #expect(duplicates == 0)
        #expect(lost.isEmpty, "tracks without an incident: \(lost)")
        _ = server
    }

    @Test("two serve processes on one PostgreSQL: what happens through one, or on a camera, reaches the other's live stream at once (LISTEN/NOTIFY)", .enabled(if: TestPostgres.available, "no PostgreSQL server (TestPostgres says why on standard error)"))
    func liveFanOut() async throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = try await TestPostgres.freshDatabase()
        let cliData = folder.appendingPathComponent("data-cli").path
        func cli(_ args: [String], stdin: String? = nil) throws -> Int32 {
            let (p, _, _) = try launch(args + ["--database", url, "--data-dir", cliData], database: folder, stdin: stdin)
            p.waitUntilExit()
            return p.terminationStatus
        }
        #expect(try cli(["grid", "import", "SampleClips/grid.yaml"]) == 0)
        #expect(try cli(["worker", "add", "zhao", "--cell", "XH", "--role", "operator", "--password-stdin"], stdin: "command-centre\n") == 0)
        #expect(try cli(["report", "add", "--name", "小明", "--describe", "红色上衣 蓝色裤子 小孩", "--last-seen", "XH-BS-DQ-01", "--at", "10m"]) == 0)

        // Two command-centre servers; only one needs to run the dispatch loop for the test, both do.
        let servers = try ["a", "b"].map { name in
            try ServeProcess(database: folder, arguments: [
                "--database", url, "--data-dir", folder.appendingPathComponent("data-serve-\(name)").path, "--dispatch-interval", "0.2",
            ])
        }
        var tokens: [String] = []
        for server in servers {
            let r = try await http("POST", server.base + "/api/v1/login", json: ["worker": "zhao", "password": "command-centre"])
            tokens.append(try #require(r.json?["token"] as? String, "\(r.text)"))
        }
        let streams = try zip(servers, tokens).map { try EventStream(url: $0.base + "/api/v1/events", token: $1) }
        try await Task.sleep(for: .seconds(1))

        // A camera (another process) raises the incident; whichever server dispatches it, both streams show it.
        #expect(try cli(["watch", "SampleClips/scenic-gate-640.mp4", "--camera", "cam-gate", "--quiet"]) == 0)
        for stream in streams {
            #expect(try await stream.wait(for: ["\"kind\":\"assigned\"", "XH-BS-DQ-01"], timeout: 20) != nil, "no live event")
        }
        let r = try await http("GET", servers[0].base + "/api/v1/incidents?status=open", token: tokens[0])
        let id = try #require((r.json?["incidents"] as? [[String: Any]])?.first?["id"] as? Int)

        // The pictures were taken on the camera's host (its own data folder): both servers serve them
        // from the shared database (issue 16, item 8) — the crop, the whole frame, the strip.
        for (server, token) in zip(servers, tokens) {
            let view = try await http("GET", server.base + "/api/v1/incidents/\(id)", token: token)
            #expect(view.json?["frameURL"] as? String == "/api/v1/incidents/\(id)/snapshot?kind=frame", "\(view.text)")
            #expect(view.json?["stripURL"] as? String == "/api/v1/incidents/\(id)/snapshot?kind=strip", "\(view.text)")
            for kind in ["crop", "frame", "strip"] {
                let picture = try await http("GET", server.base + "/api/v1/incidents/\(id)/snapshot?kind=\(kind)", token: token)
                #expect(picture.status == 200 && picture.headers["content-type"] == "image/jpeg" && picture.body.starts(with: [0xFF, 0xD8]),
                        "\(kind) from \(server.base): \(picture.status) \(picture.text.prefix(200))")
            }
        }

        // Acknowledged through server a: server b's stream carries it well before its 15 s rest would end,
        // so it came by notification, not by polling.
        let acknowledgedAt = Date()
        let ack = try await http("POST", servers[0].base + "/api/v1/incidents/\(id)/acknowledge", token: tokens[0])
        #expect(ack.status == 200, "\(ack.text)")
        #expect(try await streams[1].wait(for: ["\"kind\":\"acknowledged\"", "\"actor\":\"zhao\""], timeout: 10) != nil)
        let latency = Date().timeIntervalSince(acknowledgedAt)
        print("multi-host: acknowledgement through serve a reached serve b's live stream in \(String(format: "%.2f", latency)) s")
        #expect(latency < 5, "\(latency) s: notifications did not arrive")
        for server in servers { #expect(await server.stop() == 0) }
    }

    /// Polls `condition` until it holds; the seconds it took, or nil after `timeout`.
    private func waitUntil(_ timeout: Double, every: Double = 0.25, _ condition: () async throws -> Bool) async throws -> Double? {
        let start = Date()
        while Date().timeIntervalSince(start) < timeout {
            if try await condition() { return Date().timeIntervalSince(start) }
            try await Task.sleep(for: .milliseconds(Int(every * 1000)))
        }
        return nil
    }
}
}  // extension RealTimeSuites
