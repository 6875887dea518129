public import Foundation
public import GridStore
public import Ingest
public import Logging
public import Matching
public import Detection
import Description
public import Extraction
public import Behaviour
import Tracking

/// Settings of one camera pipeline, stage by stage.
public struct PipelineConfiguration: Sendable {
    public var ingest = IngestConfiguration()
    public var extractor = ExtractorConfiguration()
    /// Which detector, and where its runtime and model are (the library's default needs no files;
    /// the command line defaults to the learned detector).
    public var detector = DetectorSetup.motion
    public var match = MatchConfiguration()
    /// Live tracks are scored against open reports this often (seconds of video).
    public var matchInterval: Double = 1.0
    /// One sighting, one incident: a report already raised within this many seconds is not raised
    /// again for another track (a person whose track broke in two), unless the new match is clearly
    /// better (``LeadRule``: a wrong person seen first must not block the right one).
    public var sightingWindow: Double = 120
    /// The camera's base rates of clothing colours (what makes a look common or rare here) are
    /// learned from its tracks stored in the last this many seconds, then from every track it ends.
    public var baseRateHistory: Double = 7 * 86_400
    /// Open reports are re-read this often (wall-clock seconds), so a report filed while a
    /// camera runs is matched from then on.
    public var reportRefreshInterval: Double = 10
    /// Context kept around the person in a snapshot, as a fraction of the box size.
    public var snapshotMargin: Float = 0.35
    /// An incident's strip: the person in up to this many views from `stripSeconds` of video
    /// around the moment it was raised (the half before from a ring of recent frames, the half
    /// after as it comes; 0 makes none).
    public var stripViews: Int = 6
    public var stripSeconds: Double = 4
    /// Height of each view in the strip (pixels).
    public var stripHeight: Int = 200
    /// Only people whose feet are inside this box, in fractions (0…1) of the frame, are analysed;
    /// `nil` for the whole frame.
    public var regionOfInterest: Box?
    /// The behaviour rules (danger zones, a child alone, a person down, wandering): alerts raised
    /// as incidents without a report.
    public var behaviour = BehaviourConfiguration()
    /// An alert waits at most this long (video seconds) for its track to have a descriptor worth
    /// storing (a few network detections); a track that ends sooner raises it with what it has.
    public var alertWait: Double = 3

    public init() {}

    /// A camera's base rates (``LookFrequencies``) learned from its stored tracks, in this
    /// configuration's colour terms.
    func looks(learnedFrom stored: [StoredTrack]) -> LookFrequencies {
        LookFrequencies(tracks: stored.map(\.descriptor), saturation: match.colourSaturation)
    }

    /// The earlier sighting (of one report) that a sighting at `at` with `confidence` repeats, if
    /// any: the best one within the window, unless this one is clearly better than it (``LeadRule``).
    public func repeatedSighting(_ at: Date, confidence: Double, among earlier: [Sighting]) -> Sighting? {
        let near = earlier.filter { abs($0.at.timeIntervalSince(at)) < sightingWindow }
        guard let best = LeadRule.blocking(confidence, earlier: near.map(\.confidence)) else { return nil }
        return near.first { $0.confidence == best }
    }
}

/// A lead already raised for a report: when, and how confident.
public struct Sighting: Sendable, Hashable {
    public var at: Date
    public var confidence: Double

    public init(at: Date, confidence: Double) {
        self.at = at
        self.confidence = confidence
    }
}

/// Progress of a running pipeline, for progress bars and health.
public struct PipelineProgress: Sendable {
    public var frames: Int
    public var estimatedFrames: Int?
    public var videoSeconds: Double
    public var wallSeconds: Double
    public var activeTracks: Int
    public var incidents: Int
}

/// What a finished run did.
public struct WatchSummary: Sendable {
    public var source: String
    public var stream: StreamInfo
    public var frames: Int
    public var videoSeconds: Double
    public var wallSeconds: Double
    public var tracksStored: Int
    public var incidents: [Incident]
    public var corruptPackets: Int
    /// True when the run was asked to stop before the end of the source.
    public var interrupted: Bool
    public var timings: StageTimings
    /// Nanoseconds spent decoding and scaling.
    public var decodeNanoseconds: Int64
    public var framesPerSecond: Double { wallSeconds > 0 ? Double(frames) / wallSeconds : 0 }
}

