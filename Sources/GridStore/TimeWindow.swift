public import FoundationEssentials
import CoreMetrics
import GRDB
import Logging

/// The times Kinfinder takes as input and stores.
///
/// Typed times (a report's last-seen time, a clip's start, a search's start) must fall between
/// 1990-01-01 and a day after now: a mistyped year ("20261-11-23") or a huge "ago" is refused where
/// it is typed, with a message saying so. The store refuses to write any time outside 1970–9999,
/// which every engine can read back, so one bad value can never make a table unreadable.
public enum TimeWindow {
    /// 1990-01-01T00:00:00Z.
    public static let earliest = Date(timeIntervalSince1970: 631_152_000)
    /// How far ahead of now a typed time may be (clocks differ between hosts).
    public static let ahead: Double = 86_400

    /// The latest time accepted as input now.
    public static func latest(now: Date = Date()) -> Date { now.addingTimeInterval(ahead) }

    /// Whether `date` is a time a person could mean.
    public static func isPlausible(_ date: Date, now: Date = Date()) -> Bool {
        let t = date.timeIntervalSince1970
        return t.isFinite && date >= earliest && date <= latest(now: now)
    }

    /// 1970-01-01 … 9999-12-31T23:59:59Z: what the store writes.
    static let storable = Date(timeIntervalSince1970: 0)...Date(timeIntervalSince1970: 253_402_300_799)

    static func checkStorable(_ date: Date?, _ what: String) throws {
        guard let date else { return }
        let t = date.timeIntervalSince1970
        guard t.isFinite, storable.contains(date) else {
            throw GridStoreError.invalidValue("\(what) must be between 1970 and 9999, got \(t.isFinite ? "\(date)" : "\(t)")")
        }
    }
}

/// Rows read for a list: a row this version cannot decode (a time it cannot read, a histogram of
/// the wrong size) is left out of the list, logged and counted (`kinfinder_store_unreadable_rows_total`
/// on /metrics, by table), so it never takes down a list, a search or the dispatcher.
enum RowDecoding {
    static let logger = Logger(label: "kinfinder.store")

    static func each<T>(_ rows: [Row], table: String, _ decode: (Row) throws -> T) -> [T] {
        var out: [T] = []
        out.reserveCapacity(rows.count)
        for row in rows {
            do {
                out.append(try decode(row))
            } catch {
                let id = row["id"].map { "\($0)" } ?? "?"
                // Not the whole row: it may hold a family's phone number.
                var why = "\(error)"
                if let cut = why.firstRange(of: ", row:") { why = String(why[..<cut.lowerBound]) }
                logger.error("skipped an unreadable \(table) row", metadata: ["table": "\(table)", "id": "\(id)", "error": "\(why)"])
                Counter(label: "kinfinder_store_unreadable_rows_total", dimensions: [("table", table)]).increment()
            }
        }
        return out
    }
}

extension Array where Element == Row {
    /// The rows decoded, leaving out (logging and counting) any this version cannot read.
    func decodedEach<T>(_ table: String, _ decode: (Row) throws -> T) -> [T] {
        RowDecoding.each(self, table: table, decode)
    }
}
