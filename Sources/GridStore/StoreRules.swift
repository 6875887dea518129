import FoundationEssentials
import GRDB
import Matching

/// Checks every engine makes before writing, so both refuse the same input with the same words.
enum StoreRules {
    static func validate(_ incident: Incident, sightingWindow: TimeInterval) throws {
        try TimeWindow.checkStorable(incident.seenAt, "an incident's sighting time")
        guard incident.kind.hasReport == (incident.reportID != nil) else {
            throw GridStoreError.invalidValue(incident.kind.hasReport
                ? "a match incident needs the report it matches" : "a \(incident.kind.rawValue) alert belongs to no report")
        }
        guard incident.score.isFinite else {
            throw GridStoreError.invalidValue("an incident's score must be a number, got \(incident.score)")
        }
        guard sightingWindow.isFinite, sightingWindow >= 0 else {
            throw GridStoreError.invalidValue("a sighting window is a number of seconds ≥ 0, got \(sightingWindow)")
        }
    }

    /// An earlier lead of the same report inside the sighting window.
    struct EarlierLead: Sendable {
        var id: Int64
        var score: Double
        var cellID: String
    }

    /// The sighting window as both engines apply it (``LeadRule``): `nil` when an earlier lead in
    /// the window blocks `incident` (one person's broken tracks, a look-alike no better than the
    /// first); otherwise the incident to insert, its explanation naming the leads it improves on.
    static func sighting(_ incident: Incident, earlier: [EarlierLead]) -> Incident? {
        guard !earlier.isEmpty else { return incident }
        if LeadRule.blocking(incident.score, earlier: earlier.map(\.score)) != nil { return nil }
        var better = incident
        better.explanation = "clearly better than "
            + earlier.map { "#\($0.id) (\(twoDecimals($0.score)))" }.joined(separator: " ") + "; " + incident.explanation
        return better
    }

    /// The events that tell the workers on each earlier lead that a clearly better one came.
    static func superseded(_ earlier: [EarlierLead], by incident: Incident, id: Int64) -> [IncidentEvent] {
        earlier.map {
            IncidentEvent(
                incidentID: $0.id, at: incident.createdAt, actor: "system", kind: .superseded, cellID: $0.cellID,
                detail: "clearly better lead #\(id) on \(incident.cameraID) (\(twoDecimals(incident.score)) against \(twoDecimals($0.score)))")
        }
    }

    /// A confidence as the CLI prints it: 0.55.
    static func twoDecimals(_ x: Double) -> String {
        let c = Int((min(max(x, 0), 1) * 100).rounded())
        return "\(c / 100).\(c % 100 < 10 ? "0" : "")\(c % 100)"
    }

    /// Times every engine can read back (see ``TimeWindow``).
    static func validate(_ report: MissingPersonReport) throws {
        try TimeWindow.checkStorable(report.lastSeenAt, "a report's last-seen time")
        try TimeWindow.checkStorable(report.createdAt, "a report's filing time")
    }

    static func validate(_ track: StoredTrack) throws {
        try TimeWindow.checkStorable(track.firstSeenAt, "a track's first-seen time")
        try TimeWindow.checkStorable(track.lastSeenAt, "a track's last-seen time")
    }

    static func validateWorkerID(_ id: String) throws {
        guard !id.isEmpty, id.allSatisfy({ $0.isLetter || $0.isNumber || "-_.@".contains($0) }) else {
            throw GridStoreError.invalidValue("a worker id needs letters, digits, '-', '_', '.' or '@' only, got '\(id)'")
        }
    }

    /// An `assigned` event's detail: the deadlines, then the dispatcher's note.
    static func assignedDetail(_ d: Dispatch, note: String) -> String {
        "respond by \(d.respondBy.formatted(.iso8601)), resolve by \(d.resolveBy.formatted(.iso8601))" + (note.isEmpty ? "" : "; " + note)
    }

    /// The dispatch column that marks this kind of overdue.
    static func overdueColumn(_ kind: IncidentEvent.Kind) throws -> String {
        switch kind {
        case .overdue: "response_overdue"
        case .resolutionOverdue: "resolution_overdue"
        default: throw GridStoreError.invalidValue("markOverdue takes overdue or resolution-overdue, not \(kind.rawValue)")
        }
    }

