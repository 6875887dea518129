#!/usr/bin/env python3
"""Drafts ground truth for a real clip, and renders ground truth for checking by eye.

    python draft_gt.py draft CLIP OUT.gt.json [--sampling 10] [--region x,y,w,h] [--sheets DIR]
    python draft_gt.py render CLIP FILE.gt.json DIR [--scale 2] [--frames 0,10,20]
    python draft_gt.py gallery CLIP FILE.gt.json DIR

Needs numpy, opencv (cv2) and onnxruntime (e.g. `Benchmarks/peers/.venv` plus `pip install onnxruntime`).

A draft is a starting point for a person to check, never ground truth by itself: every box, id,
colour and age in it must be looked at and corrected (see README.md in this folder for the rules).
It combines two independent sources so that neither's blind spots pass unnoticed:
- the person model in Models/ run densely at the clip's own resolution (overlapping tiles at three
  sizes plus the whole frame, far more than Kinfinder runs live), and
- foreground blobs against the clip's temporal median background (the method of the first two
  real-clip files), which sees people the model misses and the model's false boxes do not have.
Boxes are linked into ids across the annotated frames (constant velocity, IoU and distance);
blobs that no box explains are listed as "check" items and drawn dashed on the sheets.
"""
import argparse
import json
import math
import os
import sys

import cv2
import numpy as np
import onnxruntime as ort

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODEL = os.environ.get("KF_MODEL", os.path.join(ROOT, "Models", "person-ssdlite-mobilenetv2.onnx"))
COLOURS = ["red", "orange", "yellow", "green", "cyan", "blue", "purple", "pink", "brown", "black", "white", "grey"]


def anchors():
    mn, mx, layers = 0.2, 0.95, 6
    scales = [mn + (mx - mn) * i / (layers - 1) for i in range(layers)] + [1.0]
    out = []
    for layer, g in enumerate([19, 10, 5, 3, 2, 1]):
        if layer == 0:
            specs = [(0.1, 1.0), (scales[0], 2.0), (scales[0], 0.5)]
        else:
            specs = [(scales[layer], a) for a in (1.0, 2.0, 0.5, 3.0, 1 / 3)] + [(math.sqrt(scales[layer] * scales[layer + 1]), 1.0)]
        for r in range(g):
            for c in range(g):
                for s, a in specs:
                    out.append(((r + 0.5) / g, (c + 0.5) / g, s / math.sqrt(a), s * math.sqrt(a)))
    return np.array(out, np.float32)


ANCHORS = anchors()


class Net:
    def __init__(self):
        so = ort.SessionOptions()
        so.intra_op_num_threads = 1
        so.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.s = ort.InferenceSession(MODEL, so, providers=["CPUExecutionProvider"])

    def run(self, rgb, x0, y0, w, h, thr):
        """Boxes [x, y, w, h, score, truncated] in frame pixels for the crop (x0, y0, w, h)."""
        H, W = rgb.shape[:2]
        crop = rgb[int(y0):int(y0 + h), int(x0):int(x0 + w)]
        inp = cv2.resize(crop, (300, 300), interpolation=cv2.INTER_LINEAR).astype(np.float32) * (2 / 255) - 1
        enc, logit = self.s.run(None, {self.s.get_inputs()[0].name: inp[None]})
        t = enc[0, :, 0, :]
        score = 1 / (1 + np.exp(-logit[0, :, 1]))
        keep = score >= thr
        t, score, a = t[keep], score[keep], ANCHORS[keep]
        yc = t[:, 0] / 10 * a[:, 2] + a[:, 0]
        xc = t[:, 1] / 10 * a[:, 3] + a[:, 1]
        bh = np.exp(t[:, 2] / 5) * a[:, 2]
        bw = np.exp(t[:, 3] / 5) * a[:, 3]
        y1, x1 = np.clip(yc - bh / 2, 0, 1), np.clip(xc - bw / 2, 0, 1)
        y2, x2 = np.clip(yc + bh / 2, 0, 1), np.clip(xc + bw / 2, 0, 1)
        out = []
        for i in range(len(score)):
            trunc = (x1[i] <= 0.01 and x0 > 0) or (x2[i] >= 0.99 and x0 + w < W) or (y1[i] <= 0.01 and y0 > 0) or (y2[i] >= 0.99 and y0 + h < H)
            out.append([float(x0 + x1[i] * w), float(y0 + y1[i] * h), float((x2[i] - x1[i]) * w), float((y2[i] - y1[i]) * h), float(score[i]), bool(trunc)])
        return nms(out, 0.45)


