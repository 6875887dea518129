import Foundation
@testable import Matching
import Testing
import Description

/// The repository's Models/ folder, found from this file.
let modelsDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Models").path

/// Loaded once for all tests.
let sharedModel: ColourNameModel = {
    do { return try ColourNameModel(directory: modelsDirectory) } catch { fatalError("cannot load \(modelsDirectory): \(error)") }
}()

/// Computed once (about 2 million conversions: slow-ish in a debug build).
let sharedYUVTable = sharedModel.yuvTable()

struct Reference: Sendable, CustomTestStringConvertible {
    var rgb: (UInt8, UInt8, UInt8)
    var name: ColourName
    var label: String
    var testDescription: String { "\(label) (\(rgb.0),\(rgb.1),\(rgb.2)) → \(name)" }
}

/// Clothing colours as a camera sees them, and the name a family would use.
let references: [Reference] = [
    Reference(rgb: (190, 35, 40), name: .red, label: "red"),
    Reference(rgb: (50, 75, 130), name: .blue, label: "dark jeans"),
    Reference(rgb: (30, 40, 80), name: .blue, label: "navy"),
    Reference(rgb: (150, 125, 85), name: .brown, label: "khaki"),
    Reference(rgb: (30, 30, 35), name: .black, label: "black"),
    Reference(rgb: (128, 128, 128), name: .grey, label: "grey"),
    Reference(rgb: (225, 225, 220), name: .white, label: "white"),
    Reference(rgb: (235, 130, 170), name: .pink, label: "pink"),
    Reference(rgb: (235, 120, 30), name: .orange, label: "orange"),
    Reference(rgb: (30, 160, 170), name: .cyan, label: "teal"),
    Reference(rgb: (110, 50, 140), name: .purple, label: "purple"),
    Reference(rgb: (230, 200, 40), name: .yellow, label: "yellow"),
    Reference(rgb: (40, 120, 60), name: .green, label: "green"),
]

/// A scratch folder removed at the end of the test.
func withScratchFolder(_ body: (String) throws -> Void) throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kinfinder-matching-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try body(dir)
}

@Suite("Colour-name model")
struct ColourNameModelTests {
    @Test("loads from the repository's Models/ with a full, valid table and a lexicon")
    func loads() throws {
        let m = sharedModel
        #expect(m.table.count == 32 * 32 * 32)
        #expect(m.table.allSatisfy { Int($0) < ColourName.allCases.count })
        // Every name owns part of the colour space.
        for n in ColourName.allCases {
            #expect(m.table.contains(UInt8(n.rawValue)), "no cell is \(n)")
        }
        #expect(m.source.contains("XKCD"))
        #expect(m.colourWords.count > 100)
        #expect(m.modifierWords.contains("深"))
        #expect(m.modifierWords.contains("dark"))
    }

    @Test("reference clothing colours get the right name", arguments: references)
    func referenceColours(_ ref: Reference) {
        #expect(sharedModel.name(r: ref.rgb.0, g: ref.rgb.1, b: ref.rgb.2) == ref.name)
    }

    @Test("the YUV table agrees with the RGB table on the reference colours in BT.601 limited range", arguments: references)
    func yuvAgrees(_ ref: Reference) {
        let yuv = sharedYUVTable
        #expect(yuv.count == 32_768)
        let (y, u, v) = ColourNameModel.yuvFromRGB(r: ref.rgb.0, g: ref.rgb.1, b: ref.rgb.2)
        #expect(yuv[ColourNameModel.yuvIndex(y: y, u: u, v: v)] == UInt8(ref.name.rawValue))
    }

    @Test("the YUV table: black below video black, white at video white, grey on the neutral axis")
    func yuvEnds() {
        let yuv = sharedYUVTable
        #expect(yuv[ColourNameModel.yuvIndex(y: 16, u: 128, v: 128)] == UInt8(ColourName.black.rawValue))
        #expect(yuv[ColourNameModel.yuvIndex(y: 0, u: 128, v: 128)] == UInt8(ColourName.black.rawValue))
        #expect(yuv[ColourNameModel.yuvIndex(y: 235, u: 128, v: 128)] == UInt8(ColourName.white.rawValue))
        #expect(yuv[ColourNameModel.yuvIndex(y: 126, u: 128, v: 128)] == UInt8(ColourName.grey.rawValue))
        #expect(yuv.allSatisfy { Int($0) < ColourName.allCases.count })
    }

    @Test("BT.601 limited-range conversion round-trips within rounding")
    func conversionRoundTrip() {
        for (r, g, b) in [(UInt8(190), UInt8(35), UInt8(40)), (0, 0, 0), (255, 255, 255), (50, 75, 130), (30, 160, 170)] {
            let (y, u, v) = ColourNameModel.yuvFromRGB(r: r, g: g, b: b)
            let back = ColourNameModel.rgbFromYUV(y: Double(y), u: Double(u), v: Double(v))
            #expect(abs(Int(back.r) - Int(r)) <= 2 && abs(Int(back.g) - Int(g)) <= 2 && abs(Int(back.b) - Int(b)) <= 2)
        }
        #expect(ColourNameModel.yuvFromRGB(r: 0, g: 0, b: 0) == (16, 128, 128))
        #expect(ColourNameModel.yuvFromRGB(r: 255, g: 255, b: 255) == (235, 128, 128))
    }

