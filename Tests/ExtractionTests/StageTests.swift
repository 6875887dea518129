import Testing
@testable import ImageKernels
@testable import Detection
@testable import Tracking
@testable import Description
@testable import Extraction

/// A uniform colour table for tests: everything is "red" except dark pixels (black).
func testTable() -> [UInt8] {
    var t = [UInt8](repeating: UInt8(ColourName.red.rawValue), count: 32768)
    for i in 0..<32768 where (i >> 10) < 8 { t[i] = UInt8(ColourName.black.rawValue) }
    return t
}

/// A synthetic scene: textured grey ground with a "person" rectangle moving across.
struct Scene {
    let w = 160, h = 120
    func frame(personAt x: Int?, y py: Int = 40, pw: Int = 12, ph: Int = 40, luma: UInt8 = 200, v: UInt8 = 200) -> ([UInt8], [UInt8], [UInt8]) {
        var y = [UInt8](repeating: 0, count: w * h)
        for r in 0..<h { for c in 0..<w { y[r * w + c] = UInt8(90 + (r * 7 + c * 3) % 9) } }
        var u = [UInt8](repeating: 128, count: (w / 2) * (h / 2)), vv = u
        if let x = x {
            for r in py..<(py + ph) { for c in x..<(x + pw) where c >= 0 && c < w { y[r * w + c] = luma } }
            for r in (py / 2)..<((py + ph) / 2) { for c in (x / 2)..<((x + pw) / 2) where c >= 0 && c < w / 2 { vv[r * (w / 2) + c] = v } }
        }
        return (y, u, vv)
    }
}

@Suite("Vision stages")
struct StageTests {
    @Test("background model: empty scene gives no foreground, a new object does")
    func background() {
        var model = SigmaDeltaBackground(width: 80, height: 60)
        let scene = Scene()
        var mask: [UInt8] = []
        func half(_ y: [UInt8]) -> [UInt8] {
            var out = [UInt8](repeating: 0, count: 80 * 60)
            y.withUnsafeBufferPointer { s in out.withUnsafeMutableBufferPointer { Downsample.box2x2(s, width: 160, height: 120, into: $0) } }
            return out
        }
        for i in 0..<30 {
            let (y, u, v) = scene.frame(personAt: nil)
            model.apply(y: half(y), u: u, v: v, time: Double(i) / 10, mask: &mask)
        }
        #expect(mask.allSatisfy { $0 == 0 })
        let (y, u, v) = scene.frame(personAt: 60)
        model.apply(y: half(y), u: u, v: v, time: 3.0, mask: &mask)
        let fg = mask.filter { $0 != 0 }.count
        #expect(fg >= 6 * 20 - 10 && fg <= 6 * 20 + 30, "foreground pixels: \(fg)")
    }

    @Test("background model: a shadow (darker, same chroma) is not foreground")
    func shadow() {
        var model = SigmaDeltaBackground(width: 80, height: 60)
        var mask: [UInt8] = []
        let flat = [UInt8](repeating: 150, count: 80 * 60), grey = [UInt8](repeating: 128, count: 80 * 60)
        for i in 0..<10 { model.apply(y: flat, u: grey, v: grey, time: Double(i) / 10, mask: &mask) }
        var shaded = flat
        for i in 0..<(80 * 20) { shaded[i] = 105 }  // 70 % of the background: a shadow
        for i in (80 * 40)..<(80 * 60) { shaded[i] = 40 }  // far darker: a dark object
        model.apply(y: shaded, u: grey, v: grey, time: 1.1, mask: &mask)
        #expect(mask[0..<(80 * 20)].allSatisfy { $0 == 0 })
        #expect(mask[(80 * 40)...].allSatisfy { $0 == 255 })
    }

