import DescriptorIndex
import Foundation
import GridStore
import Ingest
import KinfinderCore
import Logging
import Matching
import KinfinderTestSupport
import Testing
import Detection
import Description

let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
func sample(_ name: String) -> String { repoRoot.appendingPathComponent("SampleClips/\(name)").path }

/// A fresh data folder with a grid database holding the sample grid.
struct Workspace {
    let folder: URL
    let store: SQLiteGridStore
    let model: ColourNameModel

    init() async throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("kinfinder-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        store = try SQLiteGridStore(path: folder.appendingPathComponent("grid.sqlite").path)
        let grid = try GridFile.load(path: sample("grid.yaml"))
        try await store.upsertCells(grid.cells)
        for c in grid.cameras { try await store.upsertCamera(c) }
        model = try ColourNameModel(directory: repoRoot.appendingPathComponent("Models").path)
    }

    func report(_ text: String, name: String, lastSeen: Date) async throws -> MissingPersonReport {
        let p = try DescriptionReader(model: model).read(text)
        return try await store.addReport(MissingPersonReport(
            name: name, ageGroup: p.ageGroup, heightCM: p.heightCM, upper: p.upper, lower: p.lower, describedAs: text,
            lastSeenCell: "XH-BS-DQ-01", lastSeenAt: lastSeen))
    }

    func watch(_ clip: String, camera: String, start: Date, workingWidth: Int = 640) async throws -> WatchSummary {
        guard let cam = try await store.camera(id: camera) else { throw KinfinderError.unknownCamera(camera) }
        var config = PipelineConfiguration()
        config.ingest.workingWidth = workingWidth
        let pipeline = CameraPipeline(
            camera: cam, store: store, colourTable: model.yuvTable(), dataDirectory: folder.path,
            configuration: config, logger: Logger(label: "test"))
        return try await pipeline.watch(source: sample(clip), startTime: start, runID: "test-run")
    }

    func remove() { try? FileManager.default.removeItem(at: folder) }
}

@Suite("End to end on the sample clips", .serialized, .ownThread)
struct EndToEndTests {
    @Test("a report of the child in red and blue raises exactly that incident, with a snapshot; a report of nobody raises none")
    func scenicGate() async throws {
        let ws = try await Workspace()
        defer { ws.remove() }
        let start = Date()
        let truth = try GroundTruth.load(path: sample("scenic-gate-640.gt.json"))
        let child = try #require(truth.identities.first { $0.ageGroup == "child" })
        let childReport = try await ws.report(child.description_zh, name: "小明", lastSeen: start.addingTimeInterval(-600))
        // Nobody in this clip wears an orange top.
        let nobody = try await ws.report("orange jacket, orange trousers", name: "nobody", lastSeen: start.addingTimeInterval(-600))

        let summary = try await ws.watch("scenic-gate-640.mp4", camera: "cam-gate", start: start)
        #expect(summary.frames == truth.frames)
        #expect(summary.tracksStored >= truth.identities.count - 1)

        let forChild = try await ws.store.incidents(IncidentFilter(reportID: childReport.id))
        let forNobody = try await ws.store.incidents(IncidentFilter(reportID: nobody.id))
        #expect(forNobody.isEmpty)
        try #require(forChild.count == 1)
        let incident = forChild[0]
        #expect(incident.cameraID == "cam-gate")
        #expect(incident.cellID == "XH-BS-DQ-01")
        #expect(incident.status == .open)
        #expect(incident.score >= MatchConfiguration().threshold)

        // The matched track is the child: its best view overlaps the child's true box at that time.
        let tracks = try await ws.store.tracks(since: nil, cameraID: "cam-gate")
        let track = try #require(tracks.first { $0.id == incident.trackID })
        let frame = Int((track.descriptor.bestTime * truth.fps).rounded())
        let truthBox = try #require(truth.boxes.first { $0.frame == frame && $0.id == child.id })
        #expect(truthBox.box.iou(track.descriptor.bestBox) >= 0.5, "best view \(track.descriptor.bestBox) vs truth \(truthBox.box)")

        // A real JPEG snapshot next to the database.
        let path = try #require(incident.snapshotPath)
        let jpeg = try Data(contentsOf: ws.folder.appendingPathComponent(path))
        #expect(jpeg.count > 1000)
        #expect(Array(jpeg.prefix(3)) == [0xFF, 0xD8, 0xFF])
        let decoded = try VideoSource(ws.folder.appendingPathComponent(path).path)
        #expect(decoded.info.sourceHeight >= 240)

        // Watching the same clip again under a new run does not raise the same sighting twice.
        _ = try await ws.watch("scenic-gate-640.mp4", camera: "cam-gate", start: start)
        #expect(try await ws.store.incidents(IncidentFilter(reportID: childReport.id)).count == 1)
    }

