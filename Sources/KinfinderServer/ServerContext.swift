public import Hummingbird
public import NIOCore
public import GridStore
import Logging

/// Per-request context: the signed-in worker (if any) and the body size limit.
public struct ServerContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by ``Authenticator`` when the request carries a valid bearer token.
    public var worker: GridWorker?
    /// The connected client (behind a reverse proxy: the proxy).
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        worker = nil
        remoteAddress = source.channel.remoteAddress
    }

    /// The client's IP address, for per-client limits.
    var clientAddress: String { remoteAddress?.ipAddress ?? "unknown" }

    /// JSON bodies are small; photos (report create) are limited separately.
    public var maxUploadSize: Int { 8 * 1024 * 1024 }

    /// The signed-in worker, or 401.
    public func requireWorker() throws -> GridWorker {
        guard let worker else { throw HTTPError(.unauthorized, message: "sign in first: POST /api/v1/login, then Authorization: Bearer <token>") }
        return worker
    }
}
