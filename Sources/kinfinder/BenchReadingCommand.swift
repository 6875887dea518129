import ArgumentParser
import Foundation
import Matching

struct BenchReading: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-reading",
        abstract: "Reading benchmark: read the description corpus, score every field and time the reading.",
        discussion: """
            Reads every description of the corpus files (JSON arrays of {id, text, script, expect}, the format of
            Tests/MatchingTests/Corpus/README.md) and prints, per file, how many descriptions had each field right
            with precision and recall, how many put a colour on the wrong garment or person, and the reading time
            per description (median and 99th percentile over --repeat passes). --misses lists what was read wrong.
            """)
    @OptionGroup var model: ModelOptions
    @Argument(help: "Corpus files (default: the repository's Tests/MatchingTests/Corpus/*.json).") var files: [String] = []
    @Option(help: "Passes over the corpus for the timing.") var `repeat` = 20
    @Flag(help: "List the descriptions read wrong.") var misses = false

    func run() async throws {
        let reader = DescriptionReader(model: try model.load())
        var paths = files
        if paths.isEmpty {
            let dir = "Tests/MatchingTests/Corpus"
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else {
                throw ValidationError("no corpus files given and no \(dir) here: run from the repository or name the files")
            }
            paths = names.filter { $0.hasSuffix(".json") }.sorted().map { "\(dir)/\($0)" }
        }
        var scores: [(name: String, score: ReadingScore)] = []
        var all: [CorpusEntry] = []
        for path in paths {
            let entries: [CorpusEntry]
            do {
                entries = try JSONDecoder().decode([CorpusEntry].self, from: Data(contentsOf: URL(fileURLWithPath: path)))
            } catch {
                throw ValidationError("\(path): not a corpus file (\(error))")
            }
            let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
            scores.append((name, ReadingScore.score(entries, reader: reader)))
            all += entries
        }
        print(ReadingScore.table(scores))
        if misses {
            for s in scores { for m in s.score.misses { print(m) } }
        }
        var times: [Double] = []
        let clock = ContinuousClock()
        for _ in 0..<max(1, self.repeat) {
            for e in all {
                let t0 = clock.now
                _ = try? reader.read(e.text)
                let d = clock.now - t0
                times.append(Double(d.components.attoseconds) / 1e15 + Double(d.components.seconds) * 1e3)
            }
        }
        times.sort()
        func pct(_ p: Double) -> Double { times[min(times.count - 1, Int(Double(times.count) * p))] }
        let longest = all.map(\.text.count).max() ?? 0
        print(String(format: "\nreading time per description over %d readings: median %.3f ms, p99 %.3f ms, max %.3f ms (longest text %d characters)",
                     times.count, pct(0.5), pct(0.99), times.last ?? 0, longest))
    }
}
