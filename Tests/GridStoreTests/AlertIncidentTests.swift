import Foundation
import KinfinderTestSupport
import Testing
@testable import GridStore
import Matching

/// Behaviour alerts: incidents of a kind other than `match`, without a report.
@Suite struct AlertIncidentTests {
    private func alert(_ kind: IncidentKind, track: Int64, at seconds: Double = 0) -> Incident {
        Incident(
            kind: kind, reportID: nil, trackID: track, cameraID: "CAM1", cellID: "M1", seenAt: Fixture.t0.addingTimeInterval(seconds),
            score: 1, snapshotPath: "snapshots/CAM1/\(kind.rawValue)-track\(track).jpg", createdAt: Fixture.t0.addingTimeInterval(seconds),
            explanation: "feet in danger zone 'pier' for 3.0 s")
    }

    @Test("an alert is an incident without a report: stored, listed by kind, dispatched and closed on its own", arguments: Engine.all)
    func alertsWithoutReports(engine: Engine) async throws {
        try await withStore(on: engine) { store in
            try await Fixture.seed(store)
            let report = try #require(try await store.addReport(Fixture.report()).id)
            let t1 = try #require(try await store.saveTrack(Fixture.track(trackNo: 1)).id)
            let t2 = try #require(try await store.saveTrack(Fixture.track(trackNo: 2)).id)
            let zone = try #require(try await store.raiseIncident(alert(.dangerZone, track: t1), sightingWindow: 120, fence: nil))
            #expect(zone.kind == .dangerZone && zone.reportID == nil)
            let stored = try #require(try await store.incident(id: zone.id!))
            #expect(stored.kind == .dangerZone && stored.reportID == nil && stored.explanation == zone.explanation)
            // A second alert on the same track (another rule) and a report's lead on the other track.
            let alone = try #require(try await store.raiseIncident(alert(.childAlone, track: t1, at: 5), sightingWindow: 120, fence: nil))
            let lead = try #require(try await store.raiseIncident(Fixture.incident(report: report, track: t2, createdAt: Fixture.t0.addingTimeInterval(9))))
            #expect(lead.kind == .match)
            #expect(try await store.incidents(IncidentFilter(kind: .dangerZone)).map(\.id) == [zone.id])
            #expect(try await store.incidents(IncidentFilter(kind: .match)).map(\.id) == [lead.id])
            #expect(try await store.incidents(IncidentFilter()).map(\.id) == [lead.id, alone.id, zone.id])

            // What cannot be stored: a match without its report, an alert that names one.
            await #expect(throws: GridStoreError.self) {
                try await store.raiseIncident(Incident(reportID: nil, trackID: t2, cameraID: "CAM1", cellID: "M1", seenAt: Fixture.t0, score: 0.5))
            }
            var named = alert(.wandering, track: t2)
            named.reportID = report
            await #expect(throws: GridStoreError.self) { try await store.raiseIncident(named) }

            // Dispatched like a lead; "found" resolves the alert alone: no case closes, the report stays open.
            #expect(try await store.startDispatch(
                Dispatch(incidentID: zone.id!, cellID: "M1", respondBy: Fixture.t0.addingTimeInterval(300), resolveBy: Fixture.t0.addingTimeInterval(3600)),
                at: Fixture.t0))
            let handled = try await store.resolve(incidentID: zone.id!, outcome: .resolved, by: "wang.li", note: "walked her back", at: Fixture.t0.addingTimeInterval(60))
            #expect(handled.status == .resolved)
            #expect(try await store.events(incidentID: zone.id!).map(\.kind) == [.assigned, .resolved])
            #expect(try await store.report(id: report)?.status == .open)
            #expect(try await store.incident(id: lead.id!)?.status == .open)
            #expect(try await store.caseClosure(reportID: report) == nil)
            let dismissed = try await store.resolve(incidentID: alone.id!, outcome: .falseAlarm, by: "wang.li", note: "her mother was there", at: Fixture.t0.addingTimeInterval(70))
            #expect(dismissed.status == .falseAlarm)
            // An alert has no case to close through it.
            let down = try #require(try await store.raiseIncident(alert(.personDown, track: t2, at: 80)))
            await #expect(throws: GridStoreError.self) {
                try await store.closeCase(foundBy: down.id!, by: "wang.li", note: "", at: Fixture.t0.addingTimeInterval(90))
            }
        }
    }

    @Test("upgrading to v12 keeps every incident with its id, events and dispatch; each becomes a match")
    func migrationKeepsIncidents() async throws {
        try await withTemporaryDatabase { path in
            var ids: [Int64] = []
            do {
                let store = try SQLiteGridStore(path: path)
                try await Fixture.seed(store)
                let report = try #require(try await store.addReport(Fixture.report()).id)
                for n in 1...3 {
                    let track = try #require(try await store.saveTrack(Fixture.track(trackNo: n)).id)
                    ids.append(try #require(try await store.raiseIncident(
                        Fixture.incident(report: report, track: track, createdAt: Fixture.t0.addingTimeInterval(Double(n))))?.id))
                }
                #expect(try await store.startDispatch(
                    Dispatch(incidentID: ids[0], cellID: "M1", respondBy: Fixture.t0.addingTimeInterval(300), resolveBy: Fixture.t0.addingTimeInterval(3600)),
                    at: Fixture.t0))
                _ = try await store.acknowledge(incidentID: ids[0], by: "wang.li", at: Fixture.t0.addingTimeInterval(10))
            }
            // The incident table as v1–v11 made it: no kind, a report on every row.
            try SQLiteGridStore.executeRawWithoutForeignKeys(path: path, """
                BEGIN;
                CREATE TABLE incident_v11 (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    report_id INTEGER NOT NULL REFERENCES report(id),
                    track_id INTEGER NOT NULL REFERENCES track(id),
                    camera_id TEXT NOT NULL REFERENCES camera(id),
                    cell_id TEXT NOT NULL REFERENCES grid_cell(id),
                    seen_at TEXT NOT NULL, score REAL NOT NULL, snapshot_path TEXT, status TEXT NOT NULL, created_at TEXT NOT NULL,
                    explanation TEXT NOT NULL DEFAULT '',
                    UNIQUE (report_id, track_id)
                );
                INSERT INTO incident_v11 SELECT id, report_id, track_id, camera_id, cell_id, seen_at, score, snapshot_path, status,
                    created_at, explanation FROM incident;
                DROP TABLE incident;
                ALTER TABLE incident_v11 RENAME TO incident;
                CREATE INDEX incident_track ON incident(track_id);
                CREATE INDEX incident_report_seen ON incident(report_id, seen_at);
                CREATE INDEX incident_created ON incident(created_at, id);
                CREATE INDEX incident_status_created ON incident(status, created_at, id);
                CREATE INDEX incident_camera_created ON incident(camera_id, created_at, id);
                CREATE INDEX incident_cell_created ON incident(cell_id, created_at, id);
                CREATE INDEX incident_report_created ON incident(report_id, created_at, id);
                DELETE FROM grdb_migrations WHERE identifier = '\(GridSchema.v12)';
                COMMIT;
                """)
            let store = try SQLiteGridStore(path: path)
            #expect(try await store.appliedMigrations() == GridSchema.all)
            let after = try await store.incidents(IncidentFilter())
            #expect(after.map(\.id) == ids.reversed().map { Optional($0) })
            #expect(after.allSatisfy { $0.kind == .match && $0.reportID != nil })
            #expect(try await store.incident(id: ids[0])?.status == .acknowledged)
            #expect(try await store.events(incidentID: ids[0]).map(\.kind) == [.assigned, .acknowledged])
            #expect(try await store.dispatch(incidentID: ids[0])?.acknowledgedBy == "wang.li")
            // New incidents continue the ids; an alert can now be stored.
            let track = try #require(try await store.saveTrack(Fixture.track(trackNo: 7)).id)
            let zone = try #require(try await store.raiseIncident(alert(.dangerZone, track: track, at: 100)))
            #expect(zone.id == ids[2] + 1)
        }
    }
}
