public import Detection

/// What a behaviour alert is about: something the grid should look at before anyone files a report.
public enum AlertKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// A person's feet inside a camera's danger zone (water's edge, cliff path, closed area, road).
    case dangerZone = "danger-zone"
    /// A child-height person with no adult near for a while.
    case childAlone = "child-alone"
    /// A person who was upright, is now lying, and stays still.
    case personDown = "person-down"
    /// A person who keeps walking about within one small area.
    case wandering
}

/// A configuration a person must fix: the message names the zone or setting and what is wrong.
public enum BehaviourConfigurationError: Error, CustomStringConvertible, Equatable {
    case zone(String, String)
    case setting(String, String)

    public var description: String {
        switch self {
        case .zone(let name, let why): "danger zone '\(name)': \(why)"
        case .setting(let name, let why): "behaviour setting '\(name)': \(why)"
        }
    }
}

/// A daily window of local time, e.g. 18:00–06:00 (it may pass midnight).
public struct DailyWindow: Sendable, Hashable, CustomStringConvertible {
    /// Minutes since midnight; `end` is excluded. `end < start` passes midnight.
    public var start: Int
    public var end: Int

    public init(start: Int, end: Int) {
        self.start = start
        self.end = end
    }

    /// Reads `"HH:MM-HH:MM"` (24-hour clock); `nil` for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map { $0.trimmingSpaces }
        guard parts.count == 2, let a = Self.minute(parts[0]), let b = Self.minute(parts[1]), a != b else { return nil }
        self.init(start: a, end: b)
    }

    public func contains(minute m: Int) -> Bool {
        start < end ? (start <= m && m < end) : (m >= start || m < end)
    }

    public var description: String { "\(Self.clock(start))-\(Self.clock(end))" }

    private static func minute(_ s: Substring) -> Int? {
        let hm = s.split(separator: ":", omittingEmptySubsequences: false)
        guard hm.count == 2, hm[1].count == 2, let h = Int(hm[0]), let m = Int(hm[1]), (0...24).contains(h), (0..<60).contains(m),
              h < 24 || m == 0 else { return nil }
        return h * 60 + m
    }

    private static func clock(_ m: Int) -> String {
        let h = m / 60, mm = m % 60
        return (h < 10 ? "0" : "") + "\(h):" + (mm < 10 ? "0" : "") + "\(mm)"
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var s = self
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return s
    }
}

/// A place in one camera's view where a person must not be: a polygon in fractions of the frame
/// (x to the right, y down, 0…1), so it holds at any working width.
public struct DangerZone: Sendable, Hashable {
    public var name: String
    public var polygon: [SIMD2<Float>]
    /// An adult's feet must stay inside this long before the alert (a child's raise it at once
    /// when `childAtOnce`).
    public var dwellSeconds: Double
    public var childAtOnce: Bool
    /// When the zone is watched (local time); always when empty.
    public var schedule: [DailyWindow]

    public init(name: String, polygon: [SIMD2<Float>], dwellSeconds: Double = 3, childAtOnce: Bool = true, schedule: [DailyWindow] = []) throws {
        guard !name.isEmpty else { throw BehaviourConfigurationError.zone(name, "needs a name") }
        guard polygon.count >= 3 else { throw BehaviourConfigurationError.zone(name, "needs at least 3 corners, has \(polygon.count)") }
        for p in polygon where !(0...1).contains(p.x) || !(0...1).contains(p.y) {
            throw BehaviourConfigurationError.zone(name, "corner (\(p.x), \(p.y)) is outside the frame: corners are fractions of the frame, 0 to 1")
        }
        guard Self.area(polygon) > 1e-5 else { throw BehaviourConfigurationError.zone(name, "its corners enclose no area") }
        guard dwellSeconds >= 0, dwellSeconds <= 3600 else { throw BehaviourConfigurationError.zone(name, "dwell must be 0 to 3600 seconds") }
        self.name = name
        self.polygon = polygon
        self.dwellSeconds = dwellSeconds
        self.childAtOnce = childAtOnce
        self.schedule = schedule
    }

    /// Whether a point (fractions of the frame) is inside: even-odd rule.
    public func contains(_ p: SIMD2<Float>) -> Bool {
        var inside = false
        var j = polygon.count - 1
        for i in polygon.indices {
            let a = polygon[i], b = polygon[j]
            if (a.y > p.y) != (b.y > p.y), p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x { inside.toggle() }
            j = i
        }
        return inside
    }

    /// Whether the zone is watched at a local minute of the day (`nil`: not known, so watched).
    public func watched(minute: Int?) -> Bool {
        guard !schedule.isEmpty, let minute else { return true }
        return schedule.contains { $0.contains(minute: minute) }
    }

