import Foundation
import GridStore
import Ingest
import Testing
import Detection
import Behaviour
@testable import KinfinderCore
import KinfinderTestSupport

@Suite("Live: backoff, percentiles, hand-off")
struct LiveUnitTests {
    @Test("backoff doubles from the initial wait, never exceeds the cap, and starts over after reset")
    func backoff() {
        var b = Backoff(initial: 0.5, maximum: 4, multiplier: 2, jitter: 0)
        #expect((0..<6).map { _ in b.next() } == [0.5, 1, 2, 4, 4, 4])
        b.reset()
        #expect(b.next() == 0.5)
        var jittered = Backoff(initial: 1, maximum: 8, jitter: 0.2)
        var rng = SeededGenerator(state: 7)
        let waits = (0..<200).map { _ in jittered.next(using: &rng) }
        #expect(waits[0] >= 0.8 && waits[0] <= 1.2)
        #expect(waits.allSatisfy { $0 <= 8 })
        #expect(waits.suffix(100).allSatisfy { $0 >= 6.4 }, "capped waits keep their jitter below the cap")
        #expect(Set(waits.suffix(100)).count > 50, "jitter spreads the retries")
    }

    @Test("nearest-rank percentiles on hand-computed cases")
    func percentiles() {
        let ten = (1...10).map(Double.init)
        #expect(Percentile.of(ten, 0.5) == 5)
        #expect(Percentile.of(ten, 0.99) == 10)
        #expect(Percentile.of(ten, 0.1) == 1)
        #expect(Percentile.of([42], 0.99) == 42)
        #expect(Percentile.of([], 0.5) == nil)
    }

    @Test("the mailbox keeps only the newest frame, counts the dropped ones, and ends after the last frame")
    func mailbox() async {
        let box = FrameMailbox()
        for i in 0..<5 {
            var f = VideoFrame(width: 4, height: 4)
            f.index = i
            box.put(f)
        }
        box.finish(.connectionLost(source: "cam", reason: "test"))
        #expect(box.dropped == 4)
        guard case .frame(let f) = await box.next() else { Issue.record("expected the newest frame"); return }
        #expect(f.index == 4)
        guard case .finished(let e) = await box.next() else { Issue.record("expected the end"); return }
        #expect(e == .connectionLost(source: "cam", reason: "test"))
        // Dropped frames and frames given back are handed out again for decoding, a few at most.
        #expect(box.spare() != nil && box.spare() != nil && box.spare() == nil)
        box.recycle(f)
        #expect(box.spare()?.index == 4)
    }

    @Test("a waiting consumer gets a frame put from another thread")
    func mailboxWakesConsumer() async {
        let box = FrameMailbox()
        let producer = Thread {
            Thread.sleep(forTimeInterval: 0.05)
            var f = VideoFrame(width: 2, height: 2)
            f.index = 7
            box.put(f)
        }
        producer.start()
        guard case .frame(let f) = await box.next() else { Issue.record("expected a frame"); return }
        #expect(f.index == 7 && box.dropped == 0)
    }
}

@Suite("Live: configuration file")
struct RunConfigurationTests {
    let good = """
        database: data/grid.sqlite
        status_interval: 1
        defaults:
          analysis_fps: 8
          read_timeout: 3
        cameras:
          - id: cam-gate
            url: rtsp://10.0.0.7/stream1
            cell: XH-BS-DQ-01
            username: viewer
            password_env: GATE_PW
            roi: [0, 0.25, 1, 0.75]
          - id: cam-file
            name: 测试
            url: clips/gate.mp4
            cell: XH-BS-DQ-02
            analysis_fps: 0
            transport: udp
            enabled: false
        """

