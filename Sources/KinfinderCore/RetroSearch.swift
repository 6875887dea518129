public import DescriptorIndex
public import Foundation
public import GridStore
public import Matching
import Description

/// Map positions of cells and cameras, with fallbacks: a camera without a position stands at its
/// cell's; a cell without one at the mean of its placed cameras, else at its parent's.
public struct Places: Sendable {
    public let cells: [String: GridCell]
    public let cameras: [String: Camera]

    public init(cells: [GridCell], cameras: [Camera]) {
        self.cells = Dictionary(cells.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        self.cameras = Dictionary(cameras.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    }

    public static func load(_ store: any GridStore) async throws -> Places {
        Places(cells: try await store.cells(), cameras: try await store.cameras())
    }

    public func location(ofCell id: String) -> GeoPoint? {
        var current: String? = id
        var hops = 0
        while let cid = current, let cell = cells[cid], hops < 8 {
            if let p = cell.location { return p }
            let placed = cameras.values.filter { $0.cellID == cid }.compactMap(\.location)
            if !placed.isEmpty {
                return GeoPoint(
                    latitude: placed.map(\.latitude).reduce(0, +) / Double(placed.count),
                    longitude: placed.map(\.longitude).reduce(0, +) / Double(placed.count))
            }
            current = cell.parentID
            hops += 1
        }
        return nil
    }

    public func location(ofCamera id: String) -> GeoPoint? {
        guard let camera = cameras[id] else { return nil }
        return camera.location ?? location(ofCell: camera.cellID)
    }

    /// Straight-line metres between two cameras, or `nil` when either has no position.
    public func distance(fromCamera a: String, toCamera b: String) -> Double? {
        guard let p = location(ofCamera: a), let q = location(ofCamera: b) else { return nil }
        return p.distance(to: q)
    }
}

/// A stored track scored against a report: the match from the database row, the walking prior,
/// and where its picture is.
public struct RetroHit: Sendable {
    public var track: StoredTrack
    public var cellID: String
    public var score: MatchScore
    /// Could the person have walked there in the time (``Reachability``): 0…1, 1 when unknown.
    public var prior: Double
    /// Straight-line metres from the last-seen place, when both are on the map.
    public var distance: Double?
    /// The track's best view, relative to the data directory, when it was kept.
    public var snapshotPath: String?
    /// Behaviour alerts already raised on this track (a child seen alone, a zone entered): the
    /// person may have been noticed before the family filed.
    public var alerts: [Incident] = []

    /// What ranks the hits and decides incidents: match × prior.
    public var total: Double { score.total * prior }
    /// "also child-alone alert #12; " for the explanation, or "".
    public var alertNote: String {
        alerts.map { "also \($0.kind.rawValue) alert #\($0.id ?? 0); " }.joined()
    }
    /// When the person was best seen.
    public var seenAt: Date { track.firstSeenAt.addingTimeInterval(track.descriptor.bestTime - track.descriptor.firstSeen) }
}

/// A track on another camera that looks like a hit and could be the same person by the timing.
public struct TrackLink: Sendable {
    public var from: RetroHit
    public var track: StoredTrack
    public var cellID: String
    /// Descriptor agreement (colour histogram intersection, height) 0…1, and the walking prior.
    public var similarity: Double
    public var prior: Double
    public var score: Double { similarity * prior }
}

/// What a retro search found.
public struct RetroSearchResult: Sendable {
    /// The best hits, best first.
    public var hits: [RetroHit]
    /// The chain of hits at or above the incident threshold that one person could have walked, in
    /// time order: where they went.
    public var trajectory: [RetroHit]
    /// Where to look next: tracks on other cameras after the trajectory's last hit (or the best
    /// hit) that look like the same person.
    public var next: [TrackLink]
    /// Records scanned, their bytes, records appended to the index first, and the time taken.
    public var scanned: Int
    public var scannedBytes: Int
    public var indexed: Int
    public var elapsed: Duration
}

/// Searching the stored tracks for a report filed after the person was already seen.
///
/// 1. The descriptor index catches up with the grid database (tracks saved since its watermark).
/// 2. A SIMD scan of the segments since the last-seen time (minus the matcher's margin) scores every
///    record — colour, height and the walking prior from the last-seen place — and keeps the best.
/// 3. Those candidates are rescored from their database rows (the source of truth): the
///    matcher's confidence — evidence against each camera's base rates of clothing colours over
///    the same period (``IndexSnapshot/looks(from:until:saturation:)``) — × prior, best first.
/// 4. The trajectory is the best-scoring chain of hits above the threshold in which each step is a
///    walk the age group can make in the time between (dynamic programming over the hits).
/// 5. Links: tracks on other cameras after the last step that look like the same person.
public struct RetroSearch: Sendable {
    public let store: any GridStore
    public let index: DescriptorIndex
    public var matcher: Matcher
    public var reachability: Reachability
    /// Where track snapshots live (`tracks/…` under it); `nil` to report none.
    public var dataDirectory: String?
    /// Two hits are steps of one walk when the prior between them is at least this.
    public var stepPrior = 0.5
    /// Links must agree at least this much (descriptor similarity × prior).
    public var linkThreshold = 0.6

    public init(
        store: any GridStore, index: DescriptorIndex, matcher: Matcher = Matcher(), reachability: Reachability = Reachability(),
        dataDirectory: String? = nil
    ) {
        self.store = store
        self.index = index
        self.matcher = matcher
        self.reachability = reachability
        self.dataDirectory = dataDirectory
    }

    /// The index in this host's data folder (`descriptors/` under it, where snapshots live too),
    /// caught up from `store` — beside the SQLite file, or one per host with PostgreSQL.
    public init(store: any GridStore, dataDirectory: String, matcher: Matcher = Matcher()) throws {
        let index: DescriptorIndex
        do {
            index = try DescriptorIndex(directory: DescriptorIndex.directory(inDataFolder: dataDirectory))
        } catch {
            throw KinfinderError.invalidArgument("descriptor index: \(error)")
        }
        self.init(store: store, index: index, matcher: matcher, dataDirectory: dataDirectory)
    }

    /// Searches for `report`; `since` overrides its last-seen time minus the margin.
    public func search(_ report: MissingPersonReport, since: Date? = nil, limit: Int = 10) async throws -> RetroSearchResult {
        let start = ContinuousClock.now
        let indexed = try await index.catchUp(from: store)
        let places = try await Places.load(store)
        let from = since ?? report.lastSeenAt.map { $0.addingTimeInterval(-matcher.configuration.lastSeenMargin) }
        let snapshot = try index.snapshot(since: from)
        let origin = report.lastSeenCell.flatMap { places.location(ofCell: $0) }
        let paths: [Double?] = snapshot.cameras.map { camera in
            guard let origin, let p = places.location(ofCamera: camera) else { return nil }
            return reachability.pathMetres(straightLine: origin.distance(to: p))
        }
        let query = ScanQuery(report: report, matcher: matcher, reachability: reachability, from: from, pathMetres: paths)
        // The scan ranks by plain agreement; the evidence (against each camera's base rates over the
        // same period) reorders, so the scan keeps a generous pool.
        let candidates = snapshot.scan(query, limit: max(limit * 10, 200))
        let looks = snapshot.looks(from: from, saturation: matcher.configuration.colourSaturation)

        // Rescore from the rows.
        let rows = try await store.tracks(ids: candidates.map(\.record.trackID))
        var hits: [RetroHit] = []
        for track in rows {
            if let from, track.lastSeenAt < from { continue }
            guard let score = matcher.score(report, track.descriptor, seenAt: track.lastSeenAt, looks: looks[track.cameraID])
            else { continue }
            hits.append(hit(track, score: score, report: report, origin: origin, places: places))
        }
        // Behaviour alerts on these tracks: a hit at or above the threshold that an alert already
        // noticed (a child seen alone at the lake) is the lead to follow first.
        let alerts = Dictionary(
            grouping: try await store.incidents(IncidentFilter(trackIDs: hits.compactMap(\.track.id))).filter { !$0.kind.hasReport },
            by: \.trackID)
        for i in hits.indices {
            hits[i].alerts = hits[i].track.id.flatMap { alerts[$0] }?.sorted { ($0.id ?? 0) < ($1.id ?? 0) } ?? []
        }
        let threshold = matcher.configuration.threshold
        // Best first (alerted hits above the threshold, then confidence × walking prior); ties by the
        // quantity of evidence, then the earlier sighting.
        hits.sort {
            let a = $0.total >= threshold && !$0.alerts.isEmpty, b = $1.total >= threshold && !$1.alerts.isEmpty
            if a != b { return a }
            return $0.total > $1.total || ($0.total == $1.total && ($0.score.strength > $1.score.strength
                || ($0.score.strength == $1.score.strength && $0.track.firstSeenAt < $1.track.firstSeenAt)))
        }
        hits = Array(hits.prefix(max(0, limit)))

        let trajectory = trajectory(hits, age: report.ageGroup, places: places)
        var next: [TrackLink] = []
        if let last = trajectory.last ?? hits.first {
            next = try await links(from: last, in: snapshot, age: report.ageGroup, places: places, after: true, limit: 5)
        }
        return RetroSearchResult(
            hits: hits, trajectory: trajectory, next: next, scanned: snapshot.recordCount, scannedBytes: snapshot.bytes,
            indexed: indexed, elapsed: ContinuousClock.now - start)
    }

    private func hit(_ track: StoredTrack, score: MatchScore, report: MissingPersonReport, origin: GeoPoint?, places: Places) -> RetroHit {
        let camera = places.location(ofCamera: track.cameraID)
        var prior = 1.0, distance: Double? = nil
        if let origin, let camera, let lost = report.lastSeenAt {
            let d = origin.distance(to: camera)
            distance = d
            let elapsed = Reachability.elapsed(
                from: lost.timeIntervalSince1970, first: track.firstSeenAt.timeIntervalSince1970,
                last: track.lastSeenAt.timeIntervalSince1970)
            prior = reachability.prior(pathMetres: reachability.pathMetres(straightLine: d), elapsed: elapsed, age: report.ageGroup)
        }
        var snapshot: String? = nil
        if let dataDirectory, let id = track.id {
            let relative = CameraPipeline.trackSnapshotPath(camera: track.cameraID, trackRowID: id)
            if FileManager.default.fileExists(atPath: dataDirectory + "/" + relative) { snapshot = relative }
        }
        return RetroHit(
            track: track, cellID: places.cameras[track.cameraID]?.cellID ?? "", score: score, prior: prior, distance: distance,
            snapshotPath: snapshot)
    }

    /// Whether one person could be seen at `a` and then at `b`.
    func canWalk(_ a: RetroHit, _ b: RetroHit, age: AgeGroup?, places: Places) -> Bool {
        guard a.track.cameraID != b.track.cameraID else { return true }
        guard let d = places.distance(fromCamera: a.track.cameraID, toCamera: b.track.cameraID) else { return true }
        let gap = b.track.firstSeenAt.timeIntervalSince(a.track.lastSeenAt)
        let prior = reachability.prior(pathMetres: reachability.pathMetres(straightLine: d), elapsed: max(0, gap), age: age)
        return prior >= stepPrior && gap > -reachability.timeSlack
    }

    /// The best chain (largest sum of totals) of hits at or above the threshold, in time order, each
    /// step walkable.
    public func trajectory(_ hits: [RetroHit], age: AgeGroup?, places: Places) -> [RetroHit] {
        let above = hits.filter { $0.total >= matcher.configuration.threshold }.sorted { $0.track.firstSeenAt < $1.track.firstSeenAt }
        guard !above.isEmpty else { return [] }
        var best = above.map(\.total)
        var previous = [Int?](repeating: nil, count: above.count)
        for i in above.indices {
            for j in 0..<i where canWalk(above[j], above[i], age: age, places: places) && best[j] + above[i].total > best[i] {
                best[i] = best[j] + above[i].total
                previous[i] = j
            }
        }
        var i: Int? = best.indices.max { best[$0] < best[$1] }
        var chain: [RetroHit] = []
        while let k = i {
            chain.append(above[k])
            i = previous[k]
        }
        return chain.reversed()
    }

    /// Tracks on other cameras that look like `hit` and fit the timing (only later ones when
    /// `after`), best first.
    public func links(
        from hit: RetroHit, in snapshot: IndexSnapshot, age: AgeGroup?, places: Places, after: Bool, limit: Int
    ) async throws -> [TrackLink] {
        guard let id = hit.track.id, let cameraNumber = snapshot.cameras.firstIndex(of: hit.track.cameraID) else { return [] }
        let example = DescriptorRecord(hit.track, camera: UInt16(cameraNumber))
        let paths: [Double?] = snapshot.cameras.map { camera in
            places.distance(fromCamera: hit.track.cameraID, toCamera: camera).map { reachability.pathMetres(straightLine: $0) }
        }
        let found = snapshot.links(
            of: example, matcher: matcher, reachability: reachability, age: age, pathMetres: paths, limit: limit * 3)
            .filter { Double($0.score) >= linkThreshold && $0.record.trackID != id }
            .filter { !after || $0.record.firstSeenMS >= example.lastSeenMS - 1000 }
        let rows = Dictionary(uniqueKeysWithValues: try await store.tracks(ids: found.map(\.record.trackID)).compactMap { t in t.id.map { ($0, t) } })
        return found.prefix(limit).compactMap { f in
            rows[f.record.trackID].map {
                TrackLink(
                    from: hit, track: $0, cellID: places.cameras[$0.cameraID]?.cellID ?? "", similarity: Double(f.match),
                    prior: Double(f.prior))
            }
        }
    }

    /// Raises incidents for the hits at or above the threshold (match × prior), with the live rules
    /// (``PipelineConfiguration/repeatedSighting(_:confidence:among:)``): one per (report, track), and one per
    /// camera within the sighting window of an earlier one. Returns the incidents raised now, with
    /// the track's kept best view as snapshot.
    public func raise(
        _ hits: [RetroHit], for report: MissingPersonReport, rules: PipelineConfiguration = PipelineConfiguration()
    ) async throws -> [Incident] {
        guard let reportID = report.id else { return [] }
        var sightings: [String: [Sighting]] = [:]
        for i in try await store.incidents(IncidentFilter(reportID: reportID)) { sightings[i.cameraID, default: []].append(Sighting(at: i.seenAt, confidence: i.score)) }
        var raised: [Incident] = []
        let above = hits.filter { $0.total >= matcher.configuration.threshold }.sorted { $0.track.firstSeenAt < $1.track.firstSeenAt }
        for hit in above {
            guard let trackID = hit.track.id else { continue }
            if rules.repeatedSighting(hit.seenAt, confidence: hit.total, among: sightings[hit.track.cameraID] ?? []) != nil {
                continue
            }
            var why = "retro search: " + hit.alertNote + hit.score.explanation
            if hit.prior < 1 { why += String(format: ", walk prior %.2f", hit.prior) }
            let incident = Incident(
                reportID: reportID, trackID: trackID, cameraID: hit.track.cameraID, cellID: hit.cellID, seenAt: hit.seenAt,
                score: hit.total, snapshotPath: hit.snapshotPath, explanation: why)
            if let stored = try await store.raiseIncident(incident) {
                raised.append(stored)
                if let dataDirectory { try await IncidentPictures.storeCrop(of: stored, dataDirectory: dataDirectory, store: store) }
                sightings[hit.track.cameraID, default: []].append(Sighting(at: hit.seenAt, confidence: hit.total))
            }
        }
        return raised
    }
}
