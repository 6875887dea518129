public import FoundationEssentials
public import Matching
import GRDB

extension SQLiteGridStore {
    /// Records a sign-in session by the SHA-256 digest (hex) of its token.
    public func createSession(tokenDigest: String, workerID: String, expiresAt: Date, at: Date) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM auth_session WHERE expires_at < ?", arguments: [at])
            try db.execute(
                sql: "INSERT INTO auth_session (token_sha256, worker_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                arguments: [tokenDigest, workerID, at, expiresAt])
        }
    }

    /// The worker whose unexpired session has this token digest.
    public func sessionWorker(tokenDigest: String, now: Date) async throws -> GridWorker? {
        try await read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT grid_worker.* FROM auth_session JOIN grid_worker ON grid_worker.id = auth_session.worker_id
                    WHERE auth_session.token_sha256 = ? AND auth_session.expires_at > ?
                    """,
                arguments: [tokenDigest, now]
            ).map(GridWorker.init(row:))
        }
    }

    public func deleteSession(tokenDigest: String) async throws {
        try await write { db in try db.execute(sql: "DELETE FROM auth_session WHERE token_sha256 = ?", arguments: [tokenDigest]) }
    }

    /// Records a family link (by the SHA-256 digest of its secret) to one report.
    public func createReportLink(reportID: Int64, tokenDigest: String, at: Date) async throws {
        try await write { db in
            try db.execute(
                sql: "INSERT INTO report_link (token_sha256, report_id, created_at) VALUES (?, ?, ?)",
                arguments: [tokenDigest, reportID, at])
        }
    }

    /// The report a family link opens, or `nil`.
    public func report(linkDigest: String) async throws -> MissingPersonReport? {
        try await read { db in
            try Row.fetchOne(
                db, sql: "SELECT report.* FROM report_link JOIN report ON report.id = report_link.report_id WHERE token_sha256 = ?",
                arguments: [linkDigest]
            ).map(MissingPersonReport.init(row:))
        }
    }
}
