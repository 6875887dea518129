import FoundationEssentials
public import Description

/// Errors of the colour-name model and the report parser, worded for the person at the keyboard.
public enum MatchingError: Error, CustomStringConvertible, Equatable {
    /// No folder with `colour-names.json` was found; `searched` lists every place looked at.
    case modelNotFound(searched: [String])
    /// A model file exists but cannot be used.
    case modelCorrupt(file: String, reason: String)
    /// A colour word that the lexicon does not know.
    case unknownColourWord(String)
    /// A description with nothing in it (spaces, punctuation or emoji only).
    case emptyDescription
    /// A description longer than the reader takes.
    case descriptionTooLong(limit: Int)
    /// A description with HTML or other markup in it.
    case descriptionHasMarkup
    /// A description with control characters (other than line breaks and tabs).
    case descriptionHasControlCharacters
    /// Nothing about the person was understood; `words` are the words read.
    case nothingUnderstood(words: [String])

    public var description: String {
        switch self {
        case .modelNotFound(let searched):
            let list = searched.isEmpty ? " (nowhere)" : "\n" + searched.map { "  \($0)" }.joined(separator: "\n")
            return "colour-name model not found: no \(ColourNameModel.namesFile) in any of these folders:\(list)\n"
                + "Point to the repository's Models/ folder with --models DIR or the KINFINDER_MODELS environment variable, "
                + "or install it to \(ColourNameModel.installedDirectory)."
        case .modelCorrupt(let file, let reason):
            return "colour-name model file \(file) cannot be used: \(reason). "
                + "Restore it from the repository (git checkout Models/) or rebuild it with Models/build_colour_model.py."
        case .unknownColourWord(let word):
            return "unknown colour '\(word)': use one of \(ColourName.allCases.map(\.english).joined(separator: " ")), "
                + "their Chinese names (\(ColourName.allCases.map(\.chinese).joined(separator: " "))) or a word in Models/\(ColourNameModel.wordsFile)"
        case .emptyDescription:
            return "the description is empty: say what the person wore, e.g. \"红色上衣 蓝色裤子 小孩\" or \"child in a red top and blue trousers\""
        case .descriptionTooLong(let limit):
            return "the description is too long (at most \(limit) characters): say what the person wore, their age and height"
        case .descriptionHasMarkup:
            return "the description contains HTML or markup: write plain words, e.g. \"红色上衣 蓝色裤子 小孩\""
        case .descriptionHasControlCharacters:
            return "the description contains control characters: write plain words, e.g. \"child in a red top and blue trousers\""
        case .nothingUnderstood(let words):
            let list = words.isEmpty ? "" : " (read: \(words.joined(separator: " ")))"
            return "nothing in the description was understood\(list): say what the person wore, with colours, "
                + "e.g. \"红色上衣 蓝色裤子 小孩\" or \"child in a red top and blue trousers\""
        }
    }
}

/// The colour-name model: a lookup table from sRGB to the twelve ``ColourName``s, built offline
/// from the XKCD colour survey (`Models/build_colour_model.py`), and the lexicon from the words
/// families use (English and Chinese) to weighted names (`Models/colour-words.json`).
///
/// Table cells: sRGB quantised to 32 levels per channel, index `(r>>3)<<10 | (g>>3)<<5 | (b>>3)`.
public struct ColourNameModel: Sendable {
    public static let namesFile = "colour-names.json"
    public static let wordsFile = "colour-words.json"
    public static let installedDirectory = "/usr/local/share/kinfinder/Models"
    public static let environmentVariable = "KINFINDER_MODELS"
    /// 32 × 32 × 32.
    public static let cellCount = 32_768

    /// The sRGB table: `cellCount` entries, each a ``ColourName`` raw value.
    public let table: [UInt8]
    /// Where the data came from (the `source` field of `colour-names.json`).
    public let source: String
    /// Word → weighted names, primary first; keys lower-cased.
    let lexicon: [String: [(ColourName, Float)]]
    /// Modifier → weights when it stands alone ("深色", "dark jacket"); empty when it has no meaning alone.
    let modifiers: [String: [(ColourName, Float)]]

