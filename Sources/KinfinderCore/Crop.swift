public import Ingest
public import Detection

/// A copy of the region around a person from one frame (planar YUV 4:2:0, even-aligned), kept
/// as the best view of a track until a snapshot is needed, with the person's box outlined.
public struct Crop: Sendable {
    public private(set) var width: Int
    public private(set) var height: Int
    public private(set) var y: [UInt8]
    public private(set) var u: [UInt8]
    public private(set) var v: [UInt8]

    /// Copies `box` widened by `margin` (a fraction of its size on each side) out of `frame`.
    public init(frame: VideoFrame, box: Box, margin: Float) {
        let mx = box.width * margin, my = box.height * margin
        self.init(
            frame: frame, box: box, x0: Int(box.x - mx), y0: Int(box.y - my), x1: Int((box.maxX + mx).rounded(.up)),
            y1: Int((box.maxY + my).rounded(.up)))
    }

    /// The whole frame with the person's box outlined: where in the camera's view they were.
    /// The outline is twice as thick (4 pixels) to be seen in the whole picture on a phone.
    public init(wholeFrame frame: VideoFrame, box: Box) {
        self.init(frame: frame, box: box, x0: 0, y0: 0, x1: frame.width, y1: frame.height)
        outline(Box(x: box.x - 2, y: box.y - 2, width: box.width + 4, height: box.height + 4))
    }

    private init(width: Int, height: Int, y: [UInt8], u: [UInt8], v: [UInt8]) {
        self.width = width
        self.height = height
        self.y = y
        self.u = u
        self.v = v
    }

    /// The person's views side by side, oldest first, each scaled (nearest pixel) to `height`
    /// with a dark 4-pixel gap between them: the moments before an incident at a glance.
    public static func strip(_ views: [Crop], height: Int) -> Crop? {
        let h = max(2, height & ~1), gap = 4
        let widths = views.map { max(2, (Int((Double($0.width) * Double(h) / Double($0.height)).rounded()) + 1) & ~1) }
        guard !views.isEmpty else { return nil }
        let w = widths.reduce(0, +) + gap * (views.count - 1)
        var out = Crop(width: w, height: h, y: [UInt8](repeating: 16, count: w * h), u: [UInt8](repeating: 128, count: w * h / 4),
                       v: [UInt8](repeating: 128, count: w * h / 4))
        var left = 0
        for (view, vw) in zip(views, widths) {
            for r in 0..<h {
                let sr = min(view.height - 1, r * view.height / h)
                for c in 0..<vw {
                    out.y[r * w + left + c] = view.y[sr * view.width + min(view.width - 1, c * view.width / vw)]
                }
            }
            let cw = w / 2, vcw = view.width / 2, vch = view.height / 2
            for r in 0..<(h / 2) {
                let sr = min(vch - 1, r * vch / (h / 2))
                for c in 0..<(vw / 2) {
                    let sc = min(vcw - 1, c * vcw / (vw / 2))
                    out.u[r * cw + left / 2 + c] = view.u[sr * vcw + sc]
                    out.v[r * cw + left / 2 + c] = view.v[sr * vcw + sc]
                }
            }
            left += vw + gap
        }
        return out
    }

    /// Copies the rectangle x0..<x1, y0..<y1 (clamped to the frame, even-aligned) out of `frame`,
    /// the person's `box` outlined.
    private init(frame: VideoFrame, box: Box, x0 left: Int, y0 top: Int, x1 right: Int, y1 bottom: Int) {
        let fw = frame.width, fh = frame.height, cwFrame = frame.chromaWidth
        let x0 = max(0, left) & ~1, y0 = max(0, top) & ~1
        let x1 = min(fw, right), y1 = min(fh, bottom)
        width = max(2, (x1 - x0) & ~1)
        height = max(2, (y1 - y0) & ~1)
        let cw = width / 2, ch = height / 2
        y = [UInt8](repeating: 16, count: width * height)
        u = [UInt8](repeating: 128, count: cw * ch)
        v = [UInt8](repeating: 128, count: cw * ch)
        for r in 0..<height where y0 + r < fh {
            let src = (y0 + r) * fw + x0
            let n = min(width, fw - x0)
            y.replaceSubrange(r * width..<(r * width + n), with: frame.y[src..<(src + n)])
        }
        for r in 0..<ch where y0 / 2 + r < frame.chromaHeight {
            let src = (y0 / 2 + r) * cwFrame + x0 / 2
            let n = min(cw, cwFrame - x0 / 2)
            u.replaceSubrange(r * cw..<(r * cw + n), with: frame.u[src..<(src + n)])
            v.replaceSubrange(r * cw..<(r * cw + n), with: frame.v[src..<(src + n)])
        }
        outline(Box(x: box.x - Float(x0), y: box.y - Float(y0), width: box.width, height: box.height))
    }

    /// Draws a closed polygon, corners in fractions of the picture (a camera's danger zone on the
    /// whole frame), as a 2-pixel yellow line (BT.601 limited: Y 210, U 16, V 146).
    public mutating func draw(polygon: [SIMD2<Float>]) {
        guard polygon.count >= 2 else { return }
        let cw = width / 2
        let size = SIMD2(Float(width), Float(height))
        for i in polygon.indices {
            let a = polygon[i] * size, b = polygon[(i + 1) % polygon.count] * size
            let d = b - a
            let steps = max(1, Int(max(abs(d.x), abs(d.y)).rounded(.up)))
            for k in 0...steps {
                let p = a + d * (Float(k) / Float(steps))
                let x = min(width - 2, max(0, Int(p.x))) & ~1, yy = min(height - 2, max(0, Int(p.y))) & ~1
                for dy in 0..<2 {
                    for dx in 0..<2 { y[(yy + dy) * width + x + dx] = 210 }
                }
                u[(yy / 2) * cw + x / 2] = 16
                v[(yy / 2) * cw + x / 2] = 146
            }
        }
    }

    /// Draws a 2-pixel red frame (BT.601 limited: Y 81, U 90, V 240) around the person.
    private mutating func outline(_ b: Box) {
        let left = max(0, Int(b.x) - 2) & ~1, right = min(width - 2, Int(b.maxX.rounded(.up)) + 1) & ~1
        let top = max(0, Int(b.y) - 2) & ~1, bottom = min(height - 2, Int(b.maxY.rounded(.up)) + 1) & ~1
        guard right > left, bottom > top else { return }
        let cw = width / 2
        func paint(_ x: Int, _ yy: Int) {
            for dy in 0..<2 {
                for dx in 0..<2 { y[(yy + dy) * width + x + dx] = 81 }
            }
            u[(yy / 2) * cw + x / 2] = 90
            v[(yy / 2) * cw + x / 2] = 240
        }
        for x in stride(from: left, through: right, by: 2) {
            paint(x, top)
            paint(x, bottom)
        }
        for yy in stride(from: top, through: bottom, by: 2) {
            paint(left, yy)
            paint(right, yy)
        }
    }
}
