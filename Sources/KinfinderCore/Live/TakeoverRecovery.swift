import Foundation
import GridStore
import Logging
import Matching
import Description

/// The retry half of "no incident lost when a host dies": run by the host that takes a camera over,
/// before it starts analysing.
///
/// A pipeline stores a matching person's track and then raises the incident, two writes; a host
/// that dies between them leaves a stored track with no incident. The new holder re-scores the
/// camera's tracks stored in the last ``lookBack`` seconds against the open reports and raises what
/// is missing, through the same idempotent insert (one per report × track, one per report and
/// sighting window), so running it twice, or after the old host did raise, adds nothing. A person
/// detected but not yet written when the host died exists nowhere durable; if they are still in
/// view, the new holder sees them within the take-over time.
struct TakeoverRecovery {
    let store: any GridStore
    let camera: Camera
    let configuration: PipelineConfiguration
    let dataDirectory: String
    let logger: Logger
    /// How far back the previous holder's tracks are re-scored, in seconds.
    var lookBack: Double = 600

    func run(fence: LeaseFence) async {
        do {
            let reports = try await store.reports(status: .open)
            guard !reports.isEmpty else { return }
            // One read: the camera's base rates (as its pipeline learns them) and the tracks to re-score.
            let now = Date()
            let history = try await store.tracks(
                since: now.addingTimeInterval(-max(lookBack, configuration.baseRateHistory)), cameraID: camera.id)
            let tracks = history.filter { $0.lastSeenAt >= now.addingTimeInterval(-lookBack) }
            let looks = configuration.looks(
                learnedFrom: history.filter { $0.lastSeenAt >= now.addingTimeInterval(-configuration.baseRateHistory) })
            let matcher = Matcher(configuration: configuration.match)
            var raised = 0
            for track in tracks {
                guard let trackID = track.id else { continue }
                let d = track.descriptor
                for report in reports {
                    guard let reportID = report.id, let score = matcher.score(report, d, seenAt: track.lastSeenAt, looks: looks),
                        score.total >= configuration.match.threshold
                    else { continue }
                    let seenAt = d.firstSeen.isFinite && d.bestTime.isFinite
                        ? track.firstSeenAt.addingTimeInterval(d.bestTime - d.firstSeen) : track.lastSeenAt
                    let view = CameraPipeline.trackSnapshotPath(camera: camera.id, trackRowID: trackID)
                    let hasView = FileManager.default.fileExists(atPath: (dataDirectory as NSString).appendingPathComponent(view))
                    let incident = Incident(
                        reportID: reportID, trackID: trackID, cameraID: camera.id, cellID: camera.cellID, seenAt: seenAt,
                        score: score.total, snapshotPath: hasView ? view : nil, explanation: score.explanation)
                    if let stored = try await store.raiseIncident(incident, sightingWindow: configuration.sightingWindow, fence: fence) {
                        raised += 1
                        try await IncidentPictures.storeCrop(of: stored, dataDirectory: dataDirectory, store: store)
                        logger.notice("incident recovered after take-over", metadata: [
                            "incident": "\(stored.id ?? -1)", "report": "\(reportID)", "track": "\(trackID)",
                        ])
                    }
                }
            }
            logger.info("take-over check done", metadata: ["tracks": "\(tracks.count)", "recovered": "\(raised)"])
        } catch {
            logger.error("take-over check failed", metadata: ["error": "\(error)"])
        }
    }
}
