public import Detection
public import Tracking
public import Description

/// Which detector a camera uses.
public enum DetectorKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// The motion stage decides where a person network looks (needs the model and ONNX Runtime).
    case learned
    /// Moving blobs only: no model, no runtime; merges people side by side, loses still people.
    case motion
}

/// All settings of the extraction stage for one camera.
public struct ExtractorConfiguration: Sendable, Hashable {
    public var background = BackgroundConfiguration()
    public var motion = MotionConfiguration()
    public var learned = LearnedDetectorConfiguration()
    /// The tracker of the motion-only detector.
    public var tracker = TrackerConfiguration()
    /// The tracker of the learned detector.
    public var detectionTracker = DetectionTrackerConfiguration()
    public var colour = ColourSampling()
    /// Exposure and colour cast taken off before pixels are named.
    public var light = SceneLightConfiguration()
    /// Detections a track needs before its descriptor is worth matching or storing: motion-only
    /// candidates come every frame, network boxes a few times a second.
    public var minimumObservations = 6
    public var minimumNetworkObservations = 3
    /// Below this speed (body heights per second) a person counts as standing still.
    public var loiterSpeed: Float = 0.15
    /// Motion detector: boxes overlapping another detection by more than this IoU give no colour
    /// samples (the colours would be a mix of two people).
    public var overlapForColour: Float = 0.02
    /// Learned detector: a box overlapping another by more than this IoU gives no colour samples;
    /// below it, the parts hidden by people in front are left out and the rest is read.
    public var mixedForColour: Float = 0.4
    /// Network boxes below this score add no sample to the camera's perspective model.
    public var heightSampleScore: Float = 0.5
    /// Only people whose feet are inside this box (working-frame pixels) are tracked; `nil` for the
    /// whole frame. Cameras that also see a road or a private yard leave those out.
    public var regionOfInterest: Box?

    public init() {}
}

/// Time spent per stage, summed over frames, in nanoseconds; and the network's work.
public struct StageTimings: Sendable, Hashable, Codable {
    /// The motion stage and crop planning (the network's time is apart, in `network`).
    public var detect: Int64 = 0
    public var network: Int64 = 0
    public var track: Int64 = 0
    public var describe: Int64 = 0
    public var frames = 0
    /// Crops the network ran on, and in how many rounds.
    public var crops = 0
    public var rounds = 0

    public init() {}
}

/// What one frame produced.
public struct FrameAnalysis: Sendable {
    public var time: Double
    /// The detector's candidates (motion blobs every frame, or a network round's boxes).
    public var detections: [Box]
    /// Crops the network ran on in this frame (empty between rounds and for the motion detector).
    public var crops: [Box]
    /// Confirmed tracks shown in this frame, with their boxes.
    public var tracks: [TrackedPerson]
    /// Descriptors of confirmed tracks that ended this frame (with enough observations).
    public var ended: [TrackDescriptor]
    /// Tracks whose best view improved in this frame, with that box: the caller may keep a crop.
    public var improvedViews: [TrackView]
}

/// A track id with a box.
public struct TrackView: Sendable, Hashable, Codable {
    public var id: Int
    public var box: Box

    public init(id: Int, box: Box) {
        self.id = id
        self.box = box
    }
}

/// The extraction stage of one camera: detector → tracker → per-track descriptor. Pure Swift, no
/// I/O (the network's model is loaded by whoever makes it). Not thread-safe: one camera pipeline
/// owns one.
public final class PersonExtractor {
    public let width: Int
    public let height: Int
    public let configuration: ExtractorConfiguration
    public private(set) var timings = StageTimings()
    public private(set) var heightModel = PerspectiveHeightModel()
    private var detector: any PersonDetector
    private var tracker: any PersonTracker
    private var sampler: ColourSampler
    private var sceneLight: SceneLightEstimator
    private var accumulators: [Int: TrackAccumulator] = [:]
    private let learned: Bool
    /// Which detector this extractor runs.
    public var kind: DetectorKind { learned ? .learned : .motion }

