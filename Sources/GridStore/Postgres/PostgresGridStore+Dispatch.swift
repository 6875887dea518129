public import FoundationEssentials
public import Matching
import GRDB
import PostgresNIO

// Workers, duty posts, dispatch, events and camera leases on PostgreSQL. Every step that decides on
// a row's state is one conditional UPDATE … RETURNING (compare-and-set) or locks the row first.
extension PostgresGridStore {
    // MARK: Workers and posts

    public func upsertWorker(_ worker: GridWorker, passwordHash: String?) async throws {
        try StoreRules.validateWorkerID(worker.id)
        try await transaction { c in
            try await self.requireCell(worker.cellID, subject: "worker '\(worker.id)' is in", c)
            try await self.execute(
                """
                INSERT INTO grid_worker (id, name, cell_id, role, phone, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET name = excluded.name, cell_id = excluded.cell_id, role = excluded.role,
                    phone = excluded.phone, password_hash = coalesce(excluded.password_hash, grid_worker.password_hash)
                """,
                [worker.id, worker.name, worker.cellID, worker.role.rawValue, worker.phone, passwordHash, Date()], on: c)
        }
    }

    public func workers() async throws -> [GridWorker] {
        try await read { try await rows("SELECT * FROM grid_worker ORDER BY id").decodedEach("grid_worker", GridWorker.init(row:)) }
    }

    public func worker(id: String) async throws -> (worker: GridWorker, passwordHash: String?)? {
        try await read {
            guard let row = try await row("SELECT * FROM grid_worker WHERE id = ?", [id]) else { return nil }
            return (try GridWorker(row: row), row["password_hash"])
        }
    }

    public func upsertDutyPost(_ post: DutyPost) async throws {
        guard !post.id.isEmpty else { throw GridStoreError.invalidValue("a duty post needs a non-empty id") }
        try await transaction { c in
            try await self.requireCell(post.cellID, subject: "duty post '\(post.id)' is in", c)
            try await self.execute(
                """
                INSERT INTO duty_post (id, name, cell_id, kind, lat, lon, phone) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET name = excluded.name, cell_id = excluded.cell_id, kind = excluded.kind,
                    lat = coalesce(excluded.lat, duty_post.lat), lon = coalesce(excluded.lon, duty_post.lon),
                    phone = coalesce(excluded.phone, duty_post.phone)
                """,
                [post.id, post.name, post.cellID, post.kind.rawValue, post.location?.latitude, post.location?.longitude, post.phone], on: c)
        }
    }

    public func dutyPosts() async throws -> [DutyPost] {
        try await read { try await rows("SELECT * FROM duty_post ORDER BY id").decodedEach("duty_post", DutyPost.init(row:)) }
    }

    // MARK: Dispatch

    public func undispatchedIncidents(limit: Int) async throws -> [Incident] {
        let query = StoreQueries.undispatched(limit: limit)
        return try await read { try await rows(query.sql, query.values).decodedEach("incident", Incident.init(row:)) }
    }

    public func startDispatch(_ d: Dispatch, at: Date, note: String) async throws -> Bool {
        try await transaction { c in
            try await self.requireCell(d.cellID, subject: "the dispatch of incident \(d.incidentID) names", c)
            let inserted = try await self.rows(
                """
                INSERT INTO dispatch (incident_id, cell_id, respond_by, resolve_by) VALUES (?, ?, ?, ?)
                ON CONFLICT (incident_id) DO NOTHING RETURNING incident_id
                """, [d.incidentID, d.cellID, d.respondBy, d.resolveBy], on: c)
            guard !inserted.isEmpty else { return false }
            try await self.appendEvent(
                IncidentEvent(incidentID: d.incidentID, at: at, actor: "system", kind: .assigned, cellID: d.cellID,
                              detail: StoreRules.assignedDetail(d, note: note)), c)
            return true
        }
    }

    public func dueDispatches(now: Date) async throws -> [Dispatch] {
        let query = StoreQueries.dueDispatches(now: now)
        return try await read { try await rows(query.sql, query.values).decodedEach("dispatch", Dispatch.init(row:)) }
    }

    public func escalate(
        incidentID: Int64, from: String, to: String, respondBy: Date, resolveBy: Date, kind: IncidentEvent.Kind, detail: String, at: Date
    ) async throws -> Bool {
        try await transaction { c in
            try await self.requireCell(to, subject: "the escalation of incident \(incidentID) names", c)
            let moved = try await self.rows(
                """
                UPDATE dispatch SET cell_id = ?, respond_by = ?, resolve_by = ?, escalations = escalations + 1
                WHERE incident_id = ? AND cell_id = ? RETURNING incident_id
                """, [to, respondBy, resolveBy, incidentID, from], on: c)
            guard !moved.isEmpty else { return false }
            try await self.appendEvent(IncidentEvent(incidentID: incidentID, at: at, actor: "system", kind: kind, cellID: to, detail: detail), c)
            return true
        }
    }

