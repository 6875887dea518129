/// Cuts a rectangle out of a YUV 4:2:0 frame and resamples it to a network's input: `size`×`size`
/// RGB, interleaved (NHWC), as floats `value·2/255 − 1` (the [-1, 1] range MobileNet models take).
///
/// Bilinear in luma (pixel centres at half-integers), bilinear in chroma at chroma resolution,
/// BT.601 limited-range YUV → RGB, clamped to 0…255. Source pixels outside the frame repeat the
/// edge. Each output row reuses per-column source positions and weights computed once per call.
/// - Complexity: O(size²), independent of the rectangle's size.
public enum CropResample {
    /// The rectangle in frame pixels (`x`, `y` top-left, `width`×`height`, may be fractional).
    public struct Region: Sendable, Hashable {
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
    }

    /// Writes `size`×`size`×3 floats into `out` (which must hold at least that many).
    /// - Parameters: `y` is `width`×`height`, `u` and `v` are `(width+1)/2`×`(height+1)/2`.
    public static func rgb(
        y: UnsafeBufferPointer<UInt8>, u: UnsafeBufferPointer<UInt8>, v: UnsafeBufferPointer<UInt8>,
        width: Int, height: Int, region: Region, size: Int, into out: UnsafeMutableBufferPointer<Float>
    ) {
        let cw = (width + 1) / 2, ch = (height + 1) / 2
        precondition(y.count >= width * height && u.count >= cw * ch && v.count >= cw * ch, "plane sizes")
        precondition(out.count >= size * size * 3 && size > 0, "output size")
        let sx = region.width / Float(size), sy = region.height / Float(size)
        // Per output column: luma and chroma source columns and weights.
        var lx0 = [Int32](repeating: 0, count: size), lx1 = lx0, cx0 = lx0, cx1 = lx0
        var lwx = [Float](repeating: 0, count: size), cwx = lwx
        for i in 0..<size {
            let fx = region.x + (Float(i) + 0.5) * sx - 0.5
            (lx0[i], lx1[i], lwx[i]) = taps(fx, limit: width)
            (cx0[i], cx1[i], cwx[i]) = taps((fx + 0.5) / 2 - 0.5, limit: cw)
        }
        let scale: Float = 2 / 255
        for j in 0..<size {
            let fy = region.y + (Float(j) + 0.5) * sy - 0.5
            let (ly0, ly1, lwy) = taps(fy, limit: height)
            let (cy0, cy1, cwy) = taps((fy + 0.5) / 2 - 0.5, limit: ch)
            let r0 = Int(ly0) * width, r1 = Int(ly1) * width
            let c0 = Int(cy0) * cw, c1 = Int(cy1) * cw
            var o = j * size * 3
            for i in 0..<size {
                let a0 = Int(lx0[i]), a1 = Int(lx1[i]), wx = lwx[i]
                let top = Float(y[r0 + a0]) + (Float(y[r0 + a1]) - Float(y[r0 + a0])) * wx
                let bottom = Float(y[r1 + a0]) + (Float(y[r1 + a1]) - Float(y[r1 + a0])) * wx
                let luma = top + (bottom - top) * lwy
                let b0 = Int(cx0[i]), b1 = Int(cx1[i]), cwxi = cwx[i]
                let ut = Float(u[c0 + b0]) + (Float(u[c0 + b1]) - Float(u[c0 + b0])) * cwxi
                let ub = Float(u[c1 + b0]) + (Float(u[c1 + b1]) - Float(u[c1 + b0])) * cwxi
                let vt = Float(v[c0 + b0]) + (Float(v[c0 + b1]) - Float(v[c0 + b0])) * cwxi
                let vb = Float(v[c1 + b0]) + (Float(v[c1 + b1]) - Float(v[c1 + b0])) * cwxi
                let cu = ut + (ub - ut) * cwy - 128, cv = vt + (vb - vt) * cwy - 128
                let l = 1.164 * (luma - 16)
                let r = clamp255(l + 1.596 * cv), g = clamp255(l - 0.392 * cu - 0.813 * cv), b = clamp255(l + 2.017 * cu)
                out[o] = r * scale - 1
                out[o + 1] = g * scale - 1
                out[o + 2] = b * scale - 1
                o += 3
            }
        }
    }

    /// The same, one output value at a time with bounds-checked arrays and no precomputed tables:
    /// the reference the tests compare with.
    public static func reference(y: [UInt8], u: [UInt8], v: [UInt8], width: Int, height: Int, region: Region, size: Int) -> [Float] {
        let cw = (width + 1) / 2, ch = (height + 1) / 2
        func sample(_ plane: [UInt8], _ w: Int, _ h: Int, _ fx: Float, _ fy: Float) -> Float {
            let x = min(max(fx, 0), Float(w - 1)), yy = min(max(fy, 0), Float(h - 1))
            let x0 = Int(x), y0 = Int(yy), x1 = min(x0 + 1, w - 1), y1 = min(y0 + 1, h - 1)
            let ax = x - Float(x0), ay = yy - Float(y0)
            let top = Float(plane[y0 * w + x0]) * (1 - ax) + Float(plane[y0 * w + x1]) * ax
            let bottom = Float(plane[y1 * w + x0]) * (1 - ax) + Float(plane[y1 * w + x1]) * ax
            return top * (1 - ay) + bottom * ay
        }
        var out = [Float](repeating: 0, count: size * size * 3)
        for j in 0..<size {
            for i in 0..<size {
                let fx = region.x + (Float(i) + 0.5) * region.width / Float(size) - 0.5
                let fy = region.y + (Float(j) + 0.5) * region.height / Float(size) - 0.5
                let l = 1.164 * (sample(y, width, height, fx, fy) - 16)
                let cu = sample(u, cw, ch, (fx + 0.5) / 2 - 0.5, (fy + 0.5) / 2 - 0.5) - 128
                let cv = sample(v, cw, ch, (fx + 0.5) / 2 - 0.5, (fy + 0.5) / 2 - 0.5) - 128
                let rgb = [l + 1.596 * cv, l - 0.392 * cu - 0.813 * cv, l + 2.017 * cu]
                for c in 0..<3 { out[(j * size + i) * 3 + c] = min(max(rgb[c], 0), 255) * 2 / 255 - 1 }
            }
        }
        return out
    }

    /// The two source indices around `f` (clamped to 0…limit−1) and the weight of the second.
    @inline(__always)
    static func taps(_ f: Float, limit: Int) -> (Int32, Int32, Float) {
        let last = Float(limit - 1)
        let c = min(max(f, 0), last)
        let i0 = Int32(c)  // c ≥ 0: truncation is floor
        let i1 = min(i0 + 1, Int32(limit - 1))
        return (i0, i1, c - Float(i0))
    }

    @inline(__always)
    static func clamp255(_ x: Float) -> Float { min(max(x, 0), 255) }
}
