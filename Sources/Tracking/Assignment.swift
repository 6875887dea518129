/// Optimal one-to-one assignment (Kuhn–Munkres, O(n³)): tracks to detections in the tracker, and
/// ground truth to predictions in the accuracy metrics.
public enum Assignment {
    /// For a `rows × columns` matrix of gains, the assignment maximising the total gain: for each
    /// row, its column or `nil`. Pairs whose gain is not above `minimumGain` are never assigned.
    public static func maximise(_ gain: [[Double]], minimumGain: Double = 0) -> [Int?] {
        let rows = gain.count
        guard rows > 0 else { return [] }
        let columns = gain[0].count
        guard columns > 0 else { return Array(repeating: nil, count: rows) }
        let n = max(rows, columns)
        var top = 0.0
        for r in gain { for g in r { top = max(top, g) } }
        // Square cost matrix; padding and forbidden pairs cost `top` (gain 0).
        var cost = [[Double]](repeating: [Double](repeating: top, count: n), count: n)
        for i in 0..<rows {
            for j in 0..<columns where gain[i][j] > minimumGain { cost[i][j] = top - gain[i][j] }
        }
        let match = minimiseSquare(cost)
        return (0..<rows).map { i in
            let j = match[i]
            return j < columns && gain[i][j] > minimumGain ? j : nil
        }
    }

    /// Row → column of a minimum-cost perfect matching of a square matrix (potentials method).
    static func minimiseSquare(_ a: [[Double]]) -> [Int] {
        let n = a.count
        var u = [Double](repeating: 0, count: n + 1), v = [Double](repeating: 0, count: n + 1)
        var p = [Int](repeating: 0, count: n + 1), way = [Int](repeating: 0, count: n + 1)
        for i in 1...n {
            p[0] = i
            var j0 = 0
            var minv = [Double](repeating: .infinity, count: n + 1)
            var used = [Bool](repeating: false, count: n + 1)
            repeat {
                used[j0] = true
                let i0 = p[j0]
                var delta = Double.infinity
                var j1 = 0
                for j in 1...n where !used[j] {
                    let cur = a[i0 - 1][j - 1] - u[i0] - v[j]
                    if cur < minv[j] {
                        minv[j] = cur
                        way[j] = j0
                    }
                    if minv[j] < delta {
                        delta = minv[j]
                        j1 = j
                    }
                }
                for j in 0...n {
                    if used[j] {
                        u[p[j]] += delta
                        v[j] -= delta
                    } else {
                        minv[j] -= delta
                    }
                }
                j0 = j1
            } while p[j0] != 0
            repeat {
                let j1 = way[j0]
                p[j0] = p[j1]
                j0 = j1
            } while j0 != 0
        }
        var result = [Int](repeating: 0, count: n)
        for j in 1...n where p[j] > 0 { result[p[j] - 1] = j - 1 }
        return result
    }
}
