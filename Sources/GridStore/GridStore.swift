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
    /// Reports with this status (all when `nil`), oldest first: those after the report `after`, at
    /// most `limit` (all when `nil`), read from an index in list order.
    func reports(status: ReportStatus?, after: Int64?, limit: Int?) async throws -> [MissingPersonReport]
    /// The reports with these ids (missing ids left out).
    func reports(ids: [Int64]) async throws -> [MissingPersonReport]
    /// Ends a case in one transaction: the report becomes `outcome` (found or withdrawn); with
    /// `foundIncidentID` that lead (of this report, still open or acknowledged) is resolved as found;
    /// every other open or acknowledged lead of the report becomes ``IncidentStatus/caseClosed``,
    /// each with an event, and its dispatch stops (resolved by `actor`). No lead is raised for the
    /// report after. `foundCellID` says where the person was found (the found lead's cell when not given).
    ///
    /// - Throws: ``GridStoreError`` `notFound` for an unknown report or incident, `invalidValue` when
    ///   the report is not open, the outcome is `open`, or the incident is not an active lead of it,
    ///   `unknownCell` for an unknown `foundCellID`.
    func closeCase(
        reportID: Int64, outcome: ReportStatus, foundIncidentID: Int64?, foundCellID: String?, by actor: String, note: String, at: Date
    ) async throws -> CaseClosed
    /// How the case of this report ended (`nil` while it is open, or when it was closed before
    /// Kinfinder kept closures).
    func caseClosure(reportID: Int64) async throws -> CaseClosure?
    /// Replaces a report's description fields (not its status or creation time).
    func updateReport(_ report: MissingPersonReport) async throws

    // Incident pictures
    /// Stores an incident's pictures, each replacing the one of its kind. A picture over
    /// ``IncidentImageLimits/maximumBytes``, not a JPEG, or of no known incident is refused
    /// (`invalidValue`), and then none of them is stored.
    func saveIncidentImages(_ images: [IncidentImage]) async throws
    /// The incident's picture of this kind, if one was stored.
    func incidentImage(incidentID: Int64, kind: IncidentImage.Kind) async throws -> IncidentImage?
    /// Which kinds of picture each of these incidents has (incidents without any left out).
    func incidentImageKinds(incidentIDs: [Int64]) async throws -> [Int64: [IncidentImage.Kind]]
    /// Keeps the family's photo with the report, replacing an earlier one (same checks as
    /// incident pictures; `notFound` for an unknown report).
    func saveReportPhoto(_ photo: ReportPhoto) async throws
    func reportPhoto(reportID: Int64) async throws -> ReportPhoto?
    /// Which of these reports have a photo.
    func reportsWithPhotos(ids: [Int64]) async throws -> Set<Int64>

    // Tracks
    /// Inserts or updates a track, keyed by (camera, run, track number); returns it with its id.
    /// With a `fence`, the write is refused (``GridStoreError/Code/leaseLost``) unless the camera's
    /// lease still carries that holder and token, checked inside the write's transaction.
    func saveTrack(_ track: StoredTrack, fence: LeaseFence?) async throws -> StoredTrack
    /// Tracks last seen at or after `since`, optionally of one camera, oldest first.
    func tracks(since: Date?, cameraID: String?) async throws -> [StoredTrack]
    /// Up to `limit` tracks saved (inserted or updated) after change number `sequence`, in change
    /// order: what a derived descriptor index has not seen yet.
    func tracks(afterSequence sequence: Int64, limit: Int) async throws -> [StoredTrack]
    /// The tracks with these ids (missing ids are left out), in no particular order.
    func tracks(ids: [Int64]) async throws -> [StoredTrack]
    /// Tracks stored per camera.
    func trackCounts() async throws -> [String: Int]

    // Incidents
    /// Records an incident unless one already exists for the same report and track, or — with a
    /// `sightingWindow` > 0 — for the same report seen (on any camera) less than that many seconds
    /// from this sighting; returns the stored incident, or `nil` when it was a duplicate. Exactly
    /// one of many concurrent callers (processes, hosts) raising the same sighting gets it.
    /// A `fence` is checked as for ``saveTrack(_:fence:)``.
    func raiseIncident(_ incident: Incident, sightingWindow: TimeInterval, fence: LeaseFence?) async throws -> Incident?
    func incidents(_ filter: IncidentFilter) async throws -> [Incident]
    func incident(id: Int64) async throws -> Incident?
    /// Which of `reportIDs` have an incident seen in one of `cellIDs` (a worker's part of the grid).
    func reportsSeen(in cellIDs: [String], among reportIDs: [Int64]) async throws -> Set<Int64>
    func setIncidentStatus(id: Int64, status: IncidentStatus) async throws

    // People and posts
    /// Inserts or updates a worker; a `nil` password hash keeps the stored one.
    func upsertWorker(_ worker: GridWorker, passwordHash: String?) async throws
    func workers() async throws -> [GridWorker]
    /// A worker and their password hash (a KDF string), or `nil`.
    func worker(id: String) async throws -> (worker: GridWorker, passwordHash: String?)?
    func upsertDutyPost(_ post: DutyPost) async throws
    func dutyPosts() async throws -> [DutyPost]

    // Dispatch and escalation (state in the database, so deadlines survive restarts)
    /// Open incidents that dispatch has not picked up yet, oldest first.
    func undispatchedIncidents(limit: Int) async throws -> [Incident]
    /// Gives an incident to a cell with its deadlines and records an `assigned` event (its detail
    /// the deadlines, then `note` when there is one); `false` when it was already dispatched
    /// (another process got there first).
    func startDispatch(_ dispatch: Dispatch, at: Date, note: String) async throws -> Bool
    /// Unacknowledged dispatches past their response deadline and unresolved ones past their
    /// resolution deadline that have not been handled yet.
    func dueDispatches(now: Date) async throws -> [Dispatch]
    /// Moves the responsibility from `from` to `to` with new deadlines and records an `escalated`
    /// (or `resolution-overdue`) event; `false` when the dispatch is no longer at `from`.
    func escalate(incidentID: Int64, from: String, to: String, respondBy: Date, resolveBy: Date, kind: IncidentEvent.Kind, detail: String, at: Date) async throws -> Bool
    /// Flags a deadline as passed at the top of the grid and records the event; `false` if flagged already.
    func markOverdue(incidentID: Int64, kind: IncidentEvent.Kind, detail: String, at: Date) async throws -> Bool
    /// A person is on it: status acknowledged, recorded with who and when.
    func acknowledge(incidentID: Int64, by actor: String, at: Date) async throws -> Incident
    /// Closed as found (`.resolved`) or `.falseAlarm`, with who and when. Found ends the case
    /// (``closeCase(reportID:outcome:foundIncidentID:foundCellID:by:note:at:)``): the report and its
    /// other leads close with it. A false alarm closes only this lead.
    func resolve(incidentID: Int64, outcome: IncidentStatus, by actor: String, note: String, at: Date) async throws -> Incident
    func dispatch(incidentID: Int64) async throws -> Dispatch?
    /// Dispatch rows of these incidents (all when `nil`).
    func dispatches(incidentIDs: [Int64]?) async throws -> [Dispatch]
    /// One incident's history, oldest first.
    func events(incidentID: Int64) async throws -> [IncidentEvent]
    /// Marks that `actor` looked at the lead's evidence, at any status, with an optional note (at
    /// most 2000 characters): a ``IncidentEvent/Kind/reviewed`` event in the cell now responsible.
    /// - Throws: ``GridStoreError`` `notFound` for an unknown incident, `invalidValue` for a long note.
    func review(incidentID: Int64, by actor: String, note: String, at: Date) async throws -> IncidentEvent
    /// The newest `reviewed` event of each of these incidents (those never reviewed left out).
    func reviews(incidentIDs: [Int64]) async throws -> [Int64: IncidentEvent]
    /// Every event after `id`, oldest first: what live views follow.
    func events(after id: Int64, limit: Int) async throws -> [IncidentEvent]
    /// The id of the newest event (0 when there is none): where a live view starts.
    func latestEventID() async throws -> Int64
    /// Incidents acknowledged at each level of the grid.
    func handledCounts() async throws -> [GridLevel: Int]

    // Access (secrets are stored only as SHA-256 digests)
    func createSession(tokenDigest: String, workerID: String, expiresAt: Date, at: Date) async throws
    func sessionWorker(tokenDigest: String, now: Date) async throws -> GridWorker?
    func deleteSession(tokenDigest: String) async throws
    func createReportLink(reportID: Int64, tokenDigest: String, at: Date) async throws
    func report(linkDigest: String) async throws -> MissingPersonReport?

    // Camera leases (hosts sharing cameras; see `CameraLease`)
    /// Marks `holder` alive until `ttl` seconds from now; returns how many hosts are alive.
    func heartbeat(holder: String, ttl: TimeInterval) async throws -> Int
    /// Removes `holder` from the live hosts (clean shutdown).
    func leaveHosts(holder: String) async throws
    /// Grants `holder` up to `limit` of `cameraIDs` whose lease is free or expired, each with a new
    /// fencing token, for `ttl` seconds. Never takes a lease that has not expired; ids of cameras not in
    /// the database are passed over.
    func acquireLeases(holder: String, cameraIDs: [String], limit: Int, ttl: TimeInterval) async throws -> [LeaseFence]
    /// Extends the leases `holder` still has (same token) by `ttl` seconds from now; returns them.
    /// A lease missing from the answer was taken over: stop that camera.
    func renewLeases(_ fences: [LeaseFence], ttl: TimeInterval) async throws -> [LeaseFence]
    /// Gives leases up at once (expired now, token kept) so another host can take them.
    func releaseLeases(_ fences: [LeaseFence]) async throws
    /// Every camera lease.
    func cameraLeases() async throws -> [CameraLease]
}