    public func markOverdue(incidentID: Int64, kind: IncidentEvent.Kind, detail: String, at: Date) async throws -> Bool {
        let column = try StoreRules.overdueColumn(kind)
        return try await transaction { c in
            let marked = try await self.rows(
                "UPDATE dispatch SET \(column) = true WHERE incident_id = ? AND NOT \(column) RETURNING cell_id", [incidentID], on: c)
            guard let row = marked.first else { return false }
            try await self.appendEvent(
                IncidentEvent(incidentID: incidentID, at: at, actor: "system", kind: kind, cellID: row["cell_id"], detail: detail), c)
            return true
        }
    }

    public func acknowledge(incidentID: Int64, by actor: String, at: Date) async throws -> Incident {
        try await transaction { c in
            guard let row = try await self.row("SELECT * FROM incident WHERE id = ? FOR UPDATE", [incidentID], on: c) else {
                throw GridStoreError.notFound("incident", id: incidentID)
            }
            var incident = try Incident(row: row)
            guard incident.status == .open else {
                throw GridStoreError.invalidValue("incident \(incidentID) is \(incident.status.rawValue), not open")
            }
            try await self.execute("UPDATE incident SET status = 'acknowledged' WHERE id = ?", [incidentID], on: c)
            let cell: String? = try await self.row(
                """
                UPDATE dispatch SET acknowledged_by = ?, acknowledged_at = ?,
                    handled_level = (SELECT level FROM grid_cell WHERE grid_cell.id = dispatch.cell_id)
                WHERE incident_id = ? RETURNING cell_id
                """, [actor, at, incidentID], on: c)?["cell_id"]
            try await self.appendEvent(
                IncidentEvent(incidentID: incidentID, at: at, actor: actor, kind: .acknowledged, cellID: cell ?? incident.cellID), c)
            incident.status = .acknowledged
            return incident
        }
    }

    public func resolve(incidentID: Int64, outcome: IncidentStatus, by actor: String, note: String, at: Date) async throws -> Incident {
        guard outcome == .resolved || outcome == .falseAlarm else {
            throw GridStoreError.invalidValue("an incident closes as resolved (found) or false-alarm, not \(outcome.rawValue)")
        }
        if try await closesCase(incidentID: incidentID, outcome: outcome) {
            return try await resolveFound(incidentID: incidentID, by: actor, note: note, at: at)
        }
        return try await transaction { c in
            guard let row = try await self.row("SELECT * FROM incident WHERE id = ? FOR UPDATE", [incidentID], on: c) else {
                throw GridStoreError.notFound("incident", id: incidentID)
            }
            var incident = try Incident(row: row)
            guard incident.status.isActive else {
                throw GridStoreError.invalidValue("incident \(incidentID) is already closed (\(incident.status.rawValue))")
            }
            try await self.execute("UPDATE incident SET status = ? WHERE id = ?", [outcome.rawValue, incidentID], on: c)
            let cell: String? = try await self.row(
                "UPDATE dispatch SET resolved_by = ?, resolved_at = ? WHERE incident_id = ? RETURNING cell_id",
                [actor, at, incidentID], on: c)?["cell_id"]
            try await self.appendEvent(
                IncidentEvent(incidentID: incidentID, at: at, actor: actor, kind: outcome == .resolved ? .resolved : .falseAlarm, cellID: cell ?? incident.cellID, detail: note), c)
            incident.status = outcome
            return incident
        }
    }

    public func dispatch(incidentID: Int64) async throws -> Dispatch? {
        try await read { try await row("SELECT * FROM dispatch WHERE incident_id = ?", [incidentID]).map(Dispatch.init(row:)) }
    }

    public func dispatches(incidentIDs: [Int64]?) async throws -> [Dispatch] {
        try await read {
            guard let ids = incidentIDs else { return try await rows("SELECT * FROM dispatch").decodedEach("dispatch", Dispatch.init(row:)) }
            return try await rows(byIDs: "dispatch", column: "incident_id", ids).decodedEach("dispatch", Dispatch.init(row:))
        }
    }

    public func events(incidentID: Int64) async throws -> [IncidentEvent] {
        try await read {
            try await rows("SELECT * FROM incident_event WHERE incident_id = ? ORDER BY id", [incidentID]).decodedEach("incident_event", IncidentEvent.init(row:))
        }
    }

    /// Events become visible in id order (see ``appendEvent(_:_:)``), so a reader that moved past
    /// an id never misses a later-committed smaller one.
    public func events(after id: Int64, limit: Int) async throws -> [IncidentEvent] {
        try await read {
            try await rows("SELECT * FROM incident_event WHERE id > ? ORDER BY id LIMIT ?", [id, max(0, limit)]).decodedEach("incident_event", IncidentEvent.init(row:))
        }
    }

    public func latestEventID() async throws -> Int64 {
        try await read { try await row("SELECT max(id) AS id FROM incident_event")?["id"] ?? 0 }
    }