    /// Every colour word of the lexicon, sorted.
    public var colourWords: [String] { lexicon.keys.sorted() }
    /// Every modifier word (dark, light, 深, 浅 …), sorted.
    public var modifierWords: [String] { modifiers.keys.sorted() }

    // MARK: Loading

    /// Loads `colour-names.json` and `colour-words.json` from `directory`.
    /// - Throws: ``MatchingError/modelNotFound(searched:)`` when a file is missing,
    ///   ``MatchingError/modelCorrupt(file:reason:)`` when one cannot be used.
    public init(directory: String) throws {
        let namesPath = Self.join(directory, Self.namesFile)
        let wordsPath = Self.join(directory, Self.wordsFile)
        let names = try Self.decode(NamesFile.self, path: namesPath)
        let words = try Self.decode(WordsFile.self, path: wordsPath)

        guard names.version == 1 else {
            throw MatchingError.modelCorrupt(file: namesPath, reason: "version \(names.version), this program reads version 1")
        }
        let expected = ColourName.allCases.map(\.english)
        guard names.names == expected else {
            throw MatchingError.modelCorrupt(
                file: namesPath, reason: "names \(names.names) are not \(expected) in this order")
        }
        guard names.quantisation == 32 else {
            throw MatchingError.modelCorrupt(file: namesPath, reason: "quantisation \(names.quantisation), expected 32")
        }
        guard let bytes = Data(base64Encoded: names.table) else {
            throw MatchingError.modelCorrupt(file: namesPath, reason: "the table is not valid base64")
        }
        guard words.version == 1 else {
            throw MatchingError.modelCorrupt(file: wordsPath, reason: "version \(words.version), this program reads version 1")
        }
        do {
            try self.init(
                table: [UInt8](bytes),
                lexicon: Self.weights(words.words, file: wordsPath, allowEmpty: false),
                modifiers: Self.weights(words.modifiers ?? [:], file: wordsPath, allowEmpty: true),
                source: names.source ?? "")
        } catch MatchingError.modelCorrupt(file: "", let reason) {
            throw MatchingError.modelCorrupt(file: namesPath, reason: reason)
        }
    }

    /// A model from a table in memory (tests, tools). `table` must have ``cellCount`` entries < 12.
    /// - Throws: ``MatchingError/modelCorrupt(file:reason:)`` (with an empty file) when it does not.
    public init(
        table: [UInt8], lexicon: [String: [(ColourName, Float)]] = [:],
        modifiers: [String: [(ColourName, Float)]] = [:], source: String = ""
    ) throws {
        guard table.count == Self.cellCount else {
            throw MatchingError.modelCorrupt(file: "", reason: "the table has \(table.count) entries, expected \(Self.cellCount)")
        }
        if let i = table.firstIndex(where: { Int($0) >= ColourName.allCases.count }) {
            throw MatchingError.modelCorrupt(
                file: "", reason: "table entry \(i) is \(table[i]), but there are only \(ColourName.allCases.count) names")
        }
        self.table = table
        self.source = source
        func normalised(_ d: [String: [(ColourName, Float)]]) -> [String: [(ColourName, Float)]] {
            var out: [String: [(ColourName, Float)]] = [:]
            for (k, v) in d {
                out[Self.normalise(k)] = v.enumerated().sorted { a, b in
                    a.element.1 != b.element.1 ? a.element.1 > b.element.1 : a.offset < b.offset
                }.map(\.element)
            }
            return out
        }
        self.lexicon = normalised(lexicon)
        self.modifiers = normalised(modifiers)
    }

    /// The models folder to load: `explicit` if given, else `$KINFINDER_MODELS` if set, else the
    /// first of `./Models`, `Models/` beside the running executable or in any of its 4 parent
    /// folders (so `.build/release/kinfinder` finds the repository's `Models/` from anywhere), and
    /// ``installedDirectory`` that holds `colour-names.json`.
    ///
    /// A path given explicitly (argument or environment) is not silently replaced by another when
    /// it is wrong: it is an error, so a typo never loads some other model. A given path may be the
    /// models folder itself or a folder holding `Models/` (e.g. the repository root).
    /// - Throws: ``MatchingError/modelNotFound(searched:)`` listing every folder looked at.
    public static func locateModelsDirectory(explicit: String?) throws -> String {
        try locate(
            explicit: explicit, environment: ProcessInfo.processInfo.environment[environmentVariable],
            currentDirectory: FileManager.default.currentDirectoryPath, executable: executablePath(),
            exists: { FileManager.default.fileExists(atPath: $0) })
    }

