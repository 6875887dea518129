public import FoundationEssentials
import Foundation  // Thread.sleep
import GRDB

/// The embedded grid database: one SQLite file in WAL mode, shared by every Kinfinder process on the
/// host (camera pipelines, CLI, server).
///
/// Writes are serialized: within a process by GRDB, across processes by SQLite's write lock, which a
/// writer waits for up to ``busyTimeout`` seconds before failing with ``GridStoreError/Code/busy``.
/// Readers never wait for writers. All methods are safe to call from many tasks at once.
///
/// The schema is in `Migrations.swift`; opening a file runs the migrations it lacks, and refuses a
/// file made by a newer Kinfinder.
public final class SQLiteGridStore: GridStore {
    /// How long a write waits for another process's write to finish, in seconds.
    public static let busyTimeout: TimeInterval = 5

    /// Path of the database file, as given to ``init(path:)``.
    public let path: String
    let pool: DatabasePool

    /// Opens the database at `path`, creating it (and its folder) if missing, and brings its schema
    /// up to date.
    ///
    /// - Throws: ``GridStoreError`` with code ``GridStoreError/Code/cannotOpen`` when the file or its
    ///   folder cannot be created or is not an SQLite database, ``GridStoreError/Code/newerDatabase``
    ///   when a newer Kinfinder has migrated it.
    public init(path: String) throws {
        self.path = path
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw GridStoreError.cannotOpen(path: path, reason: "cannot create its folder \(folder.path): \(error)")
        }

        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(Self.busyTimeout)
        config.label = "kinfinder-grid"
        pool = try Self.openPool(path: path, configuration: config)
    }

    /// Opens the pool and migrates, retrying while other processes hold locks.
    ///
    /// The busy timeout covers ordinary writes, but not every step of opening: switching a fresh
    /// file to WAL mode, for one, fails at once with "database is locked" when another process does
    /// the same at that moment (several pipelines started together). Such failures are retried
    /// with a short random pause until ``busyTimeout`` has passed.
    private static func openPool(path: String, configuration: Configuration) throws -> DatabasePool {
        let deadline = ContinuousClock.now + .seconds(busyTimeout)
        var attempt = 0
        while true {
            attempt += 1
            do {
                let pool = try DatabasePool(path: path, configuration: configuration)
                try migrate(pool, path: path)
                return pool
            } catch let error as GridStoreError {
                throw error
            } catch {
                guard isLockContention(error), ContinuousClock.now < deadline else {
                    throw GridStoreError.cannotOpen(path: path, reason: reason(error))
                }
                Thread.sleep(forTimeInterval: min(0.02 * Double(attempt), 0.2) + .random(in: 0...0.02))
            }
        }
    }

    private static func isLockContention(_ error: any Error) -> Bool {
        guard let error = error as? DatabaseError else { return false }
        return error.resultCode.primaryResultCode == .SQLITE_BUSY || error.resultCode.primaryResultCode == .SQLITE_LOCKED
    }

    /// Refuses databases from a newer Kinfinder, then runs missing migrations.
    ///
    /// Two processes opening a fresh file at the same moment may both try the same migration; the
    /// loser's transaction fails (table exists) and is rolled back, so it re-reads the applied
    /// migrations and carries on.
    private static func migrate(_ pool: DatabasePool, path: String) throws {
        let migrator = GridSchema.migrator()
        let known = Set(migrator.migrations)
        let attempts = 3
        for attempt in 1...attempts {
            do {
                let applied = try pool.read { try migrator.appliedIdentifiers($0) }
                if let unknown = applied.subtracting(known).sorted().first {
                    throw GridStoreError.newerDatabase(path: path, unknownMigration: unknown)
                }
                try migrator.migrate(pool)
                return
            } catch let error as GridStoreError {
                throw error
            } catch {
                if (try? pool.read { try migrator.hasCompletedMigrations($0) }) == true { return }
                if attempt == attempts || isLockContention(error) { throw error }
            }
        }
    }

    static func reason(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            return error.message ?? "SQLite error \(error.resultCode.rawValue)"
        }
        return String(describing: error)
    }

    // MARK: Database access

    /// Runs `updates` in one IMMEDIATE transaction; translates lock timeouts.
    func write<T: Sendable>(_ updates: @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.write(updates)
        } catch {
            throw translate(error)
        }
    }

    /// Rows of `table` whose `column` is one of `ids`, decoded; ids with no row are left out.
    /// Bound in ``StoreQueries/batches(_:)``.
    func fetch<T: Sendable>(
        _ table: String, where column: String = "id", in ids: [Int64], _ decode: @escaping @Sendable (Row) throws -> T
    ) async throws -> [T] {
        var found: [T] = []
        for chunk in StoreQueries.batches(ids) {
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            found += try await read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM \(table) WHERE \(column) IN (\(marks))", arguments: StatementArguments(chunk))
                    .decodedEach(table, decode)
            }
        }
        return found
    }

    /// The rows of one of the shared queries (``StoreQueries``), decoded as `table`'s rows.
    func fetch<T: Sendable>(_ query: StoreQueries.Query, _ table: String, _ decode: @escaping @Sendable (Row) throws -> T) async throws -> [T] {
        let sql = query.sql, arguments = StatementArguments(query.values)
        return try await read { db in try Row.fetchAll(db, sql: sql, arguments: arguments).decodedEach(table, decode) }
    }

    /// Runs `value` on a snapshot of the database.
    func read<T: Sendable>(_ value: @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.read(value)
        } catch {
            throw translate(error)
        }
    }

    private func translate(_ error: any Error) -> any Error {
        guard let error = error as? DatabaseError else { return error }
        switch error.resultCode.primaryResultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return GridStoreError.busy(path: path)
        default:
            if error.extendedResultCode == .SQLITE_CONSTRAINT_FOREIGNKEY {
                // Checks before each write give precise messages; this is the backstop.
                return GridStoreError.invalidValue(
                    "the change names a grid cell, camera, report or track that is not in the database at \(path)")
            }
            return error
        }
    }

    // MARK: Grid

    /// Inserts or updates cells in one transaction: either all are stored or none. A cell saved
    /// without a location keeps the one stored.
    ///
    /// Cells may come in any order; parents are stored before children. A district has no parent;
    /// every other cell's parent must be exactly one level up (a street's parent is a district, a
    /// community's a street, a micro-grid's a community), either already stored or in `cells`.
    ///
    /// - Throws: ``GridStoreError`` with code ``GridStoreError/Code/invalidGrid`` naming the
    ///   offending cell.
    public func upsertCells(_ cells: [GridCell]) async throws {
        guard !cells.isEmpty else { return }
        let ordered = try StoreRules.parentsFirst(cells)
        try await write { db in
            for cell in ordered {
                try Self.checkParent(of: cell, db)
                try db.execute(
                    sql: """
                        INSERT INTO grid_cell (id, name, level, parent_id, lat, lon) VALUES (?, ?, ?, ?, ?, ?)
                        ON CONFLICT (id) DO UPDATE SET
                            name = excluded.name, level = excluded.level, parent_id = excluded.parent_id,
                            lat = coalesce(excluded.lat, lat), lon = coalesce(excluded.lon, lon)
                        """,
                    arguments: [cell.id, cell.name, cell.level.rawValue, cell.parentID, cell.location?.latitude, cell.location?.longitude])
            }
            // A cell whose level changed must not strand children stored earlier.
            for cell in ordered {
                let children = try Row.fetchAll(
                    db, sql: "SELECT * FROM grid_cell WHERE parent_id = ?", arguments: [cell.id]
                ).map(GridCell.init(row:))
                try StoreRules.checkChildren(children, of: cell)
            }
        }
    }

    private static func checkParent(of cell: GridCell, _ db: Database) throws {
        let parent = try cell.parentID.flatMap { id in
            try Row.fetchOne(db, sql: "SELECT * FROM grid_cell WHERE id = ?", arguments: [id]).map(GridCell.init(row:))
        }
        try StoreRules.checkParent(of: cell, parent: parent)
    }

    /// All cells, parents before children (by level, then id).
    public func cells() async throws -> [GridCell] {
        let cells = try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM grid_cell").map(GridCell.init(row:))
        }
        return cells.sorted { ($0.level.depth, $0.id) < ($1.level.depth, $1.id) }
    }

    /// The cell with this id, or `nil`.
    public func cell(id: String) async throws -> GridCell? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM grid_cell WHERE id = ?", arguments: [id]).map(GridCell.init(row:))
        }
    }

    // MARK: Cameras

    /// Inserts a camera, or updates the one with the same id.
    ///
    /// - Throws: ``GridStoreError`` with code ``GridStoreError/Code/unknownCell`` when its cell is
    ///   not in the database.
    public func upsertCamera(_ camera: Camera) async throws {
        guard !camera.id.isEmpty else { throw GridStoreError.invalidValue("a camera needs a non-empty id") }
        try await write { db in
            try Self.requireCell(camera.cellID, subject: "camera '\(camera.id)' is in", db)
            try db.execute(
                sql: """
                    INSERT INTO camera (id, name, cell_id, url, lat, lon) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET name = excluded.name, cell_id = excluded.cell_id, url = excluded.url,
                        lat = coalesce(excluded.lat, lat), lon = coalesce(excluded.lon, lon)
                    """,
                arguments: [camera.id, camera.name, camera.cellID, camera.url, camera.location?.latitude, camera.location?.longitude])
        }
    }

    /// All cameras, by id.
    public func cameras() async throws -> [Camera] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM camera ORDER BY id").decodedEach("camera", Camera.init(row:))
        }
    }

    /// The camera with this id, or `nil`.
    public func camera(id: String) async throws -> Camera? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM camera WHERE id = ?", arguments: [id]).map(Camera.init(row:))
        }
    }

    // MARK: Reference checks (inside the write transaction, for precise errors)

    /// - Parameter subject: starts the error message, e.g. "camera 'C1' is in".
    static func requireCell(_ id: String, subject: String, _ db: Database) throws {
        guard try Bool.fetchOne(db, sql: "SELECT 1 FROM grid_cell WHERE id = ?", arguments: [id]) != nil else {
            throw GridStoreError.unknownCell(id, subject: subject)
        }
    }

    static func requireCamera(_ id: String, usedBy owner: String, _ db: Database) throws {
        guard try Bool.fetchOne(db, sql: "SELECT 1 FROM camera WHERE id = ?", arguments: [id]) != nil else {
            throw GridStoreError.unknownCamera(id, usedBy: owner)
        }
    }
}