    @Test("defaults apply to every camera unless it says otherwise; paths are relative to the file")
    func parses() throws {
        let c = try RunConfiguration.parse(good, file: "k.yaml", baseDirectory: "/etc/kf", environment: ["GATE_PW": "s3cret"])
        #expect(c.database == "/etc/kf/data/grid.sqlite")
        #expect(c.statusInterval == 1)
        #expect(c.cameras.count == 2)
        let gate = c.cameras[0], file = c.cameras[1]
        #expect(gate.analysisFPS == 8 && gate.readTimeout == 3 && gate.transport == .tcp)
        #expect(gate.username == "viewer" && gate.password == "s3cret")
        #expect(gate.regionOfInterest == Box(x: 0, y: 0.25, width: 1, height: 0.75))
        #expect(file.url == "/etc/kf/clips/gate.mp4" && file.analysisFPS == 0 && file.transport == .udp && !file.enabled)
        #expect(file.name == "测试" && gate.name == "cam-gate")
    }

    @Test("mistakes are refused with the camera and key named", arguments: [
        ("cameras:\n  - id: a\n    url: rtsp://h/x\n    cel: C1\n", "cameras[0]: unknown key 'cel'"),
        ("cameras:\n  - id: a\n    url: rtsp://h/x\n", "cameras[0]: (a) needs a 'cell'"),
        ("cameras:\n  - {id: a, url: rtsp://h/x, cell: C, analysis_fps: -1}\n", "'analysis_fps' is -1.0, outside 0.0…120.0"),
        ("cameras:\n  - {id: a, url: rtsp://h/x, cell: C, roi: [0.5, 0, 0.8, 1]}\n", "'roi' must be [x, y, width, height]"),
        ("cameras:\n  - {id: a, url: rtsp://h/x, cell: C, transport: quic}\n", "'transport' must be tcp or udp"),
        ("cameras:\n  - {id: a, url: rtsp://h/x, cell: C}\n  - {id: a, url: rtsp://h/y, cell: C}\n", "repeats the camera id 'a'"),
        ("cameras:\n  - {id: a, url: rtsp://h/x, cell: C, username: u, password_env: NOPE_PW}\n", "$NOPE_PW, which is not set"),
        ("camera: []\n", "unknown key 'camera'"),
        ("cameras:\n  - {id: a, url: rtsp://h/x, cell: C, behaviour: {zones: [{name: pier, polygon: [[0, 0], [1, 1]]}]}}\n",
         "cameras[0].behaviour.zones[0]: danger zone 'pier': needs at least 3 corners, has 2"),
        ("cameras:\n  - {id: a, url: rtsp://h/x, cell: C, behaviour: {zones: [{name: pier, polygon: [[0, 0], [1, 0], [1, 1]], schedule: [\"8-17\"]}]}}\n",
         "(pier) 'schedule' entry '8-17' is not HH:MM-HH:MM"),
        ("cameras:\n  - {id: a, url: rtsp://h/x, cell: C, behaviour: {alone_secs: 20}}\n", "cameras[0].behaviour: unknown key 'alone_secs'"),
        ("defaults: {behaviour: {child_height: 0.9, adult_height: 0.85}}\ncameras: []\n", "defaults.behaviour: behaviour setting 'adult_height': must be above child_height"),
        ("cameras: [\n", "not valid YAML"),
    ])
    func refuses(_ yaml: String, _ message: String) {
        #expect {
            _ = try RunConfiguration.parse(yaml, file: "k.yaml", baseDirectory: "/etc/kf", environment: [:])
        } throws: { error in
            "\(error)".contains(message) && "\(error)".contains("k.yaml")
        }
    }
}

