public import ArgumentParser
import Foundation
import GridStore
import KinfinderCore
import Matching
import Description

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Missing-person reports.", subcommands: [Add.self, Read.self, List.self, Close.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "File a missing-person report.",
            discussion: """
                Give the clothing either as words (--describe "红色上衣 蓝色裤子 小孩", --describe "child, red top, \
                blue trousers, 110cm") or field by field (--upper red --lower blue --age child --height 110cm); \
                fields given explicitly win over the description.
                """)
        @OptionGroup var store: StoreOptions
        @OptionGroup var model: ModelOptions
        @Option(help: "Name or alias of the missing person.") var name: String = "unnamed"
        @Option(help: "The family's own words, Chinese or English.") var describe: String?
        @Option(help: "Upper-body colour(s), comma-separated: red, 红, navy, 藏青 …") var upper: String?
        @Option(help: "Lower-body colour(s), comma-separated.") var lower: String?
        @Option(help: "child, adult or elderly.") var age: AgeGroup?
        @Option(help: "Approximate height: 110cm, 1.1m, 110 or 1米1.") var height: String?
        @Option(name: .customLong("last-seen"), help: "Grid cell where the person was last seen.") var lastSeen: String?
        @Option(help: "When: 14:30, '2026-11-23 14:30', ISO 8601, or 20m (ago). Default: now.") var at: String?
        @Option(help: "How to reach the family.") var contact: String?
        @Option(help: "Anything else worth knowing.") var notes: String?
        @Flag(help: "Do not search the stored tracks (retro search) after filing.") var noSearch = false

        func validate() throws {
            if describe == nil && upper == nil && lower == nil && age == nil && height == nil {
                throw ValidationError("say what the person looks like: --describe \"…\" or --upper/--lower/--age/--height")
            }
            for (option, value, lineBreaks) in [("--name", name, false), ("--contact", contact ?? "", false), ("--notes", notes ?? "", true)] {
                if let why = PlainText.problem(value, lineBreaks: lineBreaks) { throw ValidationError("\(option): \(why)") }
            }
        }

        func run() async throws {
            let m = try model.load()
            var report = MissingPersonReport(name: name, describedAs: describe, notes: notes, contact: contact)
            if let describe {
                let reading = try readDescription(describe, model: m)
                report.upper = reading.upper
                report.lower = reading.lower
                report.ageGroup = reading.ageGroup
                report.heightCM = reading.heightCM
                report.attributes = reading.attributes
                print("understood:\n" + ReadingSummary.text(reading))
            }
            if let upper { report.upper = try colours(upper, m) }
            if let lower { report.lower = try colours(lower, m) }
            if let age { report.ageGroup = age }
            if let height { report.heightCM = try parseHeight(height, reader: DescriptionReader(model: m)) }
            guard !report.upper.isEmpty || !report.lower.isEmpty else {
                throw ValidationError("no clothing colour understood; give --upper/--lower with colour words (red, 红, navy …)")
            }
            report.lastSeenAt = try at.map { try parseTime($0, option: "--at") } ?? Date()
            let db = try await store.openStore()
            if let lastSeen {
                guard try await db.cell(id: lastSeen) != nil else { throw KinfinderError.unknownCell(lastSeen) }
                report.lastSeenCell = lastSeen
            }
            let saved = try await db.addReport(report)
            print("report \(saved.id ?? 0) filed: \(summary(saved))")
            guard !noSearch else { return }
            // The person may already have walked past cameras: search what they stored, raise what fits.
            let search = try RetroSearch(store: db, dataDirectory: store.dataDirectory)
            let result = try await search.search(saved, limit: 5)
            print("")
            printRetroResult(result, threshold: search.matcher.configuration.threshold)
            let raised = try await search.raise(result.hits, for: saved)
            if !raised.isEmpty {
                print("\(raised.count) incident(s) raised from stored tracks: " + raised.map { "#\($0.id ?? 0) \($0.cameraID)" }.joined(separator: ", "))
            }
        }
    }

    struct Read: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show how a description is read, without filing anything.",
            discussion: """
                Prints what was understood garment by garment (colours, headwear, footwear, carried things), \
                the age and height, other people the text describes (not searched for) and the words not \
                understood. --json prints the structured reading the API returns.
                """)
        @OptionGroup var model: ModelOptions
        @Argument(help: "The family's words, Chinese or English.") var text: String
        @Flag(help: "Print the reading in Chinese.") var chinese = false
        @Flag(help: "Print the structured reading as JSON.") var json = false

        func run() throws {
            let reading = try readDescription(text, model: try model.load(), requireUnderstood: false)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(reading), as: UTF8.self))
            } else {
                print(ReadingSummary.text(reading, language: chinese ? .chinese : .english))
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List reports (open ones unless --all).")
        @OptionGroup var store: StoreOptions
        @Flag(help: "Include found and withdrawn reports.") var all = false

        func run() async throws {
            let db = try await store.openStore()
            let reports = try await db.reports(status: all ? nil : .open)
            printTable(["ID", "STATUS", "NAME", "LOOKS LIKE", "LAST SEEN"], reports.map { r in
                [String(r.id ?? 0), r.status.rawValue, r.name, summary(r),
                 [r.lastSeenCell, r.lastSeenAt.map { TimeParsing.display($0) }].compactMap { $0 }.joined(separator: " ")]
            })
        }
    }

    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Close a report: the person was found, or the family withdrew it.",
            discussion: "Its open leads close with it (dispatch and escalation stop); the family's page says where to collect a found person.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "Report id.") var id: Int64
        @Flag(exclusivity: .exclusive) var outcome: Outcome = .found
        enum Outcome: String, EnumerableFlag { case found, withdrawn }
        @Option(help: "The lead (incident id) that was the person.") var incident: Int64?
        @Option(help: "The cell where the person was found (default: the lead's cell).") var cell: String?
        @Option(help: "Who closes it (default: cli:$USER).") var by: String?
        @Option(help: "What happened.") var note: String = ""

        func validate() throws {
            if outcome == .withdrawn, incident != nil || cell != nil {
                throw ValidationError("--incident and --cell say where a found person was; a withdrawn report has neither")
            }
            guard note.count <= 2000 else { throw ValidationError("--note: at most 2000 characters") }
        }

        func run() async throws {
            let db = try await store.openStore()
            let closed = try await db.closeCase(
                reportID: id, outcome: outcome == .found ? .found : .withdrawn, foundIncidentID: incident, foundCellID: cell,
                by: by ?? cliActor(), note: note, at: Date())
            print(caseClosedLine(closed))
        }
    }
}

