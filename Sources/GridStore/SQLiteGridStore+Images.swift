public import FoundationEssentials
import GRDB

// Incident pictures on SQLite (the queries are shared with PostgreSQL: `StoreQueries`).
extension SQLiteGridStore {
    public func saveIncidentImages(_ images: [IncidentImage]) async throws {
        guard !images.isEmpty else { return }
        let statements = try images.map(StoreQueries.saveImage).map { ($0.sql, StatementArguments($0.values)) }
        try await write { db in
            for (sql, arguments) in statements { try db.execute(sql: sql, arguments: arguments) }
        }
    }

    public func incidentImage(incidentID: Int64, kind: IncidentImage.Kind) async throws -> IncidentImage? {
        let q = StoreQueries.image(incidentID: incidentID, kind: kind)
        let sql = q.sql, arguments = StatementArguments(q.values)
        return try await read { db in try Row.fetchOne(db, sql: sql, arguments: arguments).map(IncidentImage.init(row:)) }
    }

    public func saveReportPhoto(_ photo: ReportPhoto) async throws {
        let q = try StoreQueries.savePhoto(photo)
        let sql = q.sql, arguments = StatementArguments(q.values), id = photo.reportID
        try await write { db in
            guard try Int64.fetchOne(db, sql: "SELECT id FROM report WHERE id = ?", arguments: [id]) != nil else {
                throw GridStoreError.notFound("report", id: id)
            }
            try db.execute(sql: sql, arguments: arguments)
        }
    }

    public func reportPhoto(reportID: Int64) async throws -> ReportPhoto? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM report_photo WHERE report_id = ?", arguments: [reportID]).map(ReportPhoto.init(row:))
        }
    }

    public func reportsWithPhotos(ids: [Int64]) async throws -> Set<Int64> {
        var out: Set<Int64> = []
        for batch in StoreQueries.batches(ids) {
            let q = StoreQueries.photosAmong(batch)
            let sql = q.sql, arguments = StatementArguments(q.values)
            out.formUnion(try await read { db in try Int64.fetchAll(db, sql: sql, arguments: arguments) })
        }
        return out
    }

    public func incidentImageKinds(incidentIDs: [Int64]) async throws -> [Int64: [IncidentImage.Kind]] {
        var out: [Int64: [IncidentImage.Kind]] = [:]
        for batch in StoreQueries.batches(incidentIDs) {
            let q = StoreQueries.imageKinds(incidentIDs: batch)
            let sql = q.sql, arguments = StatementArguments(q.values)
            let found = try await read { db in try StoreQueries.kinds(try Row.fetchAll(db, sql: sql, arguments: arguments)) }
            out.merge(found) { a, _ in a }
        }
        return out
    }
}
