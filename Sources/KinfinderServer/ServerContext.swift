public import Hummingbird
public import GridStore
import Logging

/// Per-request context: the signed-in worker (if any) and the body size limit.
public struct ServerContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by ``Authenticator`` when the request carries a valid bearer token.
    public var worker: GridWorker?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        worker = nil
    }

    /// JSON bodies are small; photos (report create) are limited separately.
    public var maxUploadSize: Int { 8 * 1024 * 1024 }

    /// The signed-in worker, or 401.
    public func requireWorker() throws -> GridWorker {
        guard let worker else { throw HTTPError(.unauthorized, message: "sign in first: POST /api/v1/login, then Authorization: Bearer <token>") }
        return worker
    }
}
