public import FoundationEssentials
import GRDB
import PostgresNIO

// "Reviewed" marks on leads, on PostgreSQL (announced to every host like any event).
extension PostgresGridStore {
    public func review(incidentID: Int64, by actor: String, note: String, at: Date) async throws -> IncidentEvent {
        try StoreQueries.validateReview(note: note)
        return try await transaction { c in
            guard let row = try await self.row(StoreQueries.reviewCell, [incidentID], on: c) else {
                throw GridStoreError.notFound("incident", id: incidentID)
            }
            let event = IncidentEvent(incidentID: incidentID, at: at, actor: actor, kind: .reviewed, cellID: row["cell"], detail: note)
            try await self.appendEvent(event, c)
            return event
        }
    }

    public func reviews(incidentIDs: [Int64]) async throws -> [Int64: IncidentEvent] {
        var out: [Int64: IncidentEvent] = [:]
        for batch in StoreQueries.batches(incidentIDs) {
            let q = StoreQueries.reviews(incidentIDs: batch)
            let found = try await read { try await rows(q.sql, q.values).decodedEach("incident_event", IncidentEvent.init(row:)) }
            for e in found { out[e.incidentID] = e }
        }
        return out
    }
}
