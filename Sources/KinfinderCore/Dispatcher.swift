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
/// Staffing: a cell with nobody on duty (no worker registered in it) is passed over at once, to the
/// nearest cell above it that has someone, and the event says so; when nobody is on duty anywhere
/// above, it goes to the top of the grid. (A grid without any registered worker keeps every
/// incident in its own cell.) Escalation adds a level: the workers below keep seeing
/// the incident (see the server's `assigned=me`).
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
        let staffing = Staffing(cells: cells, workers: try await store.workers())
        for incident in try await store.undispatchedIncidents(limit: 500) {
            guard let id = incident.id, let own = cells[incident.cellID] else { continue }
            let (cell, passed) = staffing.responsible(from: own)
            // Deadlines count from when dispatch sees it (an incident raised while no server ran is
            // not already late).
            let d = Dispatch(
                incidentID: id, cellID: cell.id, respondBy: now.addingTimeInterval(policy.response(cell.level)),
                resolveBy: now.addingTimeInterval(policy.resolution(cell.level)))
            if try await store.startDispatch(d, at: now, note: staffing.note(passed, to: cell)) { result.assigned.append(id) }
        }
        for d in try await store.dueDispatches(now: now) {
            guard let cell = cells[d.cellID] else { continue }
            let responseDue = d.acknowledgedAt == nil && !d.responseOverdue && d.respondBy <= now
            let resolutionDue = !d.resolutionOverdue && d.resolveBy <= now
            let kind: IncidentEvent.Kind = responseDue ? .escalated : .resolutionOverdue
            let missed = responseDue ? "not acknowledged by \(cell.id) in \(Self.minutes(policy.response(cell.level)))"
                : "not resolved by \(Self.time(d.resolveBy))"
            if let parentID = cell.parentID, let next = cells[parentID] {
                let (parent, passed) = staffing.responsible(from: next)
                let respondBy = responseDue ? now.addingTimeInterval(policy.response(parent.level)) : d.respondBy
                let resolveBy = resolutionDue ? now.addingTimeInterval(policy.resolution(parent.level)) : d.resolveBy
                let note = staffing.note(passed, to: parent)
                if try await store.escalate(
                    incidentID: d.incidentID, from: cell.id, to: parent.id, respondBy: respondBy, resolveBy: resolveBy, kind: kind,
                    detail: "\(missed) → \(parent.level.rawValue) \(parent.id)" + (note.isEmpty ? "" : "; " + note), at: now)
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

    /// Which cells have somebody on duty.
    struct Staffing {
        let cells: [String: GridCell]
        let staffed: Set<String>

        init(cells: [String: GridCell], workers: [GridWorker]) {
            self.cells = cells
            staffed = Set(workers.map(\.cellID))
        }

        /// `cell` when somebody is on duty there; otherwise the nearest cell above it that has
        /// someone (the top of the grid when none has), with the cells passed over. A grid with no
        /// worker registered at all (the CLI alone) says nothing about staffing: every cell keeps its own.
        func responsible(from cell: GridCell) -> (GridCell, passed: [GridCell]) {
            guard !staffed.isEmpty else { return (cell, []) }
            var passed: [GridCell] = []
            var c = cell
            while !staffed.contains(c.id), let parentID = c.parentID, let parent = cells[parentID] {
                passed.append(c)
                c = parent
            }
            return (c, passed)
        }

        /// "nobody on duty in micro-grid XH-BS-DQ-02, community XH-BS-DQ", "" when none was passed
        /// over; and "nobody on duty in district XH either" when the top has nobody too.
        func note(_ passed: [GridCell], to cell: GridCell) -> String {
            var parts: [String] = []
            if !passed.isEmpty { parts.append("nobody on duty in " + passed.map { "\($0.level.rawValue) \($0.id)" }.joined(separator: ", ")) }
            if !staffed.isEmpty, !staffed.contains(cell.id) { parts.append("nobody on duty in \(cell.level.rawValue) \(cell.id) either") }
            return parts.joined(separator: "; ")
        }
    }

    static func minutes(_ seconds: Double) -> String {
        seconds >= 60 && seconds.truncatingRemainder(dividingBy: 60) == 0 ? "\(Int(seconds / 60)) min" : "\(Int(seconds)) s"
    }

    static func time(_ d: Date) -> String { TimeParsing.display(d) }
}
