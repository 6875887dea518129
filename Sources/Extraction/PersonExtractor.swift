public import Detection
public import Tracking
public import Description

/// All settings of the extraction stage for one camera.
public struct ExtractorConfiguration: Sendable, Hashable {
    public var background = BackgroundConfiguration()
    public var detection = DetectionConfiguration()
    public var tracker = TrackerConfiguration()
    public var colour = ColourSampling()
    /// Detections a track needs before its descriptor is worth matching or storing.
    public var minimumObservations = 6
    /// Below this speed (body heights per second) a person counts as standing still.
    public var loiterSpeed: Float = 0.15
    /// Boxes overlapping another detection by more than this IoU give no colour samples (the
    /// colours would be a mix of two people).
    public var overlapForColour: Float = 0.02
    /// Only people whose feet are inside this box (working-frame pixels) are tracked; `nil` for the
    /// whole frame. Cameras that also see a road or a private yard leave those out.
    public var regionOfInterest: Box?

    public init() {}
}

/// Time spent per stage, summed over frames, in nanoseconds.
public struct StageTimings: Sendable, Hashable {
    public var detect: Int64 = 0
    public var track: Int64 = 0
    public var describe: Int64 = 0
    public var frames = 0

    public init() {}
}

/// What one frame produced.
public struct FrameAnalysis: Sendable {
    public var time: Double
    public var detections: [Box]
    /// Confirmed tracks seen in this frame, with their boxes (tracks coasting through an
    /// occlusion are alive but not listed).
    public var tracks: [TrackedPerson]
    /// Descriptors of confirmed tracks that ended this frame (with enough observations).
    public var ended: [TrackDescriptor]
    /// Tracks whose best view improved in this frame, with that box: the caller may keep a crop.
    public var improvedViews: [TrackView]
}

/// A track id with a box.
public struct TrackView: Sendable, Hashable {
    public var id: Int
    public var box: Box

    public init(id: Int, box: Box) {
        self.id = id
        self.box = box
    }
}

/// The extraction stage of one camera: background model → person candidates → tracker →
/// per-track descriptor. Pure Swift, no I/O. Not thread-safe: one camera pipeline owns one.
public final class PersonExtractor {
    public let width: Int
    public let height: Int
    public let configuration: ExtractorConfiguration
    public private(set) var timings = StageTimings()
    public private(set) var heightModel = PerspectiveHeightModel()
    private var detector: any PersonDetector
    private var tracker: any PersonTracker
    private let sampler: ColourSampler
    private var accumulators: [Int: TrackAccumulator] = [:]

    /// `colourTable` is the 32,768-entry YUV → colour-name table of the colour-name model.
    public init(width: Int, height: Int, colourTable: [UInt8], configuration: ExtractorConfiguration = ExtractorConfiguration()) {
        self.width = width
        self.height = height
        self.configuration = configuration
        let background = SigmaDeltaBackground(width: width / 2, height: height / 2, configuration: configuration.background)
        detector = ForegroundBlobDetector(width: width, height: height, background: background, configuration: configuration.detection)
        tracker = IoUTracker(configuration: configuration.tracker)
        sampler = ColourSampler(table: colourTable, regions: configuration.colour)
    }

    /// The foreground mask of the last frame (half size), for display and tests.
    public var foregroundMask: (mask: [UInt8], width: Int, height: Int) {
        (detector.foregroundMask, detector.maskSize.width, detector.maskSize.height)
    }

    /// The cleaned mask blobs were cut from in the last frame (half size), for inspection.
    public var detectionMask: (mask: [UInt8], width: Int, height: Int) {
        (detector.detectionMask, detector.maskSize.width, detector.maskSize.height)
    }

