import Glibc

/// Turns an SSD network's raw outputs into scored boxes: the "faster R-CNN" box coder of the
/// TensorFlow Object Detection API and a sigmoid over the person logit.
///
/// For anchor (yₐ, xₐ, hₐ, wₐ) and encoding (t_y, t_x, t_h, t_w):
/// centre = (yₐ + t_y/s_y·hₐ, xₐ + t_x/s_x·wₐ), size = (hₐ·exp(t_h/s_h), wₐ·exp(t_w/s_w)),
/// with scales (s_y, s_x, s_h, s_w) = (10, 10, 5, 5).
/// - Complexity: O(anchors) per crop; only anchors whose logit passes the threshold are decoded.
public struct SSDBoxDecoder: Sendable {
    public let anchors: SSDAnchors
    public var scales: SIMD4<Float> = SIMD4(10, 10, 5, 5)

    public init(anchors: SSDAnchors = .mobileNetV2) {
        self.anchors = anchors
    }

    /// A decoded box in coordinates normalised to the network input (0…1), not clipped.
    public struct Decoded: Sendable, Hashable {
        public var minY: Float
        public var minX: Float
        public var maxY: Float
        public var maxX: Float
        public var score: Float
        public var anchor: Int
    }

    /// Decodes one anchor's encoding (t_y, t_x, t_h, t_w).
    public func decode(_ t: SIMD4<Float>, anchor index: Int) -> (minY: Float, minX: Float, maxY: Float, maxX: Float) {
        let a = anchors.boxes[index]
        let cy = a[0] + t[0] / scales[0] * a[2]
        let cx = a[1] + t[1] / scales[1] * a[3]
        let h = a[2] * exp(t[2] / scales[2])
        let w = a[3] * exp(t[3] / scales[3])
        return (cy - h / 2, cx - w / 2, cy + h / 2, cx + w / 2)
    }

    /// The boxes of one crop whose person score is at least `threshold`. `encodings` holds 4 floats
    /// per anchor, `logits` `classes` floats per anchor with the person logit at `personClass`.
    public func decode(
        encodings: UnsafeBufferPointer<Float>, logits: UnsafeBufferPointer<Float>, classes: Int = 2, personClass: Int = 1,
        threshold: Float
    ) -> [Decoded] {
        let n = anchors.count
        precondition(encodings.count >= 4 * n && logits.count >= classes * n, "outputs smaller than the anchors")
        // sigmoid(l) ≥ p  ⇔  l ≥ log(p / (1 − p)): compare logits, exponentiate only the survivors.
        let p = min(max(threshold, 1e-6), 1 - 1e-6)
        let minimumLogit = log(p / (1 - p))
        var out: [Decoded] = []
        for i in 0..<n {
            let l = logits[i * classes + personClass]
            guard l >= minimumLogit else { continue }
            let t = SIMD4(encodings[4 * i], encodings[4 * i + 1], encodings[4 * i + 2], encodings[4 * i + 3])
            let b = decode(t, anchor: i)
            out.append(Decoded(minY: b.minY, minX: b.minX, maxY: b.maxY, maxX: b.maxX, score: 1 / (1 + exp(-l)), anchor: i))
        }
        return out
    }
}
