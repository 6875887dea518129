public import Detection
public import Tracking
public import Description

/// The behaviour rules of one camera, applied to its tracks frame after frame: danger zones, a child
/// alone, a person down, wandering. Pure Swift, no I/O; one camera pipeline owns one.
///
/// Distances on the ground come from the camera's perspective model (how tall an adult appears at
/// each image row): at a row where an adult is `h` pixels tall, one metre across is `h / 1.7`
/// pixels, and the distance from the camera is `f · 1.7 / h` with the focal length `f` taken as the
/// frame's width (a lens of about 53°). Without a fitted model a track's own height stands for an
/// adult's and nobody is known to be a child.
/// - Complexity: O(tracks²) per frame for company, O(samples) per track and second for wandering.
public struct BehaviourMonitor: Sendable {
    public let configuration: BehaviourConfiguration
    public let width: Float
    public let height: Float
    private var states: [Int: TrackState] = [:]
    /// Tracks whose history a later track took over (``continued``): earlier id → later id.
    private var linked: [Int: Int] = [:]

    public init(width: Int, height: Int, configuration: BehaviourConfiguration) {
        self.configuration = configuration
        self.width = Float(width)
        self.height = Float(height)
    }

    /// Whether any rule is on (a camera with no zones and every rule off needs no monitor).
    public var active: Bool {
        let c = configuration
        return !c.zones.isEmpty || c.childAloneEnabled || c.personDownEnabled || c.wanderingEnabled
    }

    /// Takes the tracks shown in one frame and returns the alerts they raise now. Each alert is
    /// raised once per track (and zone).
    /// - Parameters:
    ///   - time: video seconds of the frame.
    ///   - minuteOfDay: local wall-clock minute, for zones' schedules (`nil`: always watched).
    public mutating func observe(time: Double, tracks: [TrackedPerson], minuteOfDay: Int? = nil, heights: PerspectiveHeightModel) -> [BehaviourAlert] {
        let c = configuration
        var views: [Int: PersonView] = [:]
        let present = Set(tracks.map(\.id))
        for t in tracks where states[t.id] == nil {
            if let later = linked[t.id], !present.contains(later), let s = states.removeValue(forKey: later) {
                // The tracker found the person again under their first id (a hidden track came
                // back), after a new id had taken their history over.
                states[t.id] = s
                linked[t.id] = nil
            } else if let earlier = continued(t, present: present, time: time, heights: heights) {
                states[t.id] = states.removeValue(forKey: earlier)
                linked[earlier] = t.id
            }
        }
        for t in tracks {
            var s = states[t.id] ?? TrackState(firstSeen: time)
            s.add(time: time, box: t.box)
            states[t.id] = s
            views[t.id] = view(of: s, box: t.box, heights: heights)
        }
        var alerts: [BehaviourAlert] = []
        for t in tracks {
            guard var s = states[t.id], let v = views[t.id] else { continue }
            zoneRules(&s, track: t, view: v, time: time, minute: minuteOfDay, into: &alerts)
            if c.childAloneEnabled { childRule(&s, track: t, view: v, others: views, time: time, into: &alerts) }
            if c.personDownEnabled { downRule(&s, track: t, time: time, into: &alerts) }
            if c.wanderingEnabled { wanderRule(&s, track: t, view: v, time: time, heights: heights, into: &alerts) }
            states[t.id] = s
        }
        states = states.filter { time - $0.value.lastSeen <= max(5, c.linkSeconds) }
        linked = linked.filter { states[$0.value] != nil }
        return alerts
    }

    /// The track that a new one continues, if any (``BehaviourConfiguration/linkSeconds``): the
    /// nearest on the ground among the recently lost, of a similar size.
    private func continued(_ t: TrackedPerson, present: Set<Int>, time: Double, heights: PerspectiveHeightModel) -> Int? {
        let c = configuration
        let here = ground(foot: t.box.foot, fallback: t.box.height, heights: heights)
        var best: (id: Int, distance: Float)?
        for (id, s) in states where !present.contains(id) {
            guard let last = s.samples.last, time - s.lastSeen <= c.linkSeconds else { continue }
            let ratio = t.box.height / max(1, last.box.height)
            guard ratio > 0.6, ratio < 1.6 else { continue }
            let there = ground(foot: last.box.foot, fallback: last.box.height, heights: heights)
            let d = ((here - there) * (here - there)).sum().squareRoot()
            guard d <= c.linkMetres + c.linkSpeed * Float(time - s.lastSeen), d < best?.distance ?? .infinity else { continue }
            best = (id, d)
        }
        return best?.id
    }

    // MARK: - The rules

