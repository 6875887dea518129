#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How fast someone of an age group walks, in metres per second: the typical pace and the brisk
/// upper end that decides what is reachable at all.
public struct WalkingSpeed: Sendable, Hashable {
    public var typical: Double
    public var brisk: Double

    public init(typical: Double, brisk: Double) {
        self.typical = typical
        self.brisk = brisk
    }
}

/// Could the missing person have walked from the last-seen place to a camera in the time between?
///
/// The answer is a prior in `floor`…1 that multiplies a candidate's match score: 1 when the walk is
/// possible at the age group's brisk speed, falling off smoothly when it would need a faster one
/// (`r` = needed ÷ possible distance: prior = exp(−½((r−1)/tolerance)²)), never below `floor`, so a
/// wrong map position demotes a candidate but never hides it.
///
/// Defaults (documented in `docs/retro-search.md`): free walking speeds from pedestrian studies —
/// about 1.3 m/s for adults, 0.9–1.0 m/s for people over 65, children 1.0–1.2 m/s but in bursts of
/// running — with the brisk end near the 95th percentile; paths are 1.3× the straight line
/// (`detourFactor`, lakeside paths and bridges); `slackMetres` covers a camera's field of view and
/// where in a cell the person was last seen; `timeSlack` covers rough last-seen times.
public struct Reachability: Sendable, Hashable {
    public var child = WalkingSpeed(typical: 1.1, brisk: 2.0)
    public var adult = WalkingSpeed(typical: 1.35, brisk: 1.9)
    public var elderly = WalkingSpeed(typical: 0.95, brisk: 1.4)
    /// Walking path length ÷ straight-line distance.
    public var detourFactor = 1.3
    /// Path metres that cost nothing (field of view, size of the last-seen cell).
    public var slackMetres = 60.0
    /// Seconds added to every elapsed time (families give rough times).
    public var timeSlack = 120.0
    /// How fast the prior falls once the walk needs more than the brisk speed.
    public var tolerance = 0.35
    public var floor = 0.02

    public init() {}

    /// The speed band of an age group; an unknown age walks like an adult.
    public func speed(for age: AgeGroup?) -> WalkingSpeed {
        switch age {
        case .child: child
        case .elderly: elderly
        case .adult, nil: adult
        }
    }

    /// Metres that must be walked beyond the slack to cover a straight line of `metres`.
    public func pathMetres(straightLine metres: Double) -> Double {
        max(0, metres * detourFactor - slackMetres)
    }

    /// How far in a straight line someone of `age` can be `elapsed` seconds after a sighting: the
    /// walk at `speed` (plus ``timeSlack``), less the detour, plus the free ``slackMetres``, the
    /// inverse of ``pathMetres(straightLine:)``. At the brisk speed this is the edge past which the
    /// prior starts to fall (the map's "could be as far as" circle); at the typical one, where they
    /// most likely are.
    public func reach(elapsed: Double, speed: Double) -> Double {
        (speed * (max(0, elapsed) + timeSlack) + slackMetres) / detourFactor
    }

    /// The prior for a walk of `pathMetres` (from ``pathMetres(straightLine:)``) in `elapsed` seconds.
    public func prior(pathMetres: Double, elapsed: Double, age: AgeGroup?) -> Double {
        exp(logPrior(pathMetres: pathMetres, elapsed: elapsed, brisk: speed(for: age).brisk))
    }

    /// log of the prior, the form the descriptor scan adds to a log score.
    public func logPrior(pathMetres: Double, elapsed: Double, brisk: Double) -> Double {
        guard pathMetres > 0 else { return 0 }
        let reach = brisk * (abs(elapsed) + timeSlack)
        guard reach < pathMetres else { return 0 }
        let lowest = log(floor)
        guard reach > 0 else { return lowest }
        let z = (pathMetres / reach - 1) / tolerance
        return max(lowest, -0.5 * z * z)
    }

    /// Seconds between a moment and a sighting that lasted from `first` to `last` (0 inside it).
    public static func elapsed(from moment: Double, first: Double, last: Double) -> Double {
        if moment < first { return first - moment }
        if moment > last { return moment - last }
        return 0
    }
}
