/// Block matching: where a small patch of an 8-bit plane went. Between two runs of the person
/// network the tracker follows each person's appearance (a patch of luma cut at their last detected
/// box) with it, which is far more exact than a constant-velocity guess and costs microseconds.
///
/// The score is the sum of absolute differences (SAD) over the patch; the inner loop is a plain
/// pointer loop over one row, which the compiler turns into `psadbw` on x86 (one instruction per 16
/// pixels).
/// - Complexity: O(patch pixels × (2·radius + 1)²).
public enum PatchMatch {
    /// SAD of the `width`×`height` patch (tightly packed) against the plane at (`x`, `y`), which must
    /// lie inside the plane.
    public static func sad(
        patch: UnsafeBufferPointer<UInt8>, width: Int, height: Int, plane: UnsafeBufferPointer<UInt8>, planeWidth: Int,
        x: Int, y: Int
    ) -> Int {
        guard let p = patch.baseAddress, let q = plane.baseAddress else { return 0 }
        var total = 0
        for r in 0..<height {
            let a = p + r * width, b = q + (y + r) * planeWidth + x
            var row: UInt32 = 0
            for c in 0..<width {
                let d = Int16(a[c]) &- Int16(b[c])
                row &+= UInt32(truncatingIfNeeded: d < 0 ? 0 &- d : d)
            }
            total += Int(row)
        }
        return total
    }

    /// The same, one pixel at a time with bounds-checked arrays: the reference the tests compare with.
    public static func sadReference(patch: [UInt8], width: Int, height: Int, plane: [UInt8], planeWidth: Int, x: Int, y: Int) -> Int {
        var total = 0
        for r in 0..<height {
            for c in 0..<width { total += abs(Int(patch[r * width + c]) - Int(plane[(y + r) * planeWidth + x + c])) }
        }
        return total
    }

    /// The best place for the patch near (`x`, `y`): the offset within ±`radius` (both ways) of least
    /// SAD among positions where the patch lies wholly inside the plane, with that SAD; `nil` when
    /// no position fits. Ties go to the smallest offset (a still person stays put).
    ///
    /// `step` > 1 searches every `step`-th offset and then every offset within `step − 1` of the best
    /// (coarse to fine): (2r/step + 1)² + (2·step − 1)² positions instead of (2r + 1)², at the risk of
    /// missing a narrow minimum between the coarse ones.
    public static func best(
        patch: UnsafeBufferPointer<UInt8>, width: Int, height: Int, plane: UnsafeBufferPointer<UInt8>, planeWidth: Int,
        planeHeight: Int, x: Int, y: Int, radius: Int, step: Int = 1
    ) -> (dx: Int, dy: Int, sad: Int)? {
        precondition(patch.count >= width * height && plane.count >= planeWidth * planeHeight, "plane sizes")
        guard width > 0, height > 0, width <= planeWidth, height <= planeHeight, radius >= 0 else { return nil }
        var found: (dx: Int, dy: Int, sad: Int)?
        func consider(_ dx: Int, _ dy: Int) {
            let px = x + dx, py = y + dy
            guard px >= 0, px + width <= planeWidth, py >= 0, py + height <= planeHeight else { return }
            let s = sad(patch: patch, width: width, height: height, plane: plane, planeWidth: planeWidth, x: px, y: py)
            if let f = found {
                if s < f.sad || (s == f.sad && dx * dx + dy * dy < f.dx * f.dx + f.dy * f.dy) { found = (dx, dy, s) }
            } else {
                found = (dx, dy, s)
            }
        }
        let coarse = max(1, step)
        for dy in stride(from: -radius, through: radius, by: coarse) {
            for dx in stride(from: -radius, through: radius, by: coarse) { consider(dx, dy) }
        }
        if coarse > 1, let c = found {
            for dy in (c.dy - coarse + 1)...(c.dy + coarse - 1) where abs(dy) <= radius {
                for dx in (c.dx - coarse + 1)...(c.dx + coarse - 1) where abs(dx) <= radius && (dx != c.dx || dy != c.dy) {
                    consider(dx, dy)
                }
            }
        }
        return found
    }

    /// Copies the `width`×`height` block at (`x`, `y`) of the plane (which must lie inside it) into a
    /// tightly packed patch.
    public static func cut(plane: UnsafeBufferPointer<UInt8>, planeWidth: Int, x: Int, y: Int, width: Int, height: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: width * height)
        guard let q = plane.baseAddress else { return out }
        out.withUnsafeMutableBufferPointer { o in
            for r in 0..<height {
                (o.baseAddress! + r * width).update(from: q + (y + r) * planeWidth + x, count: width)
            }
        }
        return out
    }
}