    /// ``locateModelsDirectory(explicit:)`` with its inputs spelled out (for tests).
    static func locate(
        explicit: String?, environment: String?, currentDirectory: String, executable: String?,
        exists: (String) -> Bool
    ) throws -> String {
        func absolute(_ p: String) -> String { p.hasPrefix("/") ? p : join(currentDirectory, p) }
        func holdsModel(_ dir: String) -> Bool { exists(join(dir, namesFile)) }
        for given in [explicit, environment] {
            guard let given, !given.isEmpty else { continue }
            let dir = absolute(given)
            if holdsModel(dir) { return dir }
            let nested = join(dir, "Models")
            if holdsModel(nested) { return nested }
            throw MatchingError.modelNotFound(searched: [dir, nested])
        }
        var searched: [String] = []
        var candidates = [join(currentDirectory, "Models")]
        if let executable {
            var dir = parent(absolute(executable))
            for _ in 0...4 {
                candidates.append(join(dir, "Models"))
                let up = parent(dir)
                if up == dir { break }
                dir = up
            }
        }
        candidates.append(installedDirectory)
        for dir in candidates where !searched.contains(dir) {
            searched.append(dir)
            if holdsModel(dir) { return dir }
        }
        throw MatchingError.modelNotFound(searched: searched)
    }

    // MARK: Lookups

    /// Table index of an sRGB colour.
    @inlinable public static func rgbIndex(r: UInt8, g: UInt8, b: UInt8) -> Int {
        Int(r >> 3) << 10 | Int(g >> 3) << 5 | Int(b >> 3)
    }

    /// Index into ``yuvTable()`` of an 8-bit Y, U (Cb), V (Cr) triple.
    @inlinable public static func yuvIndex(y: UInt8, u: UInt8, v: UInt8) -> Int {
        Int(y >> 3) << 10 | Int(u >> 3) << 5 | Int(v >> 3)
    }

    /// The basic name of an sRGB colour.
    public func name(r: UInt8, g: UInt8, b: UInt8) -> ColourName {
        ColourName(rawValue: Int(table[Self.rgbIndex(r: r, g: g, b: b)]))!
    }