extension GridStore {
    /// Every report with this status (all when `nil`), oldest first.
    public func reports(status: ReportStatus?) async throws -> [MissingPersonReport] {
        try await reports(status: status, after: nil, limit: nil)
    }

    /// ``saveTrack(_:fence:)`` without a lease (single process, files, CLI).
    public func saveTrack(_ track: StoredTrack) async throws -> StoredTrack {
        try await saveTrack(track, fence: nil)
    }

    /// ``startDispatch(_:at:note:)`` without a note.
    public func startDispatch(_ dispatch: Dispatch, at: Date) async throws -> Bool {
        try await startDispatch(dispatch, at: at, note: "")
    }

    /// ``raiseIncident(_:sightingWindow:fence:)`` deduplicated by (report, track) only, without a lease.
    public func raiseIncident(_ incident: Incident) async throws -> Incident? {
        try await raiseIncident(incident, sightingWindow: 0, fence: nil)
    }
}

extension GridStore {
    /// Ends the case of an incident's report as found through that incident (see
    /// ``closeCase(reportID:outcome:foundIncidentID:foundCellID:by:note:at:)``).
    ///
    /// - Throws: ``GridStoreError`` `notFound` for an unknown incident, `invalidValue` when it is closed.
    public func closeCase(foundBy incidentID: Int64, by actor: String, note: String, at: Date) async throws -> CaseClosed {
        guard let lead = try await incident(id: incidentID) else { throw GridStoreError.notFound("incident", id: incidentID) }
        guard lead.status.isActive else {
            throw GridStoreError.invalidValue("incident \(incidentID) is already closed (\(lead.status.rawValue))")
        }
        guard let reportID = lead.reportID else {
            throw GridStoreError.invalidValue("incident \(incidentID) is a \(lead.kind.rawValue) alert: it has no report whose case could close")
        }
        return try await closeCase(
            reportID: reportID, outcome: .found, foundIncidentID: incidentID, foundCellID: nil, by: actor, note: note, at: at)
    }

    /// Whether resolving the incident as `outcome` ends its report's case, for every engine: a
    /// report's lead resolved as found does (an unknown id too: closing the case says it is not
    /// found); a behaviour alert (no report) resolves alone, as a false alarm does.
    func closesCase(incidentID: Int64, outcome: IncidentStatus) async throws -> Bool {
        guard outcome == .resolved else { return false }
        return try await incident(id: incidentID)?.kind.hasReport ?? true
    }

    /// ``resolve(incidentID:outcome:by:note:at:)`` as found, for every engine.
    func resolveFound(incidentID: Int64, by actor: String, note: String, at: Date) async throws -> Incident {
        _ = try await closeCase(foundBy: incidentID, by: actor, note: note, at: at)
        guard let closed = try await incident(id: incidentID) else { throw GridStoreError.notFound("incident", id: incidentID) }
        return closed
    }
}
