import Foundation
import Testing
import Detection
import Tracking
import Description
@testable import Behaviour

/// A camera of 640×360 where an adult whose feet are at row y is 0.4·y + 10 pixels tall.
private func perspective() -> PerspectiveHeightModel {
    var m = PerspectiveHeightModel()
    for track in 0..<6 {
        for i in 0..<10 {
            let y = Float(120 + 22 * i + track)
            m.add(footY: y, height: 0.4 * y + 10, track: track)
        }
    }
    return m
}

/// A person whose feet stand at (x, y), `share` of an adult's height there, upright or lying.
private func person(_ id: Int, x: Float, y: Float, share: Float = 1, lying: Bool = false, at t: Double) -> TrackedPerson {
    let h = (0.4 * y + 10) * share
    let box = lying
        ? Box(x: x - h / 2, y: y - h * 0.35, width: h, height: h * 0.35)
        : Box(x: x - h * 0.18, y: y - h, width: h * 0.36, height: h)
    return TrackedPerson(id: id, box: box, velocity: .zero, confirmed: true, hits: 10, lastSeen: t, firstSeen: 0)
}

/// Runs the monitor over `seconds` of video at 5 frames a second; `people(t)` gives the tracks.
private func run(_ c: BehaviourConfiguration, seconds: Double, minute: Int? = nil, _ people: (Double) -> [TrackedPerson]) -> [BehaviourAlert] {
    var m = BehaviourMonitor(width: 640, height: 360, configuration: c)
    let heights = perspective()
    var alerts: [BehaviourAlert] = []
    var t = 0.0
    while t <= seconds {
        alerts += m.observe(time: t, tracks: people(t), minuteOfDay: minute, heights: heights)
        t += 0.2
    }
    return alerts
}

private func zones(_ z: DangerZone...) -> BehaviourConfiguration {
    var c = BehaviourConfiguration()
    c.zones = z
    c.childAloneEnabled = false
    c.wanderingEnabled = false
    c.personDownEnabled = false
    return c
}

private let lawn = try! DangerZone(name: "east lawn", polygon: [[0.5, 0.6], [0.9, 0.6], [0.9, 0.9], [0.5, 0.9]], dwellSeconds: 3)

@Suite struct BehaviourRuleTests {
    @Test func dailyWindows() throws {
        let night = try #require(DailyWindow("18:00-06:30"))
        #expect(night.contains(minute: 23 * 60))
        #expect(night.contains(minute: 6 * 60 + 29))
        #expect(!night.contains(minute: 6 * 60 + 30))
        #expect(!night.contains(minute: 12 * 60))
        let day = try #require(DailyWindow(" 08:00 - 17:00 "))
        #expect(day.contains(minute: 9 * 60) && !day.contains(minute: 17 * 60))
        #expect(day.description == "08:00-17:00")
        #expect(DailyWindow("8-17") == nil)
        #expect(DailyWindow("25:00-06:00") == nil)
        #expect(DailyWindow("08:00-08:00") == nil)
    }

