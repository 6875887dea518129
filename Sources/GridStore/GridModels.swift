public import FoundationEssentials
public import Vision

/// Level of a grid cell, from the whole district down to a micro-grid of at most 500 households.
public enum GridLevel: String, CaseIterable, Sendable, Codable, Comparable {
    case district, street, community, microGrid = "micro-grid"

    /// 0 for the district (top), 3 for a micro-grid.
    public var depth: Int { Self.allCases.firstIndex(of: self)! }
    public static func < (a: GridLevel, b: GridLevel) -> Bool { a.depth < b.depth }
}

/// One cell of the grid hierarchy.
public struct GridCell: Sendable, Hashable, Codable {
    /// Short stable code, e.g. "XH-D1-S2-C3-M4".
    public var id: String
    public var name: String
    public var level: GridLevel
    /// The enclosing cell; `nil` only for a district.
    public var parentID: String?

    public init(id: String, name: String, level: GridLevel, parentID: String? = nil) {
        self.id = id
        self.name = name
        self.level = level
        self.parentID = parentID
    }
}

/// A camera, placed in one grid cell.
public struct Camera: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var cellID: String
    /// Stream URL (RTSP) or file path; credentials inside are never printed.
    public var url: String?

    public init(id: String, name: String, cellID: String, url: String? = nil) {
        self.id = id
        self.name = name
        self.cellID = cellID
        self.url = url
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

    public init(id: Int64? = nil, cameraID: String, runID: String, firstSeenAt: Date, lastSeenAt: Date, descriptor: TrackDescriptor) {
        self.id = id
        self.cameraID = cameraID
        self.runID = runID
        self.firstSeenAt = firstSeenAt
        self.lastSeenAt = lastSeenAt
        self.descriptor = descriptor
    }
}

public enum IncidentStatus: String, CaseIterable, Sendable, Codable {
    case open, acknowledged, resolved, falseAlarm = "false-alarm"
}

/// A lead for a grid worker: a track that matches an open report well enough to look at.
public struct Incident: Sendable, Hashable, Codable {
    public var id: Int64?
    public var reportID: Int64
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
        id: Int64? = nil, reportID: Int64, trackID: Int64, cameraID: String, cellID: String, seenAt: Date,
        score: Double, snapshotPath: String? = nil, status: IncidentStatus = .open, createdAt: Date = Date(),
        explanation: String = ""
    ) {
        self.id = id
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
    public var reportID: Int64?
    public var cameraID: String?
    public var cellID: String?
    public var since: Date?
    public var limit: Int

    public init(status: IncidentStatus? = nil, reportID: Int64? = nil, cameraID: String? = nil, cellID: String? = nil, since: Date? = nil, limit: Int = 1000) {
        self.status = status
        self.reportID = reportID
        self.cameraID = cameraID
        self.cellID = cellID
        self.since = since
        self.limit = limit
    }
}