    @Test("on the 720p plaza clip (a high, wide view analysed at full width), the child in pink is found and a green top matches nobody")
    func plaza() async throws {
        let ws = try await Workspace()
        defer { ws.remove() }
        let start = Date()
        let truth = try GroundTruth.load(path: sample("plaza-720.gt.json"))
        let child = try #require(truth.identities.first { $0.ageGroup == "child" })
        let childReport = try await ws.report(child.description_en, name: "Lily", lastSeen: start)
        let nobody = try await ws.report("绿色上衣 小孩", name: "nobody", lastSeen: start)
        let summary = try await ws.watch("plaza-720.mp4", camera: "cam-plaza", start: start, workingWidth: 1280)
        #expect(summary.stream.workingWidth == 1280)
        let hits = try await ws.store.incidents(IncidentFilter(reportID: childReport.id))
        #expect(hits.count == 1)
        #expect(try await ws.store.incidents(IncidentFilter(reportID: nobody.id)).isEmpty)
        if let hit = hits.first {
            let tracks = try await ws.store.tracks(since: nil, cameraID: "cam-plaza")
            let track = try #require(tracks.first { $0.id == hit.trackID })
            let frame = Int((track.descriptor.bestTime * truth.fps).rounded())
            let truthBox = try #require(truth.boxes.first { $0.frame == frame && $0.id == child.id })
            #expect(truthBox.box.iou(track.descriptor.bestBox) >= 0.5, "best view \(track.descriptor.bestBox) vs truth \(truthBox.box)")
        }
    }

    @Test("a report filed after the person was last seen by this camera still needs the time to fit")
    func timeWindow() async throws {
        let ws = try await Workspace()
        defer { ws.remove() }
        let start = Date()
        let truth = try GroundTruth.load(path: sample("scenic-gate-640.gt.json"))
        let child = try #require(truth.identities.first { $0.ageGroup == "child" })
        // Lost two hours after this clip was filmed: the clip cannot show them.
        let late = try await ws.report(child.description_en, name: "later", lastSeen: start.addingTimeInterval(7200))
        _ = try await ws.watch("scenic-gate-640.mp4", camera: "cam-gate", start: start)
        #expect(try await ws.store.incidents(IncidentFilter(reportID: late.id)).isEmpty)
    }
}

@Suite("Grid file and time parsing")
struct CoreUnitTests {
    @Test("the sample grid file parses into a four-level hierarchy with cameras")
    func gridFile() throws {
        let g = try GridFile.load(path: sample("grid.yaml"))
        #expect(g.cells.count == 8)
        #expect(g.cells.first { $0.id == "XH-BS-DQ-01" }?.parentID == "XH-BS-DQ")
        #expect(g.cells.first { $0.id == "XH-BS-DQ-01" }?.level == .microGrid)
        #expect(g.cameras.map(\.id) == ["cam-gate", "cam-plaza"])
    }

    @Test("grid file errors name the problem")
    func gridErrors() {
        #expect(throws: KinfinderError.self) { try GridFile.parse("cells:\n  - id: A\n    name: a\n    level: galaxy\n") }
        #expect(throws: KinfinderError.self) { try GridFile.parse("cells:\n  - id: A\n    name: a\n    level: district\n  - id: A\n    name: b\n    level: district\n") }
        #expect(throws: KinfinderError.self) { try GridFile.parse("[not a grid") }
    }

