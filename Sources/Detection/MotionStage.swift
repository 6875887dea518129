import ImageKernels

/// Which foreground blobs count as people (the motion stage).
public struct MotionConfiguration: Sendable, Hashable {
    /// Smallest person, as a fraction of the frame height.
    public var minHeightFraction: Float = 0.05
    /// Largest person, as a fraction of the frame height.
    public var maxHeightFraction: Float = 0.95
    /// Height/width limits: upright people are taller than wide; top-down views make them round.
    public var minAspect: Float = 0.7
    public var maxAspect: Float = 6
    /// Smallest share of the box that must be foreground.
    public var minFill: Float = 0.2
    /// Fragments of one person (a grey top on grey paving leaves head and legs) are joined when
    /// they overlap horizontally by this share of the narrower one…
    public var groupOverlap: Float = 0.4
    /// …and the vertical gap is at most this share of the taller one's height…
    public var groupGap: Float = 0.6
    /// …and the joined box is still at least this tall for its width.
    public var groupAspect: Float = 1.3
    /// Hysteresis: share of a blob that must be strong foreground for it to count (weak
    /// differences alone are lighting or noise).
    public var minStrongShare: Float = 0.2
    /// Morphological clean-up: openings remove speckle, closings join a person's parts.
    public var openings: Int = 1
    public var closings: Int = 2
    /// Extra vertical-only closings (3×1): join head, torso and legs of one person (split by a
    /// belt or by clothes close to the ground's colour) without joining people side by side.
    public var verticalClosings: Int = 0

    public init() {}
}

/// The SIMD motion stage: background subtraction → morphology → connected components → fragment
/// grouping → size/shape filter, all at the chroma planes' resolution (a quarter of the working
/// frame's pixels). Cheap enough for every analysed frame; the learned detector uses its regions of
/// motion to decide where to look, and the motion-only detector takes its person-shaped blobs.
///
/// Known failure modes, measured on the sample clips: people walking side by side merge into one
/// candidate; a person who stands still long enough fades into the background
/// (`BackgroundConfiguration.foregroundSlowdown` sets how long).
public struct MotionStage<Model: BackgroundModel> {
    public let width: Int
    public let height: Int
    public let configuration: MotionConfiguration
    public private(set) var model: Model
    public var background: (y: [UInt8], u: [UInt8], v: [UInt8])? {
        let b = model.backgroundPlanes
        return b.y.isEmpty ? nil : b
    }
    /// The foreground mask of the last frame at chroma resolution (0/255, after opening), so that
    /// colour sampling can skip background pixels; also next frame's slow-update selector.
    public private(set) var foregroundMask: [UInt8]
    /// Every group of moving pixels of the last frame (working-frame pixels) that passed the
    /// strength test, whatever its shape: merged groups, fragments, people too small for the shape
    /// filter. Where the learned detector looks.
    public private(set) var regions: [Box] = []
    public var maskSize: (width: Int, height: Int) { (mw, mh) }
    /// The cleaned mask blobs were cut from in the last frame (after closing), for inspection.
    public var detectionMask: [UInt8] { work }
    private let mw: Int
    private let mh: Int
    /// The last frame's luma at mask resolution (2×2 box average), for the tracker's patch matching.
    public private(set) var lumaSmall: [UInt8]
    private var work: [UInt8]
    private var scratch: [UInt8]
    private var morphOut: [UInt8]
    private var components = ConnectedComponents()

    /// `width`×`height` is the working frame; `background` must work at (width/2)×(height/2).
    public init(width: Int, height: Int, background: Model, configuration: MotionConfiguration = MotionConfiguration()) {
        self.width = width
        self.height = height
        self.configuration = configuration
        self.model = background
        mw = width / 2
        mh = height / 2
        precondition(background.size == (mw, mh), "the background model must work at half the frame size")
        lumaSmall = [UInt8](repeating: 0, count: mw * mh)
        foregroundMask = [UInt8](repeating: 0, count: mw * mh)
        work = foregroundMask
        scratch = foregroundMask
        morphOut = foregroundMask
    }

