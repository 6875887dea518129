import Dispatch
public import FoundationEssentials
public import Matching
import Vision
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A report turned into the numbers the scan needs, precomputed once: per-bin colour credit,
/// weights, the time window and each camera's walking distance from the last-seen place.
///
/// The scan computes, from the quantised record, the same score as ``Matcher/score(_:_:seenAt:)``
/// (weighted geometric mean of upper colour, lower colour and height) times the
/// ``Reachability`` prior — in log form, so no `exp` per record. `Tests/DescriptorIndexTests`
/// checks the two agree.
public struct ScanQuery: Sendable {
    /// Credit per colour bin of a body part for a quantised share (0…255): best similarity of the
    /// bin to any reported colour ÷ (255 × colour saturation). Lanes 12…15 are zero.
    var upperCredit = SIMD16<Float>.zero
    var lowerCredit = SIMD16<Float>.zero
    var useUpper = false
    var useLower = false
    var upperWeight: Float
    var lowerWeight: Float
    var heightWeight: Float
    var fullWeightPixels: Float
    /// Full lower visibility in record units (× 255).
    var fullLowerVisibility: Float
    var logFloor: Float
    /// Expected relative height × 100 (record units), or 0 when the report implies none.
    var expectedHeight: Float = 0
    var heightTolerance: Float
    /// Tracks last seen in this window (milliseconds since 1970) are scanned.
    public var fromMS: Int64
    public var untilMS: Int64
    /// The walking prior: last-seen moment, brisk speed and, by camera number, the path metres
    /// from the last-seen place (negative when unknown: no prior for that camera).
    var lastSeenMS: Int64?
    var pathMetres: [Float] = []
    var brisk: Float
    var timeSlack: Float
    var priorTolerance: Float
    var logPriorFloor: Float

    /// - Parameters:
    ///   - from: tracks last seen before this are left out (`nil`: the report's last-seen time
    ///     minus the matcher's margin, or everything).
    ///   - pathMetres: by camera number of the index, the walking metres from the report's
    ///     last-seen place (``Reachability/pathMetres(straightLine:)``), `nil` where unknown.
    public init(
        report: MissingPersonReport, matcher: Matcher, reachability: Reachability = Reachability(),
        from: Date? = nil, until: Date? = nil, pathMetres: [Double?] = []
    ) {
        let c = matcher.configuration
        func credit(_ names: [ColourName]) -> SIMD16<Float> {
            var v = SIMD16<Float>.zero
            for k in ColourName.allCases {
                var best: Float = 0
                for n in names { best = max(best, ColourSimilarity.similarity(n, k)) }
                v[k.rawValue] = best / (255 * c.colourSaturation)
            }
            return v
        }
        if !report.upper.isEmpty {
            upperCredit = credit(report.upper)
            useUpper = true
        }
        if !report.lower.isEmpty {
            lowerCredit = credit(report.lower)
            useLower = true
        }
        upperWeight = Float(c.upperWeight)
        lowerWeight = Float(c.lowerWeight)
        heightWeight = Float(c.heightWeight)
        fullWeightPixels = Float(max(1, c.fullWeightPixels))
        fullLowerVisibility = max(0.01, c.fullLowerVisibility) * 255
        logFloor = Float(log(c.floor))
        if let expected = matcher.expectedRelativeHeight(report) { expectedHeight = Float(expected * 100) }
        heightTolerance = Float(c.heightTolerance)
        let start = from ?? report.lastSeenAt.map { $0.addingTimeInterval(-c.lastSeenMargin) }
        fromMS = start.map(DescriptorRecord.milliseconds) ?? .min
        untilMS = until.map(DescriptorRecord.milliseconds) ?? .max
        lastSeenMS = report.lastSeenAt.map(DescriptorRecord.milliseconds)
        self.pathMetres = pathMetres.map { $0.map(Float.init) ?? -1 }
        brisk = Float(reachability.speed(for: report.ageGroup).brisk)
        timeSlack = Float(reachability.timeSlack)
        priorTolerance = Float(reachability.tolerance)
        logPriorFloor = Float(log(reachability.floor))
    }
}

/// One scored record.
public struct ScanHit: Sendable, Hashable {
    public var record: DescriptorRecord
    /// Match score (0…1) and walking prior (0…1) as the scan computed them from quantised values.
    public var match: Float
    public var prior: Float
    public var score: Float { match * prior }
}

