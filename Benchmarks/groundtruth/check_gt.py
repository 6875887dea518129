#!/usr/bin/env python3
"""Check the schema of Kinfinder ground-truth files (`*.gt.json`). Standard library only.

    python3 Benchmarks/groundtruth/check_gt.py FILE.gt.json [FILE ...]

The format is documented in SampleClips/README.md ("Ground-truth format"); the optional keys
`sampling`, `region` and `notes` are described in Benchmarks/groundtruth/README.md.
Exit status 0 if every file passes, 1 otherwise. Problems are printed one per line.
"""
import json
import sys

COLOURS = {"red", "orange", "yellow", "green", "cyan", "blue", "purple", "pink",
           "brown", "black", "white", "grey"}
AGES = {"child", "adult", "elderly"}
TOP_REQUIRED = {"clip": str, "width": int, "height": int, "fps": (int, float), "frames": int,
                "identities": list, "boxes": list}
TOP_OPTIONAL = {"sampling": int, "region": list, "notes": str}
ID_REQUIRED = {"id": int, "upper": str, "lower": str, "ageGroup": str,
               "description_en": str, "description_zh": str, "firstFrame": int, "lastFrame": int}
BOX_KEYS = ("frame", "id", "x", "y", "w", "h", "visible")
EPS = 1e-6


def is_num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def is_type(v, t):
    if t is int:
        return isinstance(v, int) and not isinstance(v, bool)
    if t == (int, float):
        return is_num(v)
    return isinstance(v, t)


