"""Draws bench-results/chart.png from results.json: throughput (fps) and detection F1 per clip, for
Kinfinder with the learned detector and with the motion-only one, the OpenCV peer and FFmpeg decode-only. Run by `kinfinder bench` with the peers' venv
(OpenCV draws the chart, so nothing else needs installing).

    Benchmarks/peers/.venv/bin/python Benchmarks/chart.py bench-results/results.json bench-results/chart.png
"""
import json
import sys

import cv2
import numpy as np

COLOURS = {"kinfinder (learned)": (200, 90, 40), "kinfinder (motion)": (230, 190, 120), "opencv peer": (80, 170, 80),
           "ffmpeg decode": (160, 160, 160)}  # BGR


def text(img, s, x, y, scale=0.45, colour=(30, 30, 30), thickness=1):
    cv2.putText(img, s, (int(x), int(y)), cv2.FONT_HERSHEY_SIMPLEX, scale, colour, thickness, cv2.LINE_AA)


def panel(img, x0, y0, w, h, title, clips, series, fmt, log=False):
    """Grouped bars: one group per clip, one bar per series (name -> list of values or None)."""
    text(img, title, x0, y0 - 10, 0.6, thickness=2)
    values = [v for vs in series.values() for v in vs if v is not None]
    top = max(values) if values else 1
    def scaled(v):
        if log:
            return np.log10(max(v, 1)) / np.log10(max(top, 10))
        return v / top if top > 0 else 0
    cv2.line(img, (x0, y0 + h), (x0 + w, y0 + h), (0, 0, 0), 1)
    group = w / max(1, len(clips))
    bar = group * 0.8 / max(1, len(series))
    for ci, clip in enumerate(clips):
        gx = x0 + ci * group + group * 0.1
        for si, (name, vs) in enumerate(series.items()):
            v = vs[ci]
            if v is None:
                continue
            bh = scaled(v) * (h - 20)
            bx = gx + si * bar
            cv2.rectangle(img, (int(bx), int(y0 + h - bh)), (int(bx + bar - 3), y0 + h), COLOURS[name], -1)
            text(img, fmt(v), bx, y0 + h - bh - 4, 0.35)
        # The clip's name, wrapped at its dashes onto as many lines as the group's width needs.
        words = clip.replace(".mp4", "").replace(".avi", "").split("-")
        lines, line = [], ""
        for word in words:
            joined = f"{line}-{word}" if line else word
            if line and cv2.getTextSize(joined, cv2.FONT_HERSHEY_SIMPLEX, 0.36, 1)[0][0] > group * 0.95:
                lines.append(line)
                line = word
            else:
                line = joined
        lines.append(line)
        for li, s in enumerate(lines[:3]):
            text(img, s, gx, y0 + h + 15 + li * 13, 0.36)


def main(results_path, out_path):
    r = json.load(open(results_path))
    clips = [c["clip"] for c in r["clips"]]
    fps = {
        "kinfinder (learned)": [c["kinfinder"]["fps"] for c in r["clips"]],
        "kinfinder (motion)": [c["motion"]["fps"] if c.get("motion") else None for c in r["clips"]],
        "opencv peer": [c["opencv"]["fps"] if c.get("opencv") else None for c in r["clips"]],
        "ffmpeg decode": [c["ffmpegDecodeFPS"] for c in r["clips"]],
    }
    scored = [c for c in r["clips"] if c["kinfinder"]["accuracy"].get("f1") is not None]
    f1 = {
        "kinfinder (learned)": [c["kinfinder"]["accuracy"].get("f1") for c in scored],
        "kinfinder (motion)": [c["motion"]["accuracy"].get("f1") if c.get("motion") else None for c in scored],
        "opencv peer": [c["opencv"]["accuracy"].get("f1") if c.get("opencv") else None for c in scored],
    }
    width, height = 1600, 800
    img = np.full((height, width, 3), 255, np.uint8)
    text(img, f"kinfinder bench  {r['date'][:16]}  {r['machine']}  commit {r['commit']}  (medians of {r['runs']} runs)", 20, 28, 0.5)
    panel(img, 60, 80, width - 100, 260, "frames per second (log scale)", clips, fps, lambda v: f"{v:.0f}", log=True)
    panel(img, 60, 450, width - 100, 260, "detection F1 at IoU 0.5 (clips with ground truth)", [c["clip"] for c in scored], f1,
          lambda v: f"{v:.2f}")
    for i, (name, colour) in enumerate(COLOURS.items()):
        cv2.rectangle(img, (60 + i * 220, height - 30), (75 + i * 220, height - 15), colour, -1)
        text(img, name, 82 + i * 220, height - 17)
    cv2.imwrite(out_path, img)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
