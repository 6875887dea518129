public import FoundationEssentials
import GRDB
import PostgresNIO

// Incident pictures on PostgreSQL: every host sharing the database serves them.
extension PostgresGridStore {
    public func saveIncidentImages(_ images: [IncidentImage]) async throws {
        guard !images.isEmpty else { return }
        let queries = try images.map(StoreQueries.saveImage)
        try await transaction { c in
            for q in queries { try await self.execute(q.sql, q.values, on: c) }
        }
    }

    public func incidentImage(incidentID: Int64, kind: IncidentImage.Kind) async throws -> IncidentImage? {
        let q = StoreQueries.image(incidentID: incidentID, kind: kind)
        return try await read { try await row(q.sql, q.values).map(IncidentImage.init(row:)) }
    }

    public func incidentImageKinds(incidentIDs: [Int64]) async throws -> [Int64: [IncidentImage.Kind]] {
        var out: [Int64: [IncidentImage.Kind]] = [:]
        for start in stride(from: 0, to: incidentIDs.count, by: 500) {
            let q = StoreQueries.imageKinds(incidentIDs: Array(incidentIDs[start..<min(start + 500, incidentIDs.count)]))
            let found = try await read { try StoreQueries.kinds(try await rows(q.sql, q.values)) }
            out.merge(found) { a, _ in a }
        }
        return out
    }
}
