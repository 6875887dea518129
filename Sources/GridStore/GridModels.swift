public import FoundationEssentials
public import Description
public import Matching

/// Level of a grid cell, from the whole district down to a micro-grid of at most 500 households.
public enum GridLevel: String, CaseIterable, Sendable, Codable, Comparable {
    case district, street, community, microGrid = "micro-grid"

    /// 0 for the district (top), 3 for a micro-grid.
    public var depth: Int { Self.allCases.firstIndex(of: self)! }
    public static func < (a: GridLevel, b: GridLevel) -> Bool { a.depth < b.depth }
}

/// A place on the map (WGS 84 degrees), e.g. a cell's centre or a camera's position.
public struct GeoPoint: Sendable, Hashable, Codable {
    public var latitude: Double
    public var longitude: Double

    /// `nil` unless -90 ≤ latitude ≤ 90 and -180 ≤ longitude ≤ 180.
    public init?(latitude: Double, longitude: Double) {
        guard (-90...90).contains(latitude), (-180...180).contains(longitude) else { return nil }
        self.latitude = latitude
        self.longitude = longitude
    }

    /// Straight-line distance in metres (equirectangular approximation on a sphere of radius
    /// 6,371 km: within 0.1 % of the great-circle distance over the few kilometres of a scenic area).
    public func distance(to other: GeoPoint) -> Double {
        let radians = Double.pi / 180
        let meanLatitude = (latitude + other.latitude) / 2 * radians
        let dx = (other.longitude - longitude) * radians * cosine(meanLatitude)
        let dy = (other.latitude - latitude) * radians
        return 6_371_000 * (dx * dx + dy * dy).squareRoot()
    }

    /// The point `metres` east and north of this one (small offsets).
    public func offset(east: Double, north: Double) -> GeoPoint {
        let radians = Double.pi / 180
        let lat = latitude + north / 6_371_000 / radians
        let lon = longitude + east / (6_371_000 * cosine(latitude * radians)) / radians
        return GeoPoint(latitude: lat, longitude: lon) ?? self
    }

    /// cos by its Taylor series around 0 (|x| ≤ π/2 here: latitudes), so this file needs no libm.
    private func cosine(_ x: Double) -> Double {
        let x2 = x * x
        var term = 1.0, sum = 1.0
        for n in stride(from: 2, through: 24, by: 2) {
            term *= -x2 / Double((n - 1) * n)
            sum += term
        }
        return sum
    }
}

/// One cell of the grid hierarchy.
public struct GridCell: Sendable, Hashable, Codable {
    /// Short stable code, e.g. "XH-D1-S2-C3-M4".
    public var id: String
    public var name: String
    public var level: GridLevel
    /// The enclosing cell; `nil` only for a district.
    public var parentID: String?
    /// The cell's centre (its duty post, say), for walking distances; optional.
    public var location: GeoPoint?

    public init(id: String, name: String, level: GridLevel, parentID: String? = nil, location: GeoPoint? = nil) {
        self.id = id
        self.name = name
        self.level = level
        self.parentID = parentID
        self.location = location
    }
}

/// A camera, placed in one grid cell.
public struct Camera: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var cellID: String
    /// Stream URL (RTSP) or file path; credentials inside are never printed.
    public var url: String?
    /// Where the camera looks, for walking distances; when `nil` its cell's location is used.
    /// Saving a camera without a location keeps the one stored.
    public var location: GeoPoint?

    public init(id: String, name: String, cellID: String, url: String? = nil, location: GeoPoint? = nil) {
        self.id = id
        self.name = name
        self.cellID = cellID
        self.url = url
        self.location = location
    }
}

/// A track descriptor as stored: which camera and run it came from, and wall-clock times.
public struct StoredTrack: Sendable, Hashable {
    /// Database id; `nil` before the track is saved.
    public var id: Int64?
    public var cameraID: String
    /// Identifies one run of a camera pipeline (e.g. the start time of `watch`), so track numbers
    /// from different runs of the same camera never collide.
    public var runID: String
    public var firstSeenAt: Date
    public var lastSeenAt: Date
    public var descriptor: TrackDescriptor
    /// Position in the store's change order: every save (insert or update) gives the track a
    /// sequence number above all earlier ones, so a derived index can catch up with
    /// ``GridStore/tracks(afterSequence:limit:)``. `nil` before the track is saved.
    public var sequence: Int64?

    public init(
        id: Int64? = nil, cameraID: String, runID: String, firstSeenAt: Date, lastSeenAt: Date, descriptor: TrackDescriptor,
        sequence: Int64? = nil
    ) {
        self.id = id
        self.sequence = sequence
        self.cameraID = cameraID
        self.runID = runID
        self.firstSeenAt = firstSeenAt
        self.lastSeenAt = lastSeenAt
        self.descriptor = descriptor
    }
}

