import CFFmpeg
#if canImport(Glibc)
import Glibc
#endif

/// How frames are decoded and brought to the working size.
public struct IngestConfiguration: Sendable, Hashable {
    /// Width of the frames handed to analysis; height follows the aspect ratio (rounded to even).
    /// Sources narrower than this are not enlarged.
    public var workingWidth: Int = 640
    /// Decoder threads; 0 lets FFmpeg pick one per core.
    public var decoderThreads: Int = 0
    /// Frame threading adds a few frames of latency but doubles decode speed on files; live
    /// sources use slice threads only.
    public var frameThreads: Bool = true
    /// Consecutive corrupt packets tolerated before giving up on the source.
    public var maxConsecutiveErrors: Int = 200

    public init(workingWidth: Int = 640, decoderThreads: Int = 0, frameThreads: Bool = true, maxConsecutiveErrors: Int = 200) {
        self.workingWidth = workingWidth
        self.decoderThreads = decoderThreads
        self.frameThreads = frameThreads
        self.maxConsecutiveErrors = maxConsecutiveErrors
    }
}

/// What the source is, as far as the container says.
public struct StreamInfo: Sendable, Hashable {
    public var codec: String
    public var sourceWidth: Int
    public var sourceHeight: Int
    public var workingWidth: Int
    public var workingHeight: Int
    /// Average frame rate, or 0 when unknown.
    public var framesPerSecond: Double
    /// Duration in seconds, or `nil` for live or unknown.
    public var duration: Double?
    /// Frame count from the container, or estimated from duration × rate; `nil` when unknown.
    public var estimatedFrames: Int?
}

/// A video file or stream decoded frame by frame: libavformat demuxes, libavcodec decodes (with
/// threads), libswscale converts to the working size as planar YUV 4:2:0.
///
/// Owns every FFmpeg object it creates and frees them in `deinit`. Not `Sendable`: one pipeline
/// task owns a source for its whole life.
public final class VideoSource {
    public let source: String
    public private(set) var info: StreamInfo
    /// Packets the decoder rejected and frames it could only conceal (skipped, not fatal).
    public private(set) var corruptPackets = 0
    /// Frames decoded and delivered.
    public private(set) var framesDelivered = 0

    private let configuration: IngestConfiguration
    private var format: UnsafeMutablePointer<AVFormatContext>?
    private var codec: UnsafeMutablePointer<AVCodecContext>?
    private var packet: UnsafeMutablePointer<AVPacket>?
    private var decoded: UnsafeMutablePointer<AVFrame>?
    private var scaler: OpaquePointer?
    private var scalerInput: (width: Int32, height: Int32, format: Int32) = (0, 0, -1)
    private var streamIndex: Int32
    private var timeBase: Double
    private var startTime: Int64
    private var draining = false
    private var finished = false
    private var consecutiveErrors = 0