def iou(a, b):
    ix = max(0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    inter = ix * iy
    u = a[2] * a[3] + b[2] * b[3] - inter
    return inter / u if u > 0 else 0


def nms(boxes, thr, containment=None):
    order = sorted(range(len(boxes)), key=lambda i: -(boxes[i][4] - (1 if boxes[i][5] else 0)))
    kept = []
    for i in order:
        b = boxes[i]
        ok = True
        for k in kept:
            if iou(b, k) > thr:
                ok = False
                break
            if containment:
                ix = max(0, min(b[0] + b[2], k[0] + k[2]) - max(b[0], k[0]))
                iy = max(0, min(b[1] + b[3], k[1] + k[3]) - max(b[1], k[1]))
                if ix * iy >= containment * min(b[2] * b[3], k[2] * k[3]):
                    ok = False
                    break
        if ok:
            kept.append(b)
    return kept


def dense_detect(net, rgb, thr=0.3):
    """Every tile's boxes; a box that fills most of its tile, or is cut by the tile's edge, is likely
    part of someone bigger and only counts where no whole box covers it."""
    H, W = rgb.shape[:2]
    found = net.run(rgb, 0, 0, W, H, thr)
    partial = []
    for frac in (0.3, 0.5, 0.8):
        side = max(96, int(frac * H))
        step = side // 2
        ys = list(range(0, max(1, H - side + 1), step)) or [0]
        xs = list(range(0, max(1, W - side + 1), step)) or [0]
        if ys[-1] + side < H:
            ys.append(H - side)
        if xs[-1] + side < W:
            xs.append(W - side)
        for y in ys:
            for x in xs:
                for b in net.run(rgb, x, y, min(side, W - x), min(side, H - y), thr):
                    (partial if b[5] or b[3] > 0.85 * side else found).append(b)
    whole = nms(found, 0.5, containment=0.8)
    def covered(b):
        return any(max(0, min(b[0] + b[2], k[0] + k[2]) - max(b[0], k[0])) * max(0, min(b[1] + b[3], k[1] + k[3]) - max(b[1], k[1]))
                   >= 0.4 * b[2] * b[3] for k in whole)
    return nms(whole + [b for b in partial if not covered(b)], 0.5, containment=0.8)


def read_frames(clip, wanted):
    cap = cv2.VideoCapture(clip)
    frames, n = {}, 0
    last = max(wanted) if wanted else -1
    while n <= last:
        ok, f = cap.read()
        if not ok:
            break
        if n in wanted:
            frames[n] = f
        n += 1
    return frames


def count_frames(clip):
    cap = cv2.VideoCapture(clip)
    n = 0
    while cap.grab():
        n += 1
    return n, cap.get(cv2.CAP_PROP_FPS), int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT))