/// The mapped segments of an index at one moment: what a search scans.
public final class IndexSnapshot: Sendable {
    struct Segment: Sendable {
        var name: String
        var mapping: SegmentFile.Mapping
        var records: Int
    }

    let segments: [Segment]
    /// Camera ids by camera number.
    public let cameras: [String]

    init(segments: [Segment], cameras: [String]) {
        self.segments = segments
        self.cameras = cameras
    }

    public var recordCount: Int { segments.reduce(0) { $0 + $1.records } }
    public var bytes: Int { recordCount * DescriptorRecord.size }

    /// The `limit` best records for `query`, best first, one per track (a track saved several
    /// times keeps its best record; callers rescore from the database).
    public func scan(_ query: ScanQuery, limit: Int, threads: Int = ProcessInfo.processInfo.activeProcessorCount) -> [ScanHit] {
        parallel(limit: limit, threads: threads) { base, range, top in
            ScanKernel.score(base, range: range, query: query, into: &top)
        }
    }

    /// Records of other cameras that look like `example` (colour histogram intersection, height)
    /// and whose timing allows a walk between the cameras: the same person elsewhere.
    ///
    /// - Parameters:
    ///   - pathMetres: walking metres from the example's camera, by camera number (`nil` = unknown).
    ///   - window: only records within this many seconds of the example.
    public func links(
        of example: DescriptorRecord, matcher: Matcher, reachability: Reachability = Reachability(), age: AgeGroup? = nil,
        pathMetres: [Double?], window: Double = 1800, limit: Int,
        threads: Int = ProcessInfo.processInfo.activeProcessorCount
    ) -> [ScanHit] {
        let query = LinkQuery(
            example: example, matcher: matcher, reachability: reachability, age: age, pathMetres: pathMetres, window: window)
        return parallel(limit: limit, threads: threads) { base, range, top in
            ScanKernel.link(base, range: range, query: query, into: &top)
        }.filter { $0.record.trackID != example.trackID }
    }

    /// Runs `kernel` over the records in pieces on `threads` threads, each into its own top list,
    /// and merges them.
    private func parallel(
        limit: Int, threads: Int, _ kernel: @Sendable (UnsafeRawPointer, Range<Int>, inout TopK) -> Void
    ) -> [ScanHit] {
        let capacity = max(1, limit) * 2
        let parts = chunks(threads: threads)
        let slots = Slots(count: parts.count)
        defer {
            _ = slots.buffer.deinitialize()
            slots.buffer.deallocate()
        }
        if threads <= 1 {
            for (i, part) in parts.enumerated() {
                var top = TopK(capacity: capacity)
                kernel(segments[part.segment].mapping.base, part.range, &top)
                slots.buffer[i] = top
            }
        } else {
            DispatchQueue.concurrentPerform(iterations: parts.count) { i in
                var top = TopK(capacity: capacity)
                kernel(segments[parts[i].segment].mapping.base, parts[i].range, &top)
                slots.buffer[i] = top
            }
        }
        return finish(Array(slots.buffer), parts: parts, limit: limit)
    }

    /// One result slot per piece; each piece writes only its own.
    private struct Slots: @unchecked Sendable {
        let buffer: UnsafeMutableBufferPointer<TopK>
        init(count: Int) {
            buffer = .allocate(capacity: count)
            buffer.initialize(repeating: TopK(capacity: 0))
        }
    }

    private struct Part {
        var segment: Int
        var range: Range<Int>
    }

    /// Splits the records into about 4 pieces per thread (whole segments when small).
    private func chunks(threads: Int) -> [Part] {
        let total = recordCount
        let piece = max(65_536, total / max(1, threads * 4))
        var parts: [Part] = []
        for (s, segment) in segments.enumerated() {
            var start = 0
            while start < segment.records {
                let end = min(segment.records, start + piece)
                parts.append(Part(segment: s, range: start..<end))
                start = end
            }
        }
        return parts
    }

    private func finish(_ tops: [TopK], parts: [Part], limit: Int) -> [ScanHit] {
        var all: [(log: Float, match: Float, prior: Float, part: Int, index: Int)] = []
        for (p, top) in tops.enumerated() {
            for e in top.entries { all.append((e.log, e.match, e.prior, p, e.index)) }
        }
        all.sort { $0.log > $1.log }
        var seen = Set<Int64>()
        var hits: [ScanHit] = []
        for e in all {
            let base = segments[parts[e.part].segment].mapping.base
            guard let record = DescriptorRecord(bytes: base + e.index * DescriptorRecord.size),
                seen.insert(record.trackID).inserted
            else { continue }
            hits.append(ScanHit(record: record, match: e.match, prior: e.prior))
            if hits.count == limit { break }
        }
        return hits
    }
}