    static func area(_ p: [SIMD2<Float>]) -> Float {
        var s: Float = 0
        for i in p.indices {
            let a = p[i], b = p[(i + 1) % p.count]
            s += a.x * b.y - b.x * a.y
        }
        return abs(s) / 2
    }
}

/// Thresholds of every behaviour rule, per camera; the defaults are what `kinfinder evaluate`
/// measured on the scripted cases and the real clips (README, *Behaviour alerts*).
public struct BehaviourConfiguration: Sendable, Hashable {
    public var zones: [DangerZone] = []
    public var childAloneEnabled = true
    public var personDownEnabled = true
    public var wanderingEnabled = true
    /// Relative height (observed / an adult's at that place) at or below which a person is a child.
    public var childHeight: Float = 0.75
    /// At or above which a person counts as an adult who can look after a child.
    public var adultHeight: Float = 0.85
    /// An adult this close (metres on the ground) for at least `companionSeconds` keeps a child
    /// company (a stranger walking past does not).
    public var companionMetres: Float = 4
    public var companionSeconds: Double = 3
    /// A child with no adult near for this long raises an alert…
    public var aloneSeconds: Double = 30
    /// …or sooner, this long, when the child also stands still (waiting, searching).
    public var stillAloneSeconds: Double = 15
    /// A person lying and still this long after being seen upright raises an alert.
    public var downSeconds: Double = 10
    /// Box height / width at or above which a person is upright; width / height at or above which
    /// lying.
    public var uprightAspect: Float = 1.8
    public var lyingAspect: Float = 1.2
    /// Wandering: over the last `wanderSeconds`, a path of at least `wanderPathMetres` that never
    /// left a circle of `wanderAreaMetres` around its middle.
    public var wanderSeconds: Double = 90
    public var wanderPathMetres: Float = 30
    public var wanderAreaMetres: Float = 6
    /// Below this speed (body heights per second) a person stands still.
    public var stillSpeed: Float = 0.15
    /// The adult height behind metres (an adult's box at a place is this many metres tall).
    public var adultMetres: Float = 1.7
    /// A track that starts within `linkSeconds` of another's end, where that person could have
    /// walked to (`linkMetres` plus `linkSpeed` metres a second), at a similar size, continues it:
    /// the tracker loses people for a moment, and the rules that need minutes (wandering, a child
    /// alone) must not start again each time.
    public var linkSeconds: Double = 10
    public var linkMetres: Float = 1.5
    public var linkSpeed: Float = 1

    public init() {}

    /// Throws when a threshold is out of its sensible range, naming it.
    public func validate() throws {
        func check(_ name: String, _ ok: Bool, _ why: String) throws {
            if !ok { throw BehaviourConfigurationError.setting(name, why) }
        }
        try check("child_height", childHeight > 0.3 && childHeight < 1, "must be between 0.3 and 1 (a share of an adult's height)")
        try check("adult_height", adultHeight > childHeight && adultHeight < 1.5, "must be above child_height and below 1.5")
        try check("companion_metres", companionMetres > 0 && companionMetres <= 100, "must be 0 to 100 metres")
        try check("companion_seconds", companionSeconds >= 0 && companionSeconds <= 600, "must be 0 to 600 seconds")
        try check("link_seconds", linkSeconds >= 0 && linkSeconds <= 60, "must be 0 to 60 seconds")
        try check("alone_seconds", aloneSeconds > 0 && aloneSeconds <= 3600, "must be 0 to 3600 seconds")
        try check("still_alone_seconds", stillAloneSeconds > 0 && stillAloneSeconds <= 3600, "must be 0 to 3600 seconds")
        try check("down_seconds", downSeconds > 0 && downSeconds <= 3600, "must be 0 to 3600 seconds")
        try check("wander_seconds", wanderSeconds >= 10 && wanderSeconds <= 3 * 3600, "must be 10 seconds to 3 hours")
        try check("wander_path_metres", wanderPathMetres > 0, "must be above 0")
        try check("wander_area_metres", wanderAreaMetres > 0, "must be above 0")
        var names = Set<String>()
        for z in zones where !names.insert(z.name).inserted {
            throw BehaviourConfigurationError.zone(z.name, "the name is used twice on this camera")
        }
    }
}

/// One alert: which rule, which track, when (video seconds), where, and why in words a worker reads.
public struct BehaviourAlert: Sendable, Hashable, Codable {
    public var kind: AlertKind
    public var trackID: Int
    public var time: Double
    public var box: Box
    /// The danger zone's name (danger-zone alerts only).
    public var zone: String?
    /// E.g. "child-height 0.62, nearest adult 9 m, alone 45 s".
    public var explanation: String

    public init(kind: AlertKind, trackID: Int, time: Double, box: Box, zone: String? = nil, explanation: String) {
        self.kind = kind
        self.trackID = trackID
        self.time = time
        self.box = box
        self.zone = zone
        self.explanation = explanation
    }
}
