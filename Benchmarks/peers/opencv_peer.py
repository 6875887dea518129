#!/usr/bin/env python3
"""OpenCV peer for `kinfinder bench`: the moving-people pipeline a typical OpenCV user would write.

    python opencv_peer.py CLIP --width 640 --out tracks.json [--frames-limit N]

Decode with cv2.VideoCapture, scale down to the working width, MOG2 background subtraction,
shadow threshold, open + close, connected components, a person-size filter, a greedy IoU tracker,
and per-track HSV histograms of the upper and lower body named with 12 basic colour names.
See README.md in this folder for the choices and the output format.
"""
import argparse
import json
import os
import resource
import sys
import time

import cv2
import numpy as np

# The twelve names Kinfinder uses (Sources/Description/ColourName.swift), in its order.
COLOUR_NAMES = ["red", "orange", "yellow", "green", "cyan", "blue", "purple", "pink",
                "brown", "black", "white", "grey"]

# --- settings a user would tune (all in one place) ---------------------------------------------
MOG2_HISTORY = 500
MOG2_VAR_THRESHOLD = 16
SHADOW_VALUE = 127            # MOG2 marks shadows 127, foreground 255
SHADOW_THRESHOLD = 0.65       # OpenCV's default 0.5 calls grey clothing on grey paving "shadow"
OPEN_KERNEL = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3))
CLOSE_KERNEL = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (7, 15))   # tall: joins head, body, legs
MIN_AREA_FRACTION = 0.0005    # blob pixels >= 0.05 % of the frame (~115 px at 640x360)
MAX_AREA_FRACTION = 0.25      # bigger than a quarter of the frame: a lighting change, not a person
MIN_HEIGHT_FRACTION = 0.06    # box at least 6 % of the frame height (~22 px at 360)
MIN_ASPECT, MAX_ASPECT = 1.0, 5.0   # height / width: people stand upright
MATCH_IOU = 0.3
HITS_TO_CONFIRM = 3
MAX_UNSEEN_SECONDS = 1.0
UPPER_ROWS = (0.15, 0.50)     # fractions of the box height
LOWER_ROWS = (0.55, 0.95)
HIST_BINS = [36, 16, 16]      # H (OpenCV 0..179), S, V
HIST_RANGES = [0, 180, 0, 256, 0, 256]


def working_size(width, height, max_width):
    """At most max_width wide (never enlarged), aspect kept, both sides even (like Kinfinder)."""
    w = max(2, min(width, max_width) & ~1)
    h = max(2, int(height * w / width + 0.5) & ~1)   # round half up, as Swift's rounded()
    return w, h


def hsv_name(h, s, v):
    """Colour name of one HSV colour (OpenCV units: h 0..179, s and v 0..255)."""
    if v < 50:
        return "black"
    if s < 40 or (s < 70 and v < 90):       # washed out: achromatic
        if v > 150:
            return "white"
        return "grey" if v > 70 else "black"
    deg = h * 2.0
    if deg < 15 or deg >= 340:
        return "pink" if (s < 130 and v > 150) else "red"
    if deg < 40:
        return "brown" if v < 130 else "orange"
    if deg < 70:
        return "brown" if v < 120 else "yellow"
    if deg < 160:
        return "green"
    if deg < 195:
        return "cyan"
    if deg < 255:
        return "blue"
    if deg < 290:
        return "purple"
    return "pink"


def _bin_name_table():
    """Colour-name index for every bin of the HSV histogram (by the bin centre)."""
    hb, sb, vb = HIST_BINS
    table = np.zeros((hb, sb, vb), np.int32)
    for i in range(hb):
        for j in range(sb):
            for k in range(vb):
                h = (i + 0.5) * 180 / hb
                s = (j + 0.5) * 256 / sb
                v = (k + 0.5) * 256 / vb
                table[i, j, k] = COLOUR_NAMES.index(hsv_name(h, s, v))
    return table


BIN_NAME = _bin_name_table()


def name_histogram(hist):
    """Folds an accumulated HSV histogram into the 12 names; returns ({name: share}, best name)."""
    total = float(hist.sum())
    if total <= 0:
        return {}, None
    shares = np.bincount(BIN_NAME.ravel(), weights=hist.ravel(), minlength=len(COLOUR_NAMES)) / total
    named = {n: round(float(p), 4) for n, p in zip(COLOUR_NAMES, shares)}
    return named, COLOUR_NAMES[int(np.argmax(shares))]


def iou(a, b):
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    iw = min(ax + aw, bx + bw) - max(ax, bx)
    ih = min(ay + ah, by + bh) - max(ay, by)
    if iw <= 0 or ih <= 0:
        return 0.0
    inter = iw * ih
    return inter / float(aw * ah + bw * bh - inter)


class Track:
    def __init__(self, box, frame):
        self.box = box
        self.id = None               # given when confirmed
        self.hits = 1
        self.first_frame = frame
        self.last_frame = frame
        self.upper = np.zeros(HIST_BINS, np.float32)
        self.lower = np.zeros(HIST_BINS, np.float32)


def detect(mask, frame_area, frame_height):
    """Person-sized blobs of a cleaned foreground mask, as (x, y, w, h)."""
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    boxes = []
    for i in range(1, n):
        x, y, w, h, area = (int(v) for v in stats[i])
        if not MIN_AREA_FRACTION * frame_area <= area <= MAX_AREA_FRACTION * frame_area:
            continue
        if h < MIN_HEIGHT_FRACTION * frame_height or not MIN_ASPECT <= h / w <= MAX_ASPECT:
            continue
        boxes.append((x, y, w, h))
    return boxes