public enum IncidentStatus: String, CaseIterable, Sendable, Codable {
    case open, acknowledged
    /// Closed: this lead was the person (the case is found).
    case resolved
    /// Closed: it was not the person.
    case falseAlarm = "false-alarm"
    /// Closed because its case ended (found through another lead, or withdrawn): nobody needs to look.
    case caseClosed = "case-closed"

    /// Open or acknowledged: somebody still has to look.
    public var isActive: Bool { self == .open || self == .acknowledged }
}

/// How a case ended: its report closed as found or withdrawn, by whom, when, and where the person was found.
public struct CaseClosure: Sendable, Hashable, Codable {
    public var reportID: Int64
    /// `.found` or `.withdrawn`.
    public var outcome: ReportStatus
    /// A worker's id, or "cli".
    public var closedBy: String
    public var closedAt: Date
    public var note: String
    /// The lead that was the person, when the case was found from an incident.
    public var foundIncidentID: Int64?
    /// Where the person was found: that lead's cell, or the cell the closer named.
    public var foundCellID: String?

    public init(
        reportID: Int64, outcome: ReportStatus, closedBy: String, closedAt: Date, note: String = "", foundIncidentID: Int64? = nil,
        foundCellID: String? = nil
    ) {
        self.reportID = reportID
        self.outcome = outcome
        self.closedBy = closedBy
        self.closedAt = closedAt
        self.note = note
        self.foundIncidentID = foundIncidentID
        self.foundCellID = foundCellID
    }
}

/// What closing a case did.
public struct CaseClosed: Sendable, Hashable {
    public var closure: CaseClosure
    /// The report's other leads that were still open or acknowledged, now ``IncidentStatus/caseClosed``.
    public var closedIncidentIDs: [Int64]
}

/// What raised an incident: a track matching a family's report, or a behaviour rule that fired
/// before anyone filed one.
public enum IncidentKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// A track that matches an open report (the incident names the report).
    case match
    /// A person's feet in a camera's danger zone.
    case dangerZone = "danger-zone"
    /// A child-height person with no adult near for a while.
    case childAlone = "child-alone"
    /// A person who was upright, is lying and stays still.
    case personDown = "person-down"
    /// A person walking about within one small area for minutes.
    case wandering

    /// Whether the incident belongs to a report (only matches do).
    public var hasReport: Bool { self == .match }
}

/// A lead for a grid worker: a track that matches an open report well enough to look at, or a
/// behaviour alert (``kind`` other than ``IncidentKind/match``, no report).
public struct Incident: Sendable, Hashable, Codable {
    public var id: Int64?
    public var kind: IncidentKind
    /// The report this lead is for; `nil` for behaviour alerts.
    public var reportID: Int64?
    public var trackID: Int64
    public var cameraID: String
    public var cellID: String
    /// When the person was seen (the best view of the track).
    public var seenAt: Date
    /// Match score 0…1.
    public var score: Double
    /// JPEG path, relative to the database's folder.
    public var snapshotPath: String?
    public var status: IncidentStatus
    public var createdAt: Date
    /// Why it matched, in words a grid worker reads (e.g. "upper red 62%, lower blue 48%, child height").
    public var explanation: String

    public init(
        id: Int64? = nil, kind: IncidentKind = .match, reportID: Int64?, trackID: Int64, cameraID: String, cellID: String, seenAt: Date,
        score: Double, snapshotPath: String? = nil, status: IncidentStatus = .open, createdAt: Date = Date(),
        explanation: String = ""
    ) {
        self.id = id
        self.kind = kind
        self.reportID = reportID
        self.trackID = trackID
        self.cameraID = cameraID
        self.cellID = cellID
        self.seenAt = seenAt
        self.score = score
        self.snapshotPath = snapshotPath
        self.status = status
        self.createdAt = createdAt
        self.explanation = explanation
    }
}

/// Which incidents to list.
public struct IncidentFilter: Sendable, Hashable {
    public var status: IncidentStatus?
    public var kind: IncidentKind?
    public var reportID: Int64?
    public var cameraID: String?
    public var cellID: String?
    /// Only incidents seen in one of these cells (a worker's part of the grid); none when empty.
    public var cellIDs: [String]?
    /// Only incidents of these tracks (database ids); none when empty.
    public var trackIDs: [Int64]?
    public var since: Date?
    /// Only incidents listed after this one (the list is newest first: by creation time, then id),
    /// so pages follow one another without gaps or repeats as new incidents arrive.
    public var after: Int64?
    public var limit: Int