/// The example track of a link search, precomputed.
struct LinkQuery {
    var upper: SIMD16<UInt8>
    var lower: SIMD16<UInt8>
    var upperPixels: Float
    var lowerPixels: Float
    var lowerVisibility: Float
    var relativeHeight: Float
    var camera: UInt16
    var firstMS: Int64
    var lastMS: Int64
    var windowMS: Int64
    var upperWeight: Float
    var lowerWeight: Float
    var heightWeight: Float
    var fullWeightPixels: Float
    var fullLowerVisibility: Float
    var logFloor: Float
    var heightTolerance: Float
    var pathMetres: [Float]
    var brisk: Float
    var timeSlack: Float
    var priorTolerance: Float
    var logPriorFloor: Float

    init(
        example: DescriptorRecord, matcher: Matcher, reachability: Reachability, age: AgeGroup?, pathMetres: [Double?],
        window: Double
    ) {
        let c = matcher.configuration
        upper = example.upper
        lower = example.lower
        upperPixels = Float(example.upperPixels)
        lowerPixels = Float(example.lowerPixels)
        lowerVisibility = Float(example.lowerVisibility)
        relativeHeight = Float(example.relativeHeight)
        camera = example.camera
        firstMS = example.firstSeenMS
        lastMS = example.lastSeenMS
        windowMS = Int64(window * 1000)
        upperWeight = Float(c.upperWeight)
        lowerWeight = Float(c.lowerWeight)
        heightWeight = Float(c.heightWeight)
        fullWeightPixels = Float(max(1, c.fullWeightPixels))
        fullLowerVisibility = max(0.01, c.fullLowerVisibility) * 255
        logFloor = Float(log(c.floor))
        heightTolerance = Float(c.heightTolerance)
        self.pathMetres = pathMetres.map { $0.map(Float.init) ?? -1 }
        brisk = Float(reachability.speed(for: age).brisk)
        timeSlack = Float(reachability.timeSlack)
        priorTolerance = Float(reachability.tolerance)
        logPriorFloor = Float(log(reachability.floor))
    }
}

/// A bounded min-heap of the best log scores seen by one thread.
struct TopK {
    struct Entry {
        var log: Float
        var match: Float
        var prior: Float
        var index: Int
    }

    var entries: [Entry] = []
    let capacity: Int
    /// Scores at or below this cannot enter.
    var bar: Float = -.infinity

    init(capacity: Int) {
        self.capacity = capacity
        entries.reserveCapacity(capacity)
    }

    mutating func insert(_ e: Entry) {
        if entries.count < capacity {
            entries.append(e)
            var i = entries.count - 1
            while i > 0 {
                let parent = (i - 1) / 2
                guard entries[i].log < entries[parent].log else { break }
                entries.swapAt(i, parent)
                i = parent
            }
            if entries.count == capacity { bar = entries[0].log }
            return
        }
        entries[0] = e
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < entries.count && entries[l].log < entries[m].log { m = l }
            if r < entries.count && entries[r].log < entries[m].log { m = r }
            if m == i { break }
            entries.swapAt(i, m)
            i = m
        }
        bar = entries[0].log
    }
}