/// One camera's pipeline: Ingest → Vision → Matching → GridStore, with snapshots.
///
/// Not `Sendable`: it owns the decoder and the extractor; one task runs it.
public final class CameraPipeline {
    public let camera: Camera
    public let configuration: PipelineConfiguration
    private let store: any GridStore
    private let colourTable: [UInt8]
    private let dataDirectory: String
    private let logger: Logger
    private let matcher: Matcher
    private let encoder = JPEGEncoder()
    /// Full frames and strips at their own size (no enlarging).
    private let frameEncoder = JPEGEncoder(quality: 4, minimumHeight: 0)
    /// The camera's lease when hosts share cameras: every write carries it, and the database
    /// refuses it (``GridStoreError/Code/leaseLost``) once another host has taken the camera.
    public var fence: LeaseFence?

    // Per-run state.
    private var reports: [MissingPersonReport] = []
    private var raised: Set<TrackReportKey> = []
    private var sightings: [Int64: [Sighting]] = [:]
    private var lastMatched: [Int: Double] = [:]
    private var crops: [Int: Crop] = [:]
    /// The frame of each live track's best view and its box there (frames share storage: tracks
    /// improved in one frame hold one copy).
    private var bestFrames: [Int: (frame: VideoFrame, box: Box)] = [:]
    /// Frames of the last `stripSeconds` (one per `stripSeconds / stripViews`) with the boxes of
    /// the people in them, for incidents' strips.
    private var recent: [(time: Double, frame: VideoFrame, boxes: [Int: Box])] = []
    /// Strips being gathered, by track: its incidents, its views so far, until when (video time).
    private var pendingStrips: [Int: (incidents: [Int64], views: [Crop], until: Double)] = [:]
    private var storedIDs: [Int: Int64] = [:]
    /// Behaviour alerts waiting for their track's descriptor, with the view at the alert.
    private var pendingAlerts: [(alert: BehaviourAlert, frame: VideoFrame)] = []
    private var incidents: [Incident] = []
    private var tracksStored = 0
    /// How common each look is at this camera (``LookFrequencies``); `nil` until first loaded.
    private var looks: LookFrequencies?

    private struct TrackReportKey: Hashable {
        var track: Int
        var report: Int64
    }

    /// `dataDirectory` is the folder of the grid database: snapshots go to `snapshots/` inside it
    /// and incidents refer to them by a path relative to it.
    public init(
        camera: Camera, store: any GridStore, colourTable: [UInt8], dataDirectory: String,
        configuration: PipelineConfiguration = PipelineConfiguration(), logger: Logger
    ) {
        self.camera = camera
        self.store = store
        self.colourTable = colourTable
        self.dataDirectory = dataDirectory
        self.configuration = configuration
        self.logger = logger
        matcher = Matcher(configuration: configuration.match)
    }

    /// Analyses a clip or stream from start to end. Frame times are `startTime` + presentation
    /// time. `runID` keeps this run's track numbers apart from other runs of the same camera.
    /// `shouldStop` is checked every frame: when it turns true the run ends as at the end of the
    /// source — live tracks are finished, matched and stored — so nothing seen is lost.
    public func watch(
        source: String, startTime: Date, runID: String,
        shouldStop: @Sendable () -> Bool = { false },
        progress: ((PipelineProgress) -> Void)? = nil
    ) async throws -> WatchSummary {
        // Off the cooperative pool: see ``AnalysisThreads``.
        try await AnalysisThreads.run {
            try await watchOnThisThread(source: source, startTime: startTime, runID: runID, shouldStop: shouldStop, progress: progress)
        }
    }

