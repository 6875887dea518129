public import Detection
import Glibc
import ImageKernels

/// Settings of the tracker that follows the learned detector's boxes.
public struct DetectionTrackerConfiguration: Sendable, Hashable {
    /// Network score a box needs to start a track…
    public var birthScore: Float = 0.35
    /// …and to continue one (a person half hidden scores lower but is still there).
    public var keepScore: Float = 0.2
    /// Detections before a track counts as a person: the network's boxes are trusted at once (a second
    /// look may come a second later, on the budget; waiting for it cost 8 points of F1 on PETS).
    public var hitsToConfirm = 1
    /// A tentative track the network looked at and did not find again is dropped; one not seen again
    /// within this many seconds too.
    public var tentativeSeconds: Double = 1.5
    /// A confirmed track ends after this many looks in a row without finding the person…
    public var missesToEnd = 3
    /// …once it has also been unseen this long (seconds)…
    public var minimumCoastSeconds: Double = 1
    /// …or when unseen this long whatever was looked at (the budget may leave a person unlooked).
    public var maximumCoastSeconds: Double = 6
    /// Smallest association score (IoU plus closeness) for a detection to continue a track.
    public var minAssociationScore: Float = 0.25
    /// Detection/prediction height ratio outside which they are not associated.
    public var maxHeightRatio: Float = 1.6
    /// Weight of the newest velocity measurement (exponential smoothing).
    public var velocitySmoothing: Float = 0.5
    /// While unseen, velocity decays with this time constant (seconds), so a prediction does not
    /// run off after a person who stopped.
    public var coastDamping: Double = 1.5
    /// Below this speed (body heights per second) a person counts as standing still.
    public var stillSpeed: Float = 0.15
    /// A box overlapping a confirmed track by more than this IoU does not start another track.
    public var duplicateIoU: Float = 0.6
    /// Share of the gap between the predicted centre and the centre the motion mask suggests that
    /// is closed each frame between network rounds (0 turns motion support off).
    public var motionGain: Float = 0.5
    /// Appearance following between rounds: search radius as a share of the person's height at
    /// 25 frames a second (grows with the square root of the frame interval); 0 turns it off.
    public var patchRadius: Float = 0.08
    /// A match whose mean absolute luma difference per pixel exceeds this is not the person (hidden,
    /// or gone).
    public var maximumPatchDifference: Float = 35
    /// Weight of each matched move in the track's velocity.
    public var patchVelocityGain: Float = 0.3
    /// A track neither detected nor followed by appearance for this long is not shown (it lives on,
    /// to be found again, until it ends).
    public var showBlindSeconds: Double = 0.5
    /// A track whose box is less than this share inside the frame and moving out of it has left.
    public var leavingShare: Float = 0.7

    public init() {}
}

/// What the motion stage saw in the frame, at half the working size: its foreground mask and the
/// luma the tracker follows people's appearance in between network rounds.
public struct ForegroundView: Sendable {
    /// 0/255 at half the working size.
    public var mask: [UInt8]
    /// Luma at the same size (empty when not available).
    public var luma: [UInt8]
    public var width: Int
    public var height: Int

    public init(mask: [UInt8], luma: [UInt8] = [], width: Int, height: Int) {
        self.mask = mask
        self.luma = luma
        self.width = width
        self.height = height
    }

    /// The patch of luma followed for a person: the middle of their box (the body, less the arms and
    /// the background at the sides), at half size, and where it sits in the box.
    func patch(for box: Box) -> Patch? {
        guard luma.count == width * height else { return nil }
        // The body's middle, at most 16 × 32 half-size pixels around the chest (larger patches cost
        // more and follow no better).
        let centre = SIMD2(box.centre.x / 2, (box.y + 0.45 * box.height) / 2)
        let pw = min(16, max(3, Int((0.5 * box.width / 2).rounded()))), ph = min(32, max(4, Int((0.75 * box.height / 2).rounded())))
        let x0 = Int((centre.x - Float(pw) / 2).rounded()), y0 = Int((centre.y - Float(ph) / 2).rounded())
        let cx0 = max(0, x0), cy0 = max(0, y0), cx1 = min(width, x0 + pw), cy1 = min(height, y0 + ph)
        guard cx1 - cx0 >= 3, cy1 - cy0 >= 4 else { return nil }
        let pixels = luma.withUnsafeBufferPointer {
            PatchMatch.cut(plane: $0, planeWidth: width, x: cx0, y: cy0, width: cx1 - cx0, height: cy1 - cy0)
        }
        return Patch(
            pixels: pixels, width: cx1 - cx0, height: cy1 - cy0,
            offset: SIMD2(Float(cx0 * 2) - box.x, Float(cy0 * 2) - box.y))
    }

