import Foundation
import KinfinderTestSupport
import Testing
@testable import GridStore
import Matching
import Description

/// The incident and report lists as the command centre pages through them (issue 17, item 6): from
/// an index in list order on both engines, and page after page by a cursor.
@Suite("Incident and report lists: indexes and keyset pages")
struct IncidentListTests {
    /// One report, `count` tracks and an incident for each; creation times in threes (ties are
    /// broken by id).
    private func seed(_ store: any GridStore, count: Int) async throws -> Int64 {
        try await Fixture.seed(store)
        let report = try #require(try await store.addReport(Fixture.report()).id)
        for i in 0..<count {
            let track = try #require(try await store.saveTrack(Fixture.track(trackNo: i + 1)).id)
            let camera = i % 2 == 0 ? "CAM1" : "CAM2", cell = i % 2 == 0 ? "M1" : "C2"
            var incident = Fixture.incident(report: report, track: track, camera: camera, cell: cell,
                                            createdAt: Fixture.t0.addingTimeInterval(Double(i / 3) * 10))
            if i % 4 == 0 { incident.status = .acknowledged }
            _ = try #require(try await store.raiseIncident(incident))
        }
        return report
    }

    private static let filters: [(String, IncidentFilter)] = [
        ("all", IncidentFilter(limit: 200)),
        ("status", IncidentFilter(status: .open, limit: 200)),
        ("report", IncidentFilter(reportID: 1, limit: 200)),
        ("camera", IncidentFilter(cameraID: "CAM1", limit: 200)),
        ("cell", IncidentFilter(cellID: "M1", limit: 200)),
        ("since", IncidentFilter(since: Fixture.t0, limit: 200)),
        ("status and cell", IncidentFilter(status: .open, cellID: "C2", limit: 200)),
        ("after a cursor", IncidentFilter(after: 5, limit: 200)),
        ("status after a cursor", IncidentFilter(status: .open, after: 5, limit: 200)),
    ]