    /// Person-shaped candidates in working-frame pixels. `y` is the full-size luma plane, `u`/`v` the
    /// chroma planes (half size each way).
    public mutating func detect(y: [UInt8], u: [UInt8], v: [UInt8], time: Double) -> [Box] {
        let cw = (width + 1) / 2, w = width, h = height
        y.withUnsafeBufferPointer { src in
            lumaSmall.withUnsafeMutableBufferPointer { Downsample.box2x2(src, width: w, height: h, into: $0) }
        }
        // Chroma planes may be one column wider than mw (odd width): use them as they are when
        // aligned, else repack.
        let (uu, vv) = cw == mw ? (u, v) : (Self.repack(u, from: cw, to: mw, rows: mh), Self.repack(v, from: cw, to: mw, rows: mh))
        model.apply(y: lumaSmall, u: uu, v: vv, time: time, mask: &foregroundMask)
        // Clean a copy of the raw mask for blobs.
        Self.copy(foregroundMask, into: &work)
        for _ in 0..<configuration.openings {
            morph(.erode)
            morph(.dilate)
        }
        // Publish the opened mask: colour sampling should not read isolated noise pixels (lawn
        // texture flickering through compression), and it is next frame's slow-update selector.
        Self.copy(work, into: &foregroundMask)
        for _ in 0..<configuration.closings { morph(.dilate) }
        for _ in 0..<configuration.closings { morph(.erode) }
        for _ in 0..<configuration.verticalClosings { morph(.dilate, vertical: true) }
        for _ in 0..<configuration.verticalClosings { morph(.erode, vertical: true) }
        let minH = Int(configuration.minHeightFraction * Float(mh))
        let blobs = work.withUnsafeBufferPointer { components.label($0, width: mw, height: mh, minimumArea: max(4, minH)) }
        var boxes: [Box] = []
        let seeded = blobs.filter { Float($0.strong) >= configuration.minStrongShare * Float($0.area) }
        regions.removeAll(keepingCapacity: true)
        for b in BlobGrouping.group(seeded, overlap: configuration.groupOverlap, gap: configuration.groupGap, aspect: configuration.groupAspect) {
            regions.append(Box(x: Float(b.minX * 2), y: Float(b.minY * 2), width: Float(b.width * 2), height: Float(b.height * 2)))
            let h = Float(b.height), w = Float(b.width)
            let aspect = h / w
            guard h >= configuration.minHeightFraction * Float(mh), h <= configuration.maxHeightFraction * Float(mh),
                aspect >= configuration.minAspect, aspect <= configuration.maxAspect, b.fill >= configuration.minFill
            else { continue }
            boxes.append(Box(x: Float(b.minX * 2), y: Float(b.minY * 2), width: w * 2, height: h * 2))
        }
        return boxes
    }

    /// After tracking: the boxes (working-frame pixels) of people who should not fade into the
    /// background. Their pixels adapt slowly next frame, so a person who sits down stays visible;
    /// every other pixel — walkers, and ghosts left by the first frames — adapts at the normal rate.
    public mutating func protect(_ boxes: [Box]) {
        // The mask doubles as next frame's "adapt slowly" selector (see SigmaDelta.apply):
        // keep it only inside the protected boxes.
        let mw = self.mw, mh = self.mh
        foregroundMask.withUnsafeMutableBufferPointer { m in
            var keep = [Bool](repeating: false, count: mw * mh)
            for b in boxes {
                let x0 = max(0, Int(b.x) / 2), x1 = min(mw, Int(b.maxX.rounded(.up)) / 2 + 1)
                let y0 = max(0, Int(b.y) / 2), y1 = min(mh, Int(b.maxY.rounded(.up)) / 2 + 1)
                guard x1 > x0, y1 > y0 else { continue }
                for y in y0..<y1 { for x in x0..<x1 { keep[y * mw + x] = true } }
            }
            for i in 0..<(mw * mh) where !keep[i] { m[i] = 0 }
        }
    }

    private mutating func morph(_ op: Morphology.Operation, vertical: Bool = false) {
        // Three distinct buffers: source (`work`), destination (`morphOut`), horizontal scratch.
        let mw = self.mw, mh = self.mh
        if vertical {
            work.withUnsafeBufferPointer { src in
                morphOut.withUnsafeMutableBufferPointer { out in Morphology.applyVertical(op, src, into: out, width: mw, height: mh) }
            }
            swap(&work, &morphOut)
            return
        }
        work.withUnsafeBufferPointer { src in
            scratch.withUnsafeMutableBufferPointer { tmp in
                morphOut.withUnsafeMutableBufferPointer { out in
                    Morphology.apply(op, src, into: out, scratch: tmp, width: mw, height: mh)
                }
            }
        }
        swap(&work, &morphOut)
    }

    /// Copies a mask into a buffer of the same size without reallocating it.
    private static func copy(_ src: [UInt8], into dst: inout [UInt8]) {
        precondition(src.count == dst.count, "mask sizes")
        dst.withUnsafeMutableBufferPointer { d in
            src.withUnsafeBufferPointer { s in d.baseAddress!.update(from: s.baseAddress!, count: s.count) }
        }
    }

    private static func repack(_ plane: [UInt8], from stride: Int, to width: Int, rows: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: width * rows)
        for r in 0..<rows {
            for x in 0..<width { out[r * width + x] = plane[r * stride + x] }
        }
        return out
    }
}
