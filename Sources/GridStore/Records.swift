import FoundationEssentials
import GRDB
import Matching
import Detection
import Description

// Row ⇄ model conversions. Every decoder throws `GridStoreError.corruptData` on values this version
// cannot read, so a damaged or foreign database never crashes a pipeline.

/// Histogram BLOB codec: 12 little-endian Float32 (48 bytes), bin *i* = `ColourName(rawValue: i)`.
enum HistogramBlob {
    static let binCount = ColourName.allCases.count
    static let byteCount = binCount * MemoryLayout<UInt32>.size

    static func encode(_ bins: SIMD16<Float>) -> Data {
        var data = Data(capacity: byteCount)
        for i in 0..<binCount {
            withUnsafeBytes(of: bins[i].bitPattern.littleEndian) { data.append(contentsOf: $0) }
        }
        return data
    }

    /// - Parameter what: names the value in the error, e.g. "track #3 upper_hist".
    static func decode(_ data: Data, what: String) throws -> SIMD16<Float> {
        guard data.count == byteCount else {
            throw GridStoreError.corrupt(
                "a colour histogram of \(data.count) bytes in \(what), where \(byteCount) (\(binCount) Float32) are expected")
        }
        var bins = SIMD16<Float>.zero
        data.withUnsafeBytes { raw in
            for i in 0..<binCount {
                let bits = raw.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)
                bins[i] = Float(bitPattern: UInt32(littleEndian: bits))
            }
        }
        return bins
    }
}

/// Colour list codec: English names joined by commas, in order ("blue,black"; "" for none).
enum ColourList {
    static func encode(_ names: [ColourName]) -> String {
        names.map(\.english).joined(separator: ",")
    }

    static func decode(_ text: String, what: String) throws -> [ColourName] {
        try text.split(separator: ",").map { part in
            let name = String(part.filter { !$0.isWhitespace })
            guard let colour = ColourName(english: name) else {
                throw GridStoreError.corrupt("unknown colour name '\(name)' in \(what)")
            }
            return colour
        }
    }
}

/// Decodes a raw-value enum stored as TEXT.
private func decodeEnum<E: RawRepresentable<String>>(
    _ type: E.Type, _ row: Row, _ column: String, _ what: String
) throws -> E {
    let text: String = try row.decode(forColumn: column)
    guard let value = E(rawValue: text) else {
        throw GridStoreError.corrupt("unknown \(column) '\(text)' in \(what)")
    }
    return value
}

extension GridCell {
    init(row: Row) throws {
        let id: String = try row.decode(forColumn: "id")
        self.init(
            id: id,
            name: try row.decode(forColumn: "name"),
            level: try decodeEnum(GridLevel.self, row, "level", "grid cell '\(id)'"),
            parentID: try row.decode(forColumn: "parent_id"),
            location: try GeoPoint(row: row, what: "grid cell '\(id)'"))
    }
}

extension GeoPoint {
    /// From the `lat`/`lon` columns: `nil` when both are NULL.
    init?(row: Row, what: String) throws {
        let lat: Double? = try row.decode(forColumn: "lat")
        let lon: Double? = try row.decode(forColumn: "lon")
        guard let lat, let lon else {
            if lat != nil || lon != nil { throw GridStoreError.corrupt("only one of lat/lon in \(what)") }
            return nil
        }
        guard let point = GeoPoint(latitude: lat, longitude: lon) else {
            throw GridStoreError.corrupt("position \(lat), \(lon) out of range in \(what)")
        }
        self = point
    }
}

extension Camera {
    init(row: Row) throws {
        self.init(
            id: try row.decode(forColumn: "id"),
            name: try row.decode(forColumn: "name"),
            cellID: try row.decode(forColumn: "cell_id"),
            url: try row.decode(forColumn: "url"),
            location: try GeoPoint(row: row, what: "camera"))
    }
}

