import Foundation
@testable import GridStore
import GRDB
import KinfinderTestSupport
@testable import KinfinderCore
import Matching
import Testing
import Detection
import Description

/// A grid database with the sample grid, one report, one track and `incidents` incidents in the
/// south-gate micro-grid.
struct DispatchWorkspace {
    let folder: URL
    let engine: StoreEngine
    let location: String
    var incidentIDs: [Int64] = []

    init(_ engine: StoreEngine = .sqlite, incidents: Int = 1) async throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("kinfinder-dispatch-\(UUID().uuidString)")
        self.engine = engine
        location = try await engine.freshLocation(sqlitePath: folder.appendingPathComponent("grid.sqlite").path)
        let store = try await engine.open(location)
        let grid = try GridFile.load(path: repoRoot.appendingPathComponent("SampleClips/grid.yaml").path)
        try await store.upsertCells(grid.cells)
        for c in grid.cameras { try await store.upsertCamera(c) }
        let report = try await store.addReport(MissingPersonReport(name: "小明", ageGroup: .child, upper: [.red]))
        for n in 0..<incidents {
            let d = TrackDescriptor(
                trackID: n, firstSeen: 0, lastSeen: 5, upper: ColourHistogram(counts: [9, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0]),
                lower: ColourHistogram(), lowerVisibility: 0, heightPixels: 50, heightFraction: 0.2, relativeHeight: nil, speed: 0,
                heading: 0, loiterSeconds: 0, observations: 10, bestBox: Box(x: 0, y: 0, width: 10, height: 30), bestTime: 1)
            let track = try await store.saveTrack(StoredTrack(cameraID: "cam-gate", runID: "r", firstSeenAt: Date(), lastSeenAt: Date(), descriptor: d))
            let incident = try await store.raiseIncident(Incident(
                reportID: report.id!, trackID: track.id!, cameraID: "cam-gate", cellID: "XH-BS-DQ-01", seenAt: Date(), score: 0.9))
            incidentIDs.append(incident!.id!)
        }
    }

    /// A new connection to the workspace's database (as a restarted process would open it).
    func open() async throws -> any GridStore { try await engine.open(location) }
    func remove() { try? FileManager.default.removeItem(at: folder) }
}

@Suite("Dispatch and escalation")
struct DispatchTests {
    let t0 = Date(timeIntervalSince1970: 1_795_400_000)

    @Test("unacknowledged: micro-grid → community → street → district, then overdue once; deadlines survive a restart", arguments: StoreEngine.all)
    func escalatesUpTheGrid(engine: StoreEngine) async throws {
        let ws = try await DispatchWorkspace(engine)
        defer { ws.remove() }
        let id = ws.incidentIDs[0]
        var dispatcher = Dispatcher(store: try await ws.open())

        #expect(try await dispatcher.round(now: t0).assigned == [id])
        var d = try #require(try await dispatcher.store.dispatch(incidentID: id))
        #expect(d.cellID == "XH-BS-DQ-01" && d.respondBy == t0.addingTimeInterval(300) && d.resolveBy == t0.addingTimeInterval(86_400))
        #expect(try await dispatcher.round(now: t0).assigned.isEmpty, "dispatched once")
        #expect(try await dispatcher.round(now: t0.addingTimeInterval(299)) == DispatchRound(), "not yet late")

        let t1 = t0.addingTimeInterval(301)
        #expect(try await dispatcher.round(now: t1).escalated == [id])
        d = try #require(try await dispatcher.store.dispatch(incidentID: id))
        #expect(d.cellID == "XH-BS-DQ" && d.escalations == 1 && d.respondBy == t1.addingTimeInterval(300))

        // The server stops in the middle of the community's deadline; a new process opens the same file.
        dispatcher = Dispatcher(store: try await ws.open())
        #expect(try await dispatcher.round(now: t1.addingTimeInterval(200)) == DispatchRound())
        let t2 = t1.addingTimeInterval(300)
        #expect(try await dispatcher.round(now: t2).escalated == [id])
        #expect(try await dispatcher.store.dispatch(incidentID: id)?.cellID == "XH-BS")
        let t3 = t2.addingTimeInterval(300)
        #expect(try await dispatcher.round(now: t3).escalated == [id])
        #expect(try await dispatcher.store.dispatch(incidentID: id)?.cellID == "XH")
        let t4 = t3.addingTimeInterval(300)
        #expect(try await dispatcher.round(now: t4).overdue == [id])
        #expect(try await dispatcher.round(now: t4.addingTimeInterval(600)) == DispatchRound(), "flagged once")

        let events = try await dispatcher.store.events(incidentID: id)
        #expect(events.map(\.kind) == [.assigned, .escalated, .escalated, .escalated, .overdue])
        #expect(events.map(\.cellID) == ["XH-BS-DQ-01", "XH-BS-DQ", "XH-BS", "XH", "XH"])
        #expect(events.map(\.at) == [t0, t1, t2, t3, t4])
        #expect(events[1].detail.contains("not acknowledged by XH-BS-DQ-01 in 5 min"))
    }

