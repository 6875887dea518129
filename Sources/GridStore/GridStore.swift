public import FoundationEssentials
public import Matching

/// The grid database: every process (camera pipelines, CLI, server) reads and writes through this.
///
/// One protocol, several engines: SQLite (``SQLiteGridStore``, the embedded default) now, PostgreSQL
/// for multi-host deployments later. Implementations are safe to call from many tasks at once.
public protocol GridStore: Sendable {
    // Grid
    /// Inserts or updates cells; parents must exist or be part of the same call.
    func upsertCells(_ cells: [GridCell]) async throws
    func cells() async throws -> [GridCell]
    func cell(id: String) async throws -> GridCell?

    // Cameras
    func upsertCamera(_ camera: Camera) async throws
    func cameras() async throws -> [Camera]
    func camera(id: String) async throws -> Camera?

    // Camera health
    /// Replaces the status row of the status's camera (which must exist).
    func updateCameraStatus(_ status: CameraStatus) async throws
    /// Every camera's last reported status, by camera id.
    func cameraStatuses() async throws -> [CameraStatus]

    // Reports
    /// Saves a new report and returns it with its id.
    func addReport(_ report: MissingPersonReport) async throws -> MissingPersonReport
    func report(id: Int64) async throws -> MissingPersonReport?
    func reports(status: ReportStatus?) async throws -> [MissingPersonReport]
    func setReportStatus(id: Int64, status: ReportStatus) async throws

    // Tracks
    /// Inserts or updates a track, keyed by (camera, run, track number); returns it with its id.
    func saveTrack(_ track: StoredTrack) async throws -> StoredTrack
    /// Tracks last seen at or after `since`, optionally of one camera, oldest first.
    func tracks(since: Date?, cameraID: String?) async throws -> [StoredTrack]
    /// Up to `limit` tracks saved (inserted or updated) after change number `sequence`, in change
    /// order: what a derived descriptor index has not seen yet.
    func tracks(afterSequence sequence: Int64, limit: Int) async throws -> [StoredTrack]
    /// The tracks with these ids (missing ids are left out), in no particular order.
    func tracks(ids: [Int64]) async throws -> [StoredTrack]

    // Incidents
    /// Records an incident unless one already exists for the same report and track; returns the
    /// stored incident, or `nil` when it was a duplicate.
    func raiseIncident(_ incident: Incident) async throws -> Incident?
    func incidents(_ filter: IncidentFilter) async throws -> [Incident]
    func incident(id: Int64) async throws -> Incident?
    func setIncidentStatus(id: Int64, status: IncidentStatus) async throws
}
