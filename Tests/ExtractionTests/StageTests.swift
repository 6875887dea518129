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
    func walker() throws {
        let scene = Scene()
        let extractor = PersonExtractor(width: 160, height: 120, colourTable: testTable())
        var ids = Set<Int>()
        var ended: [TrackDescriptor] = []
        for i in 0..<60 {
            let x: Int? = (10...50).contains(i) ? 10 + (i - 10) * 3 : nil
            let (y, u, v) = scene.frame(personAt: x)
            let a = try extractor.process(y: y, u: u, v: v, time: Double(i) / 10)
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

/// The scene's clock, shared by a test and its scripted network.
final class SceneClock {
    var time = 0.0
}

/// A stand-in for the person network that knows where the people of a synthetic scene are and
/// reports those wholly inside a crop: what is tested is the planner, the sweep and the tracker.
struct ScriptedNetwork: PersonNetwork {
    var people: (Double) -> [Box]
    let clock: SceneClock

    mutating func detect(_ frame: PlanarFrame, crops: [Box], minimumScore: Float) throws -> [[NetworkDetection]] {
        let now = people(clock.time)
        return crops.enumerated().map { i, c in now.filter { c.contains($0) }.map { NetworkDetection(box: $0, score: 0.9, truncated: false, crop: i) } }
    }
}

/// A dark scene (black in the test table) with one bright ("red") person standing at `box`.
func stillScene(_ box: Box?, w: Int = 320, h: Int = 240) -> ([UInt8], [UInt8], [UInt8]) {
    var y = [UInt8](repeating: 0, count: w * h)
    for r in 0..<h { for c in 0..<w { y[r * w + c] = UInt8(36 + (r * 7 + c * 3) % 9) } }
    if let b = box {
        for r in Int(b.y)..<Int(b.maxY) { for c in Int(b.x)..<Int(b.maxX) { y[r * w + c] = 200 } }
    }
    let chroma = [UInt8](repeating: 128, count: (w / 2) * (h / 2))
    return (y, chroma, chroma)
}

@Suite("The learned extractor keeps people who stand still")
struct StillPersonTests {
    @Test("a person standing still from the first frame for 60 s: found by the sweep, one track to the end, colour read without motion")
    func standingFromTheStart() throws {
        let person = Box(x: 150, y: 80, width: 20, height: 60)
        let (y, u, v) = stillScene(person)
        let network = ScriptedNetwork(people: { _ in [person] }, clock: SceneClock())
        let extractor = PersonExtractor(width: 320, height: 240, colourTable: testTable(), network: network)
        var ids = Set<Int>(), firstShown: Double?, shown = 0
        let fps = 5.0, frames = Int(70 * fps)
        for i in 0..<frames {
            let time = Double(i) / fps
            let a = try extractor.process(y: y, u: u, v: v, time: time)
            for t in a.tracks {
                ids.insert(t.id)
                if firstShown == nil { firstShown = time }
                shown += 1
            }
        }
        // The sweep covers the frame in 8 s; from then on the person is shown in every frame.
        let first = try #require(firstShown)
        #expect(first <= 8)
        #expect(ids.count == 1)
        #expect(shown >= frames - Int((first + 0.2) * fps))
        let ended = extractor.finishAll()
        #expect(ended.count == 1)
        let d = try #require(ended.first)
        #expect(d.upper[.red] > 0.9)  // read from the box with no motion mask at all
        #expect(d.loiterSeconds > 55)
        #expect(abs(d.heightPixels - 60) < 1)
        // The motion-only extractor never sees someone who was there before it started.
        let motion = PersonExtractor(width: 320, height: 240, colourTable: testTable())
        var motionTracks = 0
        for i in 0..<frames { motionTracks += try motion.process(y: y, u: u, v: v, time: Double(i) / fps).tracks.count }
        #expect(motionTracks == 0)
    }

    @Test("a person who walks in and stands for 60 s keeps one track, where the motion-only one fades")
    func walksInAndStops() throws {
        let fps = 5.0
        func where_(_ t: Double) -> Box? {
            if t < 2 { return nil }
            let x = min(150, 10 + Float(t - 2) * 50)  // walks in over ~3 s, then stands
            return Box(x: x, y: 80, width: 20, height: 60)
        }
        let clock = SceneClock()
        let network = ScriptedNetwork(people: { t in where_(t).map { [$0] } ?? [] }, clock: clock)
        let learned = PersonExtractor(width: 320, height: 240, colourTable: testTable(), network: network)
        let motion = PersonExtractor(width: 320, height: 240, colourTable: testTable())
        var learnedIDs = Set<Int>(), learnedLate = 0, motionLate = 0
        for i in 0..<Int(70 * fps) {
            let t = Double(i) / fps
            let (y, u, v) = stillScene(where_(t))
            clock.time = t
            let a = try learned.process(y: y, u: u, v: v, time: t)
            let m = try motion.process(y: y, u: u, v: v, time: t)
            learnedIDs.formUnion(a.tracks.map(\.id))
            if t > 60 {
                learnedLate += a.tracks.count
                motionLate += m.tracks.count
            }
        }
        #expect(learnedIDs.count == 1)
        #expect(learnedLate >= Int(9.5 * fps))
        #expect(motionLate == 0)  // faded into the background long before
    }
}