    public func handledCounts() async throws -> [GridLevel: Int] {
        try await read {
            var counts: [GridLevel: Int] = [:]
            for row in try await rows(
                "SELECT handled_level, count(*) AS n FROM dispatch WHERE handled_level IS NOT NULL GROUP BY handled_level")
            {
                if let level = GridLevel(rawValue: row["handled_level"]) { counts[level] = row["n"] }
            }
            return counts
        }
    }

    /// Appends an event inside the caller's transaction. Identity values are handed out at insert
    /// time but become visible at commit, so two writers could commit ids out of order; a
    /// transaction-scoped advisory lock taken before the insert makes id order the commit order.
    /// Events are rare (a few per incident), so the serialisation costs nothing that matters.
    func appendEvent(_ e: IncidentEvent, _ c: PostgresConnection) async throws {
        try await execute("SELECT pg_advisory_xact_lock(?)", [PostgresSchema.eventOrderLock], on: c)
        try await execute(
            "INSERT INTO incident_event (incident_id, at, actor, kind, cell_id, detail) VALUES (?, ?, ?, ?, ?, ?)",
            [e.incidentID, e.at, e.actor, e.kind.rawValue, e.cellID, e.detail], on: c)
    }

    // MARK: Camera leases

    public func heartbeat(holder: String, ttl: TimeInterval) async throws -> Int {
        try StoreRules.validateLease(holder: holder, ttl: ttl)
        return try await transaction { c in
            try await self.execute(
                """
                INSERT INTO ingest_host (id, expires_at) VALUES (?, now() + make_interval(secs => ?))
                ON CONFLICT (id) DO UPDATE SET expires_at = excluded.expires_at
                """, [holder, ttl], on: c)
            try await self.execute("DELETE FROM ingest_host WHERE expires_at <= now() - interval '1 hour'", on: c)
            let n: Int64? = try await self.row("SELECT count(*) AS n FROM ingest_host WHERE expires_at > now()", on: c)?["n"]
            return Int(n ?? 1)
        }
    }

    public func leaveHosts(holder: String) async throws {
        try await transaction { c in try await self.execute("DELETE FROM ingest_host WHERE id = ?", [holder], on: c) }
    }

    /// Free or expired leases are picked with `FOR UPDATE SKIP LOCKED`: hosts asking at the same
    /// moment each get different cameras instead of queueing on the same rows, and a lease row
    /// another host is renewing or taking right now is simply passed over.
    public func acquireLeases(holder: String, cameraIDs: [String], limit: Int, ttl: TimeInterval) async throws -> [LeaseFence] {
        try StoreRules.validateLease(holder: holder, ttl: ttl)
        guard limit > 0, !cameraIDs.isEmpty else { return [] }
        let list = cameraIDs.sorted().joined(separator: "\n")
        return try await transaction { c in
            try await self.execute(
                """
                INSERT INTO camera_lease (camera_id)
                SELECT id FROM camera WHERE id = ANY(string_to_array(?, E'\\n')) ON CONFLICT DO NOTHING
                """, [list], on: c)
            let granted = try await self.rows(
                """
                UPDATE camera_lease SET holder = ?, token = token + 1, granted_at = now(), expires_at = now() + make_interval(secs => ?)
                WHERE camera_id IN (
                    SELECT camera_id FROM camera_lease
                    WHERE camera_id = ANY(string_to_array(?, E'\\n')) AND (holder IS NULL OR expires_at IS NULL OR expires_at <= now())
                    ORDER BY camera_id LIMIT ? FOR UPDATE SKIP LOCKED)
                RETURNING camera_id, token
                """, [holder, ttl, list, limit], on: c)
            return granted.map { LeaseFence(cameraID: $0["camera_id"], holder: holder, token: $0["token"]) }
                .sorted { $0.cameraID < $1.cameraID }
        }
    }

    public func renewLeases(_ fences: [LeaseFence], ttl: TimeInterval) async throws -> [LeaseFence] {
        guard let first = fences.first else { return [] }
        try StoreRules.validateLease(holder: first.holder, ttl: ttl)
        return try await transaction { c in
            var kept: [LeaseFence] = []
            for f in fences {
                let renewed = try await self.rows(
                    """
                    UPDATE camera_lease SET expires_at = now() + make_interval(secs => ?)
                    WHERE camera_id = ? AND holder = ? AND token = ? RETURNING camera_id
                    """, [ttl, f.cameraID, f.holder, f.token], on: c)
                if !renewed.isEmpty { kept.append(f) }
            }
            return kept
        }
    }

    public func releaseLeases(_ fences: [LeaseFence]) async throws {
        guard !fences.isEmpty else { return }
        try await transaction { c in
            for f in fences {
                try await self.execute(
                    "UPDATE camera_lease SET expires_at = now() WHERE camera_id = ? AND holder = ? AND token = ?",
                    [f.cameraID, f.holder, f.token], on: c)
            }
        }
    }

    public func cameraLeases() async throws -> [CameraLease] {
        try await read { try await rows("SELECT * FROM camera_lease ORDER BY camera_id").decodedEach("camera_lease", CameraLease.init(row:)) }
    }
}