    private func watchOnThisThread(
        source: String, startTime: Date, runID: String, shouldStop: @Sendable () -> Bool, progress: ((PipelineProgress) -> Void)?
    ) async throws -> WatchSummary {
        let video = try VideoSource(source, configuration: configuration.ingest)
        var frame = video.makeFrame()
        logger.info("watching", metadata: [
            "camera": "\(camera.id)", "source": "\(video.source)", "codec": "\(video.info.codec)",
            "size": "\(video.info.sourceWidth)x\(video.info.sourceHeight)",
            "working": "\(video.info.workingWidth)x\(video.info.workingHeight)",
        ])
        reset()
        try await begin(width: video.info.workingWidth, height: video.info.workingHeight, startTime: startTime, runID: runID)
        let clock = ContinuousClock()
        let started = clock.now
        var lastProgress = started
        var decodeNanos: Int64 = 0
        var lastTime = 0.0
        var frames = 0
        var interrupted = false
        while true {
            if shouldStop() {
                interrupted = true
                logger.notice("stopping on request; finishing live tracks", metadata: ["camera": "\(camera.id)"])
                break
            }
            let d0 = clock.now
            guard try video.read(into: &frame) else { break }
            decodeNanos += nanoseconds(clock.now - d0)
            guard frame.width == session?.extractor.width, frame.height == session?.extractor.height else {
                // A file that changes frame size mid-way: live cameras start a new session instead.
                logger.warning("frame size changed; stopping this run", metadata: ["camera": "\(camera.id)"])
                break
            }
            frames += 1
            lastTime = frame.pts
            let analysis = try await analyse(frame, time: frame.pts)
            let now = clock.now
            if let progress, now - lastProgress >= .milliseconds(200) {
                lastProgress = now
                progress(PipelineProgress(
                    frames: frames, estimatedFrames: video.info.estimatedFrames, videoSeconds: frame.pts,
                    wallSeconds: seconds(now - started), activeTracks: analysis.tracks.count, incidents: incidents.count))
            }
        }
        let timings = session?.extractor.timings ?? StageTimings()
        try await end()
        let wall = seconds(clock.now - started)
        progress?(PipelineProgress(
            frames: frames, estimatedFrames: video.info.estimatedFrames, videoSeconds: lastTime, wallSeconds: wall,
            activeTracks: 0, incidents: incidents.count))
        if video.corruptPackets > 0 {
            logger.warning("skipped corrupt packets", metadata: ["camera": "\(camera.id)", "count": "\(video.corruptPackets)"])
        }
        return WatchSummary(
            source: video.source, stream: video.info, frames: frames, videoSeconds: lastTime, wallSeconds: wall,
            tracksStored: tracksStored, incidents: incidents, corruptPackets: video.corruptPackets,
            interrupted: interrupted, timings: timings, decodeNanoseconds: decodeNanos)
    }

    // MARK: Sessions (one background model and tracker over frames of one size)

    private struct Session {
        var extractor: PersonExtractor
        var monitor: BehaviourMonitor
        var startTime: Date
        var runID: String
        var lastRefresh: ContinuousClock.Instant
    }

    private var session: Session?

    /// Starts analysing frames of `width`×`height` whose times count from `startTime`. `runID`
    /// must differ between sessions of this camera (track numbers restart with each session).
    /// Ends any session still open first.
    public func begin(width: Int, height: Int, startTime: Date, runID: String) async throws {
        if session != nil { try await end() }
        var extractorConfiguration = configuration.extractor
        if let roi = configuration.regionOfInterest {
            extractorConfiguration.regionOfInterest = Box(
                x: roi.x * Float(width), y: roi.y * Float(height), width: roi.width * Float(width), height: roi.height * Float(height))
        }
        let extractor = try configuration.detector.makeExtractor(
            width: width, height: height, colourTable: colourTable, configuration: extractorConfiguration)
        lastMatched = [:]
        crops = [:]
        bestFrames = [:]
        recent = []
        pendingStrips = [:]
        storedIDs = [:]
        pendingAlerts = []
        raised = []
        if looks == nil { looks = try await learnedLooks() }
        try await refreshReports()
        session = Session(
            extractor: extractor, monitor: BehaviourMonitor(width: width, height: height, configuration: configuration.behaviour),
            startTime: startTime, runID: runID, lastRefresh: ContinuousClock.now)
    }