def median_blobs(clip, total, wanted):
    """Foreground blobs of each wanted frame against the clip's temporal median (every 5th frame)."""
    sample = read_frames(clip, set(range(0, total, max(1, total // 60))))
    med = np.median(np.stack([cv2.cvtColor(f, cv2.COLOR_BGR2GRAY) for f in sample.values()]), axis=0).astype(np.uint8)
    frames = read_frames(clip, wanted)
    out = {}
    k1 = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3))
    k2 = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 11))
    for n, f in frames.items():
        d = cv2.absdiff(cv2.cvtColor(f, cv2.COLOR_BGR2GRAY), med)
        m = (d > 25).astype(np.uint8) * 255
        m = cv2.morphologyEx(cv2.morphologyEx(m, cv2.MORPH_OPEN, k1), cv2.MORPH_CLOSE, k2)
        cnt, _, stats, _ = cv2.connectedComponentsWithStats(m)
        H = f.shape[0]
        out[n] = [[int(s[0]), int(s[1]), int(s[2]), int(s[3])] for s in stats[1:] if s[3] >= 0.04 * H and s[4] >= 40]
    return out


def link(dets_by_frame, frames):
    """Greedy constant-velocity linking of boxes into ids across the annotated frames."""
    tracks = []  # dicts: id, last box, velocity, last frame
    next_id = 1
    assigned = {}
    for n in frames:
        dets = dets_by_frame.get(n, [])
        pairs = []
        for ti, t in enumerate(tracks):
            gap = (n - t["frame"]) / max(1, frames[1] - frames[0] if len(frames) > 1 else 1)
            if gap > 4:
                continue
            px = t["box"][0] + t["v"][0] * gap
            py = t["box"][1] + t["v"][1] * gap
            pred = [px, py, t["box"][2], t["box"][3]]
            for di, d in enumerate(dets):
                dist = math.hypot(pred[0] + pred[2] / 2 - d[0] - d[2] / 2, pred[1] + pred[3] / 2 - d[1] - d[3] / 2) / max(1, pred[3])
                ratio = max(pred[3], d[3]) / max(1, min(pred[3], d[3]))
                if ratio > 1.6 or dist > 0.8:
                    continue
                pairs.append((iou(pred, d) + 0.5 * (1 - dist / 0.8), ti, di))
        pairs.sort(reverse=True)
        used_t, used_d = set(), set()
        ids = [None] * len(dets)
        for s, ti, di in pairs:
            if ti in used_t or di in used_d or s < 0.2:
                continue
            used_t.add(ti)
            used_d.add(di)
            t, d = tracks[ti], dets[di]
            gap = max(1, (n - t["frame"]) / max(1, frames[1] - frames[0]))
            t["v"] = [(d[0] - t["box"][0]) / gap, (d[1] - t["box"][1]) / gap]
            t["box"], t["frame"] = d[:4], n
            ids[di] = t["id"]
        for di, d in enumerate(dets):
            if ids[di] is None:
                tracks.append({"id": next_id, "box": d[:4], "v": [0, 0], "frame": n})
                ids[di] = next_id
                next_id += 1
        assigned[n] = ids
    return assigned


