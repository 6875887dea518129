public import Detection

/// Settings of the multi-object tracker.
public struct TrackerConfiguration: Sendable, Hashable {
    /// Detections in a row before a track counts as a person (filters flicker).
    public var hitsToConfirm: Int = 3
    /// How long a track may go unseen (occlusion, a missed detection) before it ends.
    public var maxCoastSeconds: Double = 1.2
    /// A tentative track that misses this long is dropped.
    public var tentativeCoastSeconds: Double = 0.25
    /// Smallest association score (IoU plus closeness) for a detection to continue a track.
    public var minAssociationScore: Float = 0.3
    /// Detection/prediction height ratio outside which they are not associated.
    public var maxHeightRatio: Float = 1.8
    /// Weight of the newest velocity measurement (exponential smoothing).
    public var velocitySmoothing: Float = 0.4

    public init() {}
}

/// One tracked person as the tracker sees it now.
public struct TrackedPerson: Sendable, Hashable {
    public var id: Int
    public var box: Box
    /// Velocity of the box centre in pixels per second.
    public var velocity: SIMD2<Float>
    public var confirmed: Bool
    public var hits: Int
    public var lastSeen: Double
    public var firstSeen: Double
    /// When the detector last looked at the person, found or not (learned detector only).
    public var lastLooked: Double
    /// The network's score of the last detection (1 for motion-only candidates).
    public var score: Float

    public init(
        id: Int, box: Box, velocity: SIMD2<Float>, confirmed: Bool, hits: Int, lastSeen: Double, firstSeen: Double,
        lastLooked: Double? = nil, score: Float = 1
    ) {
        self.id = id
        self.box = box
        self.velocity = velocity
        self.confirmed = confirmed
        self.hits = hits
        self.lastSeen = lastSeen
        self.firstSeen = firstSeen
        self.lastLooked = lastLooked ?? lastSeen
        self.score = score
    }

    /// Speed in body heights per second: scale-free, ≈ 0.7–0.9 for an adult walking.
    public var bodyHeightsPerSecond: Float {
        (velocity * velocity).sum().squareRoot() / max(1, box.height)
    }
}

/// The tracker's answer for one frame.
public struct TrackerUpdate: Sendable {
    /// Track id per detection index (every detection continues or starts a track).
    public var assignments: [Int]
    /// Tracks that ended this frame (confirmed or not).
    public var ended: [TrackedPerson]
}

/// A multi-object tracker: swappable (a re-identifying tracker later).
public protocol PersonTracker {
    /// Takes one frame's detector output; `foreground` is the motion stage's mask, for trackers that
    /// use it between detector rounds.
    mutating func update(_ input: DetectorOutput, foreground: ForegroundView?, time: Double) -> TrackerUpdate
    /// Ends every track (end of stream).
    mutating func endAll() -> [TrackedPerson]
    /// Every live track, confirmed or not.
    var active: [TrackedPerson] { get }
    /// The confirmed tracks to show in the frame just updated.
    var visible: [TrackedPerson] { get }
    /// The tracks as the detector should plan for them at `time`.
    func hints(at time: Double) -> [TrackHint]
}

/// Greedy association by IoU and centre distance against constant-velocity predictions; births
/// from unmatched detections, confirmation after a few hits, deaths after coasting too long
/// (which bridges short occlusions).
/// - Complexity: O(tracks × detections) per frame.
public struct IoUTracker: PersonTracker {
    public let configuration: TrackerConfiguration
    public private(set) var active: [TrackedPerson] = []
    private var nextID = 1
    private var lastUpdate = -Double.infinity

    public init(configuration: TrackerConfiguration = TrackerConfiguration()) {
        self.configuration = configuration
    }

    /// Where a track's box is expected at `time`.
    public static func predict(_ t: TrackedPerson, at time: Double) -> Box {
        let dt = Float(time - t.lastSeen)
        var b = t.box
        b.x += t.velocity.x * dt
        b.y += t.velocity.y * dt
        return b
    }

    /// Association score of a detection to a prediction: IoU plus closeness of centres in units
    /// of the person's height; 0 when implausible.
    public func score(_ predicted: Box, _ detection: Box) -> Float {
        let ratio = max(predicted.height, detection.height) / max(1, min(predicted.height, detection.height))
        guard ratio <= configuration.maxHeightRatio else { return 0 }
        let d = predicted.centre - detection.centre
        let dist = (d * d).sum().squareRoot() / max(1, predicted.height)
        let closeness = max(0, 1 - dist / 0.8)
        return predicted.iou(detection) + 0.5 * closeness
    }

    public var visible: [TrackedPerson] { active.filter { $0.confirmed && $0.lastSeen == lastUpdate } }

    public func hints(at time: Double) -> [TrackHint] {
        active.map { TrackHint(id: $0.id, box: Self.predict($0, at: time), confirmed: $0.confirmed, lastLooked: $0.lastSeen, moving: true) }
    }

    public mutating func update(_ input: DetectorOutput, foreground: ForegroundView?, time: Double) -> TrackerUpdate {
        lastUpdate = time
        return update(detections: input.detections.map(\.box), time: time)
    }

    public mutating func update(detections: [Box], time: Double) -> TrackerUpdate {
        var assignments = [Int](repeating: -1, count: detections.count)
        var pairs: [(score: Float, track: Int, detection: Int)] = []
        for (ti, t) in active.enumerated() {
            let p = Self.predict(t, at: time)
            for (di, d) in detections.enumerated() {
                let s = score(p, d)
                if s >= configuration.minAssociationScore { pairs.append((s, ti, di)) }
            }
        }
        pairs.sort { $0.score > $1.score }
        var trackUsed = [Bool](repeating: false, count: active.count)
        for pair in pairs where !trackUsed[pair.track] && assignments[pair.detection] < 0 {
            trackUsed[pair.track] = true
            var t = active[pair.track]
            let d = detections[pair.detection]
            let dt = Float(max(1e-3, time - t.lastSeen))
            let measured = (d.centre - t.box.centre) / dt
            let a = t.hits == 1 ? 1 : configuration.velocitySmoothing
            t.velocity = t.velocity * (1 - a) + measured * a
            t.box = d
            t.hits += 1
            t.lastSeen = time
            if t.hits >= configuration.hitsToConfirm { t.confirmed = true }
            active[pair.track] = t
            assignments[pair.detection] = t.id
        }
        // Ends: tracks that coasted too long.
        var ended: [TrackedPerson] = []
        var kept: [TrackedPerson] = []
        for (i, t) in active.enumerated() {
            let limit = t.confirmed ? configuration.maxCoastSeconds : configuration.tentativeCoastSeconds
            if !trackUsed[i] && time - t.lastSeen > limit {
                ended.append(t)
            } else {
                kept.append(t)
            }
        }
        active = kept
        // Births.
        for (di, d) in detections.enumerated() where assignments[di] < 0 {
            let t = TrackedPerson(
                id: nextID, box: d, velocity: .zero, confirmed: configuration.hitsToConfirm <= 1, hits: 1,
                lastSeen: time, firstSeen: time)
            nextID += 1
            active.append(t)
            assignments[di] = t.id
        }
        return TrackerUpdate(assignments: assignments, ended: ended)
    }

    public mutating func endAll() -> [TrackedPerson] {
        defer { active = [] }
        return active
    }
}
