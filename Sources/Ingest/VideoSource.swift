import CFFmpeg
import ImageKernels
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
    /// Live sources: how RTP travels (RTSP interleaved over TCP survives NAT and loss; UDP has
    /// less latency on a clean LAN).
    public var transport: StreamTransport = .tcp
    /// Live sources: seconds to wait for the camera to answer while connecting.
    public var openTimeout: Double = 10
    /// Live sources: seconds without any data before the stream counts as stalled.
    public var readTimeout: Double = 5
    /// Frames closer than this (seconds of stream time) to the last delivered one are decoded
    /// but neither scaled nor delivered (counted in ``VideoSource/framesSkipped``); 0 = every frame.
    public var minimumFrameInterval: Double = 0
    /// Live sources: frames that arrive more than this many seconds after their capture time (the
    /// backlog a camera or server sends after a freeze) are decoded but skipped, so analysis jumps
    /// back to live instead of working through old frames (counted in ``VideoSource/framesStale``).
    public var maximumDelay: Double = 1

    public init(workingWidth: Int = 640, decoderThreads: Int = 0, frameThreads: Bool = true, maxConsecutiveErrors: Int = 200) {
        self.workingWidth = workingWidth
        self.decoderThreads = decoderThreads
        self.frameThreads = frameThreads
        self.maxConsecutiveErrors = maxConsecutiveErrors
    }
}

/// How RTP packets of a live stream travel.
public enum StreamTransport: String, Sendable, Hashable, CaseIterable, Codable {
    case tcp, udp
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
    /// The source as given, with any password replaced by `***`: safe to log.
    public let source: String
    /// True for network streams (RTSP…): timeouts apply, the end of data is a lost connection,
    /// and frames carry wall-clock capture times.
    public let isLive: Bool
    public private(set) var info: StreamInfo
    /// Packets the decoder rejected and frames it could only conceal (skipped, not fatal).
    public private(set) var corruptPackets = 0
    /// Frames decoded and delivered.
    public private(set) var framesDelivered = 0
    /// Good frames the decoder produced, delivered or skipped.
    public private(set) var framesDecoded = 0
    /// Frames decoded but not delivered because of ``IngestConfiguration/minimumFrameInterval``.
    public private(set) var framesSkipped = 0
    /// Live frames skipped because they arrived more than ``IngestConfiguration/maximumDelay``
    /// late (also counted in ``framesSkipped``).
    public private(set) var framesStale = 0
    /// Times the stream changed frame size or pixel format mid-way (the scaler was rebuilt and
    /// ``VideoFrame/generation`` went up: analysis must start over).
    public private(set) var parameterChanges = 0

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
    private let interrupt: StreamInterrupt
    private var nextDue = -Double.infinity
    /// Live capture clock: wall time ≈ pts + offset, offset being the smallest (arrival − pts)
    /// seen, i.e. the frame that arrived with the least delay.
    private var clockOffset: Double?
    /// Since when (wall time) every frame has arrived late, and how late the first of them was
    /// (`nil` while frames are on time).
    private var lateSince: (at: Double, offset: Double)?
    /// Set once a read timed out or the connection broke: closing then waits on nothing.
    private var connectionDead = false

