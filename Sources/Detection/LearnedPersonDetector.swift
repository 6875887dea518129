/// Settings of the learned detector: when, where and how often the person network looks.
///
/// The network costs about 27 ms of one core per crop on the reference machine (2-core EPYC, ONNX
/// Runtime 1.32, one thread), two orders of magnitude more than the motion stage, so it runs on a
/// budget: `cropsPerSecond` of video on average, spent each round on what matters most.
public struct LearnedDetectorConfiguration: Sendable, Hashable {
    /// Most network rounds per second of video (a round runs on one analysed frame).
    public var roundsPerSecond: Double = 5
    /// Crops the network runs per second of video, on average, in an empty scene…
    public var cropsPerSecond: Double = 3
    /// …plus this many for each tracked person (a crowd needs more looks to follow)…
    public var cropsPerTrackedPerson: Double = 0.15
    /// …up to this.
    public var maximumCropsPerSecond: Double = 8
    /// Most crops in one round; unspent budget is saved up to this.
    public var maximumCropsPerRound = 3
    /// A tracked person is looked at again after this many seconds when moving…
    public var movingRecheck: Double = 0.6
    /// …and when standing still (still people change little, but must not be lost).
    public var stillRecheck: Double = 2
    /// A full sweep of overlapping tiles over the frame takes this long, one tile at a time: it
    /// finds people who were there before the camera started and never moved.
    public var sweepPeriod: Double = 8
    /// Motion where the network found nobody is not looked at again for this long (trees in the
    /// wind, flickering light).
    public var emptyCooldown: Double = 1.5
    /// Network boxes below this score are dropped (the tracker keeps people it follows on boxes this
    /// weak; only stronger ones start a track).
    public var minimumScore: Float = 0.2
    /// Boxes from different crops overlapping more than this IoU, or with this share of the smaller
    /// inside the larger, are one person.
    public var fusionIoU: Float = 0.5
    public var fusionContainment: Float = 0.8
    /// Motion regions smaller than this (working pixels tall) are not worth a look.
    public var minimumMotionHeight: Float = 8
    public var planner = CropPlannerConfiguration()

    public init() {}
}

/// A straight-line perspective model, `height = a·footY + b` (working pixels), for how tall a
/// person standing at a row appears; from the camera's ``PerspectiveHeightModel`` when it has one.
public struct PerspectiveLine: Sendable, Hashable {
    public var a: Float
    public var b: Float

    public init(a: Float, b: Float) {
        self.a = a
        self.b = b
    }

    public func height(footY: Float) -> Float { a * footY + b }
}

/// The learned detector: the SIMD motion stage runs on every analysed frame; a person network runs,
/// a few times a second, on crops chosen by a planner — regions of motion not yet explained by a
/// tracked person, tracked people due for another look (moving ones often, still ones now and then,
/// so nobody fades), and one tile of a slow sweep over the whole frame — and the boxes of all crops
/// are joined by non-maximum suppression.
/// - Complexity: per frame O(pixels) for the motion stage; per round O(crops) network runs.
public struct LearnedPersonDetector<Model: BackgroundModel, Network: PersonNetwork>: PersonDetector {
    public private(set) var stage: MotionStage<Model>
    public private(set) var network: Network
    public let configuration: LearnedDetectorConfiguration
    public let planner: CropPlanner
    public private(set) var networkStatistics = NetworkStatistics()
    /// The perspective model to size crops with; updated by the caller as the camera learns it.
    public var perspective: PerspectiveLine?

    private let tiles: [Box]
    private var nextTile = 0
    private var lastTileTime = -Double.infinity
    private var lastRound = -Double.infinity
    private var lastFrameTime: Double?
    private var credit: Double
    private var cooldown: CooldownGrid

    public init(stage: MotionStage<Model>, network: Network, configuration: LearnedDetectorConfiguration = LearnedDetectorConfiguration()) {
        self.stage = stage
        self.network = network
        self.configuration = configuration
        planner = CropPlanner(width: stage.width, height: stage.height, configuration: configuration.planner)
        tiles = planner.sweepTiles()
        credit = Double(configuration.maximumCropsPerRound)
        cooldown = CooldownGrid(width: stage.width, height: stage.height, cell: 32)
    }