    public init(
        status: IncidentStatus? = nil, kind: IncidentKind? = nil, reportID: Int64? = nil, cameraID: String? = nil, cellID: String? = nil,
        cellIDs: [String]? = nil, trackIDs: [Int64]? = nil, since: Date? = nil, after: Int64? = nil, limit: Int = 1000
    ) {
        self.status = status
        self.kind = kind
        self.trackIDs = trackIDs
        self.reportID = reportID
        self.cameraID = cameraID
        self.cellID = cellID
        self.cellIDs = cellIDs
        self.since = since
        self.after = after
        self.limit = limit
    }
}

/// What a camera's pipeline is doing right now.
public enum CameraState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Opening the stream.
    case connecting
    /// Frames arrive and are analysed.
    case live
    /// The stream stopped delivering (no data within the read timeout, or the connection broke).
    case stalled
    /// Waiting before the next connection attempt after a transient failure.
    case backingOff = "backing-off"
    /// Failing for a reason a person must fix (wrong path, refused credentials, unknown codec,
    /// bad configuration); still retried, slowly.
    case failed
    /// Not analysed: the process stopped it (shutdown, removed from the configuration).
    case stopped
}

/// Health of one camera's pipeline, written by the process analysing it so the command centre sees
/// dead cameras.
public struct CameraStatus: Sendable, Hashable, Codable {
    public var cameraID: String
    public var state: CameraState
    /// Why the camera is not live (the last error), or `nil`.
    public var reason: String?
    /// When `state` began.
    public var stateSince: Date
    /// Which process reports it: "host:pid".
    public var reporter: String
    /// Frames decoded / analysed per second over the last reporting interval.
    public var inputFPS: Double
    public var analysedFPS: Double
    /// Totals since the process started the camera.
    public var framesIn: Int
    public var framesAnalysed: Int
    /// Frames dropped because analysis was busy (real-time discipline), and frames left out on
    /// purpose by the camera's analysis rate.
    public var framesDropped: Int
    public var framesSkipped: Int
    public var corruptPackets: Int
    public var reconnects: Int
    /// Capture → analysed lag over recent frames, milliseconds.
    public var lagP50: Double?
    public var lagP99: Double?
    public var lastFrameAt: Date?
    public var updatedAt: Date

    public init(
        cameraID: String, state: CameraState, reason: String? = nil, stateSince: Date, reporter: String,
        inputFPS: Double = 0, analysedFPS: Double = 0, framesIn: Int = 0, framesAnalysed: Int = 0, framesDropped: Int = 0,
        framesSkipped: Int = 0, corruptPackets: Int = 0, reconnects: Int = 0, lagP50: Double? = nil, lagP99: Double? = nil,
        lastFrameAt: Date? = nil, updatedAt: Date
    ) {
        self.cameraID = cameraID
        self.state = state
        self.reason = reason
        self.stateSince = stateSince
        self.reporter = reporter
        self.inputFPS = inputFPS
        self.analysedFPS = analysedFPS
        self.framesIn = framesIn
        self.framesAnalysed = framesAnalysed
        self.framesDropped = framesDropped
        self.framesSkipped = framesSkipped
        self.corruptPackets = corruptPackets
        self.reconnects = reconnects
        self.lagP50 = lagP50
        self.lagP99 = lagP99
        self.lastFrameAt = lastFrameAt
        self.updatedAt = updatedAt
    }
}

/// A picture of an incident, kept in the grid database so that every host sharing it can show it.
public struct IncidentImage: Sendable, Hashable {
    public enum Kind: String, CaseIterable, Sendable, Codable {
        /// The person's best view, boxed, with some context around.
        case crop
        /// The whole frame of that view, the person boxed: where in the camera's view they were.
        case frame
        /// The person in the seconds around the moment the incident was raised, side by side, oldest first.
        case strip
    }
    public var incidentID: Int64
    public var kind: Kind
    public var width: Int
    public var height: Int
    public var jpeg: Data

    public init(incidentID: Int64, kind: Kind, width: Int, height: Int, jpeg: Data) {
        self.incidentID = incidentID
        self.kind = kind
        self.width = width
        self.height = height
        self.jpeg = jpeg
    }
}

/// How large an incident's picture may be (a full 1080p frame at quality 80 is about 300 KB).
public enum IncidentImageLimits {
    public static let maximumBytes = 2 << 20
}

/// The family's photo of the missing person, as workers are shown it.
public struct ReportPhoto: Sendable, Hashable {
    public var reportID: Int64
    public var width: Int
    public var height: Int
    public var jpeg: Data
    public var addedAt: Date

    public init(reportID: Int64, width: Int, height: Int, jpeg: Data, addedAt: Date) {
        self.reportID = reportID
        self.width = width
        self.height = height
        self.jpeg = jpeg
        self.addedAt = addedAt
    }
}
