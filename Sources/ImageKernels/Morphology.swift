/// 3×3 binary morphology on 0/255 masks: erosion (min) and dilation (max), separable: a
/// horizontal pass with unaligned `SIMD16` loads at x−1, x, x+1, then a vertical pass over three
/// rows. Pixels outside the image count as background for erosion and dilation alike (so an
/// object touching the border is not eroded away from outside... but is not grown past it).
/// - Complexity: O(width × height), two passes.
public enum Morphology {
    public enum Operation: Sendable { case erode, dilate }

    /// `dst` = op(`src`) over a 3×3 square. `scratch` holds the horizontal pass; all three have
    /// `width × height` elements and must not overlap.
    public static func apply(
        _ op: Operation, _ src: UnsafeBufferPointer<UInt8>, into dst: UnsafeMutableBufferPointer<UInt8>,
        scratch: UnsafeMutableBufferPointer<UInt8>, width w: Int, height h: Int
    ) {
        precondition(src.count >= w * h && dst.count >= w * h && scratch.count >= w * h, "plane sizes")
        guard w > 0, h > 0 else { return }
        let s = src.baseAddress!, t = scratch.baseAddress!
        let erode = op == .erode
        // Horizontal pass.
        for y in 0..<h {
            let row = s + y * w, out = t + y * w
            out[0] = edge(row, 0, w, erode)
            var x = 1
            if erode {
                while x + 17 <= w {
                    store16(vmin(vmin(load16(row, x - 1), load16(row, x)), load16(row, x + 1)), out, x)
                    x += 16
                }
            } else {
                while x + 17 <= w {
                    store16(vmax(vmax(load16(row, x - 1), load16(row, x)), load16(row, x + 1)), out, x)
                    x += 16
                }
            }
            while x < w {
                out[x] = edge(row, x, w, erode)
                x += 1
            }
        }
        // Vertical pass.
        applyVertical(op, UnsafeBufferPointer(scratch), into: dst, width: w, height: h)
    }

    /// `dst` = op(`src`) over a 3×1 vertical segment (the vertical pass alone): joins a person's
    /// head, body and legs without joining people who walk side by side.
    public static func applyVertical(
        _ op: Operation, _ src: UnsafeBufferPointer<UInt8>, into dst: UnsafeMutableBufferPointer<UInt8>, width w: Int, height h: Int
    ) {
        precondition(src.count >= w * h && dst.count >= w * h, "plane sizes")
        guard w > 0, h > 0 else { return }
        let t = src.baseAddress!, d = dst.baseAddress!
        let erode = op == .erode
        let zero = SIMD16<UInt8>.zero
        for y in 0..<h {
            let mid = t + y * w
            let up = y > 0 ? t + (y - 1) * w : nil
            let down = y + 1 < h ? t + (y + 1) * w : nil
            let out = d + y * w
            var x = 0
            while x + 16 <= w {
                let a = up.map { load16($0, x) } ?? zero
                let c = down.map { load16($0, x) } ?? zero
                let b = load16(mid, x)
                store16(erode ? vmin(vmin(a, b), c) : vmax(vmax(a, b), c), out, x)
                x += 16
            }
            while x < w {
                let a = up?[x] ?? 0, c = down?[x] ?? 0, b = mid[x]
                out[x] = erode ? min(a, b, c) : max(a, b, c)
                x += 1
            }
        }
    }

    /// Scalar reference of ``applyVertical(_:_:into:width:height:)``.
    public static func referenceVertical(_ op: Operation, _ src: [UInt8], width w: Int, height h: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: w * h)
        for y in 0..<h {
            for x in 0..<w {
                var acc: UInt8 = op == .erode ? 255 : 0
                for dy in -1...1 {
                    let yy = y + dy
                    let p: UInt8 = (yy >= 0 && yy < h) ? src[yy * w + x] : 0
                    acc = op == .erode ? min(acc, p) : max(acc, p)
                }
                out[y * w + x] = acc
            }
        }
        return out
    }

    @inline(__always)
    private static func edge(_ row: UnsafePointer<UInt8>, _ x: Int, _ w: Int, _ erode: Bool) -> UInt8 {
        let l: UInt8 = x > 0 ? row[x - 1] : 0
        let r: UInt8 = x + 1 < w ? row[x + 1] : 0
        return erode ? min(l, row[x], r) : max(l, row[x], r)
    }

    /// Scalar reference: the definition the SIMD version is tested against.
    public static func reference(_ op: Operation, _ src: [UInt8], width w: Int, height h: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: w * h)
        for y in 0..<h {
            for x in 0..<w {
                var acc: UInt8 = op == .erode ? 255 : 0
                for dy in -1...1 {
                    for dx in -1...1 {
                        let yy = y + dy, xx = x + dx
                        let p: UInt8 = (yy >= 0 && yy < h && xx >= 0 && xx < w) ? src[yy * w + xx] : 0
                        acc = op == .erode ? min(acc, p) : max(acc, p)
                    }
                }
                out[y * w + x] = acc
            }
        }
        return out
    }
}