    public var foregroundMask: [UInt8] { stage.foregroundMask }
    public var detectionMask: [UInt8] { stage.detectionMask }
    public var maskSize: (width: Int, height: Int) { stage.maskSize }
    public var halfLuma: [UInt8] { stage.lumaSmall }
    public var background: (y: [UInt8], u: [UInt8], v: [UInt8])? { stage.background }
    public mutating func protect(_ boxes: [Box]) { stage.protect(boxes) }

    /// Tags of interests that are not tracks.
    private static var motionTag: Int { -1 }
    private static var sweepTag: Int { -2 }

    public mutating func detect(_ frame: PlanarFrame, time: Double, tracks: [TrackHint]) throws -> DetectorOutput {
        _ = stage.detect(y: frame.y, u: frame.u, v: frame.v, time: time)
        let motion = stage.regions
        let dt = lastFrameTime.map { max(0, min(1, time - $0)) } ?? 0
        lastFrameTime = time
        credit = min(Double(configuration.maximumCropsPerRound), credit + budget(tracking: tracks.count) * dt)
        let interval = 1 / max(0.1, configuration.roundsPerSecond)
        guard time - lastRound >= interval * 0.95, credit >= 1 else {
            return DetectorOutput(detections: [], isRound: false, looked: [], motion: motion)
        }
        let interests = interests(motion: motion, tracks: tracks, time: time)
        guard !interests.isEmpty else {
            return DetectorOutput(detections: [], isRound: false, looked: [], motion: motion)
        }
        let plan = planner.plan(interests, budget: Int(credit))
        guard !plan.crops.isEmpty else {
            return DetectorOutput(detections: [], isRound: false, looked: [], motion: motion)
        }
        lastRound = time
        credit -= Double(plan.crops.count)
        if plan.covered.contains(Self.sweepTag) {
            nextTile = (nextTile + 1) % max(1, tiles.count)
            lastTileTime = time
        }
        let clock = ContinuousClock()
        let started = clock.now
        let perCrop = try network.detect(frame, crops: plan.crops, minimumScore: configuration.minimumScore)
        let elapsed = clock.now - started
        networkStatistics.crops += plan.crops.count
        networkStatistics.rounds += 1
        networkStatistics.nanoseconds += elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
        let detections = fuse(perCrop.flatMap { $0 })
        learnHeights(detections)
        // Motion the network looked at and found nobody in rests for a while.
        for it in interests where it.tag == Self.motionTag && plan.crops.contains(where: { $0.contains(it.box) }) {
            if !detections.contains(where: { $0.box.intersection(it.box) > 0.3 * it.box.area }) {
                cooldown.rest(it.box, until: time + configuration.emptyCooldown)
            }
        }
        var looked = Set<Int>()
        for t in tracks where plan.crops.contains(where: { $0.intersection(t.box) >= 0.85 * t.box.area }) {
            looked.insert(t.id)
        }
        return DetectorOutput(
            detections: detections, isRound: true, looked: plan.crops, motion: motion, lookedAtTracks: looked, crops: plan.crops)
    }

    /// Crops per second of video while `people` are tracked: busier scenes get more looks, up to the
    /// maximum.
    public func budget(tracking people: Int) -> Double {
        min(
            max(configuration.cropsPerSecond, configuration.maximumCropsPerSecond),
            configuration.cropsPerSecond + configuration.cropsPerTrackedPerson * Double(people))
    }

    /// What this round should look at, most important first: tentative tracks (to confirm or drop
    /// them), motion no track explains (someone new), tracks due for another look (the longer
    /// overdue, the more urgent), and the sweep's next tile.
    func interests(motion: [Box], tracks: [TrackHint], time: Double) -> [CropInterest] {
        var out: [CropInterest] = []
        for t in tracks {
            let since = time - t.lastLooked
            let height = t.box.height
            if !t.confirmed {
                out.append(CropInterest(box: t.box, personHeight: height, priority: 5, tag: t.id))
                continue
            }
            let due = t.moving ? configuration.movingRecheck : configuration.stillRecheck
            guard since >= due else { continue }
            out.append(CropInterest(box: t.box, personHeight: height, priority: 3 + Float(min(2, since / due - 1)), tag: t.id))
        }
        for r in motion where r.height >= configuration.minimumMotionHeight {
            // Explained when tracked people cover most of it (a blob of two people walking together
            // is explained by both).
            let covered = tracks.reduce(Float(0)) { $0 + $1.box.padded(dx: 0.15 * $1.box.width, dy: 0.05 * $1.box.height).intersection(r) }
            let explained = covered >= 0.5 * r.area
            guard !explained, !cooldown.isResting(r, at: time) else { continue }
            out.append(CropInterest(box: r, personHeight: personHeight(for: r), priority: 4 + min(0.5, r.area / 20000), tag: Self.motionTag))
        }
        if !tiles.isEmpty {
            let spacing = configuration.sweepPeriod / Double(tiles.count)
            let overdue = time - lastTileTime
            if overdue >= spacing {
                let tile = tiles[nextTile]
                out.append(CropInterest(
                    box: tile, personHeight: tile.height / configuration.planner.personHeightsPerSide,
                    priority: overdue >= 3 * spacing ? 4.5 : 1, tag: Self.sweepTag))
            }
        }
        return out
    }

