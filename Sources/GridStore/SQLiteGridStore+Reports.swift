public import FoundationEssentials
public import Matching
import GRDB

extension SQLiteGridStore {
    /// Saves `report` as a new report and returns it with its new id (any id it carries is ignored).
    ///
    /// Dates are kept to the millisecond.
    ///
    /// - Throws: ``GridStoreError`` with code ``GridStoreError/Code/unknownCell`` when
    ///   `lastSeenCell` is not in the database.
    public func addReport(_ report: MissingPersonReport) async throws -> MissingPersonReport {
        try StoreRules.validate(report)
        return try await write { db in
            if let cell = report.lastSeenCell {
                try Self.requireCell(cell, subject: "the report for '\(report.name)' was last seen in", db)
            }
            try db.execute(
                sql: """
                    INSERT INTO report (name, age_group, height_cm, upper, lower, described_as, notes,
                        last_seen_cell, last_seen_at, contact, status, created_at, attributes)
                    VALUES (:name, :age_group, :height_cm, :upper, :lower, :described_as, :notes,
                        :last_seen_cell, :last_seen_at, :contact, :status, :created_at, :attributes)
                    """,
                arguments: StatementArguments(Self.columns(of: report)))
            var saved = report
            saved.id = db.lastInsertedRowID
            return saved
        }
    }

    private static func columns(of report: MissingPersonReport) -> [String: (any DatabaseValueConvertible)?] {
        Dictionary(uniqueKeysWithValues: zip(ReportColumns.all, ReportColumns.values(of: report)))
    }

    /// The report with this id, or `nil`.
    public func report(id: Int64) async throws -> MissingPersonReport? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM report WHERE id = ?", arguments: [id])
                .map(MissingPersonReport.init(row:))
        }
    }

    public func reports(status: ReportStatus?, after: Int64?, limit: Int?) async throws -> [MissingPersonReport] {
        let query = StoreQueries.reports(status: status, after: after, limit: limit)
        return try await fetch(query, "report", MissingPersonReport.init(row:))
    }

    public func closeCase(
        reportID: Int64, outcome: ReportStatus, foundIncidentID: Int64?, foundCellID: String?, by actor: String, note: String, at: Date
    ) async throws -> CaseClosed {
        let request = try CaseRules.Request(
            reportID: reportID, outcome: outcome, foundIncidentID: foundIncidentID, foundCellID: foundCellID, actor: actor, note: note, at: at)
        let leads = CaseRules.activeLeads(reportID: reportID)
        let leadsSQL = leads.sql, leadsArguments = StatementArguments(leads.values)
        return try await write { db in
            if let cell = foundCellID { try Self.requireCell(cell, subject: "report \(reportID) was found in", db) }
            let status = try String.fetchOne(db, sql: "SELECT status FROM report WHERE id = ?", arguments: [reportID])
            let found = try foundIncidentID.flatMap { id in
                try Row.fetchOne(db, sql: "SELECT * FROM incident WHERE id = ?", arguments: [id]).map(Incident.init(row:))
            }
            let active = try Row.fetchAll(db, sql: leadsSQL, arguments: leadsArguments).map(CaseRules.lead)
            let plan = try CaseRules.plan(request, report: try status.map(CaseRules.reportStatus), found: found, active: active)
            for q in plan.writes { try db.execute(sql: q.sql, arguments: StatementArguments(q.values)) }
            for e in plan.events { try Self.appendEvent(e, db) }
            return CaseClosed(closure: plan.closure, closedIncidentIDs: plan.closedIncidentIDs)
        }
    }

    public func caseClosure(reportID: Int64) async throws -> CaseClosure? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM case_closure WHERE report_id = ?", arguments: [reportID]).map(CaseClosure.init(row:))
        }
    }

    /// Replaces a report's description fields (not its status or creation time).
    public func updateReport(_ report: MissingPersonReport) async throws {
        guard let id = report.id else { throw GridStoreError.invalidValue("updating a report needs its id") }
        try StoreRules.validate(report)
        try await write { db in
            if let cell = report.lastSeenCell {
                try Self.requireCell(cell, subject: "report \(id) was last seen in", db)
            }
            var values = Self.columns(of: report)
            values["id"] = id
            try db.execute(
                sql: """
                    UPDATE report SET name = :name, age_group = :age_group, height_cm = :height_cm, upper = :upper,
                        lower = :lower, described_as = :described_as, notes = :notes, last_seen_cell = :last_seen_cell,
                        last_seen_at = :last_seen_at, contact = :contact,
                        attributes = :attributes
                    WHERE id = :id
                    """,
                arguments: StatementArguments(values.filter { $0.key != "status" && $0.key != "created_at" }))
            if db.changesCount == 0 { throw GridStoreError.notFound("report", id: id) }
        }
    }

    public func reports(ids: [Int64]) async throws -> [MissingPersonReport] {
        try await fetch("report", in: ids, MissingPersonReport.init(row:))
    }
}
