public import Foundation
public import GridStore
public import Matching
import Vision

/// A stored track scored against a report.
public struct RetroHit: Sendable {
    public var track: StoredTrack
    public var cellID: String
    public var score: MatchScore
}

/// Searching the stored tracks for a report filed after the person was already seen: every track
/// last seen since the report's last-seen time (minus the matcher's margin) is scored, best first.
///
/// This version reads the tracks from the grid database row by row; the compact scannable
/// descriptor store and the walking-distance prior are the retro-search issue's next steps.
public enum RetroSearch {
    /// The `limit` best-scoring tracks for `report` (any score), best first.
    public static func search(
        _ report: MissingPersonReport, in store: any GridStore, since: Date? = nil, limit: Int = 10,
        matcher: Matcher = Matcher()
    ) async throws -> [RetroHit] {
        let from = since ?? report.lastSeenAt.map { $0.addingTimeInterval(-matcher.configuration.lastSeenMargin) }
        let cells = Dictionary(uniqueKeysWithValues: try await store.cameras().map { ($0.id, $0.cellID) })
        var hits: [RetroHit] = []
        for track in try await store.tracks(since: from, cameraID: nil) {
            guard let score = matcher.score(report, track.descriptor, seenAt: track.lastSeenAt) else { continue }
            hits.append(RetroHit(track: track, cellID: cells[track.cameraID] ?? "", score: score))
        }
        hits.sort { $0.score.total > $1.score.total || ($0.score.total == $1.score.total && $0.track.firstSeenAt < $1.track.firstSeenAt) }
        return Array(hits.prefix(max(0, limit)))
    }

    /// Hits at or above the incident threshold, in time order: where the person went.
    public static func trajectory(_ hits: [RetroHit], threshold: Double) -> [RetroHit] {
        hits.filter { $0.score.total >= threshold }.sorted { $0.track.firstSeenAt < $1.track.firstSeenAt }
    }

    /// Raises incidents for hits at or above the threshold, with the live rules: one per (report,
    /// track), and one per camera within `sightingWindow` seconds of an earlier one. Returns the
    /// incidents raised now. Retro incidents carry no snapshot (the frames are gone).
    public static func raise(
        _ hits: [RetroHit], for report: MissingPersonReport, in store: any GridStore, threshold: Double,
        sightingWindow: Double = 120
    ) async throws -> [Incident] {
        guard let reportID = report.id else { return [] }
        var sightings: [String: [Date]] = [:]
        for i in try await store.incidents(IncidentFilter(reportID: reportID)) { sightings[i.cameraID, default: []].append(i.seenAt) }
        var raised: [Incident] = []
        for hit in trajectory(hits, threshold: threshold) {
            guard let trackID = hit.track.id else { continue }
            let seenAt = hit.track.firstSeenAt.addingTimeInterval(hit.track.descriptor.bestTime - hit.track.descriptor.firstSeen)
            if sightings[hit.track.cameraID, default: []].contains(where: { abs($0.timeIntervalSince(seenAt)) < sightingWindow }) { continue }
            let incident = Incident(
                reportID: reportID, trackID: trackID, cameraID: hit.track.cameraID, cellID: hit.cellID, seenAt: seenAt,
                score: hit.score.total, snapshotPath: nil, explanation: "retro search: " + hit.score.explanation)
            if let stored = try await store.raiseIncident(incident) {
                raised.append(stored)
                sightings[hit.track.cameraID, default: []].append(seenAt)
            }
        }
        return raised
    }
}
