/// The twelve basic colour names a family uses to describe clothing: Berlin & Kay's eleven basic
/// English terms plus cyan (青), which Chinese speakers name separately from blue and green.
///
/// The raw value is the bin index of a ``ColourHistogram``; it is stored in the grid database and in
/// `Models/colour-names.json`, so the order never changes.
public enum ColourName: Int, CaseIterable, Sendable, Codable, CustomStringConvertible {
    case red = 0, orange, yellow, green, cyan, blue, purple, pink, brown, black, white, grey

    /// The name whose ``english`` is `name` exactly ("grey", not "gray": the stored form), or `nil`.
    public init?(english name: String) {
        guard let c = Self.allCases.first(where: { $0.english == name }) else { return nil }
        self = c
    }

    /// English name, as accepted on the command line and shown to users.
    public var english: String {
        switch self {
        case .red: "red"
        case .orange: "orange"
        case .yellow: "yellow"
        case .green: "green"
        case .cyan: "cyan"
        case .blue: "blue"
        case .purple: "purple"
        case .pink: "pink"
        case .brown: "brown"
        case .black: "black"
        case .white: "white"
        case .grey: "grey"
        }
    }

    /// The basic Chinese colour character.
    public var chinese: String {
        switch self {
        case .red: "红"
        case .orange: "橙"
        case .yellow: "黄"
        case .green: "绿"
        case .cyan: "青"
        case .blue: "蓝"
        case .purple: "紫"
        case .pink: "粉"
        case .brown: "棕"
        case .black: "黑"
        case .white: "白"
        case .grey: "灰"
        }
    }

    /// Achromatic names (black, white, grey): lighting changes move pixels between them far more
    /// than between chromatic names, which the matcher takes into account.
    public var isAchromatic: Bool { self == .black || self == .white || self == .grey }

    public var description: String { english }
}
