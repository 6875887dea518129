public import Foundation
public import GridStore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why the index could not be read or written.
public enum IndexError: Error, CustomStringConvertible, Sendable {
    case io(String, Int32)
    /// The folder holds an index in another format (a different Kinfinder): `kinfinder reindex`.
    case incompatible(String)
    /// The camera list is full (65,535 cameras).
    case tooManyCameras

    public var description: String {
        switch self {
        case .io(let what, let code): "\(what): \(String(cString: strerror(code)))"
        case .incompatible(let what): what
        case .tooManyCameras: "the descriptor index holds at most 65,535 cameras"
        }
    }
}

/// The track descriptors of the grid database as compact append-only segment files, built for
/// scanning: one file of 64-byte ``DescriptorRecord``s per UTC day of the tracks' last sighting, in a
/// folder next to the database.
///
/// ```
/// descriptors/
///   FORMAT          "kinfinder descriptor index 1" — anything else is rebuilt
///   cameras         camera ids, one per line; a record's camera number is the line number
///   watermark       the last track change (``StoredTrack/sequence``) the segments include
///   lock            writers hold an exclusive flock on it
///   2026-11-23.seg  records of tracks last seen that day
/// ```
///
/// The database stays the source of truth; the index is derived. ``catchUp(from:)`` appends every
/// track saved since the watermark (a track saved twice gets a second record; searches keep the
/// newest), ``rebuild(from:)`` starts over. Crash safety: records are appended and fsynced before
/// the watermark moves, so a crash can only leave a torn tail past the watermark — cut off by the
/// next writer, ignored by readers (a record whose checksum fails ends the file), and appended again.
/// Readers take no lock and see a consistent prefix.
public final class DescriptorIndex: Sendable {
    public static let format = "kinfinder descriptor index 1"
    /// Records appended per write (≤ ``SegmentFile/tailCheck``).
    static let batch = 4096

    public let directory: String

    /// Opens (creating) the index folder. Throws ``IndexError/incompatible(_:)`` when it holds
    /// another format.
    public init(directory: String) throws {
        self.directory = directory
        try SegmentFile.makeDirectory(directory)
        let formatPath = directory + "/FORMAT"
        if let text = try SegmentFile.read(formatPath) {
            guard text.trimmingCharacters(in: .whitespacesAndNewlines) == Self.format else {
                throw IndexError.incompatible(
                    "\(directory) holds a descriptor index in another format ('\(text.prefix(60))'): run kinfinder reindex")
            }
        } else {
            try SegmentFile.replace(formatPath, with: Self.format + "\n")
        }
    }

    /// The index folder for a grid database file: `descriptors/` beside it.
    public static func directory(forDatabase path: String) -> String {
        directory(inDataFolder: URL(fileURLWithPath: path).deletingLastPathComponent().path)
    }

    /// The index's folder in a host's data folder.
    public static func directory(inDataFolder folder: String) -> String {
        URL(fileURLWithPath: folder).appendingPathComponent("descriptors").path
    }

    // MARK: Writing

    /// Appends the tracks saved since the watermark. Returns how many records were appended.
    @discardableResult
    public func catchUp(from store: any GridStore, progress: (@Sendable (Int) -> Void)? = nil) async throws -> Int {
        // Nothing new (the common case when searches come in bursts): no lock, one indexed query.
        if try await store.tracks(afterSequence: try readWatermark(), limit: 1).isEmpty { return 0 }
        let lock = try await SegmentFile.Lock.acquire(directory + "/lock")
        defer { lock.unlock() }
        var watermark = try readWatermark()
        var appended = 0
        while true {
            let tracks = try await store.tracks(afterSequence: watermark, limit: Self.batch)
            guard let last = tracks.last?.sequence else { break }
            try appendLocked(tracks)
            watermark = last
            try SegmentFile.replace(directory + "/watermark", with: "\(watermark)\n")
            appended += tracks.count
            progress?(appended)
        }
        return appended
    }

    /// Deletes every segment, the camera list and the watermark, then appends every track again.
    @discardableResult
    public func rebuild(from store: any GridStore, progress: (@Sendable (Int) -> Void)? = nil) async throws -> Int {
        do {
            let lock = try await SegmentFile.Lock.acquire(directory + "/lock")
            defer { lock.unlock() }
            try SegmentFile.remove(directory + "/watermark")
            for name in try SegmentFile.list(directory) where name.hasSuffix(".seg") {
                try SegmentFile.remove(directory + "/" + name)
            }
            try SegmentFile.remove(directory + "/cameras")
            try SegmentFile.replace(directory + "/FORMAT", with: Self.format + "\n")
        }
        return try await catchUp(from: store, progress: progress)
    }

    /// Appends tracks that are already in the database (each with id and sequence), without
    /// moving the watermark: for tests and the synthetic benchmark.
    public func append(_ tracks: [StoredTrack]) async throws {
        let lock = try await SegmentFile.Lock.acquire(directory + "/lock")
        defer { lock.unlock() }
        try appendLocked(tracks)
    }

    /// Appends ready-made records (camera numbers from ``cameraNumbers(for:)``): the synthetic
    /// benchmark's fast path.
    public func append(records: [DescriptorRecord]) async throws {
        let lock = try await SegmentFile.Lock.acquire(directory + "/lock")
        defer { lock.unlock() }
        try writeByDay(records)
    }

    /// Camera numbers for these ids, adding unknown ones to the camera list.
    public func cameraNumbers(for ids: [String]) async throws -> [UInt16] {
        let lock = try await SegmentFile.Lock.acquire(directory + "/lock")
        defer { lock.unlock() }
        var known = try cameraList()
        return try ids.map { try number(of: $0, in: &known) }
    }

