/// 2×2 box downscale of an 8-bit plane: `dst[y][x] = avg of src[2y…2y+1][2x…2x+1]` (rounded).
/// Brings the luma plane to the chroma planes' size, so that the background model works on
/// aligned Y, U and V at a quarter of the pixels; and halves decoded frames that are exactly twice
/// the working size (720p → 360p), much cheaper than a general scaler.
///
/// A plain pointer loop: the compiler vectorises it, and SIMD de-interleaving (even/odd halves)
/// measured slower on this target.
/// - Complexity: O(width × height).
public enum Downsample {
    /// `stride` is the distance between source rows (≥ `width`; decoders pad rows).
    public static func box2x2(
        _ src: UnsafeBufferPointer<UInt8>, width: Int, height: Int, stride: Int? = nil,
        into dst: UnsafeMutableBufferPointer<UInt8>
    ) {
        let ow = width / 2, oh = height / 2, rowStride = stride ?? width
        precondition(rowStride >= width && src.count >= rowStride * (height - 1) + width && dst.count >= ow * oh, "plane sizes")
        guard ow > 0, oh > 0, let s = src.baseAddress, let d = dst.baseAddress else { return }
        for y in 0..<oh {
            let r0 = s + (2 * y) * rowStride, r1 = r0 + rowStride
            let out = d + y * ow
            for x in 0..<ow {
                let a = UInt16(r0[2 * x]) &+ UInt16(r0[2 * x + 1]) &+ UInt16(r1[2 * x]) &+ UInt16(r1[2 * x + 1])
                out[x] = UInt8(truncatingIfNeeded: (a &+ 2) >> 2)
            }
        }
    }
}
