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
        let fw = frame.width, fh = frame.height, cwFrame = frame.chromaWidth
        let mx = box.width * margin, my = box.height * margin
        let x0 = max(0, Int(box.x - mx)) & ~1, y0 = max(0, Int(box.y - my)) & ~1
        let x1 = min(fw, Int((box.maxX + mx).rounded(.up))), y1 = min(fh, Int((box.maxY + my).rounded(.up)))
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
