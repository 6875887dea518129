import Foundation
import Testing
@testable import DescriptorIndex
import GridStore
import Matching
import Detection
import Description

/// A fresh folder, removed afterwards.
func withFolder<T>(_ body: (String) async throws -> T) async throws -> T {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kinfinder-index-tests-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    return try await body(folder.path)
}

/// Deterministic random tracks with clothing-like histograms (a main colour, a second one, noise).
struct TrackMaker {
    var state: UInt64

    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state >> 33
    }

    mutating func unit() -> Float { Float(next() % 10_000) / 10_000 }

    mutating func histogram() -> ColourHistogram {
        var counts = [Int](repeating: 0, count: 12)
        let main = Int(next() % 12), second = Int(next() % 12)
        counts[main] += 200 + Int(next() % 600)
        counts[second] += Int(next() % 300)
        for i in 0..<12 { counts[i] += Int(next() % 40) }
        if next() % 10 == 0 { return ColourHistogram(counts: counts.map { $0 / 40 }) }  // few pixels
        return ColourHistogram(counts: counts)
    }

    mutating func track(id: Int64, camera: String, at t: Date) -> StoredTrack {
        let relative: Float? = next() % 5 == 0 ? nil : 0.6 + unit() * 0.6
        let d = TrackDescriptor(
            trackID: Int(id), firstSeen: 0, lastSeen: 4 + Double(unit() * 20), upper: histogram(), lower: histogram(),
            lowerVisibility: unit(), heightPixels: 80, heightFraction: 0.3, relativeHeight: relative, speed: unit() * 2,
            heading: unit() * 360, loiterSeconds: unit() * 5, observations: 40,
            bestBox: Box(x: 10, y: 10, width: 20, height: 60), bestTime: 2)
        return StoredTrack(
            id: id, cameraID: camera, runID: "r", firstSeenAt: t, lastSeenAt: t.addingTimeInterval(d.lastSeen), descriptor: d,
            sequence: id)
    }
}

@Suite("Descriptor records and segment files")
struct DescriptorRecordTests {
    @Test("a record survives the 64-byte round trip; a torn or zeroed record is refused")
    func roundTrip() throws {
        var maker = TrackMaker(state: 7)
        let track = maker.track(id: 42, camera: "C", at: Date(timeIntervalSince1970: 1_790_000_000))
        let record = DescriptorRecord(track, camera: 3)
        var bytes = [UInt8](repeating: 0, count: 64)
        bytes.withUnsafeMutableBytes { record.write(to: $0.baseAddress!) }
        let back = bytes.withUnsafeBytes { DescriptorRecord(bytes: $0.baseAddress!) }
        #expect(back == record)
        #expect(record.trackID == 42 && record.camera == 3)
        #expect(record.lastSeenMS == Int64(track.lastSeenAt.timeIntervalSince1970 * 1000))
        // Shares within half a quantisation step.
        let step: Float = 0.5 / 255 + 1e-6
        for i in 0..<12 {
            let stored = Float(record.upper[i]) / 255
            #expect(abs(stored - track.descriptor.upper.bins[i]) <= step)
        }
        bytes[20] ^= 1
        #expect(bytes.withUnsafeBytes { DescriptorRecord(bytes: $0.baseAddress!) } == nil)
        let zeros = [UInt8](repeating: 0, count: 64)
        #expect(zeros.withUnsafeBytes { DescriptorRecord(bytes: $0.baseAddress!) } == nil)
    }

    @Test("day files are named by the UTC day of the last sighting, both ways")
    func dayNames() {
        let day = DescriptorIndex.day(Int64(Date(timeIntervalSince1970: 1_795_392_000).timeIntervalSince1970 * 1000))
        #expect(DescriptorIndex.segmentName(day: day) == "2026-11-23.seg")
        #expect(DescriptorIndex.segmentName(day: 0) == "1970-01-01.seg")
        #expect(DescriptorIndex.segmentName(day: 11_016) == "2000-02-29.seg")
        for d in [Int64(0), 11_016, 20_415, 30_000] {
            #expect(DescriptorIndex.day(segmentName: DescriptorIndex.segmentName(day: d)) == d)
        }
        #expect(DescriptorIndex.day(segmentName: "notes.txt") == nil)
    }