    /// Analyses one frame taken `time` seconds after the session's start time: tracks people,
    /// matches them against open reports, raises incidents, stores finished tracks.
    @discardableResult
    public func analyse(_ frame: VideoFrame, time: Double) async throws -> FrameAnalysis {
        guard let s = session else { throw KinfinderError.invalidArgument("analyse called without a session") }
        let analysis = try s.extractor.process(y: frame.y, u: frame.u, v: frame.v, time: time)
        for view in analysis.improvedViews {
            crops[view.id] = Crop(frame: frame, box: view.box, margin: configuration.snapshotMargin)
            bestFrames[view.id] = (frame, view.box)
        }
        if keepRecent(frame, time: time, tracks: analysis.tracks), let boxes = recent.last?.boxes {
            for track in Array(pendingStrips.keys) {
                guard let box = boxes[track] else { continue }
                pendingStrips[track]?.views.append(Crop(frame: frame, box: box, margin: configuration.snapshotMargin))
            }
        }
        for (track, pending) in pendingStrips where time >= pending.until { await finishStrip(track) }
        // The wall clock's minute matters only to zones watched on a schedule.
        let minute = configuration.behaviour.zones.contains { !$0.schedule.isEmpty }
            ? Self.localMinute(s.startTime.addingTimeInterval(time)) : nil
        if let alerts = session?.monitor.observe(time: time, tracks: analysis.tracks, minuteOfDay: minute, heights: s.extractor.heightModel) {
            pendingAlerts += alerts.map { ($0, frame) }
        }
        try await raiseAlerts(time: time, extractor: s.extractor, startTime: s.startTime, runID: s.runID)
        for d in analysis.ended {
            try await trackEnded(d, startTime: s.startTime, runID: s.runID)
        }
        for person in analysis.tracks {
            let last = lastMatched[person.id] ?? -Double.infinity
            guard time - last >= configuration.matchInterval, let d = s.extractor.descriptor(ofTrack: person.id) else { continue }
            lastMatched[person.id] = time
            try await match(d, startTime: s.startTime, runID: s.runID)
        }
        let now = ContinuousClock.now
        if now - s.lastRefresh >= .seconds(configuration.reportRefreshInterval) {
            try await refreshReports()
            session?.lastRefresh = now
        }
        return analysis
    }

    /// Ends the session: every live track is finished, matched and stored, so nothing seen is lost.
    public func end() async throws {
        guard let s = session else { return }
        session = nil
        for d in s.extractor.finishAll() {
            try await trackEnded(d, startTime: s.startTime, runID: s.runID)
        }
        pendingAlerts.forEach { unraised($0.alert) }
        pendingAlerts = []
    }

    private func reset() {
        sightings = [:]
        incidents = []
        tracksStored = 0
    }

    private func refreshReports() async throws {
        reports = try await store.reports(status: .open)
        // Sightings already in the database (other runs, other processes) count for the window.
        for r in reports {
            guard let id = r.id, sightings[id] == nil else { continue }
            let existing = try await store.incidents(IncidentFilter(reportID: id, cameraID: camera.id))
            sightings[id] = existing.map { Sighting(at: $0.seenAt, confidence: $0.score) }
        }
    }

    /// The camera's base rates from its tracks of the last ``PipelineConfiguration/baseRateHistory``.
    private func learnedLooks() async throws -> LookFrequencies {
        let since = Date().addingTimeInterval(-configuration.baseRateHistory)
        return configuration.looks(learnedFrom: try await store.tracks(since: since, cameraID: camera.id))
    }

    private func trackEnded(_ d: TrackDescriptor, startTime: Date, runID: String) async throws {
        try await match(d, startTime: startTime, runID: runID)
        for p in pendingAlerts where p.alert.trackID == d.trackID {
            try await raise(p.alert, seen: p.frame, descriptor: d, startTime: startTime, runID: runID)
        }
        pendingAlerts.removeAll { $0.alert.trackID == d.trackID }
        looks?.add(d)
        let rowID = try await save(d, startTime: startTime, runID: runID)
        // The best view of every track, so a report filed later (retro search) has a picture.
        if let jpeg = encodeCrop(trackID: d.trackID) {
            _ = writeSnapshot(jpeg, relativePath: Self.trackSnapshotPath(camera: camera.id, trackRowID: rowID))
        }
        await finishStrip(d.trackID)
        crops[d.trackID] = nil
        bestFrames[d.trackID] = nil
        lastMatched[d.trackID] = nil
    }