    /// Where `patch` is now, searching ±`radius` half-size pixels around where the box `box` puts it:
    /// the box moved there, and the mean absolute difference per pixel of the match.
    func follow(_ patch: Patch, box: Box, radius: Int) -> (box: Box, difference: Float)? {
        guard luma.count == width * height else { return nil }
        let x = Int(((box.x + patch.offset.x) / 2).rounded()), y = Int(((box.y + patch.offset.y) / 2).rounded())
        let found = patch.pixels.withUnsafeBufferPointer { p in
            luma.withUnsafeBufferPointer { l in
                PatchMatch.best(
                    patch: p, width: patch.width, height: patch.height, plane: l, planeWidth: width, planeHeight: height,
                    x: x, y: y, radius: radius, step: radius > 4 ? 2 : 1)
            }
        }
        guard let found else { return nil }
        var moved = box
        moved.x = Float((x + found.dx) * 2) - patch.offset.x
        moved.y = Float((y + found.dy) * 2) - patch.offset.y
        return (moved, Float(found.sad) / Float(patch.width * patch.height))
    }

    /// Foreground pixel count and centroid (working-frame pixels) inside `box`.
    func centroid(in box: Box) -> (count: Int, centre: SIMD2<Float>) {
        let x0 = max(0, Int(box.x / 2)), x1 = min(width, Int((box.maxX / 2).rounded(.up)))
        let y0 = max(0, Int(box.y / 2)), y1 = min(height, Int((box.maxY / 2).rounded(.up)))
        guard x1 > x0, y1 > y0 else { return (0, box.centre) }
        var n = 0, sx = 0, sy = 0
        mask.withUnsafeBufferPointer { m in
            for r in y0..<y1 {
                let row = r * width
                for c in x0..<x1 where m[row + c] != 0 {
                    n += 1
                    sx += c
                    sy += r
                }
            }
        }
        guard n > 0 else { return (0, box.centre) }
        return (n, SIMD2(Float(sx) / Float(n) * 2 + 1, Float(sy) / Float(n) * 2 + 1))
    }
}

/// A person's appearance cut at their last detection: luma at half size, and its top-left corner
/// relative to the box's.
struct Patch: Sendable {
    var pixels: [UInt8]
    var width: Int
    var height: Int
    var offset: SIMD2<Float>
}

/// Tracks people from the learned detector's boxes, with the motion stage as support.
///
/// - A network round: detections are associated with the tracks' predicted boxes (IoU plus
///   closeness, greedy, strong detections first, then weaker ones for the tracks still free —
///   so a half-hidden person keeps their track, but only a strong box starts one). A track the
///   round looked at and did not find counts a miss; tracks the round did not look at count nothing.
/// - Between rounds: constant-velocity prediction, corrected towards where the motion mask says the
///   person went (the offset of the mask's centroid inside the box is remembered at each detection).
/// - People side by side are two boxes from the network, so two tracks; a person standing still is
///   looked at again now and then by the detector and keeps their track until they leave.
/// - Complexity: O(tracks × detections) per round, O(tracks × box area / 4) per frame between rounds.
public struct DetectionTracker: PersonTracker {
    public let configuration: DetectionTrackerConfiguration
    /// The working frame: a track whose predicted box leaves it ends.
    public let width: Float
    public let height: Float
    private var tracks: [State] = []
    private var nextID = 1
    private var lastUpdate = -Double.infinity

    struct State {
        var person: TrackedPerson
        /// The last detection's box and time: velocity is measured between detections.
        var detected: Box
        var detectedAt: Double
        /// Time the box was last moved (prediction base).
        var updatedAt: Double
        var misses = 0
        /// Mask centroid relative to the box (in box sizes) and foreground count at the last detection.
        var maskOffset: SIMD2<Float>?
        var maskCount = 0
        /// Appearance at the last detection, followed between network rounds, and when it was last
        /// found (a track followed this way is not coasting blind).
        var patch: Patch?
        var followedAt = -Double.infinity
    }

    public init(width: Int, height: Int, configuration: DetectionTrackerConfiguration = DetectionTrackerConfiguration()) {
        self.width = Float(width)
        self.height = Float(height)
        self.configuration = configuration
    }

    public var active: [TrackedPerson] { tracks.map(\.person) }

    /// Confirmed tracks whose box is known rather than guessed: detected or followed by appearance
    /// lately, and not just looked for in vain (hidden, or gone) for a while.
    public var visible: [TrackedPerson] {
        tracks.filter { s in
            guard s.person.confirmed else { return false }
            let missed = s.misses > 0 && lastUpdate - s.person.lastSeen > configuration.minimumCoastSeconds
            let blind = lastUpdate - max(s.person.lastSeen, s.followedAt) > configuration.showBlindSeconds
            return !missed && !blind
        }.map(\.person)
    }