    @Test("a torn tail is never read and the next append cuts it off")
    func tornTail() async throws {
        try await withFolder { folder in
            let index = try DescriptorIndex(directory: folder)
            var maker = TrackMaker(state: 1)
            let t = Date(timeIntervalSince1970: 1_795_400_000)
            try await index.append((1...10).map { maker.track(id: $0, camera: "C1", at: t) })
            let segment = folder + "/" + DescriptorIndex.segmentName(day: DescriptorIndex.day(Int64(t.timeIntervalSince1970 * 1000)))
            #expect(try index.snapshot().recordCount == 10)

            // A crash mid-append: one record written as zeros (the file grew, the data never came)
            // and half of the next.
            let handle = try #require(FileHandle(forWritingAtPath: segment))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(count: 64) + Data(repeating: 0xAB, count: 30))
            try handle.close()
            let snapshot = try index.snapshot()
            #expect(snapshot.recordCount == 10, "readers stop at the first bad record")
            let all = snapshot.scan(ScanQuery(report: MissingPersonReport(name: "x", upper: [.red]), matcher: Matcher()), limit: 100)
            #expect(Set(all.map(\.record.trackID)) == Set(1...10))

            // A record with a flipped byte in the middle of the tail region also ends the valid part.
            try await index.append([maker.track(id: 11, camera: "C1", at: t)])
            #expect(try FileManager.default.attributesOfItem(atPath: segment)[.size] as? Int == 11 * 64, "torn bytes cut off")
            #expect(try index.verify() == (good: 11, bad: 0, files: 1))
            #expect(try index.snapshot().recordCount == 11)
        }
    }

    @Test("a torn line in the camera list is ignored and the camera numbered again")
    func tornCameraLine() async throws {
        try await withFolder { folder in
            let index = try DescriptorIndex(directory: folder)
            #expect(try await index.cameraNumbers(for: ["A", "B"]) == [0, 1])
            let handle = try #require(FileHandle(forWritingAtPath: folder + "/cameras"))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data("C-half".utf8))
            try handle.close()
            #expect(try index.cameras() == ["A", "B"])
        }
    }
}

@Suite("Scanning the index")
struct ScanTests {
    static let t0 = Date(timeIntervalSince1970: 1_795_400_000)

    @Test("the scan's score equals the matcher's score times the walking prior, within quantisation")
    func agreesWithMatcher() async throws {
        try await withFolder { folder in
            let index = try DescriptorIndex(directory: folder)
            var maker = TrackMaker(state: 99)
            let tracks = (1...400).map { maker.track(id: $0, camera: $0 % 2 == 0 ? "near" : "far", at: Self.t0.addingTimeInterval(Double($0) * 5)) }
            try await index.append(tracks)
            let snapshot = try index.snapshot()
            let reach = Reachability()
            let matcher = Matcher()
            let paths: [String: Double] = ["near": 0, "far": reach.pathMetres(straightLine: 2500)]
            let numbers = snapshot.cameras
            for report in [
                MissingPersonReport(name: "a", ageGroup: .child, upper: [.red], lower: [.blue], lastSeenAt: Self.t0),
                MissingPersonReport(name: "b", ageGroup: .elderly, upper: [.grey, .white], lastSeenAt: Self.t0.addingTimeInterval(600)),
                MissingPersonReport(name: "c", heightCM: 180, lower: [.black]),
            ] {
                let query = ScanQuery(report: report, matcher: matcher, reachability: reach, pathMetres: numbers.map { paths[$0] })
                let hits = snapshot.scan(query, limit: 400)
                let byID = Dictionary(uniqueKeysWithValues: tracks.map { ($0.id!, $0) })
                var compared = 0
                for hit in hits {
                    let track = try #require(byID[hit.record.trackID])
                    let exact = try #require(matcher.agreement(report, track.descriptor, seenAt: track.lastSeenAt))
                    #expect(abs(Double(hit.match) - exact.score) < 0.03, "track \(hit.record.trackID) \(report.name)")
                    var prior = 1.0
                    if let lost = report.lastSeenAt {
                        let elapsed = Reachability.elapsed(
                            from: lost.timeIntervalSince1970, first: track.firstSeenAt.timeIntervalSince1970,
                            last: track.lastSeenAt.timeIntervalSince1970)
                        prior = reach.prior(pathMetres: paths[track.cameraID]!, elapsed: elapsed, age: report.ageGroup)
                    }
                    #expect(abs(Double(hit.prior) - prior) < 0.01)
                    compared += 1
                }
                // Every track the matcher scores is scanned (all are in the time window here).
                let scored = tracks.filter { matcher.score(report, $0.descriptor, seenAt: $0.lastSeenAt) != nil }
                #expect(compared == scored.count)
            }
        }
    }

