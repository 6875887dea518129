import Detection
import Foundation
import Inference
import Ingest
import Testing

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let personModel = repositoryRoot.appendingPathComponent("Models/\(SSDPersonNetwork.modelFile)").path
let doubleModel = repositoryRoot.appendingPathComponent("Tests/InferenceTests/Resources/double.onnx").path
let petsClip = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/clips/pets09-s2l1-view1.avi").path
let runtimeCandidates = RuntimeLocation.candidates(
    explicit: nil, environment: ProcessInfo.processInfo.environment[RuntimeLocation.environmentVariable])
let runtime: OnnxRuntime? = try? OnnxRuntime.load(candidates: runtimeCandidates)

func close(_ a: Float, _ b: Float, _ tolerance: Float = 1e-5) -> Bool { abs(a - b) <= tolerance }

@Suite("SSD anchors and box decoding")
struct SSDTests {
    let anchors = SSDAnchors.mobileNetV2

    @Test("1,917 anchors: 19²×3 + (10² + 5² + 3² + 2² + 1²)×6, in layer, row, column, box order")
    func count() {
        #expect(anchors.count == 19 * 19 * 3 + (100 + 25 + 9 + 4 + 1) * 6)
        #expect(anchors.count == 1917)
    }

    @Test("anchors against hand-computed values (centre y, centre x, height, width)")
    func handComputed() {
        func expect(_ i: Int, _ cy: Float, _ cx: Float, _ h: Float, _ w: Float) {
            let a = anchors.boxes[i]
            #expect(close(a[0], cy) && close(a[1], cx) && close(a[2], h) && close(a[3], w), "anchor \(i) is \(a)")
        }
        // Lowest layer (19×19): (0.1, ratio 1), (0.2, ratio 2), (0.2, ratio ½) per cell.
        expect(0, 0.5 / 19, 0.5 / 19, 0.1, 0.1)
        expect(1, 0.5 / 19, 0.5 / 19, 0.2 / 2.0.squareRoot().f, 0.2 * 2.0.squareRoot().f)
        expect(2, 0.5 / 19, 0.5 / 19, 0.2 * 2.0.squareRoot().f, 0.2 / 2.0.squareRoot().f)
        expect(3, 0.5 / 19, 1.5 / 19, 0.1, 0.1)  // next column
        expect(3 * 19, 1.5 / 19, 0.5 / 19, 0.1, 0.1)  // next row
        // Second layer (10×10), scale 0.35: ratios 1, 2, ½, 3, ⅓, then √(0.35·0.5) at ratio 1.
        let l1 = 19 * 19 * 3
        expect(l1, 0.05, 0.05, 0.35, 0.35)
        expect(l1 + 3, 0.05, 0.05, 0.35 / 3.0.squareRoot().f, 0.35 * 3.0.squareRoot().f)
        expect(l1 + 5, 0.05, 0.05, Float((0.35 * 0.5).squareRoot()), Float((0.35 * 0.5).squareRoot()))
        expect(l1 + 6, 0.05, 0.15, 0.35, 0.35)
        // Last layer (1×1), scale 0.95; the interpolated box uses 1.0 past the last scale.
        expect(1911, 0.5, 0.5, 0.95, 0.95)
        expect(1912, 0.5, 0.5, 0.95 / 2.0.squareRoot().f, 0.95 * 2.0.squareRoot().f)
        expect(1916, 0.5, 0.5, Float(0.95.squareRoot()), Float(0.95.squareRoot()))
    }

    @Test("box coder (10, 10, 5, 5): zero encoding gives the anchor; offsets and log sizes by hand")
    func decode() {
        let d = SSDBoxDecoder()
        let a = anchors.boxes[0]  // centre (0.026316, 0.026316), 0.1 × 0.1
        let same = d.decode(SIMD4(0, 0, 0, 0), anchor: 0)
        #expect(close(same.minY, a[0] - 0.05) && close(same.maxX, a[1] + 0.05))
        // t_y = 10 moves the centre down by one anchor height; t_h = 5·ln 2 doubles the height.
        let b = d.decode(SIMD4(10, -5, 5 * log(2), 0), anchor: 0)
        #expect(close(b.minY, a[0] + 0.1 - 0.1) && close(b.maxY, a[0] + 0.1 + 0.1))
        #expect(close(b.minX, a[1] - 0.05 - 0.05) && close(b.maxX, a[1] - 0.05 + 0.05))
    }