    private func save(_ d: TrackDescriptor, startTime: Date, runID: String) async throws -> Int64 {
        let stored = try await store.saveTrack(
            StoredTrack(
                id: storedIDs[d.trackID], cameraID: camera.id, runID: runID,
                firstSeenAt: startTime.addingTimeInterval(d.firstSeen), lastSeenAt: startTime.addingTimeInterval(d.lastSeen),
                descriptor: d),
            fence: fence)
        if storedIDs[d.trackID] == nil { tracksStored += 1 }
        guard let id = stored.id else { throw KinfinderError.snapshotFailed("the store returned a track without id") }
        storedIDs[d.trackID] = id
        return id
    }

    private func match(_ d: TrackDescriptor, startTime: Date, runID: String) async throws {
        let seenAt = startTime.addingTimeInterval(d.bestTime)
        for report in reports {
            guard let reportID = report.id else { continue }
            let key = TrackReportKey(track: d.trackID, report: reportID)
            guard !raised.contains(key),
                let score = matcher.score(report, d, seenAt: startTime.addingTimeInterval(d.lastSeen), looks: looks),
                score.total >= configuration.match.threshold
            else { continue }
            raised.insert(key)
            if let previous = configuration.repeatedSighting(seenAt, confidence: score.total, among: sightings[reportID] ?? []) {
                logger.info("same sighting already raised", metadata: [
                    "report": "\(reportID)", "track": "\(d.trackID)", "previous": "\(previous.at)",
                    "confidence": "\(String(format: "%.2f", score.total)) against \(String(format: "%.2f", previous.confidence))",
                ])
                continue
            }
            let trackRowID = try await save(d, startTime: startTime, runID: runID)
            // Encoded once: the file the CLI names, and the database's copy every host serves.
            let crop = encodeCrop(trackID: d.trackID)
            let snapshot = crop.flatMap {
                writeSnapshot($0, relativePath: "snapshots/\(Self.safe(camera.id))/report\(reportID)-track\(trackRowID).jpg")
            }
            let incident = Incident(
                reportID: reportID, trackID: trackRowID, cameraID: camera.id, cellID: camera.cellID, seenAt: seenAt,
                score: score.total, snapshotPath: snapshot, explanation: score.explanation)
            // The database applies the sighting window across cameras and hosts too.
            if let stored = try await store.raiseIncident(incident, sightingWindow: configuration.sightingWindow, fence: fence) {
                incidents.append(stored)
                if let id = stored.id {
                    await savePictures(incident: id, trackID: d.trackID, crop: crop)
                    startStrip(incident: id, trackID: d.trackID, at: d.lastSeen)
                }
                sightings[reportID, default: []].append(Sighting(at: seenAt, confidence: stored.score))
                logger.notice("incident raised", metadata: [
                    "incident": "\(stored.id ?? -1)", "report": "\(reportID)", "name": "\(report.name)",
                    "camera": "\(camera.id)", "score": "\(String(format: "%.2f", score.total))",
                    "why": "\(score.explanation)",
                ])
            }
        }
    }

    // MARK: Behaviour alerts

    /// Raises the alerts whose track now has a descriptor worth storing; drops those that waited
    /// longer than ``PipelineConfiguration/alertWait`` for a track the tracker no longer follows.
    private func raiseAlerts(time: Double, extractor: PersonExtractor, startTime: Date, runID: String) async throws {
        guard !pendingAlerts.isEmpty else { return }
        var waiting: [(alert: BehaviourAlert, frame: VideoFrame)] = []
        for p in pendingAlerts {
            if let d = extractor.descriptor(ofTrack: p.alert.trackID) {
                try await raise(p.alert, seen: p.frame, descriptor: d, startTime: startTime, runID: runID)
            } else if time - p.alert.time < configuration.alertWait || extractor.isTracking(p.alert.trackID) {
                waiting.append(p)
            } else {
                unraised(p.alert)
            }
        }
        pendingAlerts = waiting
    }

    /// Logs an alert dropped because its track ended with too few detections to store.
    private func unraised(_ alert: BehaviourAlert) {
        logger.warning("behaviour alert not raised: the track ended before it was seen well enough to store", metadata: [
            "camera": "\(camera.id)", "kind": "\(alert.kind.rawValue)", "track": "\(alert.trackID)", "why": "\(alert.explanation)",
        ])
    }

