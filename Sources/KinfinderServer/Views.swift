public import Foundation
public import GridStore
public import Hummingbird
public import Matching
import Description

// What the API returns and accepts. Dates are ISO 8601; colours are English names (the Chinese
// name beside them in views).

public struct ColourView: Codable, Sendable {
    public var name: String
    public var chinese: String
    init(_ c: ColourName) {
        name = c.english
        chinese = c.chinese
    }
}

public struct ReportView: ResponseEncodable, Decodable, Sendable {
    public var id: Int64
    public var name: String
    public var ageGroup: String?
    public var heightCM: Double?
    public var upper: [ColourView]
    public var lower: [ColourView]
    public var describedAs: String?
    public var notes: String?
    public var lastSeenCell: String?
    public var lastSeenAt: Date?
    public var contact: String?
    /// True when the family left a contact that this worker may not see (it goes to operators and
    /// the cells that have the case).
    public var contactWithheld: Bool?
    /// Headwear, footwear, carried things and build (shown to workers, not matched).
    public var attributes: AttributesView
    public var status: String
    public var createdAt: Date
    /// How the case ended (single-report views of a closed case).
    public var closure: ClosureView?
    /// The leads the closing closed with it (the close answer only).
    public var closedLeads: [Int64]?
    /// The family's photo of the person (`/api/v1/reports/{id}/photo`, signed in), when they gave one.
    public var photoURL: String?

    /// `showContact: false` leaves the family's contact out (and says so).
    init(_ r: MissingPersonReport, showContact: Bool = true, closure: CaseClosure? = nil) {
        id = r.id ?? 0
        name = r.name
        ageGroup = r.ageGroup?.rawValue
        heightCM = r.heightCM
        upper = r.upper.map(ColourView.init)
        lower = r.lower.map(ColourView.init)
        describedAs = r.describedAs
        notes = r.notes
        lastSeenCell = r.lastSeenCell
        lastSeenAt = r.lastSeenAt
        contact = showContact ? r.contact : nil
        contactWithheld = !showContact && r.contact != nil ? true : nil
        attributes = AttributesView(r.attributes)
        status = r.status.rawValue
        createdAt = r.createdAt
        self.closure = closure.map(ClosureView.init)
    }
}

extension ReportView {
    mutating func setPhoto(_ store: any GridStore) async throws {
        photoURL = try await store.reportsWithPhotos(ids: [id]).isEmpty ? nil : "/api/v1/reports/\(id)/photo"
    }
}

/// How a case ended.
public struct ClosureView: Codable, Sendable {
    /// "found" or "withdrawn".
    public var outcome: String
    public var closedBy: String
    public var closedAt: Date
    public var note: String
    public var foundIncidentID: Int64?
    public var foundCellID: String?

    init(_ c: CaseClosure) {
        outcome = c.outcome.rawValue
        closedBy = c.closedBy
        closedAt = c.closedAt
        note = c.note
        foundIncidentID = c.foundIncidentID
        foundCellID = c.foundCellID
    }
}

/// A report as filed: the report, the family's secret link (shown once), and what the search of
/// stored tracks found.
public struct ReportCreated: ResponseEncodable, Decodable, Sendable {
    public var report: ReportView
    public var familyLink: String
    public var retroHits: Int
    public var incidentsRaised: [Int64]
    public var unparsedWords: [String]
    /// How the description was read, when one was given.
    public var reading: DescriptionReading?
}

/// A report's headwear, footwear, carried things and build.
public struct AttributesView: Codable, Sendable {
    public struct Item: Codable, Sendable {
        public var kind: String
        public var colours: [ColourView]
    }
    public var headwear: [ColourView]?
    public var footwear: [ColourView]?
    public var carried: [Item]
    public var build: String?

    init(_ a: ReportAttributes) {
        headwear = a.headwear?.map(ColourView.init)
        footwear = a.footwear?.map(ColourView.init)
        carried = a.carried.map { Item(kind: $0.kind.rawValue, colours: $0.colours.map(ColourView.init)) }
        build = a.build?.rawValue
    }
}

/// `POST /api/v1/reading`: how a description is read, before anything is filed.
public struct ReadingInput: Decodable, Sendable {
    public var describe: String
}

public struct ReadingView: ResponseEncodable, Decodable, Sendable {
    /// The structured reading: garments with colours, carried things, companions, age, height,
    /// and the words not used with why.
    public var reading: DescriptionReading
    /// What a report filed with these words would search for.
    public var upper: [ColourView]
    public var lower: [ColourView]
    public var ageGroup: String?
    public var heightCM: Double?
    public var attributes: AttributesView
    /// Words not understood at all.
    public var unparsedWords: [String]
    /// Something a camera can look for was found (a clothing colour).
    public var searchable: Bool

