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
    public var status: ReportStatus
    public var createdAt: Date

    public init(
        id: Int64? = nil, name: String, ageGroup: AgeGroup? = nil, heightCM: Double? = nil,
        upper: [ColourName] = [], lower: [ColourName] = [], describedAs: String? = nil, notes: String? = nil,
        lastSeenCell: String? = nil, lastSeenAt: Date? = nil, contact: String? = nil,
        status: ReportStatus = .open, createdAt: Date = Date()
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
        self.status = status
        self.createdAt = createdAt
    }
}