    @Test("scores: sigmoid of the person logit; anchors below the threshold are skipped")
    func scores() {
        let d = SSDBoxDecoder()
        let n = anchors.count
        var enc = [Float](repeating: 0, count: 4 * n), logits = [Float](repeating: -10, count: 2 * n)
        logits[2 * 7 + 1] = 0  // anchor 7: score 0.5
        logits[2 * 1500 + 1] = 2  // anchor 1500: score 0.881
        enc[4 * 1500 + 2] = 5 * log(2)
        let found = enc.withUnsafeBufferPointer { e in logits.withUnsafeBufferPointer { l in d.decode(encodings: e, logits: l, threshold: 0.6) } }
        #expect(found.count == 1)
        #expect(found[0].anchor == 1500)
        #expect(close(found[0].score, 1 / (1 + exp(-2))))
        #expect(close(found[0].maxY - found[0].minY, 2 * anchors.boxes[1500][2]))
        let more = enc.withUnsafeBufferPointer { e in logits.withUnsafeBufferPointer { l in d.decode(encodings: e, logits: l, threshold: 0.5) } }
        #expect(more.map(\.anchor) == [7, 1500])
    }
}

extension Double {
    fileprivate var f: Float { Float(self) }
}

@Suite("Non-maximum suppression and crop planning")
struct PlanningTests {
    @Test("NMS keeps the best of overlapping boxes, and the partial box inside a whole one")
    func nms() {
        let a = Box(x: 0, y: 0, width: 20, height: 50)
        let b = Box(x: 2, y: 1, width: 20, height: 50)  // IoU with a ≈ 0.85
        let c = Box(x: 30, y: 0, width: 20, height: 50)  // apart
        let head = Box(x: 4, y: 0, width: 10, height: 14)  // inside a
        #expect(NonMaximumSuppression.keep(boxes: [a, b, c], priority: [0.6, 0.9, 0.5], iou: 0.45) == [1, 2])
        #expect(NonMaximumSuppression.keep(boxes: [a, head], priority: [0.6, 0.9], iou: 0.45).count == 2)
        #expect(NonMaximumSuppression.keep(boxes: [a, head], priority: [0.6, 0.9], iou: 0.45, containment: 0.8) == [1])
        // Two people side by side overlap a little and both stay.
        let left = Box(x: 100, y: 0, width: 24, height: 60), right = Box(x: 114, y: 0, width: 24, height: 60)
        #expect(left.iou(right) < 0.45)
        #expect(NonMaximumSuppression.keep(boxes: [left, right], priority: [0.7, 0.8], iou: 0.45).count == 2)
    }

    let planner = CropPlanner(width: 640, height: 360)

    @Test("one person: a square crop of the preferred side around them, moved inside the frame")
    func single() {
        let person = Box(x: 10, y: 300, width: 20, height: 50)
        let plan = planner.plan([CropInterest(box: person, personHeight: 50, priority: 1, tag: 7)], budget: 4)
        #expect(plan.crops.count == 1)
        let c = plan.crops[0]
        #expect(c.width == 130 && c.height == 130)  // 2.6 × 50
        #expect(c.x == 0 && c.maxY == 360)  // pushed inside at the bottom-left corner
        #expect(c.contains(person))
        #expect(plan.covered == [7])
    }

    @Test("small people get at least the minimum side (upscaled for the network)")
    func minimum() {
        let plan = planner.plan([CropInterest(box: Box(x: 300, y: 100, width: 8, height: 20), personHeight: 20, priority: 1)], budget: 4)
        #expect(plan.crops.map(\.width) == [96])
    }

    @Test("neighbours share a crop; people far apart get their own; the budget drops the least urgent")
    func grouping() {
        let a = CropInterest(box: Box(x: 100, y: 100, width: 20, height: 50), personHeight: 50, priority: 3, tag: 1)
        let b = CropInterest(box: Box(x: 130, y: 105, width: 20, height: 50), personHeight: 50, priority: 2, tag: 2)
        let far = CropInterest(box: Box(x: 500, y: 100, width: 20, height: 50), personHeight: 50, priority: 1, tag: 3)
        let plan = planner.plan([a, b, far], budget: 4)
        #expect(plan.crops.count == 2)
        #expect(plan.crops[0].contains(a.box) && plan.crops[0].contains(b.box))
        #expect(plan.crops[1].contains(far.box))
        #expect(plan.covered == [1, 2, 3])
        let tight = planner.plan([a, b, far], budget: 1)
        #expect(tight.crops.count == 1)
        #expect(tight.covered == [1, 2])
        #expect(tight.skipped == [2])
    }

    @Test("a crop never zooms out far past a person's preferred size: a big region is split")
    func split() {
        let region = CropInterest(box: Box(x: 20, y: 150, width: 500, height: 40), personHeight: 40, priority: 1)
        let plan = planner.plan([region], budget: 8)
        #expect(plan.crops.count >= 4)
        #expect(plan.crops.allSatisfy { $0.width <= 2.6 * 40 * planner.configuration.maximumZoomOut + 0.01 })
        // Together they cover the whole region.
        let union = plan.crops.dropFirst().reduce(plan.crops[0]) { $0.union($1) }
        #expect(union.x <= region.box.x && union.maxX >= region.box.maxX)
    }