    @Test("times as people type them")
    func times() throws {
        let utc = TimeZone(identifier: "UTC")!
        let now = try TimeParsing.parse("2026-11-23T12:00:00Z")
        #expect(try TimeParsing.parse("20m", now: now) == now.addingTimeInterval(-1200))
        #expect(try TimeParsing.parse("1h30m ago", now: now) == now.addingTimeInterval(-5400))
        #expect(try TimeParsing.parse("14:30", now: now, timeZone: utc) == TimeParsing.parse("2026-11-23T14:30:00Z"))
        #expect(try TimeParsing.parse("2026-11-23 08:15", now: now, timeZone: utc) == TimeParsing.parse("2026-11-23T08:15:00Z"))
        #expect(try TimeParsing.parse("now", now: now) == now)
        #expect(throws: KinfinderError.invalidTime("yesterday-ish")) { try TimeParsing.parse("yesterday-ish") }
        // A mistyped year or a huge "ago" reads as a time no one can mean (issue 17): refused.
        #expect(throws: KinfinderError.implausibleTime("20261-11-23 14:30")) { try TimeParsing.parse("20261-11-23 14:30", now: now) }
        #expect(throws: KinfinderError.implausibleTime("99999999999999m")) { try TimeParsing.parse("99999999999999m", now: now) }
        let infinite = String(repeating: "9", count: 400) + "s"
        #expect(throws: KinfinderError.implausibleTime(infinite)) { try TimeParsing.parse(infinite, now: now) }
        #expect(throws: KinfinderError.implausibleTime("10000-01-01T00:00:00Z")) { try TimeParsing.parse("10000-01-01T00:00:00Z", now: now) }
        #expect(throws: KinfinderError.implausibleTime("2026-11-25 12:00")) { try TimeParsing.parse("2026-11-25 12:00", now: now, timeZone: utc) }
        #expect(try TimeParsing.parse("2026-11-24 11:00", now: now, timeZone: utc) > now)  // within a day ahead: clocks differ
        #expect(try TimeParsing.parse("2009-05-01 09:00", now: now, timeZone: utc) < now)  // an old archive clip
    }

    @Test("a crop copies the region and outlines the person")
    func crop() throws {
        var f = VideoFrame(width: 64, height: 48)
        for i in 0..<f.y.count { f.y[i] = UInt8(i % 200) }
        let c = Crop(frame: f, box: Box(x: 20, y: 10, width: 10, height: 20), margin: 0.5)
        #expect(c.width % 2 == 0 && c.height % 2 == 0)
        #expect(c.width >= 18 && c.height >= 38)
        #expect(c.y.contains(81))
        #expect(c.v.contains(240))

        // The whole frame, with the box where it was; the outline is the only change.
        let whole = Crop(wholeFrame: f, box: Box(x: 20, y: 10, width: 10, height: 20))
        #expect(whole.width == 64 && whole.height == 48)
        #expect(whole.y[0] == f.y[0] && whole.y[47 * 64 + 63] == f.y[47 * 64 + 63])
        #expect(whole.y[8 * 64 + 20] == 81 && whole.y[20 * 64 + 25] == f.y[20 * 64 + 25])
        // A danger zone drawn on it in yellow: its edges change, its inside does not.
        var zoned = whole
        zoned.draw(polygon: [[0.25, 0.25], [0.75, 0.25], [0.75, 0.75], [0.25, 0.75]])
        #expect(zoned.y[12 * 64 + 32] == 210 && zoned.y[36 * 64 + 16] == 210, "the top and bottom-left edges")
        #expect(zoned.u[(12 / 2) * 32 + 16] == 16 && zoned.v[(12 / 2) * 32 + 16] == 146)
        #expect(zoned.y[24 * 64 + 40] == whole.y[24 * 64 + 40] && zoned.y[2 * 64 + 2] == whole.y[2 * 64 + 2])

        // A strip: both views at the strip's height, side by side, a dark gap between.
        let tall = Crop(frame: f, box: Box(x: 4, y: 4, width: 8, height: 30), margin: 0)
        let strip = try #require(Crop.strip([c, tall], height: 40))
        #expect(strip.height == 40 && strip.width % 2 == 0 && strip.u.count == strip.width * 40 / 4)
        let w0 = (Int((Double(c.width) * 40 / Double(c.height)).rounded()) + 1) & ~1
        #expect(strip.y[w0 + 1] == 16 && strip.y[w0 + 2] == 16, "the gap after the first view")
        #expect(strip.y[0] == c.y[0])
        #expect(Crop.strip([], height: 40)?.width == nil)
    }

