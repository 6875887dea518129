import CFFmpeg

/// Encodes a small planar YUV 4:2:0 image (limited range, as decoded) to JPEG with libavcodec's
/// MJPEG encoder, enlarging it to at least `minimumHeight` so a grid worker can see the person.
///
/// Stateless: each call builds and frees its own encoder (snapshots are rare: one per incident).
public struct JPEGEncoder: Sendable {
    /// JPEG quantiser scale, 2 (best) … 31 (smallest).
    public var quality: Int = 3
    /// Snapshots smaller than this are enlarged (bicubic) up to `maximumScale`.
    public var minimumHeight: Int = 320
    public var maximumScale: Int = 4

    public init(quality: Int = 3, minimumHeight: Int = 320, maximumScale: Int = 4) {
        self.quality = quality
        self.minimumHeight = minimumHeight
        self.maximumScale = maximumScale
    }

    /// How many times an image `height` pixels tall is enlarged (the JPEG is that many times its size).
    public func scale(forHeight height: Int) -> Int {
        max(1, min(maximumScale, (minimumHeight + height - 1) / max(1, height)))
    }

    /// JPEG bytes of the image whose planes are tightly packed (`width` luma stride,
    /// `(width + 1) / 2` chroma stride).
    public func encode(width: Int, height: Int, y: [UInt8], u: [UInt8], v: [UInt8]) throws -> [UInt8] {
        let cw = (width + 1) / 2, ch = (height + 1) / 2
        guard width >= 2, height >= 2, y.count >= width * height, u.count >= cw * ch, v.count >= cw * ch else {
            throw IngestError.encoderFailed(reason: "image \(width)x\(height) with planes \(y.count)/\(u.count)/\(v.count) bytes is malformed")
        }
        let scale = scale(forHeight: height)
        let outW = Int32((width * scale) & ~1), outH = Int32((height * scale) & ~1)

        guard let encoder = avcodec_find_encoder(AV_CODEC_ID_MJPEG) else {
            throw IngestError.encoderFailed(reason: "this FFmpeg has no MJPEG encoder")
        }
        var ctx = avcodec_alloc_context3(encoder)
        var frame = av_frame_alloc()
        var packet = av_packet_alloc()
        let sws = sws_getContext(
            Int32(width), Int32(height), AV_PIX_FMT_YUV420P, outW, outH, AV_PIX_FMT_YUVJ420P,
            scale > 1 ? SWS_BICUBIC : SWS_POINT, nil, nil, nil)
        defer {
            sws_freeContext(sws)
            av_packet_free(&packet)
            av_frame_free(&frame)
            avcodec_free_context(&ctx)
        }
        guard let ctx, let frame, let packet, sws != nil else {
            throw IngestError.encoderFailed(reason: "out of memory")
        }
        ctx.pointee.width = outW
        ctx.pointee.height = outH
        ctx.pointee.pix_fmt = AV_PIX_FMT_YUVJ420P
        ctx.pointee.time_base = AVRational(num: 1, den: 25)
        ctx.pointee.flags |= kf_flag_qscale()
        ctx.pointee.global_quality = kf_lambda_for_quality(Int32(min(31, max(2, quality))))
        try check(avcodec_open2(ctx, encoder, nil), "opening the encoder")

        frame.pointee.width = outW
        frame.pointee.height = outH
        frame.pointee.format = AV_PIX_FMT_YUVJ420P.rawValue
        try check(av_frame_get_buffer(frame, 0), "allocating the frame")
        let rc = y.withUnsafeBufferPointer { yp in
            u.withUnsafeBufferPointer { up in
                v.withUnsafeBufferPointer { vp in
                    kf_sws_scale_planes_to_frame(
                        sws, yp.baseAddress, Int32(width), up.baseAddress, Int32(cw), vp.baseAddress, Int32(cw),
                        Int32(height), frame)
                }
            }
        }
        try check(rc, "converting the image")
        frame.pointee.quality = ctx.pointee.global_quality
        frame.pointee.pts = 0

        try check(avcodec_send_frame(ctx, frame), "sending the frame")
        try check(avcodec_send_frame(ctx, nil), "flushing")
        var bytes: [UInt8] = []
        while true {
            let r = FFmpegResult(avcodec_receive_packet(ctx, packet))
            switch r {
            case .ok:
                let n = Int(packet.pointee.size)
                if let data = packet.pointee.data, n > 0 {
                    bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: n))
                }
                av_packet_unref(packet)
            case .again, .endOfStream:
                guard !bytes.isEmpty else { throw IngestError.encoderFailed(reason: "the encoder produced no data") }
                return bytes
            case .invalidData, .failure:
                throw IngestError.encoderFailed(reason: FFmpegResult.message(r.code))
            }
        }
    }

    private func check(_ code: Int32, _ what: String) throws {
        if code < 0 { throw IngestError.encoderFailed(reason: "\(what): \(FFmpegResult.message(code))") }
    }
}

extension FFmpegResult {
    var code: Int32 {
        switch self {
        case .ok(let c), .failure(let c): c
        case .again: kf_averror_eagain()
        case .endOfStream: kf_averror_eof()
        case .invalidData: kf_averror_invaliddata()
        }
    }
}