    /// Opens `source` (a file path or a URL FFmpeg understands) and prepares its decoder.
    public init(_ source: String, configuration: IngestConfiguration = IngestConfiguration()) throws {
        guard configuration.workingWidth >= 32, configuration.workingWidth <= 8192 else {
            throw IngestError.invalidConfiguration("working width \(configuration.workingWidth) is outside 32…8192")
        }
        self.source = source
        self.configuration = configuration
        if !source.contains("://") {
            var st = stat()
            guard stat(source, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
                throw IngestError.fileNotFound(path: source)
            }
        }

        var fmt: UnsafeMutablePointer<AVFormatContext>? = nil
        var rc = avformat_open_input(&fmt, source, nil, nil)
        guard rc >= 0, let fmt else {
            throw IngestError.openFailed(source: source, reason: FFmpegResult.message(rc))
        }
        format = fmt
        // From here on `deinit` frees what was made, including on a throw below.
        info = StreamInfo(codec: "", sourceWidth: 0, sourceHeight: 0, workingWidth: 0, workingHeight: 0, framesPerSecond: 0)
        streamIndex = -1
        timeBase = 0
        startTime = 0

        rc = avformat_find_stream_info(fmt, nil)
        guard rc >= 0 else {
            throw IngestError.openFailed(source: source, reason: "no stream information: \(FFmpegResult.message(rc))")
        }
        var decoderPointer: UnsafePointer<AVCodec>? = nil
        let index = av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, &decoderPointer, 0)
        if index == kf_averror_stream_not_found() {
            throw IngestError.noVideoStream(source: source)
        }
        guard index >= 0, let stream = fmt.pointee.streams[Int(index)] else {
            if index == kf_averror_decoder_not_found() {
                throw IngestError.unsupportedCodec(source: source, codec: "unknown")
            }
            throw IngestError.noVideoStream(source: source)
        }
        let parameters = stream.pointee.codecpar!
        let codecName = String(cString: avcodec_get_name(parameters.pointee.codec_id))
        guard let decoderPointer else {
            throw IngestError.unsupportedCodec(source: source, codec: codecName)
        }
        guard let ctx = avcodec_alloc_context3(decoderPointer) else {
            throw IngestError.decoderFailed(source: source, reason: "out of memory")
        }
        codec = ctx
        rc = avcodec_parameters_to_context(ctx, parameters)
        guard rc >= 0 else { throw IngestError.decoderFailed(source: source, reason: FFmpegResult.message(rc)) }
        ctx.pointee.thread_count = Int32(max(0, configuration.decoderThreads))
        ctx.pointee.thread_type = configuration.frameThreads ? kf_thread_type_frame_and_slice() : kf_thread_type_slice()
        ctx.pointee.pkt_timebase = stream.pointee.time_base
        rc = avcodec_open2(ctx, decoderPointer, nil)
        guard rc >= 0 else { throw IngestError.decoderFailed(source: source, reason: FFmpegResult.message(rc)) }

        packet = av_packet_alloc()
        decoded = av_frame_alloc()
        guard packet != nil, decoded != nil else { throw IngestError.decoderFailed(source: source, reason: "out of memory") }

        streamIndex = index
        let tb = stream.pointee.time_base
        timeBase = tb.den != 0 ? Double(tb.num) / Double(tb.den) : 0
        startTime = stream.pointee.start_time == kf_nopts_value() ? 0 : stream.pointee.start_time

