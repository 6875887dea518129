public import Foundation
public import GridStore
public import Ingest
public import Detection
public import Extraction
public import Behaviour
import Yams

/// How `kinfinder run` hosts share cameras (see `CameraSupervisor`).
public struct SharingSettings: Sendable, Equatable {
    /// A lease lapses this many seconds after its last renewal: the longest a dead host's cameras
    /// wait before another host may take them.
    public var leaseTTL: Double = 9
    /// Seconds between renewals (and between looks for free cameras).
    public var renewInterval: Double = 2
    /// This host's name in the lease table; default hostname:pid.
    public var hostID: String?

    public init() {}
}

/// The configuration of a `kinfinder run` process: its cameras and how they are analysed.
///
/// ```yaml
/// database: grid.sqlite          # optional; relative to this file; --database overrides
/// models: ../Models              # optional
/// status_interval: 2             # seconds between camera status writes
/// sighting_window: 120           # one incident per report within this many seconds, any camera
/// shared:                        # several hosts share these cameras (leases in the database)
///   lease_ttl: 9                 # a dead host's cameras move after at most this many seconds
///   renew_every: 2
/// defaults:                      # for every camera unless it says otherwise
///   analysis_fps: 10             # frames analysed per second (0 = every frame)
///   transport: tcp               # tcp | udp
///   open_timeout: 10             # seconds to connect
///   read_timeout: 5              # seconds without data = stalled; reconnect
///   backoff_initial: 0.5         # first wait before reconnecting, doubling…
///   backoff_max: 15              # …up to this
///   width: 640                   # working width
///   threshold: 0.30              # match confidence that raises an incident
/// serve:                        # for `kinfinder serve` (flags override)
///   host: 127.0.0.1
///   port: 8080
///   dispatch_interval: 1         # seconds between dispatch rounds
///   response: 300                # seconds to acknowledge, every level …
///   resolution: 86400            # … and to resolve; or per level:
///   # response: {micro-grid: 300, community: 600, street: 900, district: 1800}
///   map_tiles: https://tiles.city.example/{z}/{x}/{y}.png   # optional tiles under the map
///   map_attribution: "© OpenStreetMap contributors"
/// cameras:
///   - id: cam-gate
///     name: South gate
///     url: rtsp://10.0.0.7:554/stream1
///     cell: XH-BS-DQ-01
///     username: viewer
///     password_env: CAM_GATE_PASSWORD   # or password: … (never logged)
///     analysis_fps: 8
///     roi: [0.0, 0.3, 1.0, 0.7]         # x, y, width, height as fractions of the frame
///     behaviour:                        # danger zones and behaviour rules (BehaviourSettings)
///       zones:
///         - name: lake edge
///           polygon: [[0.05, 0.62], [0.48, 0.58], [0.52, 0.95], [0.02, 0.97]]
///     enabled: true
/// ```
public struct RunConfiguration: Sendable, Equatable {
    public var database: String?
    public var models: String?
    /// `onnxruntime:` — ONNX Runtime's library for the learned detector, relative to the file.
    public var onnxruntime: String?
    public var statusInterval: Double = 2
    public var cameras: [CameraSpec] = []
    public var serve = ServeSettings()
    /// Hosts share the cameras through leases in the grid database (`shared:`); `nil` runs every
    /// enabled camera here.
    public var sharing: SharingSettings?
    /// One incident per report within this many seconds, across cameras (`sighting_window:`).
    public var sightingWindow: Double?

    public init(cameras: [CameraSpec] = []) { self.cameras = cameras }