    /// The motion-only extractor. `colourTable` is the 32,768-entry YUV → colour-name table of the
    /// colour-name model.
    public init(width: Int, height: Int, colourTable: [UInt8], configuration: ExtractorConfiguration = ExtractorConfiguration()) {
        self.width = width
        self.height = height
        let c = configuration
        self.configuration = c
        detector = MotionDetector(stage: Self.stage(width: width, height: height, c))
        tracker = IoUTracker(configuration: c.tracker)
        sampler = ColourSampler(table: colourTable, regions: c.colour)
        sceneLight = SceneLightEstimator(configuration: c.light)
        learned = false
    }

    /// The learned extractor: `network` finds people in the crops the motion stage points at.
    public init<Network: PersonNetwork>(
        width: Int, height: Int, colourTable: [UInt8], network: Network, configuration: ExtractorConfiguration = ExtractorConfiguration()
    ) {
        self.width = width
        self.height = height
        let c = configuration
        self.configuration = c
        detector = LearnedPersonDetector(stage: Self.stage(width: width, height: height, c), network: network, configuration: c.learned)
        tracker = DetectionTracker(width: width, height: height, configuration: c.detectionTracker)
        sampler = ColourSampler(table: colourTable, regions: c.colour)
        sceneLight = SceneLightEstimator(configuration: c.light)
        learned = true
    }

    private static func stage(width: Int, height: Int, _ c: ExtractorConfiguration) -> MotionStage<SigmaDeltaBackground> {
        let background = SigmaDeltaBackground(width: width / 2, height: height / 2, configuration: c.background)
        return MotionStage(width: width, height: height, background: background, configuration: c.motion)
    }

    /// The foreground mask of the last frame (half size), for display and tests.
    public var foregroundMask: (mask: [UInt8], width: Int, height: Int) {
        (detector.foregroundMask, detector.maskSize.width, detector.maskSize.height)
    }

    /// The cleaned mask blobs were cut from in the last frame (half size), for inspection.
    public var detectionMask: (mask: [UInt8], width: Int, height: Int) {
        (detector.detectionMask, detector.maskSize.width, detector.maskSize.height)
    }

    private func insideRegion(_ b: Box) -> Bool {
        guard let roi = configuration.regionOfInterest else { return true }
        let f = b.foot
        return f.x >= roi.x && f.x <= roi.maxX && f.y >= roi.y && f.y <= roi.maxY
    }