extension MissingPersonReport {
    init(row: Row) throws {
        let id: Int64 = try row.decode(forColumn: "id")
        let what = "report #\(id)"
        let ageText: String? = try row.decode(forColumn: "age_group")
        var ageGroup: AgeGroup?
        if let ageText {
            guard let age = AgeGroup(rawValue: ageText) else {
                throw GridStoreError.corrupt("unknown age_group '\(ageText)' in \(what)")
            }
            ageGroup = age
        }
        self.init(
            id: id,
            name: try row.decode(forColumn: "name"),
            ageGroup: ageGroup,
            heightCM: try row.decode(forColumn: "height_cm"),
            upper: try ColourList.decode(row.decode(forColumn: "upper"), what: "\(what) upper"),
            lower: try ColourList.decode(row.decode(forColumn: "lower"), what: "\(what) lower"),
            describedAs: try row.decode(forColumn: "described_as"),
            notes: try row.decode(forColumn: "notes"),
            lastSeenCell: try row.decode(forColumn: "last_seen_cell"),
            lastSeenAt: try row.decode(forColumn: "last_seen_at"),
            contact: try row.decode(forColumn: "contact"),
            attributes: try ReportAttributesText.decode(row.decode(forColumn: "attributes"), what: "\(what) attributes"),
            status: try decodeEnum(ReportStatus.self, row, "status", what),
            createdAt: try row.decode(forColumn: "created_at"))
    }
}

/// Report columns in insert order, and a report's values in that order.
enum ReportColumns {
    static let all = [
        "name", "age_group", "height_cm", "upper", "lower", "described_as", "notes", "last_seen_cell", "last_seen_at",
        "contact", "status", "created_at", "attributes",
    ]
    static let marks = Array(repeating: "?", count: all.count).joined(separator: ", ")

    static func values(of report: MissingPersonReport) -> [(any DatabaseValueConvertible)?] {
        [
            report.name, report.ageGroup?.rawValue, report.heightCM, ColourList.encode(report.upper),
            ColourList.encode(report.lower), report.describedAs, report.notes, report.lastSeenCell, report.lastSeenAt,
            report.contact, report.status.rawValue, report.createdAt, ReportAttributesText.encode(report.attributes),
        ]
    }
}

extension CameraStatus {
    init(row: Row) throws {
        let raw: String = row["state"]
        guard let state = CameraState(rawValue: raw) else {
            throw GridStoreError.corrupt("unknown camera state '\(raw)' in camera_status")
        }
        self.init(
            cameraID: row["camera_id"], state: state, reason: row["reason"], stateSince: row["state_since"],
            reporter: row["reporter"], inputFPS: row["input_fps"], analysedFPS: row["analysed_fps"],
            framesIn: row["frames_in"], framesAnalysed: row["frames_analysed"], framesDropped: row["frames_dropped"],
            framesSkipped: row["frames_skipped"], corruptPackets: row["corrupt_packets"], reconnects: row["reconnects"],
            lagP50: row["lag_p50_ms"], lagP99: row["lag_p99_ms"], lastFrameAt: row["last_frame_at"],
            updatedAt: row["updated_at"])
    }
}

/// Track columns in insert order (the upsert key first).
enum TrackColumns {
    static let key = ["camera_id", "run_id", "track_no"]
    static let values = [
        "first_seen_at", "last_seen_at", "first_seen", "last_seen",
        "upper_hist", "upper_pixels", "lower_hist", "lower_pixels", "lower_visibility",
        "height_px", "height_fraction", "relative_height", "speed", "heading", "loiter_s", "observations",
        "best_x", "best_y", "best_w", "best_h", "best_time",
    ]
    static let all = key + values
}

extension StoredTrack {
    /// Column values in `TrackColumns.all` order.
    var databaseValues: [(any DatabaseValueConvertible)?] {
        let d = descriptor
        return [
            cameraID, runID, d.trackID,
            firstSeenAt, lastSeenAt, d.firstSeen, d.lastSeen,
            HistogramBlob.encode(d.upper.bins), d.upper.pixels, HistogramBlob.encode(d.lower.bins), d.lower.pixels, d.lowerVisibility,
            d.heightPixels, d.heightFraction, d.relativeHeight, d.speed, d.heading, d.loiterSeconds, d.observations,
            d.bestBox.x, d.bestBox.y, d.bestBox.width, d.bestBox.height, d.bestTime,
        ]
    }

    /// Column values by name, for `TrackColumns`.
    var databaseArguments: StatementArguments {
        StatementArguments(Dictionary(uniqueKeysWithValues: zip(TrackColumns.all, databaseValues)))
    }