    public static func load(
        path: String, environment: [String: String] = ProcessInfo.processInfo.environment, requireCameras: Bool = true
    ) throws -> RunConfiguration {
        guard FileManager.default.fileExists(atPath: path) else { throw KinfinderError.configNotFound(path) }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw KinfinderError.configInvalid(file: path, reason: "cannot read it as UTF-8 text")
        }
        let base = (path as NSString).deletingLastPathComponent
        return try parse(text, file: path, baseDirectory: base, environment: environment, requireCameras: requireCameras)
    }

    /// - Parameter requireCameras: `kinfinder run` needs a camera list; `serve` reads the same file
    ///   and may find none.
    public static func parse(
        _ text: String, file: String, baseDirectory: String, environment: [String: String] = [:], requireCameras: Bool = true
    ) throws -> RunConfiguration {
        let root: Any?
        do {
            root = try Yams.load(yaml: text)
        } catch {
            throw KinfinderError.configInvalid(file: file, reason: "not valid YAML: \(error)")
        }
        var reader = Reader(file: file)
        guard let top = root as? [String: Any] else {
            throw reader.fail("", "the file must be a mapping with a 'cameras' list")
        }
        try reader.allow(
            top, ["database", "models", "onnxruntime", "status_interval", "defaults", "cameras", "serve", "shared", "sighting_window"], at: "")
        var config = RunConfiguration()
        config.database = try reader.string(top, "database", at: "").map {
            $0.hasPrefix("postgres://") || $0.hasPrefix("postgresql://") ? $0 : resolve($0, base: baseDirectory)
        }
        config.sightingWindow = try reader.number(top, "sighting_window", at: "", range: 0...86_400)
        if let shared = top["shared"] {
            if let on = shared as? Bool {
                config.sharing = on ? SharingSettings() : nil
            } else if let m = shared as? [String: Any] {
                try reader.allow(m, ["lease_ttl", "renew_every", "host"], at: "shared")
                var sharing = SharingSettings()
                if let ttl = try reader.number(m, "lease_ttl", at: "shared", range: 2...300) { sharing.leaseTTL = ttl }
                if let renew = try reader.number(m, "renew_every", at: "shared", range: 0.2...100) { sharing.renewInterval = renew }
                guard sharing.renewInterval * 2 <= sharing.leaseTTL else {
                    throw reader.fail("shared", "renew_every (\(sharing.renewInterval) s) must be at most half of lease_ttl (\(sharing.leaseTTL) s)")
                }
                sharing.hostID = try reader.string(m, "host", at: "shared")
                config.sharing = sharing
            } else {
                throw reader.fail("shared", "must be true, false or a mapping with lease_ttl, renew_every, host")
            }
        }
        config.models = try reader.string(top, "models", at: "").map { resolve($0, base: baseDirectory) }
        config.onnxruntime = try reader.string(top, "onnxruntime", at: "").map { resolve($0, base: baseDirectory) }
        config.statusInterval = try reader.number(top, "status_interval", at: "", range: 0.2...3600) ?? 2
        var defaults = CameraSpec(id: "", url: "", cellID: "")
        if let d = top["defaults"] {
            guard let d = d as? [String: Any] else { throw reader.fail("defaults", "must be a mapping") }
            try reader.allow(d, CameraSpec.tunables, at: "defaults")
            try defaults.apply(d, reader: &reader, at: "defaults")
        }
        if let serve = top["serve"] {
            guard let m = serve as? [String: Any] else { throw reader.fail("serve", "must be a mapping") }
            config.serve = try ServeSettings(m, reader: reader)
        }
        if top["cameras"] == nil && !requireCameras { return config }
        guard let list = top["cameras"] else { throw reader.fail("", "has no 'cameras' list") }
        guard let cams = list as? [Any] else { throw reader.fail("cameras", "must be a list") }
        var seen = Set<String>()
        for (i, item) in cams.enumerated() {
            let at = "cameras[\(i)]"
            guard let c = item as? [String: Any] else { throw reader.fail(at, "must be a mapping with id, url and cell") }
            try reader.allow(c, CameraSpec.identity + CameraSpec.tunables, at: at)
            var spec = defaults
            guard let id = try reader.string(c, "id", at: at), !id.isEmpty else { throw reader.fail(at, "needs an 'id'") }
            guard seen.insert(id).inserted else { throw reader.fail(at, "repeats the camera id '\(id)'") }
            guard let url = try reader.string(c, "url", at: at), !url.isEmpty else { throw reader.fail(at, "(\(id)) needs a 'url'") }
            guard let cell = try reader.string(c, "cell", at: at), !cell.isEmpty else { throw reader.fail(at, "(\(id)) needs a 'cell' (grid cell id)") }
            spec.id = id
            spec.url = StreamURL.scheme(url) == nil ? resolve(url, base: baseDirectory) : url
            spec.cellID = cell
            spec.name = try reader.string(c, "name", at: at) ?? id
            spec.enabled = try reader.bool(c, "enabled", at: at) ?? true
            spec.username = try reader.string(c, "username", at: at)
            spec.password = try reader.string(c, "password", at: at)
            if let variable = try reader.string(c, "password_env", at: at) {
                guard let value = environment[variable] else {
                    throw reader.fail(at, "(\(id)) takes its password from $\(variable), which is not set")
                }
                spec.password = value
            }
            if spec.password != nil && spec.username == nil { throw reader.fail(at, "(\(id)) has a password but no username") }
            try spec.apply(c, reader: &reader, at: at)
            config.cameras.append(spec)
        }
        return config
    }

    private static func resolve(_ path: String, base: String) -> String {
        let expanded = (path as NSString).expandingTildeInPath
        if expanded.hasPrefix("/") || base.isEmpty { return expanded }
        return (base as NSString).appendingPathComponent(expanded)
    }

    /// Typed access to a YAML mapping with errors that name the file and the key.
    struct Reader {
        let file: String

        func fail(_ at: String, _ message: String) -> KinfinderError {
            .configInvalid(file: file, reason: at.isEmpty ? message : "\(at): \(message)")
        }

        func allow(_ map: [String: Any], _ keys: [String], at: String) throws {
            for key in map.keys.sorted() where !keys.contains(key) {
                throw fail(at, "unknown key '\(key)' (known: \(keys.joined(separator: ", ")))")
            }
        }

        func string(_ map: [String: Any], _ key: String, at: String) throws -> String? {
            guard let v = map[key], !(v is NSNull) else { return nil }
            if let s = v as? String { return s }
            if let i = v as? Int { return String(i) }
            throw fail(at, "'\(key)' must be text")
        }

        func number(_ map: [String: Any], _ key: String, at: String, range: ClosedRange<Double>) throws -> Double? {
            guard let v = map[key], !(v is NSNull) else { return nil }
            let d: Double
            if let i = v as? Int { d = Double(i) } else if let x = v as? Double { d = x } else {
                throw fail(at, "'\(key)' must be a number")
            }
            guard range.contains(d) else {
                throw fail(at, "'\(key)' is \(d), outside \(range.lowerBound)…\(range.upperBound)")
            }
            return d
        }

        func bool(_ map: [String: Any], _ key: String, at: String) throws -> Bool? {
            guard let v = map[key], !(v is NSNull) else { return nil }
            guard let b = v as? Bool else { throw fail(at, "'\(key)' must be true or false") }
            return b
        }

        func numbers(_ map: [String: Any], _ key: String, at: String) throws -> [Double]? {
            guard let v = map[key], !(v is NSNull) else { return nil }
            guard let list = v as? [Any] else { throw fail(at, "'\(key)' must be a list of numbers") }
            return try list.map { item in
                if let i = item as? Int { return Double(i) }
                if let d = item as? Double { return d }
                throw fail(at, "'\(key)' must be a list of numbers")
            }
        }
    }
}

