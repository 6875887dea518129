public import FoundationEssentials
public import Matching
import GRDB
import PostgresNIO

// Grid, cameras, camera status, reports, sessions and links on PostgreSQL.
extension PostgresGridStore {
    // MARK: Grid

    public func upsertCells(_ cells: [GridCell]) async throws {
        guard !cells.isEmpty else { return }
        let ordered = try StoreRules.parentsFirst(cells)
        try await transaction { c in
            // One cell import at a time, so two imports cannot strand each other's children.
            try await self.execute("LOCK TABLE grid_cell IN SHARE ROW EXCLUSIVE MODE", on: c)
            for cell in ordered {
                let parent = try await cell.parentID.asyncMap { id in
                    try await self.row("SELECT * FROM grid_cell WHERE id = ?", [id], on: c).map(GridCell.init(row:))
                } ?? nil
                try StoreRules.checkParent(of: cell, parent: parent)
                try await self.execute(
                    """
                    INSERT INTO grid_cell (id, name, level, parent_id, lat, lon) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET
                        name = excluded.name, level = excluded.level, parent_id = excluded.parent_id,
                        lat = coalesce(excluded.lat, grid_cell.lat), lon = coalesce(excluded.lon, grid_cell.lon)
                    """,
                    [cell.id, cell.name, cell.level.rawValue, cell.parentID, cell.location?.latitude, cell.location?.longitude], on: c)
            }
            for cell in ordered {
                let children = try await self.rows("SELECT * FROM grid_cell WHERE parent_id = ?", [cell.id], on: c).map(GridCell.init(row:))
                try StoreRules.checkChildren(children, of: cell)
            }
        }
    }

    public func cells() async throws -> [GridCell] {
        let cells = try await read { try await rows("SELECT * FROM grid_cell").map(GridCell.init(row:)) }
        return cells.sorted { ($0.level.depth, $0.id) < ($1.level.depth, $1.id) }
    }

    public func cell(id: String) async throws -> GridCell? {
        try await read { try await row("SELECT * FROM grid_cell WHERE id = ?", [id]).map(GridCell.init(row:)) }
    }

    // MARK: Cameras

    public func upsertCamera(_ camera: Camera) async throws {
        guard !camera.id.isEmpty else { throw GridStoreError.invalidValue("a camera needs a non-empty id") }
        try await transaction { c in
            try await self.requireCell(camera.cellID, subject: "camera '\(camera.id)' is in", c)
            try await self.execute(
                """
                INSERT INTO camera (id, name, cell_id, url, lat, lon) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET name = excluded.name, cell_id = excluded.cell_id, url = excluded.url,
                    lat = coalesce(excluded.lat, camera.lat), lon = coalesce(excluded.lon, camera.lon)
                """,
                [camera.id, camera.name, camera.cellID, camera.url, camera.location?.latitude, camera.location?.longitude], on: c)
        }
    }

    public func cameras() async throws -> [Camera] {
        try await read { try await rows("SELECT * FROM camera ORDER BY id").decodedEach("camera", Camera.init(row:)) }
    }

    public func camera(id: String) async throws -> Camera? {
        try await read { try await row("SELECT * FROM camera WHERE id = ?", [id]).map(Camera.init(row:)) }
    }