/// The per-record loops: two 16-byte loads per record, SIMD16 colour dot products (or
/// intersections), a polynomial log, no allocation, no decoding.
enum ScanKernel {
    static func score(_ base: UnsafeRawPointer, range: Range<Int>, query q: ScanQuery, into top: inout TopK) {
        let cameraCount = q.pathMetres.count
        let perPixel = 1 / q.fullWeightPixels, perVisibility = 1 / q.fullLowerVisibility
        let perHeight = q.expectedHeight > 0 ? 1 / q.expectedHeight : 0, perTolerance = 1 / q.heightTolerance
        let upperWeight = q.useUpper ? q.upperWeight : 0, lowerWeight = q.useLower ? q.lowerWeight : 0
        q.pathMetres.withUnsafeBufferPointer { paths in
            logTable.withUnsafeBufferPointer { table in
                for i in range {
                    let p = base + i * DescriptorRecord.size
                    let last = Int64(littleEndian: p.loadUnaligned(fromByteOffset: 40, as: Int64.self))
                    if last < q.fromMS || last > q.untilMS { continue }
                    let a = p.loadUnaligned(as: SIMD16<UInt8>.self)
                    let b = p.loadUnaligned(fromByteOffset: 16, as: SIMD16<UInt8>.self)
                    // Weights first (cheap), so a poor upper-body colour ends the record early.
                    let wu = upperWeight * min(1, Float(UInt16(a[12]) | UInt16(a[13]) &<< 8) * perPixel)
                    let wl = lowerWeight * min(1, Float(UInt16(b[12]) | UInt16(b[13]) &<< 8) * perPixel)
                        * min(1, Float(a[14]) * perVisibility)
                    let wh: Float = perHeight > 0 && a[15] > 0 ? q.heightWeight : 0
                    let weights = wu + wl + wh
                    guard weights > 0 else { continue }
                    let perWeight = 1 / weights
                    // Every part's log is ≤ 0, so each partial sum bounds the final score from above.
                    var sum: Float = 0
                    if wu > 0 {
                        sum = wu * max(q.logFloor, tableLog(min(1, dot(a, q.upperCredit)), table))
                        if sum * perWeight <= top.bar { continue }
                    }
                    if wl > 0 {
                        sum += wl * max(q.logFloor, tableLog(min(1, dot(b, q.lowerCredit)), table))
                        if sum * perWeight <= top.bar { continue }
                    }
                    if wh > 0 {
                        let z = (Float(a[15]) * perHeight - 1) * perTolerance
                        sum += wh * max(q.logFloor, -0.5 * z * z)
                    }
                    let logMatch = sum * perWeight
                    if logMatch <= top.bar { continue }
                    var logPrior: Float = 0
                    if let seen = q.lastSeenMS {
                        let camera = Int(UInt16(littleEndian: p.loadUnaligned(fromByteOffset: 56, as: UInt16.self)))
                        if camera < cameraCount && paths[camera] > 0 {
                            let duration = Int64(UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 48, as: UInt32.self)))
                            logPrior = prior(
                                path: paths[camera], elapsed: gap(seen, seen, last - duration, last), brisk: q.brisk,
                                slack: q.timeSlack, tolerance: q.priorTolerance, floor: q.logPriorFloor)
                        }
                    }
                    if logMatch + logPrior <= top.bar { continue }
                    top.insert(TopK.Entry(log: logMatch + logPrior, match: exp(logMatch), prior: exp(logPrior), index: i))
                }
            }
        }
    }

    /// Σ share × credit over the 12 colour bins of a record block (lanes 12…15 of `credit` are 0).
    @inline(__always)
    static func dot(_ v: SIMD16<UInt8>, _ credit: SIMD16<Float>) -> Float {
        let f = floats(v) * credit
        let h = f.lowHalf + f.highHalf
        let q = h.lowHalf + h.highHalf
        return q[0] + q[1] + q[2] + q[3]
    }

    /// ln(m) for the 1,024 mantissa steps m ∈ [1, 2) (midpoints): with the exponent, a log good to 5·10⁻⁴.
    static let logTable: [Float] = (0..<1024).map { Float(log(1 + (Double($0) + 0.5) / 1024)) }

    @inline(__always)
    static func tableLog(_ x: Float, _ table: UnsafeBufferPointer<Float>) -> Float {
        guard x > 1e-30 else { return -69 }
        let bits = x.bitPattern
        let exponent = Float(Int32(bitPattern: (bits >> 23) & 0xFF) - 127)
        return exponent * 0.693_147_18 + table[Int((bits >> 13) & 0x3FF)]
    }

    static func link(_ base: UnsafeRawPointer, range: Range<Int>, query q: LinkQuery, into top: inout TopK) {
        let cameraCount = q.pathMetres.count
        let upperA = floats(q.upper), lowerA = floats(q.lower)
        q.pathMetres.withUnsafeBufferPointer { paths in
            for i in range {
                let p = base + i * DescriptorRecord.size
                let last = Int64(littleEndian: p.loadUnaligned(fromByteOffset: 40, as: Int64.self))
                if last < q.firstMS - q.windowMS { continue }
                let duration = Int64(UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 48, as: UInt32.self)))
                let first = last - duration
                if first > q.lastMS + q.windowMS { continue }
                let camera = UInt16(littleEndian: p.loadUnaligned(fromByteOffset: 56, as: UInt16.self))
                if camera == q.camera { continue }
                let a = p.loadUnaligned(as: SIMD16<UInt8>.self)
                let b = p.loadUnaligned(fromByteOffset: 16, as: SIMD16<UInt8>.self)
                var sum: Float = 0, weights: Float = 0
                let upperPixels = min(q.upperPixels, Float(UInt16(a[12]) | UInt16(a[13]) &<< 8))
                let wu = q.upperWeight * min(1, upperPixels / q.fullWeightPixels)
                if wu > 0 {
                    let shared = minimum(upperA, floats(a)).sum() * (1 / 255)
                    sum += wu * max(q.logFloor, fastLog(min(1, shared)))
                    weights += wu
                }
                let lowerPixels = min(q.lowerPixels, Float(UInt16(b[12]) | UInt16(b[13]) &<< 8))
                let wl = q.lowerWeight * min(1, lowerPixels / q.fullWeightPixels)
                    * min(1, min(q.lowerVisibility, Float(a[14])) / q.fullLowerVisibility)
                if wl > 0 {
                    let shared = minimum(lowerA, floats(b)).sum() * (1 / 255)
                    sum += wl * max(q.logFloor, fastLog(min(1, shared)))
                    weights += wl
                }
                if q.relativeHeight > 0 && a[15] > 0 {
                    let z = (Float(a[15]) / q.relativeHeight - 1) / q.heightTolerance
                    sum += q.heightWeight * max(q.logFloor, -0.5 * z * z)
                    weights += q.heightWeight
                }
                guard weights > 0 else { continue }
                var logScore = sum / weights
                if logScore <= top.bar { continue }
                var logPrior: Float = 0
                let c = Int(camera)
                if c < cameraCount && paths[c] > 0 {
                    logPrior = prior(
                        path: paths[c], elapsed: gap(q.firstMS, q.lastMS, first, last), brisk: q.brisk, slack: q.timeSlack,
                        tolerance: q.priorTolerance, floor: q.logPriorFloor)
                }
                logScore += logPrior
                if logScore <= top.bar { continue }
                top.insert(TopK.Entry(log: logScore, match: exp(logScore - logPrior), prior: exp(logPrior), index: i))
            }
        }
    }

    /// Seconds between two time intervals in milliseconds (0 when they overlap).
    @inline(__always)
    static func gap(_ aFirst: Int64, _ aLast: Int64, _ bFirst: Int64, _ bLast: Int64) -> Float {
        if bFirst > aLast { return Float(bFirst - aLast) * 0.001 }
        if aFirst > bLast { return Float(aFirst - bLast) * 0.001 }
        return 0
    }

    /// ``Reachability/logPrior(pathMetres:elapsed:brisk:)`` in Float.
    @inline(__always)
    static func prior(path: Float, elapsed: Float, brisk: Float, slack: Float, tolerance: Float, floor: Float) -> Float {
        let reach = brisk * (elapsed + slack)
        if reach >= path { return 0 }
        if reach <= 0 { return floor }
        let z = (path / reach - 1) / tolerance
        return max(floor, -0.5 * z * z)
    }

    /// Lanes as Float, by widening through the low and high halves (the generic conversion
    /// initialisers are called out of line).
    @inline(__always)
    static func floats(_ v: SIMD16<UInt8>) -> SIMD16<Float> {
        var f = SIMD16<Float>()
        for i in 0..<16 { f[i] = Float(v[i]) }
        return f
    }

    @inline(__always)
    static func minimum(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMD16<Float> {
        a.replacing(with: b, where: b .< a)
    }

    /// Natural log for x > 0 (−∞ side clamped by callers): exponent and mantissa from the bits,
    /// ln(m) = 2·atanh((m−1)/(m+1)) by its series; error < 2·10⁻⁵ over [1, 2).
    @inline(__always)
    static func fastLog(_ x: Float) -> Float {
        guard x > 1e-30 else { return -69 }
        let bits = x.bitPattern
        let exponent = Float(Int32(bitPattern: (bits >> 23) & 0xFF) - 127)
        let m = Float(bitPattern: (bits & 0x007F_FFFF) | 0x3F80_0000)  // [1, 2)
        let y = (m - 1) / (m + 1)
        let y2 = y * y
        let series = y * (2 + y2 * (2.0 / 3 + y2 * (2.0 / 5 + y2 * (2.0 / 7 + y2 * (2.0 / 9)))))
        return exponent * 0.693_147_18 + series
    }
}
