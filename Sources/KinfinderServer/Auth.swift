import Crypto
public import Foundation
public import GridStore
public import Hummingbird
import HummingbirdBcrypt

/// Passwords (bcrypt, cost 12), session tokens and family-link secrets (random 256 bits; only their
/// SHA-256 digests are stored).
public enum Secrets {
    public static let bcryptCost: UInt8 = 12

    public static func hashPassword(_ password: String) -> String { Bcrypt.hash(password, cost: bcryptCost) }

    public static func verify(_ password: String, hash: String) -> Bool { Bcrypt.verify(password, hash: hash) }

    /// A new random token: 32 bytes as URL-safe base64 without padding.
    public static func newToken() -> String {
        var g = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &g) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// Hex SHA-256 of a token, as stored.
    public static func digest(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

/// Reads `Authorization: Bearer <token>` and puts the session's worker into the context (requests
/// without one go on anonymous; routes that need a worker refuse them with 401).
struct Authenticator: RouterMiddleware {
    let store: any GridStore

    func handle(_ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response) async throws -> Response {
        var context = context
        if let header = request.headers[.authorization], header.hasPrefix("Bearer ") {
            context.worker = try await Self.worker(token: String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces), store: store)
        }
        return try await next(request, context)
    }

    /// The worker signed in with `token`; 401 when it is unknown or expired.
    static func worker(token: String, store: any GridStore) async throws -> GridWorker {
        guard let worker = try await store.sessionWorker(tokenDigest: Secrets.digest(token), now: Date()) else {
            throw HTTPError(.unauthorized, message: "the sign-in token is unknown or expired: sign in again")
        }
        return worker
    }
}