/// The `serve:` section: where `kinfinder serve` listens and its dispatch deadlines.
public struct ServeSettings: Sendable, Equatable {
    public var host: String?
    public var port: Int?
    public var dispatchInterval: Double?
    /// Seconds per level; a level not named keeps the default (300 s to acknowledge, 24 h to resolve).
    public var response: [GridLevel: Double] = [:]
    public var resolution: [GridLevel: Double] = [:]
    /// A tile server URL template ({z}/{x}/{y}) for the console's map, and its attribution.
    public var mapTiles: String?
    public var mapAttribution: String?

    public init() {}

    init(_ m: [String: Any], reader: RunConfiguration.Reader) throws {
        try reader.allow(m, ["host", "port", "dispatch_interval", "response", "resolution", "map_tiles", "map_attribution"], at: "serve")
        mapTiles = try reader.string(m, "map_tiles", at: "serve")
        mapAttribution = try reader.string(m, "map_attribution", at: "serve")
        host = try reader.string(m, "host", at: "serve")
        port = try reader.number(m, "port", at: "serve", range: 0...65535).map { Int($0) }
        dispatchInterval = try reader.number(m, "dispatch_interval", at: "serve", range: 0.05...60)
        response = try Self.levels(m, "response", reader: reader)
        resolution = try Self.levels(m, "resolution", reader: reader)
    }

    /// A number for every level, or a mapping level → seconds.
    private static func levels(_ m: [String: Any], _ key: String, reader: RunConfiguration.Reader) throws -> [GridLevel: Double] {
        guard let v = m[key] else { return [:] }
        guard let map = v as? [String: Any] else {
            guard let seconds = try reader.number(m, key, at: "serve", range: 1...(30 * 86_400)) else { return [:] }
            return Dictionary(uniqueKeysWithValues: GridLevel.allCases.map { ($0, seconds) })
        }
        try reader.allow(map, GridLevel.allCases.map(\.rawValue), at: "serve.\(key)")
        var out: [GridLevel: Double] = [:]
        for level in GridLevel.allCases {
            if let s = try reader.number(map, level.rawValue, at: "serve.\(key)", range: 1...(30 * 86_400)) { out[level] = s }
        }
        return out
    }
}

