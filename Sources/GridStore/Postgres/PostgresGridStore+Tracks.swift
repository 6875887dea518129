public import FoundationEssentials
import GRDB
import PostgresNIO
import Description
import Matching

// Tracks and incidents on PostgreSQL.
extension PostgresGridStore {
    // MARK: Tracks

    /// As ``SQLiteGridStore/saveTrack(_:fence:)``. Many hosts save at once here, so the change
    /// number is taken under a transaction-scoped advisory lock: saves take numbers in commit order,
    /// and the descriptor index, which catches up by "changes after my watermark", never skips a
    /// save that committed late with a smaller number.
    public func saveTrack(_ track: StoredTrack, fence: LeaseFence?) async throws -> StoredTrack {
        try StoreRules.validate(track)
        return try await transaction { c in
            try await self.requireCamera(track.cameraID, usedBy: "track \(track.descriptor.trackID) of run '\(track.runID)'", c)
            try await self.check(fence, camera: track.cameraID, c)
            try await self.execute("SELECT pg_advisory_xact_lock(?)", [PostgresSchema.trackSequenceLock], on: c)
            let columns = TrackColumns.all
            let row = try await self.row(
                """
                INSERT INTO track (\(columns.joined(separator: ", ")), seq)
                VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")), (SELECT coalesce(max(seq), 0) + 1 FROM track))
                ON CONFLICT (\(TrackColumns.key.joined(separator: ", "))) DO UPDATE SET
                    \(TrackColumns.values.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")), seq = excluded.seq
                RETURNING id, seq
                """, track.databaseValues, on: c)
            guard let row, let id: Int64 = row["id"] else { throw GridStoreError.corrupt("no row for the track just saved") }
            var saved = track
            saved.id = id
            saved.sequence = row["seq"]
            return saved
        }
    }

    public func tracks(since: Date?, cameraID: String?) async throws -> [StoredTrack] {
        let query = StoreQueries.tracks(since: since, cameraID: cameraID)
        return try await read { try await rows(query.sql, query.values).decodedEach("track", StoredTrack.init(row:)) }
    }

    public func tracks(afterSequence sequence: Int64, limit: Int) async throws -> [StoredTrack] {
        try await read {
            try await rows("SELECT * FROM track WHERE seq > ? ORDER BY seq LIMIT ?", [sequence, max(0, limit)]).decodedEach("track", StoredTrack.init(row:))
        }
    }

    public func tracks(ids: [Int64]) async throws -> [StoredTrack] {
        try await read { try await rows(byIDs: "track", ids).decodedEach("track", StoredTrack.init(row:)) }
    }

    public func trackCounts() async throws -> [String: Int] {
        try await read {
            var counts: [String: Int] = [:]
            for row in try await rows("SELECT camera_id, count(*) AS n FROM track GROUP BY camera_id") {
                counts[row["camera_id"]] = row["n"]
            }
            return counts
        }
    }

    // MARK: Incidents

    /// As ``SQLiteGridStore/raiseIncident(_:sightingWindow:fence:)``. Concurrent raises for one
    /// report (two hosts, two cameras seeing the person at once) are serialised by locking the
    /// report's row, so the sighting-window check and the insert act as one; the (report, track)
    /// pair is UNIQUE as well, with `ON CONFLICT DO NOTHING`.
    public func raiseIncident(_ incident: Incident, sightingWindow: TimeInterval, fence: LeaseFence?) async throws -> Incident? {
        try StoreRules.validate(incident, sightingWindow: sightingWindow)
        return try await transaction { c in
            try await self.check(fence, camera: incident.cameraID, c)
            if let reportID = incident.reportID {
                guard let report = try await self.row("SELECT status FROM report WHERE id = ? FOR UPDATE", [reportID], on: c)
                else { throw GridStoreError.notFound("report", id: reportID) }
                // A closed case takes no new leads (a camera may still hold the report for a moment).
                guard (report["status"] as String?) == ReportStatus.open.rawValue else { return nil }
            }
            guard try await self.row("SELECT 1 AS one FROM track WHERE id = ?", [incident.trackID], on: c) != nil
            else { throw GridStoreError.notFound("track", id: incident.trackID) }
            try await self.requireCamera(incident.cameraID, usedBy: "the incident", c)
            try await self.requireCell(incident.cellID, subject: "the incident is in", c)
            var earlier: [StoreRules.EarlierLead] = []
            if sightingWindow > 0, let reportID = incident.reportID {
                for r in try await self.rows(
                    "SELECT id, score, cell_id FROM incident WHERE report_id = ? AND seen_at > ? AND seen_at < ? ORDER BY id",
                    [reportID, incident.seenAt - sightingWindow, incident.seenAt + sightingWindow], on: c)
                {
                    guard let id: Int64 = r["id"], let score: Double = r["score"], let cell: String = r["cell_id"] else {
                        throw GridStoreError.corrupt("an incident of report \(reportID) without id, score or cell")
                    }
                    earlier.append(StoreRules.EarlierLead(id: id, score: score, cellID: cell))
                }
            }
            guard let incident = StoreRules.sighting(incident, earlier: earlier) else { return nil }
            let row = try await self.row(
                """
                INSERT INTO incident (kind, report_id, track_id, camera_id, cell_id, seen_at, score, snapshot_path,
                    status, created_at, explanation)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (report_id, track_id) DO NOTHING
                RETURNING id
                """,
                [
                    incident.kind.rawValue, incident.reportID, incident.trackID, incident.cameraID, incident.cellID, incident.seenAt,
                    incident.score, incident.snapshotPath, incident.status.rawValue, incident.createdAt, incident.explanation,
                ], on: c)
            guard let id: Int64 = row?["id"] else { return nil }
            var saved = incident
            saved.id = id
            for e in StoreRules.superseded(earlier, by: incident, id: id) { try await self.appendEvent(e, c) }
            return saved
        }
    }

    public func incidents(_ filter: IncidentFilter) async throws -> [Incident] {
        let query = StoreQueries.incidents(filter)
        return try await read { try await rows(query.sql, query.values).decodedEach("incident", Incident.init(row:)) }
    }

    public func reportsSeen(in cellIDs: [String], among reportIDs: [Int64]) async throws -> Set<Int64> {
        let query = StoreQueries.reportsSeen(in: cellIDs, among: reportIDs)
        return try await read { Set(try await rows(query.sql, query.values).compactMap { $0["report_id"] as Int64? }) }
    }

    public func incident(id: Int64) async throws -> Incident? {
        try await read { try await row("SELECT * FROM incident WHERE id = ?", [id]).map(Incident.init(row:)) }
    }

    public func setIncidentStatus(id: Int64, status: IncidentStatus) async throws {
        let changed = try await transaction { c in
            try await self.rows("UPDATE incident SET status = ? WHERE id = ? RETURNING id", [status.rawValue, id], on: c).count
        }
        if changed == 0 { throw GridStoreError.notFound("incident", id: id) }
    }

    /// Inside a write transaction: refuses the write unless `fence` matches the camera's lease; the
    /// row is share-locked, so no grant can slip in before this transaction commits.
    func check(_ fence: LeaseFence?, camera: String, _ c: PostgresConnection) async throws {
        guard let fence else { return }
        let row = try await row("SELECT holder, token FROM camera_lease WHERE camera_id = ? FOR SHARE", [camera], on: c)
        try StoreRules.check(fence, camera: camera, holder: row?["holder"], token: row?["token"])
    }
}
