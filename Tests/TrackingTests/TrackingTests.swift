import Detection
import Testing
import Tracking

/// One frame of detector output for the tracker: a network round that looked at the whole frame, or
/// no round at all.
func round(_ boxes: [Box], score: Float = 0.8, looked: Set<Int> = []) -> DetectorOutput {
    DetectorOutput(
        detections: boxes.map { Detection(box: $0, score: score) }, isRound: true,
        looked: [Box(x: 0, y: 0, width: 320, height: 240)], motion: [], lookedAtTracks: looked)
}

let between = DetectorOutput(detections: [], isRound: false, looked: [], motion: [])

@Suite("Tracking on network boxes")
struct DetectionTrackerTests {
    @Test("two people walking side by side stay two tracks with their own ids")
    func sideBySide() {
        var t = DetectionTracker(width: 320, height: 240)
        var ids: [Set<Int>] = [[], []]
        for i in 0..<50 {
            let x = Float(20 + 3 * i)
            let a = Box(x: x, y: 100, width: 20, height: 60), b = Box(x: x + 8, y: 102, width: 20, height: 60)
            #expect(a.iou(b) > 0.3)
            let out = i % 2 == 0 ? round([a, b], looked: Set(t.active.map(\.id))) : between
            let u = t.update(out, foreground: nil, time: Double(i) / 10)
            if out.isRound {
                ids[0].insert(u.assignments[0])
                ids[1].insert(u.assignments[1])
            }
        }
        #expect(ids[0].count == 1 && ids[1].count == 1)
        #expect(ids[0] != ids[1])
        #expect(t.visible.count == 2)
    }

    @Test("a person standing still for 60 s, looked at every 2 s, keeps one track; once gone, it ends")
    func standingStill() {
        var t = DetectionTracker(width: 320, height: 240)
        let person = Box(x: 150, y: 90, width: 22, height: 64)
        // The scene as the motion stage gives it (half size): a still, textured person, no motion.
        var luma = [UInt8](repeating: 80, count: 160 * 120)
        for y in 45..<77 { for x in 75..<86 { luma[y * 160 + x] = UInt8(truncatingIfNeeded: 120 + (x * 29 + y * 13) % 100) } }
        let still = ForegroundView(mask: [UInt8](repeating: 0, count: 160 * 120), luma: luma, width: 160, height: 120)
        var seen = Set<Int>()
        var shownFrames = 0
        let fps = 5.0
        for i in 0..<Int(62 * fps) {
            let time = Double(i) / fps
            let look = i % 10 == 0  // the detector's still-person recheck: every 2 s
            let u = t.update(look ? round([person], looked: Set(t.active.map(\.id))) : between, foreground: still, time: time)
            if look { seen.insert(u.assignments[0]) }
            #expect(u.ended.isEmpty)
            if t.visible.count == 1 { shownFrames += 1 }
        }
        #expect(seen.count == 1)
        #expect(shownFrames >= Int(61 * fps))
        // The person leaves: three looks that find nobody end the track.
        var ended: [TrackedPerson] = []
        for k in 0..<20 {
            let time = 62 + Double(k) * 0.5
            ended += t.update(round([], looked: Set(t.active.map(\.id))), foreground: still, time: time).ended
        }
        #expect(ended.map(\.id) == Array(seen))
    }

    @Test("a box seen once and not found on the next look is dropped, never shown twice")
    func flicker() {
        var c = DetectionTrackerConfiguration()
        c.hitsToConfirm = 2
        var t = DetectionTracker(width: 320, height: 240, configuration: c)
        _ = t.update(round([Box(x: 10, y: 10, width: 20, height: 50)]), foreground: nil, time: 0)
        #expect(t.visible.isEmpty)
        let u = t.update(round([], looked: Set(t.active.map(\.id))), foreground: nil, time: 0.2)
        #expect(u.ended.count == 1)
        #expect(t.active.isEmpty)
    }

    @Test("a weak box keeps a track going but does not start one")
    func weakBoxes() {
        var t = DetectionTracker(width: 320, height: 240)
        let box = Box(x: 50, y: 50, width: 20, height: 60)
        let weak = DetectionTrackerConfiguration().keepScore + 0.05
        #expect(weak < DetectionTrackerConfiguration().birthScore)
        _ = t.update(round([Box(x: 200, y: 50, width: 20, height: 60)], score: weak), foreground: nil, time: 0)
        #expect(t.active.isEmpty)
        let first = t.update(round([box], score: 0.9), foreground: nil, time: 0.2).assignments[0]
        let again = t.update(round([box], score: weak, looked: Set(t.active.map(\.id))), foreground: nil, time: 0.4).assignments[0]
        #expect(again == first)
    }

    @Test("between rounds the box follows the person's appearance in the luma plane")
    func followsAppearance() {
        // A textured figure on a flat background moving 2 px right per frame (half-size plane 160×120).
        let w = 160, h = 120
        func plane(offset: Int) -> [UInt8] {
            var p = [UInt8](repeating: 90, count: w * h)
            for y in 30..<62 { for x in 40..<52 { p[y * w + x + offset] = UInt8(truncatingIfNeeded: 40 + (x * 37 + y * 11) % 150) } }
            return p
        }
        var t = DetectionTracker(width: 2 * w, height: 2 * h)
        let start = Box(x: 76, y: 56, width: 32, height: 72)  // the figure in working pixels
        let fg = ForegroundView(mask: [UInt8](repeating: 0, count: w * h), luma: plane(offset: 0), width: w, height: h)
        _ = t.update(round([start], score: 0.9), foreground: fg, time: 0)
        for i in 1...10 {
            let view = ForegroundView(mask: [UInt8](repeating: 0, count: w * h), luma: plane(offset: i), width: w, height: h)
            _ = t.update(between, foreground: view, time: Double(i) / 25)
        }
        let box = t.active[0].box
        #expect(abs(box.x - (start.x + 20)) <= 2, "box at \(box.x), person at \(start.x + 20)")
        #expect(abs(box.y - start.y) <= 2)
        #expect(t.active[0].velocity.x > 30)  // 2 working px... per 1/25 s ≈ 100 px/s, smoothed
    }

    @Test("a track leaving the frame ends as it goes out")
    func leaves() {
        var t = DetectionTracker(width: 320, height: 240)
        var ended = 0
        for i in 0..<40 {
            let x = Float(260 + 6 * i)
            let inFrame = x + 20 <= 320
            let out = round(inFrame ? [Box(x: x, y: 100, width: 20, height: 60)] : [], looked: [])
            ended += t.update(out, foreground: nil, time: Double(i) / 10).ended.count
        }
        #expect(ended == 1)
        #expect(t.active.isEmpty)
    }
}