    @Test("acknowledged at community level: counted there, no more response escalation; the resolution deadline still climbs", arguments: StoreEngine.all)
    func acknowledgedAndResolution(engine: StoreEngine) async throws {
        let ws = try await DispatchWorkspace(engine, incidents: 2)
        defer { ws.remove() }
        let store = try await ws.open()
        let policy = DispatchPolicy(response: [.microGrid: 60], resolution: [.microGrid: 3600, .community: 1800])
        let dispatcher = Dispatcher(store: store, policy: policy)
        let (a, b) = (ws.incidentIDs[0], ws.incidentIDs[1])
        #expect(try await dispatcher.round(now: t0).assigned == [a, b])
        #expect(try await dispatcher.round(now: t0.addingTimeInterval(61)).escalated == [a, b], "per-level deadline: 60 s")

        let acked = try await store.acknowledge(incidentID: a, by: "wang.li", at: t0.addingTimeInterval(90))
        #expect(acked.status == .acknowledged)
        _ = try await store.resolve(incidentID: b, outcome: .falseAlarm, by: "wang.li", note: "a different child", at: t0.addingTimeInterval(95))
        #expect(try await store.handledCounts() == [.community: 1])
        await #expect(throws: GridStoreError.self) { try await store.acknowledge(incidentID: a, by: "x", at: t0) }
        await #expect(throws: GridStoreError.self) { try await store.resolve(incidentID: b, outcome: .resolved, by: "x", note: "", at: t0) }

        // Acknowledged: the community's response deadline passes without effect …
        #expect(try await dispatcher.round(now: t0.addingTimeInterval(1000)) == DispatchRound())
        // … but not resolved within the micro-grid's hour from dispatch: it climbs to the street, which gets its own 24 h.
        #expect(try await dispatcher.round(now: t0.addingTimeInterval(3599)) == DispatchRound())
        let late = t0.addingTimeInterval(3600)
        #expect(try await dispatcher.round(now: late).escalated == [a])
        let d = try #require(try await store.dispatch(incidentID: a))
        #expect(d.cellID == "XH-BS" && d.acknowledgedBy == "wang.li" && d.handledLevel == .community)
        #expect(d.resolveBy == late.addingTimeInterval(86_400))
        _ = try await store.resolve(incidentID: a, outcome: .resolved, by: "zhao.min", note: "found at the plaza", at: late.addingTimeInterval(60))
        #expect(try await store.events(incidentID: a).map(\.kind) == [.assigned, .escalated, .acknowledged, .resolutionOverdue, .resolved])
        #expect(try await store.events(incidentID: b).map(\.actor) == ["system", "system", "wang.li"])
        #expect(try await dispatcher.round(now: late.addingTimeInterval(100_000)) == DispatchRound(), "closed incidents rest")
    }

