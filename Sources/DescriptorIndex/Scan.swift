import Dispatch
public import FoundationEssentials
public import Matching
import Description
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A report turned into the numbers the scan needs, precomputed once: per-bin colour credit,
/// weights, the time window and each camera's walking distance from the last-seen place.
///
/// The scan computes, from the quantised record, the same agreement as ``Matcher/agreement(_:_:seenAt:)``
/// (weighted geometric mean of upper colour, lower colour and height) times the
/// ``Reachability`` prior — in log form, so no `exp` per record. `Tests/DescriptorIndexTests`
/// checks the two agree. It picks candidates; the retro search ranks them by evidence
/// (``Matcher/score(_:_:seenAt:looks:)`` with each camera's ``IndexSnapshot/looks(from:until:saturation:)``).
public struct ScanQuery: Sendable {
    /// Credit per colour bin of a body part for a quantised share (0…255): best similarity of the
    /// bin to any reported colour ÷ (255 × colour saturation). Lanes 12…15 are zero.
    var upperCredit = SIMD16<Float>.zero
    var lowerCredit = SIMD16<Float>.zero
    var useUpper = false
    var useLower = false
    var weights: PartWeights
    /// Expected relative height × 100 (record units), or 0 when the report implies none.
    var expectedHeight: Float = 0
    /// Tracks last seen in this window (milliseconds since 1970) are scanned.
    public var fromMS: Int64
    public var untilMS: Int64
    /// The walking prior from the last-seen place, from the last-seen moment.
    var lastSeenMS: Int64?
    var walk: WalkPrior

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
        weights = PartWeights(c)
        if let expected = matcher.expectedRelativeHeight(report) { expectedHeight = Float(expected * 100) }
        let start = from ?? report.lastSeenAt.map { $0.addingTimeInterval(-c.lastSeenMargin) }
        fromMS = start.map(DescriptorRecord.milliseconds) ?? .min
        untilMS = until.map(DescriptorRecord.milliseconds) ?? .max
        lastSeenMS = report.lastSeenAt.map(DescriptorRecord.milliseconds)
        walk = WalkPrior(reachability, age: report.ageGroup, pathMetres: pathMetres)
    }
}

/// The matcher's weights in the units of a record (Float, visibility × 255, floor as a log).
struct PartWeights {
    var upper: Float
    var lower: Float
    var height: Float
    /// 1 / pixels for full weight, 1 / (full lower visibility × 255), 1 / height tolerance.
    var perPixel: Float
    var perVisibility: Float
    var perTolerance: Float
    var logFloor: Float

    init(_ c: MatchConfiguration) {
        upper = Float(c.upperWeight)
        lower = Float(c.lowerWeight)
        height = Float(c.heightWeight)
        perPixel = 1 / Float(max(1, c.fullWeightPixels))
        perVisibility = 1 / (max(0.01, c.fullLowerVisibility) * 255)
        perTolerance = 1 / Float(c.heightTolerance)
        logFloor = Float(log(c.floor))
    }
}

/// ``Reachability`` for one walker, with the path metres to each camera number (negative when
/// unknown: no prior for that camera).
struct WalkPrior {
    var pathMetres: [Float]
    var brisk: Float
    var timeSlack: Float
    var tolerance: Float
    var logFloor: Float

    init(_ r: Reachability, age: AgeGroup?, pathMetres: [Double?]) {
        self.pathMetres = pathMetres.map { $0.map(Float.init) ?? -1 }
        brisk = Float(r.speed(for: age).brisk)
        timeSlack = Float(r.timeSlack)
        tolerance = Float(r.tolerance)
        logFloor = Float(log(r.floor))
    }

