public import FoundationEssentials
import GRDB

// "Reviewed" marks on leads, on SQLite.
extension SQLiteGridStore {
    public func review(incidentID: Int64, by actor: String, note: String, at: Date) async throws -> IncidentEvent {
        try StoreQueries.validateReview(note: note)
        return try await write { db in
            guard let row = try Row.fetchOne(db, sql: StoreQueries.reviewCell, arguments: [incidentID]) else {
                throw GridStoreError.notFound("incident", id: incidentID)
            }
            let event = IncidentEvent(incidentID: incidentID, at: at, actor: actor, kind: .reviewed, cellID: row["cell"], detail: note)
            try Self.appendEvent(event, db)
            return event
        }
    }

    public func reviews(incidentIDs: [Int64]) async throws -> [Int64: IncidentEvent] {
        var out: [Int64: IncidentEvent] = [:]
        for batch in StoreQueries.batches(incidentIDs) {
            let q = StoreQueries.reviews(incidentIDs: batch)
            let sql = q.sql, arguments = StatementArguments(q.values)
            let found = try await read { db in try Row.fetchAll(db, sql: sql, arguments: arguments).decodedEach("incident_event", IncidentEvent.init(row:)) }
            for e in found { out[e.incidentID] = e }
        }
        return out
    }
}