    private func zoneRules(_ s: inout TrackState, track t: TrackedPerson, view v: PersonView, time: Double, minute: Int?, into alerts: inout [BehaviourAlert]) {
        let foot = SIMD2(t.box.foot.x / width, t.box.foot.y / height)
        for zone in configuration.zones {
            guard zone.watched(minute: minute), zone.contains(foot) else {
                s.zoneEntered[zone.name] = nil
                continue
            }
            let entered = s.zoneEntered[zone.name] ?? time
            s.zoneEntered[zone.name] = entered
            let key = "zone:" + zone.name
            guard !s.raised.contains(key) else { continue }
            let child = v.child(configuration)
            let inside = time - entered
            guard inside >= zone.dwellSeconds || (child && zone.childAtOnce) else { continue }
            s.raised.insert(key)
            let who = child ? "child-height \(Self.digits(v.relativeHeight ?? 0, 2)) entered" : "feet in"
            let how = child && inside < zone.dwellSeconds ? "" : " for \(Self.digits(inside, 1)) s"
            alerts.append(BehaviourAlert(
                kind: .dangerZone, trackID: t.id, time: time, box: t.box, zone: zone.name,
                explanation: "\(who) danger zone '\(zone.name)'\(how)"))
        }
    }

    private func childRule(_ s: inout TrackState, track t: TrackedPerson, view v: PersonView, others: [Int: PersonView], time: Double, into alerts: inout [BehaviourAlert]) {
        let c = configuration
        guard v.child(c), !s.raised.contains("child") else {
            s.aloneSince = nil
            return
        }
        // The nearest person who could be looking after the child: anyone not known to be a child.
        var nearest: Float?
        for (id, o) in others where id != t.id && !o.child(c) {
            guard o.relativeHeight.map({ $0 >= c.adultHeight }) ?? true else { continue }
            let d = ((o.ground - v.ground) * (o.ground - v.ground)).sum().squareRoot()
            nearest = min(nearest ?? d, d)
        }
        if nearest.map({ $0 <= c.companionMetres }) ?? false {
            let near = s.companionSince ?? time
            s.companionSince = near
            if time - near >= c.companionSeconds {
                s.aloneSince = nil
                return
            }
        } else {
            s.companionSince = nil
        }
        let since = s.aloneSince ?? time
        s.aloneSince = since
        let alone = time - since
        let still = s.stillFor(time: time, speed: c.stillSpeed)
        guard alone >= c.aloneSeconds || (alone >= c.stillAloneSeconds && still >= c.stillAloneSeconds) else { return }
        s.raised.insert("child")
        let company = nearest.map { "nearest adult \(Self.digits($0, 0)) m" } ?? "no adult in view"
        let standing = still >= c.stillAloneSeconds ? ", standing still \(Self.digits(still, 0)) s" : ""
        alerts.append(BehaviourAlert(
            kind: .childAlone, trackID: t.id, time: time, box: t.box,
            explanation: "child-height \(Self.digits(v.relativeHeight ?? 0, 2)), \(company), alone \(Self.digits(alone, 0)) s\(standing)"))
    }

    private func downRule(_ s: inout TrackState, track t: TrackedPerson, time: Double, into alerts: inout [BehaviourAlert]) {
        let c = configuration
        guard !s.raised.contains("down"), let aspect = s.medianAspect(since: time - 1, width: width, height: height) else { return }
        if aspect >= c.uprightAspect { s.uprightAspect = max(s.uprightAspect ?? 0, aspect) }
        guard let upright = s.uprightAspect, 1 / aspect >= c.lyingAspect else {
            s.lyingSince = nil
            return
        }
        let centre = t.box.centre
        if let since = s.lyingSince, ((centre - s.lyingAt) * (centre - s.lyingAt)).sum().squareRoot() <= 0.6 * t.box.width {
            guard time - since >= c.downSeconds else { return }
            s.raised.insert("down")
            alerts.append(BehaviourAlert(
                kind: .personDown, trackID: t.id, time: time, box: t.box,
                explanation: "was upright (height/width \(Self.digits(upright, 1))), lying (width/height \(Self.digits(1 / aspect, 1))) and still for \(Self.digits(time - since, 0)) s"))
        } else {
            s.lyingSince = time
            s.lyingAt = centre
        }
    }

    private func wanderRule(_ s: inout TrackState, track t: TrackedPerson, view v: PersonView, time: Double, heights: PerspectiveHeightModel, into alerts: inout [BehaviourAlert]) {
        let c = configuration
        guard !s.raised.contains("wander"), time - s.firstSeen >= c.wanderSeconds, time - s.lastWanderCheck >= 1 else { return }
        s.lastWanderCheck = time
        let from = time - c.wanderSeconds
        var points: [SIMD2<Float>] = []
        var last = -Double.infinity
        for sample in s.samples where sample.time >= from && sample.time - last >= 1 {
            points.append(ground(foot: sample.box.foot, fallback: v.ownHeight, heights: heights))
            last = sample.time
        }
        guard points.count >= 10 else { return }
        var path: Float = 0
        var anchor = points[0]
        for p in points.dropFirst() {
            let d = ((p - anchor) * (p - anchor)).sum().squareRoot()
            if d >= 0.3 {  // box jitter of someone standing is not walking
                path += d
                anchor = p
            }
        }
        let middle = points.reduce(SIMD2<Float>(0, 0), +) / Float(points.count)
        let radius = points.map { (($0 - middle) * ($0 - middle)).sum().squareRoot() }.max() ?? 0
        guard path >= c.wanderPathMetres, radius <= c.wanderAreaMetres else { return }
        s.raised.insert("wander")
        alerts.append(BehaviourAlert(
            kind: .wandering, trackID: t.id, time: time, box: t.box,
            explanation: "walked \(Self.digits(path, 0)) m in \(Self.digits(c.wanderSeconds / 60, 1)) min, never more than \(Self.digits(radius, 0)) m from one place"))
    }

