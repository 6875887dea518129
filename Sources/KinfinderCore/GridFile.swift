import Foundation
public import GridStore
import Yams

/// A grid described in YAML, as a command centre writes it: cells nested by level, cameras in
/// cells. See `SampleClips/grid.yaml`.
///
/// ```yaml
/// cells:
///   - id: XH
///     name: 西湖景区
///     level: district
///     children:
///       - id: XH-S1
///         name: 北山街
///         level: street
///         children: [...]
/// cameras:
///   - id: cam-gate
///     name: 南门入口
///     cell: XH-S1-C1-M1
///     lat: 30.2590        # optional map position (WGS 84), for walking distances
///     lon: 120.1530
/// ```
///
/// Cells and cameras may carry `lat`/`lon` (both or neither); a camera without them is placed at
/// its cell's position.
public struct GridFile: Sendable {
    public var cells: [GridCell]
    public var cameras: [Camera]
    /// Duty posts and volunteer stations (`posts:`, each with id, name, cell, kind, optional lat/lon and phone).
    public var posts: [DutyPost]

    public init(cells: [GridCell], cameras: [Camera], posts: [DutyPost] = []) {
        self.cells = cells
        self.cameras = cameras
        self.posts = posts
    }

    private struct CellEntry: Decodable {
        var id: String
        var name: String
        var level: String
        var parent: String?
        var lat: Double?
        var lon: Double?
        var children: [CellEntry]?
    }

    private struct CameraEntry: Decodable {
        var id: String
        var name: String?
        var cell: String
        var url: String?
        var lat: Double?
        var lon: Double?
    }

    private struct PostEntry: Decodable {
        var id: String
        var name: String?
        var cell: String
        var kind: String?
        var lat: Double?
        var lon: Double?
        var phone: String?
    }

    private struct Document: Decodable {
        var cells: [CellEntry]?
        var cameras: [CameraEntry]?
        var posts: [PostEntry]?
    }

    public static func load(path: String) throws -> GridFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw KinfinderError.gridFileInvalid(file: path, reason: "cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw KinfinderError.gridFileInvalid(file: path, reason: "not UTF-8 text")
        }
        return try parse(text, file: path)
    }

    public static func parse(_ text: String, file: String = "<grid>") throws -> GridFile {
        let doc: Document
        do {
            doc = try YAMLDecoder().decode(Document.self, from: text)
        } catch {
            throw KinfinderError.gridFileInvalid(file: file, reason: "\(error)")
        }
        var cells: [GridCell] = []
        var seen = Set<String>()
        func walk(_ e: CellEntry, parent: String?) throws {
            let levelText = e.level.lowercased().replacingOccurrences(of: "_", with: "-")
            let level: GridLevel
            switch levelText {
            case "district", "区", "县": level = .district
            case "street", "街道", "镇": level = .street
            case "community", "社区", "村": level = .community
            case "micro-grid", "microgrid", "grid", "网格", "微网格": level = .microGrid
            default:
                throw KinfinderError.gridFileInvalid(
                    file: file, reason: "cell '\(e.id)': unknown level '\(e.level)' (use district, street, community or micro-grid)")
            }
            guard seen.insert(e.id).inserted else {
                throw KinfinderError.gridFileInvalid(file: file, reason: "cell id '\(e.id)' appears twice")
            }
            let location = try position(e.lat, e.lon, of: "cell '\(e.id)'", file: file)
            cells.append(GridCell(id: e.id, name: e.name, level: level, parentID: e.parent ?? parent, location: location))
            for c in e.children ?? [] { try walk(c, parent: e.id) }
        }
        for e in doc.cells ?? [] { try walk(e, parent: nil) }
        let cameras = try (doc.cameras ?? []).map {
            Camera(
                id: $0.id, name: $0.name ?? $0.id, cellID: $0.cell, url: $0.url,
                location: try position($0.lat, $0.lon, of: "camera '\($0.id)'", file: file))
        }
        let posts = try (doc.posts ?? []).map { p -> DutyPost in
            let kindText = p.kind ?? "duty-post"
            guard let kind = DutyPost.Kind(rawValue: kindText) else {
                throw KinfinderError.gridFileInvalid(
                    file: file, reason: "post '\(p.id)': unknown kind '\(kindText)' (use duty-post or volunteer-station)")
            }
            let phone = p.phone?.trimmingCharacters(in: .whitespaces)
            if let phone, phone.isEmpty || phone.count > 40 || !phone.allSatisfy({ $0.isNumber || " +-()#".contains($0) }) {
                throw KinfinderError.gridFileInvalid(
                    file: file, reason: "post '\(p.id)': phone '\(phone)' is not a phone number (digits, spaces, + - ( ) #)")
            }
            return DutyPost(
                id: p.id, name: p.name ?? p.id, cellID: p.cell, kind: kind,
                location: try position(p.lat, p.lon, of: "post '\(p.id)'", file: file), phone: phone)
        }
        if cells.isEmpty && cameras.isEmpty && posts.isEmpty {
            throw KinfinderError.gridFileInvalid(file: file, reason: "no cells, cameras or posts")
        }
        return GridFile(cells: cells, cameras: cameras, posts: posts)
    }

    /// A map position from optional `lat`/`lon`: both or neither, in range.
    static func position(_ lat: Double?, _ lon: Double?, of what: String, file: String) throws -> GeoPoint? {
        switch (lat, lon) {
        case (nil, nil):
            return nil
        case (let lat?, let lon?):
            guard let point = GeoPoint(latitude: lat, longitude: lon) else {
                throw KinfinderError.gridFileInvalid(
                    file: file, reason: "\(what): lat \(lat), lon \(lon) is not a place (lat −90…90, lon −180…180)")
            }
            return point
        default:
            throw KinfinderError.gridFileInvalid(file: file, reason: "\(what): give both lat and lon, or neither")
        }
    }
}
