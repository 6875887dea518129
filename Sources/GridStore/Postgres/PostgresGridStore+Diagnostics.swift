import GRDB

// Internal hooks for tests (`@testable import GridStore`); not public API.
extension PostgresGridStore {
    /// PostgreSQL's plan for one of the store's list queries (`EXPLAIN`, one line per row), planned
    /// as for a large table: sequential scans, bitmap scans and sorts are priced out, so the plan
    /// holds one only when no index gives the rows in list order (`sorting`: sorts are allowed, for
    /// a query that sorts the few rows an index found).
    func queryPlan(_ query: StoreQueries.Query, sorting: Bool = false) async throws -> [String] {
        return try await transaction { c in
            for setting in ["enable_seqscan", "enable_bitmapscan"] + (sorting ? [] : ["enable_sort"]) {
                try await self.execute("SET LOCAL \(setting) = off", on: c)
            }
            return try await self.rows("EXPLAIN " + query.sql, query.values, on: c).map { $0["QUERY PLAN"] as String }
        }
    }
}
