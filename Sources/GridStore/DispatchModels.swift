public import FoundationEssentials

/// What a person in the grid may do.
public enum WorkerRole: String, CaseIterable, Sendable, Codable {
    /// Works the incidents of their own cell (and the cells below it).
    case gridWorker = "grid-worker"
    /// Command-centre operator: sees and acts on everything.
    case `operator`
}

/// A grid worker or command-centre operator.
public struct GridWorker: Sendable, Hashable, Codable {
    /// Login name.
    public var id: String
    public var name: String
    /// The cell they answer for (a district cell for the command centre).
    public var cellID: String
    public var role: WorkerRole
    public var phone: String?

    public init(id: String, name: String, cellID: String, role: WorkerRole = .gridWorker, phone: String? = nil) {
        self.id = id
        self.name = name
        self.cellID = cellID
        self.role = role
        self.phone = phone
    }
}

/// A duty post or volunteer station: where people who can help are.
public struct DutyPost: Sendable, Hashable, Codable {
    public enum Kind: String, CaseIterable, Sendable, Codable {
        case dutyPost = "duty-post", volunteerStation = "volunteer-station"
    }

    public var id: String
    public var name: String
    public var cellID: String
    public var kind: Kind
    public var location: GeoPoint?
    /// The post's phone: what a family calls when their person was found nearby.
    public var phone: String?

    public init(id: String, name: String, cellID: String, kind: Kind = .dutyPost, location: GeoPoint? = nil, phone: String? = nil) {
        self.id = id
        self.name = name
        self.cellID = cellID
        self.kind = kind
        self.location = location
        self.phone = phone
    }
}

/// Who answers for an incident now, and by when.
public struct Dispatch: Sendable, Hashable, Codable {
    public var incidentID: Int64
    /// The cell whose workers must act: the incident's micro-grid first, then up the grid.
    public var cellID: String
    /// Acknowledge by then, or the incident climbs a level.
    public var respondBy: Date
    /// Resolve by then.
    public var resolveBy: Date
    /// Levels climbed so far.
    public var escalations: Int
    /// The response deadline passed at the top of the grid (nobody left to escalate to).
    public var responseOverdue: Bool
    /// The resolution deadline passed.
    public var resolutionOverdue: Bool
    public var acknowledgedBy: String?
    public var acknowledgedAt: Date?
    /// The level of the cell that acknowledged it (for "handled at community level" counts).
    public var handledLevel: GridLevel?
    public var resolvedBy: String?
    public var resolvedAt: Date?

    public init(
        incidentID: Int64, cellID: String, respondBy: Date, resolveBy: Date, escalations: Int = 0, responseOverdue: Bool = false,
        resolutionOverdue: Bool = false, acknowledgedBy: String? = nil, acknowledgedAt: Date? = nil,
        handledLevel: GridLevel? = nil, resolvedBy: String? = nil, resolvedAt: Date? = nil
    ) {
        self.incidentID = incidentID
        self.cellID = cellID
        self.respondBy = respondBy
        self.resolveBy = resolveBy
        self.escalations = escalations
        self.responseOverdue = responseOverdue
        self.resolutionOverdue = resolutionOverdue
        self.acknowledgedBy = acknowledgedBy
        self.acknowledgedAt = acknowledgedAt
        self.handledLevel = handledLevel
        self.resolvedBy = resolvedBy
        self.resolvedAt = resolvedAt
    }
}

/// One entry of an incident's append-only history.
public struct IncidentEvent: Sendable, Hashable, Codable {
    public enum Kind: String, CaseIterable, Sendable, Codable {
        /// Dispatch picked up a new incident and gave it to its cell.
        case assigned
        /// Nobody acknowledged in time (or it was not resolved in time): it moved up a level.
        case escalated
        /// The response deadline passed at the top level.
        case overdue
        /// The resolution deadline passed.
        case resolutionOverdue = "resolution-overdue"
        case acknowledged
        /// Closed: the person was found.
        case resolved
        /// Closed: it was not the person.
        case falseAlarm = "false-alarm"
        /// Closed because its case ended: found through another lead, or withdrawn.
        case caseClosed = "case-closed"
        /// Someone looked at the lead's evidence (its status does not change); the detail is their note.
        case reviewed
        /// A clearly better lead for the same report came within the sighting window (another
        /// track or camera); this one stays open, the detail names the better one.
        case superseded
    }

    public var id: Int64?
    public var incidentID: Int64
    public var at: Date
    /// Who: a worker's id, "system" for dispatch, "cli" for the command line.
    public var actor: String
    public var kind: Kind
    /// The cell responsible after the event.
    public var cellID: String?
    public var detail: String

    public init(id: Int64? = nil, incidentID: Int64, at: Date, actor: String, kind: Kind, cellID: String? = nil, detail: String = "") {
        self.id = id
        self.incidentID = incidentID
        self.at = at
        self.actor = actor
        self.kind = kind
        self.cellID = cellID
        self.detail = detail
    }
}
