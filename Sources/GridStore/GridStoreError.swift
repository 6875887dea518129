/// An error from the grid database, with a message a shell user can act on.
///
/// Match on ``code`` to react in code; print ``description`` to tell the user. The set of codes may
/// grow, so a `switch` over them needs a `default`.
public struct GridStoreError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String {
            case cannotOpen, newerDatabase, busy, invalidGrid, unknownCell, unknownCamera, notFound, invalidValue,
                corruptData, leaseLost
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The database file could not be opened, created or migrated.
        public static var cannotOpen: Code { Code(.cannotOpen) }
        /// The database was migrated by a newer Kinfinder; this one does not know its schema.
        public static var newerDatabase: Code { Code(.newerDatabase) }
        /// Another process kept the database locked for longer than the busy timeout.
        public static var busy: Code { Code(.busy) }
        /// Grid cells that break the hierarchy (wrong parent level, missing parent, duplicate id…).
        public static var invalidGrid: Code { Code(.invalidGrid) }
        /// A camera, report or incident names a grid cell that is not in the database.
        public static var unknownCell: Code { Code(.unknownCell) }
        /// A track or incident names a camera that is not in the database.
        public static var unknownCamera: Code { Code(.unknownCamera) }
        /// The report, track or incident with the given id is not in the database.
        public static var notFound: Code { Code(.notFound) }
        /// A value that cannot be stored (e.g. a score that is not a number).
        public static var invalidValue: Code { Code(.invalidValue) }
        /// The database holds something this version cannot read (e.g. a histogram of the wrong size).
        public static var corruptData: Code { Code(.corruptData) }
        /// A fenced write came from a process that no longer holds the camera's lease (another host
        /// took the camera over); the writer must stop analysing that camera.
        public static var leaseLost: Code { Code(.leaseLost) }

        /// The code's name, e.g. "notFound".
        public var description: String { value.rawValue }
    }

    /// What kind of failure this is.
    public let code: Code
    /// The message for the user.
    public let description: String

    init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }
}

extension GridStoreError {
    static let importGridHint = "import the grid first: kinfinder grid import FILE"

    static func cannotOpen(path: String, reason: String) -> GridStoreError {
        GridStoreError(.cannotOpen, "the database at \(path) could not be opened: \(reason)")
    }

    static func newerDatabase(path: String, unknownMigration: String) -> GridStoreError {
        GridStoreError(
            .newerDatabase,
            "the database at \(path) was created by a newer Kinfinder (migration '\(unknownMigration)' unknown); "
                + "upgrade kinfinder, or use another database file")
    }

    static func busy(path: String) -> GridStoreError {
        GridStoreError(
            .busy,
            "the database at \(path) stayed locked by another process for more than "
                + "\(Int(SQLiteGridStore.busyTimeout)) s; try again, or look for a stuck kinfinder process")
    }

    /// - Parameter subject: the start of the sentence, e.g. "camera 'C1' is in"; `nil` for a bare
    ///   "unknown grid cell 'X'".
    static func unknownCell(_ id: String, subject: String? = nil) -> GridStoreError {
        let start = subject.map { "\($0) unknown grid cell" } ?? "unknown grid cell"
        return GridStoreError(.unknownCell, "\(start) '\(id)' (\(importGridHint))")
    }

    static func unknownCamera(_ id: String, usedBy owner: String) -> GridStoreError {
        GridStoreError(
            .unknownCamera, "\(owner) comes from unknown camera '\(id)' (add it first: kinfinder camera add \(id) --cell CELL)")
    }

    static func notFound(_ what: String, id: Int64) -> GridStoreError {
        GridStoreError(.notFound, "there is no \(what) #\(id) in the grid database")
    }

    static func invalidGrid(_ message: String) -> GridStoreError {
        GridStoreError(.invalidGrid, message)
    }

    static func invalidValue(_ message: String) -> GridStoreError {
        GridStoreError(.invalidValue, message)
    }

    static func leaseLost(_ fence: LeaseFence, holder: String?, token: Int64?) -> GridStoreError {
        let now = holder.map { "is held by \($0) with token \(token ?? 0)" } ?? "is not held by anyone"
        return GridStoreError(
            .leaseLost,
            "camera '\(fence.cameraID)' \(now), not by \(fence.holder) with token \(fence.token): this process lost the lease "
                + "and must stop analysing it")
    }

    static func corrupt(_ message: String) -> GridStoreError {
        GridStoreError(.corruptData, "the grid database holds \(message); was it written by another program?")
    }
}