    @Test("JPEG size read from the frame header, without decoding")
    func jpegSize() throws {
        var f = VideoFrame(width: 64, height: 48)
        for i in 0..<f.y.count { f.y[i] = UInt8(i % 200) }
        let bytes = try JPEGEncoder(minimumHeight: 0).encode(width: 64, height: 48, y: f.y, u: f.u, v: f.v)
        #expect(JPEGSize.read(bytes)! == (64, 48))
        let enlarged = try JPEGEncoder().encode(width: 64, height: 48, y: f.y, u: f.u, v: f.v)
        #expect(JPEGSize.read(enlarged)! == (64 * 4, 48 * 4) && JPEGEncoder().scale(forHeight: 48) == 4)
        #expect(JPEGSize.read(Array("not a jpeg".utf8)) == nil && JPEGSize.read(bytes.prefix(20)) == nil)
    }
}

@Suite("Retro search over stored tracks", .ownThread)
struct RetroSearchTests {
    @Test("a report filed afterwards finds the child on two cameras in order, with snapshots, and not where it could not have walked")
    func twoCameras() async throws {
        let ws = try await Workspace()
        defer { ws.remove() }
        // A third camera 2 km south, at the Orioles micro-grid.
        let orioles = try #require(try await ws.store.cell(id: "XH-NS-LF-01")?.location)
        try await ws.store.upsertCamera(Camera(id: "cam-orioles", name: "Orioles", cellID: "XH-NS-LF-01", location: orioles))
        let t0 = Date().addingTimeInterval(-3600)
        // The same clip as three cameras: the gate, the plaza (400 m) a quarter of an hour later — and
        // the Orioles (2 km) a minute later, where a child cannot be by then.
        _ = try await ws.watch("scenic-gate-640.mp4", camera: "cam-gate", start: t0)
        _ = try await ws.watch("scenic-gate-640.mp4", camera: "cam-plaza", start: t0.addingTimeInterval(900))
        _ = try await ws.watch("scenic-gate-640.mp4", camera: "cam-orioles", start: t0.addingTimeInterval(60))
        let report = try await ws.report("红色上衣 蓝色裤子 小孩", name: "小明", lastSeen: t0.addingTimeInterval(-300))
        #expect(try await ws.store.incidents(IncidentFilter(reportID: report.id)).isEmpty, "no open report while the cameras ran")

        let search = try RetroSearch(store: ws.store, dataDirectory: ws.folder.path)
        let result = try await search.search(report, limit: 50)
        #expect(result.indexed == result.scanned && result.scanned > 10, "the index caught up with every stored track")
        let threshold = search.matcher.configuration.threshold
        #expect(result.trajectory.map(\.track.cameraID) == ["cam-gate", "cam-plaza"])
        #expect(result.trajectory.map(\.cellID) == ["XH-BS-DQ-01", "XH-BS-DQ-02"])
        #expect(result.trajectory.allSatisfy { $0.score.total >= threshold && $0.prior > 0.99 })
        #expect(result.trajectory.allSatisfy { $0.snapshotPath.map { FileManager.default.fileExists(atPath: ws.folder.path + "/" + $0) } == true })
        // The child's look at the Orioles matches as well, but the walk rules it out.
        let far = try #require(result.hits.first { $0.track.cameraID == "cam-orioles" && $0.score.total >= threshold })
        #expect(far.prior < 0.05 && far.total < threshold)
        #expect(far.distance.map { (1800...2600).contains($0) } == true)
        #expect(result.hits.filter { $0.total >= threshold }.count == 2, "only the child on the two reachable cameras")

        // Where to look next from the gate: the same look on the plaza camera later.
        let places = try await Places.load(ws.store)
        let links = try await search.links(
            from: result.trajectory[0], in: try search.index.snapshot(), age: .child, places: places, after: true, limit: 3)
        #expect(links.first?.track.id == result.trajectory[1].track.id)
        #expect(!links.contains { $0.track.cameraID == "cam-orioles" })

        let raised = try await search.raise(result.hits, for: report)
        #expect(raised.map(\.cameraID) == ["cam-gate", "cam-plaza"])
        #expect(raised.allSatisfy { $0.snapshotPath != nil })
        #expect(try await search.raise(result.hits, for: report).isEmpty, "each sighting once")

        // Before the last-seen time (minus the margin) nothing counts: a report last seen after all sightings.
        let later = try await ws.report("红色上衣 蓝色裤子 小孩", name: "later", lastSeen: t0.addingTimeInterval(3 * 3600))
        #expect(try await search.search(later).hits.isEmpty)
    }
}