    @Test("detector + tracker follow one walker with one id; extractor reads its colour")
    func walker() {
        let scene = Scene()
        let extractor = PersonExtractor(width: 160, height: 120, colourTable: testTable())
        var ids = Set<Int>()
        var ended: [TrackDescriptor] = []
        for i in 0..<60 {
            let x: Int? = (10...50).contains(i) ? 10 + (i - 10) * 3 : nil
            let (y, u, v) = scene.frame(personAt: x)
            let a = extractor.process(y: y, u: u, v: v, time: Double(i) / 10)
            for t in a.tracks { ids.insert(t.id) }
            ended += a.ended
        }
        ended += extractor.finishAll()
        #expect(ids.count == 1)
        #expect(ended.count == 1)
        let d = ended[0]
        #expect(d.upper[.red] > 0.9)
        #expect(abs(d.heightPixels - 40) <= 6)
        // Moving right: heading near 0°, about 30 px/s over 40 px height.
        #expect(d.heading < 10 || d.heading > 350)
        #expect(d.speed > 0.5 && d.speed < 1.0)
    }

    @Test("tracker: two crossing walkers keep their ids; a short gap is bridged")
    func crossing() {
        var tracker = IoUTracker()
        var idsA = Set<Int>(), idsB = Set<Int>()
        for i in 0..<40 {
            let t = Double(i) / 10
            var dets: [Box] = []
            let a = Box(x: Float(10 + i * 4), y: 20, width: 12, height: 40)
            let b = Box(x: Float(170 - i * 4), y: 60, width: 12, height: 40)
            if i != 20 { dets.append(a) }  // A missed for one frame
            dets.append(b)
            let u = tracker.update(detections: dets, time: t)
            for (k, d) in dets.enumerated() {
                if d == a { idsA.insert(u.assignments[k]) } else { idsB.insert(u.assignments[k]) }
            }
        }
        #expect(idsA.count == 1)
        #expect(idsB.count == 1)
        #expect(idsA != idsB)
    }

    @Test("tracker: a track unseen longer than the coast time ends")
    func coast() {
        var tracker = IoUTracker()
        for i in 0..<5 { _ = tracker.update(detections: [Box(x: 10, y: 10, width: 10, height: 30)], time: Double(i) / 10) }
        var ended: [TrackedPerson] = []
        for i in 5..<25 { ended += tracker.update(detections: [], time: Double(i) / 10).ended }
        #expect(ended.count == 1)
        #expect(ended[0].confirmed)
        #expect(tracker.active.isEmpty)
    }

    @Test("perspective model learns h = a·y + b and flags a child")
    func perspective() {
        var m = PerspectiveHeightModel()
        for track in 0..<5 {
            for k in 0..<10 {
                let foot = Float(100 + k * 20 + track)
                m.add(footY: foot, height: 0.5 * foot + 10, track: track)
            }
        }
        for k in 0..<6 { m.add(footY: Float(150 + k * 10), height: 0.6 * (0.5 * Float(150 + k * 10) + 10), track: 99) }  // a child
        let e = m.expectedHeight(footY: 200)!
        #expect(abs(e - 110) < 2)
    }

    @Test("heading angles")
    func heading() {
        #expect(abs(atan2Degrees(0, 1) - 0) < 0.5)
        #expect(abs(atan2Degrees(1, 0) - 90) < 0.5)
        #expect(abs(atan2Degrees(0, -1) - 180) < 0.5)
        #expect(abs(atan2Degrees(-1, 0) - 270) < 0.5)
        #expect(abs(atan2Degrees(1, 1) - 45) < 0.5)
    }

    @Test("colour histogram: counts normalise, intersection and merge")
    func histogram() {
        var counts = [Int](repeating: 0, count: 12)
        counts[ColourName.red.rawValue] = 30
        counts[ColourName.black.rawValue] = 10
        let h = ColourHistogram(counts: counts)
        #expect(h[.red] == 0.75)
        #expect(h.pixels == 40)
        #expect(h.intersection(h) == 1)
        #expect(h.dominant().first?.name == .red)
        let m = h.merged(with: ColourHistogram(counts: [Int](repeating: 0, count: 12)))
        #expect(m == h)
    }
}