    /// The height a person in a region of motion probably has. A region is often not one person: a
    /// fragment of someone (a torso the colour of the ground leaves legs and head), or several people
    /// merged into one blob. So the region's height is kept only within a range around what a person
    /// there is expected to be: the perspective model's height at the region's lowest row, else the
    /// median height of the people the network found so far, else at most 40 % of the frame.
    func personHeight(for r: Box) -> Float {
        var expected: Float?
        if let p = perspective {
            let e = p.height(footY: r.maxY)
            if e > 4 { expected = e }
        }
        if expected == nil, typicalHeights.count >= 5 { expected = typicalHeight }
        guard let expected else { return min(max(r.height, 24), 0.4 * Float(stage.height)) }
        return min(max(r.height, 0.8 * expected), 1.5 * expected)
    }

    /// Heights of recent network boxes (a ring), and their median.
    private var typicalHeights: [Float] = []
    private var typicalNext = 0
    private var typicalHeight: Float = 0

    private mutating func learnHeights(_ found: [Detection]) {
        for d in found where !d.truncated && d.score >= 0.5 {
            if typicalHeights.count < 64 {
                typicalHeights.append(d.box.height)
            } else {
                typicalHeights[typicalNext] = d.box.height
                typicalNext = (typicalNext + 1) % 64
            }
        }
        if !found.isEmpty, !typicalHeights.isEmpty {
            typicalHeight = typicalHeights.sorted()[typicalHeights.count / 2]
        }
    }

    /// One box per person over all crops: whole boxes win over boxes cut by a crop's edge, then the
    /// higher score.
    func fuse(_ found: [NetworkDetection]) -> [Detection] {
        let priority = found.map { $0.score - ($0.truncated ? 1 : 0) }
        let keep = NonMaximumSuppression.keep(
            boxes: found.map(\.box), priority: priority, iou: configuration.fusionIoU, containment: configuration.fusionContainment)
        return keep.map { Detection(box: found[$0].box, score: found[$0].score, truncated: found[$0].truncated) }
    }
}

/// A coarse grid of "looked here, nobody" times.
struct CooldownGrid: Sendable {
    let columns: Int
    let rows: Int
    let cell: Float
    private var until: [Double]

    init(width: Int, height: Int, cell: Int) {
        columns = max(1, (width + cell - 1) / cell)
        rows = max(1, (height + cell - 1) / cell)
        self.cell = Float(cell)
        until = [Double](repeating: -.infinity, count: columns * rows)
    }

    private func cells(_ b: Box) -> (ClosedRange<Int>, ClosedRange<Int>) {
        let c0 = min(columns - 1, max(0, Int(b.x / cell))), c1 = min(columns - 1, max(0, Int(b.maxX / cell)))
        let r0 = min(rows - 1, max(0, Int(b.y / cell))), r1 = min(rows - 1, max(0, Int(b.maxY / cell)))
        return (c0...max(c0, c1), r0...max(r0, r1))
    }

    mutating func rest(_ b: Box, until t: Double) {
        let (cs, rs) = cells(b)
        for r in rs { for c in cs { until[r * columns + c] = max(until[r * columns + c], t) } }
    }

    /// True when most of the region's cells are resting.
    func isResting(_ b: Box, at t: Double) -> Bool {
        let (cs, rs) = cells(b)
        var resting = 0, all = 0
        for r in rs {
            for c in cs {
                all += 1
                if until[r * columns + c] > t { resting += 1 }
            }
        }
        return resting * 2 > all
    }
}
