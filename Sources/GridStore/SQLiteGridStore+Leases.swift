public import FoundationEssentials
import GRDB

/// Camera leases on SQLite: several `kinfinder run --shared` processes on one host share the
/// cameras of one database file. Writes are serialised by SQLite, so a plain read-then-update in
/// one transaction is race-free; expiry uses this host's clock (all processes share it).
extension SQLiteGridStore {
    public func heartbeat(holder: String, ttl: TimeInterval) async throws -> Int {
        try StoreRules.validateLease(holder: holder, ttl: ttl)
        return try await write { db in
            let now = Date()
            try db.execute(
                sql: "INSERT INTO ingest_host (id, expires_at) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET expires_at = excluded.expires_at",
                arguments: [holder, now + ttl])
            try db.execute(sql: "DELETE FROM ingest_host WHERE expires_at <= ?", arguments: [now - 3600])
            return try Int.fetchOne(db, sql: "SELECT count(*) FROM ingest_host WHERE expires_at > ?", arguments: [now]) ?? 1
        }
    }

    public func leaveHosts(holder: String) async throws {
        try await write { db in try db.execute(sql: "DELETE FROM ingest_host WHERE id = ?", arguments: [holder]) }
    }

    public func acquireLeases(holder: String, cameraIDs: [String], limit: Int, ttl: TimeInterval) async throws -> [LeaseFence] {
        try StoreRules.validateLease(holder: holder, ttl: ttl)
        guard limit > 0, !cameraIDs.isEmpty else { return [] }
        return try await write { db in
            let now = Date()
            var granted: [LeaseFence] = []
            for id in cameraIDs.sorted() where granted.count < limit {
                // Cameras not in the database are passed over, as on PostgreSQL.
                guard try Bool.fetchOne(db, sql: "SELECT 1 FROM camera WHERE id = ?", arguments: [id]) != nil else { continue }
                try db.execute(sql: "INSERT INTO camera_lease (camera_id) VALUES (?) ON CONFLICT DO NOTHING", arguments: [id])
                try db.execute(
                    sql: """
                        UPDATE camera_lease SET holder = ?, token = token + 1, granted_at = ?, expires_at = ?
                        WHERE camera_id = ? AND (holder IS NULL OR expires_at IS NULL OR expires_at <= ?)
                        """,
                    arguments: [holder, now, now + ttl, id, now])
                guard db.changesCount > 0 else { continue }
                let token = try Int64.fetchOne(db, sql: "SELECT token FROM camera_lease WHERE camera_id = ?", arguments: [id]) ?? 0
                granted.append(LeaseFence(cameraID: id, holder: holder, token: token))
            }
            return granted
        }
    }

    public func renewLeases(_ fences: [LeaseFence], ttl: TimeInterval) async throws -> [LeaseFence] {
        guard let first = fences.first else { return [] }
        try StoreRules.validateLease(holder: first.holder, ttl: ttl)
        return try await write { db in
            let until = Date() + ttl
            var kept: [LeaseFence] = []
            for f in fences {
                try db.execute(
                    sql: "UPDATE camera_lease SET expires_at = ? WHERE camera_id = ? AND holder = ? AND token = ?",
                    arguments: [until, f.cameraID, f.holder, f.token])
                if db.changesCount > 0 { kept.append(f) }
            }
            return kept
        }
    }

    public func releaseLeases(_ fences: [LeaseFence]) async throws {
        guard !fences.isEmpty else { return }
        try await write { db in
            let now = Date()
            for f in fences {
                try db.execute(
                    sql: "UPDATE camera_lease SET expires_at = ? WHERE camera_id = ? AND holder = ? AND token = ?",
                    arguments: [now, f.cameraID, f.holder, f.token])
            }
        }
    }

    public func cameraLeases() async throws -> [CameraLease] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM camera_lease ORDER BY camera_id").decodedEach("camera_lease", CameraLease.init(row:))
        }
    }

    /// Inside a write transaction: refuses the write unless `fence` matches the camera's lease.
    static func check(_ fence: LeaseFence?, camera: String, _ db: Database) throws {
        guard let fence else { return }
        let row = try Row.fetchOne(db, sql: "SELECT holder, token FROM camera_lease WHERE camera_id = ?", arguments: [camera])
        try StoreRules.check(fence, camera: camera, holder: row?["holder"], token: row?["token"])
    }
}

extension CameraLease {
    init(row: Row) throws {
        self.init(
            cameraID: try row.decode(forColumn: "camera_id"), holder: try row.decode(forColumn: "holder"),
            token: try row.decode(forColumn: "token"), grantedAt: try row.decode(forColumn: "granted_at"),
            expiresAt: try row.decode(forColumn: "expires_at"))
    }
}
