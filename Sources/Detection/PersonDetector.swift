/// A person candidate in one frame, in working-frame pixels.
public struct Detection: Sendable, Hashable {
    public var box: Box
    /// The network's confidence (0…1); 1 for a motion-only candidate.
    public var score: Float
    /// Only part of the person may be in the box (cut by a crop's edge).
    public var truncated: Bool

    public init(box: Box, score: Float = 1, truncated: Bool = false) {
        self.box = box
        self.score = score
        self.truncated = truncated
    }
}

/// What the detector needs to know of a tracked person to decide where to look.
public struct TrackHint: Sendable, Hashable {
    public var id: Int
    /// Where the tracker expects the person now.
    public var box: Box
    public var confirmed: Bool
    /// When the network last looked at the person (found or not), in stream seconds.
    public var lastLooked: Double
    /// Moving rather than standing still.
    public var moving: Bool

    public init(id: Int, box: Box, confirmed: Bool, lastLooked: Double, moving: Bool) {
        self.id = id
        self.box = box
        self.confirmed = confirmed
        self.lastLooked = lastLooked
        self.moving = moving
    }
}

/// What the detection stage found in one frame.
public struct DetectorOutput: Sendable {
    /// Person candidates; empty between the learned detector's rounds.
    public var detections: [Detection]
    /// True when `detections` is a fresh look at `looked`: a tracked person inside a looked-at region
    /// without a detection was missed there. False between rounds (nothing was looked at).
    public var isRound: Bool
    /// Regions looked at this frame (working-frame pixels).
    public var looked: [Box]
    /// Regions of motion this frame (working-frame pixels), whatever their shape.
    public var motion: [Box]
    /// Tracks the round looked at (their predicted boxes were inside a crop).
    public var lookedAtTracks: Set<Int>
    /// Crops the network ran on this frame.
    public var crops: [Box]

    public init(
        detections: [Detection], isRound: Bool, looked: [Box], motion: [Box], lookedAtTracks: Set<Int> = [], crops: [Box] = []
    ) {
        self.detections = detections
        self.isRound = isRound
        self.looked = looked
        self.motion = motion
        self.lookedAtTracks = lookedAtTracks
        self.crops = crops
    }
}

/// Cost counters of the learned detector.
public struct NetworkStatistics: Sendable, Hashable {
    /// Crops the network ran on, and the rounds they were grouped in.
    public var crops = 0
    public var rounds = 0
    /// Nanoseconds spent resampling crops, running the network and decoding.
    public var nanoseconds: Int64 = 0

    public init() {}
}

/// Turns frames into person candidates. Two implementations: ``MotionDetector`` (moving blobs
/// only, no model) and ``LearnedPersonDetector`` (the motion stage deciding where a person network
/// looks). Swappable: a stronger detector can take their place.
public protocol PersonDetector {
    /// Candidates for the frame at `time`; `tracks` are the tracker's predictions for that time.
    mutating func detect(_ frame: PlanarFrame, time: Double, tracks: [TrackHint]) throws -> DetectorOutput
    /// The foreground mask of the last frame at chroma resolution (0/255).
    var foregroundMask: [UInt8] { get }
    /// The cleaned mask blobs were cut from in the last frame, for inspection.
    var detectionMask: [UInt8] { get }
    var maskSize: (width: Int, height: Int) { get }
    /// The last frame's luma at mask resolution.
    var halfLuma: [UInt8] { get }
    /// The background's colour at mask resolution (Y, U, V); `nil` before the first frame.
    var background: (y: [UInt8], u: [UInt8], v: [UInt8])? { get }
    /// The boxes of people who should not fade into the background (see ``MotionStage/protect(_:)``).
    mutating func protect(_ boxes: [Box])
    var networkStatistics: NetworkStatistics { get }
    /// How tall a person appears at each row, once the camera has learnt it (sizes the crops).
    var perspective: PerspectiveLine? { get set }
}

/// Motion only: the motion stage's person-shaped blobs, every frame. Needs no model or runtime;
/// merges people side by side and loses people who stand still (see docs/background-model.md).
public struct MotionDetector<Model: BackgroundModel>: PersonDetector {
    public private(set) var stage: MotionStage<Model>
    /// Not used: the motion stage needs no sizes.
    public var perspective: PerspectiveLine?

    public init(stage: MotionStage<Model>) {
        self.stage = stage
    }

    public mutating func detect(_ frame: PlanarFrame, time: Double, tracks: [TrackHint]) throws -> DetectorOutput {
        let boxes = stage.detect(y: frame.y, u: frame.u, v: frame.v, time: time)
        return DetectorOutput(
            detections: boxes.map { Detection(box: $0) }, isRound: true,
            looked: [Box(x: 0, y: 0, width: Float(frame.width), height: Float(frame.height))], motion: stage.regions)
    }

    public var foregroundMask: [UInt8] { stage.foregroundMask }
    public var detectionMask: [UInt8] { stage.detectionMask }
    public var maskSize: (width: Int, height: Int) { stage.maskSize }
    public var halfLuma: [UInt8] { stage.lumaSmall }
    public var background: (y: [UInt8], u: [UInt8], v: [UInt8])? { stage.background }
    public mutating func protect(_ boxes: [Box]) { stage.protect(boxes) }
    public var networkStatistics: NetworkStatistics { NetworkStatistics() }
}
