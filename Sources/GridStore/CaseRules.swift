import FoundationEssentials
import GRDB
import Matching

/// How a case closes, decided the same way by every engine: each reads the report and its active
/// leads inside its transaction, asks ``plan(_:report:found:active:)`` what to write, and runs it.
enum CaseRules {
    /// What the caller asked for.
    struct Request {
        var reportID: Int64
        var outcome: ReportStatus
        var foundIncidentID: Int64?
        var foundCellID: String?
        var actor: String
        var note: String
        var at: Date

        /// A request that makes sense on its own (``validate(_:)``).
        init(
            reportID: Int64, outcome: ReportStatus, foundIncidentID: Int64?, foundCellID: String?, actor: String, note: String, at: Date
        ) throws {
            self.reportID = reportID
            self.outcome = outcome
            self.foundIncidentID = foundIncidentID
            self.foundCellID = foundCellID
            self.actor = actor
            self.note = note
            self.at = at
            try CaseRules.validate(self)
        }
    }

    /// An active lead of the report and the cell answering for it now.
    struct Lead {
        var id: Int64
        var responsibleCell: String
    }

    struct Plan {
        var closure: CaseClosure
        var writes: [StoreQueries.Query]
        var events: [IncidentEvent]
        var closedIncidentIDs: [Int64]
    }

    /// The report's open and acknowledged leads, each with its dispatch's cell (the incident's own
    /// before dispatch).
    static func activeLeads(reportID: Int64) -> StoreQueries.Query {
        ("SELECT incident.id AS id, coalesce(dispatch.cell_id, incident.cell_id) AS responsible FROM incident "
            + "LEFT JOIN dispatch ON dispatch.incident_id = incident.id "
            + "WHERE incident.report_id = ? AND incident.status IN ('open', 'acknowledged') ORDER BY incident.id",
         [reportID])
    }

    static func lead(_ row: Row) -> Lead { Lead(id: row["id"], responsibleCell: row["responsible"]) }

    static func reportStatus(_ text: String) throws -> ReportStatus {
        guard let s = ReportStatus(rawValue: text) else { throw GridStoreError.corrupt("unknown report status '\(text)'") }
        return s
    }

    static func validate(_ r: Request) throws {
        guard r.outcome != .open else { throw GridStoreError.invalidValue("a case closes as found or withdrawn, not open") }
        guard r.foundIncidentID == nil || r.outcome == .found else {
            throw GridStoreError.invalidValue("only a found case names the lead that was the person")
        }
        guard !r.actor.isEmpty else { throw GridStoreError.invalidValue("closing a case needs who closes it") }
        guard r.note.count <= 2000 else { throw GridStoreError.invalidValue("a closing note has at most 2000 characters") }
        try TimeWindow.checkStorable(r.at, "a case's closing time")
    }

    /// The writes for closing `r`: `report` is the report's status (nil: no such report), `found`
    /// the named lead as stored, `active` the report's active leads.
    static func plan(_ r: Request, report: ReportStatus?, found: Incident?, active: [Lead]) throws -> Plan {
        guard let report else { throw GridStoreError.notFound("report", id: r.reportID) }
        guard report == .open else {
            throw GridStoreError.invalidValue("report \(r.reportID) is already \(report.rawValue): its case is closed")
        }
        var foundCell = r.foundCellID
        if let id = r.foundIncidentID {
            guard let found else { throw GridStoreError.notFound("incident", id: id) }
            guard found.reportID == r.reportID else {
                throw GridStoreError.invalidValue("incident \(id) is a lead of report \(found.reportID), not of report \(r.reportID)")
            }
            guard found.status.isActive else {
                throw GridStoreError.invalidValue("incident \(id) is already closed (\(found.status.rawValue))")
            }
            foundCell = foundCell ?? found.cellID
        }
        let closure = CaseClosure(
            reportID: r.reportID, outcome: r.outcome, closedBy: r.actor, closedAt: r.at, note: r.note,
            foundIncidentID: r.foundIncidentID, foundCellID: foundCell)
        let others = active.filter { $0.id != r.foundIncidentID }
        let touched = (r.foundIncidentID.map { [$0] } ?? []) + others.map(\.id)

        var writes: [StoreQueries.Query] = [
            ("UPDATE report SET status = ? WHERE id = ?", [r.outcome.rawValue, r.reportID]),
            ("INSERT INTO case_closure (report_id, outcome, closed_by, closed_at, note, found_incident_id, found_cell_id) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?)",
             [r.reportID, r.outcome.rawValue, r.actor, r.at, r.note, r.foundIncidentID, foundCell]),
        ]
        if let id = r.foundIncidentID {
            writes.append(("UPDATE incident SET status = ? WHERE id = ?", [IncidentStatus.resolved.rawValue, id]))
        }
        if !others.isEmpty {
            writes.append(StoreQueries.inList(
                "UPDATE incident SET status = ? WHERE id", others.map(\.id), before: [IncidentStatus.caseClosed.rawValue]))
        }
        if !touched.isEmpty {
            // Dispatch stops: resolved rows are never due again, whatever their deadlines.
            writes.append(StoreQueries.inList(
                "UPDATE dispatch SET resolved_by = ?, resolved_at = ? WHERE resolved_at IS NULL AND incident_id", touched,
                before: [r.actor, r.at]))
        }

        var events: [IncidentEvent] = []
        if let found, let id = found.id {
            let cell = active.first { $0.id == id }?.responsibleCell ?? found.cellID
            events.append(IncidentEvent(incidentID: id, at: r.at, actor: r.actor, kind: .resolved, cellID: cell, detail: r.note))
        }
        let why =
            r.outcome == .found
            ? "report \(r.reportID) found" + (r.foundIncidentID.map { " through incident \($0)" } ?? "")
                + (foundCell.map { " in \($0)" } ?? "")
            : "report \(r.reportID) withdrawn"
        for lead in others {
            events.append(IncidentEvent(incidentID: lead.id, at: r.at, actor: r.actor, kind: .caseClosed, cellID: lead.responsibleCell, detail: why))
        }
        return Plan(closure: closure, writes: writes, events: events, closedIncidentIDs: others.map(\.id))
    }
}

extension CaseClosure {
    init(row: Row) throws {
        let reportID: Int64 = try row.decode(forColumn: "report_id")
        let text: String = try row.decode(forColumn: "outcome")
        guard let outcome = ReportStatus(rawValue: text), outcome != .open else {
            throw GridStoreError.corrupt("unknown outcome '\(text)' of the closed case of report \(reportID)")
        }
        self.init(
            reportID: reportID, outcome: outcome, closedBy: try row.decode(forColumn: "closed_by"),
            closedAt: try row.decode(forColumn: "closed_at"), note: try row.decode(forColumn: "note"),
            foundIncidentID: try row.decode(forColumn: "found_incident_id"), foundCellID: try row.decode(forColumn: "found_cell_id"))
    }
}
