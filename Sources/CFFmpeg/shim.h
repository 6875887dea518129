// The one C boundary of Kinfinder: FFmpeg 5.1 (Debian 12).
// What Swift cannot import (function-like macros, fixed arrays that arrive as tuples) is
// wrapped here in prefixed static inline functions. Internal to the Ingest module.
#ifndef KINFINDER_CFFMPEG_SHIM_H
#define KINFINDER_CFFMPEG_SHIM_H

#include <errno.h>
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
#include <libavutil/error.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libavutil/time.h>
#include <libswscale/swscale.h>

static inline int kf_averror_eagain(void) { return AVERROR(EAGAIN); }
static inline int kf_averror_eof(void) { return AVERROR_EOF; }
static inline int kf_averror_invaliddata(void) { return AVERROR_INVALIDDATA; }
static inline int kf_averror_enomem(void) { return AVERROR(ENOMEM); }
static inline int kf_averror_stream_not_found(void) { return AVERROR_STREAM_NOT_FOUND; }
static inline int kf_averror_decoder_not_found(void) { return AVERROR_DECODER_NOT_FOUND; }
static inline int64_t kf_nopts_value(void) { return AV_NOPTS_VALUE; }
static inline int kf_averror_exit(void) { return AVERROR_EXIT; }
static inline int kf_averror_http_unauthorized(void) { return AVERROR_HTTP_UNAUTHORIZED; }
static inline int kf_averror_http_forbidden(void) { return AVERROR_HTTP_FORBIDDEN; }
static inline int kf_averror_http_not_found(void) { return AVERROR_HTTP_NOT_FOUND; }
static inline int kf_averror_errno(int e) { return AVERROR(e); }

/// Human-readable text for an FFmpeg error code (av_err2str is a macro with a compound literal).
static inline void kf_error_string(int code, char *buffer, size_t size) {
    if (av_strerror(code, buffer, size) < 0) {
        snprintf(buffer, size, "FFmpeg error %d", code);
    }
}

/// Scales/converts `src` into three caller-owned planes (8-bit planar YUV).
static inline int kf_sws_scale_to_planes(struct SwsContext *ctx, const AVFrame *src,
                                         uint8_t *y, int y_stride,
                                         uint8_t *u, int u_stride,
                                         uint8_t *v, int v_stride) {
    uint8_t *dst[4] = {y, u, v, NULL};
    int strides[4] = {y_stride, u_stride, v_stride, 0};
    return sws_scale(ctx, (const uint8_t *const *)src->data, src->linesize, 0, src->height, dst, strides);
}

/// Scales three caller-owned planes (8-bit planar YUV) into an allocated frame.
static inline int kf_sws_scale_planes_to_frame(struct SwsContext *ctx,
                                               const uint8_t *y, int y_stride,
                                               const uint8_t *u, int u_stride,
                                               const uint8_t *v, int v_stride,
                                               int src_height, AVFrame *dst) {
    const uint8_t *src[4] = {y, u, v, NULL};
    int strides[4] = {y_stride, u_stride, v_stride, 0};
    return sws_scale(ctx, src, strides, 0, src_height, dst->data, dst->linesize);
}

/// Fills an encoder input frame's planes from caller-owned planes (8-bit planar YUV 4:2:0).
static inline void kf_frame_set_planes(AVFrame *frame, uint8_t *y, int y_stride,
                                       uint8_t *u, int u_stride, uint8_t *v, int v_stride) {
    frame->data[0] = y; frame->linesize[0] = y_stride;
    frame->data[1] = u; frame->linesize[1] = u_stride;
    frame->data[2] = v; frame->linesize[2] = v_stride;
}

static inline const uint8_t *kf_frame_plane(const AVFrame *frame, int plane) { return frame->data[plane]; }
static inline int kf_frame_linesize(const AVFrame *frame, int plane) { return frame->linesize[plane]; }

/// True when the decoder marked the frame as damaged (concealed errors, missing references).
static inline int kf_frame_is_corrupt(const AVFrame *frame) {
    return (frame->flags & AV_FRAME_FLAG_CORRUPT) != 0 || frame->decode_error_flags != 0;
}

static inline int kf_thread_type_frame_and_slice(void) { return FF_THREAD_FRAME | FF_THREAD_SLICE; }
static inline int kf_thread_type_slice(void) { return FF_THREAD_SLICE; }
static inline int kf_flag_qscale(void) { return AV_CODEC_FLAG_QSCALE; }
static inline int kf_lambda_for_quality(int q) { return q * FF_QP2LAMBDA; }

#endif