    /// Opens `source` (a file path or a URL FFmpeg understands) and prepares its decoder.
    ///
    /// For live sources `credentials` are put into the URL for FFmpeg only; `interrupt` lets
    /// another thread abandon a blocked open or read (otherwise one is made internally).
    public init(
        _ source: String, configuration: IngestConfiguration = IngestConfiguration(),
        credentials: (username: String, password: String)? = nil, interrupt: StreamInterrupt = StreamInterrupt()
    ) throws {
        guard configuration.workingWidth >= 32, configuration.workingWidth <= 8192 else {
            throw IngestError.invalidConfiguration("working width \(configuration.workingWidth) is outside 32…8192")
        }
        _ = Self.logLevelSet
        self.source = StreamURL.redacted(source)
        self.configuration = configuration
        self.interrupt = interrupt
        isLive = StreamURL.isLive(source)
        if StreamURL.scheme(source) == nil {
            var st = stat()
            guard stat(source, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
                throw IngestError.fileNotFound(path: source)
            }
        }
        let url = credentials.map { StreamURL.withCredentials(source, username: $0.username, password: $0.password) } ?? source
        let shown = self.source

        guard var fmt = avformat_alloc_context() else { throw IngestError.openFailed(source: shown, reason: "out of memory") }
        fmt.pointee.interrupt_callback = interrupt.callback()
        var options: OpaquePointer? = nil
        defer { av_dict_free(&options) }
        if isLive {
            if StreamURL.scheme(source)?.hasPrefix("rtsp") == true {
                av_dict_set(&options, "rtsp_transport", configuration.transport.rawValue, 0)
                if configuration.transport == .udp { av_dict_set(&options, "buffer_size", "4194304", 0) }
            }
            // Socket I/O timeout (µs), a backstop only: the interrupt deadlines (armed below and
            // before every read) end waits first, so the error says which wait it was.
            let backstop = max(configuration.openTimeout, configuration.readTimeout) + 1
            av_dict_set(&options, "timeout", String(Int64(backstop * 1_000_000)), 0)
            av_dict_set(&options, "analyzeduration", "2000000", 0)
            interrupt.arm(seconds: configuration.openTimeout)
        }
        var opened: UnsafeMutablePointer<AVFormatContext>? = fmt
        var rc = avformat_open_input(&opened, url, nil, &options)
        guard rc >= 0, let ready = opened else {
            // avformat_open_input frees the context on failure.
            let error = Self.openError(rc, source: shown, interrupt: interrupt, configuration: configuration, stage: "connecting")
            interrupt.disarm()
            throw error
        }
        fmt = ready
        format = fmt
        // From here on `deinit` frees what was made, including on a throw below.
        info = StreamInfo(codec: "", sourceWidth: 0, sourceHeight: 0, workingWidth: 0, workingHeight: 0, framesPerSecond: 0)
        streamIndex = -1
        timeBase = 0
        startTime = 0

        rc = avformat_find_stream_info(fmt, nil)
        guard rc >= 0 else {
            // Classified before disarming, as for the open: the deadline may be why it failed.
            let timedOut = rc == kf_averror_exit() || interrupt.isCancelled || interrupt.expired
            let error = timedOut
                ? Self.openError(rc, source: shown, interrupt: interrupt, configuration: configuration, stage: "reading stream information")
                : IngestError.openFailed(source: shown, reason: "no stream information: \(FFmpegResult.message(rc))")
            interrupt.disarm()
            throw error
        }
        interrupt.disarm()
        var decoderPointer: UnsafePointer<AVCodec>? = nil
        let index = av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, &decoderPointer, 0)
        if index == kf_averror_stream_not_found() {
            throw IngestError.noVideoStream(source: shown)
        }
        guard index >= 0, let stream = fmt.pointee.streams[Int(index)] else {
            if index == kf_averror_decoder_not_found() {
                throw IngestError.unsupportedCodec(source: shown, codec: "unknown")
            }
            throw IngestError.noVideoStream(source: shown)
        }
        let parameters = stream.pointee.codecpar!
        let codecName = String(cString: avcodec_get_name(parameters.pointee.codec_id))
        guard let decoderPointer else {
            throw IngestError.unsupportedCodec(source: shown, codec: codecName)
        }
        guard let ctx = avcodec_alloc_context3(decoderPointer) else {
            throw IngestError.decoderFailed(source: shown, reason: "out of memory")
        }
        codec = ctx
        rc = avcodec_parameters_to_context(ctx, parameters)
        guard rc >= 0 else { throw IngestError.decoderFailed(source: shown, reason: FFmpegResult.message(rc)) }
        ctx.pointee.thread_count = Int32(max(0, configuration.decoderThreads))
        ctx.pointee.thread_type = configuration.frameThreads ? kf_thread_type_frame_and_slice() : kf_thread_type_slice()
        ctx.pointee.pkt_timebase = stream.pointee.time_base
        rc = avcodec_open2(ctx, decoderPointer, nil)
        guard rc >= 0 else { throw IngestError.decoderFailed(source: shown, reason: FFmpegResult.message(rc)) }

        packet = av_packet_alloc()
        decoded = av_frame_alloc()
        guard packet != nil, decoded != nil else { throw IngestError.decoderFailed(source: shown, reason: "out of memory") }

        streamIndex = index
        let tb = stream.pointee.time_base
        timeBase = tb.den != 0 ? Double(tb.num) / Double(tb.den) : 0
        startTime = stream.pointee.start_time == kf_nopts_value() ? 0 : stream.pointee.start_time

