public import Foundation
public import GridStore
public import Hummingbird
public import Matching
import KinfinderCore

/// One case on one page: the report, every lead in time order, the way the person went, and how far
/// they could be now.
public struct CaseView: ResponseEncodable, Decodable, Sendable {
    public var report: ReportView
    /// The report's leads this worker may see (all for operators), oldest first.
    public var leads: [IncidentView]
    /// Where the person was: the last-seen place the family gave, then every lead that was not a
    /// false alarm, in time order; places without a map position are left out.
    public var path: [CasePoint]
    /// How far the person could be from the newest point of `path` (open cases only).
    public var reach: ReachView?
    /// Leads of the report outside this worker's part of the grid (not listed).
    public var hiddenLeads: Int
}

public struct CasePoint: Codable, Sendable {
    /// "last-seen" (the family's) or "lead".
    public var kind: String
    public var incidentID: Int64?
    public var cameraID: String?
    public var cellID: String
    public var at: Date
    public var latitude: Double
    public var longitude: Double
}

/// "Where could she be now": circles around the newest sighting that grow with the time since, at
/// the retro search's walking speeds for the person's age (``Reachability``).
public struct ReachView: Codable, Sendable {
    public var latitude: Double
    public var longitude: Double
    /// The sighting the circles start from.
    public var since: Date
    /// The moment the radii are for.
    public var computedAt: Date
    /// Straight-line metres at the typical pace (most likely within) and at the brisk one (past it
    /// the search counts a sighting as ever less likely).
    public var likelyMetres: Double
    public var possibleMetres: Double
    /// How fast each radius grows (m/s), so a page can grow the circles between reloads.
    public var likelyGrowth: Double
    public var possibleGrowth: Double
}

extension API {
    /// `GET /api/v1/reports/{id}/case`.
    @Sendable func getCase(_ request: Request, context: ServerContext) async throws -> CaseView {
        let access = try await Access.of(context, store: store)
        let r = try await report(context)
        let id = r.id ?? 0
        let closure = r.status == .open ? nil : try await store.caseClosure(reportID: id)
        let all = try await store.incidents(IncidentFilter(reportID: id, limit: 10_000))
        let visible = all.filter { access.covers($0.cellID) }
            .sorted { ($0.seenAt, $0.id ?? 0) < ($1.seenAt, $1.id ?? 0) }
        let cells = Dictionary(uniqueKeysWithValues: try await store.cells().map { ($0.id, $0) })
        let cameras = Dictionary(uniqueKeysWithValues: try await store.cameras().map { ($0.id, $0) })

        var path: [CasePoint] = []
        if let cell = r.lastSeenCell, let p = cells[cell]?.location {
            path.append(
                CasePoint(kind: "last-seen", cellID: cell, at: r.lastSeenAt ?? r.createdAt, latitude: p.latitude, longitude: p.longitude))
        }
        for i in visible where i.status != .falseAlarm {
            guard let p = cameras[i.cameraID]?.location ?? cells[i.cellID]?.location else { continue }
            path.append(
                CasePoint(
                    kind: "lead", incidentID: i.id, cameraID: i.cameraID, cellID: i.cellID, at: i.seenAt, latitude: p.latitude,
                    longitude: p.longitude))
        }
        var reach: ReachView?
        if r.status == .open, let last = path.max(by: { $0.at < $1.at }) {
            let model = retro?.reachability ?? Reachability()
            let speed = model.speed(for: r.ageGroup)
            let now = Date()
            let elapsed = now.timeIntervalSince(last.at)
            reach = ReachView(
                latitude: last.latitude, longitude: last.longitude, since: last.at, computedAt: now,
                likelyMetres: model.reach(elapsed: elapsed, speed: speed.typical),
                possibleMetres: model.reach(elapsed: elapsed, speed: speed.brisk),
                likelyGrowth: speed.typical / model.detourFactor, possibleGrowth: speed.brisk / model.detourFactor)
        }
        var report = ReportView(r, showContact: try await access.cases([r], store: store).contains(id), closure: closure)
        try await report.setPhoto(store)
        return CaseView(
            report: report,
            leads: try await views(visible, grid: access.grid), path: path, reach: reach, hiddenLeads: all.count - visible.count)
    }
}