    /// The plan of `query` on `store`, checked: no scan of the table, no sort, one of `indexes` used.
    /// `sorting`: a sort of what the index found is allowed (a query over a few index ranges).
    private func expectIndexed(
        _ query: StoreQueries.Query, on store: any GridStore, using indexes: [String], _ name: String, sorting: Bool = false
    ) async throws {
        let plan: [String]
        switch store {
        case let s as SQLiteGridStore:
            plan = try await s.queryPlan(query)
            #expect(!plan.contains { $0.hasPrefix("SCAN") && !$0.contains("USING") }, "\(name): \(plan)")
        case let s as PostgresGridStore:
            plan = try await s.queryPlan(query, sorting: sorting)
            #expect(!plan.contains { $0.contains("Seq Scan") || $0.contains("Bitmap") }, "\(name): \(plan)")
        default:
            Issue.record("unknown store \(type(of: store))")
            return
        }
        if !sorting { #expect(!plan.contains { $0.contains("TEMP B-TREE") || $0.contains("Sort") }, "\(name): \(plan)") }
        #expect(plan.contains { line in indexes.contains { line.contains($0) } }, "\(name) uses \(indexes): \(plan)")
    }

    @Test("the list and each of its filters read an index in list order: no scan of the table, no sort", arguments: Engine.all)
    func plans(engine: Engine) async throws {
        try await withStore(on: engine) { store in
            _ = try await seed(store, count: 12)
            for (name, filter) in Self.filters {
                try await expectIndexed(StoreQueries.incidents(filter), on: store, using: ["incident_"], name)
            }
            // The report list: by id (the primary key), or by status in id order, page after page.
            let primaryKey = ["PRIMARY KEY", "report_pkey"]
            try await expectIndexed(StoreQueries.reports(status: nil, after: 3, limit: 50), on: store, using: primaryKey, "reports after")
            for (name, after) in [("open reports", nil), ("open reports after", 3)] as [(String, Int64?)] {
                try await expectIndexed(StoreQueries.reports(status: .open, after: after, limit: 50), on: store, using: ["report_status"], name)
            }
            // Tracks since a time: of one camera (a takeover's look back), or of all (retro search).
            try await expectIndexed(StoreQueries.tracks(since: Fixture.t0, cameraID: "CAM1"), on: store, using: ["track_camera_seen"], "a camera's tracks")
            try await expectIndexed(StoreQueries.tracks(since: Fixture.t0, cameraID: nil), on: store, using: ["track_last_seen"], "tracks since")
            // The dispatcher's every round: from the open incidents' index, not the whole history.
            try await expectIndexed(StoreQueries.undispatched(limit: 100), on: store, using: ["incident_status_created"], "undispatched")
            try await expectIndexed(StoreQueries.dueDispatches(now: Fixture.t0), on: store, using: ["incident_status_created"], "due dispatches", sorting: true)
        }
    }

    @Test("pages follow one another without gaps or repeats, in list order, even as new incidents arrive", arguments: Engine.all)
    func keysetPages(engine: Engine) async throws {
        try await withStore(on: engine) { store in
            let report = try await seed(store, count: 25)
            let whole = try await store.incidents(IncidentFilter(limit: 1000))
            #expect(whole.count == 25)
            // Newest first: by creation time, ties by id.
            #expect(whole.map(\.id) == whole.sorted { ($0.createdAt, $0.id ?? 0) > ($1.createdAt, $1.id ?? 0) }.map(\.id))

            var pages: [[Incident]] = []
            var after: Int64? = nil
            repeat {
                let page = try await store.incidents(IncidentFilter(after: after, limit: 10))
                pages.append(page)
                after = page.count == 10 ? page.last?.id : nil
                if pages.count == 1 {
                    // A newer incident arriving between pages does not shift the pages still to come.
                    let track = try #require(try await store.saveTrack(Fixture.track(trackNo: 99)).id)
                    _ = try await store.raiseIncident(Fixture.incident(report: report, track: track, createdAt: Fixture.t0.addingTimeInterval(3600)))
                }
            } while after != nil && pages.count < 10
            #expect(pages.map(\.count) == [10, 10, 5])
            #expect(pages.flatMap { $0 }.map(\.id) == whole.map(\.id))

            // With a filter too; an unknown cursor lists nothing.
            let open = try await store.incidents(IncidentFilter(status: .open, limit: 1000))
            let firstOpen = try await store.incidents(IncidentFilter(status: .open, limit: 4))
            let restOpen = try await store.incidents(IncidentFilter(status: .open, after: firstOpen.last?.id, limit: 1000))
            #expect((firstOpen + restOpen).map(\.id) == open.map(\.id))
            #expect(try await store.incidents(IncidentFilter(after: 987_654, limit: 10)).isEmpty)
        }
    }

    @Test("report pages: oldest first, after a cursor, with or without a status", arguments: Engine.all)
    func reportPages(engine: Engine) async throws {
        try await withStore(on: engine) { store in
            try await Fixture.seed(store)
            var ids: [Int64] = []
            for i in 0..<7 { ids.append(try #require(try await store.addReport(Fixture.report(name: "R\(i)")).id)) }
            _ = try await store.closeCase(reportID: ids[2], outcome: .found, foundIncidentID: nil, foundCellID: nil, by: "zhao", note: "", at: Fixture.t0)
            #expect(try await store.reports(status: nil).map(\.id) == ids)
            let first = try await store.reports(status: nil, after: nil, limit: 3)
            let second = try await store.reports(status: nil, after: first.last?.id, limit: 3)
            let third = try await store.reports(status: nil, after: second.last?.id, limit: 3)
            #expect((first + second + third).map(\.id) == ids && third.count == 1)
            let open = try await store.reports(status: .open, after: ids[0], limit: 2)
            #expect(open.map(\.id) == [ids[1], ids[3]])
        }
    }

    @Test("a worker's part of the grid: incidents of a set of cells, and which reports were seen there", arguments: Engine.all)
    func cellSubtree(engine: Engine) async throws {
        try await withStore(on: engine) { store in
            let report = try await seed(store, count: 6)
            let unseen = try #require(try await store.addReport(Fixture.report(name: "nobody saw her")).id)
            let m1 = try await store.incidents(IncidentFilter(cellIDs: ["M1"], limit: 100))
            #expect(m1.count == 3 && m1.allSatisfy { $0.cellID == "M1" })
            #expect(try await store.incidents(IncidentFilter(cellIDs: ["M1", "C2"], limit: 100)).map(\.id)
                == (try await store.incidents(IncidentFilter(limit: 100))).map(\.id), "newest first, as the whole list")
            #expect(try await store.incidents(IncidentFilter(cellIDs: [], limit: 100)).isEmpty, "an empty part of the grid lists nothing")
            #expect(try await store.incidents(IncidentFilter(cellID: "C2", cellIDs: ["M1"], limit: 100)).isEmpty, "both filters hold")
            #expect(try await store.reportsSeen(in: ["M1"], among: [report, unseen]) == [report])
            #expect(try await store.reportsSeen(in: ["NOWHERE"], among: [report, unseen]).isEmpty)
            #expect(try await store.reportsSeen(in: ["M1"], among: []).isEmpty)
        }
    }
}
