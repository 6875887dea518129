public import Inference
import ImageKernels

/// A person the network found in one crop, in working-frame pixels.
public struct NetworkDetection: Sendable, Hashable {
    public var box: Box
    public var score: Float
    /// The box touches an edge of its crop that is not an edge of the frame: the person may go on
    /// beyond it, so the box may be only part of them.
    public var truncated: Bool
    /// Index of the crop it came from.
    public var crop: Int

    public init(box: Box, score: Float, truncated: Bool, crop: Int) {
        self.box = box
        self.score = score
        self.truncated = truncated
        self.crop = crop
    }
}

/// The planes of one frame at working size (Y full size, U and V half size each way, tightly packed).
public struct PlanarFrame: Sendable {
    public var y: [UInt8]
    public var u: [UInt8]
    public var v: [UInt8]
    public var width: Int
    public var height: Int

    public init(y: [UInt8], u: [UInt8], v: [UInt8], width: Int, height: Int) {
        self.y = y
        self.u = u
        self.v = v
        self.width = width
        self.height = height
    }
}

/// A learned person detector that looks at crops of a frame. Swappable: a stronger model can
/// replace the SSD behind this protocol.
public protocol PersonNetwork {
    /// The people in each crop (working-frame pixels), at or above `minimumScore`, after
    /// suppression of duplicates within the crop.
    mutating func detect(_ frame: PlanarFrame, crops: [Box], minimumScore: Float) throws -> [[NetworkDetection]]
}

/// The SSDLite-MobileNetV2 person model (`Models/person-ssdlite-mobilenetv2.onnx`) through ONNX
/// Runtime: each crop is resampled to 300×300 RGB, run, and decoded with the model's anchors.
///
/// Not `Sendable`: it keeps its input and output buffers between calls; one camera pipeline owns
/// one. The session inside is shared by the whole process.
public struct SSDPersonNetwork: PersonNetwork {
    /// Side of the network's input.
    public static let inputSize = 300
    /// File name of the model in the models folder.
    public static let modelFile = "person-ssdlite-mobilenetv2.onnx"

    public let session: InferenceSession
    public let decoder: SSDBoxDecoder
    /// Boxes of one crop overlapping more than this IoU are one person (the TF Object Detection
    /// API's setting for this model).
    public var cropNMS: Float = 0.45
    private var input: [Float]
    private var output: [Float]
    private let sizes: [Int]
    /// Which of the model's two outputs holds the box encodings (the other the logits).
    private let encodingsFirst: Bool

    /// Wraps a loaded session after checking it is the model this decoder is written for: one float
    /// input [1, 300, 300, 3], outputs [1, 1917, 1, 4] box encodings and [1, 1917, 2] logits.
    public init(session: InferenceSession, anchors: SSDAnchors = .mobileNetV2) throws {
        let n = anchors.count, s = Self.inputSize
        guard session.inputs.count == 1, let inp = session.inputs.first, inp.isFloat, inp.accepts([1, s, s, 3]) else {
            throw InferenceError.modelMismatch(
                path: session.modelPath,
                reason: "its input is \(session.inputs.map(\.description).joined(separator: ", ")); one float input [1,\(s),\(s),3] is needed")
        }
        let outs = session.outputs
        func isEncodings(_ t: TensorInfo) -> Bool { t.isFloat && (t.accepts([1, n, 1, 4]) || t.accepts([1, n, 4])) }
        func isLogits(_ t: TensorInfo) -> Bool { t.isFloat && t.accepts([1, n, 2]) }
        guard outs.count == 2, (isEncodings(outs[0]) && isLogits(outs[1])) || (isLogits(outs[0]) && isEncodings(outs[1])) else {
            throw InferenceError.modelMismatch(
                path: session.modelPath,
                reason: "its outputs are \(outs.map(\.description).joined(separator: ", ")); box encodings [1,\(n),1,4] and person logits [1,\(n),2] are needed")
        }
        encodingsFirst = isEncodings(outs[0])
        self.session = session
        decoder = SSDBoxDecoder(anchors: anchors)
        input = [Float](repeating: 0, count: s * s * 3)
        sizes = encodingsFirst ? [4 * n, 2 * n] : [2 * n, 4 * n]
        output = [Float](repeating: 0, count: 6 * n)
    }

    /// Loads the runtime (the first of `runtimeCandidates` that exists) and the model, sharing the
    /// session with every other user of the same files in this process.
    public static func load(runtimeCandidates: [String], modelPath: String, threads: Int = 1) throws -> SSDPersonNetwork {
        let runtime = try OnnxRuntime.load(candidates: runtimeCandidates)
        let session = try InferenceSession.shared(runtime: runtime, modelPath: modelPath, threads: threads)
        return try SSDPersonNetwork(session: session)
    }

    public mutating func detect(_ frame: PlanarFrame, crops: [Box], minimumScore: Float) throws -> [[NetworkDetection]] {
        var all: [[NetworkDetection]] = []
        all.reserveCapacity(crops.count)
        let s = Self.inputSize, n = decoder.anchors.count
        let fw = Float(frame.width), fh = Float(frame.height)
        for (index, crop) in crops.enumerated() {
            frame.y.withUnsafeBufferPointer { y in
                frame.u.withUnsafeBufferPointer { u in
                    frame.v.withUnsafeBufferPointer { v in
                        input.withUnsafeMutableBufferPointer { out in
                            CropResample.rgb(
                                y: y, u: u, v: v, width: frame.width, height: frame.height,
                                region: .init(x: crop.x, y: crop.y, width: crop.width, height: crop.height), size: s, into: out)
                        }
                    }
                }
            }
            try session.run(input: input, shape: [1, s, s, 3], sizes: sizes, outputs: &output)
            let decoded = output.withUnsafeBufferPointer { o in
                let first = UnsafeBufferPointer(rebasing: o[0..<sizes[0]])
                let second = UnsafeBufferPointer(rebasing: o[sizes[0]..<(sizes[0] + sizes[1])])
                return decoder.decode(
                    encodings: encodingsFirst ? first : second, logits: encodingsFirst ? second : first, threshold: minimumScore)
            }
            _ = n
            // Edges of the crop that are inside the frame: a box reaching one may be cut there.
            let innerLeft = crop.x > 0.5, innerTop = crop.y > 0.5
            let innerRight = crop.maxX < fw - 0.5, innerBottom = crop.maxY < fh - 0.5
            let edge: Float = 0.01
            var boxes: [NetworkDetection] = []
            for d in decoded {
                let y0 = max(0, d.minY), x0 = max(0, d.minX), y1 = min(1, d.maxY), x1 = min(1, d.maxX)
                guard y1 > y0, x1 > x0 else { continue }
                let truncated = (innerLeft && x0 <= edge) || (innerRight && x1 >= 1 - edge)
                    || (innerTop && y0 <= edge) || (innerBottom && y1 >= 1 - edge)
                let box = Box(
                    x: crop.x + x0 * crop.width, y: crop.y + y0 * crop.height,
                    width: (x1 - x0) * crop.width, height: (y1 - y0) * crop.height)
                boxes.append(NetworkDetection(box: box, score: d.score, truncated: truncated, crop: index))
            }
            let keep = NonMaximumSuppression.keep(boxes: boxes.map(\.box), priority: boxes.map(\.score), iou: cropNMS)
            all.append(keep.map { boxes[$0] })
        }
        return all
    }
}
