import Foundation
@testable import GridStore
import KinfinderTestSupport
import Matching
import Testing

@Suite("Grid store: camera leases, fenced writes, one incident per sighting")
struct LeaseTests {
    @Test("a lease goes to one holder; it is taken over only once expired; the old holder's writes are then refused", arguments: Engine.all)
    func takeOverAndFencing(engine: Engine) async throws {
        try await withStore(on: engine) { store in
            try await Fixture.seed(store)
            let cams = ["CAM1", "CAM2"]
            // Long leases while the test checks they hold (a loaded machine may pause it for seconds).
            let a = try await store.acquireLeases(holder: "host-a", cameraIDs: cams + ["CAM404"], limit: 5, ttl: 60)
            #expect(a.map(\.cameraID) == cams && a.allSatisfy { $0.token == 1 && $0.holder == "host-a" })
            #expect(try await store.acquireLeases(holder: "host-b", cameraIDs: cams, limit: 5, ttl: 5).isEmpty, "live leases are never taken")
            #expect(try await store.renewLeases(a, ttl: 60) == a)

            // A holder's fenced writes pass.
            let t = try await store.saveTrack(Fixture.track(camera: "CAM1"), fence: a[0])
            #expect(t.id != nil)
            // A fence for another camera is a programming error, not a lost lease.
            let wrongCamera = await #expect(throws: GridStoreError.self) { try await store.saveTrack(Fixture.track(camera: "CAM2"), fence: a[0]) }
            #expect(wrongCamera?.code == .invalidValue)

            // host-a's last renewal, then it dies: the leases lapse.
            #expect(try await store.renewLeases(a, ttl: 0.3) == a)
            try await Task.sleep(for: .milliseconds(1200))
            let b = try await store.acquireLeases(holder: "host-b", cameraIDs: cams, limit: 1, ttl: 5)
            #expect(b.map(\.cameraID) == ["CAM1"] && b[0].token == 2, "limit respected, new token")
            #expect(try await store.renewLeases(a, ttl: 5) == [a[1]], "host-a still has CAM2 (expired but not taken), not CAM1")

            let refused = await #expect(throws: GridStoreError.self) {
                try await store.saveTrack(Fixture.track(camera: "CAM1", trackNo: 2), fence: a[0])
            }
            #expect(refused?.code == .leaseLost)
            #expect(refused?.description.contains("held by host-b with token 2") == true, "\(refused?.description ?? "")")
            let report = try await store.addReport(Fixture.report())
            let late = Incident(reportID: report.id!, trackID: t.id!, cameraID: "CAM1", cellID: "M1", seenAt: Fixture.t0, score: 0.9)
            let refusedIncident = await #expect(throws: GridStoreError.self) {
                try await store.raiseIncident(late, sightingWindow: 120, fence: a[0])
            }
            #expect(refusedIncident?.code == .leaseLost)
            #expect(try await store.incidents(IncidentFilter()).isEmpty)
            #expect(try await store.raiseIncident(late, sightingWindow: 120, fence: b[0]) != nil)