extension AgeGroup: ExpressibleByArgument {}

/// Reads a description given on the command line; bad input is a usage error (exit 64) that says
/// what is wrong, and, when `requireUnderstood`, so is a description with nothing understood in it.
func readDescription(_ text: String, model: ColourNameModel, requireUnderstood: Bool = true) throws -> DescriptionReading {
    guard text.count <= 500 else { throw ValidationError("--describe: at most 500 characters (this one has \(text.count))") }
    do {
        let reader = DescriptionReader(model: model)
        return try requireUnderstood ? reader.readForFiling(text) : reader.read(text)
    } catch let e as MatchingError {
        throw ValidationError("--describe: \(e.description)")
    }
}

func colours(_ text: String, _ model: ColourNameModel) throws -> [ColourName] {
    var out: [ColourName] = []
    for word in text.split(whereSeparator: { $0 == "," || $0 == "，" || $0 == "/" || $0 == " " }) {
        let w = String(word).lowercased()
        guard let weights = model.colourWeights(for: w) ?? model.colourWeights(for: w.replacingOccurrences(of: "色", with: "")) else {
            throw ValidationError("unknown colour '\(word)': use one of \(ColourName.allCases.map(\.english).joined(separator: " ")) or their Chinese names")
        }
        for (name, weight) in weights.sorted(by: { $0.1 > $1.1 }) where weight >= 0.2 && !out.contains(name) {
            out.append(name)
        }
    }
    return out
}

func parseHeight(_ text: String, reader: DescriptionReader) throws -> Double {
    guard let cm = HeightText.centimetres(text, reader: reader) else {
        throw ValidationError("cannot read the height '\(text)': use 110cm, 1.1m, 110 or 1米1")
    }
    guard HeightText.plausible.contains(cm) else { throw ValidationError("height '\(text)' is not a person's height (40–230 cm)") }
    return cm
}

func summary(_ r: MissingPersonReport) -> String {
    var parts: [String] = []
    if let a = r.ageGroup { parts.append(a.rawValue) }
    if let h = r.heightCM { parts.append("\(Int(h))cm") }
    if !r.upper.isEmpty { parts.append("upper " + r.upper.map { "\($0.english)(\($0.chinese))" }.joined(separator: "/")) }
    if !r.lower.isEmpty { parts.append("lower " + r.lower.map { "\($0.english)(\($0.chinese))" }.joined(separator: "/")) }
    return parts.joined(separator: ", ")
}
