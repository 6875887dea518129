public import FoundationEssentials
import GRDB

extension SQLiteGridStore {
    // MARK: Workers and posts

    public func upsertWorker(_ worker: GridWorker, passwordHash: String?) async throws {
        try StoreRules.validateWorkerID(worker.id)
        try await write { db in
            try Self.requireCell(worker.cellID, subject: "worker '\(worker.id)' is in", db)
            try db.execute(
                sql: """
                    INSERT INTO grid_worker (id, name, cell_id, role, phone, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET name = excluded.name, cell_id = excluded.cell_id, role = excluded.role,
                        phone = excluded.phone, password_hash = coalesce(excluded.password_hash, password_hash)
                    """,
                arguments: [worker.id, worker.name, worker.cellID, worker.role.rawValue, worker.phone, passwordHash, Date()])
        }
    }

    public func workers() async throws -> [GridWorker] {
        try await read { db in try Row.fetchAll(db, sql: "SELECT * FROM grid_worker ORDER BY id").decodedEach("grid_worker", GridWorker.init(row:)) }
    }

    public func worker(id: String) async throws -> (worker: GridWorker, passwordHash: String?)? {
        try await read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM grid_worker WHERE id = ?", arguments: [id]) else { return nil }
            return (try GridWorker(row: row), row["password_hash"])
        }
    }

    public func upsertDutyPost(_ post: DutyPost) async throws {
        guard !post.id.isEmpty else { throw GridStoreError.invalidValue("a duty post needs a non-empty id") }
        try await write { db in
            try Self.requireCell(post.cellID, subject: "duty post '\(post.id)' is in", db)
            try db.execute(
                sql: """
                    INSERT INTO duty_post (id, name, cell_id, kind, lat, lon, phone) VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET name = excluded.name, cell_id = excluded.cell_id, kind = excluded.kind,
                        lat = coalesce(excluded.lat, lat), lon = coalesce(excluded.lon, lon), phone = coalesce(excluded.phone, phone)
                    """,
                arguments: [post.id, post.name, post.cellID, post.kind.rawValue, post.location?.latitude, post.location?.longitude, post.phone])
        }
    }

    public func dutyPosts() async throws -> [DutyPost] {
        try await read { db in try Row.fetchAll(db, sql: "SELECT * FROM duty_post ORDER BY id").decodedEach("duty_post", DutyPost.init(row:)) }
    }

    // MARK: Dispatch

    public func undispatchedIncidents(limit: Int) async throws -> [Incident] {
        let query = StoreQueries.undispatched(limit: limit)
        return try await fetch(query, "incident", Incident.init(row:))
    }

    public func startDispatch(_ d: Dispatch, at: Date, note: String) async throws -> Bool {
        try await write { db in
            try Self.requireCell(d.cellID, subject: "the dispatch of incident \(d.incidentID) names", db)
            try db.execute(
                sql: """
                    INSERT INTO dispatch (incident_id, cell_id, respond_by, resolve_by) VALUES (?, ?, ?, ?)
                    ON CONFLICT (incident_id) DO NOTHING
                    """,
                arguments: [d.incidentID, d.cellID, d.respondBy, d.resolveBy])
            guard db.changesCount > 0 else { return false }
            try Self.appendEvent(IncidentEvent(incidentID: d.incidentID, at: at, actor: "system", kind: .assigned, cellID: d.cellID,
                                               detail: StoreRules.assignedDetail(d, note: note)), db)
            return true
        }
    }

    public func dueDispatches(now: Date) async throws -> [Dispatch] {
        let query = StoreQueries.dueDispatches(now: now)
        return try await fetch(query, "dispatch", Dispatch.init(row:))
    }

    public func escalate(
        incidentID: Int64, from: String, to: String, respondBy: Date, resolveBy: Date, kind: IncidentEvent.Kind, detail: String, at: Date
    ) async throws -> Bool {
        try await write { db in
            try Self.requireCell(to, subject: "the escalation of incident \(incidentID) names", db)
            try db.execute(
                sql: """
                    UPDATE dispatch SET cell_id = ?, respond_by = ?, resolve_by = ?, escalations = escalations + 1
                    WHERE incident_id = ? AND cell_id = ?
                    """,
                arguments: [to, respondBy, resolveBy, incidentID, from])
            guard db.changesCount > 0 else { return false }
            try Self.appendEvent(IncidentEvent(incidentID: incidentID, at: at, actor: "system", kind: kind, cellID: to, detail: detail), db)
            return true
        }
    }

    public func markOverdue(incidentID: Int64, kind: IncidentEvent.Kind, detail: String, at: Date) async throws -> Bool {
        let column = try StoreRules.overdueColumn(kind)
        return try await write { db in
            try db.execute(sql: "UPDATE dispatch SET \(column) = 1 WHERE incident_id = ? AND \(column) = 0", arguments: [incidentID])
            guard db.changesCount > 0 else { return false }
            let cell = try String.fetchOne(db, sql: "SELECT cell_id FROM dispatch WHERE incident_id = ?", arguments: [incidentID])
            try Self.appendEvent(IncidentEvent(incidentID: incidentID, at: at, actor: "system", kind: kind, cellID: cell, detail: detail), db)
            return true
        }
    }

    public func acknowledge(incidentID: Int64, by actor: String, at: Date) async throws -> Incident {
        try await write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM incident WHERE id = ?", arguments: [incidentID]) else {
                throw GridStoreError.notFound("incident", id: incidentID)
            }
            var incident = try Incident(row: row)
            guard incident.status == .open else {
                throw GridStoreError.invalidValue("incident \(incidentID) is \(incident.status.rawValue), not open")
            }
            try db.execute(sql: "UPDATE incident SET status = 'acknowledged' WHERE id = ?", arguments: [incidentID])
            let cell = try String.fetchOne(db, sql: "SELECT cell_id FROM dispatch WHERE incident_id = ?", arguments: [incidentID])
            let level = try cell.flatMap { try String.fetchOne(db, sql: "SELECT level FROM grid_cell WHERE id = ?", arguments: [$0]) }
            try db.execute(
                sql: "UPDATE dispatch SET acknowledged_by = ?, acknowledged_at = ?, handled_level = ? WHERE incident_id = ?",
                arguments: [actor, at, level, incidentID])
            try Self.appendEvent(IncidentEvent(incidentID: incidentID, at: at, actor: actor, kind: .acknowledged, cellID: cell ?? incident.cellID), db)
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
        return try await write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM incident WHERE id = ?", arguments: [incidentID]) else {
                throw GridStoreError.notFound("incident", id: incidentID)
            }
            var incident = try Incident(row: row)
            guard incident.status.isActive else {
                throw GridStoreError.invalidValue("incident \(incidentID) is already closed (\(incident.status.rawValue))")
            }
            try db.execute(sql: "UPDATE incident SET status = ? WHERE id = ?", arguments: [outcome.rawValue, incidentID])
            try db.execute(sql: "UPDATE dispatch SET resolved_by = ?, resolved_at = ? WHERE incident_id = ?", arguments: [actor, at, incidentID])
            let cell = try String.fetchOne(db, sql: "SELECT cell_id FROM dispatch WHERE incident_id = ?", arguments: [incidentID])
            try Self.appendEvent(
                IncidentEvent(incidentID: incidentID, at: at, actor: actor, kind: outcome == .resolved ? .resolved : .falseAlarm, cellID: cell ?? incident.cellID, detail: note), db)
            incident.status = outcome
            return incident
        }
    }

    public func dispatch(incidentID: Int64) async throws -> Dispatch? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM dispatch WHERE incident_id = ?", arguments: [incidentID]).map(Dispatch.init(row:))
        }
    }

    public func dispatches(incidentIDs: [Int64]?) async throws -> [Dispatch] {
        guard let ids = incidentIDs else {
            return try await read { db in try Row.fetchAll(db, sql: "SELECT * FROM dispatch").decodedEach("dispatch", Dispatch.init(row:)) }
        }
        return try await fetch("dispatch", where: "incident_id", in: ids, Dispatch.init(row:))
    }

    public func events(incidentID: Int64) async throws -> [IncidentEvent] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM incident_event WHERE incident_id = ? ORDER BY id", arguments: [incidentID])
                .decodedEach("incident_event", IncidentEvent.init(row:))
        }
    }

    public func events(after id: Int64, limit: Int) async throws -> [IncidentEvent] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM incident_event WHERE id > ? ORDER BY id LIMIT ?", arguments: [id, max(0, limit)])
                .decodedEach("incident_event", IncidentEvent.init(row:))
        }
    }

    public func latestEventID() async throws -> Int64 {
        try await read { db in try Int64.fetchOne(db, sql: "SELECT max(id) FROM incident_event") ?? 0 }
    }

    public func handledCounts() async throws -> [GridLevel: Int] {
        try await read { db in
            var counts: [GridLevel: Int] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT handled_level, count(*) AS n FROM dispatch WHERE handled_level IS NOT NULL GROUP BY handled_level")
            {
                if let level = GridLevel(rawValue: row["handled_level"]) { counts[level] = row["n"] }
            }
            return counts
        }
    }

    static func appendEvent(_ e: IncidentEvent, _ db: Database) throws {
        try db.execute(
            sql: "INSERT INTO incident_event (incident_id, at, actor, kind, cell_id, detail) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [e.incidentID, e.at, e.actor, e.kind.rawValue, e.cellID, e.detail])
    }
}

