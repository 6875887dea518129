public import Foundation

/// A tile server for the console's map, for deployments that have one (an intranet OSM server, a
/// city's GIS): a URL template with `{z}`, `{x}` and `{y}` (web-mercator "slippy" tiles, 256 px)
/// and the attribution its licence asks for. Without one the map is the grid's schematic alone.
public struct MapTiles: Sendable, Hashable {
    public let template: String
    public let attribution: String
    /// `scheme://host[:port]`: what the console pages' Content-Security-Policy lets images come from.
    public let origin: String

    /// - Throws: ``MapTilesError`` naming what is wrong with `template`.
    public init(template: String, attribution: String) throws {
        for part in ["{z}", "{x}", "{y}"] where !template.contains(part) {
            throw MapTilesError("the map tile URL \(template) has no \(part) (a template like https://tiles.example/{z}/{x}/{y}.png)")
        }
        let probe = template.replacingOccurrences(of: "{z}", with: "0").replacingOccurrences(of: "{x}", with: "0")
            .replacingOccurrences(of: "{y}", with: "0")
        guard let url = URL(string: probe), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = url.host, !host.isEmpty
        else { throw MapTilesError("the map tile URL \(template) is not an http(s) URL") }
        // Characters that would let the template break out of the CSP header or the page.
        guard !template.contains(where: { $0 == ";" || $0 == "\"" || $0 == "'" || $0 == " " || $0.isNewline }) else {
            throw MapTilesError("the map tile URL \(template) has a space, quote, semicolon or line break in it")
        }
        guard attribution.count <= 200, !attribution.contains(where: \.isNewline) else {
            throw MapTilesError("the map attribution must be one line of at most 200 characters")
        }
        self.template = template
        self.attribution = attribution
        origin = "\(scheme)://\(host)" + (url.port.map { ":\($0)" } ?? "")
    }
}

public struct MapTilesError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