    @Test("the lexicon: weights, primary first, modifiers and 色 ignored")
    func lexicon() throws {
        let m = sharedModel
        let navy = try #require(m.colourWeights(for: "navy"))
        #expect(navy.map(\.0) == [.blue, .black])
        #expect(abs(navy[0].1 - 0.8) < 1e-6)
        #expect(m.colourWeights(for: "藏青")?.map(\.0) == [.blue, .black])
        #expect(m.colourWeights(for: "红")?.map(\.0) == [.red])
        #expect(m.colourWeights(for: "粉红")?.first?.0 == .pink)
        #expect(m.colourWeights(for: "橘黄")?.first?.0 == .orange)
        #expect(m.colourWeights(for: "khaki")?.first?.0 == .brown)
        #expect(m.colourWeights(for: "  Navy ")?.first?.0 == .blue)
        #expect(m.colourWeights(for: "深蓝色")?.first?.0 == .blue)
        #expect(m.colourWeights(for: "藏青色")?.first?.0 == .blue)
        #expect(m.colourWeights(for: "dark red")?.first?.0 == .red)
        #expect(m.colourWeights(for: "pale-blue")?.first?.0 == .blue)
        #expect(m.colourWeights(for: "green-coloured")?.first?.0 == .green)
        #expect(m.colourWeights(for: "深")?.first?.0 == .black)
        #expect(m.colourWeights(for: "plaid") == nil)
        #expect(m.colourWeights(for: "bright") == nil)
        for w in m.colourWords {
            let ws = try #require(m.colourWeights(for: w))
            #expect(abs(ws.reduce(0) { $0 + $1.1 } - 1) < 0.01, "\(w)")
            #expect(zip(ws, ws.dropFirst()).allSatisfy { $0.1 >= $1.1 }, "\(w) not primary first")
        }
        #expect(try m.colourNames(for: "charcoal") == [.grey, .black])
        #expect(throws: MatchingError.unknownColourWord("plaid")) { try m.colourNames(for: "plaid") }
        // Every basic name has its English and Chinese word.
        for n in ColourName.allCases {
            #expect(m.colourWeights(for: n.english)?.first?.0 == n)
            #expect(m.colourWeights(for: n.chinese)?.first?.0 == n)
        }
    }

