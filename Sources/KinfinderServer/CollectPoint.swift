import GridStore

/// Where a family collects the person who was found: the duty post of the cell they were found in,
/// or of the nearest cell above it that has one.
enum CollectPoint {
    /// In the found cell first, then up the grid; in a cell, a duty post before a volunteer station,
    /// then the one nearest the cell's centre. Without any post, the found cell and `fallbackPhone`
    /// (the phone of the worker who closed the case).
    static func choose(foundCell: String, cells: [GridCell], posts: [DutyPost], fallbackPhone: String?) -> CollectView {
        let byID = Dictionary(uniqueKeysWithValues: cells.map { ($0.id, $0) })
        let centre = byID[foundCell]?.location
        var cell: String? = foundCell
        while let id = cell {
            let here = posts.filter { $0.cellID == id }
            if let post = here.min(by: { rank($0, centre) < rank($1, centre) }) {
                return CollectView(
                    postID: post.id, name: post.name, kind: post.kind.rawValue, cellID: post.cellID, phone: post.phone ?? fallbackPhone,
                    latitude: post.location?.latitude, longitude: post.location?.longitude)
            }
            cell = byID[id]?.parentID
        }
        return CollectView(
            postID: nil, name: nil, kind: nil, cellID: foundCell, phone: fallbackPhone, latitude: centre?.latitude,
            longitude: centre?.longitude)
    }

    private static func rank(_ p: DutyPost, _ centre: GeoPoint?) -> (Int, Double, String) {
        let distance: Double
        if let a = p.location, let b = centre {
            distance = (a.latitude - b.latitude) * (a.latitude - b.latitude) + (a.longitude - b.longitude) * (a.longitude - b.longitude)
        } else {
            distance = .infinity
        }
        return (p.kind == .dutyPost ? 0 : 1, distance, p.id)
    }
}
