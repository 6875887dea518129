public import Detection

/// A behaviour that happened in a clip, from its ground truth: which person, what, from which frame
/// to which (the stretch during which an alert is right: e.g. from the child's first frame alone to
/// their last).
public struct BehaviourEvent: Sendable, Hashable, Codable {
    public var kind: AlertKind
    public var person: Int
    public var startFrame: Int
    public var endFrame: Int
    /// The zone, for danger-zone events.
    public var zone: String?

    public init(kind: AlertKind, person: Int, startFrame: Int, endFrame: Int, zone: String? = nil) {
        self.kind = kind
        self.person = person
        self.startFrame = startFrame
        self.endFrame = endFrame
        self.zone = zone
    }
}

/// An alert raised at a frame of a clip.
public struct FrameAlert: Sendable, Hashable, Codable {
    public var frame: Int
    public var alert: BehaviourAlert

    public init(frame: Int, alert: BehaviourAlert) {
        self.frame = frame
        self.alert = alert
    }
}

/// Recall and precision of one kind of alert on one clip (or summed over clips).
public struct BehaviourKindScore: Sendable, Hashable {
    public var kind: AlertKind
    public var events = 0
    /// Events at least one right alert was raised for.
    public var found = 0
    public var alerts = 0
    /// Alerts that match an event (of their kind, their person, in its stretch).
    public var right = 0

    public init(kind: AlertKind) { self.kind = kind }

    public var recall: Double? { events > 0 ? Double(found) / Double(events) : nil }
    public var precision: Double? { alerts > 0 ? Double(right) / Double(alerts) : nil }
    public var falseAlerts: Int { alerts - right }

    public static func + (a: Self, b: Self) -> Self {
        var s = a
        s.events += b.events
        s.found += b.found
        s.alerts += b.alerts
        s.right += b.right
        return s
    }
}

public enum BehaviourScoring {
    /// Scores alerts against events. An alert is right when an event of its kind (and zone) is
    /// going on at its frame (from `tolerance` frames before the start to `tolerance` after the
    /// end) and its box overlaps that person's labelled box (IoU ≥ 0.3) at the nearest labelled
    /// frame within `tolerance`.
    /// - Parameter box: the labelled box of a person at a frame, `nil` where not labelled.
    public static func score(
        alerts: [FrameAlert], events: [BehaviourEvent], tolerance: Int, box: (Int, Int) -> Box?
    ) -> [BehaviourKindScore] {
        var scores = Dictionary(uniqueKeysWithValues: AlertKind.allCases.map { ($0, BehaviourKindScore(kind: $0)) })
        var found = Set<Int>()
        for e in events { scores[e.kind]?.events += 1 }
        for a in alerts {
            scores[a.alert.kind]?.alerts += 1
            let match = events.indices.first { i in
                let e = events[i]
                guard e.kind == a.alert.kind, e.zone == nil || e.zone == a.alert.zone,
                      a.frame >= e.startFrame - tolerance, a.frame <= e.endFrame + tolerance else { return false }
                for d in 0...tolerance {
                    for f in [a.frame - d, a.frame + d] {
                        if let b = box(e.person, f) { return b.iou(a.alert.box) >= 0.3 }
                    }
                }
                return false
            }
            if let i = match {
                scores[a.alert.kind]?.right += 1
                found.insert(i)
            }
        }
        for i in found { scores[events[i].kind]?.found += 1 }
        return AlertKind.allCases.compactMap { scores[$0] }
    }
}
