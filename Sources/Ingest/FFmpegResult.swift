import CFFmpeg

/// The funnel every FFmpeg return code passes through: negative codes become readable text,
/// and "try again" / "end of stream" are results, not errors.
enum FFmpegResult: Equatable {
    case ok(Int32)
    case again
    case endOfStream
    case invalidData
    case failure(Int32)

    init(_ code: Int32) {
        if code >= 0 {
            self = .ok(code)
        } else if code == kf_averror_eagain() {
            self = .again
        } else if code == kf_averror_eof() {
            self = .endOfStream
        } else if code == kf_averror_invaliddata() {
            self = .invalidData
        } else {
            self = .failure(code)
        }
    }

    /// FFmpeg's own words for an error code.
    static func message(_ code: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        kf_error_string(code, &buffer, buffer.count)
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }
}