    public func updateCameraStatus(_ status: CameraStatus) async throws {
        try await transaction { c in
            try await self.requireCamera(status.cameraID, usedBy: "a camera status", c)
            try await self.execute(
                """
                INSERT INTO camera_status (
                    camera_id, state, reason, state_since, reporter, input_fps, analysed_fps, frames_in,
                    frames_analysed, frames_dropped, frames_skipped, corrupt_packets, reconnects, lag_p50_ms,
                    lag_p99_ms, last_frame_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (camera_id) DO UPDATE SET state = excluded.state, reason = excluded.reason,
                    state_since = excluded.state_since, reporter = excluded.reporter, input_fps = excluded.input_fps,
                    analysed_fps = excluded.analysed_fps, frames_in = excluded.frames_in,
                    frames_analysed = excluded.frames_analysed, frames_dropped = excluded.frames_dropped,
                    frames_skipped = excluded.frames_skipped, corrupt_packets = excluded.corrupt_packets,
                    reconnects = excluded.reconnects, lag_p50_ms = excluded.lag_p50_ms, lag_p99_ms = excluded.lag_p99_ms,
                    last_frame_at = excluded.last_frame_at, updated_at = excluded.updated_at
                """,
                [
                    status.cameraID, status.state.rawValue, status.reason, status.stateSince, status.reporter,
                    status.inputFPS, status.analysedFPS, status.framesIn, status.framesAnalysed, status.framesDropped,
                    status.framesSkipped, status.corruptPackets, status.reconnects, status.lagP50, status.lagP99,
                    status.lastFrameAt, status.updatedAt,
                ], on: c)
        }
    }

    public func cameraStatuses() async throws -> [CameraStatus] {
        try await read { try await rows("SELECT * FROM camera_status ORDER BY camera_id").decodedEach("camera_status", CameraStatus.init(row:)) }
    }

    // MARK: Reports

    public func addReport(_ report: MissingPersonReport) async throws -> MissingPersonReport {
        try StoreRules.validate(report)
        return try await transaction { c in
            if let cell = report.lastSeenCell {
                try await self.requireCell(cell, subject: "the report for '\(report.name)' was last seen in", c)
            }
            let values = ReportColumns.values(of: report)
            let row = try await self.row(
                "INSERT INTO report (\(ReportColumns.all.joined(separator: ", "))) VALUES (\(ReportColumns.marks)) RETURNING id",
                values, on: c)
            var saved = report
            saved.id = row?["id"]
            return saved
        }
    }

    public func report(id: Int64) async throws -> MissingPersonReport? {
        try await read { try await row("SELECT * FROM report WHERE id = ?", [id]).map(MissingPersonReport.init(row:)) }
    }

    public func reports(status: ReportStatus?, after: Int64?, limit: Int?) async throws -> [MissingPersonReport] {
        let query = StoreQueries.reports(status: status, after: after, limit: limit)
        return try await read { try await rows(query.sql, query.values).decodedEach("report", MissingPersonReport.init(row:)) }
    }

    public func reports(ids: [Int64]) async throws -> [MissingPersonReport] {
        try await read { try await rows(byIDs: "report", ids).decodedEach("report", MissingPersonReport.init(row:)) }
    }

    public func closeCase(
        reportID: Int64, outcome: ReportStatus, foundIncidentID: Int64?, foundCellID: String?, by actor: String, note: String, at: Date
    ) async throws -> CaseClosed {
        let request = try CaseRules.Request(
            reportID: reportID, outcome: outcome, foundIncidentID: foundIncidentID, foundCellID: foundCellID, actor: actor, note: note, at: at)
        let leads = CaseRules.activeLeads(reportID: reportID)
        return try await transaction { c in
            if let cell = foundCellID { try await self.requireCell(cell, subject: "report \(reportID) was found in", c) }
            // The report's row lock orders this against raising a lead for it (which takes it too);
            // the leads' locks against acknowledging or resolving one of them meanwhile.
            let status: String? = try await self.row("SELECT status FROM report WHERE id = ? FOR UPDATE", [reportID], on: c)?["status"]
            let active = try await self.rows(leads.sql + " FOR UPDATE OF incident", leads.values, on: c).map(CaseRules.lead)
            var found: Incident? = nil
            if let id = foundIncidentID {
                found = try await self.row("SELECT * FROM incident WHERE id = ?", [id], on: c).map(Incident.init(row:))
            }
            let plan = try CaseRules.plan(request, report: try status.map(CaseRules.reportStatus), found: found, active: active)
            for q in plan.writes { try await self.execute(q.sql, q.values, on: c) }
            for e in plan.events { try await self.appendEvent(e, c) }
            return CaseClosed(closure: plan.closure, closedIncidentIDs: plan.closedIncidentIDs)
        }
    }

