public import Foundation
import GridStore

/// Reads the times people type: "14:30" (today), "2026-11-23 14:30", ISO 8601 with or without
/// zone, "20m" / "2h" / "90s" (that long ago), and "now". Local time unless a zone is given.
public enum TimeParsing {
    /// - Throws: ``KinfinderError/invalidTime(_:)`` for text that is not a time,
    ///   ``KinfinderError/implausibleTime(_:)`` for a time before 1990 or more than a day ahead
    ///   (a mistyped year, a huge "ago"; see ``TimeWindow``).
    public static func parse(_ text: String, now: Date = Date(), timeZone: TimeZone = .current) throws -> Date {
        let date = try read(text, now: now, timeZone: timeZone)
        guard TimeWindow.isPlausible(date, now: now) else { throw KinfinderError.implausibleTime(text) }
        return date
    }

    static func read(_ text: String, now: Date, timeZone: TimeZone) throws -> Date {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t.lowercased() == "now" { return now }
        // Relative: 20m, 2h, 90s, 1h30m, optionally followed by "ago".
        let rel = t.lowercased().replacingOccurrences(of: "ago", with: "").trimmingCharacters(in: .whitespaces)
        if let seconds = relativeSeconds(rel) {
            guard seconds.isFinite else { throw KinfinderError.implausibleTime(text) }
            return now.addingTimeInterval(-seconds)
        }
        let iso = ISO8601DateFormatter()
        iso.formatOptions = [.withInternetDateTime]
        if let d = iso.date(from: t) { return d }
        iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let d = iso.date(from: t) { return d }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = timeZone
        for format in ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm", "yyyy/MM/dd HH:mm"] {
            f.dateFormat = format
            if let d = f.date(from: t) { return d }
        }
        // Time of day today.
        for format in ["HH:mm:ss", "HH:mm"] {
            f.dateFormat = format
            if let d = f.date(from: t) {
                var cal = Calendar(identifier: .gregorian)
                cal.timeZone = timeZone
                let hms = cal.dateComponents([.hour, .minute, .second], from: d)
                var day = cal.dateComponents([.year, .month, .day], from: now)
                day.hour = hms.hour
                day.minute = hms.minute
                day.second = hms.second
                if let result = cal.date(from: day) { return result }
            }
        }
        throw KinfinderError.invalidTime(text)
    }

    static func relativeSeconds(_ s: String) -> Double? {
        guard !s.isEmpty, s.first!.isNumber else { return nil }
        var total = 0.0, number = ""
        var sawUnit = false
        for ch in s {
            if ch.isNumber || ch == "." {
                number.append(ch)
            } else if ch == " " {
                continue
            } else {
                guard let n = Double(number) else { return nil }
                switch ch {
                case "s": total += n
                case "m": total += n * 60
                case "h": total += n * 3600
                case "d": total += n * 86400
                default: return nil
                }
                number = ""
                sawUnit = true
            }
        }
        guard sawUnit, number.isEmpty else { return nil }
        return total
    }

    /// "2026-11-23 14:32:05" in local time, for tables.
    public static func display(_ d: Date, timeZone: TimeZone = .current) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = timeZone
        f.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return f.string(from: d)
    }

    /// ISO 8601 in UTC with milliseconds ("2026-11-23T06:32:05.120Z"), for JSON.
    public static func iso(_ d: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: d)
    }
}