    @Test("nobody on duty: an empty cell is passed over at once, on dispatch and on escalation, and the events say so", arguments: StoreEngine.all)
    func passesOverEmptyCells(engine: StoreEngine) async throws {
        let ws = try await DispatchWorkspace(engine)
        defer { ws.remove() }
        let store = try await ws.open()
        // The gate's micro-grid and the street have nobody; the community and the command centre do.
        try await store.upsertWorker(GridWorker(id: "sun", name: "孙", cellID: "XH-BS-DQ"), passwordHash: nil)
        try await store.upsertWorker(GridWorker(id: "zhao", name: "赵", cellID: "XH", role: .operator), passwordHash: nil)
        let dispatcher = Dispatcher(store: store, policy: DispatchPolicy(response: [.microGrid: 60, .community: 120, .district: 600]))
        let id = ws.incidentIDs[0]
        #expect(try await dispatcher.round(now: t0).assigned == [id])
        var d = try #require(try await store.dispatch(incidentID: id))
        #expect(d.cellID == "XH-BS-DQ" && d.respondBy == t0.addingTimeInterval(120), "the community's own deadline")
        let assigned = try #require(try await store.events(incidentID: id).first)
        #expect(assigned.kind == .assigned && assigned.cellID == "XH-BS-DQ")
        #expect(assigned.detail.hasSuffix("; nobody on duty in micro-grid XH-BS-DQ-01"), "\(assigned.detail)")

        let t1 = t0.addingTimeInterval(121)
        #expect(try await dispatcher.round(now: t1).escalated == [id])
        d = try #require(try await store.dispatch(incidentID: id))
        #expect(d.cellID == "XH" && d.escalations == 1 && d.respondBy == t1.addingTimeInterval(600), "the street is passed over")
        let escalated = try #require(try await store.events(incidentID: id).last)
        #expect(escalated.detail == "not acknowledged by XH-BS-DQ in 2 min → district XH; nobody on duty in street XH-BS", "\(escalated.detail)")

        // Nobody on duty anywhere above: straight to the top, and it says the top is empty too.
        let staffing = Dispatcher.Staffing(
            cells: Dictionary(uniqueKeysWithValues: try await store.cells().map { ($0.id, $0) }),
            workers: [GridWorker(id: "a", name: "a", cellID: "XH-NS")])
        let gate = try #require(try await store.cell(id: "XH-BS-DQ-01"))
        let (top, passed) = staffing.responsible(from: gate)
        #expect(top.id == "XH" && passed.map(\.id) == ["XH-BS-DQ-01", "XH-BS-DQ", "XH-BS"])
        #expect(staffing.note(passed, to: top)
            == "nobody on duty in micro-grid XH-BS-DQ-01, community XH-BS-DQ, street XH-BS; nobody on duty in district XH either")
    }

    @Test("two dispatchers on one database assign and escalate each incident once", arguments: StoreEngine.all)
    func concurrentDispatchers(engine: StoreEngine) async throws {
        let ws = try await DispatchWorkspace(engine, incidents: 5)
        defer { ws.remove() }
        let one = Dispatcher(store: try await ws.open()), two = Dispatcher(store: try await ws.open())
        async let r1 = one.round(now: t0)
        async let r2 = two.round(now: t0)
        let (x, y) = try await (r1, r2)
        #expect((x.assigned + y.assigned).sorted() == ws.incidentIDs)
        async let e1 = one.round(now: t0.addingTimeInterval(400))
        async let e2 = two.round(now: t0.addingTimeInterval(400))
        let (p, q) = try await (e1, e2)
        #expect((p.escalated + q.escalated).sorted() == ws.incidentIDs)
        for id in ws.incidentIDs { #expect(try await one.store.events(incidentID: id).count == 2) }
    }

    @Test("the event history is append-only")
    func appendOnly() async throws {
        let ws = try await DispatchWorkspace()
        defer { ws.remove() }
        let store = try SQLiteGridStore(path: ws.location)
        _ = try await Dispatcher(store: store).round(now: t0)
        #expect(throws: (any Error).self) { try store.pool.write { try $0.execute(sql: "UPDATE incident_event SET actor = 'me'") } }
        #expect(throws: (any Error).self) { try store.pool.write { try $0.execute(sql: "DELETE FROM incident_event") } }
        #expect(try await store.events(incidentID: ws.incidentIDs[0]).map(\.actor) == ["system"])
    }
}
