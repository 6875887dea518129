public import Description

/// One colour name with how sure the reading is of it (weights of one colour word add up to 1).
public struct WeightedColour: Sendable, Equatable, Hashable, Codable {
    public var name: ColourName
    public var weight: Float

    public init(_ name: ColourName, _ weight: Float) {
        self.name = name
        self.weight = weight
    }

    enum CodingKeys: String, CodingKey { case name, weight }

    /// The name is written as its English word ("blue"), as everywhere in the API.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name.english, forKey: .name)
        try c.encode(weight, forKey: .weight)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let text = try c.decode(String.self, forKey: .name)
        guard let n = ColourName(english: text) else {
            throw DecodingError.dataCorruptedError(forKey: .name, in: c, debugDescription: "'\(text)' is not one of the 12 colour names")
        }
        name = n
        weight = try c.decode(Float.self, forKey: .weight)
    }
}

/// A colour word as the family wrote it and the names it may stand for ("藏青" → blue 0.8, black 0.2).
public struct ColourMention: Sendable, Equatable, Hashable, Codable {
    /// The words as written, modifier included ("light blue", "深蓝色").
    public var word: String
    /// Names it may stand for, primary first.
    public var weights: [WeightedColour]
    /// Said of a pattern (the second colour of "blue and white striped"), so less sure.
    public var fromPattern: Bool

    public init(word: String, weights: [WeightedColour], fromPattern: Bool = false) {
        self.word = word
        self.weights = weights
        self.fromPattern = fromPattern
    }

    /// The name this word most likely means.
    public var primary: ColourName { weights[0].name }

    /// Every name with at least `minimumWeight`, primary first: what the matcher may look for.
    public func listed(minimumWeight: Float = DescriptionReader.listingWeight) -> [ColourName] {
        let names = weights.filter { $0.weight >= minimumWeight }.map(\.name)
        return names.isEmpty ? [primary] : names
    }
}

/// What kind of garment a word names.
public enum GarmentKind: String, Sendable, CaseIterable, Codable {
    /// Shirts, T-shirts, jumpers, hoodies: upper body.
    case top
    /// Coats, jackets, raincoats, ponchos: upper body, the layer a camera sees.
    case outer
    /// Trousers, shorts, skirts: lower body.
    case bottom
    /// Dresses, 旗袍, overalls, school uniforms, tracksuits: both upper and lower body.
    case onePiece = "one-piece"
    case headwear
    case footwear

    /// The body region(s) the matcher compares this garment's colours with.
    public var coversUpper: Bool { self == .top || self == .outer || self == .onePiece }
    public var coversLower: Bool { self == .bottom || self == .onePiece }
}

/// One garment of a person and its colours.
public struct GarmentReading: Sendable, Equatable, Codable {
    public var kind: GarmentKind
    /// The garment word as written ("外套", "raincoat"); `nil` when only a colour was said ("穿着红色").
    public var word: String?
    public var colours: [ColourMention]
    /// The pattern word when one was said ("条纹", "checked").
    public var pattern: String?

    public init(kind: GarmentKind, word: String?, colours: [ColourMention], pattern: String? = nil) {
        self.kind = kind
        self.word = word
        self.colours = colours
        self.pattern = pattern
    }
}

/// Things a person carries, pushes, holds, rides or sits in.
public enum CarriedKind: String, Sendable, CaseIterable, Codable {
    case bag, umbrella, pushchair, wheelchair
    case walkingStick = "walking_stick"
    case toy, balloon, phone, other
}

public struct CarriedItem: Sendable, Equatable, Codable {
    public var kind: CarriedKind
    /// The word as written ("书包", "buggy").
    public var word: String
    public var colours: [ColourMention]

    public init(kind: CarriedKind, word: String, colours: [ColourMention] = []) {
        self.kind = kind
        self.word = word
        self.colours = colours
    }
}

/// Someone else the text describes (a carer, a sibling, the person writing): shown back so the
/// family sees their clothes were not taken for the missing person's, never matched.
public struct CompanionReading: Sendable, Equatable, Codable {
    /// How the text names them ("姐姐", "her carer", "I").
    public var word: String
    public var garments: [GarmentReading]
    public var carried: [CarriedItem]

    public init(word: String, garments: [GarmentReading] = [], carried: [CarriedItem] = []) {
        self.word = word
        self.garments = garments
        self.carried = carried
    }
}

/// Build as families say it (瘦, chubby): shown to workers, not matched.
public enum BodyBuild: String, Sendable, CaseIterable, Codable {
    case slim, heavy
}

