public import Description

/// One description of the reading corpus (`Tests/MatchingTests/Corpus`) with the reading a careful
/// operator would file.
public struct CorpusEntry: Sendable, Codable {
    public struct Expected: Sendable, Codable {
        public struct Item: Sendable, Codable {
            public var item: String
            public var colours: [String]
        }
        public var upper: [String]
        public var lower: [String]
        public var age: String?
        public var height_cm: Double?
        public var headwear: [String]?
        public var footwear: [String]?
        public var carried: [Item]
    }
    public var id: String
    public var text: String
    public var script: String
    public var expect: Expected
}

/// Field-level scores of readings against a corpus: per field, how many descriptions were read
/// exactly right, and precision / recall over the values said (colour names, age groups, items).
public struct ReadingScore: Sendable {
    public enum Field: String, CaseIterable, Sendable {
        case upper, lower, age, height, headwear, footwear, carried
    }

    public struct Counts: Sendable {
        public var exact = 0, total = 0
        public var truePositives = 0, falsePositives = 0, falseNegatives = 0
        public var accuracy: Double { total == 0 ? 1 : Double(exact) / Double(total) }
        public var precision: Double { truePositives + falsePositives == 0 ? 1 : Double(truePositives) / Double(truePositives + falsePositives) }
        public var recall: Double { truePositives + falseNegatives == 0 ? 1 : Double(truePositives) / Double(truePositives + falseNegatives) }
    }

    /// A description with a field read wrong.
    public struct Miss: Sendable, CustomStringConvertible {
        public var id: String
        public var field: Field
        public var expected: String
        public var got: String
        public var text: String
        public var description: String { "\(id) \(field.rawValue): expected \(expected), got \(got) — \(text)" }
    }

    public var fields: [Field: Counts] = [:]
    public var descriptions = 0
    /// Descriptions where a colour was put on a garment, item or person it does not belong to (a
    /// colour read for the upper body, lower body, headwear or footwear that the expected reading
    /// does not have there).
    public var misbound = 0
    public var misses: [Miss] = []
    /// Descriptions the reader refused (it should refuse none of the corpus).
    public var refused: [String] = []

    public init() {}

    public var fieldAccuracy: Double {
        let c = fields.values.reduce(into: (0, 0)) { $0.0 += $1.exact; $0.1 += $1.total }
        return c.1 == 0 ? 1 : Double(c.0) / Double(c.1)
    }
    public var misboundRate: Double { descriptions == 0 ? 0 : Double(misbound) / Double(descriptions) }

