import Foundation
public import Hummingbird
import Metrics
import Synchronization

/// How often one client address may do something: a burst, then one per interval. The default is
/// the public report form's (a duty-post desk files through a signed-in worker and is not limited).
public struct RateLimit: Sendable {
    public var burst = 5
    /// Seconds for one more once the burst is spent.
    public var interval: Double = 180
    public init() {}
}

/// Token buckets by client address, on the server's clock.
actor RateLimiter {
    private struct Bucket {
        var tokens: Double
        var updated: Double
    }

    let limit: RateLimit
    private var buckets: [String: Bucket] = [:]
    /// Addresses remembered at most; full buckets are forgotten first.
    static let capacity = 10_000

    init(_ limit: RateLimit) { self.limit = limit }

    /// Takes one token for `key`: `nil` when allowed, else seconds until the next one.
    func take(_ key: String, now: Double = ProcessInfo.processInfo.systemUptime) -> Double? {
        let perSecond = 1 / max(limit.interval, 0.001)
        var b = buckets[key] ?? Bucket(tokens: Double(limit.burst), updated: now)
        b.tokens = min(Double(limit.burst), b.tokens + (now - b.updated) * perSecond)
        b.updated = now
        guard b.tokens >= 1 else {
            buckets[key] = b
            return (1 - b.tokens) / perSecond
        }
        b.tokens -= 1
        buckets[key] = b
        if buckets.count > Self.capacity { forget(now: now, perSecond: perSecond) }
        return nil
    }

    private func forget(now: Double, perSecond: Double) {
        buckets = buckets.filter { min(Double(limit.burst), $0.value.tokens + (now - $0.value.updated) * perSecond) < Double(limit.burst) }
        if buckets.count > Self.capacity { buckets.removeAll() }
    }
}

/// A public request refused for coming too often: 429 with Retry-After (whole seconds), counted on
/// /metrics by `reason`.
func tooManyRequests(_ reason: String, wait: Double, _ message: (Int) -> String) -> HTTPError {
    Counter(label: "kinfinder_public_requests_refused_total", dimensions: [("reason", reason)]).increment()
    let seconds = Int(wait.rounded(.up))
    return HTTPError(.tooManyRequests, headers: [.retryAfter: "\(seconds)"], message: message(seconds))
}

/// The public routes (the family's form, the reading, sign-in) take JSON only: a page on another
/// site can post text/plain or form data without asking, but not JSON.
func requireJSON(_ request: Request) throws {
    let type = request.headers[.contentType]?.lowercased() ?? ""
    guard type.hasPrefix("application/json") else {
        Counter(label: "kinfinder_public_requests_refused_total", dimensions: [("reason", "content-type")]).increment()
        throw HTTPError(.unsupportedMediaType, message: "send JSON: Content-Type: application/json")
    }
}

/// Headers on every response: no framing by other sites, no content sniffing, and no referrer
/// (a family's status link carries its secret in the path).
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        if response.status == .contentTooLarge, (response.headers[.contentLength] ?? "0") == "0" {
            // The body limit answers with an empty 413; say what it is.
            response = try HTTPError(.contentTooLarge, message: "the request body is larger than this server takes (8 MiB)")
                .response(from: request, context: context)
        }
        Self.add(&response.headers)
        return response
    }

    static func add(_ headers: inout HTTPFields) {
        headers[.xContentTypeOptions] = "nosniff"
        headers[.contentSecurityPolicy] = "frame-ancestors 'none'"
        headers[.init("X-Frame-Options")!] = "DENY"
        headers[.init("Referrer-Policy")!] = "no-referrer"
    }
}

/// Sign-in throttling: after 5 wrong passwords an account waits 30 s, doubling with each further
/// wrong one up to 15 min, whatever the right password does meanwhile; one client address may try
/// 20 sign-ins at once, then one per 6 s.
actor LoginThrottle {
    static let freeFailures = 5
    static let firstLock: Double = 30
    static let longestLock: Double = 900

    private var failures: [String: (count: Int, lockedUntil: Double)] = [:]
    private let addresses: RateLimiter

    init() {
        var limit = RateLimit()
        limit.burst = 20
        limit.interval = 6
        addresses = RateLimiter(limit)
    }

    /// `nil` when this attempt may go on, else seconds to wait.
    func admit(account: String, address: String, now: Double = ProcessInfo.processInfo.systemUptime) async -> Double? {
        if let f = failures[account], f.lockedUntil > now { return f.lockedUntil - now }
        return await addresses.take(address, now: now)
    }

    func failed(account: String, now: Double = ProcessInfo.processInfo.systemUptime) {
        var f = failures[account] ?? (0, 0)
        f.count += 1
        if f.count >= Self.freeFailures {
            let lock = min(Self.longestLock, Self.firstLock * pow(2, Double(f.count - Self.freeFailures)))
            f.lockedUntil = now + lock
        }
        failures[account] = f
        if failures.count > RateLimiter.capacity { failures = failures.filter { $0.value.lockedUntil > now } }
    }

    func succeeded(account: String) { failures[account] = nil }
}

/// Password checks (bcrypt, about a quarter of a second of CPU each) on a thread of their own, one at
/// a time, so a burst of sign-ins never holds the threads that serve everyone else; at most 16 wait.
/// An unknown worker is checked against a dummy hash, so a refusal takes as long either way.
final class PasswordChecker: Sendable {
    private let queue = DispatchQueue(label: "kinfinder.passwords", qos: .utility)
    private let waiting = Mutex(0)
    static let maximumWaiting = 16
    /// A hash of a random password, made once: what an unknown worker's password is checked against.
    private let dummyHash = Secrets.hashPassword(Secrets.newToken())

    /// Whether `password` matches `hash` (`nil`: no such worker or no password; always `false`).
    func verify(_ password: String, hash: String?) async throws -> Bool {
        let admitted = waiting.withLock { n -> Bool in
            guard n < Self.maximumWaiting else { return false }
            n += 1
            return true
        }
        guard admitted else {
            throw HTTPError(.tooManyRequests, headers: [.retryAfter: "5"], message: "too many sign-ins at once: try again in a few seconds")
        }
        defer { waiting.withLock { $0 -= 1 } }
        let against = hash ?? dummyHash
        let ok = await withCheckedContinuation { (c: CheckedContinuation<Bool, Never>) in
            queue.async { c.resume(returning: Secrets.verify(password, hash: against)) }
        }
        Counter(label: "kinfinder_password_checks_total").increment()
        return ok && hash != nil
    }
}
