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

    public func incidentImageKinds(incidentIDs: [Int64]) async throws -> [Int64: [IncidentImage.Kind]] {
        var out: [Int64: [IncidentImage.Kind]] = [:]
        for start in stride(from: 0, to: incidentIDs.count, by: 500) {
            let q = StoreQueries.imageKinds(incidentIDs: Array(incidentIDs[start..<min(start + 500, incidentIDs.count)]))
            let sql = q.sql, arguments = StatementArguments(q.values)
            let found = try await read { db in try StoreQueries.kinds(try Row.fetchAll(db, sql: sql, arguments: arguments)) }
            out.merge(found) { a, _ in a }
        }
        return out
    }
}
