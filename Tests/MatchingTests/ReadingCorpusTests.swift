import Foundation
@testable import Matching
import Testing
import Description

/// The reading corpus (Corpus/README.md): every description read, field-level precision and recall
/// printed per attribute and language (README quotes the table), and the targets held.
@Suite("Reading corpus")
struct ReadingCorpusTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Corpus")

    static func load(_ name: String) throws -> [CorpusEntry] {
        try JSONDecoder().decode([CorpusEntry].self, from: Data(contentsOf: folder.appendingPathComponent(name)))
    }

    let reader = DescriptionReader(model: sharedModel)

    /// The files tuned on, per language (Corpus/README.md tells their history), and the files held out.
    static let tuned = [
        "zh": ["zh.json", "heldout-zh.json", "fresh-zh.json", "fresh2-zh.json"],
        "en": ["en.json", "heldout-en.json", "fresh-en.json", "fresh2-en.json"],
    ]
    /// Held out, with floors against regressions below their measured scores (Corpus/README.md).
    static let heldOut = ["fresh3-zh.json": 0.88, "fresh3-en.json": 0.87]

    static func tunedEntries(_ language: String) throws -> [CorpusEntry] {
        try tuned[language]!.flatMap { try load($0) }
    }

    @Test("the corpus holds at least 100 descriptions per language, some traditional, each valid")
    func corpusShape() throws {
        let zh = try Self.tunedEntries("zh") + Self.load("fresh3-zh.json")
        let en = try Self.tunedEntries("en") + Self.load("fresh3-en.json")
        #expect(zh.count >= 100 && en.count >= 100)
        #expect(zh.filter { $0.script == "traditional" }.count >= 20)
        #expect(Set((zh + en).map(\.id)).count == zh.count + en.count)
        for e in zh + en {
            for c in e.expect.upper + e.expect.lower + (e.expect.headwear ?? []) + (e.expect.footwear ?? []) {
                #expect(ColourName(english: c) != nil, "\(e.id): \(c)")
            }
            for i in e.expect.carried { #expect(CarriedKind(rawValue: i.item) != nil, "\(e.id): \(i.item)") }
        }
    }

    @Test("every field read right in at least 97 % of descriptions per language; a colour misplaced in at most 1 %")
    func developmentCorpus() throws {
        var scores: [(name: String, score: ReadingScore)] = []
        for name in ["zh", "en"] {
            let s = ReadingScore.score(try Self.tunedEntries(name), reader: reader)
            scores.append((name, s))
            #expect(s.refused.isEmpty, "\(name) refused \(s.refused)")
            for f in ReadingScore.Field.allCases {
                #expect((s.fields[f]?.accuracy ?? 0) >= 0.97, "\(name) \(f.rawValue): \(s.fields[f]?.exact ?? 0)/\(s.fields[f]?.total ?? 0)")
            }
            #expect(s.misboundRate <= 0.01, "\(name): \(s.misbound) descriptions with a colour in the wrong place")
        }
        print("reading corpus (tuned on):\n" + ReadingScore.table(scores))
        for s in scores { for m in s.score.misses { print("  miss: \(m)") } }
    }

    @Test("held-out descriptions, not looked at while tuning: scored the same way")
    func heldOutCorpus() throws {
        var scores: [(name: String, score: ReadingScore)] = []
        for (name, floor) in Self.heldOut.sorted(by: { $0.key < $1.key }) {
            let s = ReadingScore.score(try Self.load(name), reader: reader)
            scores.append((name, s))
            #expect(s.refused.isEmpty)
            // A floor against regressions, below the tuned target: the gap is what tuning overfits.
            #expect(s.fieldAccuracy >= floor, "\(name): \(s.fieldAccuracy)")
        }
        print("reading corpus (held out):\n" + ReadingScore.table(scores))
        for s in scores { for m in s.score.misses { print("  miss: \(m)") } }
    }
}