    /// ``Reachability/logPrior(pathMetres:elapsed:brisk:)`` in Float, for camera number `camera`.
    @inline(__always)
    func logPrior(camera: Int, elapsed: Float, _ paths: UnsafeBufferPointer<Float>) -> Float {
        guard camera < paths.count else { return 0 }
        let path = paths[camera]
        guard path > 0 else { return 0 }
        let reach = brisk * (elapsed + timeSlack)
        if reach >= path { return 0 }
        if reach <= 0 { return logFloor }
        let z = (path / reach - 1) / tolerance
        return max(logFloor, -0.5 * z * z)
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

    /// Each camera's base rates of clothing colours (``LookFrequencies``) over the records last
    /// seen in `from…until`: what makes a look common or rare there, from its own stored tracks.
    public func looks(from: Date? = nil, until: Date? = nil, saturation: Float = 0.45) -> [String: LookFrequencies] {
        var perCamera = [LookFrequencies](repeating: LookFrequencies(saturation: saturation), count: cameras.count)
        let fromMS = from.map(DescriptorRecord.milliseconds) ?? .min, untilMS = until.map(DescriptorRecord.milliseconds) ?? .max
        for segment in segments {
            ScanKernel.looks(segment.mapping.base, range: 0..<segment.records, fromMS: fromMS, untilMS: untilMS, into: &perCamera)
        }
        var out: [String: LookFrequencies] = [:]
        for (i, name) in cameras.enumerated() where perCamera[i].upperTracks + perCamera[i].lowerTracks > 0 { out[name] = perCamera[i] }
        return out
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
    var weights: PartWeights
    var walk: WalkPrior

    init(
        example: DescriptorRecord, matcher: Matcher, reachability: Reachability, age: AgeGroup?, pathMetres: [Double?],
        window: Double
    ) {
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
        weights = PartWeights(matcher.configuration)
        walk = WalkPrior(reachability, age: age, pathMetres: pathMetres)
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
/// intersections), a table log, no allocation, no decoding.
enum ScanKernel {
    static func score(_ base: UnsafeRawPointer, range: Range<Int>, query q: ScanQuery, into top: inout TopK) {
        let w = q.weights
        let perHeight = q.expectedHeight > 0 ? 1 / q.expectedHeight : 0
        let upperWeight = q.useUpper ? w.upper : 0, lowerWeight = q.useLower ? w.lower : 0
        q.walk.pathMetres.withUnsafeBufferPointer { paths in
            logTable.withUnsafeBufferPointer { table in
                for i in range {
                    let p = base + i * DescriptorRecord.size
                    let last = Int64(littleEndian: p.loadUnaligned(fromByteOffset: 40, as: Int64.self))
                    if last < q.fromMS || last > q.untilMS { continue }
                    let a = p.loadUnaligned(as: SIMD16<UInt8>.self)
                    let b = p.loadUnaligned(fromByteOffset: 16, as: SIMD16<UInt8>.self)
                    // Weights first (cheap), so a poor upper-body colour ends the record early.
                    let wu = upperWeight * min(1, pixels(a) * w.perPixel)
                    let wl = lowerWeight * min(1, pixels(b) * w.perPixel) * min(1, Float(a[14]) * w.perVisibility)
                    let wh: Float = perHeight > 0 && a[15] > 0 ? w.height : 0
                    let weights = wu + wl + wh
                    guard weights > 0 else { continue }
                    let perWeight = 1 / weights
                    // Every part's log is ≤ 0, so each partial sum bounds the final score from above.
                    var sum: Float = 0
                    if wu > 0 {
                        sum = wu * max(w.logFloor, tableLog(min(1, dot(a, q.upperCredit)), table))
                        if sum * perWeight <= top.bar { continue }
                    }
                    if wl > 0 {
                        sum += wl * max(w.logFloor, tableLog(min(1, dot(b, q.lowerCredit)), table))
                        if sum * perWeight <= top.bar { continue }
                    }
                    if wh > 0 {
                        let z = (Float(a[15]) * perHeight - 1) * w.perTolerance
                        sum += wh * max(w.logFloor, -0.5 * z * z)
                    }
                    let logMatch = sum * perWeight
                    if logMatch <= top.bar { continue }
                    var logPrior: Float = 0
                    if let seen = q.lastSeenMS {
                        let duration = Int64(UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 48, as: UInt32.self)))
                        logPrior = q.walk.logPrior(camera: camera(p), elapsed: gap(seen, seen, last - duration, last), paths)
                    }
                    if logMatch + logPrior <= top.bar { continue }
                    top.insert(TopK.Entry(log: logMatch + logPrior, match: exp(logMatch), prior: exp(logPrior), index: i))
                }
            }
        }
    }

    /// Adds every record last seen in `fromMS…untilMS` to its camera's base rates.
    static func looks(_ base: UnsafeRawPointer, range: Range<Int>, fromMS: Int64, untilMS: Int64, into perCamera: inout [LookFrequencies]) {
        for i in range {
            let p = base + i * DescriptorRecord.size
            let last = Int64(littleEndian: p.loadUnaligned(fromByteOffset: 40, as: Int64.self))
            if last < fromMS || last > untilMS { continue }
            let n = camera(p)
            guard n < perCamera.count else { continue }
            let a = p.loadUnaligned(as: SIMD16<UInt8>.self)
            let b = p.loadUnaligned(fromByteOffset: 16, as: SIMD16<UInt8>.self)
            var upper = floats(a) * (1 / 255), lower = floats(b) * (1 / 255)
            for lane in 12..<16 {
                upper[lane] = 0
                lower[lane] = 0
            }
            perCamera[n].add(
                upperShares: upper, upperPixels: Int(pixels(a)), lowerShares: lower, lowerPixels: Int(pixels(b)),
                lowerVisibility: Float(a[14]) / 255)
        }
    }

    @inline(__always)
    static func pixels(_ block: SIMD16<UInt8>) -> Float { Float(UInt16(block[12]) | UInt16(block[13]) &<< 8) }

    @inline(__always)
    static func camera(_ p: UnsafeRawPointer) -> Int {
        Int(UInt16(littleEndian: p.loadUnaligned(fromByteOffset: 56, as: UInt16.self)))
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
        let w = q.weights
        let upperA = floats(q.upper), lowerA = floats(q.lower)
        let perHeight = q.relativeHeight > 0 ? 1 / q.relativeHeight : 0
        q.walk.pathMetres.withUnsafeBufferPointer { paths in
            logTable.withUnsafeBufferPointer { table in
                for i in range {
                    let p = base + i * DescriptorRecord.size
                    let last = Int64(littleEndian: p.loadUnaligned(fromByteOffset: 40, as: Int64.self))
                    if last < q.firstMS - q.windowMS { continue }
                    let duration = Int64(UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 48, as: UInt32.self)))
                    let first = last - duration
                    if first > q.lastMS + q.windowMS { continue }
                    let cameraNumber = camera(p)
                    if cameraNumber == Int(q.camera) { continue }
                    let a = p.loadUnaligned(as: SIMD16<UInt8>.self)
                    let b = p.loadUnaligned(fromByteOffset: 16, as: SIMD16<UInt8>.self)
                    // Both views must have seen enough of a part for it to count.
                    let wu = w.upper * min(1, min(q.upperPixels, pixels(a)) * w.perPixel)
                    let wl = w.lower * min(1, min(q.lowerPixels, pixels(b)) * w.perPixel)
                        * min(1, min(q.lowerVisibility, Float(a[14])) * w.perVisibility)
                    let wh: Float = perHeight > 0 && a[15] > 0 ? w.height : 0
                    let weights = wu + wl + wh
                    guard weights > 0 else { continue }
                    var sum: Float = 0
                    if wu > 0 { sum += wu * max(w.logFloor, tableLog(min(1, minimum(upperA, floats(a)).sum() * (1 / 255)), table)) }
                    if wl > 0 { sum += wl * max(w.logFloor, tableLog(min(1, minimum(lowerA, floats(b)).sum() * (1 / 255)), table)) }
                    if wh > 0 {
                        let z = (Float(a[15]) * perHeight - 1) * w.perTolerance
                        sum += wh * max(w.logFloor, -0.5 * z * z)
                    }
                    let logMatch = sum / weights
                    if logMatch <= top.bar { continue }
                    let logPrior = q.walk.logPrior(camera: cameraNumber, elapsed: gap(q.firstMS, q.lastMS, first, last), paths)
                    if logMatch + logPrior <= top.bar { continue }
                    top.insert(TopK.Entry(log: logMatch + logPrior, match: exp(logMatch), prior: exp(logPrior), index: i))
                }
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

    /// Lanes as Float (the generic SIMD conversion initialisers are called out of line).
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
}
