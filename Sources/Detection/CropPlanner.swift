/// Where in a frame the person network looks.
public struct CropPlannerConfiguration: Sendable, Hashable {
    /// Side of a crop around a person, in that person's heights: the network sees people best at a
    /// third to a half of its input's height.
    public var personHeightsPerSide: Float = 2.6
    /// Smallest crop side in working pixels; a 96-px crop is upscaled about 3× for the network, which
    /// finds people down to about 30 px tall that way.
    public var minimumSide: Float = 96
    /// Largest crop side, as a fraction of the frame height (bigger regions are split).
    public var maximumSideFraction: Float = 1
    /// Context added around each region of interest, in person heights.
    public var padding: Float = 0.35
    /// Two crops are joined when one crop of at most this many times the larger side covers both.
    public var mergeGrowth: Float = 1.3
    /// A crop covers a region only if it is at most this many times the region's preferred side
    /// (a much larger crop shrinks the person below what the network sees well: measured on the
    /// ground truth's people, crops of 2–3.5 person heights find 85–97 % of them, 5 heights 48–67 %).
    public var maximumZoomOut: Float = 1.35
    /// Side of the sweep tiles as a fraction of the frame height; `nil` for the default (0.6).
    public var sweepSideFraction: Float? = nil
    /// Overlap of neighbouring sweep tiles (a share of the side), so a person cut by one tile's edge
    /// is whole in the next.
    public var sweepOverlap: Float = 0.3

    public init() {}
}

/// Something the network should look at: a region of motion or a tracked person's predicted box,
/// with the height a person there has (from the box, or the camera's perspective model).
public struct CropInterest: Sendable, Hashable {
    public var box: Box
    public var personHeight: Float
    /// Larger first when the budget does not cover everything.
    public var priority: Float
    /// Caller's tag (a track id, or −1 for motion), passed through to say what was covered.
    public var tag: Int

    public init(box: Box, personHeight: Float, priority: Float, tag: Int = -1) {
        self.box = box
        self.personHeight = personHeight
        self.priority = priority
        self.tag = tag
    }
}

/// Plans the crops one detector round runs the network on: regions of interest grouped into as few
/// crops as keep people at a size the network sees well (Frigate's economy: the network never runs on
/// the whole frame at once), within a budget; and a tiling of the whole frame for the slow sweep that
/// finds people who never moved.
/// - Complexity: O(interests × crops) per round.
public struct CropPlanner: Sendable {
    public let width: Float
    public let height: Float
    public let configuration: CropPlannerConfiguration

    public init(width: Int, height: Int, configuration: CropPlannerConfiguration = CropPlannerConfiguration()) {
        self.width = Float(width)
        self.height = Float(height)
        self.configuration = configuration
    }

    /// What a round covers: crop rectangles in working pixels, and the tags of the interests they
    /// cover (those left out for the budget are not listed).
    public struct Plan: Sendable, Hashable {
        public var crops: [Box]
        public var covered: Set<Int>
        /// Indices (into the interests given) that no crop covers.
        public var skipped: [Int]
    }

    var maximumSide: Float { max(configuration.minimumSide, configuration.maximumSideFraction * height) }

    /// The crop side a person of `personHeight` is best seen at.
    public func preferredSide(personHeight: Float) -> Float {
        min(maximumSide, max(configuration.minimumSide, configuration.personHeightsPerSide * personHeight))
    }

    /// Covers `interests` with at most `budget` crops, best-priority first.
    public func plan(_ interests: [CropInterest], budget: Int) -> Plan {
        var crops: [(box: Box, preferred: Float)] = []
        var covered = Set<Int>()
        var skipped: [Int] = []
        let order = interests.indices.sorted { interests[$0].priority > interests[$1].priority }
        for i in order {
            let it = interests[i]
            let preferred = preferredSide(personHeight: it.personHeight)
            let pad = configuration.padding * it.personHeight
            let need = clip(Box(x: it.box.x - pad, y: it.box.y - pad, width: it.box.width + 2 * pad, height: it.box.height + 2 * pad))
            // Already inside a crop that does not shrink this person too much?
            if crops.contains(where: { $0.box.contains(need) && max($0.box.width, $0.box.height) <= configuration.maximumZoomOut * preferred }) {
                covered.insert(it.tag)
                continue
            }
            // Grow a crop to take it in, if the result still sees both at a good size.
            var grown = false
            for k in crops.indices {
                let union = crops[k].box.union(need)
                let side = max(union.width, union.height)
                let limit = min(maximumSide, configuration.mergeGrowth * max(crops[k].preferred, preferred),
                                configuration.maximumZoomOut * min(crops[k].preferred, preferred))
                if side <= limit {
                    crops[k] = (square(around: union, side: max(side, max(crops[k].preferred, preferred))), min(crops[k].preferred, preferred))
                    grown = true
                    break
                }
            }
            if grown {
                covered.insert(it.tag)
                continue
            }
            // New crops: one, or a row/column of them when the region is larger than one crop at a
            // size the person is still seen well at.
            let side = max(preferred, min(maximumSide, configuration.maximumZoomOut * preferred, max(need.width, need.height)))
            let across = Int((need.width / side).rounded(.up)), down = Int((need.height / side).rounded(.up))
            guard crops.count + across * down <= budget else {
                skipped.append(i)
                continue
            }
            for a in 0..<across {
                for d in 0..<down {
                    let cx = need.x + need.width * (Float(a) + 0.5) / Float(across)
                    let cy = need.y + need.height * (Float(d) + 0.5) / Float(down)
                    crops.append((square(centre: SIMD2(cx, cy), side: side), preferred))
                }
            }
            covered.insert(it.tag)
        }
        return Plan(crops: crops.map(\.box), covered: covered, skipped: skipped.sorted())
    }

    /// The sweep's tiles: overlapping squares covering the whole frame, row by row.
    public func sweepTiles() -> [Box] {
        let side = min(min(width, height), max(configuration.minimumSide, (configuration.sweepSideFraction ?? 0.6) * height))
        let step = side * (1 - configuration.sweepOverlap)
        func positions(_ extent: Float) -> [Float] {
            guard extent > side else { return [0] }
            let n = Int(((extent - side) / step).rounded(.up)) + 1
            return (0..<n).map { (extent - side) * Float($0) / Float(n - 1) }
        }
        var tiles: [Box] = []
        for y in positions(height) {
            for x in positions(width) { tiles.append(Box(x: x, y: y, width: side, height: side)) }
        }
        return tiles
    }

    /// A square of `side` centred on `centre`, moved inside the frame; a side larger than the frame
    /// is cut to it (the network takes a slightly squeezed crop as well as a square one).
    func square(centre: SIMD2<Float>, side: Float) -> Box {
        let w = min(side, width), h = min(side, height)
        let x = min(max(0, centre.x - w / 2), width - w)
        let y = min(max(0, centre.y - h / 2), height - h)
        return Box(x: x, y: y, width: w, height: h)
    }

    func square(around b: Box, side: Float) -> Box { square(centre: b.centre, side: side) }

    func clip(_ b: Box) -> Box {
        let x0 = max(0, b.x), y0 = max(0, b.y)
        let x1 = min(width, b.maxX), y1 = min(height, b.maxY)
        return Box(x: x0, y: y0, width: max(0, x1 - x0), height: max(0, y1 - y0))
    }
}
