/// Greedy non-maximum suppression: keeps the best box of each group of boxes that overlap more than
/// `iou`, best first. "Best" is decided by the caller's ordering key (score, or score with boxes
/// cut by a crop's edge ranked after whole ones).
/// - Complexity: O(n²) in the boxes kept; n is a few dozen per frame.
public enum NonMaximumSuppression {
    /// Indices of the boxes kept, in order of `priority` (larger first). A box is suppressed by a
    /// kept one when their IoU exceeds `iou`, or when at least `containment` of the smaller box lies
    /// inside the kept one (a second, partial box of the same person).
    public static func keep(
        boxes: [Box], priority: [Float], iou threshold: Float, containment: Float = 1.01
    ) -> [Int] {
        precondition(boxes.count == priority.count, "one priority per box")
        let order = boxes.indices.sorted { priority[$0] > priority[$1] || (priority[$0] == priority[$1] && $0 < $1) }
        var kept: [Int] = []
        for i in order {
            let b = boxes[i]
            let suppressed = kept.contains { k in
                let o = boxes[k]
                if o.iou(b) > threshold { return true }
                guard containment <= 1 else { return false }
                let inter = o.intersection(b)
                return inter >= containment * min(o.area, b.area)
            }
            if !suppressed { kept.append(i) }
        }
        return kept
    }
}