    @Test func zoneCornersAreChecked() {
        #expect(throws: BehaviourConfigurationError.zone("pond", "needs at least 3 corners, has 2")) {
            try DangerZone(name: "pond", polygon: [[0, 0], [1, 1]])
        }
        #expect(throws: BehaviourConfigurationError.self) { try DangerZone(name: "pond", polygon: [[0, 0], [1.5, 0], [1, 1]]) }
        #expect(throws: BehaviourConfigurationError.self) { try DangerZone(name: "line", polygon: [[0, 0], [0.5, 0.5], [1, 1]]) }
        #expect(lawn.contains([0.7, 0.7]))
        #expect(!lawn.contains([0.3, 0.7]))
        #expect(!lawn.contains([0.7, 0.95]))
        var c = BehaviourConfiguration()
        c.zones = [lawn, lawn]
        #expect(throws: BehaviourConfigurationError.zone("east lawn", "the name is used twice on this camera")) { try c.validate() }
        c.zones = [lawn]
        c.childHeight = 0.9
        #expect(throws: BehaviourConfigurationError.self) { try c.validate() }
    }

    @Test func adultInZoneAfterDwell() {
        // Walks in from the left at 60 px/s, stops inside at x = 400 for 5 s, walks on.
        let alerts = run(zones(lawn), seconds: 20) { t in
            let x: Float = t < 3 ? 220 + 60 * Float(t) : t < 8 ? 400 : 400 + 60 * Float(t - 8)
            return [person(1, x: x, y: 280, at: t)]
        }
        #expect(alerts.count == 1)
        let a = try! #require(alerts.first)
        #expect(a.kind == .dangerZone && a.zone == "east lawn" && a.trackID == 1)
        // Feet enter at x = 320 (t = 1.67 s): the alert comes 3 s later.
        #expect(a.time >= 4.6 && a.time <= 5.0)
        #expect(a.explanation == "feet in danger zone 'east lawn' for 3.0 s")
    }

    @Test func adultPassingThroughRaisesNothing() {
        let alerts = run(zones(lawn), seconds: 8) { t in [person(1, x: 100 + 100 * Float(t), y: 280, at: t)] }
        #expect(alerts.isEmpty)  // 2.6 s inside, under the 3 s dwell
    }

    @Test func childRaisesAtOnce() {
        let alerts = run(zones(lawn), seconds: 12) { t in
            [person(1, x: 100 + 100 * Float(t), y: 280, at: t), person(2, x: 100 + 100 * Float(t), y: 300, share: 0.6, at: t)]
        }
        #expect(alerts.map(\.trackID) == [2])
        #expect(alerts.first?.explanation.hasPrefix("child-height 0.6") == true)
        #expect(alerts.first.map { $0.time < 2.6 } == true)  // feet at x = 320 at t = 2.2 s
    }

    @Test func scheduleLimitsZone() throws {
        let night = try DangerZone(name: "pier", polygon: lawn.polygon, schedule: [try #require(DailyWindow("18:00-06:00"))])
        let walk: (Double) -> [TrackedPerson] = { t in [person(1, x: 400, y: 280, at: t)] }
        #expect(run(zones(night), seconds: 6, minute: 12 * 60, walk).isEmpty)
        #expect(run(zones(night), seconds: 6, minute: 22 * 60, walk).count == 1)
        #expect(run(zones(night), seconds: 6, walk).count == 1)  // time of day not known: watched
    }
}

@Suite struct ChildAloneTests {
    private var config: BehaviourConfiguration {
        var c = BehaviourConfiguration()
        c.personDownEnabled = false
        c.wanderingEnabled = false
        return c
    }

    @Test func walkingChildAloneForThirtySeconds() throws {
        // Walks to and fro along a row, nobody else in view.
        let alerts = run(config, seconds: 40) { t in
            let phase = Float(t.truncatingRemainder(dividingBy: 10))
            return [person(1, x: 200 + 30 * (phase < 5 ? phase : 10 - phase), y: 250, share: 0.6, at: t)]
        }
        let a = try #require(alerts.first)
        #expect(alerts.count == 1 && a.kind == .childAlone)
        #expect(abs(a.time - 30) < 1.5)  // the height needs 5 samples (1 s) before anyone is a child
        #expect(a.explanation.hasPrefix("child-height 0.6") && a.explanation.contains("no adult in view, alone 30 s"))
    }

    @Test func childStandingStillAloneIsRaisedSooner() throws {
        let alerts = run(config, seconds: 40) { t in
            [person(1, x: 200, y: 250, share: 0.6, at: t), person(2, x: 600, y: 120, at: t)]
        }
        let a = try #require(alerts.first)
        #expect(alerts.count == 1)
        #expect(a.time > 14 && a.time < 18)
        #expect(a.explanation.contains("nearest adult"))
        #expect(a.explanation.contains("standing still"))
    }

    @Test func childWithAnAdultRaisesNothing() {
        let alerts = run(config, seconds: 60) { t in
            [person(1, x: 200, y: 250, share: 0.6, at: t), person(2, x: 240, y: 252, at: t)]
        }
        #expect(alerts.isEmpty)
    }

    @Test func aStrangerPassingByIsNoCompany() throws {
        // An adult walks past the standing child (within a metre for about a second) at t = 10 s.
        let alerts = run(config, seconds: 40) { t in
            [person(1, x: 300, y: 250, share: 0.6, at: t), person(2, x: 300 + 300 * Float(t - 10), y: 252, at: t)]
        }
        let a = try #require(alerts.first)
        #expect(a.time > 14 && a.time < 18)
    }

    @Test func nobodyIsAChildWithoutPerspective() {
        var m = BehaviourMonitor(width: 640, height: 360, configuration: config)
        var alerts: [BehaviourAlert] = []
        for i in 0..<300 {
            let t = Double(i) * 0.2
            alerts += m.observe(time: t, tracks: [person(1, x: 200, y: 250, share: 0.6, at: t)], heights: PerspectiveHeightModel())
        }
        #expect(alerts.isEmpty)
    }
}

@Suite struct PersonDownTests {
    private var config: BehaviourConfiguration {
        var c = BehaviourConfiguration()
        c.childAloneEnabled = false
        c.wanderingEnabled = false
        return c
    }

    @Test func fallAndLieStill() throws {
        let alerts = run(config, seconds: 20) { t in
            [t < 4 ? person(1, x: 150 + 40 * Float(t), y: 280, at: t) : person(1, x: 310, y: 282, lying: true, at: t)]
        }
        let a = try #require(alerts.first)
        #expect(alerts.count == 1 && a.kind == .personDown)
        #expect(a.time >= 14.4 && a.time <= 15.4)  // lying from t = 4, the median turns within a second
        #expect(a.explanation.hasPrefix("was upright (height/width 2.8), lying (width/height 2.9) and still for 10 s"))
    }

    @Test func lyingFromTheStartOrMovingIsNotAFall() {
        #expect(run(config, seconds: 30) { t in [person(1, x: 300, y: 280, lying: true, at: t)] }.isEmpty)
        // Crawling / rolling along: lying but not still.
        let moving = run(config, seconds: 30) { t in
            [t < 3 ? person(1, x: 100, y: 280, at: t) : person(1, x: 100 + 30 * Float(t), y: 280, lying: true, at: t)]
        }
        #expect(moving.isEmpty)
    }
}

@Suite struct WanderingTests {
    private var config: BehaviourConfiguration {
        var c = BehaviourConfiguration()
        c.childAloneEnabled = false
        c.personDownEnabled = false
        return c
    }

    @Test func circlingForMinutes() throws {
        // An ellipse of about 2 m radius on the ground, one lap in 12 s.
        let alerts = run(config, seconds: 140) { t in
            let a = Float(t) * 2 * .pi / 12
            return [person(1, x: 320 + 150 * cos(a), y: 280 + 60 * sin(a), at: t)]
        }
        let a = try #require(alerts.first)
        #expect(alerts.count == 1 && a.kind == .wandering)
        #expect(a.time >= 90 && a.time < 92)
        #expect(a.explanation.hasPrefix("walked ") && a.explanation.contains("in 1.5 min, never more than"))
    }

    @Test func brokenTracksAreJoined() throws {
        // The tracker loses the person for 2 s every 20 s; each time they come back under a new id.
        let alerts = run(config, seconds: 140) { t in
            let segment = Int(t / 20)
            guard t - Double(segment) * 20 >= 2 else { return [] }
            let a = Float(t) * 2 * .pi / 12
            return [person(100 + segment, x: 320 + 150 * cos(a), y: 280 + 60 * sin(a), at: t)]
        }
        #expect(alerts.count == 1)
        #expect(alerts.first?.trackID == 104)  // the fifth piece (80–100 s) is on screen at 90 s
    }

    @Test func standingStillIsNotWandering() {
        #expect(run(config, seconds: 140) { t in [person(1, x: 320 + Float(Int(t * 5) % 3), y: 280, at: t)] }.isEmpty)
    }
}

