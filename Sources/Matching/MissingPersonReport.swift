public import FoundationEssentials
public import Description

/// Age group as families say it; it sets the expected height and, later, walking speed.
public enum AgeGroup: String, CaseIterable, Sendable, Codable, CustomStringConvertible {
    case child, adult, elderly

    public var description: String { rawValue }

    /// Typical standing height in centimetres when the family gives none.
    public var typicalHeightCM: Double {
        switch self {
        case .child: 115
        case .adult: 168
        case .elderly: 160
        }
    }
}

/// Lifecycle of a report.
public enum ReportStatus: String, CaseIterable, Sendable, Codable {
    case open, found, withdrawn
}

/// A family's description of a missing person: what the matcher compares tracks against.
public struct MissingPersonReport: Sendable, Hashable, Codable {
    /// Assigned by the grid store; `nil` before the report is saved.
    public var id: Int64?
    public var name: String
    public var ageGroup: AgeGroup?
    /// Approximate height in centimetres, if the family knows it.
    public var heightCM: Double?
    /// Upper-body clothing colours; any of them may be the one seen (e.g. a red and white jacket).
    public var upper: [ColourName]
    /// Lower-body clothing colours.
    public var lower: [ColourName]
    /// The family's own words, kept as given (e.g. "红色上衣 蓝色裤子 小孩").
    public var describedAs: String?
    public var notes: String?
    /// Grid cell where the person was last seen.
    public var lastSeenCell: String?
    /// When the person was last seen; tracks seen well before this are not candidates.
    public var lastSeenAt: Date?
    public var contact: String?
    /// Headwear, footwear, carried things and build: shown to workers; the matcher does not use them
    /// (the track descriptor does not observe them).
    public var attributes: ReportAttributes
    public var status: ReportStatus
    public var createdAt: Date

    public init(
        id: Int64? = nil, name: String, ageGroup: AgeGroup? = nil, heightCM: Double? = nil,
        upper: [ColourName] = [], lower: [ColourName] = [], describedAs: String? = nil, notes: String? = nil,
        lastSeenCell: String? = nil, lastSeenAt: Date? = nil, contact: String? = nil,
        attributes: ReportAttributes = ReportAttributes(), status: ReportStatus = .open, createdAt: Date = Date()
    ) {
        self.id = id
        self.name = name
        self.ageGroup = ageGroup
        self.heightCM = heightCM
        self.upper = upper
        self.lower = lower
        self.describedAs = describedAs
        self.notes = notes
        self.lastSeenCell = lastSeenCell
        self.lastSeenAt = lastSeenAt
        self.contact = contact
        self.attributes = attributes
        self.status = status
        self.createdAt = createdAt
    }
}

/// What a report says besides clothing colours of the upper and lower body: headwear, footwear,
/// carried things (a pushchair, a walking stick) and build. Stored with the report as JSON.
public struct ReportAttributes: Sendable, Hashable, Codable {
    public struct Item: Sendable, Hashable, Codable {
        public var kind: CarriedKind
        public var colours: [ColourName]

        public init(kind: CarriedKind, colours: [ColourName]) {
            self.kind = kind
            self.colours = colours
        }
    }

    /// `nil`: no headwear said; `[]`: a hat of no stated colour.
    public var headwear: [ColourName]?
    public var footwear: [ColourName]?
    public var carried: [Item]
    public var build: BodyBuild?

    public init(headwear: [ColourName]? = nil, footwear: [ColourName]? = nil, carried: [Item] = [], build: BodyBuild? = nil) {
        self.headwear = headwear
        self.footwear = footwear
        self.carried = carried
        self.build = build
    }

    public var isEmpty: Bool { headwear == nil && footwear == nil && carried.isEmpty && build == nil }
}