def check(path):
    errs = []
    try:
        with open(path, encoding="utf-8") as f:
            gt = json.load(f)
    except (OSError, ValueError) as e:
        return [f"cannot read: {e}"]
    if not isinstance(gt, dict):
        return ["top level is not an object"]

    for k, t in TOP_REQUIRED.items():
        if k not in gt:
            errs.append(f"missing top-level key {k!r}")
        elif not is_type(gt[k], t):
            errs.append(f"top-level {k!r} has the wrong type")
    for k, t in TOP_OPTIONAL.items():
        if k in gt and not is_type(gt[k], t):
            errs.append(f"top-level {k!r} has the wrong type")
    for k in gt:
        if k not in TOP_REQUIRED and k not in TOP_OPTIONAL:
            errs.append(f"unknown top-level key {k!r}")
    if errs:
        return errs

    W, H, N = gt["width"], gt["height"], gt["frames"]
    if W <= 0 or H <= 0 or N <= 0 or gt["fps"] <= 0:
        errs.append("width, height, frames and fps must be positive")
    step = gt.get("sampling", 1)
    if step < 1:
        errs.append("sampling must be >= 1")
        step = 1
    region = gt.get("region")
    if region is not None:
        if len(region) != 4 or not all(is_num(v) for v in region):
            errs.append("region must be [x, y, w, h]")
            region = None
        elif region[0] < 0 or region[1] < 0 or region[2] <= 0 or region[3] <= 0 \
                or region[0] + region[2] > W + EPS or region[1] + region[3] > H + EPS:
            errs.append(f"region {region} is not inside the {W}x{H} frame")

    # identities
    idents = {}
    for n, ident in enumerate(gt["identities"]):
        where = f"identity #{n}"
        if not isinstance(ident, dict):
            errs.append(f"{where}: not an object")
            continue
        for k, t in ID_REQUIRED.items():
            if k not in ident:
                errs.append(f"{where}: missing {k!r}")
            elif not is_type(ident[k], t):
                errs.append(f"{where}: {k!r} has the wrong type")
        if "heightCM" not in ident:
            errs.append(f"{where}: missing 'heightCM' (use null if unknown)")
        elif ident["heightCM"] is not None and not is_num(ident["heightCM"]):
            errs.append(f"{where}: 'heightCM' must be a number or null")
        if "note" in ident and not isinstance(ident["note"], str):
            errs.append(f"{where}: 'note' must be a string")
        extra = set(ident) - set(ID_REQUIRED) - {"heightCM", "note"}
        if extra:
            errs.append(f"{where}: unknown keys {sorted(extra)}")
        i = ident.get("id")
        if not is_type(i, int):
            continue
        where = f"identity {i}"
        if i in idents:
            errs.append(f"{where}: duplicate id")
        idents[i] = ident
        for k in ("upper", "lower"):
            if isinstance(ident.get(k), str) and ident[k] not in COLOURS:
                errs.append(f"{where}: {k} {ident[k]!r} is not one of the 12 colour names")
        if isinstance(ident.get("ageGroup"), str) and ident["ageGroup"] not in AGES:
            errs.append(f"{where}: ageGroup {ident['ageGroup']!r} is not child/adult/elderly")
        for k in ("description_en", "description_zh"):
            if isinstance(ident.get(k), str) and not ident[k].strip():
                errs.append(f"{where}: empty {k}")

    # boxes
    seen = set()
    frames_of = {}
    prev = None
    for n, b in enumerate(gt["boxes"]):
        where = f"box #{n}"
        if not isinstance(b, dict):
            errs.append(f"{where}: not an object")
            continue
        missing = [k for k in BOX_KEYS if k not in b]
        if missing:
            errs.append(f"{where}: missing {missing}")
            continue
        extra = set(b) - set(BOX_KEYS)
        if extra:
            errs.append(f"{where}: unknown keys {sorted(extra)}")
        if not is_type(b["frame"], int) or not is_type(b["id"], int):
            errs.append(f"{where}: frame and id must be integers")
            continue
        if not all(is_num(b[k]) for k in ("x", "y", "w", "h", "visible")):
            errs.append(f"{where}: x, y, w, h, visible must be numbers")
            continue
        f, i = b["frame"], b["id"]
        where = f"box frame {f} id {i}"
        if not 0 <= f < N:
            errs.append(f"{where}: frame outside 0..{N - 1}")
        if f % step:
            errs.append(f"{where}: frame not on the sampling grid (every {step})")
        if i not in idents:
            errs.append(f"{where}: id has no identity")
        if (f, i) in seen:
            errs.append(f"{where}: duplicate box")
        seen.add((f, i))
        if prev is not None and (f, i) < prev:
            errs.append(f"{where}: boxes not sorted by frame, then id")
        prev = (f, i)
        x, y, w, h = b["x"], b["y"], b["w"], b["h"]
        if w <= 0 or h <= 0:
            errs.append(f"{where}: empty box")
        if x < -EPS or y < -EPS or x + w > W + EPS or y + h > H + EPS:
            errs.append(f"{where}: box ({x}, {y}, {w}, {h}) not inside the {W}x{H} frame")
        if not 0 <= b["visible"] <= 1:
            errs.append(f"{where}: visible {b['visible']} outside 0..1")
        if region is not None:
            fx, fy = x + w / 2, y + h
            rx, ry, rw, rh = region
            if not (rx - EPS <= fx <= rx + rw + EPS and ry - EPS <= fy <= ry + rh + EPS):
                errs.append(f"{where}: feet point ({fx:.1f}, {fy:.1f}) outside the region")
        frames_of.setdefault(i, []).append(f)

    for i, ident in idents.items():
        fs = frames_of.get(i)
        if not fs:
            errs.append(f"identity {i}: has no boxes")
            continue
        if ident.get("firstFrame") != min(fs):
            errs.append(f"identity {i}: firstFrame {ident.get('firstFrame')} but first box at {min(fs)}")
        if ident.get("lastFrame") != max(fs):
            errs.append(f"identity {i}: lastFrame {ident.get('lastFrame')} but last box at {max(fs)}")
    return errs


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    bad = 0
    for path in argv[1:]:
        errs = check(path)
        if errs:
            bad += 1
            print(f"FAIL {path}: {len(errs)} problem(s)")
            for e in errs[:50]:
                print(f"  {e}")
            if len(errs) > 50:
                print(f"  ... and {len(errs) - 50} more")
        else:
            with open(path, encoding="utf-8") as f:
                gt = json.load(f)
            print(f"ok   {path}: {len(gt['identities'])} identities, {len(gt['boxes'])} boxes, "
                  f"{len({b['frame'] for b in gt['boxes']})} frames with boxes")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