    init(_ r: DescriptionReading) {
        reading = r
        upper = r.upper.map(ColourView.init)
        lower = r.lower.map(ColourView.init)
        ageGroup = r.ageGroup?.rawValue
        heightCM = r.heightCM
        attributes = AttributesView(r.attributes)
        unparsedWords = r.unparsed
        searchable = r.hasClothingColour
    }
}

public struct DispatchView: Codable, Sendable {
    public var cellID: String
    public var level: String?
    public var respondBy: Date
    public var resolveBy: Date
    public var escalations: Int
    public var responseOverdue: Bool
    public var resolutionOverdue: Bool
    public var acknowledgedBy: String?
    public var acknowledgedAt: Date?
    public var resolvedBy: String?
    public var resolvedAt: Date?
    /// Cells between the incident's and the responsible one with nobody on duty: dispatch passed
    /// them over (list views; `nil` when none).
    public var passedOver: [String]?

    init(_ d: Dispatch, level: GridLevel?) {
        cellID = d.cellID
        self.level = level?.rawValue
        respondBy = d.respondBy
        resolveBy = d.resolveBy
        escalations = d.escalations
        responseOverdue = d.responseOverdue
        resolutionOverdue = d.resolutionOverdue
        acknowledgedBy = d.acknowledgedBy
        acknowledgedAt = d.acknowledgedAt
        resolvedBy = d.resolvedBy
        resolvedAt = d.resolvedAt
    }
}

public struct EventView: Codable, Sendable {
    public var id: Int64
    public var incidentID: Int64
    public var at: Date
    public var actor: String
    public var kind: String
    public var cellID: String?
    public var detail: String

    init(_ e: IncidentEvent) {
        id = e.id ?? 0
        incidentID = e.incidentID
        at = e.at
        actor = e.actor
        kind = e.kind.rawValue
        cellID = e.cellID
        detail = e.detail
    }
}

public struct IncidentView: ResponseEncodable, Decodable, Sendable {
    public var id: Int64
    /// `match` (a report's lead) or a behaviour alert's kind (`danger-zone`, `child-alone`,
    /// `person-down`, `wandering`), which has no report.
    public var kind: String
    public var reportID: Int64?
    public var reportName: String?
    public var cameraID: String
    public var cellID: String
    public var seenAt: Date
    public var score: Double
    public var status: String
    public var explanation: String
    public var createdAt: Date
    /// `/api/v1/incidents/{id}/snapshot` when there is one (the crop around the person).
    public var snapshotURL: String?
    /// The whole frame with the person boxed (`…/snapshot?kind=frame`), when stored.
    public var frameURL: String?
    /// The person in the seconds before (`…/snapshot?kind=strip`), when stored.
    public var stripURL: String?
    /// Who last marked the lead as reviewed (looked at its evidence), when, with their note.
    public var review: ReviewView?
    public var dispatch: DispatchView?
    /// Only in the detail view.
    public var events: [EventView]?

    init(_ i: Incident, reportName: String?, dispatch: Dispatch?, level: GridLevel?, events: [IncidentEvent]? = nil) {
        id = i.id ?? 0
        kind = i.kind.rawValue
        reportID = i.reportID
        self.reportName = reportName
        cameraID = i.cameraID
        cellID = i.cellID
        seenAt = i.seenAt
        score = i.score
        status = i.status.rawValue
        explanation = i.explanation
        createdAt = i.createdAt
        snapshotURL = i.snapshotPath == nil ? nil : "/api/v1/incidents/\(id)/snapshot"
        self.dispatch = dispatch.map { DispatchView($0, level: level) }
        self.events = events?.map(EventView.init)
    }
}

extension IncidentView {
    /// The picture links for the kinds stored in the database.
    mutating func setPictures(_ kinds: [IncidentImage.Kind]) {
        let base = "/api/v1/incidents/\(id)/snapshot"
        if kinds.contains(.crop) { snapshotURL = base }
        frameURL = kinds.contains(.frame) ? base + "?kind=frame" : nil
        stripURL = kinds.contains(.strip) ? base + "?kind=strip" : nil
    }
}

public struct ReviewView: Codable, Sendable {
    public var by: String
    public var at: Date
    public var note: String

    init(_ e: IncidentEvent) {
        by = e.actor
        at = e.at
        note = e.detail
    }
}

public struct ReviewInput: Decodable, Sendable {
    public var note: String?
}

public struct IncidentList: ResponseEncodable, Decodable, Sendable {
    public var incidents: [IncidentView]
    /// Pass as `after` for the next page; absent on the last one.
    public var next: Int64?

