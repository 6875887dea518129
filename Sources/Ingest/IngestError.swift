/// Everything that can go wrong while opening or decoding a video, in words a user can act on.
/// Sources in these errors are already redacted (no passwords).
public enum IngestError: Error, CustomStringConvertible, Equatable {
    case fileNotFound(path: String)
    case openFailed(source: String, reason: String)
    case noVideoStream(source: String)
    case unsupportedCodec(source: String, codec: String)
    case decoderFailed(source: String, reason: String)
    case scalerFailed(reason: String)
    case readFailed(source: String, reason: String)
    case tooManyErrors(source: String, count: Int)
    case invalidConfiguration(String)
    case encoderFailed(reason: String)
    /// Nothing answers at that address (connection refused, no route, unknown host).
    case unreachable(source: String, reason: String)
    /// The camera answered and refused the credentials (RTSP 401/403).
    case authenticationRefused(source: String)
    /// The camera answered but has no stream at that path (RTSP 404).
    case streamNotFound(source: String)
    /// No answer within the timeout while `stage` ("connecting", "reading").
    case timedOut(source: String, seconds: Double, stage: String)
    /// The live stream ended or the connection broke after it had been playing.
    case connectionLost(source: String, reason: String)
    /// Asked to stop (shutdown, camera removed).
    case cancelled(source: String)

    public var description: String {
        switch self {
        case .fileNotFound(let path):
            "video file not found: \(path)"
        case .openFailed(let source, let reason):
            "cannot open \(source): \(reason)"
        case .noVideoStream(let source):
            "\(source) has no video stream"
        case .unsupportedCodec(let source, let codec):
            "\(source): no decoder for codec '\(codec)' in this FFmpeg build"
        case .decoderFailed(let source, let reason):
            "\(source): the decoder could not be started: \(reason)"
        case .scalerFailed(let reason):
            "cannot convert frames to the working size: \(reason)"
        case .readFailed(let source, let reason):
            "reading \(source) failed: \(reason)"
        case .tooManyErrors(let source, let count):
            "\(source): gave up after \(count) corrupt packets in a row"
        case .invalidConfiguration(let what):
            "invalid ingest configuration: \(what)"
        case .encoderFailed(let reason):
            "JPEG encoding failed: \(reason)"
        case .unreachable(let source, let reason):
            "\(source) is unreachable: \(reason)"
        case .authenticationRefused(let source):
            "\(source) refused the credentials (check username and password)"
        case .streamNotFound(let source):
            "\(source): the server has no stream at that path"
        case .timedOut(let source, let seconds, let stage):
            "\(source): no answer for \(formatSeconds(seconds)) s while \(stage)"
        case .connectionLost(let source, let reason):
            "\(source): connection lost: \(reason)"
        case .cancelled(let source):
            "\(source): stopped on request"
        }
    }
}

extension IngestError {
    /// Whether trying again later can help: network trouble can pass; a wrong path, refused
    /// credentials or a codec this build cannot decode need a person to fix the configuration.
    public var isTransient: Bool {
        switch self {
        case .unreachable, .timedOut, .connectionLost, .readFailed, .tooManyErrors, .openFailed, .decoderFailed:
            true
        case .authenticationRefused, .streamNotFound, .unsupportedCodec, .fileNotFound, .noVideoStream,
            .invalidConfiguration, .scalerFailed, .encoderFailed, .cancelled:
            false
        }
    }
}

private func formatSeconds(_ s: Double) -> String {
    s == s.rounded() ? String(Int(s)) : String(Double(Int(s * 10)) / 10)
}