def accumulate_colours(track, hsv, mask):
    x, y, w, h = track.box
    for (top, bottom), hist in ((UPPER_ROWS, track.upper), (LOWER_ROWS, track.lower)):
        y0, y1 = y + int(top * h), y + int(bottom * h)
        if y1 <= y0:
            continue
        roi, roi_mask = hsv[y0:y1, x:x + w], mask[y0:y1, x:x + w]
        hist += cv2.calcHist([roi], [0, 1, 2], roi_mask, HIST_BINS, HIST_RANGES)


def update_tracks(tracks, detections, frame, max_unseen, next_id):
    """Greedy IoU association; returns (tracks still alive, tracks that ended, next id)."""
    pairs = sorted(((iou(t.box, d), ti, di) for ti, t in enumerate(tracks)
                    for di, d in enumerate(detections)), reverse=True)
    used_t, used_d = set(), set()
    for score, ti, di in pairs:
        if score < MATCH_IOU:
            break
        if ti in used_t or di in used_d:
            continue
        used_t.add(ti)
        used_d.add(di)
        t = tracks[ti]
        t.box, t.hits, t.last_frame = detections[di], t.hits + 1, frame
        if t.id is None and t.hits >= HITS_TO_CONFIRM:
            t.id, next_id = next_id, next_id + 1
    alive, ended = [], []
    for t in tracks:
        # Tentative tracks must be hit every frame; confirmed ones may coast for max_unseen frames.
        limit = max_unseen if t.id is not None else 0
        (alive if frame - t.last_frame <= limit else ended).append(t)
    for di, d in enumerate(detections):
        if di not in used_d:
            alive.append(Track(d, frame))
    return alive, ended, next_id


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("clip")
    ap.add_argument("--width", type=int, default=640, help="working width (frames are never enlarged)")
    ap.add_argument("--out", required=True, help="where to write the tracks JSON")
    ap.add_argument("--frames-limit", type=int, default=0, help="stop after N frames (0: all)")
    args = ap.parse_args()

    cap = cv2.VideoCapture(args.clip)
    if not cap.isOpened():
        sys.exit(f"opencv-peer: cannot open {args.clip}")
    fps = cap.get(cv2.CAP_PROP_FPS) or 25.0
    src_w, src_h = int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT))
    width, height = working_size(src_w, src_h, args.width)
    max_unseen = max(1, int(round(fps * MAX_UNSEEN_SECONDS)))

    mog2 = cv2.createBackgroundSubtractorMOG2(
        history=MOG2_HISTORY, varThreshold=MOG2_VAR_THRESHOLD, detectShadows=True)
    mog2.setShadowThreshold(SHADOW_THRESHOLD)
    tracks, finished, boxes = [], [], []
    next_id, frames = 1, 0
    decode_s = analysis_s = 0.0

    start = time.perf_counter()
    while not args.frames_limit or frames < args.frames_limit:
        t0 = time.perf_counter()
        ok, img = cap.read()
        if not ok:
            break
        if img.shape[1] != width or img.shape[0] != height:
            img = cv2.resize(img, (width, height), interpolation=cv2.INTER_AREA)
        t1 = time.perf_counter()

        fg = mog2.apply(img)
        _, fg = cv2.threshold(fg, SHADOW_VALUE, 255, cv2.THRESH_BINARY)   # drop shadows
        fg = cv2.morphologyEx(fg, cv2.MORPH_OPEN, OPEN_KERNEL)
        fg = cv2.morphologyEx(fg, cv2.MORPH_CLOSE, CLOSE_KERNEL)
        detections = detect(fg, width * height, height)
        tracks, ended, next_id = update_tracks(tracks, detections, frames, max_unseen, next_id)
        finished += [t for t in ended if t.id is not None]
        hsv = cv2.cvtColor(img, cv2.COLOR_BGR2HSV)
        for t in tracks:
            if t.last_frame == frames:          # seen this frame
                accumulate_colours(t, hsv, fg)
                if t.id is not None:
                    x, y, w, h = t.box
                    boxes.append({"frame": frames, "track": t.id, "x": x, "y": y, "w": w, "h": h})
        frames += 1
        decode_s += t1 - t0
        analysis_s += time.perf_counter() - t1
    total_s = time.perf_counter() - start
    cap.release()
    finished += [t for t in tracks if t.id is not None]

    out_tracks = []
    for t in sorted(finished, key=lambda t: t.id):
        upper_hist, upper = name_histogram(t.upper)
        lower_hist, lower = name_histogram(t.lower)
        out_tracks.append({"track": t.id, "firstFrame": t.first_frame, "lastFrame": t.last_frame,
                           "upper": upper, "lower": lower,
                           "upperHistogram": upper_hist, "lowerHistogram": lower_hist})
    result = {
        "tool": "opencv-peer", "opencv": cv2.__version__, "clip": os.path.basename(args.clip),
        "width": width, "height": height, "frames": frames,
        "seconds": {"total": round(total_s, 4), "decode": round(decode_s, 4),
                    "analysis": round(analysis_s, 4)},
        "maxrssKiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "boxes": boxes, "tracks": out_tracks,
    }
    with open(args.out, "w") as f:
        json.dump(result, f, separators=(",", ":"))
    per = 1000.0 / max(1, frames)
    print(f"opencv-peer {cv2.__version__}: {os.path.basename(args.clip)} {src_w}x{src_h} -> "
          f"{width}x{height}, {frames} frames in {total_s:.2f} s ({frames / max(total_s, 1e-9):.1f} fps; "
          f"decode {decode_s * per:.2f} ms/frame, analysis {analysis_s * per:.2f} ms/frame), "
          f"{len(out_tracks)} tracks, {len(boxes)} boxes -> {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
