/// The anchor boxes of an SSD detector (TensorFlow Object Detection API, "multiple grid" anchors),
/// in coordinates normalised to the network input (0…1, y down).
///
/// For each feature map of `grids[k]`² cells, every cell gets boxes of a scale and aspect ratio;
/// scales grow linearly from `minScale` to `maxScale` over the layers (plus 1.0 past the last, used
/// only for the interpolated box), each layer has one box per ratio in `aspectRatios` and one of scale
/// √(sₖ·sₖ₊₁) at ratio 1; the lowest layer is reduced to (0.1, 1), (s₀, 2), (s₀, ½). A box of scale
/// s and ratio a is s·√a wide and s/√a tall, centred at ((column + ½)/grid, (row + ½)/grid).
/// Order: layer, row, column, box — the order of the network's outputs.
/// - Complexity: O(anchors), once per model.
public struct SSDAnchors: Sendable, Hashable {
    /// Anchor centres and sizes, one SIMD4 per anchor: (centre y, centre x, height, width).
    public let boxes: [SIMD4<Float>]

    public var count: Int { boxes.count }

    public init(
        grids: [Int] = [19, 10, 5, 3, 2, 1], minScale: Double = 0.2, maxScale: Double = 0.95,
        aspectRatios: [Double] = [1, 2, 0.5, 3, 1.0 / 3], reduceLowestLayer: Bool = true
    ) {
        let layers = grids.count
        var scales = (0..<layers).map { minScale + (maxScale - minScale) * Double($0) / Double(max(1, layers - 1)) }
        scales.append(1)
        var out: [SIMD4<Float>] = []
        for (layer, grid) in grids.enumerated() {
            var specs: [(scale: Double, ratio: Double)]
            if layer == 0 && reduceLowestLayer {
                specs = [(0.1, 1), (scales[0], 2), (scales[0], 0.5)]
            } else {
                specs = aspectRatios.map { (scales[layer], $0) }
                specs.append(((scales[layer] * scales[layer + 1]).squareRoot(), 1))
            }
            let g = Double(grid)
            for row in 0..<grid {
                for column in 0..<grid {
                    for s in specs {
                        let r = s.ratio.squareRoot()
                        out.append(SIMD4(
                            Float((Double(row) + 0.5) / g), Float((Double(column) + 0.5) / g),
                            Float(s.scale / r), Float(s.scale * r)))
                    }
                }
            }
        }
        boxes = out
    }

    /// The anchors of the SSDLite-MobileNetV2 300×300 person model in `Models/` (1,917 boxes).
    public static let mobileNetV2 = SSDAnchors()
}