    public func caseClosure(reportID: Int64) async throws -> CaseClosure? {
        try await read { try await row("SELECT * FROM case_closure WHERE report_id = ?", [reportID]).map(CaseClosure.init(row:)) }
    }

    public func updateReport(_ report: MissingPersonReport) async throws {
        guard let id = report.id else { throw GridStoreError.invalidValue("updating a report needs its id") }
        try StoreRules.validate(report)
        let changed = try await transaction { c in
            if let cell = report.lastSeenCell {
                try await self.requireCell(cell, subject: "report \(id) was last seen in", c)
            }
            let editable = ReportColumns.all.filter { $0 != "status" && $0 != "created_at" }
            let all = ReportColumns.values(of: report)
            let values = zip(ReportColumns.all, all).filter { editable.contains($0.0) }.map(\.1)
            return try await self.rows(
                "UPDATE report SET \(editable.map { "\($0) = ?" }.joined(separator: ", ")) WHERE id = ? RETURNING id",
                values + [id], on: c
            ).count
        }
        if changed == 0 { throw GridStoreError.notFound("report", id: id) }
    }

    // MARK: Sessions and family links

    public func createSession(tokenDigest: String, workerID: String, expiresAt: Date, at: Date) async throws {
        try await transaction { c in
            try await self.execute("DELETE FROM auth_session WHERE expires_at < ?", [at], on: c)
            try await self.execute(
                "INSERT INTO auth_session (token_sha256, worker_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                [tokenDigest, workerID, at, expiresAt], on: c)
        }
    }

    public func sessionWorker(tokenDigest: String, now: Date) async throws -> GridWorker? {
        try await read {
            try await row(
                """
                SELECT grid_worker.* FROM auth_session JOIN grid_worker ON grid_worker.id = auth_session.worker_id
                WHERE auth_session.token_sha256 = ? AND auth_session.expires_at > ?
                """, [tokenDigest, now]
            ).map(GridWorker.init(row:))
        }
    }

    public func deleteSession(tokenDigest: String) async throws {
        try await transaction { c in try await self.execute("DELETE FROM auth_session WHERE token_sha256 = ?", [tokenDigest], on: c) }
    }

    public func createReportLink(reportID: Int64, tokenDigest: String, at: Date) async throws {
        try await transaction { c in
            try await self.execute(
                "INSERT INTO report_link (token_sha256, report_id, created_at) VALUES (?, ?, ?)", [tokenDigest, reportID, at], on: c)
        }
    }

    public func report(linkDigest: String) async throws -> MissingPersonReport? {
        try await read {
            try await row(
                "SELECT report.* FROM report_link JOIN report ON report.id = report_link.report_id WHERE token_sha256 = ?",
                [linkDigest]
            ).map(MissingPersonReport.init(row:))
        }
    }

    /// Rows of `table` whose `column` is one of `ids` (one parameter, however many ids).
    func rows(byIDs table: String, column: String = "id", _ ids: [Int64]) async throws -> [Row] {
        guard !ids.isEmpty else { return [] }
        return try await rows(
            "SELECT * FROM \(table) WHERE \(column) = ANY(string_to_array(?, ',')::bigint[])", [ids.map(String.init).joined(separator: ",")])
    }

    // MARK: Reference checks (inside the write transaction, for precise errors)

    func requireCell(_ id: String, subject: String, _ c: PostgresConnection) async throws {
        guard try await row("SELECT 1 AS one FROM grid_cell WHERE id = ?", [id], on: c) != nil else {
            throw GridStoreError.unknownCell(id, subject: subject)
        }
    }

    func requireCamera(_ id: String, usedBy owner: String, _ c: PostgresConnection) async throws {
        guard try await row("SELECT 1 AS one FROM camera WHERE id = ?", [id], on: c) != nil else {
            throw GridStoreError.unknownCamera(id, usedBy: owner)
        }
    }
}

extension Optional {
    func asyncMap<U>(_ transform: (Wrapped) async throws -> U) async rethrows -> U? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
