import GRDB

// Internal hooks for tests and future diagnostics (`@testable import GridStore`); not public API.
extension SQLiteGridStore {
    /// Names of the tables in the database, sorted, without SQLite's own.
    func tableNames() async throws -> [String] {
        try await read { db in
            try String.fetchAll(
                db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        }
    }

    /// Identifiers of the migrations the database has run, in order of registration.
    func appliedMigrations() async throws -> [String] {
        try await read { db in try GridSchema.migrator().appliedMigrations(db) }
    }

    /// Runs raw SQL in a write transaction (tests use it to damage or age a database on purpose).
    func executeRaw(_ sql: String) async throws {
        try await write { db in try db.execute(sql: sql) }
    }

    /// The single integer a raw query returns (e.g. a `COUNT(*)`).
    func integerRaw(_ sql: String) async throws -> Int? {
        try await read { db in try Int.fetchOne(db, sql: sql) }
    }
}

extension SQLiteGridStore {
    /// SQLite's plan for one of the store's list queries (`EXPLAIN QUERY PLAN`, one detail per step).
    func queryPlan(_ query: StoreQueries.Query) async throws -> [String] {
        let sql = query.sql, arguments = StatementArguments(query.values)
        return try await read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String }
        }
    }

    /// Runs raw SQL on a database file with foreign keys off, outside any store (tests rebuild an
    /// older schema with it; the file must not be open elsewhere).
    static func executeRawWithoutForeignKeys(path: String, _ sql: String) throws {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = false
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        try queue.inDatabase { try $0.execute(sql: sql) }
    }
}