/// One camera of a `kinfinder run` process.
public struct CameraSpec: Sendable, Equatable {
    public var id: String
    public var name: String
    /// RTSP URL (credentials may be inside; never logged) or a video file played in real time.
    public var url: String
    public var cellID: String
    public var enabled = true
    public var username: String?
    public var password: String?
    /// Frames analysed per second; 0 analyses every frame.
    public var analysisFPS: Double = 10
    /// Region of interest in fractions of the frame; `nil` for all of it.
    public var regionOfInterest: Box?
    public var transport: StreamTransport = .tcp
    public var openTimeout: Double = 10
    public var readTimeout: Double = 5
    public var backoffInitial: Double = 0.5
    public var backoffMaximum: Double = 15
    public var workingWidth = 640
    public var threshold: Double?
    /// `detector:` — learned or motion; `nil` takes the command line's (`--detector`, default learned).
    public var detector: DetectorKind?
    /// `crops_per_second:` — the most crops per second of video the person network runs for this
    /// camera (default 8; an empty scene uses 3, each tracked person adds 0.15); `sweep_period:`,
    /// `still_recheck:` — seconds (see `LearnedDetectorConfiguration`); `nil` keeps the defaults.
    public var cropsPerSecond: Double?
    public var sweepPeriod: Double?
    public var stillRecheck: Double?
    /// `behaviour:` — danger zones and the behaviour rules' thresholds (``BehaviourSettings``).
    public var behaviour = BehaviourConfiguration()

    public init(id: String, url: String, cellID: String, name: String? = nil) {
        self.id = id
        self.url = url
        self.cellID = cellID
        self.name = name ?? id
    }

    static let identity = ["id", "name", "url", "cell", "enabled", "username", "password", "password_env"]
    static let tunables = [
        "analysis_fps", "transport", "open_timeout", "read_timeout", "backoff_initial", "backoff_max", "width", "threshold", "roi",
        "detector", "crops_per_second", "sweep_period", "still_recheck", "behaviour",
    ]

    /// The URL safe to show.
    public var displayURL: String { StreamURL.redacted(url) }

    mutating func apply(_ map: [String: Any], reader: inout RunConfiguration.Reader, at: String) throws {
        if let v = try reader.number(map, "analysis_fps", at: at, range: 0...120) { analysisFPS = v }
        if let t = try reader.string(map, "transport", at: at) {
            guard let v = StreamTransport(rawValue: t.lowercased()) else { throw reader.fail(at, "'transport' must be tcp or udp, not '\(t)'") }
            transport = v
        }
        if let v = try reader.number(map, "open_timeout", at: at, range: 0.5...300) { openTimeout = v }
        if let v = try reader.number(map, "read_timeout", at: at, range: 0.5...300) { readTimeout = v }
        if let v = try reader.number(map, "backoff_initial", at: at, range: 0.05...600) { backoffInitial = v }
        if let v = try reader.number(map, "backoff_max", at: at, range: 0.1...3600) { backoffMaximum = v }
        if backoffMaximum < backoffInitial { throw reader.fail(at, "'backoff_max' is below 'backoff_initial'") }
        if let v = try reader.number(map, "width", at: at, range: 64...4096) { workingWidth = Int(v) }
        if let v = try reader.number(map, "threshold", at: at, range: 0...1) { threshold = v }
        if let d = try reader.string(map, "detector", at: at) {
            guard let kind = DetectorKind(rawValue: d.lowercased()) else { throw reader.fail(at, "'detector' must be learned or motion, not '\(d)'") }
            detector = kind
        }
        if let v = try reader.number(map, "crops_per_second", at: at, range: 0.1...100) { cropsPerSecond = v }
        if let v = try reader.number(map, "sweep_period", at: at, range: 0.5...3600) { sweepPeriod = v }
        if let v = try reader.number(map, "still_recheck", at: at, range: 0.1...600) { stillRecheck = v }
        if let b = map["behaviour"] {
            guard let m = b as? [String: Any] else { throw reader.fail("\(at).behaviour", "must be a mapping (zones, child_alone, …)") }
            try BehaviourSettings.apply(m, to: &behaviour, reader: &reader, at: "\(at).behaviour")
        }
        if let r = try reader.numbers(map, "roi", at: at) {
            guard r.count == 4, r.allSatisfy({ (0...1).contains($0) }), r[2] > 0, r[3] > 0, r[0] + r[2] <= 1.0001, r[1] + r[3] <= 1.0001 else {
                throw reader.fail(at, "'roi' must be [x, y, width, height], fractions of the frame inside 0…1")
            }
            regionOfInterest = Box(x: Float(r[0]), y: Float(r[1]), width: Float(r[2]), height: Float(r[3]))
        }
    }
}