    /// The table the per-pixel colour sampler uses: ``cellCount`` entries indexed by
    /// `(y>>3)<<10 | (u>>3)<<5 | (v>>3)` for 8-bit limited-range ("TV", Y 16–235, Cb/Cr 16–240)
    /// BT.601 YUV, which is what FFmpeg's swscale gives for yuv420p decoded from SD H.264.
    ///
    /// Each entry is the name most of the cell's colours get: 4 × 4 × 4 points spread over the
    /// cell (offsets 1, 3, 5, 7 of its 8 levels per channel) are converted to sRGB (clamped) and
    /// looked up in the RGB table; a tie goes to the name of the cell centre. A YUV cell spans up
    /// to ±9 sRGB levels, so its centre alone misnames whole cells on a name boundary (shaded pink
    /// tops turned purple, lit orange brown); the vote keeps the two tables in better agreement.
    ///
    /// HD video is usually BT.709: its colours come out slightly shifted through these BT.601
    /// coefficients (mostly greens and reds, a few levels), which moves only cells near a name
    /// boundary; we accept that rather than keep two tables. About 2 million conversions per call
    /// (milliseconds in a release build): call it once and keep the result.
    public func yuvTable() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Self.cellCount)
        let offsets: [Double] = [1, 3, 5, 7]
        var votes = [Int](repeating: 0, count: ColourName.allCases.count)
        table.withUnsafeBufferPointer { rgb in
            for yi in 0..<32 {
                for ui in 0..<32 {
                    for vi in 0..<32 {
                        for i in votes.indices { votes[i] = 0 }
                        let (y0, u0, v0) = (Double(yi * 8), Double(ui * 8), Double(vi * 8))
                        for dy in offsets {
                            for du in offsets {
                                for dv in offsets {
                                    let (r, g, b) = Self.rgbFromYUV(y: y0 + dy, u: u0 + du, v: v0 + dv)
                                    votes[Int(rgb[Self.rgbIndex(r: r, g: g, b: b)])] += 1
                                }
                            }
                        }
                        let (r, g, b) = Self.rgbFromYUV(y: y0 + 4, u: u0 + 4, v: v0 + 4)
                        var best = Int(rgb[Self.rgbIndex(r: r, g: g, b: b)])
                        for i in votes.indices where votes[i] > votes[best] { best = i }
                        out[yi << 10 | ui << 5 | vi] = UInt8(best)
                    }
                }
            }
        }
        return out
    }

    /// Limited-range BT.601 Y′CbCr → sRGB, rounded and clamped to 0…255.
    public static func rgbFromYUV(y: Double, u: Double, v: Double) -> (r: UInt8, g: UInt8, b: UInt8) {
        let c = 1.164_383 * (y - 16), d = u - 128, e = v - 128
        func clamp(_ x: Double) -> UInt8 { UInt8(max(0, min(255, (x).rounded()))) }
        return (clamp(c + 1.596_027 * e), clamp(c - 0.391_762 * d - 0.812_968 * e), clamp(c + 2.017_232 * d))
    }

    /// sRGB → limited-range BT.601 Y′CbCr, rounded (the inverse of ``rgbFromYUV(y:u:v:)``).
    public static func yuvFromRGB(r: UInt8, g: UInt8, b: UInt8) -> (y: UInt8, u: UInt8, v: UInt8) {
        let (R, G, B) = (Double(r), Double(g), Double(b))
        let y = 16 + 0.256_788 * R + 0.504_129 * G + 0.097_906 * B
        let u = 128 - 0.148_223 * R - 0.290_993 * G + 0.439_216 * B
        let v = 128 + 0.439_216 * R - 0.367_788 * G - 0.071_427 * B
        func clamp(_ x: Double) -> UInt8 { UInt8(max(0, min(255, x.rounded()))) }
        return (clamp(y), clamp(u), clamp(v))
    }

    /// The weighted names of a colour word ("navy" → blue 0.8, black 0.2), primary first, or `nil`
    /// when the lexicon does not know it. Case and surrounding spaces do not matter; a trailing
    /// 色 / "coloured" and a leading modifier ("dark", "深") are ignored when the whole word is not
    /// in the lexicon, and a modifier alone ("深色", "dark") gives its own weights if it has any.
    public func colourWeights(for word: String) -> [(ColourName, Float)]? {
        var w = Self.normalise(word)
        if let hit = lexicon[w] { return hit }
        for suffix in Self.colourSuffixes where w.count > suffix.count && w.hasSuffix(suffix) {
            w = String(w.dropLast(suffix.count))
            while w.hasSuffix("-") || w.hasSuffix(" ") { w.removeLast() }
            if let hit = lexicon[w] { return hit }
            break
        }
        for m in modifiers.keys.sorted(by: { $0.count > $1.count }) where w.count > m.count && w.hasPrefix(m) {
            var rest = String(w.dropFirst(m.count))
            while rest.hasPrefix("-") || rest.hasPrefix(" ") { rest.removeFirst() }
            if let hit = lexicon[rest] { return hit }
        }
        if let alone = modifiers[w], !alone.isEmpty { return alone }
        return nil
    }

    /// The names a colour word stands for in a report: every name with weight ≥ `minimumWeight`,
    /// primary first ("navy" → [blue, black]).
    /// - Throws: ``MatchingError/unknownColourWord(_:)``.
    public func colourNames(for word: String, minimumWeight: Float = DescriptionReader.listingWeight) throws -> [ColourName] {
        guard let weights = colourWeights(for: word) else { throw MatchingError.unknownColourWord(word) }
        return weights.filter { $0.1 >= minimumWeight }.map(\.0)
    }

    // MARK: Files

    static let colourSuffixes = ["coloured", "colored", "colour", "color", "色"]

    struct NamesFile: Decodable {
        var version: Int
        var names: [String]
        var quantisation: Int
        var table: String
        var source: String?
    }

    struct WordsFile: Decodable {
        var version: Int
        var words: [String: [WeightPair]]
        var modifiers: [String: [WeightPair]]?
    }

    /// One `["blue", 0.8]` of the lexicon.
    struct WeightPair: Decodable {
        var name: String
        var weight: Float
        init(from decoder: any Decoder) throws {
            var c = try decoder.unkeyedContainer()
            name = try c.decode(String.self)
            weight = try c.decode(Float.self)
            guard c.isAtEnd else {
                throw DecodingError.dataCorruptedError(in: c, debugDescription: "a weight is [name, weight]")
            }
        }
    }

    static func weights(_ raw: [String: [WeightPair]], file: String, allowEmpty: Bool) throws -> [String: [(ColourName, Float)]] {
        var out: [String: [(ColourName, Float)]] = [:]
        for (word, pairs) in raw {
            if pairs.isEmpty {
                guard allowEmpty else { throw MatchingError.modelCorrupt(file: file, reason: "'\(word)' has no names") }
                out[word] = []
                continue
            }
            var list: [(ColourName, Float)] = []
            for p in pairs {
                guard let n = ColourName(english: p.name) else {
                    throw MatchingError.modelCorrupt(file: file, reason: "'\(word)' names '\(p.name)', which is not one of the 12 names")
                }
                guard p.weight > 0, p.weight <= 1 else {
                    throw MatchingError.modelCorrupt(file: file, reason: "'\(word)' has weight \(p.weight) for \(p.name); weights are in (0, 1]")
                }
                list.append((n, p.weight))
            }
            let sum = list.reduce(Float(0)) { $0 + $1.1 }
            guard abs(sum - 1) < 0.01 else {
                throw MatchingError.modelCorrupt(file: file, reason: "the weights of '\(word)' add up to \(sum), not 1")
            }
            out[word] = list
        }
        return out
    }

    static func decode<T: Decodable>(_ type: T.Type, path: String) throws -> T {
        guard FileManager.default.fileExists(atPath: path) else {
            throw MatchingError.modelNotFound(searched: [path])
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw MatchingError.modelCorrupt(file: path, reason: "cannot be read (\(error))")
        }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let e as DecodingError {
            throw MatchingError.modelCorrupt(file: path, reason: Self.explain(e))
        } catch {
            throw MatchingError.modelCorrupt(file: path, reason: "not valid JSON (\(error))")
        }
    }

    static func explain(_ e: DecodingError) -> String {
        func at(_ path: [any CodingKey]) -> String {
            path.isEmpty ? "" : " at " + path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch e {
        case .keyNotFound(let key, let ctx): return "field '\(key.stringValue)' is missing\(at(ctx.codingPath))"
        case .typeMismatch(_, let ctx), .valueNotFound(_, let ctx), .dataCorrupted(let ctx):
            return "\(ctx.debugDescription)\(at(ctx.codingPath))"
        @unknown default: return "\(e)"
        }
    }

    // MARK: Small helpers

    /// Lower-cased, spaces collapsed and trimmed: how words are keyed.
    static func normalise(_ s: String) -> String {
        s.lowercased().split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    static func join(_ a: String, _ b: String) -> String {
        a.hasSuffix("/") ? a + b : a + "/" + b
    }

    static func parent(_ path: String) -> String {
        var p = path
        while p.count > 1 && p.hasSuffix("/") { p.removeLast() }
        guard let slash = p.lastIndex(of: "/") else { return "." }
        return slash == p.startIndex ? "/" : String(p[..<slash])
    }

    /// The running program's path: /proc/self/exe on Linux, else argv[0].
    static func executablePath() -> String? {
        if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return target }
        return CommandLine.arguments.first.flatMap { $0.contains("/") ? $0 : nil }
    }
}
