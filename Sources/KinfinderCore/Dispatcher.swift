public import Foundation
public import GridStore

/// Response and resolution deadlines per grid level ("respond in 5 minutes, resolve in 24 hours").
public struct DispatchPolicy: Sendable, Hashable {
    /// Seconds the responsible level has to acknowledge before the incident climbs a level.
    public var response: [GridLevel: Double]
    /// Seconds to resolve, counted from dispatch at the incident's own level; when it passes, the
    /// incident climbs a level and that level's time starts. Response escalations leave it alone.
    public var resolution: [GridLevel: Double]

    public init(response: [GridLevel: Double] = [:], resolution: [GridLevel: Double] = [:]) {
        var r: [GridLevel: Double] = [:], s: [GridLevel: Double] = [:]
        for level in GridLevel.allCases {
            r[level] = response[level] ?? 300
            s[level] = resolution[level] ?? 86_400
        }
        self.response = r
        self.resolution = s
    }

    public func response(_ level: GridLevel) -> Double { response[level] ?? 300 }
    public func resolution(_ level: GridLevel) -> Double { resolution[level] ?? 86_400 }
}

/// What one dispatch round did.
public struct DispatchRound: Sendable, Hashable {
    public var assigned: [Int64] = []
    public var escalated: [Int64] = []
    public var overdue: [Int64] = []
}

/// Hands new incidents to the grid workers of their cell and moves them up the grid when a deadline
/// passes: micro-grid → community → street → district ("whistle → report in").
///
/// All state is in the grid database (``Dispatch`` rows and the append-only event history), and
/// every step is a compare-and-set there, so rounds may run in several processes, and a restart in
/// the middle of a deadline carries on exactly: the next round after the deadline escalates.
/// Time comes in as an argument, so tests drive it with any clock.
public struct Dispatcher: Sendable {
    public let store: any GridStore
    public var policy: DispatchPolicy

    public init(store: any GridStore, policy: DispatchPolicy = DispatchPolicy()) {
        self.store = store
        self.policy = policy
    }

    /// One round at time `now`: dispatch new incidents, then escalate the overdue ones.
    @discardableResult
    public func round(now: Date) async throws -> DispatchRound {
        var result = DispatchRound()
        let cells = Dictionary(uniqueKeysWithValues: try await store.cells().map { ($0.id, $0) })
        for incident in try await store.undispatchedIncidents(limit: 500) {
            guard let id = incident.id, let cell = cells[incident.cellID] else { continue }
            // Deadlines count from when dispatch sees it (an incident raised while no server ran is
            // not already late).
            let d = Dispatch(
                incidentID: id, cellID: cell.id, respondBy: now.addingTimeInterval(policy.response(cell.level)),
                resolveBy: now.addingTimeInterval(policy.resolution(cell.level)))
            if try await store.startDispatch(d, at: now) { result.assigned.append(id) }
        }
        for d in try await store.dueDispatches(now: now) {
            guard let cell = cells[d.cellID] else { continue }
            let responseDue = d.acknowledgedAt == nil && !d.responseOverdue && d.respondBy <= now
            let resolutionDue = !d.resolutionOverdue && d.resolveBy <= now
            let kind: IncidentEvent.Kind = responseDue ? .escalated : .resolutionOverdue
            let missed = responseDue ? "not acknowledged by \(cell.id) in \(Self.minutes(policy.response(cell.level)))"
                : "not resolved by \(Self.time(d.resolveBy))"
            if let parentID = cell.parentID, let parent = cells[parentID] {
                let respondBy = responseDue ? now.addingTimeInterval(policy.response(parent.level)) : d.respondBy
                let resolveBy = resolutionDue ? now.addingTimeInterval(policy.resolution(parent.level)) : d.resolveBy
                if try await store.escalate(
                    incidentID: d.incidentID, from: cell.id, to: parent.id, respondBy: respondBy, resolveBy: resolveBy, kind: kind,
                    detail: "\(missed) → \(parent.level.rawValue) \(parent.id)", at: now)
                {
                    result.escalated.append(d.incidentID)
                }
            } else {
                // The top of the grid: nobody to pass it to; flag it for the command centre.
                if try await store.markOverdue(
                    incidentID: d.incidentID, kind: responseDue ? .overdue : .resolutionOverdue, detail: missed + " at the top of the grid",
                    at: now)
                {
                    result.overdue.append(d.incidentID)
                }
            }
        }
        return result
    }

    static func minutes(_ seconds: Double) -> String {
        seconds >= 60 && seconds.truncatingRemainder(dividingBy: 60) == 0 ? "\(Int(seconds / 60)) min" : "\(Int(seconds)) s"
    }

    static func time(_ d: Date) -> String { TimeParsing.display(d) }
}