    public func hints(at time: Double) -> [TrackHint] {
        tracks.map { s in
            TrackHint(
                id: s.person.id, box: predict(s, at: time), confirmed: s.person.confirmed, lastLooked: s.person.lastLooked,
                moving: s.person.bodyHeightsPerSecond >= configuration.stillSpeed)
        }
    }

    /// Where a track's box is expected at `time`: its velocity, damped the longer it is unseen.
    func predict(_ s: State, at time: Double) -> Box {
        let dt = Float(max(0, time - s.updatedAt))
        let unseen = max(0, time - max(s.person.lastSeen, s.followedAt))
        let damping = Float(exp(-unseen / max(0.01, configuration.coastDamping)))
        var b = s.person.box
        b.x += s.person.velocity.x * dt * damping
        b.y += s.person.velocity.y * dt * damping
        return b
    }

    /// Association score of a detection to a prediction: IoU plus closeness of centres in units of
    /// the person's height; 0 when their heights are too different.
    func score(_ predicted: Box, _ detection: Box) -> Float {
        let ratio = max(predicted.height, detection.height) / max(1, min(predicted.height, detection.height))
        guard ratio <= configuration.maxHeightRatio else { return 0 }
        let d = predicted.centre - detection.centre
        let dist = (d * d).sum().squareRoot() / max(1, predicted.height)
        return predicted.iou(detection) + 0.5 * max(0, 1 - dist / 0.6)
    }

    public mutating func update(_ input: DetectorOutput, foreground: ForegroundView?, time: Double) -> TrackerUpdate {
        lastUpdate = time
        // Move every track to now: the prediction, then where its appearance went.
        var lost: [Int] = []
        for i in tracks.indices {
            let previous = tracks[i].person.box
            let dt = time - tracks[i].updatedAt
            var box = predict(tracks[i], at: time)
            if let foreground, let patch = tracks[i].patch, configuration.patchRadius > 0 {
                let radius = max(2, Int((configuration.patchRadius * Float(max(dt, 0.02) / 0.04).squareRoot() * box.height / 2).rounded()))
                if let m = foreground.follow(patch, box: box, radius: radius), m.difference <= configuration.maximumPatchDifference {
                    if dt > 0 {
                        let v = (m.box.centre - previous.centre) / Float(dt)
                        let g = configuration.patchVelocityGain
                        tracks[i].person.velocity = tracks[i].person.velocity * (1 - g) + v * g
                    }
                    box = m.box
                    tracks[i].followedAt = time
                } else {
                    lost.append(i)
                }
            } else {
                lost.append(i)
            }
            tracks[i].person.box = box
            tracks[i].updatedAt = time
        }
        var assignments = [Int](repeating: -1, count: input.detections.count)
        if input.isRound {
            associate(input, time: time, foreground: foreground, assignments: &assignments)
        } else if let foreground, configuration.motionGain > 0 {
            followMotion(foreground, tracks: lost)
        }
        var ended: [TrackedPerson] = []
        var kept: [State] = []
        for s in tracks {
            if shouldEnd(s, time: time) { ended.append(s.person) } else { kept.append(s) }
        }
        tracks = kept
        return TrackerUpdate(assignments: assignments, ended: ended.filter(\.confirmed) + ended.filter { !$0.confirmed })
    }

    private mutating func associate(_ input: DetectorOutput, time: Double, foreground: ForegroundView?, assignments: inout [Int]) {
        let dets = input.detections
        var used = [Bool](repeating: false, count: tracks.count)
        // Strong boxes first, then the weaker ones for the tracks still free; each pass is an optimal
        // assignment (greedy best-pair-first swaps two people walking close together).
        for pass in 0..<2 {
            let candidates = dets.indices.filter { di in
                let d = dets[di], strong = d.score >= configuration.birthScore
                return assignments[di] < 0 && (pass == 0 ? strong : (!strong && d.score >= configuration.keepScore))
            }
            let free = tracks.indices.filter { !used[$0] }
            guard !candidates.isEmpty, !free.isEmpty else { continue }
            let gain = free.map { ti in candidates.map { di in Double(score(tracks[ti].person.box, dets[di].box)) } }
            for (row, column) in Assignment.maximise(gain, minimumGain: Double(configuration.minAssociationScore) - 1e-6).enumerated() {
                guard let column else { continue }
                let ti = free[row], di = candidates[column]
                used[ti] = true
                assignments[di] = tracks[ti].person.id
                hit(ti, with: dets[di], time: time, foreground: foreground)
            }
        }
        // Looked at and not found.
        for ti in tracks.indices where !used[ti] && input.lookedAtTracks.contains(tracks[ti].person.id) {
            tracks[ti].misses += 1
            tracks[ti].person.lastLooked = time
        }
        // Births from strong boxes that are nobody's.
        for (di, d) in dets.enumerated() where assignments[di] < 0 && d.score >= configuration.birthScore && !d.truncated {
            let duplicate = tracks.contains { $0.person.confirmed && $0.person.box.iou(d.box) > configuration.duplicateIoU }
            guard !duplicate else { continue }
            let person = TrackedPerson(
                id: nextID, box: d.box, velocity: .zero, confirmed: configuration.hitsToConfirm <= 1, hits: 1, lastSeen: time,
                firstSeen: time, lastLooked: time, score: d.score)
            nextID += 1
            var s = State(person: person, detected: d.box, detectedAt: time, updatedAt: time)
            remember(&s, foreground)
            tracks.append(s)
            assignments[di] = person.id
        }
    }

