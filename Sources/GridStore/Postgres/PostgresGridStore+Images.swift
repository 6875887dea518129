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

    public func saveReportPhoto(_ photo: ReportPhoto) async throws {
        let q = try StoreQueries.savePhoto(photo)
        try await transaction { c in
            guard try await self.row("SELECT id FROM report WHERE id = ?", [photo.reportID], on: c) != nil else {
                throw GridStoreError.notFound("report", id: photo.reportID)
            }
            try await self.execute(q.sql, q.values, on: c)
        }
    }

    public func reportPhoto(reportID: Int64) async throws -> ReportPhoto? {
        try await read { try await row("SELECT * FROM report_photo WHERE report_id = ?", [reportID]).map(ReportPhoto.init(row:)) }
    }

    public func reportsWithPhotos(ids: [Int64]) async throws -> Set<Int64> {
        var out: Set<Int64> = []
        for batch in StoreQueries.batches(ids) {
            let q = StoreQueries.photosAmong(batch)
            let found = try await read { try await rows(q.sql, q.values).map { row -> Int64 in try row.decode(forColumn: "report_id") } }
            out.formUnion(found)
        }
        return out
    }

    public func incidentImageKinds(incidentIDs: [Int64]) async throws -> [Int64: [IncidentImage.Kind]] {
        var out: [Int64: [IncidentImage.Kind]] = [:]
        for batch in StoreQueries.batches(incidentIDs) {
            let q = StoreQueries.imageKinds(incidentIDs: batch)
            let found = try await read { try StoreQueries.kinds(try await rows(q.sql, q.values)) }
            out.merge(found) { a, _ in a }
        }
        return out
    }
}