        let width = Int(parameters.pointee.width), height = Int(parameters.pointee.height)
        guard width > 0, height > 0 else {
            throw IngestError.decoderFailed(source: shown, reason: "stream reports no frame size")
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

    /// FFmpeg's own console messages stay quiet: every failure reaches the user as an
    /// ``IngestError`` (and the logs) in words that name the camera. `KINFINDER_FFMPEG_LOG=1`
    /// brings FFmpeg's messages back for debugging.
    private static let logLevelSet: Void = {
        let verbose = getenv("KINFINDER_FFMPEG_LOG").map { String(cString: $0) != "0" } ?? false
        av_log_set_level(verbose ? AV_LOG_WARNING : AV_LOG_FATAL)
    }()

    /// Turns a failed open into an error a user can act on.
    private static func openError(
        _ rc: Int32, source: String, interrupt: StreamInterrupt, configuration: IngestConfiguration, stage: String
    ) -> IngestError {
        // The RTSP client turns an interrupted wait into other codes (often "invalid data"), so
        // the interrupt's own state decides first.
        if interrupt.isCancelled { return .cancelled(source: source) }
        if rc == kf_averror_exit() || interrupt.expired {
            return .timedOut(source: source, seconds: configuration.openTimeout, stage: stage)
        }
        if rc == kf_averror_http_unauthorized() || rc == kf_averror_http_forbidden() {
            return .authenticationRefused(source: source)
        }
        if rc == kf_averror_http_not_found() { return .streamNotFound(source: source) }
        for e in [ECONNREFUSED, EHOSTUNREACH, ENETUNREACH, EHOSTDOWN, ECONNRESET] where rc == kf_averror_errno(e) {
            return .unreachable(source: source, reason: FFmpegResult.message(rc))
        }
        if rc == kf_averror_errno(ETIMEDOUT) {
            return .timedOut(source: source, seconds: configuration.openTimeout, stage: stage)
        }
        if rc == kf_averror_errno(EIO), StreamURL.isLive(source) {
            // Name resolution failures arrive as EIO from the tcp protocol.
            return .unreachable(source: source, reason: FFmpegResult.message(rc))
        }
        return .openFailed(source: source, reason: FFmpegResult.message(rc))
    }

    deinit {
        if scaler != nil { sws_freeContext(scaler) }
        if decoded != nil { av_frame_free(&decoded) }
        if packet != nil { av_packet_free(&packet) }
        if codec != nil { avcodec_free_context(&codec) }
        if format != nil {
            // Closing an RTSP session sends TEARDOWN: on a connection that timed out or broke it
            // must not wait (the camera's reconnection waits on this), a healthy one gets a second.
            if isLive { interrupt.arm(seconds: connectionDead ? 0.001 : 1) }
            avformat_close_input(&format)
            if isLive { interrupt.disarm() }
        }
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
                framesDecoded += 1
                consecutiveErrors = 0
                let pts = presentationTime(decoded)
                guard let captured = captureTime(pts: pts) else {
                    framesStale += 1
                    framesSkipped += 1
                    continue
                }
                let interval = configuration.minimumFrameInterval
                if interval > 0 {
                    // Deliver on a grid of due times (2 ms of timestamp jitter tolerated), so the
                    // average rate is the asked one; after a gap the grid restarts at the frame.
                    guard pts >= nextDue - 0.002 else {
                        framesSkipped += 1
                        continue
                    }
                    nextDue = pts - nextDue < interval ? nextDue + interval : pts + interval
                }
                try convert(decoded, into: &frame)
                frame.pts = pts
                frame.capturedAt = captured
                frame.generation = parameterChanges
                frame.index = framesDelivered
                framesDelivered += 1
                return true
            case .endOfStream:
                finished = true
                if isLive { throw IngestError.connectionLost(source: source, reason: "the stream ended") }
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
                if isLive { throw IngestError.connectionLost(source: source, reason: "the stream ended") }
                return false
            }
            if isLive { interrupt.arm(seconds: configuration.readTimeout) }
            let code = av_read_frame(format, packet)
            let expired = isLive && interrupt.expired
            if isLive { interrupt.disarm() }
            // FFmpeg's RTSP client answers the interrupted wait with the packets still held in its
            // reordering queue (code 0), and waits the whole timeout again on the next call: a
            // deadline that passed during the call is a timeout whatever the call returned
            // (measured: a silent server was noticed after 2 × read_timeout without this).
            if code == kf_averror_exit() || (isLive && (interrupt.isCancelled || expired) && (code < 0 || expired)) {
                if code >= 0 { av_packet_unref(packet) }
                connectionDead = true
                throw interrupt.isCancelled
                    ? IngestError.cancelled(source: source)
                    : IngestError.timedOut(source: source, seconds: configuration.readTimeout, stage: "reading")
            }
            let readResult = FFmpegResult(code)
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
                if isLive {
                    connectionDead = true
                    throw IngestError.connectionLost(source: source, reason: FFmpegResult.message(code))
                }
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
            if scalerInput.format >= 0 { parameterChanges += 1 }
            scalerInput = (w, h, f)
            info.sourceWidth = Int(w)
            info.sourceHeight = Int(h)
            info.workingWidth = ww
            info.workingHeight = wh
        }
        frame.resize(width: info.workingWidth, height: info.workingHeight)
        if f == AV_PIX_FMT_YUV420P.rawValue, Int(w) == 2 * frame.width, Int(h) == 2 * frame.height, frame.width % 2 == 0, frame.height % 2 == 0 {
            // Exactly half size (1280x720 → 640x360): a 2×2 box average per plane, which is what
            // an area scaler computes here, at a fraction of libswscale's cost (profiled: 20 % of
            // the 720p pipeline went to sws).
            halve(src, into: &frame)
            return
        }
        let cw = Int32(frame.chromaWidth), yw = Int32(frame.width)
        let rc = frame.y.withUnsafeMutableBufferPointer { y in
            frame.u.withUnsafeMutableBufferPointer { u in
                frame.v.withUnsafeMutableBufferPointer { v in
                    kf_sws_scale_to_planes(scaler, src, y.baseAddress, yw, u.baseAddress, cw, v.baseAddress, cw)
                }
            }
        }
        guard rc > 0 else { throw IngestError.scalerFailed(reason: FFmpegResult.message(rc)) }
    }

    private func halve(_ src: UnsafeMutablePointer<AVFrame>, into frame: inout VideoFrame) {
        let w = Int(src.pointee.width), h = Int(src.pointee.height)
        func plane(_ i: Int32, _ pw: Int, _ ph: Int, _ out: inout [UInt8]) {
            let stride = Int(kf_frame_linesize(src, i))
            guard let base = kf_frame_plane(src, i) else { return }
            let input = UnsafeBufferPointer(start: base, count: stride * (ph - 1) + pw)
            out.withUnsafeMutableBufferPointer { Downsample.box2x2(input, width: pw, height: ph, stride: stride, into: $0) }
        }
        plane(0, w, h, &frame.y)
        plane(1, w / 2, h / 2, &frame.u)
        plane(2, w / 2, h / 2, &frame.v)
    }

    /// Seconds from the start of the stream.
    private func presentationTime(_ src: UnsafeMutablePointer<AVFrame>) -> Double {
        let ts = src.pointee.best_effort_timestamp
        if ts != kf_nopts_value(), timeBase > 0 { return Double(ts - startTime) * timeBase }
        return Double(framesDecoded - 1) / (info.framesPerSecond > 0 ? info.framesPerSecond : 25)
    }

    /// Wall-clock seconds (Unix time) the frame was captured. Files: when it was decoded. Live:
    /// the stream's own timing anchored to the frame that arrived with the least delay, so network
    /// jitter and decoder buffering do not wobble it; a jump of the stream clock re-anchors.
    ///
    /// `nil` for a live frame that arrives more than `maximumDelay` late: part of the backlog a
    /// camera or server sends after a freeze, skipped to get back to live while the backlog drains
    /// (each second, frames arrive at least half a second less late). When they keep arriving late
    /// without catching up, it is not a backlog: the sender's clock moved (it paused and went on at
    /// its normal pace) or decoding is slower than the stream. Then the clock re-anchors and frames
    /// count as live again: late frames are better than none.
    private func captureTime(pts: Double) -> Double? {
        let now = Double(av_gettime()) / 1_000_000
        guard isLive else { return now }
        let offset = now - pts
        guard let current = clockOffset, offset >= current, offset - current < 10 else {
            clockOffset = offset
            lateSince = nil
            return now
        }
        guard offset - current > configuration.maximumDelay else {
            lateSince = nil
            return pts + current
        }
        let since = lateSince ?? (now, offset)
        lateSince = since
        guard now - since.at > 1 else { return nil }
        if offset < since.offset - 0.5 {
            lateSince = (now, offset)  // draining: keep skipping
            return nil
        }
        clockOffset = offset
        lateSince = nil
        return now
    }
}

