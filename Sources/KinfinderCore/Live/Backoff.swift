/// Waits between reconnection attempts: exponential from `initial`, capped at `maximum`, with
/// ± `jitter` so that many cameras behind one failed switch do not all retry in the same instant.
public struct Backoff: Sendable, Hashable {
    public var initial: Double
    public var maximum: Double
    public var multiplier: Double
    /// Fraction of the delay added or taken away at random (0.2 = ±20 %).
    public var jitter: Double
    public private(set) var attempt = 0

    public init(initial: Double = 0.5, maximum: Double = 15, multiplier: Double = 2, jitter: Double = 0.2) {
        self.initial = initial
        self.maximum = maximum
        self.multiplier = multiplier
        self.jitter = jitter
    }

    /// The delay before the next attempt, in seconds; never above `maximum`.
    public mutating func next<R: RandomNumberGenerator>(using rng: inout R) -> Double {
        var exponent = 0.0
        var base = initial
        while exponent < Double(attempt), base < maximum {
            base *= multiplier
            exponent += 1
        }
        attempt += 1
        let spread = jitter > 0 ? Double.random(in: -jitter...jitter, using: &rng) : 0
        let delay = min(base, maximum) * (1 + spread)
        // At the cap the jitter only shortens the wait, so capped retries stay spread out.
        return max(0, delay > maximum ? maximum * (1 - abs(spread)) : delay)
    }

    public mutating func next() -> Double {
        var rng = SystemRandomNumberGenerator()
        return next(using: &rng)
    }

    /// After a success: the next failure starts again from `initial`.
    public mutating func reset() { attempt = 0 }
}