        let width = Int(parameters.pointee.width), height = Int(parameters.pointee.height)
        guard width > 0, height > 0 else {
            throw IngestError.decoderFailed(source: source, reason: "stream reports no frame size")
        }
        let (ww, wh) = Self.workingSize(width: width, height: height, maxWidth: configuration.workingWidth)
        let rate = stream.pointee.avg_frame_rate.den != 0 && stream.pointee.avg_frame_rate.num > 0
            ? Double(stream.pointee.avg_frame_rate.num) / Double(stream.pointee.avg_frame_rate.den)
            : (stream.pointee.r_frame_rate.den != 0 ? Double(stream.pointee.r_frame_rate.num) / Double(stream.pointee.r_frame_rate.den) : 0)
        var duration: Double? = nil
        if stream.pointee.duration != kf_nopts_value(), stream.pointee.duration > 0 {
            duration = Double(stream.pointee.duration) * timeBase
        } else if fmt.pointee.duration != kf_nopts_value(), fmt.pointee.duration > 0 {
            duration = Double(fmt.pointee.duration) / Double(AV_TIME_BASE)
        }
        var frames: Int? = stream.pointee.nb_frames > 0 ? Int(stream.pointee.nb_frames) : nil
        if frames == nil, let duration, rate > 0 { frames = Int((duration * rate).rounded()) }
        info = StreamInfo(
            codec: codecName, sourceWidth: width, sourceHeight: height, workingWidth: ww, workingHeight: wh,
            framesPerSecond: rate, duration: duration, estimatedFrames: frames)
    }

    deinit {
        if scaler != nil { sws_freeContext(scaler) }
        if decoded != nil { av_frame_free(&decoded) }
        if packet != nil { av_packet_free(&packet) }
        if codec != nil { avcodec_free_context(&codec) }
        if format != nil { avformat_close_input(&format) }
    }

    /// The working size for a source: at most `maxWidth` wide, aspect kept, both sides even.
    public static func workingSize(width: Int, height: Int, maxWidth: Int) -> (Int, Int) {
        let w = min(width, maxWidth) & ~1
        let h = max(2, Int((Double(height) * Double(w) / Double(width)).rounded()) & ~1)
        return (max(2, w), h)
    }

    /// A frame sized for this source, to pass to ``read(into:)`` again and again.
    public func makeFrame() -> VideoFrame {
        VideoFrame(width: info.workingWidth, height: info.workingHeight)
    }

    /// Decodes the next frame into `frame`, reusing its storage. Returns `false` at the end of the
    /// stream. Corrupt packets are skipped and counted in ``corruptPackets``.
    public func read(into frame: inout VideoFrame) throws -> Bool {
        guard !finished, let codec, let decoded, let packet, let format else { return false }
        while true {
            let received = FFmpegResult(avcodec_receive_frame(codec, decoded))
            switch received {
            case .ok:
                defer { av_frame_unref(decoded) }
                if kf_frame_is_corrupt(decoded) != 0 {
                    // A concealed frame is partly invented by the decoder: analysing it would
                    // show phantom motion. Skip it and count it.
                    try countCorrupt()
                    continue
                }
                try convert(decoded, into: &frame)
                frame.index = framesDelivered
                framesDelivered += 1
                consecutiveErrors = 0
                return true
            case .endOfStream:
                finished = true
                return false
            case .again:
                break
            case .invalidData, .failure:
                try countCorrupt()
                continue
            }
            if draining {
                // A drained decoder that asks for more input has nothing left.
                finished = true
                return false
            }
            let readResult = FFmpegResult(av_read_frame(format, packet))
            switch readResult {
            case .ok:
                defer { av_packet_unref(packet) }
                guard packet.pointee.stream_index == streamIndex else { continue }
                switch FFmpegResult(avcodec_send_packet(codec, packet)) {
                case .ok, .again: break
                case .endOfStream: draining = true
                case .invalidData, .failure: try countCorrupt()
                }
            case .endOfStream:
                draining = true
                _ = avcodec_send_packet(codec, nil)
            case .again:
                continue
            case .invalidData:
                try countCorrupt()
            case .failure(let code):
                throw IngestError.readFailed(source: source, reason: FFmpegResult.message(code))
            }
        }
    }

    private func countCorrupt() throws {
        corruptPackets += 1
        consecutiveErrors += 1
        if consecutiveErrors > configuration.maxConsecutiveErrors {
            throw IngestError.tooManyErrors(source: source, count: consecutiveErrors)
        }
    }

    private func convert(_ src: UnsafeMutablePointer<AVFrame>, into frame: inout VideoFrame) throws {
        let w = src.pointee.width, h = src.pointee.height, f = src.pointee.format
        if scaler == nil || scalerInput != (w, h, f) {
            // First frame, or the stream changed its parameters mid-way: (re)build the scaler.
            let (ww, wh) = Self.workingSize(width: Int(w), height: Int(h), maxWidth: configuration.workingWidth)
            if scaler != nil { sws_freeContext(scaler) }
            let flags = (ww == Int(w) && wh == Int(h)) ? SWS_POINT : SWS_AREA
            scaler = sws_getContext(
                w, h, AVPixelFormat(f), Int32(ww), Int32(wh), AV_PIX_FMT_YUV420P, flags, nil, nil, nil)
            guard scaler != nil else {
                throw IngestError.scalerFailed(reason: "no conversion from \(w)x\(h) format \(f) to \(ww)x\(wh) yuv420p")
            }
            scalerInput = (w, h, f)
            info.sourceWidth = Int(w)
            info.sourceHeight = Int(h)
            info.workingWidth = ww
            info.workingHeight = wh
        }
        frame.resize(width: info.workingWidth, height: info.workingHeight)
        let cw = Int32(frame.chromaWidth), yw = Int32(frame.width)
        let rc = frame.y.withUnsafeMutableBufferPointer { y in
            frame.u.withUnsafeMutableBufferPointer { u in
                frame.v.withUnsafeMutableBufferPointer { v in
                    kf_sws_scale_to_planes(scaler, src, y.baseAddress, yw, u.baseAddress, cw, v.baseAddress, cw)
                }
            }
        }
        guard rc > 0 else { throw IngestError.scalerFailed(reason: FFmpegResult.message(rc)) }
        let ts = src.pointee.best_effort_timestamp
        if ts != kf_nopts_value(), timeBase > 0 {
            frame.pts = Double(ts - startTime) * timeBase
        } else if info.framesPerSecond > 0 {
            frame.pts = Double(framesDelivered) / info.framesPerSecond
        } else {
            frame.pts = Double(framesDelivered) / 25
        }
    }
}