    private func appendLocked(_ tracks: [StoredTrack]) throws {
        var cameras = try cameraList()
        try writeByDay(tracks.filter { $0.id != nil }.map { DescriptorRecord($0, camera: try number(of: $0.cameraID, in: &cameras)) })
    }

    /// Appends records to the files of their days, at most ``batch`` per write (the tail check's bound).
    private func writeByDay(_ records: [DescriptorRecord]) throws {
        let byDay = Dictionary(grouping: records) { Self.day($0.lastSeenMS) }
        for (day, dayRecords) in byDay.sorted(by: { $0.key < $1.key }) {
            for start in stride(from: 0, to: dayRecords.count, by: Self.batch) {
                try write(dayRecords[start..<min(start + Self.batch, dayRecords.count)], day: day)
            }
        }
    }

    private func number(of camera: String, in known: inout [String: UInt16]) throws -> UInt16 {
        if let n = known[camera] { return n }
        guard known.count < Int(UInt16.max) else { throw IndexError.tooManyCameras }
        guard !camera.contains("\n") else { throw IndexError.io("camera id with a line break", EINVAL) }
        let n = UInt16(known.count)
        try SegmentFile.appendLine(directory + "/cameras", camera)
        known[camera] = n
        return n
    }

    private func write(_ records: ArraySlice<DescriptorRecord>, day: Int64) throws {
        let path = directory + "/" + Self.segmentName(day: day)
        let (fd, _) = try SegmentFile.openForAppend(path)
        defer { close(fd) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(
            byteCount: records.count * DescriptorRecord.size, alignment: 16)
        defer { buffer.deallocate() }
        for (i, r) in records.enumerated() { r.write(to: buffer.baseAddress! + i * DescriptorRecord.size) }
        try SegmentFile.append(fd, UnsafeRawBufferPointer(buffer), path: path)
    }

    // MARK: Reading

    /// The last track change the segments include (0 for an empty index).
    public func readWatermark() throws -> Int64 {
        guard let text = try SegmentFile.read(directory + "/watermark") else { return 0 }
        guard let value = Int64(text.trimmingCharacters(in: .whitespacesAndNewlines)), value >= 0 else {
            return 0  // unreadable: start over; duplicates are harmless, the newest record wins
        }
        return value
    }

    /// Camera id → number, from complete lines only (a torn last line is ignored).
    func cameraList() throws -> [String: UInt16] {
        guard let text = try SegmentFile.read(directory + "/cameras") else { return [:] }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        lines.removeLast()  // after the last "\n": empty, or a torn line
        var known: [String: UInt16] = [:]
        for (i, line) in lines.enumerated() where i < Int(UInt16.max) { known[String(line)] = UInt16(i) }
        return known
    }

    /// Camera ids by number.
    public func cameras() throws -> [String] {
        try cameraList().sorted { $0.value < $1.value }.map(\.key)
    }

    /// Maps the segments that can hold tracks last seen at or after `since` (all when `nil`).
    public func snapshot(since: Date? = nil) throws -> IndexSnapshot {
        let fromDay = since.map { Self.day(DescriptorRecord.milliseconds($0)) }
        var segments: [IndexSnapshot.Segment] = []
        for name in try SegmentFile.list(directory).sorted() where name.hasSuffix(".seg") {
            guard let day = Self.day(segmentName: name) else { continue }
            if let fromDay, day < fromDay { continue }
            if let (mapping, records) = try SegmentFile.map(directory + "/" + name) {
                segments.append(IndexSnapshot.Segment(name: name, mapping: mapping, records: records))
            }
        }
        return IndexSnapshot(segments: segments, cameras: try cameras())
    }

    /// Reads every record and checks its checksum: the number of good and bad records.
    public func verify() throws -> (good: Int, bad: Int, files: Int) {
        var good = 0, bad = 0, files = 0
        for name in try SegmentFile.list(directory).sorted() where name.hasSuffix(".seg") {
            files += 1
            let path = directory + "/" + name
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw IndexError.io("cannot open \(path)", errno) }
            defer { close(fd) }
            let size = try SegmentFile.fileSize(fd, path)
            if size % DescriptorRecord.size != 0 { bad += 1 }
            try SegmentFile.withMapping(fd, bytes: size, path: path) { base in
                guard let base else { return }
                for i in 0..<(size / DescriptorRecord.size) {
                    if DescriptorRecord.isValid(base + i * DescriptorRecord.size) { good += 1 } else { bad += 1 }
                }
            }
        }
        return (good, bad, files)
    }

    // MARK: Day files

    static func day(_ milliseconds: Int64) -> Int64 {
        milliseconds >= 0 ? milliseconds / 86_400_000 : (milliseconds - 86_399_999) / 86_400_000
    }

    /// "yyyy-mm-dd.seg" for a day number (days since 1970-01-01), by the civil-from-days algorithm.
    static func segmentName(day: Int64) -> String {
        let z = day + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(y)-\(two(m))-\(two(d)).seg"
    }

    /// The day number of a segment file name, or `nil` for other names.
    static func day(segmentName name: String) -> Int64? {
        let parts = name.dropLast(4).split(separator: "-")
        guard name.hasSuffix(".seg"), parts.count == 3, let y = Int64(parts[0]), let m = Int64(parts[1]),
            let d = Int64(parts[2]), (1...12).contains(m), (1...31).contains(d)
        else { return nil }
        // days-from-civil
        let yy = m <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