    /// Stores the track and raises the alert as an incident of its kind, with the view at the
    /// moment it fired (crop, whole frame) and a strip of the seconds around.
    private func raise(_ alert: BehaviourAlert, seen frame: VideoFrame, descriptor d: TrackDescriptor, startTime: Date, runID: String) async throws {
        let trackRowID = try await save(d, startTime: startTime, runID: runID)
        let crop = encode(Crop(frame: frame, box: alert.box, margin: configuration.snapshotMargin), trackID: d.trackID)
        let kind = Self.incidentKind(alert.kind)
        let snapshot = crop.flatMap {
            writeSnapshot($0, relativePath: "snapshots/\(Self.safe(camera.id))/\(kind.rawValue)-track\(trackRowID).jpg")
        }
        let incident = Incident(
            kind: kind, reportID: nil, trackID: trackRowID, cameraID: camera.id, cellID: camera.cellID,
            seenAt: startTime.addingTimeInterval(alert.time), score: 1, snapshotPath: snapshot, explanation: alert.explanation)
        guard let stored = try await store.raiseIncident(incident, sightingWindow: 0, fence: fence), let id = stored.id else { return }
        incidents.append(stored)
        // The whole frame shows the zone the person entered, so a worker sees where it is.
        let zone = configuration.behaviour.zones.first { $0.name == alert.zone }?.polygon
        await savePictures(incident: id, trackID: d.trackID, crop: crop, whole: (frame, alert.box), zone: zone)
        startStrip(incident: id, trackID: d.trackID, at: alert.time)
        logger.notice("behaviour alert raised", metadata: [
            "incident": "\(id)", "kind": "\(kind.rawValue)", "camera": "\(camera.id)", "track": "\(d.trackID)", "why": "\(alert.explanation)",
        ])
    }

    static func incidentKind(_ kind: AlertKind) -> IncidentKind {
        switch kind {
        case .dangerZone: .dangerZone
        case .childAlone: .childAlone
        case .personDown: .personDown
        case .wandering: .wandering
        }
    }

    /// Minutes since local midnight (zones' schedules are in the camera's local time).
    static func localMinute(_ date: Date) -> Int {
        let c = Calendar.current.dateComponents([.hour, .minute], from: date)
        return (c.hour ?? 0) * 60 + (c.minute ?? 0)
    }

    /// Keeps `frame` in the ring for strips when a view is due (and someone is in it); whether it did.
    private func keepRecent(_ frame: VideoFrame, time: Double, tracks: [TrackedPerson]) -> Bool {
        guard configuration.stripViews > 0, !tracks.isEmpty else { return false }
        let spacing = configuration.stripSeconds / Double(configuration.stripViews)
        if let last = recent.last, time - last.time < spacing, time >= last.time { return false }
        recent.append((time, frame, Dictionary(tracks.map { ($0.id, $0.box) }, uniquingKeysWith: { a, _ in a })))
        let kept = max(1, configuration.stripViews / 2)
        if recent.count > kept { recent.removeFirst(recent.count - kept) }
        return true
    }

    /// Starts gathering the strip of incident `id` (the track's views in the ring so far).
    private func startStrip(incident id: Int64, trackID: Int, at time: Double) {
        guard configuration.stripViews > 0 else { return }
        if pendingStrips[trackID] != nil {
            pendingStrips[trackID]?.incidents.append(id)
            return
        }
        let before = recent.compactMap { r in r.boxes[trackID].map { Crop(frame: r.frame, box: $0, margin: configuration.snapshotMargin) } }
        pendingStrips[trackID] = ([id], before, time + configuration.stripSeconds / 2)
    }

