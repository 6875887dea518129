public import FoundationEssentials
import GRDB
import Matching

extension SQLiteGridStore {
    /// Records `incident` (its `id` is ignored) unless one exists for the same report and track, or
    /// the report's case is closed. A behaviour alert (no report) is recorded as it is: the
    /// camera's rules raise each once per track.
    ///
    /// Safe under any concurrency, across processes too: the (report, track) pair is UNIQUE and the
    /// insert is `ON CONFLICT DO NOTHING`, so exactly one caller gets the stored incident back and
    /// every other gets `nil`. Within the window a clearly better lead (``LeadRule``) is raised
    /// anyway, and each earlier lead gets a ``IncidentEvent/Kind/superseded`` event naming it.
    ///
    /// - Throws: ``GridStoreError`` with code ``GridStoreError/Code/notFound`` when the report or
    ///   track does not exist, ``GridStoreError/Code/unknownCamera`` or
    ///   ``GridStoreError/Code/unknownCell`` for an unknown camera or cell,
    ///   ``GridStoreError/Code/invalidValue`` when the score is not a finite number.
    public func raiseIncident(_ incident: Incident, sightingWindow: TimeInterval, fence: LeaseFence?) async throws -> Incident? {
        try StoreRules.validate(incident, sightingWindow: sightingWindow)
        return try await write { db in
            try Self.check(fence, camera: incident.cameraID, db)
            if let reportID = incident.reportID {
                guard let status = try String.fetchOne(db, sql: "SELECT status FROM report WHERE id = ?", arguments: [reportID])
                else { throw GridStoreError.notFound("report", id: reportID) }
                // A closed case takes no new leads (a camera may still hold the report for a moment).
                guard status == ReportStatus.open.rawValue else { return nil }
            }
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM track WHERE id = ?", arguments: [incident.trackID]) != nil
            else { throw GridStoreError.notFound("track", id: incident.trackID) }
            try Self.requireCamera(incident.cameraID, usedBy: "the incident", db)
            try Self.requireCell(incident.cellID, subject: "the incident is in", db)
            // Writes are serialised, so nothing can slip in between this check and the insert.
            var earlier: [StoreRules.EarlierLead] = []
            if sightingWindow > 0, incident.reportID != nil {
                earlier = try Row.fetchAll(
                    db, sql: "SELECT id, score, cell_id FROM incident WHERE report_id = ? AND seen_at > ? AND seen_at < ? ORDER BY id",
                    arguments: [incident.reportID, incident.seenAt - sightingWindow, incident.seenAt + sightingWindow]
                ).map { StoreRules.EarlierLead(id: $0["id"], score: $0["score"], cellID: $0["cell_id"]) }
            }
            guard let incident = StoreRules.sighting(incident, earlier: earlier) else { return nil }

            try db.execute(
                sql: """
                    INSERT INTO incident (kind, report_id, track_id, camera_id, cell_id, seen_at, score, snapshot_path,
                        status, created_at, explanation)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (report_id, track_id) DO NOTHING
                    """,
                arguments: [
                    incident.kind.rawValue, incident.reportID, incident.trackID, incident.cameraID, incident.cellID, incident.seenAt,
                    incident.score, incident.snapshotPath, incident.status.rawValue, incident.createdAt,
                    incident.explanation,
                ])
            guard db.changesCount > 0 else { return nil }
            var saved = incident
            saved.id = db.lastInsertedRowID
            for e in StoreRules.superseded(earlier, by: incident, id: db.lastInsertedRowID) { try Self.appendEvent(e, db) }
            return saved
        }
    }

    /// Incidents matching every set field of `filter`, newest first (by creation time, then id).
    /// `since` compares with the creation time; at most `limit` are returned.
    public func incidents(_ filter: IncidentFilter) async throws -> [Incident] {
        let query = StoreQueries.incidents(filter)
        return try await fetch(query, "incident", Incident.init(row:))
    }

    public func reportsSeen(in cellIDs: [String], among reportIDs: [Int64]) async throws -> Set<Int64> {
        let query = StoreQueries.reportsSeen(in: cellIDs, among: reportIDs)
        let sql = query.sql, arguments = StatementArguments(query.values)
        return try await read { db in Set(try Int64.fetchAll(db, sql: sql, arguments: arguments)) }
    }

    /// The incident with this id, or `nil`.
    public func incident(id: Int64) async throws -> Incident? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM incident WHERE id = ?", arguments: [id]).map(Incident.init(row:))
        }
    }

    /// Changes an incident's status.
    ///
    /// - Throws: ``GridStoreError`` with code ``GridStoreError/Code/notFound`` when there is no
    ///   incident with this id.
    public func setIncidentStatus(id: Int64, status: IncidentStatus) async throws {
        try await write { db in
            try db.execute(sql: "UPDATE incident SET status = ? WHERE id = ?", arguments: [status.rawValue, id])
            if db.changesCount == 0 { throw GridStoreError.notFound("incident", id: id) }
        }
    }
}
