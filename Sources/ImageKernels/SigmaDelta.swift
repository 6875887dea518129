/// The background-difference kernel: a Σ-Δ background estimator (Manzanera & Richefeu 2007) on
/// three aligned 8-bit planes (luma downscaled to chroma size, U, V), fused with a luma
/// shadow test and a chroma test, writing a 0/255 foreground mask.
///
/// Per pixel, with `m` the background estimate and `v` its spread:
/// - `d = |y − m|`; `m` moves toward `y` by `min(d, step)` (step 0 freezes it);
/// - `v` moves one level toward `4·d` (where `d ≠ 0`), clamped to `[vMin, vMax]`;
/// - luma foreground: `d > v`; shadow: darker than `m` but not below `shadowRatio·m`, with no
///   chroma change; chroma foreground: `|u − mu| + |v − mv| > chromaThreshold`;
/// - mask 255 for that (strong) foreground, 128 for weak foreground (half the thresholds), which
///   counts only where it connects to strong foreground (hysteresis, see ``ConnectedComponents``).
///
/// `SIMD16<UInt8>` throughout (see STYLE: 128-bit vectors are native here, 256-bit are not).
/// - Complexity: O(n), about 2 loads + 1 store per plane per 16 pixels.
public enum SigmaDelta {
    public struct Parameters: Sendable, Hashable {
        /// Step for pixels that were background last frame (0 = frozen this frame).
        public var step: UInt8
        /// Step for pixels that were foreground last frame (slower, so people who stand still
        /// fade into the background later).
        public var foregroundStep: UInt8
        public var vMin: UInt8
        public var vMax: UInt8
        public var chromaThreshold: UInt8
        /// Shadow floor as `m >> 1 + m >> shadowShift` (shift 4 → 0.5625·m).
        public var shadowShift: UInt8
        /// Weak foreground (hysteresis): luma difference above half the spread and at least
        /// `weakMinimum`, or chroma above half its threshold. Marked 128; strong pixels are 255.
        public var weakMinimum: UInt8

        public init(
            step: UInt8, foregroundStep: UInt8, vMin: UInt8, vMax: UInt8, chromaThreshold: UInt8, shadowShift: UInt8 = 4,
            weakMinimum: UInt8 = 5
        ) {
            self.step = step
            self.foregroundStep = foregroundStep
            self.vMin = vMin
            self.vMax = vMax
            self.chromaThreshold = chromaThreshold
            self.shadowShift = shadowShift
            self.weakMinimum = weakMinimum
        }
    }

    /// The SIMD kernel. `mask` holds the previous frame's mask on entry (it selects the update
    /// step) and this frame's mask on exit. All buffers have at least `count` elements.
    public static func apply(
        y: UnsafeBufferPointer<UInt8>, u: UnsafeBufferPointer<UInt8>, v: UnsafeBufferPointer<UInt8>,
        meanY: UnsafeMutableBufferPointer<UInt8>, spreadY: UnsafeMutableBufferPointer<UInt8>,
        meanU: UnsafeMutableBufferPointer<UInt8>, meanV: UnsafeMutableBufferPointer<UInt8>,
        mask: UnsafeMutableBufferPointer<UInt8>, count n: Int, parameters p: Parameters
    ) {
        precondition(y.count >= n && u.count >= n && v.count >= n && meanY.count >= n && spreadY.count >= n
            && meanU.count >= n && meanV.count >= n && mask.count >= n, "buffer sizes")
        guard n > 0 else { return }
        let py = y.baseAddress!, pu = u.baseAddress!, pv = v.baseAddress!
        let my = meanY.baseAddress!, sy = spreadY.baseAddress!, mu = meanU.baseAddress!, mv = meanV.baseAddress!
        let pm = mask.baseAddress!
        let stepB = SIMD16<UInt8>(repeating: p.step), stepF = SIMD16<UInt8>(repeating: p.foregroundStep)
        let vlo = SIMD16<UInt8>(repeating: p.vMin), vhi = SIMD16<UInt8>(repeating: p.vMax)
        let tc = SIMD16<UInt8>(repeating: p.chromaThreshold)
        let one = SIMD16<UInt8>(repeating: 1), full = SIMD16<UInt8>(repeating: 255), zero = SIMD16<UInt8>.zero
        let sixtyThree = SIMD16<UInt8>(repeating: 63)
        let shift = SIMD16<UInt8>(repeating: p.shadowShift)
        let weakMin = SIMD16<UInt8>(repeating: p.weakMinimum), half = SIMD16<UInt8>(repeating: 128)
        let tcHalf = SIMD16<UInt8>(repeating: p.chromaThreshold / 2)
        var i = 0
        while i + 16 <= n {
            let prev = load16(pm, i)
            let step = stepB.replacing(with: stepF, where: prev .!= zero)
            // Luma: difference, mean update, spread update.
            let yv = load16(py, i)
            var m = load16(my, i)
            let d = vabsdiff(yv, m)
            let above = yv .> m, below = yv .< m
            let shadowFloor = (m &>> 1) &+ (m &>> shift)
            let s = vmin(d, step)
            m = m.replacing(with: m &+ s, where: above)
            m = m.replacing(with: m &- s, where: below)
            store16(m, my, i)
            var sp = load16(sy, i)
            let d4 = (d &<< 2).replacing(with: full, where: d .> sixtyThree)
            let moving = d .!= zero
            sp = sp.replacing(with: sp &+ one, where: moving .& (d4 .> sp))
            sp = sp.replacing(with: sp &- one, where: moving .& (d4 .< sp))
            sp = vmin(vmax(sp, vlo), vhi)
            store16(sp, sy, i)
            // Chroma: difference to the mean, and mean update.
            let uv = load16(pu, i), vv = load16(pv, i)
            var mU = load16(mu, i), mV = load16(mv, i)
            let dc = vaddsat(vabsdiff(uv, mU), vabsdiff(vv, mV))
            let su = vmin(vabsdiff(uv, mU), step), sv = vmin(vabsdiff(vv, mV), step)
            mU = mU.replacing(with: mU &+ su, where: uv .> mU)
            mU = mU.replacing(with: mU &- su, where: uv .< mU)
            mV = mV.replacing(with: mV &+ sv, where: vv .> mV)
            mV = mV.replacing(with: mV &- sv, where: vv .< mV)
            store16(mU, mu, i)
            store16(mV, mv, i)
            // Decision.
            let chromaFG = dc .> tc
            let shadow = below .& (yv .>= shadowFloor) .& .!chromaFG
            let fg = ((d .> sp) .& .!shadow) .| chromaFG
            let weak = ((d .> (sp &>> 1)) .& (d .>= weakMin) .& .!shadow) .| (dc .> tcHalf)
            store16(zero.replacing(with: half, where: weak).replacing(with: full, where: fg), pm, i)
            i += 16
        }
        if i < n {
            reference(
                y: UnsafeBufferPointer(rebasing: y[i..<n]), u: UnsafeBufferPointer(rebasing: u[i..<n]),
                v: UnsafeBufferPointer(rebasing: v[i..<n]),
                meanY: UnsafeMutableBufferPointer(rebasing: meanY[i..<n]),
                spreadY: UnsafeMutableBufferPointer(rebasing: spreadY[i..<n]),
                meanU: UnsafeMutableBufferPointer(rebasing: meanU[i..<n]),
                meanV: UnsafeMutableBufferPointer(rebasing: meanV[i..<n]),
                mask: UnsafeMutableBufferPointer(rebasing: mask[i..<n]), count: n - i, parameters: p)
        }
    }