    /// Stores the strip gathered for a track (when it has at least two views) with its incidents.
    private func finishStrip(_ trackID: Int) async {
        guard let pending = pendingStrips.removeValue(forKey: trackID), pending.views.count >= 2 else { return }
        // At most `stripViews`, spread evenly over what was gathered.
        let n = min(configuration.stripViews, pending.views.count)
        let picked = (0..<n).map { pending.views[$0 * (pending.views.count - 1) / max(1, n - 1)] }
        guard let strip = Crop.strip(picked, height: configuration.stripHeight) else { return }
        do {
            let bytes = Data(try frameEncoder.encode(width: strip.width, height: strip.height, y: strip.y, u: strip.u, v: strip.v))
            try await store.saveIncidentImages(pending.incidents.compactMap { Self.picture(bytes, of: $0, kind: .strip) })
        } catch {
            logger.error("incident strip not stored", metadata: ["incidents": "\(pending.incidents)", "error": "\(error)"])
        }
    }

    /// A picture for the database, its size read from the JPEG itself (what was encoded, enlarged or not).
    private static func picture(_ jpeg: Data, of incident: Int64, kind: IncidentImage.Kind) -> IncidentImage? {
        JPEGSize.read(jpeg).map { IncidentImage(incidentID: incident, kind: kind, width: $0.width, height: $0.height, jpeg: jpeg) }
    }

    /// Stores an incident's pictures in the database, where every host can serve them: the crop
    /// (as the snapshot file has it), the whole frame of the best view with the person boxed, and
    /// the strip (gathered over the next seconds: ``startStrip``). A failure is logged: the incident
    /// stands without them.
    private func savePictures(
        incident id: Int64, trackID: Int, crop: Data?, whole view: (frame: VideoFrame, box: Box)? = nil, zone: [SIMD2<Float>]? = nil
    ) async {
        var images = [crop.flatMap { Self.picture($0, of: id, kind: .crop) }]
        if let best = view ?? bestFrames[trackID] {
            var whole = Crop(wholeFrame: best.frame, box: best.box)
            if let zone { whole.draw(polygon: zone) }
            do {
                let bytes = try frameEncoder.encode(width: whole.width, height: whole.height, y: whole.y, u: whole.u, v: whole.v)
                images.append(Self.picture(Data(bytes), of: id, kind: .frame))
            } catch {
                logger.error("incident picture failed", metadata: ["incident": "\(id)", "kind": "frame", "error": "\(error)"])
            }
        }
        do {
            try await store.saveIncidentImages(images.compactMap { $0 })
        } catch {
            logger.error("incident pictures not stored", metadata: ["incident": "\(id)", "error": "\(error)"])
        }
    }

    /// Where the best view of a stored track is kept, relative to the data directory.
    public static func trackSnapshotPath(camera: String, trackRowID: Int64) -> String {
        "tracks/\(safe(camera))/track\(trackRowID).jpg"
    }

    /// The best view of a track as JPEG (enlarged for a phone), or `nil` when there is none or
    /// encoding failed (logged).
    private func encodeCrop(trackID: Int) -> Data? {
        crops[trackID].flatMap { encode($0, trackID: trackID) }
    }

    private func encode(_ crop: Crop, trackID: Int) -> Data? {
        do {
            return Data(try encoder.encode(width: crop.width, height: crop.height, y: crop.y, u: crop.u, v: crop.v))
        } catch {
            logger.error("snapshot failed", metadata: ["error": "\(error)", "track": "\(trackID)"])
            return nil
        }
    }

    /// Writes a track's best view (`jpeg`) at `relative` (to the data directory); returns the
    /// path, or `nil` when writing failed (logged).
    private func writeSnapshot(_ jpeg: Data, relativePath relative: String) -> String? {
        let url = URL(fileURLWithPath: dataDirectory).appendingPathComponent(relative)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try jpeg.write(to: url, options: .atomic)
        } catch {
            logger.error("snapshot failed", metadata: ["error": "\(error)", "path": "\(url.path)"])
            return nil
        }
        return relative
    }

    private static func safe(_ s: String) -> String {
        String(s.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" })
    }
}

/// Whole nanoseconds of a duration (stage timings).
func nanoseconds(_ d: Duration) -> Int64 {
    let c = d.components
    return c.seconds * 1_000_000_000 + c.attoseconds / 1_000_000_000
}

/// Seconds of a duration as a `Double` (wall times).
func seconds(_ d: Duration) -> Double {
    let c = d.components
    return Double(c.seconds) + Double(c.attoseconds) / 1e18
}
