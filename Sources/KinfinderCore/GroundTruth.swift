import Foundation
public import Detection
public import Behaviour

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
    /// Boxes are given on every `sampling`-th frame (0, n, 2n, …); 1 when absent (every frame).
    public var sampling: Int?
    /// When present, only people whose feet are inside `[x, y, w, h]` (source pixels) are annotated;
    /// tracked boxes outside it are ignored when scoring.
    public var region: [Float]?

    /// A danger zone of the clip's camera, for the behaviour rules: corners in fractions of the frame.
    public struct Zone: Sendable, Decodable {
        public var name: String
        public var polygon: [[Float]]
        public var dwellSeconds: Double?
        public var childAtOnce: Bool?

        public func zone() throws -> DangerZone {
            guard polygon.allSatisfy({ $0.count == 2 }) else { throw BehaviourConfigurationError.zone(name, "corners must be [x, y] pairs") }
            return try DangerZone(
                name: name, polygon: polygon.map { SIMD2($0[0], $0[1]) }, dwellSeconds: dwellSeconds ?? 3, childAtOnce: childAtOnce ?? true)
        }
    }

    /// The camera's danger zones, if the clip has any.
    public var zones: [Zone]?
    /// Behaviours that happen in the clip (scripted or seen), for scoring alerts. A clip with none
    /// listed counts every alert as false.
    public var events: [BehaviourEvent]?

    /// The behaviour rules as a camera of this clip runs them: the defaults, with the clip's zones.
    public func behaviourConfiguration() throws -> BehaviourConfiguration {
        var c = BehaviourConfiguration()
        c.zones = try (zones ?? []).map { try $0.zone() }
        return c
    }

    /// Every labelled box by frame and person.
    public func boxesByFrame() -> [Int: [Int: Box]] {
        var out: [Int: [Int: Box]] = [:]
        for b in boxes { out[b.frame, default: [:]][b.id] = b.box }
        return out
    }

    /// The frames whose boxes are complete: every `sampling`-th frame of the clip.
    public var annotatedFrames: Set<Int> { Set(stride(from: 0, to: frames, by: max(1, sampling ?? 1))) }

    /// Whether a box's feet are inside the annotated region (always true without one).
    public func inRegion(_ b: Box) -> Bool {
        guard let r = region, r.count == 4 else { return true }
        let f = b.foot
        return f.x >= r[0] && f.x <= r[0] + r[2] && f.y >= r[1] && f.y <= r[1] + r[3]
    }

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

    /// The ground truth of a clip: beside it, else in `Benchmarks/groundtruth/` of the working
    /// directory (the real clips live outside the repository).
    public static func locate(forClip clip: String) -> String {
        let beside = path(forClip: clip)
        if FileManager.default.fileExists(atPath: beside) { return beside }
        let name = URL(fileURLWithPath: beside).lastPathComponent
        let bench = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            .appendingPathComponent("Benchmarks/groundtruth").appendingPathComponent(name).path
        return FileManager.default.fileExists(atPath: bench) ? bench : beside
    }
}
