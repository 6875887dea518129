public import FoundationEssentials
import Foundation  // URLComponents
import GRDB
public import Logging
import NIOCore
public import PostgresNIO

/// The grid database on PostgreSQL, for deployments with several hosts: every ingest host, the
/// command centre's `serve` and the CLI share one server.
///
/// Same operations and meaning as ``SQLiteGridStore`` (one shared test suite runs on both). The
/// differences are PostgreSQL's: writes from many hosts run concurrently, so every read-decide-write
/// step locks what it decides on (`FOR UPDATE` on the row, an advisory lock for the track change
/// sequence) or is a single conditional statement; new incident events are announced with
/// `NOTIFY` (``notifications()``); camera leases use `FOR UPDATE SKIP LOCKED`.
///
/// Rows are read into GRDB `Row` values so that both engines share one set of model decoders.
public final class PostgresGridStore: GridStore {
    /// How long opening waits for the server by default, in seconds.
    public static let openTimeout: Double = 10

    /// The server as given, with any password hidden.
    public let displayURL: String
    let client: PostgresClient
    private let configuration: PostgresClient.Configuration
    private let runner: Task<Void, Never>
    let logger: Logger

    /// Connects to the server at `url` (`postgres://user:password@host:port/database`; a `host`
    /// query item naming a folder uses a Unix socket; `sslmode=require` for TLS) and brings the
    /// schema up to date.
    ///
    /// - Throws: ``GridStoreError`` with code ``GridStoreError/Code/cannotOpen`` when the URL is
    ///   malformed or the server cannot be reached or refuses the login,
    ///   ``GridStoreError/Code/newerDatabase`` when a newer Kinfinder migrated it.
    /// - Parameter openTimeout: seconds to wait for the server and the migrations.
    public static func connect(
        url: String, openTimeout: Double = PostgresGridStore.openTimeout, logger: Logger = Logger(label: "kinfinder.postgres")
    ) async throws -> PostgresGridStore {
        let store = try PostgresGridStore(url: url, logger: logger)
        // The pool retries connecting forever; opening must answer within a bound.
        let deadline = openTimeout
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await store.migrate() }
                group.addTask {
                    try await Task.sleep(for: .seconds(deadline))
                    throw GridStoreError.cannotOpen(path: store.displayURL, reason: "no answer within \(Int(deadline)) s (is the server up and reachable?)")
                }
                try await group.next()
                group.cancelAll()
            }
        } catch {
            throw store.openError(error)
        }
        return store
    }

    private init(url: String, logger: Logger) throws {
        displayURL = Self.redacted(url)
        configuration = try Self.configuration(url: url, display: displayURL)
        self.logger = logger
        // The pool logs every failed connection attempt at info; only its errors matter to a user.
        var background = logger
        background.logLevel = max(logger.logLevel, .error)
        let client = PostgresClient(configuration: configuration, backgroundLogger: background)
        self.client = client
        runner = Task { await client.run() }
    }

    deinit { runner.cancel() }

    /// True for the URLs this engine opens.
    public static func handles(_ location: String) -> Bool {
        location.hasPrefix("postgres://") || location.hasPrefix("postgresql://")
    }

    public static func redacted(_ url: String) -> String {
        guard var c = URLComponents(string: url), c.password != nil else { return url }
        c.password = "***"
        return c.string ?? url
    }

    private static func configuration(url: String, display: String) throws -> PostgresClient.Configuration {
        guard let c = URLComponents(string: url), handles(url) else {
            throw GridStoreError.cannotOpen(path: display, reason: "not a postgres:// URL")
        }
        let user = c.user.flatMap { $0.removingPercentEncoding } ?? ProcessInfo.processInfo.environment["USER"] ?? "postgres"
        let password = c.password.flatMap { $0.removingPercentEncoding }
        var database = String(c.path.drop(while: { $0 == "/" }))
        if database.isEmpty { database = user }
        let items = Dictionary((c.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        var config: PostgresClient.Configuration
        if let socketFolder = items["host"], socketFolder.hasPrefix("/") {
            let port = c.port ?? 5432
            config = .init(unixSocketPath: "\(socketFolder)/.s.PGSQL.\(port)", username: user, password: password, database: database)
        } else {
            guard let host = c.host, !host.isEmpty else {
                throw GridStoreError.cannotOpen(path: display, reason: "the URL names no host")
            }
            let tls: PostgresClient.Configuration.TLS
            switch items["sslmode"] ?? "disable" {
            case "disable": tls = .disable
            case "require", "verify-full": tls = .require(.makeClientConfiguration())
            case "prefer": tls = .prefer(.makeClientConfiguration())
            case let other: throw GridStoreError.cannotOpen(path: display, reason: "sslmode '\(other)' is not one of disable, prefer, require")
            }
            config = .init(host: host, port: c.port ?? 5432, username: user, password: password, database: database, tls: tls)
        }
        config.options.connectTimeout = .seconds(5)
        config.options.maximumConnections = 8
        config.options.keepAliveBehavior = .init(frequency: .seconds(10))
        return config
    }

    // MARK: Queries

    /// Runs `sql` (with `?` placeholders) on `connection`, or on any pooled connection.
    func rows(_ sql: String, _ arguments: [(any DatabaseValueConvertible)?] = [], on connection: PostgresConnection? = nil)
        async throws -> [Row]
    {
        let query = try PostgresQuery(unsafeSQL: Self.numbered(sql), binds: Self.bindings(arguments))
        let sequence: PostgresRowSequence
        if let connection {
            sequence = try await connection.query(query, logger: logger)
        } else {
            sequence = try await client.query(query, logger: logger)
        }
        var out: [Row] = []
        for try await row in sequence { out.append(try Self.row(row)) }
        return out
    }

    func row(_ sql: String, _ arguments: [(any DatabaseValueConvertible)?] = [], on connection: PostgresConnection? = nil)
        async throws -> Row?
    {
        try await rows(sql, arguments, on: connection).first
    }

    /// Runs statements without results.
    func execute(_ sql: String, _ arguments: [(any DatabaseValueConvertible)?] = [], on connection: PostgresConnection? = nil)
        async throws
    {
        _ = try await rows(sql, arguments, on: connection)
    }

    /// Runs `body` in one transaction (READ COMMITTED; what it decides on, it locks), retried on
    /// deadlock or serialization failure; database errors become ``GridStoreError``s.
    func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await client.withConnection { connection in
                    try await connection.query("BEGIN", logger: logger)
                    do {
                        let value = try await body(connection)
                        try await connection.query("COMMIT", logger: logger)
                        return value
                    } catch {
                        _ = try? await connection.query("ROLLBACK", logger: logger)
                        throw error
                    }
                }
            } catch {
                if attempt < 5, let state = Self.sqlState(error), state == "40001" || state == "40P01" {
                    try await Task.sleep(for: .milliseconds(Int.random(in: 5...(20 * attempt))))
                    continue
                }
                throw translate(error)
            }
        }
    }

    /// A read outside a transaction, with errors translated.
    func read<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch { throw translate(error) }
    }

    static func sqlState(_ error: any Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.sqlState]
    }

    private func translate(_ error: any Error) -> any Error {
        if error is GridStoreError { return error }
        guard let e = error as? PSQLError else { return error }
        let message = e.serverInfo?[.message] ?? String(describing: e.code)
        switch Self.sqlState(e) {
        case "23503"?:
            return GridStoreError.invalidValue("the change names a grid cell, camera, report or track that is not in the database at \(displayURL)")
        case "23505"?, "23514"?, "22P02"?, "22003"?:
            return GridStoreError.invalidValue("the database at \(displayURL) refused the change: \(message)")
        case nil:
            return GridStoreError(.busy, "the database at \(displayURL) could not be reached: \(message) (is the server up?)")
        default:
            return GridStoreError.invalidValue("the database at \(displayURL) refused the request: \(message)")
        }
    }

    private func openError(_ error: any Error) -> any Error {
        if let e = error as? GridStoreError, e.code == .newerDatabase || e.code == .cannotOpen { return e }
        if let e = error as? PSQLError {
            let reason = e.serverInfo?[.message] ?? "\(e.code) \(e.underlying.map { "(\($0))" } ?? "")"
            return GridStoreError.cannotOpen(path: displayURL, reason: reason)
        }
        return GridStoreError.cannotOpen(path: displayURL, reason: String(describing: error))
    }

    // MARK: Schema

    private func migrate() async throws {
        let known = Set(PostgresSchema.migrations.map(\.id))
        try await client.withConnection { connection in
            try await connection.query("SET client_min_messages = warning", logger: logger)
            try await connection.query(
                "CREATE TABLE IF NOT EXISTS kinfinder_migrations (id TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
                logger: logger)
        }
        _ = try await transaction { connection in
            try await self.execute("SELECT pg_advisory_xact_lock(?)", [PostgresSchema.migrationLock], on: connection)
            let applied = Set(try await self.rows("SELECT id FROM kinfinder_migrations", on: connection).map { $0["id"] as String })
            if let unknown = applied.subtracting(known).sorted().first {
                throw GridStoreError.newerDatabase(path: self.displayURL, unknownMigration: unknown)
            }
            for (id, sql) in PostgresSchema.migrations where !applied.contains(id) {
                for statement in Self.statements(sql) {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: self.logger)
                }
                try await self.execute("INSERT INTO kinfinder_migrations (id) VALUES (?)", [id], on: connection)
                self.logger.info("migrated", metadata: ["migration": "\(id)", "database": "\(self.displayURL)"])
            }
            return true
        }
    }

    /// A migration's statements: split at `;` outside `$$` function bodies.
    static func statements(_ sql: String) -> [String] {
        var out: [String] = []
        var current = ""
        var inBody = false
        var previous: Character = " "
        for ch in sql {
            if ch == "$" && previous == "$" { inBody.toggle() }
            if ch == ";" && !inBody {
                let s = current.trimmingCharacters(in: .whitespacesAndNewlines)
                if !s.isEmpty { out.append(s) }
                current = ""
            } else {
                current.append(ch)
            }
            previous = ch
        }
        let rest = current.trimmingCharacters(in: .whitespacesAndNewlines)
        if !rest.isEmpty { out.append(rest) }
        return out
    }

    /// Identifiers of the migrations the database has run, in the schema's order (one open runs
    /// them all in one transaction, so they share a time), unknown ones last (tests).
    func appliedMigrations() async throws -> [String] {
        let order = Dictionary(uniqueKeysWithValues: PostgresSchema.migrations.enumerated().map { ($1.id, $0) })
        let ids: [String] = try await rows("SELECT id FROM kinfinder_migrations ORDER BY applied_at, id").map { $0["id"] }
        return ids.enumerated().sorted { (order[$0.element] ?? Int.max, $0.offset) < (order[$1.element] ?? Int.max, $1.offset) }.map(\.element)
    }

    // MARK: Values

    /// `?` placeholders to `$1, $2, …` (no statement here has a `?` inside a string literal).
    static func numbered(_ sql: String) -> String {
        var out = ""
        out.reserveCapacity(sql.count + 16)
        var n = 0
        for ch in sql {
            if ch == "?" {
                n += 1
                out += "$\(n)"
            } else {
                out.append(ch)
            }
        }
        return out
    }

    /// Binds Swift values the way both engines store them: dates to the millisecond, NaN as NULL.
    static func bindings(_ values: [(any DatabaseValueConvertible)?]) throws -> PostgresBindings {
        var b = PostgresBindings(capacity: values.count)
        for value in values {
            switch value {
            case nil: b.appendNull()
            case let d as Date: b.append(StoreRules.milliseconds(d))
            case let v as Bool: b.append(v)
            case let v as String: b.append(v)
            case let v as Int: b.append(Int64(v))
            case let v as Int64: b.append(v)
            case let v as Int32: b.append(Int64(v))
            case let v as Double: if v.isNaN { b.appendNull() } else { b.append(v) }
            case let v as Float: if v.isNaN { b.appendNull() } else { b.append(Double(v)) }
            case let v as Data: b.append(ByteBuffer(bytes: v))
            case let v?:
                switch v.databaseValue.storage {
                case .null: b.appendNull()
                case .int64(let i): b.append(i)
                case .double(let x): if x.isNaN { b.appendNull() } else { b.append(x) }
                case .string(let s): b.append(s)
                case .blob(let data): b.append(ByteBuffer(bytes: data))
                }
            }
        }
        return b
    }

    /// A PostgreSQL row as a GRDB row (dates and blobs in GRDB's representation), so the model
    /// decoders of `Records.swift` serve both engines.
    static func row(_ row: PostgresRow) throws -> Row {
        var values: [String: (any DatabaseValueConvertible)?] = [:]
        for cell in row {
            guard cell.bytes != nil else {
                values[cell.columnName] = nil as Int64?
                continue
            }
            let value: any DatabaseValueConvertible
            switch cell.dataType {
            case .int8: value = try cell.decode(Int64.self)
            case .int4: value = Int64(try cell.decode(Int32.self))
            case .int2: value = Int64(try cell.decode(Int16.self))
            case .float8: value = try cell.decode(Double.self)
            case .float4: value = Double(try cell.decode(Float.self))
            case .bool: value = try cell.decode(Bool.self)
            case .text, .varchar, .name, .bpchar: value = try cell.decode(String.self)
            case .bytea: value = Data(try cell.decode(ByteBuffer.self).readableBytesView)
            case .timestamptz, .timestamp: value = try cell.decode(Date.self)
            case .numeric: value = Double(try cell.decode(String.self)) ?? .nan
            case .void: continue
            default:
                throw GridStoreError.corrupt("a column '\(cell.columnName)' of PostgreSQL type \(cell.dataType) this version cannot read")
            }
            values[cell.columnName] = value
        }
        return Row(values)
    }
}
