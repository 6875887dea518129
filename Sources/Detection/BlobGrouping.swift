/// Joins blobs that are fragments of one upright person: background subtraction often loses a
/// torso whose colour is close to the ground behind it, leaving head and legs as separate
/// blobs. Two blobs are joined when they overlap horizontally by `overlap` of the narrower one,
/// the vertical gap between them is at most `gap` × the taller one's height, and the joined box
/// is still person-shaped (height ≥ `aspect` × width); or when a small fragment (≤ 35 % of the
/// other's area: a striding leg, an arm) lies beside the body within a tenth of its height.
/// Repeats until nothing joins.
/// - Complexity: O(n³) in the worst case for n blobs; n is small (tens) after the area filter.
public enum BlobGrouping {
    public static func group(_ blobs: [Blob], overlap: Float, gap: Float, aspect: Float) -> [Blob] {
        var out = blobs
        var merged = true
        while merged {
            merged = false
            search: for i in 0..<out.count {
                for j in (i + 1)..<out.count where joinable(out[i], out[j], overlap, gap, aspect) {
                    let a = out[i], b = out[j]
                    out[i] = Blob(
                        minX: min(a.minX, b.minX), minY: min(a.minY, b.minY), maxX: max(a.maxX, b.maxX),
                        maxY: max(a.maxY, b.maxY), area: a.area + b.area, strong: a.strong + b.strong)
                    out.remove(at: j)
                    merged = true
                    break search
                }
            }
        }
        return out
    }

    static func joinable(_ a: Blob, _ b: Blob, _ overlap: Float, _ gap: Float, _ aspect: Float) -> Bool {
        let w = max(a.maxX, b.maxX) - min(a.minX, b.minX) + 1
        let h = max(a.maxY, b.maxY) - min(a.minY, b.minY) + 1
        guard Float(h) >= aspect * Float(w) else { return false }
        let ox = min(a.maxX, b.maxX) - max(a.minX, b.minX) + 1
        let vgap = max(a.minY, b.minY) - min(a.maxY, b.maxY) - 1
        let tall = Float(max(a.height, b.height))
        // Stacked: head over torso over legs.
        if Float(ox) >= overlap * Float(min(a.width, b.width)) && Float(vgap) <= gap * tall { return true }
        // Beside: a small fragment (a striding leg, a swinging arm) next to the body, within
        // a tenth of the body's height, and overlapping it vertically.
        let (big, small) = a.area >= b.area ? (a, b) : (b, a)
        let hgap = max(a.minX, b.minX) - min(a.maxX, b.maxX) - 1
        return Float(small.area) <= 0.35 * Float(big.area) && vgap < 0 && Float(hgap) <= 0.1 * tall
            && small.maxY <= big.maxY + big.height / 10 && small.minY >= big.minY - big.height / 10
    }
}
