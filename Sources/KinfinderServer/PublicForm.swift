import Foundation
public import Hummingbird
import Metrics

/// How many reports one client address may file without signing in: a burst, then one per
/// interval. A duty-post desk files through a signed-in worker and is not limited.
public struct ReportRateLimit: Sendable {
    public var burst = 5
    /// Seconds for one more report once the burst is spent.
    public var interval: Double = 180
    public init() {}
}

/// Token buckets by client address, on the server's clock.
actor RateLimiter {
    private struct Bucket {
        var tokens: Double
        var updated: Double
    }

    let limit: ReportRateLimit
    private var buckets: [String: Bucket] = [:]
    /// Addresses remembered at most; full buckets are forgotten first.
    static let capacity = 10_000

    init(_ limit: ReportRateLimit) { self.limit = limit }

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
