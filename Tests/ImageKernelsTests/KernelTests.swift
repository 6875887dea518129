import Foundation
import Testing
@testable import ImageKernels
@testable import Detection

/// Deterministic pseudo-random bytes (SplitMix64), so failures reproduce.
struct SeededBytes {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func bytes(_ n: Int, _ range: ClosedRange<UInt8> = 0...255) -> [UInt8] {
        (0..<n).map { _ in UInt8(truncatingIfNeeded: Int(range.lowerBound) + Int(next() % UInt64(Int(range.upperBound) - Int(range.lowerBound) + 1))) }
    }
}

@Suite("SIMD kernels match their scalar references")
struct KernelTests {
    @Test("Σ-Δ background kernel equals the reference over many random frames", arguments: [16, 17, 333, 57_600])
    func sigmaDelta(count n: Int) {
        var rng = SeededBytes(state: UInt64(n))
        let p = SigmaDelta.Parameters(step: 2, foregroundStep: 1, vMin: 10, vMax: 60, chromaThreshold: 14, weakMinimum: 5)
        var a = (my: rng.bytes(n), sy: rng.bytes(n, 10...60), mu: rng.bytes(n), mv: rng.bytes(n), mask: rng.bytes(n, 0...1).map { $0 * 255 })
        var b = a
        for _ in 0..<5 {
            let y = rng.bytes(n), u = rng.bytes(n), v = rng.bytes(n)
            y.withUnsafeBufferPointer { yb in u.withUnsafeBufferPointer { ub in v.withUnsafeBufferPointer { vb in
                a.my.withUnsafeMutableBufferPointer { my in a.sy.withUnsafeMutableBufferPointer { sy in
                a.mu.withUnsafeMutableBufferPointer { mu in a.mv.withUnsafeMutableBufferPointer { mv in
                a.mask.withUnsafeMutableBufferPointer { m in
                    SigmaDelta.apply(y: yb, u: ub, v: vb, meanY: my, spreadY: sy, meanU: mu, meanV: mv, mask: m, count: n, parameters: p)
                } } } } }
                b.my.withUnsafeMutableBufferPointer { my in b.sy.withUnsafeMutableBufferPointer { sy in
                b.mu.withUnsafeMutableBufferPointer { mu in b.mv.withUnsafeMutableBufferPointer { mv in
                b.mask.withUnsafeMutableBufferPointer { m in
                    SigmaDelta.reference(y: yb, u: ub, v: vb, meanY: my, spreadY: sy, meanU: mu, meanV: mv, mask: m, count: n, parameters: p)
                } } } } }
            } } }
            #expect(a.my == b.my)
            #expect(a.sy == b.sy)
            #expect(a.mu == b.mu)
            #expect(a.mv == b.mv)
            #expect(a.mask == b.mask)
        }
    }

    @Test("morphology equals the 3x3 (and 3x1 vertical) reference", arguments: [(1, 1), (5, 3), (17, 9), (40, 23), (320, 180)])
    func morphology(size: (Int, Int)) {
        let (w, h) = size
        var rng = SeededBytes(state: UInt64(w * 1000 + h))
        let src = rng.bytes(w * h, 0...2).map { $0 == 0 ? UInt8(0) : 255 }
        for op in [Morphology.Operation.erode, .dilate] {
            var dst = [UInt8](repeating: 7, count: w * h), scratch = dst
            src.withUnsafeBufferPointer { s in dst.withUnsafeMutableBufferPointer { d in scratch.withUnsafeMutableBufferPointer { t in
                Morphology.apply(op, s, into: d, scratch: t, width: w, height: h)
            } } }
            #expect(dst == Morphology.reference(op, src, width: w, height: h), "\(op) \(w)x\(h)")
            var vertical = [UInt8](repeating: 7, count: w * h)
            src.withUnsafeBufferPointer { s in vertical.withUnsafeMutableBufferPointer { d in
                Morphology.applyVertical(op, s, into: d, width: w, height: h)
            } }
            #expect(vertical == Morphology.referenceVertical(op, src, width: w, height: h), "vertical \(op) \(w)x\(h)")
        }
    }