def draft(args):
    total, fps, W, H = count_frames(args.clip)
    frames = list(range(0, total, args.sampling))
    region = [float(v) for v in args.region.split(",")] if args.region else None
    net = Net()
    images = read_frames(args.clip, set(frames))
    dets = {}
    for i, n in enumerate(frames):
        rgb = cv2.cvtColor(images[n], cv2.COLOR_BGR2RGB)
        d = [b for b in dense_detect(net, rgb) if b[4] >= args.threshold]
        if region:
            d = [b for b in d if region[0] <= b[0] + b[2] / 2 <= region[0] + region[2] and region[1] <= b[1] + b[3] <= region[1] + region[3]]
        dets[n] = d
        print(f"\rframe {n} ({i + 1}/{len(frames)}): {len(d)} boxes", end="", file=sys.stderr)
    print(file=sys.stderr)
    blobs = median_blobs(args.clip, total, set(frames))
    ids = link(dets, frames)
    boxes, checks = [], []
    for n in frames:
        for b, pid in zip(dets[n], ids[n]):
            x, y = max(0.0, b[0]), max(0.0, b[1])
            w, h = min(W - x, b[2]), min(H - y, b[3])
            boxes.append({"frame": n, "id": pid, "x": round(x, 1), "y": round(y, 1), "w": round(w, 1), "h": round(h, 1), "visible": 1.0,
                          "score": round(b[4], 3)})
        for bl in blobs.get(n, []):
            if not any(iou(bl, b) > 0.2 or (bl[0] >= b[0] - 4 and bl[0] + bl[2] <= b[0] + b[2] + 4 and bl[1] >= b[1] - 4 and bl[1] + bl[3] <= b[1] + b[3] + 4) for b in dets[n]):
                checks.append({"frame": n, "blob": bl})
    boxes.sort(key=lambda b: (b["frame"], b["id"]))
    idents = []
    for pid in sorted({b["id"] for b in boxes}):
        fr = [b["frame"] for b in boxes if b["id"] == pid]
        idents.append({"id": pid, "upper": "grey", "lower": "grey", "ageGroup": "adult", "heightCM": None,
                       "description_en": "DRAFT", "description_zh": "DRAFT", "firstFrame": min(fr), "lastFrame": max(fr), "note": "DRAFT"})
    out = {"clip": os.path.basename(args.clip), "width": W, "height": H, "fps": round(fps, 3), "frames": total, "sampling": args.sampling,
           "notes": "DRAFT from draft_gt.py: not ground truth until checked by eye", "identities": idents, "boxes": boxes}
    if region:
        out["region"] = region
    with open(args.out, "w") as f:
        json.dump(out, f, indent=1)
    with open(args.out + ".check.json", "w") as f:
        json.dump(checks, f, indent=1)
    print(f"wrote {args.out}: {len(idents)} ids, {len(boxes)} boxes; {len(checks)} unexplained blobs in {args.out}.check.json")
    if args.sheets:
        render_files(args.clip, out, args.sheets, 2 if H < 400 else 1, frames, checks)


def palette(pid):
    rng = np.random.default_rng(pid * 7919)
    c = rng.integers(60, 256, 3)
    return int(c[0]), int(c[1]), int(c[2])


