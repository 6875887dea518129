public import FoundationEssentials
import GRDB
import Description

extension SQLiteGridStore {
    /// Inserts or updates the track keyed by (camera, run, track number) and returns it with its
    /// database id; an update keeps the id. The `id` of `track` itself is ignored.
    ///
    /// Every field is stored exactly, histograms bit for bit; dates to the millisecond. A NaN
    /// measurement reads back as NaN, except `relativeHeight`, which reads back as `nil`.
    ///
    /// - Throws: ``GridStoreError`` with code ``GridStoreError/Code/unknownCamera`` when the camera
    ///   is not in the database.
    public func saveTrack(_ track: StoredTrack, fence: LeaseFence?) async throws -> StoredTrack {
        try StoreRules.validate(track)
        return try await write { db in
            try Self.requireCamera(
                track.cameraID, usedBy: "track \(track.descriptor.trackID) of run '\(track.runID)'", db)
            try Self.check(fence, camera: track.cameraID, db)
            try db.execute(sql: Self.upsertTrackSQL, arguments: track.databaseArguments)
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT id, seq FROM track WHERE camera_id = ? AND run_id = ? AND track_no = ?",
                    arguments: [track.cameraID, track.runID, track.descriptor.trackID]),
                let id: Int64 = row["id"]
            else {
                // Unreachable short of a broken SQLite: the row was just written in this transaction.
                throw GridStoreError.corrupt("no row for the track just saved")
            }
            var saved = track
            saved.id = id
            saved.sequence = row["seq"]
            return saved
        }
    }

    /// Every save takes the next change number (`seq`), insert or update alike.
    private static let upsertTrackSQL = """
        INSERT INTO track (\(TrackColumns.all.joined(separator: ", ")), seq)
        VALUES (\(TrackColumns.all.map { ":\($0)" }.joined(separator: ", ")), (SELECT coalesce(max(seq), 0) + 1 FROM track))
        ON CONFLICT (\(TrackColumns.key.joined(separator: ", "))) DO UPDATE SET
            \(TrackColumns.values.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")), seq = excluded.seq
        """

    /// Tracks last seen at or after `since` (all when `nil`), optionally of one camera, oldest
    /// first (by last-seen time, then id).
    public func tracks(since: Date?, cameraID: String?) async throws -> [StoredTrack] {
        let query = StoreQueries.tracks(since: since, cameraID: cameraID)
        return try await fetch(query, "track", StoredTrack.init(row:))
    }

    /// Up to `limit` tracks saved after change number `sequence`, in change order.
    public func tracks(afterSequence sequence: Int64, limit: Int) async throws -> [StoredTrack] {
        try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM track WHERE seq > ? ORDER BY seq LIMIT ?", arguments: [sequence, max(0, limit)]
            ).decodedEach("track", StoredTrack.init(row:))
        }
    }

    /// The tracks with these ids; ids not in the database are left out.
    public func tracks(ids: [Int64]) async throws -> [StoredTrack] {
        try await fetch("track", in: ids, StoredTrack.init(row:))
    }

    public func trackCounts() async throws -> [String: Int] {
        try await read { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT camera_id, count(*) AS n FROM track GROUP BY camera_id") {
                counts[row["camera_id"]] = row["n"]
            }
            return counts
        }
    }
}
