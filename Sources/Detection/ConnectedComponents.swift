/// A connected region of foreground pixels with its statistics.
public struct Blob: Sendable, Hashable {
    public var minX: Int
    public var minY: Int
    public var maxX: Int
    public var maxY: Int
    /// Number of foreground pixels.
    public var area: Int
    /// Number of strong (255) pixels: a blob with none is weak difference only, e.g. noise.
    public var strong: Int = 0

    public var width: Int { maxX - minX + 1 }
    public var height: Int { maxY - minY + 1 }
    /// Share of the bounding box that is foreground.
    public var fill: Float { Float(area) / Float(width * height) }
}

/// Connected-component labelling of a 0/255 mask by runs (8-connectivity): each row is cut into
/// runs of foreground, runs that touch runs of the previous row are joined with union-find, and
/// the statistics are summed per root. Works on runs rather than pixels, so its cost follows the
/// amount of foreground, plus one scan of the mask.
///
/// Reuses its buffers between frames: one instance per camera.
/// - Complexity: O(pixels + runs · α(runs)).
public struct ConnectedComponents: Sendable {
    private var runStart: [Int32] = []
    private var runEnd: [Int32] = []
    private var runRow: [Int32] = []
    private var parent: [Int32] = []
    private var runStrong: [Int32] = []

    public init() {}

    /// Labels the nonzero pixels of `mask`; also counts each blob's strong (255) pixels.
    public mutating func label(_ mask: UnsafeBufferPointer<UInt8>, width w: Int, height h: Int, minimumArea: Int = 1) -> [Blob] {
        precondition(mask.count >= w * h, "mask size")
        runStart.removeAll(keepingCapacity: true)
        runEnd.removeAll(keepingCapacity: true)
        runRow.removeAll(keepingCapacity: true)
        parent.removeAll(keepingCapacity: true)
        runStrong.removeAll(keepingCapacity: true)
        guard w > 0, h > 0, let m = mask.baseAddress else { return [] }

        var prevFirst = 0, prevCount = 0
        for y in 0..<h {
            let row = m + y * w
            let first = runStart.count
            var x = 0
            while x < w {
                // Skip background eight pixels at a time.
                while x + 8 <= w, UnsafeRawPointer(row + x).loadUnaligned(as: UInt64.self) == 0 { x += 8 }
                while x < w, row[x] == 0 { x += 1 }
                guard x < w else { break }
                let start = x
                var strong: Int32 = 0
                while x < w, row[x] != 0 {
                    if row[x] == 255 { strong += 1 }
                    x += 1
                }
                runStrong.append(strong)
                let id = Int32(runStart.count)
                runStart.append(Int32(start))
                runEnd.append(Int32(x - 1))
                runRow.append(Int32(y))
                parent.append(id)
            }
            // Join with overlapping runs of the previous row (8-connected: touching diagonally counts).
            var j = prevFirst
            let prevEnd = prevFirst + prevCount
            for r in first..<runStart.count {
                let s = runStart[r], e = runEnd[r]
                while j < prevEnd, runEnd[j] + 1 < s { j += 1 }
                var k = j
                while k < prevEnd, runStart[k] <= e + 1 {
                    union(Int32(r), Int32(k))
                    k += 1
                }
            }
            prevFirst = first
            prevCount = runStart.count - first
        }

        // Sum statistics per root.
        var index = [Int32](repeating: -1, count: parent.count)
        var blobs: [Blob] = []
        for r in 0..<parent.count {
            let root = Int(find(Int32(r)))
            let s = Int(runStart[r]), e = Int(runEnd[r]), y = Int(runRow[r])
            if index[root] < 0 {
                index[root] = Int32(blobs.count)
                blobs.append(Blob(minX: s, minY: y, maxX: e, maxY: y, area: 0))
            }
            let b = Int(index[root])
            blobs[b].minX = min(blobs[b].minX, s)
            blobs[b].maxX = max(blobs[b].maxX, e)
            blobs[b].minY = min(blobs[b].minY, y)
            blobs[b].maxY = max(blobs[b].maxY, y)
            blobs[b].area += e - s + 1
            blobs[b].strong += Int(runStrong[r])
        }
        return minimumArea > 1 ? blobs.filter { $0.area >= minimumArea } : blobs
    }

    private mutating func find(_ i: Int32) -> Int32 {
        var i = i
        while parent[Int(i)] != i {
            let p = parent[Int(i)]
            parent[Int(i)] = parent[Int(p)]  // path halving
            i = p
        }
        return i
    }

    private mutating func union(_ a: Int32, _ b: Int32) {
        let ra = find(a), rb = find(b)
        if ra == rb { return }
        if ra < rb { parent[Int(rb)] = ra } else { parent[Int(ra)] = rb }
    }

    /// Scalar reference by flood fill, for tests.
    public static func reference(_ mask: [UInt8], width w: Int, height h: Int) -> [Blob] {
        var seen = [Bool](repeating: false, count: w * h)
        var blobs: [Blob] = []
        for start in 0..<(w * h) where mask[start] != 0 && !seen[start] {
            var stack = [start]
            seen[start] = true
            var b = Blob(minX: start % w, minY: start / w, maxX: start % w, maxY: start / w, area: 0)
            while let p = stack.popLast() {
                let x = p % w, y = p / w
                b.minX = min(b.minX, x); b.maxX = max(b.maxX, x)
                b.minY = min(b.minY, y); b.maxY = max(b.maxY, y)
                b.area += 1
                if mask[p] == 255 { b.strong += 1 }
                for dy in -1...1 {
                    for dx in -1...1 {
                        let xx = x + dx, yy = y + dy
                        guard xx >= 0, xx < w, yy >= 0, yy < h else { continue }
                        let q = yy * w + xx
                        if mask[q] != 0 && !seen[q] {
                            seen[q] = true
                            stack.append(q)
                        }
                    }
                }
            }
            blobs.append(b)
        }
        return blobs
    }
}
