import ArgumentParser
import Foundation
import Ingest
import KinfinderCore
import Matching
import Vision

struct Evaluate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure accuracy on clips with ground truth: detection precision/recall and report → track rank-1.",
        discussion: "Each CLIP needs CLIP-STEM.gt.json beside it (see SampleClips/README.md). Touches no database.")
    @OptionGroup var model: ModelOptions
    @Argument(help: ArgumentHelp("Clips with ground truth.", valueName: "clip")) var clips: [String]
    @Option(help: "Working width in pixels.") var width: Int = 640
    @Flag(help: "Use the Chinese descriptions instead of the English ones.") var chinese = false
    @Option(help: ArgumentHelp("Write each clip's tracked boxes per frame (source pixels) as JSON into this folder.", valueName: "dir"))
    var boxes: String?
    @Option(help: ArgumentHelp("With --boxes: also write the raw foreground mask (PGM) of these frames, e.g. 100,200.", valueName: "frames"))
    var masks: String?

    func run() async throws {
        let m = try model.load()
        let table = m.yuvTable()
        let parser = ReportParser(model: m)
        var rows: [[String]] = []
        for clip in clips {
            let truth = try GroundTruth.load(path: GroundTruth.path(forClip: absolute(clip)))
            let maskFrames = Set((masks ?? "").split(separator: ",").compactMap { Int($0) })
            let obs = try Evaluation.observe(
                clip: absolute(clip), colourTable: table, ingest: IngestConfiguration(workingWidth: width),
                maskFolder: boxes.map(absolute), maskFrames: maskFrames)
            if let boxes {
                try writeBoxes(obs, clip: clip, folder: absolute(boxes))
            }
            let acc = try Evaluation.score(obs, truth: truth, parser: parser, chinese: chinese)
            print("\(clip): \(obs.frames) frames in \(String(format: "%.2f", obs.wallSeconds)) s, \(obs.descriptors.count) tracks")
            for r in acc.retrieval {
                print("  identity \(r.identity) \"\(r.description)\": rank \(r.rank.map(String.init) ?? "none"), "
                    + "right track \(r.rightTrackScore.map { String(format: "%.2f", $0) } ?? "-"), best \(String(format: "%.2f", r.bestScore))")
            }
            rows.append([clip, String(format: "%.0f", Double(obs.frames) / max(1e-9, obs.wallSeconds)),
                         String(format: "%.3f", acc.precision), String(format: "%.3f", acc.recall),
                         String(format: "%.0f%%", acc.rank1 * 100), "\(obs.descriptors.count)/\(truth.identities.count)"])
        }
        print("")
        printTable(["CLIP", "FPS (decode+extract)", "PRECISION", "RECALL", "RANK-1", "TRACKS/PEOPLE"], rows)
    }
}

/// `{"frame": [[trackID, x, y, w, h], …]}` in source pixels, for drawing and checking by eye.
private func writeBoxes(_ obs: ClipObservation, clip: String, folder: String) throws {
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let s = obs.workingScale
    var out: [String: [[Float]]] = [:]
    for (frame, views) in obs.frameBoxes {
        out[String(frame)] = views.map { v in
            let b = v.box.scaled(x: s, y: s)
            return [Float(v.id), b.x, b.y, b.width, b.height]
        }
    }
    let name = URL(fileURLWithPath: clip).deletingPathExtension().lastPathComponent + ".boxes.json"
    try JSONEncoder().encode(out).write(to: URL(fileURLWithPath: folder).appendingPathComponent(name))
}
