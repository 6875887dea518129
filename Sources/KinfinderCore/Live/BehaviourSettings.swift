public import Foundation
public import Behaviour
import Yams

/// The `behaviour:` section of a camera (or of `defaults:`) in `kinfinder run`'s configuration, and
/// the file `kinfinder watch --behaviour FILE` reads (the same keys at its top):
///
/// ```yaml
/// behaviour:
///   zones:                              # danger zones: corners in fractions of the frame (x, y; 0…1)
///     - name: lake edge
///       polygon: [[0.05, 0.62], [0.48, 0.58], [0.52, 0.95], [0.02, 0.97]]
///       dwell_seconds: 3                # an adult's feet inside this long (default 3)
///       child_at_once: true             # a child raises it at once (default true)
///       schedule: ["18:00-07:00"]       # watched only then, local time (default always)
///   child_alone: true                   # each rule can be turned off
///   person_down: true
///   wandering: true
///   child_height: 0.75                  # relative height at or below: a child
///   adult_height: 0.85                  # at or above: an adult who can look after one
///   companion_metres: 4                 # an adult this close …
///   companion_seconds: 3                # … this long keeps a child company
///   alone_seconds: 30                   # a child alone this long …
///   still_alone_seconds: 15             # … or alone and standing still this long
///   down_seconds: 10                    # lying and still this long after being upright
///   wander_seconds: 90                  # wandering: over this long,
///   wander_path_metres: 30              # at least this far walked
///   wander_area_metres: 6               # never farther than this from the middle
/// ```
public enum BehaviourSettings {
    static let keys = [
        "zones", "child_alone", "person_down", "wandering", "child_height", "adult_height", "companion_metres", "companion_seconds",
        "alone_seconds", "still_alone_seconds", "down_seconds", "wander_seconds", "wander_path_metres", "wander_area_metres",
    ]

    /// Reads a `kinfinder watch --behaviour` file.
    public static func load(path: String) throws -> BehaviourConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else { throw KinfinderError.configNotFound(path) }
        guard let text = String(data: data, encoding: .utf8) else {
            throw KinfinderError.configInvalid(file: path, reason: "cannot read it as UTF-8 text")
        }
        let root: Any?
        do { root = try Yams.load(yaml: text) } catch {
            throw KinfinderError.configInvalid(file: path, reason: "not valid YAML: \(error)")
        }
        var reader = RunConfiguration.Reader(file: path)
        guard let map = root as? [String: Any] else { throw reader.fail("", "the file must be a mapping (zones, child_alone, …)") }
        var c = BehaviourConfiguration()
        try apply(map, to: &c, reader: &reader, at: "")
        return c
    }

    /// Applies the keys of `map` over `c` (a camera's section over the defaults'; a camera's
    /// `zones` replace the defaults').
    static func apply(_ map: [String: Any], to c: inout BehaviourConfiguration, reader: inout RunConfiguration.Reader, at: String) throws {
        try reader.allow(map, keys, at: at)
        func here(_ key: String) -> String { at.isEmpty ? key : "\(at).\(key)" }
        if let v = try reader.bool(map, "child_alone", at: at) { c.childAloneEnabled = v }
        if let v = try reader.bool(map, "person_down", at: at) { c.personDownEnabled = v }
        if let v = try reader.bool(map, "wandering", at: at) { c.wanderingEnabled = v }
        if let v = try reader.number(map, "child_height", at: at, range: 0.3...1) { c.childHeight = Float(v) }
        if let v = try reader.number(map, "adult_height", at: at, range: 0.3...1.5) { c.adultHeight = Float(v) }
        if let v = try reader.number(map, "companion_metres", at: at, range: 0.1...100) { c.companionMetres = Float(v) }
        if let v = try reader.number(map, "companion_seconds", at: at, range: 0...600) { c.companionSeconds = v }
        if let v = try reader.number(map, "alone_seconds", at: at, range: 1...3600) { c.aloneSeconds = v }
        if let v = try reader.number(map, "still_alone_seconds", at: at, range: 1...3600) { c.stillAloneSeconds = v }
        if let v = try reader.number(map, "down_seconds", at: at, range: 1...3600) { c.downSeconds = v }
        if let v = try reader.number(map, "wander_seconds", at: at, range: 10...10_800) { c.wanderSeconds = v }
        if let v = try reader.number(map, "wander_path_metres", at: at, range: 1...10_000) { c.wanderPathMetres = Float(v) }
        if let v = try reader.number(map, "wander_area_metres", at: at, range: 0.5...1000) { c.wanderAreaMetres = Float(v) }
        if let list = map["zones"] {
            guard let zones = list as? [Any] else { throw reader.fail(here("zones"), "must be a list of zones (name, polygon)") }
            c.zones = try zones.enumerated().map { i, item in
                let z = here("zones[\(i)]")
                guard let m = item as? [String: Any] else { throw reader.fail(z, "must be a mapping with name and polygon") }
                try reader.allow(m, ["name", "polygon", "dwell_seconds", "child_at_once", "schedule"], at: z)
                guard let name = try reader.string(m, "name", at: z), !name.isEmpty else { throw reader.fail(z, "needs a 'name'") }
                guard let corners = m["polygon"] as? [Any] else {
                    throw reader.fail(z, "(\(name)) needs a 'polygon': a list of [x, y] corners, fractions of the frame")
                }
                let points: [SIMD2<Float>] = try corners.map { corner in
                    let xy = (corner as? [Any])?.compactMap { ($0 as? Double) ?? ($0 as? Int).map(Double.init) } ?? []
                    guard xy.count == 2 else { throw reader.fail(z, "(\(name)) 'polygon' corners must be [x, y] pairs of numbers") }
                    return SIMD2(Float(xy[0]), Float(xy[1]))
                }
                var schedule: [DailyWindow] = []
                if let s = m["schedule"] {
                    let texts = (s as? [Any])?.compactMap { $0 as? String } ?? (s as? String).map { [$0] } ?? []
                    schedule = try texts.map { text in
                        guard let w = DailyWindow(text) else { throw reader.fail(z, "(\(name)) 'schedule' entry '\(text)' is not HH:MM-HH:MM") }
                        return w
                    }
                    if schedule.isEmpty { throw reader.fail(z, "(\(name)) 'schedule' must be a list of \"HH:MM-HH:MM\" windows") }
                }
                do {
                    return try DangerZone(
                        name: name, polygon: points, dwellSeconds: try reader.number(m, "dwell_seconds", at: z, range: 0...3600) ?? 3,
                        childAtOnce: try reader.bool(m, "child_at_once", at: z) ?? true, schedule: schedule)
                } catch let e as BehaviourConfigurationError {
                    throw reader.fail(z, e.description)
                }
            }
        }
        do { try c.validate() } catch let e as BehaviourConfigurationError { throw reader.fail(at, e.description) }
    }
}