    /// Analyses one frame (planes tightly packed, 4:2:0) taken at `time` seconds.
    public func process(y: [UInt8], u: [UInt8], v: [UInt8], time: Double) -> FrameAnalysis {
        let clock = ContinuousClock()
        let t0 = clock.now
        var detections = detector.detect(y: y, u: u, v: v, time: time)
        if let roi = configuration.regionOfInterest {
            detections.removeAll { d in
                let f = d.foot
                return f.x < roi.x || f.x > roi.maxX || f.y < roi.y || f.y > roi.maxY
            }
        }
        let t1 = clock.now
        let update = tracker.update(detections: detections, time: time)
        let t2 = clock.now

        var improved: [TrackView] = []
        let mask = detector.foregroundMask
        let maskWidth = detector.maskSize.width
        let background = detector.background
        let active = Dictionary(uniqueKeysWithValues: tracker.active.map { ($0.id, $0) })
        for (di, box) in detections.enumerated() {
            let id = update.assignments[di]
            guard let person = active[id] else { continue }
            var acc = accumulators[id] ?? TrackAccumulator(id: id, box: box, time: time)
            let dt = time - acc.lastSeen
            acc.lastSeen = time
            acc.observations += 1
            acc.lastFoot = box.foot
            acc.lastVelocity = person.velocity
            let clipped = box.x <= 1 || box.y <= 1 || box.maxX >= Float(width - 1) || box.maxY >= Float(height - 1)
            let overlaps = detections.enumerated().contains { j, other in j != di && other.iou(box) > configuration.overlapForColour }
            if !clipped {
                acc.heights.append(box.height)
                if person.confirmed, !overlaps, time - acc.lastHeightSample >= 0.2 {
                    heightModel.add(footY: box.maxY, height: box.height, track: id)
                    acc.lastHeightSample = time
                }
                acc.footHeights.append(SIMD2(box.maxY, box.height))
            }
            if person.hits > 1 {
                let speed = person.bodyHeightsPerSecond
                acc.speeds.append(speed)
                if speed < configuration.loiterSpeed { acc.loiterSeconds += max(0, dt) }
            }
            if !overlaps {
                acc.add(sampler.sample(
                    box, y: y, u: u, v: v, width: width, height: height, mask: mask, maskWidth: maskWidth,
                    background: background))
                // The best view is the largest upright box that is not much taller than the track's
                // usual height (once it has one): not a box swollen by a shadow, nor one merged with
                // a taller passer-by.
                let typical = acc.heights.values.count >= 5 ? acc.heights.median : nil
                let plausible = box.width <= 0.6 * box.height && (typical.map { box.height <= 1.25 * $0 } ?? true)
                if !clipped && plausible && box.area > acc.bestArea {
                    acc.bestArea = box.area
                    acc.bestBox = box
                    acc.bestTime = time
                    improved.append(TrackView(id: id, box: box))
                }
            }
            accumulators[id] = acc
        }
        // People who walked in and stopped are protected from fading into the background. Walkers
        // need no protection (they move on before they fade), and protecting them would keep alive
        // the ghost of where they stood in the first frame; ghosts themselves never walked in.
        detector.protect(tracker.active.compactMap { t in
            guard t.confirmed, let acc = accumulators[t.id] else { return nil }
            let d = acc.lastFoot - acc.firstFoot
            let walkedIn = (d * d).sum() > 0.25 * t.box.height * t.box.height
            return walkedIn && t.bodyHeightsPerSecond < configuration.loiterSpeed ? t.box : nil
        })
        var ended: [TrackDescriptor] = []
        for t in update.ended {
            if let d = finish(t) { ended.append(d) }
        }
        let t3 = clock.now
        timings.detect += Self.nanoseconds(t1 - t0)
        timings.track += Self.nanoseconds(t2 - t1)
        timings.describe += Self.nanoseconds(t3 - t2)
        timings.frames += 1
        return FrameAnalysis(
            time: time, detections: detections, tracks: tracker.active.filter { $0.confirmed && $0.lastSeen == time }, ended: ended,
            improvedViews: improved)
    }

    /// The current descriptor of a live confirmed track with enough observations, for live matching.
    public func descriptor(ofTrack id: Int) -> TrackDescriptor? {
        guard let acc = accumulators[id], acc.observations >= configuration.minimumObservations,
            tracker.active.contains(where: { $0.id == id && $0.confirmed })
        else { return nil }
        return acc.descriptor(frameHeight: height, heights: heightModel)
    }

    /// Ends every track (end of the clip or stream) and returns the descriptors worth keeping.
    public func finishAll() -> [TrackDescriptor] {
        tracker.endAll().compactMap { finish($0) }
    }

    private func finish(_ t: TrackedPerson) -> TrackDescriptor? {
        guard let acc = accumulators.removeValue(forKey: t.id) else { return nil }
        guard t.confirmed, acc.observations >= configuration.minimumObservations else { return nil }
        return acc.descriptor(frameHeight: height, heights: heightModel)
    }

    private static func nanoseconds(_ d: Duration) -> Int64 {
        let c = d.components
        return c.seconds * 1_000_000_000 + c.attoseconds / 1_000_000_000
    }
}