    private mutating func hit(_ ti: Int, with d: Detection, time: Double, foreground: ForegroundView?) {
        var s = tracks[ti]
        let dt = Float(max(1e-3, time - s.detectedAt))
        var box = d.box
        if d.truncated {
            // Only part of the person: keep the track's size, move its centre.
            let c = d.box.centre
            box = Box(x: c.x - s.person.box.width / 2, y: c.y - s.person.box.height / 2, width: s.person.box.width, height: s.person.box.height)
        }
        let measured = (box.centre - s.detected.centre) / dt
        let a: Float = s.person.hits == 1 ? 1 : configuration.velocitySmoothing
        s.person.velocity = s.person.velocity * (1 - a) + measured * a
        s.person.box = box
        s.person.hits += 1
        s.person.lastSeen = time
        s.person.lastLooked = time
        s.person.score = d.score
        if s.person.hits >= configuration.hitsToConfirm { s.person.confirmed = true }
        s.detected = box
        s.detectedAt = time
        s.misses = 0
        remember(&s, foreground)
        tracks[ti] = s
    }

    /// Remembers the person's appearance and where their moving pixels sit inside their box, for
    /// following them between rounds.
    private func remember(_ s: inout State, _ foreground: ForegroundView?) {
        guard let foreground else {
            s.maskOffset = nil
            s.patch = nil
            return
        }
        s.patch = configuration.patchRadius > 0 ? foreground.patch(for: s.person.box) : nil
        let b = s.person.box
        let (n, c) = foreground.centroid(in: b)
        guard n >= max(4, Int(0.1 * b.area / 4)) else {
            s.maskOffset = nil
            return
        }
        s.maskOffset = (c - b.centre) / SIMD2(max(1, b.width), max(1, b.height))
        s.maskCount = n
    }

    /// Between rounds, for tracks whose appearance was not found: nudges each towards the centre its
    /// moving pixels suggest.
    private mutating func followMotion(_ foreground: ForegroundView, tracks indices: [Int]) {
        for i in indices {
            guard let offset = tracks[i].maskOffset else { continue }
            let b = tracks[i].person.box
            let window = b.padded(dx: 0.25 * b.width, dy: 0.1 * b.height)
            let (n, c) = foreground.centroid(in: window)
            // Too few moving pixels: the person stopped or is hidden; keep the prediction.
            guard n >= max(4, tracks[i].maskCount / 3) else { continue }
            let suggested = c - offset * SIMD2(b.width, b.height)
            let shift = (suggested - b.centre) * configuration.motionGain
            let limit = 0.25 * b.height
            let length = (shift * shift).sum().squareRoot()
            let step = length > limit ? shift * (limit / length) : shift
            tracks[i].person.box.x += step.x
            tracks[i].person.box.y += step.y
        }
    }

    private func shouldEnd(_ s: State, time: Double) -> Bool {
        let b = s.person.box
        let inside = b.clipped(width: width, height: height).area
        if inside < 0.4 * b.area { return true }
        if inside < configuration.leavingShare * b.area {
            // Leaving: moving towards the edge it is cut by.
            let v = s.person.velocity
            let outward = (b.x < 0 && v.x < 0) || (b.maxX > width && v.x > 0) || (b.y < 0 && v.y < 0) || (b.maxY > height && v.y > 0)
            if outward { return true }
        }
        let unseen = time - s.person.lastSeen
        if !s.person.confirmed {
            return s.misses > 0 || unseen > configuration.tentativeSeconds
        }
        if s.misses >= configuration.missesToEnd && unseen >= configuration.minimumCoastSeconds { return true }
        return unseen > configuration.maximumCoastSeconds
    }

    public mutating func endAll() -> [TrackedPerson] {
        defer { tracks = [] }
        return tracks.map(\.person)
    }
}
