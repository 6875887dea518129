/// An axis-aligned box in pixels of the working frame; `x`,`y` is the top-left corner.
public struct Box: Sendable, Hashable, Codable, CustomStringConvertible {
    public var x: Float
    public var y: Float
    public var width: Float
    public var height: Float

    public init(x: Float, y: Float, width: Float, height: Float) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    public var maxX: Float { x + width }
    public var maxY: Float { y + height }
    public var area: Float { max(0, width) * max(0, height) }
    public var centre: SIMD2<Float> { SIMD2(x + width / 2, y + height / 2) }
    /// The point on the ground under the person: bottom centre.
    public var foot: SIMD2<Float> { SIMD2(x + width / 2, maxY) }

    /// Intersection over union, 0 when the boxes do not overlap.
    public func iou(_ o: Box) -> Float {
        let ix = max(0, min(maxX, o.maxX) - max(x, o.x))
        let iy = max(0, min(maxY, o.maxY) - max(y, o.y))
        let inter = ix * iy
        let union = area + o.area - inter
        return union > 0 ? inter / union : 0
    }

    /// Area of the overlap of two boxes (0 when they do not overlap).
    public func intersection(_ o: Box) -> Float {
        max(0, min(maxX, o.maxX) - max(x, o.x)) * max(0, min(maxY, o.maxY) - max(y, o.y))
    }

    /// The smallest box holding both.
    public func union(_ o: Box) -> Box {
        let x0 = min(x, o.x), y0 = min(y, o.y)
        return Box(x: x0, y: y0, width: max(maxX, o.maxX) - x0, height: max(maxY, o.maxY) - y0)
    }

    /// True when `o` lies entirely inside this box.
    public func contains(_ o: Box) -> Bool {
        o.x >= x && o.y >= y && o.maxX <= maxX && o.maxY <= maxY
    }

    /// The same box grown by `dx` on the left and right and `dy` above and below.
    public func padded(dx: Float, dy: Float) -> Box {
        Box(x: x - dx, y: y - dy, width: width + 2 * dx, height: height + 2 * dy)
    }

    /// The part of the box inside `0…width × 0…height`.
    public func clipped(width w: Float, height h: Float) -> Box {
        let x0 = min(max(0, x), w), y0 = min(max(0, y), h)
        return Box(x: x0, y: y0, width: max(0, min(w, maxX) - x0), height: max(0, min(h, maxY) - y0))
    }

    /// Same box scaled by factors (e.g. from working resolution to source resolution).
    public func scaled(x sx: Float, y sy: Float) -> Box {
        Box(x: x * sx, y: y * sy, width: width * sx, height: height * sy)
    }

    public var description: String {
        "(\(Int(x.rounded())),\(Int(y.rounded())) \(Int(width.rounded()))x\(Int(height.rounded())))"
    }
}
