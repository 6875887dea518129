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

    /// Same box scaled by factors (e.g. from working resolution to source resolution).
    public func scaled(x sx: Float, y sy: Float) -> Box {
        Box(x: x * sx, y: y * sy, width: width * sx, height: height * sy)
    }

    public var description: String {
        "(\(Int(x.rounded())),\(Int(y.rounded())) \(Int(width.rounded()))x\(Int(height.rounded())))"
    }
}