    @Test("the top list is the brute-force top list; the time window and duplicates are respected")
    func topList() async throws {
        try await withFolder { folder in
            let index = try DescriptorIndex(directory: folder)
            var maker = TrackMaker(state: 5)
            var tracks = (1...3000).map { maker.track(id: $0, camera: "C\($0 % 7)", at: Self.t0.addingTimeInterval(Double($0))) }
            try await index.append(tracks)
            // Track 10 saved again later (an update): the scan returns it once.
            try await index.append([tracks[9]])
            let report = MissingPersonReport(name: "x", ageGroup: .adult, upper: [.green], lower: [.black])
            let matcher = Matcher()
            let from = Self.t0.addingTimeInterval(1000)
            let hits = try index.snapshot().scan(ScanQuery(report: report, matcher: matcher, from: from), limit: 50)
            #expect(hits.count == 50)
            #expect(Set(hits.map(\.record.trackID)).count == 50)
            #expect(hits.allSatisfy { $0.record.lastSeenMS >= Int64(from.timeIntervalSince1970 * 1000) })
            tracks = tracks.filter { $0.lastSeenAt >= from }
            let exact = tracks.compactMap { t in matcher.agreement(report, t.descriptor, seenAt: t.lastSeenAt).map { (t.id!, $0.score) } }
                .sorted { $0.1 > $1.1 }
            let exactByID = Dictionary(uniqueKeysWithValues: exact)
            // Each hit's true score is at least the true 50th best, up to quantisation.
            let fiftieth = exact[49].1
            #expect(hits.allSatisfy { exactByID[$0.record.trackID]! >= fiftieth - 0.02 })
            #expect(abs(exactByID[hits[0].record.trackID]! - exact[0].1) < 0.02, "the best is the best (ties aside)")
        }
    }

    @Test("each camera's base rates from the index equal those learned from the tracks themselves, in the time window")
    func baseRates() async throws {
        try await withFolder { folder in
            let index = try DescriptorIndex(directory: folder)
            var maker = TrackMaker(state: 11)
            let tracks = (1...600).map { maker.track(id: $0, camera: "C\($0 % 3)", at: Self.t0.addingTimeInterval(Double($0))) }
            try await index.append(tracks)
            let from = Self.t0.addingTimeInterval(200)
            let looks = try index.snapshot().looks(from: from)
            #expect(Set(looks.keys) == ["C0", "C1", "C2"])
            for camera in ["C0", "C1", "C2"] {
                let own = LookFrequencies(tracks: tracks.filter { $0.cameraID == camera && $0.lastSeenAt >= from }.map(\.descriptor))
                let got = try #require(looks[camera])
                #expect(got.upperTracks == own.upperTracks && got.lowerTracks == own.lowerTracks && own.upperTracks > 100)
                for c in ColourName.allCases {
                    // Shares are stored × 255: equal up to that rounding.
                    #expect(abs(got.baseRate(of: [c], part: .upper) - own.baseRate(of: [c], part: .upper)) < 0.01, "\(camera) \(c)")
                    #expect(abs(got.baseRate(of: [c], part: .lower) - own.baseRate(of: [c], part: .lower)) < 0.01, "\(camera) \(c)")
                }
            }
        }
    }