    init(row: Row) throws {
        let id: Int64 = try row.decode(forColumn: "id")
        let what = "track #\(id)"
        // SQLite stores NaN as NULL: read NULL back as NaN.
        func float(_ column: String) throws -> Float { try row.decode(Float?.self, forColumn: column) ?? .nan }
        func double(_ column: String) throws -> Double { try row.decode(Double?.self, forColumn: column) ?? .nan }
        let upper = ColourHistogram(
            bins: try HistogramBlob.decode(row.decode(forColumn: "upper_hist"), what: "\(what) upper_hist"),
            pixels: try row.decode(forColumn: "upper_pixels"))
        let lower = ColourHistogram(
            bins: try HistogramBlob.decode(row.decode(forColumn: "lower_hist"), what: "\(what) lower_hist"),
            pixels: try row.decode(forColumn: "lower_pixels"))
        let descriptor = TrackDescriptor(
            trackID: try row.decode(forColumn: "track_no"),
            firstSeen: try double("first_seen"),
            lastSeen: try double("last_seen"),
            upper: upper,
            lower: lower,
            lowerVisibility: try float("lower_visibility"),
            heightPixels: try float("height_px"),
            heightFraction: try float("height_fraction"),
            relativeHeight: try row.decode(forColumn: "relative_height"),
            speed: try float("speed"),
            heading: try float("heading"),
            loiterSeconds: try float("loiter_s"),
            observations: try row.decode(forColumn: "observations"),
            bestBox: Box(x: try float("best_x"), y: try float("best_y"), width: try float("best_w"), height: try float("best_h")),
            bestTime: try double("best_time"))
        self.init(
            id: id,
            cameraID: try row.decode(forColumn: "camera_id"),
            runID: try row.decode(forColumn: "run_id"),
            firstSeenAt: try row.decode(forColumn: "first_seen_at"),
            lastSeenAt: try row.decode(forColumn: "last_seen_at"),
            descriptor: descriptor,
            sequence: try row.decode(forColumn: "seq"))
    }
}

extension Incident {
    init(row: Row) throws {
        let id: Int64 = try row.decode(forColumn: "id")
        self.init(
            id: id,
            kind: try decodeEnum(IncidentKind.self, row, "kind", "incident #\(id)"),
            reportID: try row.decode(forColumn: "report_id"),
            trackID: try row.decode(forColumn: "track_id"),
            cameraID: try row.decode(forColumn: "camera_id"),
            cellID: try row.decode(forColumn: "cell_id"),
            seenAt: try row.decode(forColumn: "seen_at"),
            score: try row.decode(forColumn: "score"),
            snapshotPath: try row.decode(forColumn: "snapshot_path"),
            status: try decodeEnum(IncidentStatus.self, row, "status", "incident #\(id)"),
            createdAt: try row.decode(forColumn: "created_at"),
            explanation: try row.decode(forColumn: "explanation"))
    }
}

/// `report.attributes`: the JSON of ``ReportAttributes`` (keys sorted), or `""` when it says nothing.
enum ReportAttributesText {
    static func encode(_ a: ReportAttributes) -> String {
        guard !a.isEmpty else { return "" }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(a)).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    static func decode(_ text: String?, what: String) throws -> ReportAttributes {
        guard let text, !text.isEmpty else { return ReportAttributes() }
        do {
            return try JSONDecoder().decode(ReportAttributes.self, from: Data(text.utf8))
        } catch {
            throw GridStoreError.corrupt("\(what) is not valid: \(error)")
        }
    }
}

extension IncidentImage {
    /// From an `incident_image` row.
    init(row: Row) throws {
        let kind: String = try row.decode(forColumn: "kind")
        guard let k = Kind(rawValue: kind) else { throw GridStoreError.corrupt("incident picture of unknown kind \(kind)") }
        self.init(
            incidentID: try row.decode(forColumn: "incident_id"), kind: k, width: try row.decode(forColumn: "width"),
            height: try row.decode(forColumn: "height"), jpeg: try row.decode(forColumn: "jpeg"))
    }
}

extension ReportPhoto {
    /// From a `report_photo` row.
    init(row: Row) throws {
        self.init(
            reportID: try row.decode(forColumn: "report_id"), width: try row.decode(forColumn: "width"),
            height: try row.decode(forColumn: "height"), jpeg: try row.decode(forColumn: "jpeg"), addedAt: try row.decode(forColumn: "added_at"))
    }
}