            // A clean hand-over: released leases are free at once.
            try await store.releaseLeases(b)
            let c = try await store.acquireLeases(holder: "host-c", cameraIDs: ["CAM1"], limit: 1, ttl: 5)
            #expect(c.map(\.token) == [3])
            let leases = try await store.cameraLeases()
            #expect(leases.map(\.holder) == ["host-c", "host-a"] && leases.map(\.token) == [3, 1])
        }
    }

    @Test("hosts asking at once each get different cameras", arguments: Engine.all)
    func concurrentAcquisition(engine: Engine) async throws {
        try await withStore(on: engine) { store in
            try await Fixture.seed(store)
            let cams = (1...6).map { "CAM-\($0)" }
            for id in cams { try await store.upsertCamera(Camera(id: id, name: id, cellID: "M1")) }
            let grants = try await withThrowingTaskGroup(of: [LeaseFence].self) { group in
                for h in 0..<3 {
                    group.addTask { try await store.acquireLeases(holder: "host-\(h)", cameraIDs: cams, limit: 2, ttl: 10) }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(grants.count == 6 && Set(grants.map(\.cameraID)).count == 6, "\(grants)")
            #expect(Dictionary(grouping: grants, by: \.holder).values.allSatisfy { $0.count == 2 })
            #expect(try await store.heartbeat(holder: "host-0", ttl: 120) == 1)
            #expect(try await store.heartbeat(holder: "host-1", ttl: 120) == 2)
            try await store.leaveHosts(holder: "host-0")
            #expect(try await store.heartbeat(holder: "host-1", ttl: 120) == 1)
        }
    }

    @Test("one incident per report and sighting window, whichever camera or process raises it", arguments: Engine.all)
    func sightingWindow(engine: Engine) async throws {
        try await withStore(on: engine) { store in
            try await Fixture.seed(store)
            let report = try await store.addReport(Fixture.report())
            var tracks: [Int64] = []
            for n in 0..<10 {
                tracks.append(try await store.saveTrack(Fixture.track(camera: n % 2 == 0 ? "CAM1" : "CAM2", trackNo: n)).id!)
            }
            func incident(_ i: Int, at seconds: Double) -> Incident {
                Incident(reportID: report.id!, trackID: tracks[i], cameraID: i % 2 == 0 ? "CAM1" : "CAM2",
                         cellID: i % 2 == 0 ? "M1" : "C2", seenAt: Fixture.t0.addingTimeInterval(seconds), score: 0.8)
            }
            // Eight raisers (two cameras) see the person within seconds of each other: one incident.
            let first = (0..<8).map { incident($0, at: Double($0)) }
            let raised = try await withThrowingTaskGroup(of: Incident?.self) { group in
                for one in first { group.addTask { try await store.raiseIncident(one, sightingWindow: 120, fence: nil) } }
                return try await group.reduce(into: []) { $0.append($1) }.compactMap { $0 }
            }
            #expect(raised.count == 1)
            #expect(try await store.raiseIncident(incident(8, at: 119), sightingWindow: 120, fence: nil) == nil, "inside the window")
            #expect(try await store.raiseIncident(incident(8, at: 200), sightingWindow: 120, fence: nil) != nil, "a new sighting")
            #expect(try await store.raiseIncident(incident(9, at: 60), sightingWindow: 0, fence: nil) != nil, "no window: per track only")
            #expect(try await store.incidents(IncidentFilter()).count == 3)
        }
    }

    @Test("inside the sighting window a clearly better lead is raised anyway, and the earlier one hears of it", arguments: Engine.all)
    func betterLead(engine: Engine) async throws {
        try await withStore(on: engine) { store in
            try await Fixture.seed(store)
            let report = try await store.addReport(Fixture.report())
            var tracks: [Int64] = []
            for n in 0..<3 { tracks.append(try await store.saveTrack(Fixture.track(camera: n == 2 ? "CAM2" : "CAM1", trackNo: n)).id!) }
            func incident(_ i: Int, at seconds: Double, score: Double) -> Incident {
                Incident(reportID: report.id!, trackID: tracks[i], cameraID: i == 2 ? "CAM2" : "CAM1", cellID: i == 2 ? "C2" : "M1",
                         seenAt: Fixture.t0.addingTimeInterval(seconds), score: score, explanation: "upper red 80%")
            }
            let first = try #require(try await store.raiseIncident(incident(0, at: 0, score: 0.40), sightingWindow: 120, fence: nil))
            // The same person's broken track, about as good: still one lead.
            #expect(try await store.raiseIncident(incident(1, at: 20, score: 0.55), sightingWindow: 120, fence: nil) == nil)
            // The right person on another camera seconds later, clearly better (odds ≥ 4×): raised.
            let better = try #require(try await store.raiseIncident(incident(2, at: 40, score: 0.80), sightingWindow: 120, fence: nil))
            #expect(better.explanation == "clearly better than #\(first.id!) (0.40); upper red 80%", "\(better.explanation)")
            #expect(try await store.incident(id: better.id!)?.explanation == better.explanation)
            let events = try await store.events(incidentID: first.id!)
            #expect(events.map(\.kind) == [.superseded])
            #expect(events.first?.detail == "clearly better lead #\(better.id!) on CAM2 (0.80 against 0.40)")
            #expect(events.first?.cellID == "M1")
            #expect(try await store.incident(id: first.id!)?.status == .open, "the earlier lead stays for a worker to close")
            #expect(try await store.events(incidentID: better.id!).isEmpty)
        }
    }

    @Test("events are handed out in order once committed; a new event is announced on PostgreSQL", .enabled(if: TestPostgres.available, "no PostgreSQL server (TestPostgres says why on standard error)"))
    func eventsAndNotifications() async throws {
        let store = try await PostgresGridStore.connect(url: try await TestPostgres.freshDatabase(), openTimeout: TestPostgres.openTimeout)
        try await Fixture.seed(store)
        let report = try await store.addReport(Fixture.report())
        let track = try await store.saveTrack(Fixture.track())
        let incident = try #require(try await store.raiseIncident(
            Incident(reportID: report.id!, trackID: track.id!, cameraID: "CAM1", cellID: "M1", seenAt: Fixture.t0, score: 0.9)))
        let notifications = try await store.notifications()
        let first = Task { () -> String? in
            for try await payload in notifications { return payload }
            return nil
        }
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await store.startDispatch(
            Dispatch(incidentID: incident.id!, cellID: "M1", respondBy: Fixture.t0, resolveBy: Fixture.t0), at: Fixture.t0))
        let payload = try await first.value
        let events = try await store.events(after: 0, limit: 10)
        #expect(events.map(\.kind) == [.assigned])
        #expect(payload == String(events[0].id!))
        #expect(try await store.latestEventID() == events[0].id!)
        // Append-only on PostgreSQL too.
        await #expect(throws: (any Error).self) { try await store.execute("UPDATE incident_event SET actor = 'me'") }
    }
}
