import Testing
@testable import Detection
@testable import Description

/// A table that names by luma and chroma only: neutral pixels black below 64, grey to 199, white
/// from 200; bluish (Cb well above neutral) blue; anything else red.
private func lumaTable() -> [UInt8] {
    var t = [UInt8](repeating: UInt8(ColourName.red.rawValue), count: 32768)
    for i in 0..<32768 {
        let y = (i >> 10) << 3, u = ((i >> 5) & 31) << 3, v = (i & 31) << 3
        let du = u + 4 - 128, dv = v + 4 - 128
        if abs(du) <= 12 && abs(dv) <= 12 {
            t[i] = UInt8((y < 64 ? ColourName.black : y < 200 ? ColourName.grey : ColourName.white).rawValue)
        } else if du > 12 && abs(dv) <= 12 {
            t[i] = UInt8(ColourName.blue.rawValue)
        }
    }
    return t
}

/// A half-size scene of `count` pixels: `share` of them at (y, u, v), the rest at (restY, 128, 128).
private func scene(count: Int = 4000, y: UInt8, u: UInt8 = 128, v: UInt8 = 128, share: Double = 1, restY: UInt8 = 100)
    -> ([UInt8], [UInt8], [UInt8])
{
    let n = Int(Double(count) * share)
    return ((0..<count).map { $0 < n ? y : restY }, (0..<count).map { $0 < n ? u : 128 }, (0..<count).map { $0 < n ? v : 128 })
}

@Suite("Scene light (exposure and colour cast before naming)")
struct SceneLightTests {
    @Test("the neutral light maps every value to itself")
    func neutralMaps() {
        let m = SceneLight.neutral.maps()
        #expect(m.y == (0..<256).map { UInt8($0) })
        #expect(m.u == (0..<256).map { UInt8($0) })
        #expect(m.v == (0..<256).map { UInt8($0) })
    }

    @Test("gain scales about black (Y 16) and neutral chroma (128); the cast comes off before the gain")
    func mapsByHand() {
        let m = SceneLight(gain: 1.5, castU: 6, castV: -4).maps()
        #expect(m.y[16] == 16)
        #expect(m.y[150] == 217)  // 16 + 134 × 1.5
        #expect(m.y[250] == 255)  // clipped
        #expect(m.y[0] == 0)
        #expect(m.u[134] == 128)  // the cast itself becomes neutral
        #expect(m.u[144] == 143)  // 128 + (144 − 128 − 6) × 1.5
        #expect(m.v[124] == 128)
        #expect(m.v[110] == 107)  // 128 + (110 − 128 + 4) × 1.5 = 107
    }

    @Test("a dim scene is lifted until its white is white, but no further than the maximum gain")
    func exposure() {
        var estimator = SceneLightEstimator()
        // The brightest common surfaces at 150: white is 235, so the gain would be 219/134 = 1.63.
        let (y, u, v) = scene(y: 150, share: 0.5, restY: 90)
        let changed1 = estimator.update(y: y, u: u, v: v, time: 0)
        #expect(changed1)
        #expect(estimator.light.gain == 1.5)
        var lenient = SceneLightConfiguration()
        lenient.maximumGain = 2
        var other = SceneLightEstimator(configuration: lenient)
        _ = other.update(y: y, u: u, v: v, time: 0)
        #expect(abs(other.light.gain - 219.0 / 134.0) < 0.001)
    }

    @Test("a bright scene is left as it is")
    func brightScene() {
        var estimator = SceneLightEstimator()
        let (y, u, v) = scene(y: 240, share: 0.1, restY: 120)
        let changed2 = estimator.update(y: y, u: u, v: v, time: 0)
        #expect(!changed2)
        #expect(estimator.light == .neutral)
    }

    @Test("a bluish cast on neutral paving is taken off; a lawn's strong green is the scene's own colour")
    func cast() {
        var estimator = SceneLightEstimator()
        let (y, u, v) = scene(y: 200, u: 133, v: 126)  // grey paving, a little blue
        _ = estimator.update(y: y, u: u, v: v, time: 0)
        #expect(estimator.light.castU == 5)
        #expect(estimator.light.castV == -2)

        var lawn = SceneLightEstimator()
        let (ly, lu, lv) = scene(y: 200, u: 100, v: 110)  // far from neutral: nothing counts toward the cast
        _ = lawn.update(y: ly, u: lu, v: lv, time: 0)
        #expect(lawn.light.castU == 0 && lawn.light.castV == 0)

        var strong = SceneLightEstimator()
        let (sy, su, sv) = scene(y: 200, u: 148, v: 128)  // near-neutral but a strong cast: clamped to the maximum
        _ = strong.update(y: sy, u: su, v: sv, time: 0)
        #expect(strong.light.castU == 8)
    }