    @Test("links find the same person on another camera only when the walk between fits the time")
    func links() async throws {
        try await withFolder { folder in
            let index = try DescriptorIndex(directory: folder)
            var maker = TrackMaker(state: 3)
            let person = maker.track(id: 1, camera: "A", at: Self.t0)
            func copy(_ id: Int64, camera: String, after seconds: Double) -> StoredTrack {
                var t = person
                t.id = id
                t.cameraID = camera
                t.firstSeenAt = person.firstSeenAt.addingTimeInterval(seconds)
                t.lastSeenAt = person.lastSeenAt.addingTimeInterval(seconds)
                return t
            }
            let others = (10...200).map { maker.track(id: $0, camera: "B", at: Self.t0.addingTimeInterval(Double($0) * 3)) }
            // Same look on B 10 minutes later (400 m: easy) and on C 1 minute later (3 km: impossible).
            try await index.append([person, copy(2, camera: "B", after: 600), copy(3, camera: "C", after: 60)] + others)
            let snapshot = try index.snapshot()
            let reach = Reachability()
            let paths: [String: Double] = ["A": 0, "B": reach.pathMetres(straightLine: 400), "C": reach.pathMetres(straightLine: 3000)]
            let example = try #require(snapshot.scan(ScanQuery(report: MissingPersonReport(name: "x", upper: [.red]), matcher: Matcher()), limit: 500)
                .first { $0.record.trackID == 1 }?.record)
            let links = snapshot.links(
                of: example, matcher: Matcher(), pathMetres: snapshot.cameras.map { paths[$0] }, limit: 300)
            #expect(links.first?.record.trackID == 2)
            #expect(links.first.map { $0.match > 0.95 && $0.prior > 0.99 } == true)
            let impossible = try #require(links.first { $0.record.trackID == 3 })
            #expect(impossible.prior < 0.05 && impossible.score < links[0].score)
            #expect(!links.contains { $0.record.trackID == 1 }, "never the example itself")
        }
    }
}

@Suite("Catching up with the grid database")
struct CatchUpTests {
    @Test("catch-up appends what was saved since the watermark; rebuild starts over")
    func catchUp() async throws {
        try await withFolder { folder in
            let store = try SQLiteGridStore(path: folder + "/grid.sqlite")
            try await store.upsertCells([GridCell(id: "D", name: "d", level: .district)])
            try await store.upsertCamera(Camera(id: "C1", name: "c", cellID: "D"))
            let index = try DescriptorIndex(directory: DescriptorIndex.directory(forDatabase: store.path))
            #expect(index.directory == folder + "/descriptors")
            var maker = TrackMaker(state: 11)
            var saved: [StoredTrack] = []
            for i in 1...20 {
                var t = maker.track(id: 0, camera: "C1", at: Date(timeIntervalSince1970: 1_795_400_000 + Double(i)))
                t.id = nil
                t.descriptor.trackID = i
                saved.append(try await store.saveTrack(t))
            }
            #expect(try await index.catchUp(from: store) == 20)
            #expect(try await index.catchUp(from: store) == 0, "nothing new")
            // One update and one new track: two records more; the newest record of the update wins on rescoring.
            var updated = saved[0]
            updated.lastSeenAt = updated.lastSeenAt.addingTimeInterval(30)
            _ = try await store.saveTrack(updated)
            var fresh = maker.track(id: 0, camera: "C1", at: Date(timeIntervalSince1970: 1_795_400_100))
            fresh.id = nil
            fresh.descriptor.trackID = 99
            _ = try await store.saveTrack(fresh)
            #expect(try await index.catchUp(from: store) == 2)
            #expect(try index.snapshot().recordCount == 22)
            #expect(try index.readWatermark() == 22)
            #expect(try await index.rebuild(from: store) == 21, "one record per track after a rebuild")
            #expect(try index.verify() == (good: 21, bad: 0, files: 1))
        }
    }
}
