import FoundationEssentials
import GRDB

extension SQLiteGridStore {
    /// Replaces the camera's status row.
    ///
    /// - Throws: ``GridStoreError`` with code ``GridStoreError/Code/unknownCamera`` when the camera
    ///   is not in the database.
    public func updateCameraStatus(_ status: CameraStatus) async throws {
        try await write { db in
            try Self.requireCamera(status.cameraID, usedBy: "a camera status", db)
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO camera_status (
                        camera_id, state, reason, state_since, reporter, input_fps, analysed_fps, frames_in,
                        frames_analysed, frames_dropped, frames_skipped, corrupt_packets, reconnects, lag_p50_ms,
                        lag_p99_ms, last_frame_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    status.cameraID, status.state.rawValue, status.reason, status.stateSince, status.reporter,
                    status.inputFPS, status.analysedFPS, status.framesIn, status.framesAnalysed, status.framesDropped,
                    status.framesSkipped, status.corruptPackets, status.reconnects, status.lagP50, status.lagP99,
                    status.lastFrameAt, status.updatedAt,
                ])
        }
    }

    /// Every reported camera status, by camera id.
    public func cameraStatuses() async throws -> [CameraStatus] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM camera_status ORDER BY camera_id").decodedEach("camera_status", CameraStatus.init(row:))
        }
    }
}