    static func validateLease(holder: String, ttl: TimeInterval) throws {
        guard !holder.isEmpty else { throw GridStoreError.invalidValue("a lease holder needs a non-empty name") }
        guard ttl.isFinite, ttl > 0, ttl <= 3600 else {
            throw GridStoreError.invalidValue("a lease lasts more than 0 and at most 3600 seconds, got \(ttl)")
        }
    }

    /// Refuses a write whose fence does not match the camera's lease (`nil` holder/token: no lease row).
    static func check(_ fence: LeaseFence, camera: String, holder: String?, token: Int64?) throws {
        guard fence.cameraID == camera else {
            throw GridStoreError.invalidValue("a write for camera '\(camera)' carries the lease of camera '\(fence.cameraID)'")
        }
        guard holder == fence.holder, token == fence.token else {
            throw GridStoreError.leaseLost(fence, holder: holder, token: token)
        }
    }

    /// Dates to whole milliseconds, rounded down: what every engine stores (SQLite's text format keeps
    /// milliseconds), so a value reads back the same from both.
    static func milliseconds(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded(.down) / 1000)
    }

    /// Checks ids and returns the cells parents first (by level; within a level in the given order).
    static func parentsFirst(_ cells: [GridCell]) throws -> [GridCell] {
        var seen = Set<String>()
        for cell in cells {
            guard !cell.id.isEmpty else {
                throw GridStoreError.invalidGrid("a grid cell has an empty id (named '\(cell.name)')")
            }
            guard seen.insert(cell.id).inserted else {
                throw GridStoreError.invalidGrid("grid cell '\(cell.id)' is listed twice")
            }
        }
        return cells.enumerated()
            .sorted { ($0.element.level.depth, $0.offset) < ($1.element.level.depth, $1.offset) }
            .map(\.element)
    }

    /// `parent`: the stored cell `cell.parentID` names, `nil` when there is none.
    static func checkParent(of cell: GridCell, parent: GridCell?) throws {
        guard let parentID = cell.parentID else {
            if cell.level == .district { return }
            throw GridStoreError.invalidGrid(
                "grid cell '\(cell.id)' is \(article(cell.level)) without a parent; \(parentRule(for: cell.level))")
        }
        if cell.level == .district {
            throw GridStoreError.invalidGrid(
                "grid cell '\(cell.id)' is a district, the top level, so it cannot have a parent (it names '\(parentID)')")
        }
        guard parentID != cell.id else {
            throw GridStoreError.invalidGrid("grid cell '\(cell.id)' names itself as its parent")
        }
        guard let parent else {
            throw GridStoreError.invalidGrid(
                "grid cell '\(cell.id)' names unknown parent '\(parentID)' "
                    + "(list the parent in the same import, or import it first)")
        }
        guard parent.level.depth == cell.level.depth - 1 else {
            throw GridStoreError.invalidGrid(
                "grid cell '\(cell.id)' is \(article(cell.level)) but its parent '\(parentID)' is "
                    + "\(article(parent.level)); \(parentRule(for: cell.level))")
        }
    }

    /// A cell whose level changed must not strand children stored earlier.
    static func checkChildren(_ children: [GridCell], of cell: GridCell) throws {
        for child in children where child.level.depth != cell.level.depth + 1 {
            throw GridStoreError.invalidGrid(
                "grid cell '\(child.id)' is \(article(child.level)) whose parent '\(cell.id)' would be "
                    + "\(article(cell.level)); \(parentRule(for: child.level))")
        }
    }

    private static func article(_ level: GridLevel) -> String { "a \(level.rawValue)" }

    private static func parentRule(for level: GridLevel) -> String {
        guard level.depth > 0 else { return "a district has no parent" }
        let parent = GridLevel.allCases[level.depth - 1]
        return "the parent of \(article(level)) must be \(article(parent))"
    }
}

/// Queries both engines run as they are (`?` placeholders; PostgreSQL numbers them), so a filter
/// means the same on each.
enum StoreQueries {
    typealias Query = (sql: String, values: [(any DatabaseValueConvertible)?])

    /// `ids` in batches of at most 500, each bound as one `IN (…)` list (SQLite limits bound
    /// parameters; 500 stays far below every build's limit).
    static func batches(_ ids: [Int64]) -> [[Int64]] {
        stride(from: 0, to: ids.count, by: 500).map { Array(ids[$0..<min($0 + 500, ids.count)]) }
    }

