public import Detection

/// Where on a person's box the clothing colours are read, as fractions of the box.
public struct ColourSampling: Sendable, Hashable {
    /// Upper body: below the head and neck, down to the waist.
    public var upperTop: Float = 0.17
    public var upperBottom: Float = 0.50
    /// Lower body: hips to ankles.
    public var lowerTop: Float = 0.55
    public var lowerBottom: Float = 0.92
    /// Horizontal margin on each side (arms and background at the sides).
    public var sideMargin: Float = 0.15
    /// A pixel within `backgroundLuma` of the background's luma and `backgroundChroma` of its
    /// chroma is ground showing through the mask's edge; so is one that is the ground darkened by
    /// a factor r ∈ [0.5, 0.95] with its chroma scaled by the same r (a shadow, even on a
    /// saturated lawn). Neither is clothing.
    public var backgroundLuma: Int = 12
    public var backgroundChroma: Int = 10
    /// A person whose moving pixels cover less than this share of the upper body counts as still
    /// (see ``ColourSampler/sample(_:y:u:v:width:height:mask:maskWidth:background:withoutMotion:)``)…
    public var stillMaskShare: Float = 0.25
    /// …and is sampled in the centre of the box, this share of the width off each side…
    public var stillSideMargin: Float = 0.25
    /// …without the background test when it would keep less than this share of the pixels.
    public var stillKeptShare: Float = 0.3

    public init() {}
}

/// Per-body-part counts of colour names over the foreground pixels of one box.
public struct ColourSample: Sendable, Hashable {
    public var upper = [Int](repeating: 0, count: ColourName.allCases.count)
    public var lower = [Int](repeating: 0, count: ColourName.allCases.count)
    /// Foreground pixels and all pixels in each region: how much of the part was seen.
    public var upperForeground = 0
    public var upperArea = 0
    public var lowerForeground = 0
    public var lowerArea = 0

    public init() {}
}

/// Reads clothing colours: for each foreground pixel in the upper and lower regions of a box, the
/// colour name from a 32×32×32 YUV lookup table (built from the colour-name model).
/// - Complexity: O(box area); one table load per pixel.
public struct ColourSampler: Sendable {
    /// 32,768 colour-name indices, at `(y>>3)<<10 | (u>>3)<<5 | (v>>3)`.
    public let table: [UInt8]
    public let regions: ColourSampling
    /// The scene's light: each pixel is corrected by it before it is named (the background test
    /// compares uncorrected values).
    public var light = SceneLight.neutral {
        didSet { maps = light.maps() }
    }
    private var maps = SceneLight.neutral.maps()

    public init(table: [UInt8], regions: ColourSampling = ColourSampling()) {
        precondition(table.count == 32 * 32 * 32, "the colour table has 32,768 entries")
        self.table = table
        self.regions = regions
    }

    /// Samples `box` of a `width`×`height` frame. `mask` is the foreground mask at half size
    /// (`maskWidth` wide); pixels that are background there are skipped.
    ///
    /// `withoutMotion`: the box is a whole person from the network, who may be standing still, so
    /// the mask may hold little of them. When the mask covers less than `stillMaskShare` of the upper
    /// body, the narrower centre of the box is sampled instead, dropping only pixels that match the
    /// background model there — unless that drops most of them (the person has stood there so long
    /// that the model learnt them), in which case every pixel of the centre counts.
    ///
    /// A box from motion alone is the mask's blob, whose edges hold the ground around the person:
    /// there a pixel is ground when it matches the background at its cell or any of the eight
    /// beside it (textured ground — a lawn, gravel — differs pixel to pixel from the half-size
    /// model by more than the tolerance, but not from all its neighbours; a network's box is tight
    /// on the person, and there the wider test would drop clothing next to ground of its colour).
    ///
    /// `hidden`: boxes of people in front of this one; their pixels are someone else's and are
    /// neither sampled nor counted in the part's area.
    public func sample(
        _ box: Box, y: [UInt8], u: [UInt8], v: [UInt8], width: Int, height: Int, mask: [UInt8], maskWidth: Int,
        background: (y: [UInt8], u: [UInt8], v: [UInt8])? = nil, withoutMotion: Bool = false, hidden: [Box] = []
    ) -> ColourSample {
        let moving = sample(box, y: y, u: u, v: v, width: width, height: height, mask: mask, maskWidth: maskWidth,
                            background: background, useMask: true, useBackground: true, margin: regions.sideMargin, hidden: hidden,
                            groundNeighbours: !withoutMotion)
        guard withoutMotion, Float(moving.upperForeground) < regions.stillMaskShare * Float(max(1, moving.upperArea)) else { return moving }
        let still = sample(box, y: y, u: u, v: v, width: width, height: height, mask: mask, maskWidth: maskWidth,
                           background: background, useMask: false, useBackground: true, margin: regions.stillSideMargin, hidden: hidden)
        if Float(still.upperForeground) >= regions.stillKeptShare * Float(max(1, still.upperArea)) { return still }
        return sample(box, y: y, u: u, v: v, width: width, height: height, mask: mask, maskWidth: maskWidth,
                      background: nil, useMask: false, useBackground: false, margin: regions.stillSideMargin, hidden: hidden)
    }

