public import FoundationEssentials

/// Proof that a writer holds a camera's lease: the camera, the holder and the fencing token the
/// lease was granted with. Every grant of a lease increments its token, so a holder that lost the
/// lease (it died, hung or was cut off long enough for another host to take the camera) still
/// carries an older token, and its late writes are refused inside the database transaction.
public struct LeaseFence: Sendable, Hashable, Codable, CustomStringConvertible {
    public var cameraID: String
    public var holder: String
    public var token: Int64

    public init(cameraID: String, holder: String, token: Int64) {
        self.cameraID = cameraID
        self.holder = holder
        self.token = token
    }

    public var description: String { "\(cameraID)@\(holder)#\(token)" }
}

/// One camera's lease as stored: who analyses the camera and until when.
///
/// Hosts running `kinfinder run --shared` take free or expired leases (at most their fair share),
/// renew them every few seconds, and stop a camera the moment a renewal comes back without it.
/// Expiry is measured by the database's clock, so hosts' clocks do not matter.
public struct CameraLease: Sendable, Hashable, Codable {
    public var cameraID: String
    /// The host holding it, `nil` when never taken.
    public var holder: String?
    /// Incremented on every grant: the fencing token.
    public var token: Int64
    /// When the current holder was granted it (database clock).
    public var grantedAt: Date?
    /// When it lapses unless renewed (database clock).
    public var expiresAt: Date?

    public init(cameraID: String, holder: String?, token: Int64, grantedAt: Date? = nil, expiresAt: Date?) {
        self.cameraID = cameraID
        self.holder = holder
        self.token = token
        self.grantedAt = grantedAt
        self.expiresAt = expiresAt
    }
}