    /// Stores one incident picture, replacing the one of its kind (both engines speak this upsert).
    static func saveImage(_ i: IncidentImage) throws -> Query {
        try checkPicture(i.jpeg, width: i.width, height: i.height, what: "incident \(i.incidentID)'s \(i.kind.rawValue) picture")
        return ("""
            INSERT INTO incident_image (incident_id, kind, width, height, jpeg) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (incident_id, kind) DO UPDATE SET width = excluded.width, height = excluded.height, jpeg = excluded.jpeg
            """, [i.incidentID, i.kind.rawValue, i.width, i.height, i.jpeg])
    }

    /// The `reviewed` events of these incidents, oldest first (the last per incident is the newest).
    static func reviews(incidentIDs: [Int64]) -> Query {
        let q = inList("SELECT * FROM incident_event WHERE kind = 'reviewed' AND incident_id", incidentIDs)
        return (q.sql + " ORDER BY id", q.values)
    }

    /// The cell a review is recorded in: the dispatch's (who holds the lead now), else the incident's.
    static let reviewCell = "SELECT COALESCE((SELECT cell_id FROM dispatch WHERE incident_id = incident.id), incident.cell_id) AS cell FROM incident WHERE id = ?"

    static func validateReview(note: String) throws {
        guard note.count <= 2000 else { throw GridStoreError.invalidValue("a review note has at most 2000 characters (this one \(note.count))") }
    }

    /// Stores a report's photo, replacing an earlier one.
    static func savePhoto(_ p: ReportPhoto) throws -> Query {
        try checkPicture(p.jpeg, width: p.width, height: p.height, what: "report \(p.reportID)'s photo")
        return ("""
            INSERT INTO report_photo (report_id, width, height, jpeg, added_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (report_id) DO UPDATE SET width = excluded.width, height = excluded.height, jpeg = excluded.jpeg,
                added_at = excluded.added_at
            """, [p.reportID, p.width, p.height, p.jpeg, p.addedAt])
    }

    static func photosAmong(_ ids: [Int64]) -> Query { inList("SELECT report_id FROM report_photo WHERE report_id", ids) }

    /// A JPEG of a known size within ``IncidentImageLimits/maximumBytes``.
    static func checkPicture(_ jpeg: Data, width: Int, height: Int, what: String) throws {
        guard jpeg.count <= IncidentImageLimits.maximumBytes else {
            throw GridStoreError.invalidValue("\(what) is \(jpeg.count) bytes, over the \(IncidentImageLimits.maximumBytes) a picture may have")
        }
        guard width > 0, height > 0, jpeg.starts(with: [0xFF, 0xD8]) else {
            throw GridStoreError.invalidValue("\(what) is not a JPEG with a size")
        }
    }

    static func image(incidentID: Int64, kind: IncidentImage.Kind) -> Query {
        ("SELECT * FROM incident_image WHERE incident_id = ? AND kind = ?", [incidentID, kind.rawValue])
    }

    static func imageKinds(incidentIDs: [Int64]) -> Query {
        let q = inList("SELECT incident_id, kind FROM incident_image WHERE incident_id", incidentIDs)
        return (q.sql + " ORDER BY incident_id, kind", q.values)
    }

    /// `[incident: kinds]` from the (incident_id, kind) rows of ``imageKinds(incidentIDs:)``.
    static func kinds(_ rows: [Row]) throws -> [Int64: [IncidentImage.Kind]] {
        var out: [Int64: [IncidentImage.Kind]] = [:]
        for row in rows {
            let id: Int64 = try row.decode(forColumn: "incident_id"), kind: String = try row.decode(forColumn: "kind")
            if let k = IncidentImage.Kind(rawValue: kind) { out[id, default: []].append(k) }
        }
        return out
    }

    /// The conditions of a query's WHERE clause and their values, in order.
    private struct Conditions {
        var sql: [String] = []
        var values: [(any DatabaseValueConvertible)?] = []

        /// Adds `condition` with its value when `value` is set.
        mutating func add(_ condition: String, _ value: (any DatabaseValueConvertible)?) {
            guard let value else { return }
            sql.append(condition)
            values.append(value)
        }