    private func sample(
        _ box: Box, y: [UInt8], u: [UInt8], v: [UInt8], width: Int, height: Int, mask: [UInt8], maskWidth: Int,
        background: (y: [UInt8], u: [UInt8], v: [UInt8])?, useMask: Bool, useBackground: Bool, margin: Float, hidden: [Box],
        groundNeighbours: Bool = false
    ) -> ColourSample {
        var out = ColourSample()
        let cw = (width + 1) / 2
        let x0 = max(0, Int(box.x + box.width * margin))
        let x1 = min(width, Int(box.maxX - box.width * margin))
        guard x1 > x0 else { return out }
        let maskHeight = mask.count / max(1, maskWidth)
        let bg = background ?? ([], [], [])
        let checkBackground = useBackground && bg.y.count == mask.count && bg.u.count == mask.count && bg.v.count == mask.count
        let tl = regions.backgroundLuma, tc = regions.backgroundChroma
        let reach = groundNeighbours ? 1 : 0
        maps.y.withUnsafeBufferPointer { ly in maps.u.withUnsafeBufferPointer { lu in maps.v.withUnsafeBufferPointer { lv in
        bg.y.withUnsafeBufferPointer { by in bg.u.withUnsafeBufferPointer { bu in bg.v.withUnsafeBufferPointer { bv in
        y.withUnsafeBufferPointer { yp in
            u.withUnsafeBufferPointer { up in
                v.withUnsafeBufferPointer { vp in
                    mask.withUnsafeBufferPointer { mp in
                        table.withUnsafeBufferPointer { lut in
                            func region(_ top: Float, _ bottom: Float, _ counts: inout [Int]) -> (Int, Int) {
                                let r0 = max(0, Int(box.y + box.height * top))
                                let r1 = min(height, Int(box.y + box.height * bottom))
                                guard r1 > r0 else { return (0, 0) }
                                var fg = 0, area = 0
                                for r in r0..<r1 {
                                    let mr = min(r >> 1, maskHeight - 1)
                                    let yRow = r * width, cRow = (r >> 1) * cw, mRow = mr * maskWidth
                                    // The columns of this row that someone in front covers.
                                    let fy = Float(r) + 0.5
                                    let cover = hidden.filter { fy >= $0.y && fy < $0.maxY }
                                    for x in x0..<x1 {
                                        if !cover.isEmpty {
                                            let fx = Float(x) + 0.5
                                            if cover.contains(where: { fx >= $0.x && fx < $0.maxX }) { continue }
                                        }
                                        area += 1
                                        let mx = min(x >> 1, maskWidth - 1)
                                        let m = mRow + mx
                                        guard !useMask || mp[m] != 0 else { continue }
                                        let py = Int(yp[yRow + x]), pu = Int(up[cRow + (x >> 1)]), pv = Int(vp[cRow + (x >> 1)])
                                        if checkBackground {
                                            // Ground, or its shadow, at this cell of the background (or, for a
                                            // motion box, one beside it).
                                            var ground = false
                                            for dr in -reach...reach where !ground {
                                                let nr = mr + dr
                                                guard nr >= 0, nr < maskHeight else { continue }
                                                for dc in -reach...reach {
                                                    let nc = mx + dc
                                                    guard nc >= 0, nc < maskWidth else { continue }
                                                    let n = nr * maskWidth + nc
                                                    if Self.isGround(py, pu, pv, g: Int(by[n]), gu: Int(bu[n]) - 128, gv: Int(bv[n]) - 128, luma: tl, chroma: tc) {
                                                        ground = true
                                                        break
                                                    }
                                                }
                                            }
                                            if ground { continue }
                                        }
                                        let ny = Int(ly[py]), nu = Int(lu[pu]), nv = Int(lv[pv])
                                        counts[Int(lut[((ny >> 3) << 10) | ((nu >> 3) << 5) | (nv >> 3)])] += 1
                                        fg += 1
                                    }
                                }
                                return (fg, area)
                            }
                            (out.upperForeground, out.upperArea) = region(regions.upperTop, regions.upperBottom, &out.upper)
                            (out.lowerForeground, out.lowerArea) = region(regions.lowerTop, regions.lowerBottom, &out.lower)
                        }
                    }
                }
            }
        }
        } } }
        } } }
        return out
    }

    /// A pixel that is the ground (luma `g`, chroma `gu`, `gv` about 128) itself — same luma and
    /// chroma — or its shadow: luma scaled by r ∈ [0.5, 0.95] and chroma by the same r
    /// (limited-range YUV: a darker surface is also less saturated).
    @inline(__always)
    static func isGround(_ py: Int, _ pu: Int, _ pv: Int, g: Int, gu: Int, gv: Int, luma tl: Int, chroma tc: Int) -> Bool {
        if abs(py - g) <= tl && abs(pu - 128 - gu) + abs(pv - 128 - gv) <= tc { return true }
        guard py < g && 2 * py >= g && 20 * py <= 19 * g else { return false }
        let su = (gu * py) / max(1, g), sv = (gv * py) / max(1, g)
        return abs(pu - 128 - su) + abs(pv - 128 - sv) <= tc
    }
}