    /// Scores `reader` on `entries`.
    public static func score(_ entries: [CorpusEntry], reader: DescriptionReader) -> ReadingScore {
        var s = ReadingScore()
        for e in entries {
            s.descriptions += 1
            let r: DescriptionReading
            do {
                r = try reader.read(e.text)
            } catch {
                s.refused.append(e.id)
                r = DescriptionReading()
            }
            var wrongPlace = false
            func colourField(_ f: Field, expected: [String]?, got: [ColourName]?) {
                let exp = Set(expected ?? []), have = Set((got ?? []).map(\.english))
                let ok = (expected == nil) == (got == nil) && exp == have
                s.add(f, ok: ok, tp: exp.intersection(have).count, fp: have.subtracting(exp).count, fn: exp.subtracting(have).count)
                if !have.subtracting(exp).isEmpty || (expected == nil && got != nil && !have.isEmpty) { wrongPlace = true }
                if !ok {
                    s.misses.append(Miss(id: e.id, field: f, expected: expected.map { "\($0.sorted())" } ?? "none",
                                         got: got.map { "\($0.map(\.english).sorted())" } ?? "none", text: e.text))
                }
            }
            colourField(.upper, expected: e.expect.upper, got: r.upperPrimaries)
            colourField(.lower, expected: e.expect.lower, got: r.lowerPrimaries)
            colourField(.headwear, expected: e.expect.headwear, got: r.headwearPrimaries)
            colourField(.footwear, expected: e.expect.footwear, got: r.footwearPrimaries)
            if wrongPlace { s.misbound += 1 }

            let age = r.ageGroup?.rawValue
            let ageOK = age == e.expect.age
            s.add(.age, ok: ageOK, tp: ageOK && age != nil ? 1 : 0, fp: age != nil && !ageOK ? 1 : 0, fn: e.expect.age != nil && !ageOK ? 1 : 0)
            if !ageOK { s.misses.append(Miss(id: e.id, field: .age, expected: e.expect.age ?? "none", got: age ?? "none", text: e.text)) }

            let h = r.heightCM, eh = e.expect.height_cm
            let hOK = (h == nil && eh == nil) || (h != nil && eh != nil && abs(h! - eh!) <= 2)
            s.add(.height, ok: hOK, tp: hOK && h != nil ? 1 : 0, fp: h != nil && !hOK ? 1 : 0, fn: eh != nil && !hOK ? 1 : 0)
            if !hOK { s.misses.append(Miss(id: e.id, field: .height, expected: eh.map { "\($0)" } ?? "none", got: h.map { "\($0)" } ?? "none", text: e.text)) }

            func key(_ kind: String, _ colours: [String]) -> String { kind + ":" + colours.sorted().joined(separator: ",") }
            let expItems = e.expect.carried.map { key($0.item, $0.colours) }.sorted()
            let gotItems = r.carried.map { c in key(c.kind.rawValue, Array(Set(c.colours.map(\.primary.english)))) }.sorted()
            let expKinds = e.expect.carried.map(\.item), gotKinds = r.carried.map(\.kind.rawValue)
            var remaining = expKinds
            var tp = 0
            for k in gotKinds { if let i = remaining.firstIndex(of: k) { remaining.remove(at: i); tp += 1 } }
            let itemsOK = expItems == gotItems
            s.add(.carried, ok: itemsOK, tp: tp, fp: gotKinds.count - tp, fn: remaining.count)
            if !itemsOK { s.misses.append(Miss(id: e.id, field: .carried, expected: "\(expItems)", got: "\(gotItems)", text: e.text)) }
        }
        return s
    }

    mutating func add(_ f: Field, ok: Bool, tp: Int, fp: Int, fn: Int) {
        var c = fields[f] ?? Counts()
        c.total += 1
        if ok { c.exact += 1 }
        c.truePositives += tp
        c.falsePositives += fp
        c.falseNegatives += fn
        fields[f] = c
    }

    /// A Markdown table: per field, descriptions read right, precision and recall.
    public static func table(_ scores: [(name: String, score: ReadingScore)]) -> String {
        var lines = ["| field | " + scores.map { "\($0.name) right | P | R" }.joined(separator: " | ") + " |"]
        lines.append("|---|" + scores.map { _ in "---:|---:|---:" }.joined(separator: "|") + "|")
        func pct(_ x: Double) -> String { String(Int((x * 1000).rounded()) / 10) + "." + String(Int((x * 1000).rounded()) % 10) + " %" }
        for f in Field.allCases {
            lines.append("| \(f.rawValue) | " + scores.map { s in
                let c = s.score.fields[f] ?? Counts()
                return "\(c.exact)/\(c.total) | \(pct(c.precision)) | \(pct(c.recall))"
            }.joined(separator: " | ") + " |")
        }
        lines.append("| **all fields** | " + scores.map { "\(pct($0.score.fieldAccuracy)) | | " }.joined(separator: " | ") + " |")
        lines.append("| colour on the wrong garment or person | " + scores.map { "\($0.score.misbound)/\($0.score.descriptions) (\(pct($0.score.misboundRate))) | | " }.joined(separator: " | ") + " |")
        return lines.joined(separator: "\n")
    }
}

extension DescriptionReading {
    /// Primary names of the headwear's colours; `nil` when no headwear was said.
    public var headwearPrimaries: [ColourName]? { Self.regionPrimaries(garments.filter { $0.kind == .headwear }) }
    public var footwearPrimaries: [ColourName]? { Self.regionPrimaries(garments.filter { $0.kind == .footwear }) }

    static func regionPrimaries(_ g: [GarmentReading]) -> [ColourName]? { g.isEmpty ? nil : primaries(g) }
}