    @Test("a missing folder gives modelNotFound with the paths searched")
    func missing() throws {
        #expect(throws: MatchingError.modelNotFound(searched: ["/nonexistent/kinfinder/colour-names.json"])) {
            try ColourNameModel(directory: "/nonexistent/kinfinder")
        }
        #expect(throws: MatchingError.modelNotFound(searched: ["/nonexistent/kinfinder", "/nonexistent/kinfinder/Models"])) {
            try ColourNameModel.locateModelsDirectory(explicit: "/nonexistent/kinfinder")
        }
        let message = MatchingError.modelNotFound(searched: ["/a/Models", "/b/Models"]).description
        #expect(message.contains("/a/Models") && message.contains("/b/Models") && message.contains("KINFINDER_MODELS"))
    }

    @Test("an explicit path may be the models folder or the repository root")
    func explicitPath() throws {
        #expect(try ColourNameModel.locateModelsDirectory(explicit: modelsDirectory) == modelsDirectory)
        let root = URL(fileURLWithPath: modelsDirectory).deletingLastPathComponent().path
        #expect(try ColourNameModel.locateModelsDirectory(explicit: root) == modelsDirectory)
    }

    @Test("search order: environment, ./Models, beside the executable and up to 4 parents, then the installed folder")
    func searchOrder() throws {
        let exe = "/repo/.build/x86_64-unknown-linux-gnu/release/kinfinder"
        // Found from the executable three folders up.
        let found = try ColourNameModel.locate(
            explicit: nil, environment: nil, currentDirectory: "/tmp/elsewhere", executable: exe,
            exists: { $0 == "/repo/Models/colour-names.json" })
        #expect(found == "/repo/Models")
        // ./Models wins over the executable's.
        let cwd = try ColourNameModel.locate(
            explicit: nil, environment: nil, currentDirectory: "/work", executable: exe,
            exists: { $0 == "/repo/Models/colour-names.json" || $0 == "/work/Models/colour-names.json" })
        #expect(cwd == "/work/Models")
        // The environment wins over everything but an explicit path, and a relative path is taken from the cwd.
        let env = try ColourNameModel.locate(
            explicit: nil, environment: "data/M", currentDirectory: "/work", executable: exe, exists: { _ in true })
        #expect(env == "/work/data/M")
        let explicit = try ColourNameModel.locate(
            explicit: "/x", environment: "/y", currentDirectory: "/work", executable: exe, exists: { _ in true })
        #expect(explicit == "/x")
        // A wrong environment path is an error, not a fallback.
        #expect(throws: MatchingError.modelNotFound(searched: ["/y", "/y/Models"])) {
            try ColourNameModel.locate(
                explicit: nil, environment: "/y", currentDirectory: "/work", executable: exe,
                exists: { $0 == "/work/Models/colour-names.json" })
        }
        // Nothing anywhere: every place is listed, in order.
        do {
            _ = try ColourNameModel.locate(explicit: nil, environment: nil, currentDirectory: "/work", executable: exe, exists: { _ in false })
            Issue.record("expected modelNotFound")
        } catch MatchingError.modelNotFound(let searched) {
            #expect(searched == [
                "/work/Models",
                "/repo/.build/x86_64-unknown-linux-gnu/release/Models",
                "/repo/.build/x86_64-unknown-linux-gnu/Models",
                "/repo/.build/Models",
                "/repo/Models",
                "/Models",
                ColourNameModel.installedDirectory,
            ])
        }
    }

    @Test("corrupt files give modelCorrupt naming the file")
    func corrupt() throws {
        let words = try String(contentsOfFile: modelsDirectory + "/colour-words.json", encoding: .utf8)
        let names = try String(contentsOfFile: modelsDirectory + "/colour-names.json", encoding: .utf8)
        func expectCorrupt(names n: String, words w: String, file: String, mentioning: String) throws {
            try withScratchFolder { dir in
                try n.write(toFile: dir + "/colour-names.json", atomically: true, encoding: .utf8)
                try w.write(toFile: dir + "/colour-words.json", atomically: true, encoding: .utf8)
                do {
                    _ = try ColourNameModel(directory: dir)
                    Issue.record("expected modelCorrupt for \(mentioning)")
                } catch MatchingError.modelCorrupt(let f, let reason) {
                    #expect(f == dir + "/" + file)
                    #expect(reason.contains(mentioning), "\(reason)")
                }
            }
        }
        try expectCorrupt(names: "{ not json", words: words, file: "colour-names.json", mentioning: "JSON")
        try expectCorrupt(names: #"{"version": 1, "names": []}"#, words: words, file: "colour-names.json", mentioning: "quantisation")
        let quoted = ColourName.allCases.map { "\"\($0.english)\"" }.joined(separator: ", ")
        let short = #"{"version": 1, "names": [\#(quoted)], "quantisation": 32, "table": "AAEC"}"#
        try expectCorrupt(names: short, words: words, file: "colour-names.json", mentioning: "32768")
        let bad = try JSONSerialization.jsonObject(with: Data(names.utf8)) as! [String: Any]
        var wrongOrder = bad
        wrongOrder["names"] = Array(ColourName.allCases.map(\.english).reversed())
        try expectCorrupt(
            names: String(decoding: try JSONSerialization.data(withJSONObject: wrongOrder), as: UTF8.self), words: words,
            file: "colour-names.json", mentioning: "order")
        var outOfRange = bad
        outOfRange["table"] = Data(repeating: 12, count: 32_768).base64EncodedString()
        try expectCorrupt(
            names: String(decoding: try JSONSerialization.data(withJSONObject: outOfRange), as: UTF8.self), words: words,
            file: "colour-names.json", mentioning: "12")
        try expectCorrupt(
            names: names, words: #"{"version": 1, "words": {"navy": [["blue", 0.8], ["azure", 0.2]]}}"#,
            file: "colour-words.json", mentioning: "azure")
        try expectCorrupt(
            names: names, words: #"{"version": 1, "words": {"navy": [["blue", 0.5]]}}"#,
            file: "colour-words.json", mentioning: "add up")
        try expectCorrupt(names: names, words: "[]", file: "colour-words.json", mentioning: "array")
        // A folder with the table but no lexicon is incomplete.
        try withScratchFolder { dir in
            try names.write(toFile: dir + "/colour-names.json", atomically: true, encoding: .utf8)
            #expect(throws: MatchingError.modelNotFound(searched: [dir + "/colour-words.json"])) {
                try ColourNameModel(directory: dir)
            }
        }
        #expect(MatchingError.modelCorrupt(file: "/m/colour-names.json", reason: "x").description.contains("/m/colour-names.json"))
    }

    @Test("a model from a table in memory is checked too")
    func inMemory() throws {
        let m = try ColourNameModel(table: [UInt8](repeating: 3, count: 32_768), lexicon: ["Leaf": [(.green, 1)]])
        #expect(m.name(r: 1, g: 2, b: 3) == .green)
        #expect(m.colourWeights(for: "leaf")?.first?.0 == .green)
        #expect(throws: MatchingError.self) { try ColourNameModel(table: [0, 1, 2]) }
    }
}