@Suite("behaviour: section of the configuration file")
struct BehaviourSettingsTests {
    @Test("defaults for every camera, a camera's own zones and thresholds over them; the watch file reads the same keys")
    func parse() throws {
        let c = try RunConfiguration.parse("""
            defaults:
              behaviour: {alone_seconds: 20, wandering: false}
            cameras:
              - id: lake
                url: rtsp://h/lake
                cell: C1
                behaviour:
                  zones:
                    - name: lake edge
                      polygon: [[0.05, 0.62], [0.48, 0.58], [0.52, 0.95], [0.02, 0.97]]
                      dwell_seconds: 2
                      schedule: ["18:00-07:00"]
                  down_seconds: 8
              - {id: gate, url: rtsp://h/gate, cell: C1}
            """, file: "k.yaml", baseDirectory: "/etc/kf")
        let lake = c.cameras[0].behaviour, gate = c.cameras[1].behaviour
        #expect(lake.zones.map(\.name) == ["lake edge"] && lake.zones[0].dwellSeconds == 2 && lake.zones[0].childAtOnce)
        #expect(lake.zones[0].schedule.map(\.description) == ["18:00-07:00"])
        #expect(lake.zones[0].contains([0.2, 0.8]) && !lake.zones[0].contains([0.8, 0.8]))
        #expect(lake.aloneSeconds == 20 && !lake.wanderingEnabled && lake.downSeconds == 8)
        #expect(gate.zones.isEmpty && gate.aloneSeconds == 20 && !gate.wanderingEnabled && gate.downSeconds == 10)

        let file = FileManager.default.temporaryDirectory.appendingPathComponent("behaviour-\(UUID().uuidString).yaml")
        defer { try? FileManager.default.removeItem(at: file) }
        try "zones:\n  - {name: pier, polygon: [[0.1, 0.5], [0.9, 0.5], [0.9, 0.9]], child_at_once: false}\nchild_alone: false\n"
            .write(to: file, atomically: true, encoding: .utf8)
        let w = try BehaviourSettings.load(path: file.path)
        #expect(w.zones.map(\.name) == ["pier"] && !w.zones[0].childAtOnce && !w.childAloneEnabled && w.personDownEnabled)
        #expect(throws: KinfinderError.self) { try BehaviourSettings.load(path: file.path + ".missing") }
    }
}

@Suite("Grid file positions")
struct GridFilePositionTests {
    @Test("lat/lon on cells and cameras: both or neither, in range; a camera without one stands at its cell")
    func positions() throws {
        let grid = try GridFile.parse("""
            cells:
              - {id: D, name: d, level: district, lat: 30.25, lon: 120.15}
            cameras:
              - {id: C1, cell: D, lat: 30.26, lon: 120.16}
              - {id: C2, cell: D}
            """)
        #expect(grid.cells[0].location == GeoPoint(latitude: 30.25, longitude: 120.15))
        #expect(grid.cameras[0].location == GeoPoint(latitude: 30.26, longitude: 120.16))
        let places = Places(cells: grid.cells, cameras: grid.cameras)
        #expect(places.location(ofCamera: "C2") == grid.cells[0].location)
        #expect(places.location(ofCamera: "nope") == nil)
        for bad in ["lat: 30.2", "lat: 95, lon: 120", "lon: 200, lat: 0"] {
            #expect(throws: KinfinderError.self) {
                try GridFile.parse("cells:\n  - {id: D, name: d, level: district, \(bad)}")
            }
        }
    }
}

@Suite("serve: section of the configuration file")
struct ServeSettingsTests {
    @Test("per-level or single deadlines, host and port; bad values named; cameras optional for serve")
    func parse() throws {
        let c = try RunConfiguration.parse("""
            serve:
              host: 0.0.0.0
              port: 9000
              dispatch_interval: 0.5
              response: {micro-grid: 120, district: 900}
              resolution: 3600
            """, file: "k.yaml", baseDirectory: "/tmp", requireCameras: false)
        #expect(c.serve.host == "0.0.0.0" && c.serve.port == 9000 && c.serve.dispatchInterval == 0.5)
        #expect(c.serve.response == [.microGrid: 120, .district: 900])
        #expect(c.serve.resolution.count == 4 && c.serve.resolution[.street] == 3600)
        let policy = DispatchPolicy(response: c.serve.response, resolution: c.serve.resolution)
        #expect(policy.response(.community) == 300 && policy.response(.microGrid) == 120)
        for (bad, says) in [("serve: {port: 70000}", "port"), ("serve: {response: {village: 5}}", "village"), ("serve: {colour: red}", "colour")] {
            #expect(throws: KinfinderError.self) { try RunConfiguration.parse(bad, file: "k.yaml", baseDirectory: "/tmp", requireCameras: false) }
            do { _ = try RunConfiguration.parse(bad, file: "k.yaml", baseDirectory: "/tmp", requireCameras: false) } catch {
                #expect("\(error)".contains(says))
            }
        }
        #expect(throws: KinfinderError.self) { try RunConfiguration.parse("serve: {port: 1}", file: "k.yaml", baseDirectory: "/tmp") }
    }
}