    // MARK: - Geometry

    /// Where a person stands and how tall they are against an adult there.
    struct PersonView {
        var relativeHeight: Float?
        var ground: SIMD2<Float>
        var ownHeight: Float

        func child(_ c: BehaviourConfiguration) -> Bool { relativeHeight.map { $0 <= c.childHeight } ?? false }
    }

    private func view(of s: TrackState, box: Box, heights: PerspectiveHeightModel) -> PersonView {
        let own = s.medianHeight
        return PersonView(
            relativeHeight: s.relativeHeight(heights: heights, width: width, height: height),
            ground: ground(foot: box.foot, fallback: own, heights: heights), ownHeight: own)
    }

    /// A foot point in metres on the ground: across, and away from the camera.
    func ground(foot: SIMD2<Float>, fallback: Float, heights: PerspectiveHeightModel) -> SIMD2<Float> {
        let h = max(4, heights.expectedHeight(footY: foot.y) ?? fallback)
        let metres = configuration.adultMetres
        return SIMD2((foot.x - width / 2) * metres / h, width * metres / h)
    }

    static func digits(_ v: some BinaryFloatingPoint, _ places: Int) -> String {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let r = (Double(v) * scale).rounded() / scale
        if places == 0 { return "\(Int(r))" }
        var text = "\(r)"
        let decimals = text.split(separator: ".").last.map(\.count) ?? 0
        for _ in decimals..<places { text += "0" }
        return text
    }
}

/// What the monitor keeps of one track: its recent boxes and where each rule stands.
struct TrackState: Sendable {
    struct Sample: Sendable {
        var time: Double
        var box: Box
    }

    var firstSeen: Double
    var lastSeen: Double
    /// Boxes at least 0.2 s apart, for the horizon the rules need.
    var samples: [Sample] = []
    var zoneEntered: [String: Double] = [:]
    var raised: Set<String> = []
    var aloneSince: Double?
    var companionSince: Double?
    var uprightAspect: Float?
    var lyingSince: Double?
    var lyingAt = SIMD2<Float>(0, 0)
    var lastWanderCheck = -Double.infinity

    init(firstSeen: Double) {
        self.firstSeen = firstSeen
        lastSeen = firstSeen
    }

    /// Keeps 10 minutes at most (5 samples a second).
    mutating func add(time: Double, box: Box) {
        lastSeen = time
        if let last = samples.last, time - last.time < 0.2 { return }
        samples.append(Sample(time: time, box: box))
        if samples.count > 3000 { samples.removeFirst(samples.count - 3000) }
    }

    var medianHeight: Float {
        Self.median(samples.suffix(15).map(\.box.height)) ?? samples.last?.box.height ?? 1
    }

    /// Median of observed / expected height over the last boxes not cut by the frame's edges
    /// (at least 5 of them), or `nil`.
    func relativeHeight(heights: PerspectiveHeightModel, width: Float, height: Float) -> Float? {
        var ratios: [Float] = []
        for s in samples.suffix(15) where Self.whole(s.box, width: width, height: height) {
            if let e = heights.expectedHeight(footY: s.box.maxY) { ratios.append(s.box.height / e) }
        }
        return ratios.count >= 5 ? Self.median(ratios) : nil
    }

    /// Median height / width of whole boxes since `from` (at least 3), or `nil`.
    func medianAspect(since from: Double, width: Float, height: Float) -> Float? {
        let a = samples.reversed().prefix { $0.time >= from }.filter { Self.whole($0.box, width: width, height: height) && $0.box.width > 0 }
            .map { $0.box.height / $0.box.width }
        return a.count >= 3 ? Self.median(a) : nil
    }

    /// How long the person has stood still (feet within `speed` body heights per second of where
    /// they were over each 2-s stretch), up to now.
    func stillFor(time: Double, speed: Float) -> Double {
        guard let last = samples.last else { return 0 }
        var still = 0.0
        var i = samples.count - 1
        while i > 0 {
            var j = i
            while j > 0, samples[i].time - samples[j].time < 2 { j -= 1 }
            let a = samples[i], b = samples[j]
            let dt = Float(a.time - b.time)
            guard dt >= 1 else { break }
            let d = a.box.foot - b.box.foot
            let bodies = (d * d).sum().squareRoot() / max(1, a.box.height) / dt
            guard bodies < speed else { break }
            still = last.time - b.time
            i = j
        }
        return still
    }

    static func whole(_ b: Box, width: Float, height: Float) -> Bool {
        b.x > 1 && b.y > 1 && b.maxX < width - 1 && b.maxY < height - 1
    }

    static func median(_ v: [Float]) -> Float? {
        guard !v.isEmpty else { return nil }
        let s = v.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
}
