/// One decoded frame at the working resolution, as 8-bit planar YUV 4:2:0 (limited range, as the
/// camera sent it). Planes are tightly packed: the luma stride is `width`, the chroma stride
/// `chromaWidth`. Plain Swift arrays, so a frame can cross into the analysis code without any
/// FFmpeg type; the source reuses the same storage for the next frame when nobody else holds it.
public struct VideoFrame: Sendable {
    public private(set) var width: Int
    public private(set) var height: Int
    public var y: [UInt8]
    public var u: [UInt8]
    public var v: [UInt8]
    /// Presentation time in seconds from the start of the stream.
    public var pts: Double
    /// 0-based index of the frame among the frames delivered so far.
    public var index: Int
    /// Wall-clock time (Unix seconds) the frame was captured: for live sources from the stream's
    /// timing, for files the moment it was decoded.
    public var capturedAt: Double
    /// Goes up each time the stream changed its parameters; analysis state from an earlier
    /// generation does not apply to this frame.
    public var generation: Int

    public var chromaWidth: Int { (width + 1) / 2 }
    public var chromaHeight: Int { (height + 1) / 2 }

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
        let cw = (width + 1) / 2, ch = (height + 1) / 2
        y = [UInt8](repeating: 16, count: width * height)
        u = [UInt8](repeating: 128, count: cw * ch)
        v = [UInt8](repeating: 128, count: cw * ch)
        pts = 0
        index = 0
        capturedAt = 0
        generation = 0
    }

    /// Resizes the planes when the working size changes (stream parameters changed).
    mutating func resize(width: Int, height: Int) {
        guard width != self.width || height != self.height else { return }
        self = VideoFrame(width: width, height: height)
    }
}
