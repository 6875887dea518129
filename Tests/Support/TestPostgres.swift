import Foundation
import Logging
import PostgresNIO
import GridStore

/// A real PostgreSQL server for the tests: the one `KINFINDER_TEST_POSTGRES_URL` names, or else a
/// throw-away cluster started once per test process by `scripts/postgres-test-server` (loopback,
/// temporary folder, removed when the test process exits). When neither is possible the PostgreSQL
/// tests are skipped, and this says so loudly on standard error.
public enum TestPostgres {
    public struct Server: Sendable {
        public let host: String
        public let port: Int
        public let user: String
        /// The URL of the server's maintenance database.
        public let adminURL: String
    }

    /// Seconds tests give a PostgreSQL store to open.
    public static let openTimeout = 180.0

    /// The server, started on first use; `nil` when none can be started.
    public static let server: Server? = start()

    /// Whether the PostgreSQL tests can run.
    public static var available: Bool { server != nil }

    /// Why the server is missing (for the skip message).
    nonisolated(unsafe) private static var failure = ""
    nonisolated(unsafe) private static var process: Process?

    /// The repository's root, from this file's place in it.
    public static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    private static func start() -> Server? {
        if let url = ProcessInfo.processInfo.environment["KINFINDER_TEST_POSTGRES_URL"], !url.isEmpty {
            guard let server = parse(url) else { return skipped("KINFINDER_TEST_POSTGRES_URL '\(url)' is not a postgres:// URL") }
            return server
        }
        let script = repositoryRoot.appendingPathComponent("scripts/postgres-test-server")
        let p = Process()
        p.executableURL = script
        p.arguments = ["--port", "0", "--no-fsync"]
        let input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        p.standardInput = input
        p.standardOutput = output
        p.standardError = errors
        do { try p.run() } catch { return skipped("cannot run \(script.path): \(error)") }
        process = p
        // Keep the write end open for the life of this process: the server stops when it closes.
        _ = Unmanaged.passRetained(input)
        let deadline = Date().addingTimeInterval(90)
        var text = ""
        let handle = output.fileHandleForReading
        while Date() < deadline {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("READY ") }) {
                return parse(String(line.dropFirst(6))) ?? skipped("the test server printed '\(line)'")
            }
        }
        let err = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return skipped("scripts/postgres-test-server did not start a server: \(err.isEmpty ? text : err)")
    }

    private static func parse(_ url: String) -> Server? {
        guard let c = URLComponents(string: url), let host = c.host, url.hasPrefix("postgres") else { return nil }
        let user = c.user ?? "postgres"
        return Server(host: host, port: c.port ?? 5432, user: user, adminURL: url)
    }

    private static func skipped(_ why: String) -> Server? {
        failure = why
        let banner = String(repeating: "!", count: 100)
        FileHandle.standardError.write(Data("""
            \(banner)
            !! PostgreSQL tests SKIPPED: \(why)
            !! Install Debian's postgresql (scripts/install-deps does) or set KINFINDER_TEST_POSTGRES_URL.
            \(banner)

            """.utf8))
        return nil
    }

    /// A new, empty database on the server; returns its URL.
    public static func freshDatabase() async throws -> String {
        guard let server else { throw TestPostgresError(message: "no PostgreSQL server: \(failure)") }
        let name = "kf_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(20)
        let config = PostgresConnection.Configuration(
            host: server.host, port: server.port, username: server.user, password: nil, database: "postgres", tls: .disable)
        let connection = try await PostgresConnection.connect(configuration: config, id: 1, logger: Logger(label: "test-postgres"))
        do {
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: Logger(label: "test-postgres"))
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
        return "postgres://\(server.user)@\(server.host):\(server.port)/\(name)"
    }
}

public struct TestPostgresError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// The engines the shared store tests run on: SQLite always, PostgreSQL when a server can be
/// started (otherwise ``TestPostgres`` says loudly that those runs are skipped).
public enum StoreEngine: String, Sendable, CustomStringConvertible {
    case sqlite, postgres
    public static let all: [StoreEngine] = TestPostgres.available ? [.sqlite, .postgres] : [.sqlite]
    public var description: String { rawValue }

    /// Where a fresh store of this engine lives: the SQLite file `sqlitePath`, or a new database on
    /// the test PostgreSQL server (its URL).
    public func freshLocation(sqlitePath: String) async throws -> String {
        switch self {
        case .sqlite: sqlitePath
        case .postgres: try await TestPostgres.freshDatabase()
        }
    }

    /// Opens the store at `location` (from ``freshLocation(sqlitePath:)``).
    public func open(_ location: String) async throws -> any GridStore {
        switch self {
        case .sqlite: try SQLiteGridStore(path: location)
        // A loaded test machine (the whole suite at once on two cores) can take longer than a user's 10 s.
        case .postgres: try await PostgresGridStore.connect(url: location, openTimeout: TestPostgres.openTimeout)
        }
    }
}