    @Test("sweep tiles overlap and cover the whole frame")
    func sweep() {
        let tiles = planner.sweepTiles()
        #expect(tiles.count == 8)  // 216-px squares: 4 across × 2 down
        for y in stride(from: Float(0), to: 360, by: 7) {
            for x in stride(from: Float(0), to: 640, by: 7) {
                #expect(tiles.contains { $0.x <= x && x < $0.maxX && $0.y <= y && y < $0.maxY })
            }
        }
        #expect(tiles[0].intersection(tiles[1]) > 0)
    }
}

@Suite("The person model on real frames")
struct PersonNetworkTests {
    @Test("a model that is not the person model is refused with what it is", .enabled(if: runtime != nil, "ONNX Runtime is not installed"))
    func mismatch() throws {
        let session = try InferenceSession(runtime: try #require(runtime), modelPath: doubleModel)
        do {
            _ = try SSDPersonNetwork(session: session)
            Issue.record("the test model passed as the person model")
        } catch let InferenceError.modelMismatch(path, reason) {
            #expect(path == doubleModel)
            #expect(reason.contains("[1,300,300,3]"))
        }
    }

    @Test(
        "PETS 2009 frame 200: crops planned around the ground truth's people find every one of them (IoU ≥ 0.5)",
        .enabled(if: runtime != nil, "ONNX Runtime is not installed"),
        .enabled(if: FileManager.default.fileExists(atPath: petsClip), "../shared/clips is not here"))
    func realFrame() throws {
        // Frame 200 of the clip at its own size (480×360), read with the product's decoder.
        let source = try VideoSource(petsClip, configuration: IngestConfiguration(workingWidth: 480))
        var frame = source.makeFrame()
        for _ in 0...200 { _ = try source.read(into: &frame) }
        #expect(frame.index == 200)
        // Benchmarks/groundtruth/pets09-s2l1-view1.gt.json, frame 200 (checked by eye): 7 people, 27–66 px tall.
        let people = try groundTruth(frame: 200)
        #expect(people.count == 7)
        var network = try SSDPersonNetwork.load(runtimeCandidates: runtimeCandidates, modelPath: personModel)
        let planner = CropPlanner(width: frame.width, height: frame.height)
        let planes = PlanarFrame(y: frame.y, u: frame.u, v: frame.v, width: frame.width, height: frame.height)
        // Each person in the crop the planner gives them alone: every one is found, tight.
        for p in people {
            let plan = planner.plan([CropInterest(box: p, personHeight: p.height, priority: 1)], budget: 1)
            let found = try network.detect(planes, crops: plan.crops, minimumScore: 0.5).flatMap { $0 }
            let best = found.map { $0.box.iou(p) }.max() ?? 0
            #expect(best >= 0.7, "person at \(p): best IoU \(best)")
            // Nothing else in their crop but people of the ground truth.
            #expect(found.allSatisfy { b in people.contains { $0.iou(b.box) >= 0.3 } })
        }
        // All together, in the crops the planner groups them into: the network is less sure of people
        // sharing a crop (here one person beside another at the crop's edge scores 0.17), which is why
        // the tracker keeps weak boxes for people it already follows.
        let plan = planner.plan(people.map { CropInterest(box: $0, personHeight: $0.height, priority: 1) }, budget: 16)
        #expect(plan.crops.count < people.count)
        let found = try network.detect(planes, crops: plan.crops, minimumScore: 0.3).flatMap { $0 }
        let kept = NonMaximumSuppression.keep(
            boxes: found.map(\.box), priority: found.map { $0.score - ($0.truncated ? 1 : 0) }, iou: 0.5, containment: 0.8)
        let boxes = kept.map { found[$0].box }
        let hits = people.filter { p in boxes.contains { $0.iou(p) >= 0.5 } }.count
        #expect(hits >= people.count - 1)
        #expect(boxes.allSatisfy { b in people.contains { $0.iou(b) >= 0.3 } })
    }

    /// The ground truth's boxes of one frame of the PETS clip.
    func groundTruth(frame: Int) throws -> [Box] {
        struct File: Decodable {
            struct B: Decodable { var frame: Int; var x: Float; var y: Float; var w: Float; var h: Float }
            var boxes: [B]
        }
        let url = repositoryRoot.appendingPathComponent("Benchmarks/groundtruth/pets09-s2l1-view1.gt.json")
        let file = try JSONDecoder().decode(File.self, from: Data(contentsOf: url))
        return file.boxes.filter { $0.frame == frame }.map { Box(x: $0.x, y: $0.y, width: $0.w, height: $0.h) }
    }
}