    @Test("2x2 downscale averages with rounding")
    func downsample() {
        let src: [UInt8] = [0, 2, 10, 20, 1, 1, 30, 41]  // 4x2
        var dst = [UInt8](repeating: 0, count: 2)
        src.withUnsafeBufferPointer { s in dst.withUnsafeMutableBufferPointer { Downsample.box2x2(s, width: 4, height: 2, into: $0) } }
        #expect(dst == [1, 25])  // (0+2+1+1+2)/4 = 1; (10+20+30+41+2)/4 = 25
    }

    @Test("connected components equal flood fill on random masks", arguments: [1, 2, 3, 4, 5])
    func components(seed: UInt64) {
        var rng = SeededBytes(state: seed)
        let w = 37 + Int(seed) * 11, h = 23 + Int(seed) * 7
        // Strong (255), weak (128) and background pixels.
        let mask = rng.bytes(w * h, 0...5).map { $0 == 0 ? UInt8(255) : ($0 == 1 ? 128 : 0) }
        var cc = ConnectedComponents()
        let got = mask.withUnsafeBufferPointer { cc.label($0, width: w, height: h) }
        let want = ConnectedComponents.reference(mask, width: w, height: h)
        func key(_ b: Blob) -> [Int] { [b.minY, b.minX, b.maxY, b.maxX, b.area, b.strong] }
        #expect(got.map(key).sorted { $0.lexicographicallyPrecedes($1) } == want.map(key).sorted { $0.lexicographicallyPrecedes($1) })
    }

    @Test("hysteresis: a weak region counts only through the strong pixels joined to it")
    func hysteresis() {
        let w = 10, h = 3
        var m = [UInt8](repeating: 0, count: w * h)
        for x in 0..<4 { m[w + x] = 128 }  // weak run joined to a strong pixel
        m[w + 4] = 255
        for x in 7..<10 { m[w + x] = 128 }  // weak only
        var cc = ConnectedComponents()
        let blobs = m.withUnsafeBufferPointer { cc.label($0, width: w, height: h) }.sorted { $0.minX < $1.minX }
        #expect(blobs.count == 2)
        #expect(blobs[0].area == 5 && blobs[0].strong == 1)
        #expect(blobs[1].area == 3 && blobs[1].strong == 0)
    }

    @Test("components: two separate squares and a diagonal join")
    func componentsHandmade() {
        let w = 8, h = 4
        var m = [UInt8](repeating: 0, count: w * h)
        for (x, y) in [(0, 0), (1, 0), (0, 1), (1, 1), (2, 2), (5, 0), (6, 0), (5, 3)] { m[y * w + x] = 255 }
        var cc = ConnectedComponents()
        let blobs = m.withUnsafeBufferPointer { cc.label($0, width: w, height: h) }.sorted { $0.area > $1.area }
        #expect(blobs.count == 3)
        #expect(blobs[0] == Blob(minX: 0, minY: 0, maxX: 2, maxY: 2, area: 5, strong: 5))  // diagonal pixel joins the square
        #expect(blobs[1].area == 2)
        #expect(blobs[2] == Blob(minX: 5, minY: 3, maxX: 5, maxY: 3, area: 1, strong: 1))
    }
}

@Suite("Crop resampling and patch matching")
struct CropAndPatchTests {
    @Test("YUV crop → RGB network input equals the reference, inside and across the frame's edges",
          arguments: [(40, 30, 7), (64, 36, 16), (97, 61, 32)])
    func crop(size: (Int, Int, Int)) {
        let (w, h, out) = size
        var rng = SeededBytes(state: UInt64(w * 7 + h))
        let cw = (w + 1) / 2, ch = (h + 1) / 2
        let y = rng.bytes(w * h), u = rng.bytes(cw * ch), v = rng.bytes(cw * ch)
        for region in [
            CropResample.Region(x: 3.5, y: 2, width: Float(w) / 2, height: Float(h) / 2),
            CropResample.Region(x: -5, y: -3, width: Float(w) + 9, height: Float(h) + 4),  // beyond every edge
            CropResample.Region(x: 0, y: 0, width: 2, height: 2),  // upscaled a lot
        ] {
            var fast = [Float](repeating: 9, count: out * out * 3)
            y.withUnsafeBufferPointer { yb in u.withUnsafeBufferPointer { ub in v.withUnsafeBufferPointer { vb in
                fast.withUnsafeMutableBufferPointer { o in
                    CropResample.rgb(y: yb, u: ub, v: vb, width: w, height: h, region: region, size: out, into: o)
                }
            } } }
            let slow = CropResample.reference(y: y, u: u, v: v, width: w, height: h, region: region, size: out)
            let worst = zip(fast, slow).map { abs($0 - $1) }.max() ?? 0
            #expect(worst < 1e-4, "\(region): largest difference \(worst)")
            #expect(fast.allSatisfy { $0 >= -1 && $0 <= 1 })
        }
    }