/// Words the reading did not use, and why.
public struct IgnoredWords: Sendable, Equatable, Codable {
    public enum Reason: String, Sendable, Codable {
        /// No meaning found: the family may want to rephrase.
        case notUnderstood = "not-understood"
        /// A colour of hair, skin or eyes, a place, a car, a printed motif: never clothing.
        case notClothing = "not-clothing"
        /// Scarves, gloves, masks, glasses: not used.
        case accessory
    }

    public var text: String
    public var reason: Reason

    public init(_ text: String, _ reason: Reason) {
        self.text = text
        self.reason = reason
    }
}

/// What a family's free-text description says about the missing person, garment by garment,
/// with the people and things around them kept apart.
public struct DescriptionReading: Sendable, Equatable, Codable {
    /// The missing person's garments, in the order said.
    public var garments: [GarmentReading]
    /// What they carry, push, hold or sit in (a pushchair or wheelchair is theirs even when
    /// someone else pushes it).
    public var carried: [CarriedItem]
    /// Other people the text describes.
    public var companions: [CompanionReading]
    public var ageGroup: AgeGroup?
    /// Age in years when a number was said.
    public var ageYears: Int?
    /// Height in centimetres.
    public var heightCM: Double?
    public var build: BodyBuild?
    public var ignored: [IgnoredWords]

    public init(
        garments: [GarmentReading] = [], carried: [CarriedItem] = [], companions: [CompanionReading] = [],
        ageGroup: AgeGroup? = nil, ageYears: Int? = nil, heightCM: Double? = nil, build: BodyBuild? = nil,
        ignored: [IgnoredWords] = []
    ) {
        self.garments = garments
        self.carried = carried
        self.companions = companions
        self.ageGroup = ageGroup
        self.ageYears = ageYears
        self.heightCM = heightCM
        self.build = build
        self.ignored = ignored
    }

    /// Upper-body colours the matcher may look for, primary names first, then the less likely ones
    /// ("navy" → blue, black).
    public var upper: [ColourName] { Self.listed(garments.filter(\.kind.coversUpper)) }
    /// Lower-body colours; jeans said without a colour are blue.
    public var lower: [ColourName] { Self.listed(garments.filter(\.kind.coversLower)) }
    /// The headwear's colours; `nil` when no headwear was said, `[]` when its colour was not.
    public var headwear: [ColourName]? { Self.region(garments.filter { $0.kind == .headwear }) }
    public var footwear: [ColourName]? { Self.region(garments.filter { $0.kind == .footwear }) }

    /// The most likely name of each colour word said of the upper body.
    public var upperPrimaries: [ColourName] { Self.primaries(garments.filter(\.kind.coversUpper)) }
    public var lowerPrimaries: [ColourName] { Self.primaries(garments.filter(\.kind.coversLower)) }

    /// Words not understood at all, for the person to rephrase.
    public var unparsed: [String] { ignored.filter { $0.reason == .notUnderstood }.map(\.text) }

    /// Nothing about the missing person was found (no colour, item, age or height).
    public var isEmpty: Bool {
        garments.allSatisfy(\.colours.isEmpty) && carried.isEmpty && ageGroup == nil && heightCM == nil
    }

    /// Something a camera can look for: a clothing colour of the upper or lower body.
    public var hasClothingColour: Bool { !upper.isEmpty || !lower.isEmpty }

    /// Headwear, footwear and carried items, as stored with a report.
    public var attributes: ReportAttributes {
        ReportAttributes(
            headwear: headwear, footwear: footwear,
            carried: carried.map { ReportAttributes.Item(kind: $0.kind, colours: Self.names($0.colours)) },
            build: build)
    }

    static func names(_ mentions: [ColourMention]) -> [ColourName] {
        var out: [ColourName] = []
        for n in mentions.map(\.primary) + mentions.flatMap({ $0.listed() }) where !out.contains(n) { out.append(n) }
        return out
    }

    static func listed(_ garments: [GarmentReading]) -> [ColourName] { names(garments.flatMap(\.colours)) }

    static func primaries(_ garments: [GarmentReading]) -> [ColourName] {
        var out: [ColourName] = []
        for n in garments.flatMap(\.colours).map(\.primary) where !out.contains(n) { out.append(n) }
        return out
    }

    static func region(_ garments: [GarmentReading]) -> [ColourName]? {
        garments.isEmpty ? nil : names(garments.flatMap(\.colours))
    }
}