extension GridWorker {
    init(row: Row) throws {
        let id: String = try row.decode(forColumn: "id")
        let roleText: String = try row.decode(forColumn: "role")
        guard let role = WorkerRole(rawValue: roleText) else { throw GridStoreError.corrupt("unknown role '\(roleText)' of worker '\(id)'") }
        self.init(id: id, name: try row.decode(forColumn: "name"), cellID: try row.decode(forColumn: "cell_id"), role: role,
                  phone: try row.decode(forColumn: "phone"))
    }
}

extension DutyPost {
    init(row: Row) throws {
        let id: String = try row.decode(forColumn: "id")
        let kindText: String = try row.decode(forColumn: "kind")
        guard let kind = Kind(rawValue: kindText) else { throw GridStoreError.corrupt("unknown kind '\(kindText)' of duty post '\(id)'") }
        self.init(id: id, name: try row.decode(forColumn: "name"), cellID: try row.decode(forColumn: "cell_id"), kind: kind,
                  location: try GeoPoint(row: row, what: "duty post '\(id)'"), phone: try row.decode(forColumn: "phone"))
    }
}

extension Dispatch {
    init(row: Row) throws {
        let id: Int64 = try row.decode(forColumn: "incident_id")
        let levelText: String? = try row.decode(forColumn: "handled_level")
        self.init(
            incidentID: id, cellID: try row.decode(forColumn: "cell_id"), respondBy: try row.decode(forColumn: "respond_by"),
            resolveBy: try row.decode(forColumn: "resolve_by"), escalations: try row.decode(forColumn: "escalations"),
            responseOverdue: try row.decode(forColumn: "response_overdue"), resolutionOverdue: try row.decode(forColumn: "resolution_overdue"),
            acknowledgedBy: try row.decode(forColumn: "acknowledged_by"), acknowledgedAt: try row.decode(forColumn: "acknowledged_at"),
            handledLevel: levelText.flatMap(GridLevel.init(rawValue:)), resolvedBy: try row.decode(forColumn: "resolved_by"),
            resolvedAt: try row.decode(forColumn: "resolved_at"))
    }
}

extension IncidentEvent {
    init(row: Row) throws {
        let id: Int64 = try row.decode(forColumn: "id")
        let kindText: String = try row.decode(forColumn: "kind")
        guard let kind = Kind(rawValue: kindText) else { throw GridStoreError.corrupt("unknown kind '\(kindText)' of event #\(id)") }
        self.init(
            id: id, incidentID: try row.decode(forColumn: "incident_id"), at: try row.decode(forColumn: "at"),
            actor: try row.decode(forColumn: "actor"), kind: kind, cellID: try row.decode(forColumn: "cell_id"),
            detail: try row.decode(forColumn: "detail"))
    }
}