    /// Scalar reference implementation: the definition the SIMD kernel is tested against, and
    /// the tail loop.
    public static func reference(
        y: UnsafeBufferPointer<UInt8>, u: UnsafeBufferPointer<UInt8>, v: UnsafeBufferPointer<UInt8>,
        meanY: UnsafeMutableBufferPointer<UInt8>, spreadY: UnsafeMutableBufferPointer<UInt8>,
        meanU: UnsafeMutableBufferPointer<UInt8>, meanV: UnsafeMutableBufferPointer<UInt8>,
        mask: UnsafeMutableBufferPointer<UInt8>, count n: Int, parameters p: Parameters
    ) {
        for i in 0..<n {
            let step = Int(mask[i] != 0 ? p.foregroundStep : p.step)
            let yv = Int(y[i]), m0 = Int(meanY[i])
            let d = abs(yv - m0)
            let s = min(d, step)
            meanY[i] = UInt8(yv > m0 ? m0 + s : (yv < m0 ? m0 - s : m0))
            var sp = Int(spreadY[i])
            let d4 = d > 63 ? 255 : d * 4
            if d != 0 {
                if d4 > sp { sp += 1 } else if d4 < sp { sp -= 1 }
            }
            sp = min(max(sp, Int(p.vMin)), Int(p.vMax))
            spreadY[i] = UInt8(sp)
            let du = abs(Int(u[i]) - Int(meanU[i])), dv = abs(Int(v[i]) - Int(meanV[i]))
            let dc = min(255, du + dv)
            let su = min(du, step), sv = min(dv, step)
            meanU[i] = UInt8(Int(u[i]) > Int(meanU[i]) ? Int(meanU[i]) + su : (Int(u[i]) < Int(meanU[i]) ? Int(meanU[i]) - su : Int(meanU[i])))
            meanV[i] = UInt8(Int(v[i]) > Int(meanV[i]) ? Int(meanV[i]) + sv : (Int(v[i]) < Int(meanV[i]) ? Int(meanV[i]) - sv : Int(meanV[i])))
            let chromaFG = dc > Int(p.chromaThreshold)
            let floor = (m0 >> 1) + (m0 >> Int(p.shadowShift))
            let shadow = yv < m0 && yv >= floor && !chromaFG
            let fg = (d > sp && !shadow) || chromaFG
            let weak = (d > sp >> 1 && d >= Int(p.weakMinimum) && !shadow) || dc > Int(p.chromaThreshold / 2)
            mask[i] = fg ? 255 : (weak ? 128 : 0)
        }
    }
}
