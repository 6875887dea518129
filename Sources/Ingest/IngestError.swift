/// Everything that can go wrong while opening or decoding a video, in words a user can act on.
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
        }
    }
}