    @Test("grey (Y 126, U = V = 128) is mid-grey in RGB; limited-range black and white are −1 and 1")
    func colours() {
        let grey = CropResample.reference(y: [126], u: [128], v: [128], width: 1, height: 1, region: .init(x: 0, y: 0, width: 1, height: 1), size: 1)
        #expect(grey.allSatisfy { abs($0 - (1.164 * 110 * 2 / 255 - 1)) < 1e-4 })
        let black = CropResample.reference(y: [16], u: [128], v: [128], width: 1, height: 1, region: .init(x: 0, y: 0, width: 1, height: 1), size: 1)
        let white = CropResample.reference(y: [235], u: [128], v: [128], width: 1, height: 1, region: .init(x: 0, y: 0, width: 1, height: 1), size: 1)
        #expect(black.allSatisfy { abs($0 + 1) < 1e-4 })
        #expect(white.allSatisfy { abs($0 - 1) < 0.01 })
    }

    @Test("patch SAD equals the reference on random planes", arguments: [(3, 4), (16, 32), (17, 9)])
    func sad(size: (Int, Int)) {
        let (pw, ph) = size
        var rng = SeededBytes(state: UInt64(pw * 100 + ph))
        let w = 80, h = 60
        let plane = rng.bytes(w * h), patch = rng.bytes(pw * ph)
        for (x, y) in [(0, 0), (5, 7), (w - pw, h - ph)] {
            let fast = patch.withUnsafeBufferPointer { p in plane.withUnsafeBufferPointer { l in
                PatchMatch.sad(patch: p, width: pw, height: ph, plane: l, planeWidth: w, x: x, y: y)
            } }
            #expect(fast == PatchMatch.sadReference(patch: patch, width: pw, height: ph, plane: plane, planeWidth: w, x: x, y: y))
        }
    }

    @Test("a patch cut from a textured plane is found again where it moved, by full and coarse-to-fine search")
    func follow() {
        var rng = SeededBytes(state: 42)
        let w = 120, h = 90
        // A smooth texture (clothes and bodies are smooth at this scale; white noise is not, and
        // defeats the coarse search by design).
        let before = (0..<(w * h)).map { i -> UInt8 in
            let x = Double(i % w), y = Double(i / w)
            return UInt8(128 + 60 * sin(x / 5.3) * cos(y / 7.1) + 40 * sin((x + 2 * y) / 11))
        }
        // The same texture moved 5 right and 3 down (new pixels at the edges are random).
        var after = rng.bytes(w * h, 100...160)
        for y in 3..<h { for x in 5..<w { after[y * w + x] = before[(y - 3) * w + x - 5] } }
        let patch = before.withUnsafeBufferPointer { PatchMatch.cut(plane: $0, planeWidth: w, x: 40, y: 30, width: 12, height: 24) }
        for step in [1, 2] {
            let found = patch.withUnsafeBufferPointer { p in after.withUnsafeBufferPointer { l in
                PatchMatch.best(patch: p, width: 12, height: 24, plane: l, planeWidth: w, planeHeight: h, x: 40, y: 30, radius: 8, step: step)
            } }
            #expect(found?.dx == 5 && found?.dy == 3 && found?.sad == 0, "step \(step): \(String(describing: found))")
        }
        // Positions that would leave the plane are not tried; a patch larger than the plane has none.
        let edge = patch.withUnsafeBufferPointer { p in after.withUnsafeBufferPointer { l in
            PatchMatch.best(patch: p, width: 12, height: 24, plane: l, planeWidth: w, planeHeight: h, x: 0, y: 0, radius: 3)
        } }
        #expect(edge.map { $0.dx >= 0 && $0.dy >= 0 } == true)
        let none = patch.withUnsafeBufferPointer { p in after.withUnsafeBufferPointer { l in
            PatchMatch.best(patch: p, width: 12, height: 24, plane: l, planeWidth: 10, planeHeight: 10, x: 0, y: 0, radius: 3)
        } }
        #expect(none == nil)
    }
}
