import Foundation
import Matching
import Testing

@Suite("Walking reachability prior")
struct ReachabilityTests {
    let model = Reachability()

    @Test("hand-computed priors")
    func handComputed() {
        // Elderly, brisk 1.4 m/s, +120 s slack: 1000 m in 600 s → reach 1008 m ≥ 1000 m → possible.
        #expect(model.prior(pathMetres: 1000, elapsed: 600, age: .elderly) == 1)
        // 1000 m in 300 s → reach 588 m, r = 1.7007, z = 2.002, prior = e^(−2.004) = 0.1348.
        #expect(abs(model.prior(pathMetres: 1000, elapsed: 300, age: .elderly) - 0.1348) < 0.0005)
        // The same walk is easy for an adult (1.9 m/s: reach 798 m, r = 1.253, z = 0.723 → 0.770).
        #expect(abs(model.prior(pathMetres: 1000, elapsed: 300, age: nil) - 0.770) < 0.001)
        // A child 1 km away at the very moment it was lost: only the floor.
        #expect(model.prior(pathMetres: 1000, elapsed: 0, age: .child) == model.floor)
        // Within the slack nothing is needed.
        #expect(model.pathMetres(straightLine: 40) == 0)
        #expect(model.pathMetres(straightLine: 400) == 460)
        #expect(model.prior(pathMetres: 0, elapsed: 0, age: .elderly) == 1)
        // Before or after: only the size of the gap counts.
        #expect(model.prior(pathMetres: 1000, elapsed: -300, age: .elderly) == model.prior(pathMetres: 1000, elapsed: 300, age: .elderly))
    }

    @Test("the reach circle is where the prior starts to fall")
    func reachIsTheEdge() {
        // Child, brisk 2.0 m/s, 10 min: (2.0 × 720 + 60) / 1.3 = 1153.8 m.
        let edge = model.reach(elapsed: 600, speed: model.child.brisk)
        #expect(abs(edge - 1153.85) < 0.01)
        #expect(model.prior(pathMetres: model.pathMetres(straightLine: edge - 1), elapsed: 600, age: .child) == 1)
        #expect(model.prior(pathMetres: model.pathMetres(straightLine: edge + 50), elapsed: 600, age: .child) < 1)
        // It grows with time and never shrinks below the slack's worth at the moment of the sighting.
        #expect(model.reach(elapsed: 1200, speed: 2) > edge)
        #expect(model.reach(elapsed: -5, speed: 2) == model.reach(elapsed: 0, speed: 2))
    }

    @Test("elapsed time to a sighting interval")
    func elapsed() {
        #expect(Reachability.elapsed(from: 100, first: 150, last: 200) == 50)
        #expect(Reachability.elapsed(from: 250, first: 150, last: 200) == 50)
        #expect(Reachability.elapsed(from: 170, first: 150, last: 200) == 0)
    }

    @Test("slower age groups reach less")
    func bands() {
        #expect(model.speed(for: .elderly).brisk < model.speed(for: .adult).brisk)
        #expect(model.speed(for: nil) == model.speed(for: .adult))
        let path = 800.0
        #expect(model.prior(pathMetres: path, elapsed: 240, age: .elderly) < model.prior(pathMetres: path, elapsed: 240, age: .adult))
    }
}