    /// Analyses one frame (planes tightly packed, 4:2:0) taken at `time` seconds. Throws only when the
    /// person network fails to run.
    public func process(y: [UInt8], u: [UInt8], v: [UInt8], time: Double) throws -> FrameAnalysis {
        let clock = ContinuousClock()
        let t0 = clock.now
        if learned, let fit = heightModel.coefficients {
            detector.perspective = PerspectiveLine(a: fit.a, b: fit.b)
        }
        let frame = PlanarFrame(y: y, u: u, v: v, width: width, height: height)
        let networkBefore = detector.networkStatistics
        var output = try detector.detect(frame, time: time, tracks: tracker.hints(at: time))
        let networkAfter = detector.networkStatistics
        if configuration.regionOfInterest != nil {
            output.detections.removeAll { !insideRegion($0.box) }
        }
        let t1 = clock.now
        let mask = detector.foregroundMask
        let maskWidth = detector.maskSize.width
        let update = tracker.update(
            output, foreground: ForegroundView(mask: mask, luma: detector.halfLuma, width: maskWidth, height: detector.maskSize.height),
            time: time)
        let t2 = clock.now

        var improved: [TrackView] = []
        let background = detector.background
        if let b = background, sceneLight.update(y: b.y, u: b.u, v: b.v, time: time) {
            sampler.light = sceneLight.light
        }
        let active = Dictionary(uniqueKeysWithValues: tracker.active.map { ($0.id, $0) })
        let detections = output.detections
        for (di, detection) in detections.enumerated() {
            let box = detection.box
            let id = update.assignments[di]
            guard let person = active[id] else { continue }
            var acc = accumulators[id] ?? TrackAccumulator(id: id, box: box, time: time)
            let dt = time - acc.lastSeen
            acc.lastSeen = time
            acc.observations += 1
            acc.lastFoot = box.foot
            acc.lastVelocity = person.velocity
            let clipped = box.x <= 1 || box.y <= 1 || box.maxX >= Float(width - 1) || box.maxY >= Float(height - 1)
            let overlaps = detections.enumerated().contains { j, other in j != di && other.box.iou(box) > configuration.overlapForColour }
            // Learned detector: whole-body boxes overlap often in a crowd. People in front (their
            // feet lower in the picture) hide part of this one; the rest is still theirs to read,
            // unless the two are mostly one box.
            let inFront = learned ? detections.enumerated().filter { j, other in
                j != di && other.box.intersection(box) > 0 && other.box.maxY > box.maxY
            }.map(\.element.box) : []
            let mixed = learned ? detections.enumerated().contains { j, other in j != di && other.box.iou(box) > configuration.mixedForColour } : overlaps
            let whole = !clipped && !detection.truncated
            if whole {
                acc.heights.append(box.height)
                if person.confirmed, !overlaps, detection.score >= (learned ? configuration.heightSampleScore : 0),
                    time - acc.lastHeightSample >= 0.2
                {
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
            if !mixed && !detection.truncated {
                acc.add(sampler.sample(
                    box, y: y, u: u, v: v, width: width, height: height, mask: mask, maskWidth: maskWidth,
                    background: background, withoutMotion: learned, hidden: inFront))
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
        detector.protect(protectedBoxes())
        var ended: [TrackDescriptor] = []
        for t in update.ended {
            if let d = finish(t) { ended.append(d) }
        }
        let t3 = clock.now
        let network = networkAfter.nanoseconds - networkBefore.nanoseconds
        timings.detect += Self.nanoseconds(t1 - t0) - network
        timings.network += network
        timings.crops += networkAfter.crops - networkBefore.crops
        timings.rounds += networkAfter.rounds - networkBefore.rounds
        timings.track += Self.nanoseconds(t2 - t1)
        timings.describe += Self.nanoseconds(t3 - t2)
        timings.frames += 1
        return FrameAnalysis(
            time: time, detections: detections.map(\.box), crops: output.crops,
            tracks: tracker.visible.filter { insideRegion($0.box) }, ended: ended, improvedViews: improved)
    }

    /// People whose pixels should adapt slowly into the background: with the motion detector, those
    /// who walked in and stopped (walkers need no protection, and protecting them would keep alive
    /// the ghost of where they stood in the first frame; ghosts themselves never walked in). With the
    /// learned detector, everyone the network confirmed who stands still: ghosts are never confirmed.
    private func protectedBoxes() -> [Box] {
        tracker.active.compactMap { t in
            guard t.confirmed, t.bodyHeightsPerSecond < configuration.loiterSpeed else { return nil }
            if learned { return t.box }
            guard let acc = accumulators[t.id] else { return nil }
            let d = acc.lastFoot - acc.firstFoot
            return (d * d).sum() > 0.25 * t.box.height * t.box.height ? t.box : nil
        }
    }

    private var observationsNeeded: Int { learned ? configuration.minimumNetworkObservations : configuration.minimumObservations }

    /// The current descriptor of a live confirmed track with enough observations, for live matching.
    public func descriptor(ofTrack id: Int) -> TrackDescriptor? {
        guard let acc = accumulators[id], acc.observations >= observationsNeeded,
            tracker.active.contains(where: { $0.id == id && $0.confirmed })
        else { return nil }
        return acc.descriptor(frameHeight: height, heights: heightModel)
    }

    /// Whether the tracker still follows this track (shown or not).
    public func isTracking(_ id: Int) -> Bool {
        tracker.active.contains { $0.id == id }
    }

    /// Ends every track (end of the clip or stream) and returns the descriptors worth keeping.
    public func finishAll() -> [TrackDescriptor] {
        tracker.endAll().compactMap { finish($0) }
    }

    private func finish(_ t: TrackedPerson) -> TrackDescriptor? {
        guard let acc = accumulators.removeValue(forKey: t.id) else { return nil }
        guard t.confirmed, acc.observations >= observationsNeeded else { return nil }
        return acc.descriptor(frameHeight: height, heights: heightModel)
    }

    private static func nanoseconds(_ d: Duration) -> Int64 {
        let c = d.components
        return c.seconds * 1_000_000_000 + c.attoseconds / 1_000_000_000
    }
}
