public import Foundation
public import GridStore
import Ingest

/// Incident pictures that exist only as files on this host (a track's kept best view, for leads
/// raised by retro search or after a take-over) copied into the database, so every host sharing it
/// can show them.
public enum IncidentPictures {
    /// Stores the JPEG at `relativePath` (to `dataDirectory`) as `incident`'s crop. A missing or
    /// unreadable file stores nothing (the incident keeps its file path).
    public static func storeCrop(of incident: Incident, dataDirectory: String, store: any GridStore) async throws {
        guard let id = incident.id, let relative = incident.snapshotPath, !relative.contains(".."),
            let bytes = FileManager.default.contents(atPath: (dataDirectory as NSString).appendingPathComponent(relative)),
            let size = JPEGSize.read(bytes), bytes.count <= IncidentImageLimits.maximumBytes
        else { return }
        try await store.saveIncidentImages([IncidentImage(incidentID: id, kind: .crop, width: size.width, height: size.height, jpeg: bytes)])
    }
}
