"""Cross-check of Kinfinder's tracking metrics (Sources/Accuracy) against py-motmetrics.

    Benchmarks/peers/.venv/bin/pip install motmetrics==1.4.0
    kinfinder evaluate CLIP --boxes /tmp/boxes          # writes CLIP-STEM.boxes.json
    Benchmarks/peers/.venv/bin/python Benchmarks/peers/crosscheck_motmetrics.py GT.json /tmp/boxes/STEM.boxes.json

Applies the same rules as Kinfinder: only annotated frames (every `sampling`-th), IoU >= 0.5, people
less than 30 % visible are "don't care" (dropped, and so are predictions that overlap only them).
Prints MOTA, IDF1, ID switches, FP, FN as py-motmetrics computes them.
"""
import json
import sys

import motmetrics as mm
import numpy as np


def iou(a, b):
    ix = max(0.0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union > 0 else 0.0


def main(gt_path, boxes_path):
    gt = json.load(open(gt_path))
    pred = json.load(open(boxes_path))
    step = gt.get("sampling") or 1
    acc = mm.MOTAccumulator(auto_id=False)
    by_frame = {}
    for b in gt["boxes"]:
        by_frame.setdefault(b["frame"], []).append(b)
    for f in range(0, gt["frames"], step):
        labelled = by_frame.get(f, [])
        care = [b for b in labelled if b.get("visible", 1) >= 0.3]
        hidden = [b for b in labelled if b.get("visible", 1) < 0.3]
        preds = []
        for p in pred.get(str(f), []):
            box = p[1:5]
            on_care = any(iou(box, [c["x"], c["y"], c["w"], c["h"]]) >= 0.5 for c in care)
            on_hidden = any(iou(box, [h["x"], h["y"], h["w"], h["h"]]) >= 0.5 for h in hidden)
            if on_hidden and not on_care:
                continue
            preds.append((int(p[0]), box))
        # motmetrics wants distances: 1 - IoU, NaN where IoU < 0.5.
        dist = np.full((len(care), len(preds)), np.nan)
        for i, c in enumerate(care):
            for j, (_, box) in enumerate(preds):
                o = iou([c["x"], c["y"], c["w"], c["h"]], box)
                if o >= 0.5:
                    dist[i, j] = 1 - o
        acc.update([c["id"] for c in care], [t for t, _ in preds], dist, frameid=f)
    mh = mm.metrics.create()
    s = mh.compute(acc, metrics=["mota", "idf1", "num_switches", "num_false_positives", "num_misses", "precision", "recall"],
                   name="x")
    print(s.to_string())


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