    public init(incidents: [IncidentView], next: Int64? = nil) {
        self.incidents = incidents
        self.next = next
    }
}

/// What a family's link shows: their report and how the search is going, nothing of anyone else.
public struct FamilyView: ResponseEncodable, Decodable, Sendable {
    public var name: String
    public var status: String
    public var filedAt: Date
    public var lastSeenCell: String?
    public var lastSeenAt: Date?
    /// Leads raised so far, being checked, found.
    public var leads: Int
    public var beingChecked: Int
    public var found: Bool
    /// When the newest lead was seen and in which cell (no pictures: they show other people too).
    public var latestLead: Date?
    public var latestLeadCell: String?
    /// When the case closed (found or withdrawn).
    public var closedAt: Date?
    /// Where the person was found.
    public var foundCell: String?
    /// Where to collect them and whom to call, when found.
    public var collect: CollectView?
}

/// Where a family collects the person who was found: the duty post nearest the place, and a phone.
public struct CollectView: Codable, Sendable {
    public var postID: String?
    /// "中文 English" as in the grid file.
    public var name: String?
    /// "duty-post" or "volunteer-station".
    public var kind: String?
    public var cellID: String
    public var phone: String?
    public var latitude: Double?
    public var longitude: Double?
}

public struct CellView: Codable, Sendable {
    public var id: String
    public var name: String
    public var level: String
    public var parentID: String?
    public var latitude: Double?
    public var longitude: Double?
    public var children: [CellView]
}

public struct GridView: ResponseEncodable, Decodable, Sendable {
    public var cells: [CellView]
    public var cameras: [CameraView]
    public var workers: [WorkerView]?
    public var posts: [PostView]
    /// The deployment's tile server for the map, if it has one.
    public var mapTiles: MapTilesView?
}

public struct MapTilesView: Codable, Sendable {
    /// A template with {z}, {x} and {y}.
    public var url: String
    public var attribution: String
}

public struct CameraView: Codable, Sendable {
    public var id: String
    public var name: String
    public var cellID: String
    public var state: String?
    public var reason: String?
    /// Where the camera is (WGS 84), when the grid file says.
    public var latitude: Double?
    public var longitude: Double?
}

public struct WorkerView: Codable, Sendable {
    public var id: String
    public var name: String
    public var cellID: String
    public var role: String
}

public struct PostView: Codable, Sendable {
    public var id: String
    public var name: String
    public var cellID: String
    public var kind: String
    public var phone: String?
    public var latitude: Double?
    public var longitude: Double?
}

/// "One screen for the whole area": per cell, open and overdue incidents (rolled up to parents),
/// and how many incidents each level has handled.
public struct OverviewView: ResponseEncodable, Decodable, Sendable {
    public struct CellCounts: Codable, Sendable {
        public var cellID: String
        public var name: String
        public var level: String
        public var open: Int
        public var overdue: Int
        /// Workers on duty in this very cell (registered to it).
        public var onDuty: Int
    }
    public var cells: [CellCounts]
    public var handledByLevel: [String: Int]
    public var openIncidents: Int
    public var overdueIncidents: Int
}

public struct LoginInput: Decodable, Sendable {
    public var worker: String
    public var password: String
}

public struct LoginResult: ResponseEncodable, Decodable, Sendable {
    public var token: String
    public var worker: WorkerView
    public var expiresAt: Date
}

public struct ResolveInput: Decodable, Sendable {
    /// "found" or "false-alarm".
    public var outcome: String
    public var note: String?
}

public struct CloseInput: Decodable, Sendable {
    /// "found" or "withdrawn".
    public var outcome: String
    /// Where the person was found (a cell id), when no lead says it.
    public var cell: String?
    /// The found lead (an incident of this report), when one was the person.
    public var incident: Int64?
    public var note: String?
}

/// A report as a family or operator files it: the family's own words and/or the fields.
public struct ReportInput: Decodable, Sendable {
    public var name: String?
    public var describe: String?
    public var upper: [String]?
    public var lower: [String]?
    public var ageGroup: String?
    public var heightCM: Double?
    /// The height as typed ("110", "1.1m", "1米1"); read on the server, like the CLI's `--height`.
    public var height: String?
    public var lastSeenCell: String?
    public var lastSeenAt: Date?
    public var contact: String?
    public var notes: String?
}

/// Colours read from a photo: suggestions for the report form.
public struct PhotoColoursView: ResponseEncodable, Decodable, Sendable {
    public struct Share: Codable, Sendable {
        public var name: String
        public var chinese: String
        public var share: Double
    }
    public var upper: [Share]
    public var lower: [Share]
}