    @Test("estimates come once per interval and move half way each time; disabled, the light stays neutral")
    func smoothingAndInterval() {
        var estimator = SceneLightEstimator()
        let dim = scene(y: 120, share: 0.5, restY: 60)  // gain 1.5 (clamped)
        _ = estimator.update(y: dim.0, u: dim.1, v: dim.2, time: 0)
        #expect(estimator.light.gain == 1.5)
        let bright = scene(y: 235, share: 0.5, restY: 60)  // gain 1
        let changed3 = estimator.update(y: bright.0, u: bright.1, v: bright.2, time: 1)
        #expect(!changed3)  // not yet due
        #expect(estimator.light.gain == 1.5)
        let changed4 = estimator.update(y: bright.0, u: bright.1, v: bright.2, time: 2)
        #expect(changed4)
        #expect(estimator.light.gain == 1.25)

        var off = SceneLightConfiguration()
        off.enabled = false
        var disabled = SceneLightEstimator(configuration: off)
        let changed5 = disabled.update(y: dim.0, u: dim.1, v: dim.2, time: 0)
        #expect(!changed5)
        #expect(disabled.light == .neutral)
    }

    @Test("a white shirt in a dim scene is grey to the bare table and white with the scene's light")
    func samplerUsesLight() {
        let w = 40, h = 80
        let y = [UInt8](repeating: 150, count: w * h)
        let u = [UInt8](repeating: 128, count: (w / 2) * (h / 2)), v = u
        let mask = [UInt8](repeating: 255, count: (w / 2) * (h / 2))
        let box = Box(x: 0, y: 0, width: Float(w), height: Float(h))
        var sampler = ColourSampler(table: lumaTable())
        let bare = sampler.sample(box, y: y, u: u, v: v, width: w, height: h, mask: mask, maskWidth: w / 2)
        #expect(bare.upper[ColourName.grey.rawValue] == bare.upperForeground && bare.upperForeground > 0)
        sampler.light = SceneLight(gain: 1.5)
        let lit = sampler.sample(box, y: y, u: u, v: v, width: w, height: h, mask: mask, maskWidth: w / 2)
        #expect(lit.upper[ColourName.white.rawValue] == lit.upperForeground && lit.upperForeground > 0)

        // A bluish cast (Cb 136) makes grey paving blue to the bare table; with the cast taken off it is grey.
        let bluish = [UInt8](repeating: 144, count: (w / 2) * (h / 2))
        let greyY = [UInt8](repeating: 120, count: w * h)
        sampler.light = .neutral
        #expect(sampler.sample(box, y: greyY, u: bluish, v: v, width: w, height: h, mask: mask, maskWidth: w / 2)
            .upper[ColourName.blue.rawValue] > 0)
        sampler.light = SceneLight(gain: 1, castU: 16, castV: 0)
        let corrected = sampler.sample(box, y: greyY, u: bluish, v: v, width: w, height: h, mask: mask, maskWidth: w / 2)
        #expect(corrected.upper[ColourName.grey.rawValue] == corrected.upperForeground)
    }

    @Test("textured ground at a motion box's edge is ground by the cells beside it; a network's box keeps the exact test")
    func texturedGround() {
        let w = 40, h = 80, cw = w / 2, ch = h / 2
        // The half-size background: stripes of luma 40 and 100 a cell wide (grass, gravel).
        var bgY = [UInt8](repeating: 0, count: cw * ch)
        for i in 0..<(cw * ch) { bgY[i] = (i % cw) % 2 == 0 ? 40 : 100 }
        let neutral = [UInt8](repeating: 128, count: cw * ch)
        // The frame shows the same ground, shifted by one cell: 60 luma off its own cell (and not its
        // shadow), equal to the cells beside it.
        var y = [UInt8](repeating: 0, count: w * h)
        for r in 0..<h { for x in 0..<w { y[r * w + x] = ((x >> 1) % 2 == 0) ? 100 : 40 } }
        let mask = [UInt8](repeating: 255, count: cw * ch)
        let box = Box(x: 0, y: 0, width: Float(w), height: Float(h))
        let sampler = ColourSampler(table: lumaTable())
        let background = (y: bgY, u: neutral, v: neutral)
        let motion = sampler.sample(box, y: y, u: neutral, v: neutral, width: w, height: h, mask: mask, maskWidth: cw,
                                    background: background, withoutMotion: false)
        #expect(motion.upperArea > 0)
        #expect(motion.upperForeground == 0 && motion.lowerForeground == 0)
        let network = sampler.sample(box, y: y, u: neutral, v: neutral, width: w, height: h, mask: mask, maskWidth: cw,
                                     background: background, withoutMotion: true)
        #expect(network.upperForeground == network.upperArea && network.upperArea > 0)
        #expect(network.upper[ColourName.grey.rawValue] + network.upper[ColourName.black.rawValue] == network.upperForeground)

        // Clothing unlike every cell around it is kept in both.
        let shirt = [UInt8](repeating: 220, count: w * h)
        let worn = sampler.sample(box, y: shirt, u: neutral, v: neutral, width: w, height: h, mask: mask, maskWidth: cw,
                                  background: background, withoutMotion: false)
        #expect(worn.upperForeground == worn.upperArea && worn.upper[ColourName.white.rawValue] == worn.upperForeground)
    }
}
