import Foundation
public import Vision

/// Ground truth of a sample clip (`SampleClips/<clip>.gt.json`; format in SampleClips/README.md).
public struct GroundTruth: Sendable, Decodable {
    public struct Identity: Sendable, Decodable {
        public var id: Int
        public var upper: String
        public var lower: String
        public var ageGroup: String
        public var heightCM: Double?
        public var description_en: String
        public var description_zh: String
        public var firstFrame: Int
        public var lastFrame: Int
    }

    public struct LabelledBox: Sendable, Decodable {
        public var frame: Int
        public var id: Int
        public var x: Float
        public var y: Float
        public var w: Float
        public var h: Float
        public var visible: Float?

        public var box: Box { Box(x: x, y: y, width: w, height: h) }
    }

    public var clip: String
    public var width: Int
    public var height: Int
    public var fps: Double
    public var frames: Int
    public var identities: [Identity]
    public var boxes: [LabelledBox]

    public static func load(path: String) throws -> GroundTruth {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw KinfinderError.configNotFound(path)
        }
        do {
            return try JSONDecoder().decode(GroundTruth.self, from: data)
        } catch {
            throw KinfinderError.configInvalid(file: path, reason: "\(error)")
        }
    }

    /// The ground-truth file next to a clip: `name.mp4` → `name.gt.json`.
    public static func path(forClip clip: String) -> String {
        let url = URL(fileURLWithPath: clip)
        return url.deletingPathExtension().path + ".gt.json"
    }

    /// Boxes per frame index.
    public var boxesByFrame: [Int: [LabelledBox]] { Dictionary(grouping: boxes, by: \.frame) }
}