def render_files(clip, gt, folder, scale, frames, checks=()):
    os.makedirs(folder, exist_ok=True)
    images = read_frames(clip, set(frames))
    by_frame = {}
    for b in gt["boxes"]:
        by_frame.setdefault(b["frame"], []).append(b)
    for n in frames:
        img = cv2.resize(images[n], None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
        H, W = img.shape[:2]
        # pixel rulers every 50 source px
        for x in range(0, W, 50 * scale):
            cv2.line(img, (x, 0), (x, 6), (255, 255, 255), 1)
            cv2.putText(img, str(x // scale), (x + 1, 16), cv2.FONT_HERSHEY_PLAIN, 0.8, (255, 255, 255), 1)
        for y in range(0, H, 50 * scale):
            cv2.line(img, (0, y), (6, y), (255, 255, 255), 1)
            cv2.putText(img, str(y // scale), (8, y + 4), cv2.FONT_HERSHEY_PLAIN, 0.8, (255, 255, 255), 1)
        if "region" in gt:
            rx, ry, rw, rh = gt["region"]
            cv2.rectangle(img, (int(rx * scale), int(ry * scale)), (int((rx + rw) * scale), int((ry + rh) * scale)), (0, 255, 255), 1)
        for c in checks:
            if c["frame"] == n:
                x, y, w, h = c["blob"]
                for k in range(0, 2 * (w + h) * scale, 8):
                    pass
                cv2.rectangle(img, (x * scale, y * scale), ((x + w) * scale, (y + h) * scale), (160, 160, 160), 1, lineType=cv2.LINE_4)
                cv2.putText(img, "?", (x * scale, y * scale - 2), cv2.FONT_HERSHEY_PLAIN, 1, (160, 160, 160), 1)
        for b in by_frame.get(n, []):
            col = palette(b["id"])
            p0 = (int(b["x"] * scale), int(b["y"] * scale))
            p1 = (int((b["x"] + b["w"]) * scale), int((b["y"] + b["h"]) * scale))
            cv2.rectangle(img, p0, p1, col, 2 if b.get("visible", 1) >= 0.5 else 1)
            label = f'{b["id"]}' + (f' {b["score"]:.2f}' if "score" in b else "") + (f' v{b["visible"]:.1f}' if b.get("visible", 1) < 1 else "")
            cv2.putText(img, label, (p0[0], max(12, p0[1] - 3)), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (0, 0, 0), 3)
            cv2.putText(img, label, (p0[0], max(12, p0[1] - 3)), cv2.FONT_HERSHEY_SIMPLEX, 0.45, col, 1)
        cv2.putText(img, f"frame {n}", (W - 110, H - 8), cv2.FONT_HERSHEY_SIMPLEX, 0.55, (0, 0, 0), 3)
        cv2.putText(img, f"frame {n}", (W - 110, H - 8), cv2.FONT_HERSHEY_SIMPLEX, 0.55, (255, 255, 255), 1)
        cv2.imwrite(os.path.join(folder, f"frame-{n:04d}.png"), img)
    print(f"rendered {len(frames)} frames into {folder}")


def render(args):
    with open(args.gt) as f:
        gt = json.load(f)
    frames = [int(v) for v in args.frames.split(",")] if args.frames else sorted({b["frame"] for b in gt["boxes"]} | set(range(0, gt["frames"], gt.get("sampling", 10))))
    render_files(args.clip, gt, args.out, args.scale, frames)


def gallery(args):
    """One image per identity: its largest crops (up to 8), for judging colours and age."""
    with open(args.gt) as f:
        gt = json.load(f)
    os.makedirs(args.out, exist_ok=True)
    boxes = {}
    for b in gt["boxes"]:
        boxes.setdefault(b["id"], []).append(b)
    wanted = set()
    chosen = {}
    for pid, bs in boxes.items():
        bs = sorted(bs, key=lambda b: -b["w"] * b["h"] * b.get("visible", 1))[:8]
        chosen[pid] = bs
        wanted |= {b["frame"] for b in bs}
    images = read_frames(args.clip, wanted)
    for pid, bs in chosen.items():
        tiles = []
        for b in bs:
            img = images[b["frame"]]
            x0, y0 = max(0, int(b["x"] - 0.2 * b["w"])), max(0, int(b["y"] - 0.1 * b["h"]))
            x1, y1 = min(img.shape[1], int(b["x"] + 1.2 * b["w"])), min(img.shape[0], int(b["y"] + 1.1 * b["h"]))
            c = img[y0:y1, x0:x1]
            s = 200 / max(1, c.shape[0])
            c = cv2.resize(c, (max(1, int(c.shape[1] * s)), 200), interpolation=cv2.INTER_CUBIC)
            cv2.putText(c, str(b["frame"]), (2, 12), cv2.FONT_HERSHEY_PLAIN, 0.9, (255, 255, 255), 1)
            tiles.append(c)
        sheet = np.concatenate(tiles, axis=1)
        cv2.imwrite(os.path.join(args.out, f"id-{pid:03d}.png"), sheet)
    print(f"wrote {len(chosen)} galleries into {args.out}")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("draft")
    d.add_argument("clip")
    d.add_argument("out")
    d.add_argument("--sampling", type=int, default=10)
    d.add_argument("--threshold", type=float, default=0.35)
    d.add_argument("--region")
    d.add_argument("--sheets")
    r = sub.add_parser("render")
    r.add_argument("clip")
    r.add_argument("gt")
    r.add_argument("out")
    r.add_argument("--scale", type=int, default=2)
    r.add_argument("--frames")
    g = sub.add_parser("gallery")
    g.add_argument("clip")
    g.add_argument("gt")
    g.add_argument("out")
    a = p.parse_args()
    {"draft": draft, "render": render, "gallery": gallery}[a.cmd](a)


if __name__ == "__main__":
    main()