        /// Adds `column IN (…)` when `values` is set (no row matches an empty list).
        mutating func add(_ column: String, in list: [some DatabaseValueConvertible]?) {
            guard let list else { return }
            guard !list.isEmpty else { return sql.append("1 = 0") }
            sql.append("\(column) IN (\(Array(repeating: "?", count: list.count).joined(separator: ", ")))")
            values += list.map { $0 as (any DatabaseValueConvertible)? }
        }

        var clause: String { sql.isEmpty ? "" : "WHERE " + sql.joined(separator: " AND ") }
    }

    /// `"\(prefix) IN (?, …)"` over `list`, with the values `before` bound ahead of the list's.
    static func inList(_ prefix: String, _ list: [Int64], before: [(any DatabaseValueConvertible)?] = []) -> Query {
        ("\(prefix) IN (\(Array(repeating: "?", count: list.count).joined(separator: ", ")))", before + list.map { $0 })
    }

    /// Incidents matching every set field of `filter`, newest first, at most `filter.limit`.
    static func incidents(_ filter: IncidentFilter) -> Query {
        var c = Conditions()
        c.add("status = ?", filter.status?.rawValue)
        c.add("kind = ?", filter.kind?.rawValue)
        c.add("report_id = ?", filter.reportID)
        c.add("camera_id = ?", filter.cameraID)
        c.add("cell_id = ?", filter.cellID)
        c.add("cell_id", in: filter.cellIDs)
        c.add("track_id", in: filter.trackIDs)
        c.add("created_at >= ?", filter.since)
        // Keyset paging: strictly after the cursor in list order (an unknown cursor lists nothing).
        c.add("(created_at, id) < (SELECT created_at, id FROM incident WHERE id = ?)", filter.after)
        return ("SELECT * FROM incident \(c.clause) ORDER BY created_at DESC, id DESC LIMIT ?", c.values + [max(0, filter.limit)])
    }

    /// Open incidents without a dispatch, oldest first (the dispatcher's next round): read from the
    /// (status, created_at, id) index, so it grows with the open incidents, not with history.
    static func undispatched(limit: Int) -> Query {
        ("SELECT incident.* FROM incident LEFT JOIN dispatch ON dispatch.incident_id = incident.id "
            + "WHERE dispatch.incident_id IS NULL AND incident.status = 'open' ORDER BY incident.created_at, incident.id LIMIT ?",
         [max(0, limit)])
    }

    /// Dispatches of open or acknowledged incidents whose response or resolution deadline has
    /// passed by `now` and is not yet marked overdue (flags bound as values: 0/1 on SQLite, booleans
    /// on PostgreSQL).
    static func dueDispatches(now: Date) -> Query {
        ("SELECT dispatch.* FROM dispatch JOIN incident ON incident.id = dispatch.incident_id "
            + "WHERE incident.status IN ('open', 'acknowledged') AND ("
            + "(dispatch.acknowledged_at IS NULL AND dispatch.response_overdue = ? AND dispatch.respond_by <= ?) "
            + "OR (dispatch.resolution_overdue = ? AND dispatch.resolve_by <= ?)) ORDER BY dispatch.incident_id",
         [false, now, false, now])
    }

    /// Which of `reportIDs` have an incident seen in one of `cellIDs`.
    static func reportsSeen(in cellIDs: [String], among reportIDs: [Int64]) -> Query {
        var c = Conditions()
        c.add("report_id", in: reportIDs)
        c.add("cell_id", in: cellIDs)
        return ("SELECT DISTINCT report_id FROM incident \(c.clause)", c.values)
    }

    /// Reports with `status` (all when `nil`) after the report `after`, oldest first, at most `limit`.
    static func reports(status: ReportStatus?, after: Int64?, limit: Int?) -> Query {
        var c = Conditions()
        c.add("status = ?", status?.rawValue)
        c.add("id > ?", after)
        guard let limit else { return ("SELECT * FROM report \(c.clause) ORDER BY id", c.values) }
        return ("SELECT * FROM report \(c.clause) ORDER BY id LIMIT ?", c.values + [max(0, limit)])
    }

    /// Tracks last seen at or after `since` (all when `nil`), optionally of one camera, oldest first.
    static func tracks(since: Date?, cameraID: String?) -> Query {
        var c = Conditions()
        c.add("last_seen_at >= ?", since)
        c.add("camera_id = ?", cameraID)
        return ("SELECT * FROM track \(c.clause) ORDER BY last_seen_at, id", c.values)
    }
}
