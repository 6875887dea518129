#!/usr/bin/env python3
"""Render Kinfinder's sample clips (synthetic walkers over a textured scene) with per-frame ground truth.

    python3 SampleClips/make_clips.py            # render both clips + ground truth
    python3 SampleClips/make_clips.py --plan     # print tracks/timing only (fast, no video)
    python3 SampleClips/make_clips.py --only plaza-720 --frames 0,150 --png /tmp/x   # debug stills

Needs only python3, numpy and the ffmpeg CLI (libx264). Everything is seeded, so a rerun with the same
numpy and ffmpeg/x264 build reproduces the committed .mp4 and .gt.json files byte for byte.

Model: a pinhole camera at height `cam_h` metres, tilted down `tilt` degrees, looks at a flat ground plane
(X metres to the right, Y metres forward from the camera's foot, Z up). The static scene is ray-cast onto
that plane (so paving and lawn have true perspective), tall things (walls, lamp posts, benches) are
projected 3-D boxes. People walk routes given in ground metres at a speed in m/s; each frame their foot
point and head point are projected, which fixes their pixel height, and a 2-D articulated figure is drawn
between the two, back to front.
"""
import argparse
import json
import math
import os
import subprocess
import sys
from dataclasses import dataclass, field

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
FPS = 25

# --------------------------------------------------------------------------------------------------
# Colours (sRGB 0..255). Fabric shades, not primaries; names are the ground-truth colour vocabulary.
# --------------------------------------------------------------------------------------------------
FABRIC = {
    "red": (190, 35, 40),
    "orange": (235, 120, 30),
    "yellow": (230, 200, 40),
    "green": (40, 120, 60),
    "cyan": (30, 160, 170),
    "blue": (45, 80, 165),       # tops: a mid royal blue
    "jeans": (50, 75, 130),      # trousers called "blue": denim
    "purple": (110, 50, 140),
    "pink": (235, 130, 170),
    "brown": (120, 85, 50),
    "khaki": (150, 125, 85),     # trousers called "brown"
    "black": (30, 30, 35),
    "white": (225, 225, 220),
    "grey": (128, 128, 128),
}
ZH = {"red": "红色", "orange": "橙色", "yellow": "黄色", "green": "绿色", "cyan": "青色", "blue": "蓝色",
      "purple": "紫色", "pink": "粉色", "brown": "棕色", "black": "黑色", "white": "白色", "grey": "灰色"}
AGE_ZH = {"child": "小孩", "adult": "成人", "elderly": "老人"}
AGE_EN = {"child": "child", "adult": "adult", "elderly": "elderly person"}
SKIN = [(224, 172, 140), (198, 142, 108), (176, 124, 92), (234, 192, 160)]
HAIR = {"black": (28, 24, 24), "dark": (58, 40, 30), "brown": (95, 65, 40), "white": (214, 212, 206)}
SHOES = [(35, 33, 35), (60, 45, 35), (48, 48, 52)]


# --------------------------------------------------------------------------------------------------
# Camera / perspective
# --------------------------------------------------------------------------------------------------
class Camera:
    """Pinhole camera at (0, 0, cam_h) looking along +Y, pitched down by `tilt` degrees."""

    def __init__(self, width, height, hfov_deg, tilt_deg, cam_h):
        self.w, self.h = width, height
        self.cx, self.cy = width / 2.0, height / 2.0
        self.f = self.cx / math.tan(math.radians(hfov_deg) / 2.0)
        self.t = math.radians(tilt_deg)
        self.cam_h = cam_h

    def project(self, X, Y, Z=0.0):
        """World point(s) -> pixel (u, v). Pixel (c, r) has its centre at u=c, v=r."""
        pz = np.asarray(Z, dtype=np.float64) - self.cam_h
        py = np.asarray(Y, dtype=np.float64)
        zc = py * math.cos(self.t) - pz * math.sin(self.t)
        yc = -py * math.sin(self.t) - pz * math.cos(self.t)
        return self.cx + self.f * np.asarray(X) / zc, self.cy + self.f * yc / zc

    def ground(self, u, v):
        """Pixel(s) -> ground point (X, Y); rays at or above the horizon give Y = inf."""
        a = self.t + np.arctan((np.asarray(v, dtype=np.float64) - self.cy) / self.f)
        with np.errstate(divide="ignore", invalid="ignore"):
            Y = np.where(a > 1e-4, self.cam_h / np.tan(np.maximum(a, 1e-4)), np.inf)
            zc = Y * math.cos(self.t) + self.cam_h * math.sin(self.t)
            X = (np.asarray(u, dtype=np.float64) - self.cx) * zc / self.f
        return X, Y

    def figure(self, X, Y, height_m):
        """Foot pixel, head-top pixel of an upright person of height_m standing at (X, Y)."""
        uf, vf = self.project(X, Y, 0.0)
        uh, vh = self.project(X, Y, height_m)
        return float(uf), float(vf), float(uh), float(vh)


# --------------------------------------------------------------------------------------------------
# Procedural noise
# --------------------------------------------------------------------------------------------------
class Noise:
    """Value noise on a wrapped 256x256 lattice, with fractal sum."""

    def __init__(self, seed):
        self.g = np.random.default_rng(seed).random((256, 256))

    def __call__(self, x, y):
        x = np.asarray(x, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        xi, yi = np.floor(x), np.floor(y)
        fx, fy = x - xi, y - yi
        fx, fy = fx * fx * (3 - 2 * fx), fy * fy * (3 - 2 * fy)
        xi = xi.astype(np.int64) & 255
        yi = yi.astype(np.int64) & 255
        x1, y1 = (xi + 1) & 255, (yi + 1) & 255
        g = self.g
        a = g[yi, xi] + (g[yi, x1] - g[yi, xi]) * fx
        b = g[y1, xi] + (g[y1, x1] - g[y1, xi]) * fx
        return a + (b - a) * fy

    def fbm(self, x, y, octaves=4, gain=0.5):
        total, amp, norm, fr = 0.0, 1.0, 0.0, 1.0
        for o in range(octaves):
            total = total + amp * self(x * fr + 17.3 * o, y * fr - 9.1 * o)
            norm += amp
            amp *= gain
            fr *= 2.03
        return total / norm


def hash01(a, b, seed=0):
    """Deterministic pseudo-random 0..1 per integer cell (a, b)."""
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    h = (a * 73856093) ^ (b * 19349663) ^ (seed * 83492791)
    h = (h ^ (h >> 13)) * 1274126177
    h = h ^ (h >> 16)
    return (h & 0xFFFFFF).astype(np.float64) / float(0xFFFFFF)


def smoothstep(e0, e1, x):
    t = np.clip((x - e0) / (e1 - e0), 0.0, 1.0)
    return t * t * (3 - 2 * t)


# --------------------------------------------------------------------------------------------------
# 2-D drawing helpers (float images 0..255)
# --------------------------------------------------------------------------------------------------
def point_in_poly(x, y, pts):
    inside = np.zeros(np.broadcast(x, y).shape, dtype=bool)
    n = len(pts)
    for i in range(n):
        xa, ya = pts[i]
        xb, yb = pts[(i + 1) % n]
        if ya == yb:
            continue
        cond = (ya > y) != (yb > y)
        xint = xa + (y - ya) * (xb - xa) / (yb - ya)
        inside ^= cond & (x < xint)
    return inside


def poly_coverage(pts, width, height, ss=4):
    """Anti-aliased coverage of a polygon (list of (u, v)), cropped to the frame: (x0, y0, cov) or None."""
    pts = [(float(a), float(b)) for a, b in pts]
    us = [p[0] for p in pts]
    vs = [p[1] for p in pts]
    x0, x1 = max(int(math.floor(min(us))) - 1, 0), min(int(math.ceil(max(us))) + 2, width)
    y0, y1 = max(int(math.floor(min(vs))) - 1, 0), min(int(math.ceil(max(vs))) + 2, height)
    if x1 <= x0 or y1 <= y0:
        return None
    ys = np.arange(y0, y1, dtype=np.float64)[:, None]
    xs = np.arange(x0, x1, dtype=np.float64)[None, :]
    cov = np.zeros((y1 - y0, x1 - x0))
    offs = (np.arange(ss) + 0.5) / ss - 0.5
    for oy in offs:
        for ox in offs:
            cov += point_in_poly(xs + ox, ys + oy, pts)
    return x0, y0, cov / (ss * ss)


def paint(img, alpha_img, pts, colour, tex=None, shade=1.0):
    """Composite a flat (optionally textured) polygon into img (HxWx3) and alpha_img (HxW or None)."""
    h, w = img.shape[:2]
    r = poly_coverage(pts, w, h)
    if r is None:
        return
    x0, y0, cov = r
    ch, cw = cov.shape
    col = np.array(colour, dtype=np.float64) * shade
    if tex is not None:
        ys, xs = np.mgrid[y0:y0 + ch, x0:x0 + cw]
        col = col[None, None, :] * tex(xs.astype(np.float64), ys.astype(np.float64))[..., None]
    else:
        col = col[None, None, :]
    sub = img[y0:y0 + ch, x0:x0 + cw]
    sub[:] = sub * (1 - cov[..., None]) + col * cov[..., None]
    if alpha_img is not None:
        a = alpha_img[y0:y0 + ch, x0:x0 + cw]
        a[:] = a + cov * (1 - a)


def draw_box(cam, img, alpha_img, x0, x1, y0, y1, z0, z1, colour, tex=None):
    """A projected axis-aligned 3-D box; visible faces shaded (top light, front mid, sides dark)."""
    faces = [  # (corner list, outward normal, shade)
        ([(x0, y0, z1), (x1, y0, z1), (x1, y1, z1), (x0, y1, z1)], (0, 0, 1), 1.08),
        ([(x0, y0, z0), (x1, y0, z0), (x1, y0, z1), (x0, y0, z1)], (0, -1, 0), 0.86),
        ([(x0, y1, z0), (x1, y1, z0), (x1, y1, z1), (x0, y1, z1)], (0, 1, 0), 0.70),
        ([(x0, y0, z0), (x0, y1, z0), (x0, y1, z1), (x0, y0, z1)], (-1, 0, 0), 0.74),
        ([(x1, y0, z0), (x1, y1, z0), (x1, y1, z1), (x1, y0, z1)], (1, 0, 0), 0.95),
    ]
    for corners, n, shade in faces:
        c = np.mean(np.array(corners), axis=0)
        to_cam = np.array([0.0, 0.0, cam.cam_h]) - c
        if np.dot(to_cam, n) <= 0:
            continue
        pts = [cam.project(*p) for p in corners]
        paint(img, alpha_img, pts, colour, tex, shade)


# --------------------------------------------------------------------------------------------------
# Scene: ground materials (ray-cast, supersampled), structures, lighting
# --------------------------------------------------------------------------------------------------
def setts(X, Y, nz, size_x, size_y, base, var, joint=0.012, bond=0.5, seed=1, tint=(1.0, 1.0, 1.0)):
    """Rectangular paving stones in running bond: per-stone tone, speckle, dark joints."""
    row = np.floor(Y / size_y)
    xs = X / size_x + bond * (row % 2)
    col = np.floor(xs)
    fx, fy = xs - col, Y / size_y - row
    stone = hash01(col, row, seed)
    stone2 = hash01(col + 7, row - 3, seed + 1)
    tone = 1.0 + var * (stone - 0.5) * 2.0
    speck = 0.93 + 0.14 * nz.fbm(X * 9.0, Y * 9.0, 3)
    rgb = np.array(base, dtype=np.float64)[None, :] * (tone * speck)[:, None]
    rgb *= np.array(tint)[None, :] ** (stone2[:, None] - 0.5)
    jx = np.minimum(fx, 1 - fx) * size_x
    jy = np.minimum(fy, 1 - fy) * size_y
    j = (np.minimum(jx, jy) < joint).astype(np.float64)
    edge = smoothstep(joint, joint * 3.5, np.minimum(jx, jy))  # slightly worn, darker near joints
    rgb *= (0.90 + 0.10 * edge)[:, None]
    return rgb * (1 - 0.55 * j)[:, None]


def lawn(X, Y, nz):
    n1 = nz.fbm(X * 0.6, Y * 0.6, 3)
    n2 = nz.fbm(X * 6.0 + 40, Y * 6.0, 3)
    blades = nz(X * 45.0, Y * 45.0)
    g = np.stack([62 + 40 * n1 + 20 * n2, 100 + 45 * n1 + 25 * n2, 38 + 18 * n1], -1)
    return g * (0.82 + 0.3 * blades)[:, None]


def flower_bed(X, Y, nz, seed=5, palette=((200, 40, 50), (235, 200, 60), (150, 70, 160), (240, 235, 230))):
    soil = np.stack([78 + 0 * X, 56 + 0 * X, 42 + 0 * X], -1) * (0.8 + 0.4 * nz.fbm(X * 8, Y * 8, 2))[:, None]
    leaves = nz.fbm(X * 14 + 3, Y * 14, 3)
    leafy = smoothstep(0.42, 0.55, leaves)
    leaf_col = np.stack([45 + 30 * leaves, 90 + 40 * leaves, 35 + 10 * leaves], -1)
    out = soil * (1 - leafy[:, None]) + leaf_col * leafy[:, None]
    cell = 0.11
    cx, cy = np.floor(X / cell), np.floor(Y / cell)
    r = hash01(cx, cy, seed)
    ox, oy = hash01(cx, cy, seed + 1), hash01(cx, cy, seed + 2)
    d = np.hypot(X / cell - cx - 0.2 - 0.6 * ox, Y / cell - cy - 0.2 - 0.6 * oy)
    bloom = (d < 0.28) & (r > 0.35)
    pal = np.array(palette, dtype=np.float64)
    pick = pal[(hash01(cx, cy, seed + 3) * len(pal)).astype(int) % len(pal)]
    out[bloom] = pick[bloom] * (0.85 + 0.3 * (1 - d[bloom] / 0.28))[:, None]
    return out


def render_ground(cam, colour_fn, ss=3, chunk=48):
    """Supersampled ground image: colour_fn(X, Y) -> (N, 3) for ground points."""
    img = np.zeros((cam.h, cam.w, 3))
    offs = (np.arange(ss) + 0.5) / ss - 0.5
    for r0 in range(0, cam.h, chunk):
        r1 = min(r0 + chunk, cam.h)
        acc = np.zeros((r1 - r0, cam.w, 3))
        for oy in offs:
            for ox in offs:
                v, u = np.mgrid[r0:r1, 0:cam.w].astype(np.float64)
                X, Y = cam.ground(u + ox, v + oy)
                Yc = np.where(np.isfinite(Y), Y, 1e4)
                acc += colour_fn(X.ravel(), Yc.ravel()).reshape(r1 - r0, cam.w, 3)
        img[r0:r1] = acc / (ss * ss)
    return img


SUN_SHIFT = (0.95, -0.32)  # ground offset of a shadow per metre of height (sun high, from the upper left)


def shadow_blobs(trees):
    """Ground ellipses (X, Y, rx, ry) of canopy shadows for trees given as (X, Y, crown height, crown radius)."""
    return [(tx + SUN_SHIFT[0] * ch, ty + SUN_SHIFT[1] * ch, cr * 1.25, cr * 1.0) for tx, ty, ch, cr in trees]


def canopy_shadow(X, Y, nz, blobs):
    """Dappled shadow strength 0..1 from tree canopies given as (X, Y, rx, ry) ellipses on the ground."""
    s = np.zeros_like(X)
    for tx, ty, rx, ry in blobs:
        d = np.hypot((X - tx) / rx, (Y - ty) / ry)
        body = 1 - smoothstep(0.75, 0.92, d + 0.45 * (nz.fbm(X * 1.2 + tx, Y * 1.2 + ty, 3) - 0.5))
        leaves = nz.fbm(X * 4.5 + 11 * tx, Y * 4.5 - 5 * ty, 4)
        s = np.maximum(s, body * (0.2 + 0.8 * smoothstep(0.38, 0.50, leaves)))
    return s


def foliage(img, nz, alpha_img, cx, cy, rx, ry, seed, base=(52, 84, 40), light=(1.15, 1.1, 1.0)):
    """A tree crown / hedge: lumpy blob of leaves in image space with top-left light."""
    h, w = img.shape[:2]
    x0, x1 = max(int(cx - rx * 1.4), 0), min(int(cx + rx * 1.4) + 1, w)
    y0, y1 = max(int(cy - ry * 1.4), 0), min(int(cy + ry * 1.4) + 1, h)
    if x1 <= x0 or y1 <= y0:
        return
    ys, xs = np.mgrid[y0:y1, x0:x1].astype(np.float64)
    nx, ny = (xs - cx) / rx, (ys - cy) / ry
    d = np.hypot(nx, ny) + 0.45 * (nz.fbm(xs / (rx * 0.35) + seed, ys / (ry * 0.35), 4) - 0.5)
    cov = 1 - smoothstep(0.85, 0.95, d)
    leaf = nz.fbm(xs / 3.0 + seed * 3, ys / 3.0, 3)
    lit = np.clip(1.0 - 0.35 * (nx + ny) / 1.4, 0.55, 1.3)
    col = np.array(base, dtype=np.float64)[None, None, :] * (lit * (0.65 + 0.7 * leaf))[..., None]
    col *= np.array(light)[None, None, :] ** ((nx * -1 + ny * -1)[..., None] * 0.5)
    sub = img[y0:y1, x0:x1]
    sub[:] = sub * (1 - cov[..., None]) + col * cov[..., None]
    if alpha_img is not None:
        a = alpha_img[y0:y1, x0:x1]
        a[:] = a + cov * (1 - a)


@dataclass
class Sprite:
    """A static object that can stand in front of people: composited region with depth (ground Y)."""
    x0: int
    y0: int
    rgb: np.ndarray
    alpha: np.ndarray
    depth: float


def make_sprite(cam, depth, draw):
    rgb = np.zeros((cam.h, cam.w, 3))
    a = np.zeros((cam.h, cam.w))
    draw(rgb, a)
    ys, xs = np.nonzero(a > 0.002)
    if len(ys) == 0:
        raise ValueError(f"object at depth {depth} is outside the picture")
    y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    return Sprite(int(x0), int(y0), rgb[y0:y1, x0:x1].copy(), a[y0:y1, x0:x1].copy(), depth)


def lamp_post(cam, X, Y, height=3.6):
    metal = (48, 52, 55)

    def draw(rgb, a):
        draw_box(cam, rgb, a, X - 0.13, X + 0.13, Y - 0.13, Y + 0.13, 0.0, 0.35, (70, 72, 74))
        draw_box(cam, rgb, a, X - 0.055, X + 0.055, Y - 0.055, Y + 0.055, 0.35, height, metal)
        draw_box(cam, rgb, a, X - 0.2, X + 0.2, Y - 0.2, Y + 0.2, height, height + 0.45, (225, 222, 200))
        draw_box(cam, rgb, a, X - 0.24, X + 0.24, Y - 0.24, Y + 0.24, height + 0.45, height + 0.55, metal)
    # unpremultiply: paint() composited over black
    s = make_sprite(cam, Y - 0.13, draw)
    s.rgb = s.rgb / np.maximum(s.alpha, 1e-6)[..., None]
    return s


def tree(cam, nz, X, Y, crown_h, crown_r, seed):
    """Street tree: trunk box plus a leafy crown centred crown_h metres up."""
    def draw(rgb, a):
        draw_box(cam, rgb, a, X - 0.55, X + 0.55, Y - 0.55, Y + 0.55, 0.0, 0.12, (105, 100, 92))  # tree grate
        draw_box(cam, rgb, a, X - 0.12, X + 0.12, Y - 0.12, Y + 0.12, 0.0, crown_h, (92, 72, 55),
                 lambda xs, ys: 0.8 + 0.4 * nz.fbm(xs / 2.0, ys / 9.0, 2))
        u, v = cam.project(X, Y, crown_h)
        r = cam.f * crown_r / (Y * math.cos(cam.t) + (cam.cam_h - crown_h) * math.sin(cam.t))
        foliage(rgb, nz, a, float(u), float(v), r * 1.05, r * 0.95, seed, base=(50, 86, 38))
    s = make_sprite(cam, Y - 0.55, draw)
    s.rgb = s.rgb / np.maximum(s.alpha, 1e-6)[..., None]
    return s


def bench(cam, x0, x1, y0, y1, back_side):
    """Bench with wooden slats on dark iron legs; back_side = 'x0' / 'x1' / 'y1' (where the backrest is)."""
    wood, iron = (128, 86, 52), (40, 40, 44)

    def draw(rgb, a):
        boxes = []
        for lx in (x0 + 0.08, x1 - 0.14):
            for ly in (y0 + 0.05, y1 - 0.11):
                boxes.append((lx, lx + 0.06, ly, ly + 0.06, 0.0, 0.42, iron))
        if back_side in ("x0", "x1"):
            bx = x0 if back_side == "x0" else x1 - 0.08
            boxes.append((bx, bx + 0.08, y0, y1, 0.5, 0.9, wood))
            boxes.append((x0, x1, y0, y1, 0.42, 0.48, wood))
        else:
            boxes.append((x0, x1, y1 - 0.08, y1, 0.5, 0.9, wood))
            boxes.append((x0, x1, y0, y1, 0.42, 0.48, wood))
        tex = lambda xs, ys: 0.85 + 0.3 * ((np.floor(ys / 2.0) % 2) * 0.3 + 0.7)  # slat banding
        boxes.sort(key=lambda b: -((b[2] + b[3]) / 2))  # far first
        for bx0, bx1, by0, by1, bz0, bz1, c in boxes:
            draw_box(cam, rgb, a, bx0, bx1, by0, by1, bz0, bz1, c, tex if c == wood else None)
    s = make_sprite(cam, y0, draw)
    s.rgb = s.rgb / np.maximum(s.alpha, 1e-6)[..., None]
    return s


def light_field(cam, strength=0.10):
    """Soft lighting gradient (sun from the upper left) with a mild vignette."""
    v, u = np.mgrid[0:cam.h, 0:cam.w].astype(np.float64)
    nu, nv = u / cam.w - 0.5, v / cam.h - 0.5
    grad = 1.0 + strength * (-0.8 * nu - 0.5 * nv)
    vig = 1.0 - 0.16 * (nu * nu + nv * nv) * 2.0
    return grad * vig


def composite_sprites(base, sprites):
    for s in sorted(sprites, key=lambda s: -s.depth):
        h, w = s.alpha.shape
        sub = base[s.y0:s.y0 + h, s.x0:s.x0 + w]
        sub[:] = sub * (1 - s.alpha[..., None]) + s.rgb * s.alpha[..., None]


def far_wall_and_trees(cam, img, nz, wall_y, gate_x, seed, hedge_colour=(50, 80, 38), wall_h=1.0, rail=True,
                       tree_xs=()):
    """Everything beyond the far wall: foliage band, tree crowns, then the wall (with gate gap) and railing."""
    # Background foliage: covers the image above the wall's top edge (beyond-the-wall ground is hidden).
    wall_top_v = float(cam.project(0.0, wall_y, wall_h)[1])
    band = np.zeros_like(img)
    rng = np.random.default_rng(seed)
    ys, xs = np.mgrid[0:cam.h, 0:cam.w].astype(np.float64)
    leaf = nz.fbm(xs / 6.0 + 300, ys / 6.0, 4)
    band[:] = np.array(hedge_colour)[None, None, :] * (0.55 + 0.75 * leaf)[..., None]
    mask = (ys < wall_top_v + 2).astype(np.float64)
    if gate_x is not None:  # the gate opening shows the path and the park beyond
        gl, gr = cam.project(gate_x[0], wall_y, 0.0)[0], cam.project(gate_x[1], wall_y, 0.0)[0]
        mask *= 1 - ((xs > gl) & (xs < gr)).astype(np.float64)
    img[:] = img * (1 - mask[..., None]) + band * mask[..., None]
    for i, tx in enumerate(tree_xs):
        u, v = cam.project(tx, wall_y + 3.0, 4.0)
        ub, vb = cam.project(tx, wall_y + 3.0, 0.0)
        r = (vb - v) * 0.55
        foliage(img, nz, None, float(u), float(v), r * (1.1 + 0.3 * rng.random()), r * 0.9, seed + i,
                base=(44 + rng.integers(0, 20), 78 + rng.integers(0, 25), 36))
    # Wall: two runs either side of the gate, stone texture.
    stone = lambda xs, ys: 0.8 + 0.35 * nz.fbm(xs / 3.0, ys / 2.0, 3) - 0.12 * ((ys.astype(int) % 9) == 0)
    runs = [(-60.0, gate_x[0]), (gate_x[1], 60.0)] if gate_x is not None else [(-60.0, 60.0)]
    for a, b in runs:
        draw_box(cam, img, None, a, b, wall_y, wall_y + 0.4, 0.0, wall_h, (150, 140, 125), stone)
        draw_box(cam, img, None, a, b, wall_y - 0.04, wall_y + 0.44, wall_h, wall_h + 0.08, (175, 170, 160))
        if rail:
            x = a
            while x < b:
                if x > -40 and x < 40:
                    draw_box(cam, img, None, x, x + 0.05, wall_y + 0.18, wall_y + 0.23, wall_h + 0.08,
                             wall_h + 0.95, (35, 38, 40))
                x += 1.2
            for z in (wall_h + 0.5, wall_h + 0.92):
                draw_box(cam, img, None, a, b, wall_y + 0.18, wall_y + 0.23, z, z + 0.04, (35, 38, 40))
    if gate_x is not None:
        for gx in gate_x:
            sx = -1 if gx < 0 else 1
            px0, px1 = (gx - 0.6, gx) if sx < 0 else (gx, gx + 0.6)
            draw_box(cam, img, None, px0, px1, wall_y - 0.1, wall_y + 0.5, 0.0, 2.9, (168, 150, 128), stone)
            draw_box(cam, img, None, px0 - 0.05, px1 + 0.05, wall_y - 0.15, wall_y + 0.55, 2.9, 3.05,
                     (120, 50, 40))


# --------------------------------------------------------------------------------------------------
# Scene 1: scenic-area entrance path (640x360)
# --------------------------------------------------------------------------------------------------
def scene_gate(cam, seed=101):
    nz = Noise(seed)
    trees = [(-6.3, 11.2, 4.2, 2.2), (6.8, 13.9, 4.5, 2.4)]  # (X, Y, crown height, crown radius)
    # plus shade from trees outside the picture
    blobs = shadow_blobs(trees + [(-8.5, 6.5, 4.0, 2.3)]) + [(1.2, 3.7, 2.3, 1.5), (7.0, 6.0, 2.5, 2.0)]

    def ground(X, Y):
        # layout: forecourt (Y < 5.6), lawn strip, cross band (7.6..9.8), lawns, wall at 15 m;
        # a sett path |X| < 2 runs from the forecourt through the gate
        path = np.abs(X) < 2.0
        fore = Y < 5.6
        band = (Y > 7.6) & (Y < 9.8)
        sett = setts(X, Y, nz, 0.22, 0.14, (150, 144, 134), 0.12, seed=3, tint=(1.06, 1.0, 0.94))
        slab = setts(X + 0.3, Y, nz, 0.60, 0.60, (172, 166, 154), 0.08, bond=0.0, seed=4, tint=(1.04, 1.0, 0.97))
        flag = setts(X + 0.25, Y, nz, 0.50, 0.50, (160, 152, 140), 0.10, bond=0.5, seed=6, tint=(1.05, 1.0, 0.95))
        out = lawn(X, Y, nz)
        out = np.where(band[:, None], slab, out)
        out = np.where(fore[:, None], flag, out)
        out = np.where((path & ~band & ~fore)[:, None], sett, out)
        # kerbs along paved edges
        kerb = ((np.abs(np.abs(X) - 2.0) < 0.09) & ~band & ~fore & (Y < 15)) | \
               (((np.abs(Y - 7.6) < 0.09) | (np.abs(Y - 9.8) < 0.09) | (np.abs(Y - 5.6) < 0.09)) & (np.abs(X) > 1.95))
        out = np.where(kerb[:, None], np.array([120.0, 118, 112])[None, :] * (0.9 + 0.2 * nz(X * 20, Y * 20))[:, None],
                       out)
        # flower beds
        bed1 = np.hypot((X + 4.7) / 1.7, (Y - 6.6) / 0.72) < 1.0
        bed2 = np.hypot((X - 5.2) / 1.7, (Y - 11.6) / 0.9) < 1.0
        fb = flower_bed(X, Y, nz)
        out = np.where((bed1 | bed2)[:, None], fb, out)
        # edging around the beds
        e1 = np.abs(np.hypot((X + 4.7) / 1.7, (Y - 6.6) / 0.72) - 1.0) < 0.05
        e2 = np.abs(np.hypot((X - 5.2) / 1.7, (Y - 11.6) / 0.9) - 1.0) < 0.05
        out = np.where((e1 | e2)[:, None], np.array([160.0, 155, 145])[None, :], out)
        # grime and wear, then tree shadows
        out *= (0.93 + 0.1 * nz.fbm(X * 0.35 + 50, Y * 0.35, 3))[:, None]
        sh = canopy_shadow(X, Y, nz, blobs)
        return out * (1 - 0.45 * sh)[:, None]

    img = render_ground(cam, ground)
    far_wall_and_trees(cam, img, nz, 15.0, (-1.9, 1.9), seed, tree_xs=(-9, -5.5, -3.2, 3.4, 6.0, 9.5, 13))
    sprites = [lamp_post(cam, -2.45, 6.2), lamp_post(cam, 2.45, 6.2), lamp_post(cam, -2.45, 12.8),
               lamp_post(cam, 2.45, 12.8), bench(cam, 2.55, 3.05, 10.6, 12.1, "x1")]
    sprites += [tree(cam, nz, x, y, ch, cr, 40 + i) for i, (x, y, ch, cr) in enumerate(trees)]
    composite_sprites(img, sprites)
    img *= light_field(cam)[..., None]
    return img, sprites, (blobs, nz)


# --------------------------------------------------------------------------------------------------
# Scene 2: plaza (1280x720)
# --------------------------------------------------------------------------------------------------
def scene_plaza(cam, seed=202):
    nz = Noise(seed)
    # visible trees stand at the far corners (crowns above the picture); nearer trees would hide half the
    # plaza behind their crowns from this high camera, so only their shade is drawn
    trees = [(-9.6, 22.5, 4.5, 2.3), (11.2, 24.6, 4.5, 2.4)]
    blobs = shadow_blobs(trees + [(-8.0, 12.8, 4.5, 2.3), (7.4, 11.0, 4.5, 2.4)]) + \
        [(-2.0, 7.5, 2.6, 2.0), (6.5, 5.5, 2.4, 1.8)]

    def ground(X, Y):
        slab = setts(X, Y, nz, 0.8, 0.8, (176, 172, 164), 0.07, joint=0.01, bond=0.0, seed=7,
                     tint=(1.03, 1.0, 0.98))
        # decorative basalt bands every 8 m both ways, and a ring of warm stone around the centre
        bx = np.abs(((X + 4.0) % 8.0) - 4.0) < 0.22
        by = np.abs(((Y - 2.0) % 8.0) - 4.0) < 0.22
        dark = setts(X, Y, nz, 0.22, 0.44, (92, 92, 96), 0.1, seed=8)
        ring = np.abs(np.hypot(X - 0.5, (Y - 15.0)) - 3.5) < 0.35
        warm = setts(X, Y, nz, 0.25, 0.25, (168, 128, 98), 0.1, seed=9)
        out = np.where((bx | by)[:, None], dark, slab)
        out = np.where(ring[:, None], warm, out)
        # lawn strip on the left with a flower bed, on the right a planted strip
        grass = X < -8.6 + 0.4 * np.sin(Y * 0.25)
        out = np.where(grass[:, None], lawn(X, Y, nz), out)
        bed = grass & (np.hypot((X + 12.0) / 1.8, (Y - 17.0) / 3.0) < 1.0)
        out = np.where(bed[:, None], flower_bed(X, Y, nz, seed=13), out)
        kerb = (np.abs(X - (-8.6 + 0.4 * np.sin(Y * 0.25))) < 0.1) | (np.abs(X - 10.0) < 0.1)
        out = np.where(kerb[:, None], np.array([125.0, 122, 116])[None, :], out)
        right = X > 10.0
        out = np.where(right[:, None], lawn(X + 100, Y, nz), out)
        out *= (0.93 + 0.1 * nz.fbm(X * 0.25 + 50, Y * 0.25, 3))[:, None]
        # damp stain / worn patches
        out *= (1 - 0.08 * smoothstep(0.62, 0.75, nz.fbm(X * 0.5, Y * 0.5 + 70, 3)))[:, None]
        sh = canopy_shadow(X, Y, nz, blobs)
        return out * (1 - 0.45 * sh)[:, None]

    img = render_ground(cam, ground)
    far_wall_and_trees(cam, img, nz, 27.0, (-3.6, -0.4), seed, hedge_colour=(46, 76, 36), wall_h=0.8,
                       tree_xs=(-24, -16, -9, -5, 3, 8, 14, 21))
    sprites = [lamp_post(cam, x, y, 4.2) for x, y in ((-6.5, 20.0), (6.5, 20.0))]
    sprites += [tree(cam, nz, x, y, ch, cr, 40 + i) for i, (x, y, ch, cr) in enumerate(trees)]
    sprites += [bench(cam, -8.3, -7.8, 16.3, 18.1, "x0"), bench(cam, 3.0, 4.8, 25.6, 26.1, "y1"),
                bench(cam, 9.4, 9.9, 18.5, 20.3, "x1")]
    composite_sprites(img, sprites)
    img *= light_field(cam)[..., None]
    return img, sprites, (blobs, nz)


# --------------------------------------------------------------------------------------------------
# People: routes, walk cycle, figure rendering
# --------------------------------------------------------------------------------------------------
PROPORTIONS = {  # all in units of body height H; z measured up from the ground
    "adult": dict(head_h=0.130, head_w=0.094, torso_top=0.835, sh_z=0.808, hem=0.50, hip=0.51, ankle=0.04,
                  torso_w=0.235, torso_d=0.135, hip_w=0.185, hip_d=0.13, ua=0.175, fa=0.16,
                  r_ua=0.030, r_fa=0.025, r_hand=0.022, r_th=0.052, r_sh=0.038, r_shoe=0.022,
                  leg_amp=20, arm_amp=20, knee=45, lean=0.03, stride=0.82),
    "child": dict(head_h=0.165, head_w=0.125, torso_top=0.80, sh_z=0.772, hem=0.47, hip=0.475, ankle=0.045,
                  torso_w=0.25, torso_d=0.15, hip_w=0.20, hip_d=0.14, ua=0.16, fa=0.145,
                  r_ua=0.034, r_fa=0.029, r_hand=0.026, r_th=0.058, r_sh=0.045, r_shoe=0.027,
                  leg_amp=22, arm_amp=22, knee=50, lean=0.02, stride=0.80),
    "elderly": dict(head_h=0.132, head_w=0.096, torso_top=0.825, sh_z=0.798, hem=0.50, hip=0.51, ankle=0.04,
                    torso_w=0.245, torso_d=0.15, hip_w=0.19, hip_d=0.14, ua=0.172, fa=0.158,
                    r_ua=0.031, r_fa=0.026, r_hand=0.022, r_th=0.053, r_sh=0.040, r_shoe=0.023,
                    leg_amp=13, arm_amp=8, knee=25, lean=0.10, stride=0.60),
}


@dataclass
class Person:
    id: int
    upper: str                  # ground-truth colour name of the top
    lower: str                  # ground-truth colour name of the trousers
    age: str                    # child / adult / elderly
    height_cm: int
    start: int                  # frame at which the route starts (usually still outside the picture)
    speed: float                # walking speed, m/s
    route: list                 # ground waypoints [(X, Y), ...] metres
    pauses: dict = field(default_factory=dict)   # waypoint index -> frames standing still there
    note: str = ""
    skin: int = 0
    hair: str = "black"
    shoes: int = 0
    top_rgb: tuple = None       # override fabric shade
    bottom_rgb: tuple = None
    phase0: float = 0.0

    def top_colour(self):
        return self.top_rgb or FABRIC[self.upper]

    def bottom_colour(self):
        if self.bottom_rgb:
            return self.bottom_rgb
        return FABRIC["jeans" if self.lower == "blue" else "khaki" if self.lower == "brown" else self.lower]

    def description_en(self):
        art = "an" if self.upper[0] in "aeiou" else "a"
        return f"{AGE_EN[self.age]} in {art} {self.upper} top and {self.lower} trousers"

    def description_zh(self):
        return f"{ZH[self.upper]}上衣 {ZH[self.lower]}裤子 {AGE_ZH[self.age]}"


def keyframes(p):
    """Route + speed + pauses -> timed waypoints [(frame, X, Y)], linear in between."""
    step = p.speed / FPS  # metres per frame
    t = float(p.start)
    kf = [(t, *p.route[0])]
    for i in range(len(p.route)):
        if i in p.pauses:
            t += p.pauses[i]
            kf.append((t, *p.route[i]))
        if i + 1 < len(p.route):
            (x0, y0), (x1, y1) = p.route[i], p.route[i + 1]
            t += math.hypot(x1 - x0, y1 - y0) / step
            kf.append((t, x1, y1))
    return kf


def track(p, cam, n_frames):
    """Per-frame state for a person: ground position, heading, walk phase, motion amount, image geometry."""
    kf = keyframes(p)
    ts = np.array([k[0] for k in kf])
    xs = np.array([k[1] for k in kf])
    ys = np.array([k[2] for k in kf])
    frames = np.arange(max(0, int(math.ceil(ts[0]))), min(n_frames, int(math.floor(ts[-1])) + 1))
    if len(frames) == 0:
        return {}
    # sample a little wider for smoothing
    fw = np.arange(frames[0] - 8, frames[-1] + 9)
    X = np.interp(fw, ts, xs)
    Y = np.interp(fw, ts, ys)
    dX, dY = np.gradient(X), np.gradient(Y)
    spd = np.hypot(dX, dY)
    moving = (spd > 1e-6).astype(np.float64)
    kern = np.ones(9) / 9.0
    moving_s = np.convolve(np.pad(moving, 4, mode="edge"), kern, mode="valid")
    hx = np.convolve(np.pad(dX, 4, mode="edge"), kern, mode="valid")
    hy = np.convolve(np.pad(dY, 4, mode="edge"), kern, mode="valid")
    # keep the last heading while standing
    last = (1.0, 0.0)
    for i in range(len(fw)):
        n = math.hypot(hx[i], hy[i])
        if n > 1e-4:
            last = (hx[i] / n, hy[i] / n)
        hx[i], hy[i] = last
    for i in range(len(fw) - 2, -1, -1):  # leading frames with no heading yet
        if math.hypot(dX[i], dY[i]) < 1e-6 and moving_s[i] == 0:
            hx[i], hy[i] = hx[i + 1], hy[i + 1]
    stride = PROPORTIONS[p.age]["stride"] * p.height_cm / 100.0
    phase = p.phase0 + 2 * math.pi * np.cumsum(spd) / stride
    out = {}
    facing = 1.0
    for i, fr in enumerate(fw):
        if fr < frames[0] or fr > frames[-1]:
            continue
        uf, vf, uh, vh = cam.figure(X[i], Y[i], p.height_cm / 100.0)
        # heading relative to the camera ray: side view vs facing toward / away from the camera
        rx, ry = X[i], Y[i]
        rn = math.hypot(rx, ry)
        rx, ry = rx / rn, ry / rn
        side = abs(rx * hy[i] - ry * hx[i])
        toward = -(rx * hx[i] + ry * hy[i])
        u2, _ = cam.project(X[i] + 0.1 * hx[i], Y[i] + 0.1 * hy[i])
        if abs(float(u2) - uf) > 1e-3:
            facing = 1.0 if float(u2) > uf else -1.0
        out[int(fr)] = dict(X=X[i], Y=Y[i], uf=uf, vf=vf, uh=uh, vh=vh, H=vf - vh, phase=phase[i],
                            motion=float(moving_s[i]), side=side, toward=toward, facing=facing,
                            speed_px=float(np.hypot(*np.subtract(cam.project(X[i] + dX[i], Y[i] + dY[i]),
                                                                  (uf, vf)))))
    return out


# ---- signed distance primitives (pixel units; negative inside) ----
def sd_capsule(px, py, ax, ay, bx, by, ra, rb):
    """Tapered capsule from a (radius ra) to b (radius rb). Returns (distance, t along axis, axis dist)."""
    vx, vy = bx - ax, by - ay
    L2 = vx * vx + vy * vy + 1e-9
    t = np.clip(((px - ax) * vx + (py - ay) * vy) / L2, 0.0, 1.0)
    dx, dy = px - (ax + t * vx), py - (ay + t * vy)
    d_axis = np.sqrt(dx * dx + dy * dy)
    r = ra + (rb - ra) * t
    return d_axis - r, t, d_axis / np.maximum(r, 1e-6)


def sd_ellipse(px, py, cx, cy, rx, ry):
    """Approximate signed distance to an ellipse (good near the boundary)."""
    nx, ny = (px - cx) / rx, (py - cy) / ry
    k = np.sqrt(nx * nx + ny * ny)
    grad = np.sqrt((nx / rx) ** 2 + (ny / ry) ** 2) + 1e-9
    return (k - 1.0) * k / grad


def sd_convex(px, py, pts):
    """Signed distance-ish to a convex polygon given counter-clockwise in (x right, y up) coords."""
    d = np.full(np.broadcast(px, py).shape, -1e9)
    n = len(pts)
    for i in range(n):
        (ax, ay), (bx, by) = pts[i], pts[(i + 1) % n]
        ex, ey = bx - ax, by - ay
        L = math.hypot(ex, ey) + 1e-9
        # outward normal for CCW polygon: (ey, -ex)
        d = np.maximum(d, ((px - ax) * ey - (py - ay) * ex) / L)
    return d


class Layer:
    """Accumulates an anti-aliased figure: rgb + coverage in a local patch."""

    def __init__(self, shape):
        self.rgb = np.zeros(shape + (3,))
        self.a = np.zeros(shape)

    def add(self, d, colour):
        cov = np.clip(0.5 - d, 0.0, 1.0)
        col = np.asarray(colour, dtype=np.float64)
        if col.ndim == 1:
            col = col[None, None, :]
        self.rgb = self.rgb * (1 - cov[..., None]) + col * cov[..., None]
        self.a = self.a + cov * (1 - self.a)


def render_figure(p, st, cam_shear):
    """Draw one person for frame state st. Returns (x0, y0, rgb patch, alpha patch)."""
    P = PROPORTIONS[p.age]
    H = st["H"]
    fx, fy = st["uf"], st["vf"]
    s = st["facing"]                  # +1 walking to the image right, -1 to the left
    sf = min(1.0, st["side"] * 1.15)  # 1 = seen from the side, 0 = from front/back
    back = max(0.0, -st["toward"]) * (1 - sf)  # seen from behind
    m = st["motion"]
    ph = st["phase"]
    shear = cam_shear                 # image x drift per unit height (perspective lean of verticals)

    pad_x = 0.42 * H + abs(shear) * H
    x0, x1 = int(math.floor(fx - pad_x)), int(math.ceil(fx + pad_x)) + 1
    y0, y1 = int(math.floor(fy - 1.06 * H)) - 1, int(math.ceil(fy + 0.03 * H)) + 2
    ys, xs = np.mgrid[y0:y1, x0:x1].astype(np.float64)
    z = fy - ys                       # px up from the foot line
    u = xs - fx - shear * z           # px right of the body axis
    L = Layer(z.shape)

    def X(v):
        return v * H

    top = np.array(p.top_colour(), dtype=np.float64)
    bot = np.array(p.bottom_colour(), dtype=np.float64)
    skin = np.array(SKIN[p.skin], dtype=np.float64)
    hair = np.array(HAIR[p.hair], dtype=np.float64)
    shoe = np.array(SHOES[p.shoes], dtype=np.float64)

    # --- skeleton (z up, u right), in px ---
    A = math.radians(P["leg_amp"]) * m
    B = math.radians(P["knee"]) * m
    thigh = shin = (P["hip"] - P["ankle"]) / 2 * H
    legs = []
    for sgn in (1, -1):  # +1 near leg, -1 far leg
        th = sgn * A * math.sin(ph)
        flex = B * max(0.0, sgn * math.cos(ph)) ** 1.5
        hip = (sgn * (1 - sf) * X(P["hip_w"]) * 0.27, P["hip"] * H)
        kx = hip[0] + s * sf * thigh * math.sin(th)
        kz = hip[1] - thigh * math.cos(th)
        ax_ = kx + s * sf * shin * math.sin(th - flex)
        az = kz - shin * math.cos(th - flex)
        legs.append([hip, (kx, kz), (ax_, az), sgn])
    # body bob: the lower ankle stands on the ground
    drop = min(l[2][1] for l in legs) - P["ankle"] * H
    lean = (P["lean"] + 0.02 * m) * s * sf

    def up(x, zz):  # apply vertical drop and forward lean of the upper body
        zz = zz - drop
        return x + lean * max(0.0, zz - P["hip"] * H), zz

    for l in legs:
        l[0] = (l[0][0], l[0][1] - drop)
        l[1] = (l[1][0], l[1][1] - drop)
        l[2] = (l[2][0], l[2][1] - drop)

    tw = X(P["torso_d"] * sf + P["torso_w"] * (1 - sf))
    hw = X(P["hip_d"] * sf + P["hip_w"] * (1 - sf))
    sh_z = P["sh_z"] * H
    arms = []
    for sgn in (1, -1):
        a_sw = -sgn * math.radians(P["arm_amp"]) * m * math.sin(ph)
        e_fl = math.radians(12 + 18 * m * max(0.0, -sgn * math.sin(ph)))
        shx, shz = up(sgn * (1 - sf) * (tw / 2 - X(P["r_ua"]) * 0.6), sh_z)
        spread = sgn * (1 - sf) * X(0.012)
        ex = shx + s * sf * P["ua"] * H * math.sin(a_sw) + spread
        ez = shz - P["ua"] * H * math.cos(a_sw)
        wx = ex + s * sf * P["fa"] * H * math.sin(a_sw + e_fl) + spread * 0.5
        wz = ez - P["fa"] * H * math.cos(a_sw + e_fl)
        arms.append(((shx, shz), (ex, ez), (wx, wz), sgn))

    def limb_colour(base, axis_d, dark):
        shade = (1.0 - 0.28 * np.clip(axis_d, 0, 1) ** 2) * dark
        return base[None, None, :] * shade[..., None]

    def draw_arm(arm, dark):
        (sx_, sz), (ex, ez), (wx, wz), _ = arm
        d1, _, ad1 = sd_capsule(u, z, sx_, sz, ex, ez, X(P["r_ua"]), X(P["r_ua"]) * 0.9)
        d2, _, ad2 = sd_capsule(u, z, ex, ez, wx, wz, X(P["r_fa"]), X(P["r_fa"]) * 0.85)
        L.add(d1, limb_colour(top, ad1, dark))
        L.add(d2, limb_colour(top, ad2, dark * 0.97))
        hx_ = wx + (wx - ex) * 0.18
        hz = wz + (wz - ez) * 0.18
        dh = sd_ellipse(u, z, hx_, hz, X(P["r_hand"]) * 0.9, X(P["r_hand"]) * 1.15)
        L.add(dh, skin * dark * 0.95)

    def draw_leg(leg, dark):
        hip, kn, an, _ = leg
        d1, _, ad1 = sd_capsule(u, z, hip[0], hip[1], kn[0], kn[1], X(P["r_th"]), X(P["r_sh"]) * 1.05)
        d2, _, ad2 = sd_capsule(u, z, kn[0], kn[1], an[0], an[1], X(P["r_sh"]) * 1.05, X(P["r_sh"]) * 0.85)
        L.add(np.minimum(d1, d2), limb_colour(bot, np.where(d1 < d2, ad1, ad2), dark))
        r = X(P["r_shoe"]) * (1 + 0.3 * (1 - sf))
        zs = an[1] - X(P["ankle"]) + r
        heel = an[0] - s * sf * X(0.02)
        toe = an[0] + s * sf * X(0.06)
        ds, _, _ = sd_capsule(u, z, heel, zs, toe, zs - 0.0, r, r * 0.9)
        L.add(ds, shoe * dark)

    far_dark = 1.0 - 0.24 * sf
    # far arm, far leg, near leg, pelvis, torso, near arm, neck, head
    draw_arm(arms[1], far_dark)
    draw_leg(legs[1], far_dark)
    draw_leg(legs[0], 1.0)
    pz0, pz1 = P["hip"] * H - drop - X(0.07), P["hem"] * H - drop + X(0.04)
    pel = sd_convex(u, z, [(-hw / 2, pz0), (hw / 2, pz0), (hw / 2, pz1), (-hw / 2, pz1)]) - X(0.01)
    L.add(pel, bot * 0.92)

    # torso: trapezoid + rounded shoulders, shaded darker at the sides, light from the left, two folds
    t_top = P["torso_top"] * H
    t_hem = P["hem"] * H
    a1, a2 = up(-tw / 2, t_top - X(0.03)), up(tw / 2, t_top - X(0.03))
    b1, b2 = up(-hw / 2 * 1.02, t_hem), up(hw / 2 * 1.02, t_hem)
    tor = sd_convex(u, z, [b1, b2, a2, a1])
    r_sh = X(0.035)
    sa, sb = up(-tw / 2 + r_sh, t_top - r_sh), up(tw / 2 - r_sh, t_top - r_sh)
    dsh, _, _ = sd_capsule(u, z, sa[0], sa[1], sb[0], sb[1], r_sh, r_sh)
    dtor = np.minimum(tor, dsh)
    zc = t_top - drop
    cxz = lean * np.maximum(0.0, z - P["hip"] * H)   # torso centre line
    rel = (u - cxz) / (tw / 2 + 1e-6)
    shade = 1.0 - 0.30 * np.clip(rel, -1, 1) ** 2                # rounder: darker at the sides
    shade += -0.06 * np.clip(rel, -1, 1)                        # light from the left
    vz = (z - (t_hem - drop)) / max(zc - (t_hem - drop), 1e-6)
    shade *= 0.92 + 0.10 * np.clip(vz, 0, 1)                    # slightly darker towards the hem
    fold1 = np.exp(-(((vz - 0.22 - 0.18 * rel) / 0.045) ** 2)) * (np.abs(rel) < 0.8)
    fold2 = np.exp(-(((vz - 0.55 + 0.12 * rel) / 0.035) ** 2)) * (np.abs(rel + 0.2) < 0.5)
    shade *= 1.0 - 0.16 * fold1 - 0.10 * fold2
    L.add(dtor, top[None, None, :] * shade[..., None])
    # collar / neck
    nb = up(0.0, t_top - X(0.03))
    nt = up(s * sf * X(0.01), (1.0 - P["head_h"] * 0.85) * H)
    dn, _, _ = sd_capsule(u, z, nb[0], nb[1], nt[0], nt[1], X(0.026), X(0.023))
    L.add(dn, skin * 0.86)
    draw_arm(arms[0], 1.0)

    # head with hair; elderly get white hair, the back of the head is all hair
    hc = up(s * sf * X(0.012), (1.0 - P["head_h"] / 2) * H)
    hrx, hrz = X(P["head_w"]) / 2 * (1 + 0.08 * sf), X(P["head_h"]) / 2
    dh = sd_ellipse(u, z, hc[0], hc[1], hrx, hrz)
    face_shade = 1.0 - 0.18 * np.clip((u - hc[0]) / hrx, -1, 1) ** 2
    L.add(dh, skin[None, None, :] * face_shade[..., None])
    white = p.hair == "white"
    cap_cx = hc[0] - s * sf * (0.55 if white else 0.45) * hrx
    cap_cz = hc[1] + hrz * ((0.62 if white else 0.42) - 0.85 * back)
    dcap = sd_ellipse(u, z, cap_cx, cap_cz, hrx * (1.05 + 0.1 * back), hrz * (1.0 + 0.1 * back))
    dhair = np.maximum(dh - X(0.006), dcap)
    hair_shade = 0.85 + 0.3 * np.clip((z - hc[1]) / hrz, -1, 1)
    L.add(dhair, hair[None, None, :] * hair_shade[..., None])
    return x0, y0, L.rgb, L.a


# --------------------------------------------------------------------------------------------------
# Clip definitions
# --------------------------------------------------------------------------------------------------
@dataclass
class Clip:
    name: str
    width: int
    height: int
    frames: int
    camera: Camera
    scene: object
    people: list
    seed: int


def clip_gate():
    cam = Camera(640, 360, hfov_deg=70.0, tilt_deg=30.0, cam_h=3.85)
    people = [
        Person(1, "red", "blue", "child", 110, start=14, speed=1.05,
               route=[(-4.7, 5.0), (0.0, 4.9), (4.9, 4.5)], skin=3, hair="dark", shoes=2,
               note="walks left to right across the path, behind id 2 around the middle"),
        Person(2, "grey", "black", "elderly", 158, start=0, speed=0.62,
               route=[(4.1, 3.75), (-4.5, 4.1)], skin=0, hair="white", shoes=1,
               note="walks slowly right to left across the near part of the path"),
        Person(3, "white", "black", "adult", 172, start=0, speed=1.35,
               route=[(-0.4, 16.6), (0.6, 6.0), (1.0, 1.2)], skin=1, hair="black",
               note="already in the gateway at the start, walks down the path toward the camera, leaves at the bottom"),
        Person(4, "green", "brown", "adult", 178, start=215, speed=1.4,
               route=[(9.8, 9.0), (2.0, 8.6), (-3.5, 8.2), (-10.5, 7.6)], skin=2, hair="dark",
               note="crosses the far paved band right to left"),
        Person(5, "blue", "grey", "adult", 168, start=30, speed=1.3,
               route=[(-7.2, 8.7), (-1.0, 8.5), (-1.3, 6.0), (-3.4, 1.8)], pauses={1: 75}, skin=0,
               hair="brown", note="walks in from the left along the far band, stands still 3 s, then walks down "
                                  "toward the bottom left"),
        Person(6, "purple", "black", "adult", 165, start=335, speed=1.3,
               route=[(3.8, 2.2), (1.2, 5.8), (0.8, 14.9), (0.6, 20.0)], skin=3, hair="brown",
               note="walks in from the bottom right and up the path toward the gate"),
    ]
    return Clip("scenic-gate-640", 640, 360, 400, cam, scene_gate, people, seed=11)


def clip_plaza():
    cam = Camera(1280, 720, hfov_deg=60.0, tilt_deg=30.0, cam_h=7.2)
    people = [
        Person(1, "pink", "blue", "child", 112, start=0, speed=1.1,
               route=[(-3.2, 9.0), (0.0, 9.4), (7.6, 9.9)], skin=3, hair="brown",
               note="walks left to right across the near part of the plaza and leaves at the right"),
        Person(2, "brown", "grey", "elderly", 162, start=0, speed=0.65,
               route=[(10.6, 16.2), (1.5, 15.2)], skin=1, hair="white", shoes=1,
               note="walks slowly in from the right across the middle of the plaza"),
        Person(3, "red", "black", "adult", 175, start=0, speed=1.35,
               route=[(-1.0, 20.5), (0.8, 9.0), (1.3, 3.5)], skin=0, hair="black",
               note="walks from the far end toward the camera and leaves at the bottom"),
        Person(4, "orange", "blue", "adult", 170, start=80, speed=1.4,
               route=[(16.0, 22.6), (-16.0, 21.2)], skin=2, hair="dark",
               note="crosses the far part of the plaza right to left"),
        Person(5, "black", "black", "adult", 180, start=0, speed=1.55,
               route=[(-7.0, 13.3), (11.5, 14.0)], skin=1, hair="black",
               note="crosses the middle left to right, passes in front of id 2"),
        Person(6, "cyan", "grey", "adult", 166, start=140, speed=1.3,
               route=[(5.4, 5.0), (2.5, 14.0), (-2.0, 24.5)], skin=3, hair="dark",
               note="enters at the bottom right and walks away up the plaza"),
        Person(7, "white", "blue", "adult", 172, start=235, speed=1.35,
               route=[(-8.8, 11.0), (3.0, 17.0)], skin=0, hair="brown",
               note="enters from the left and walks diagonally away toward the centre"),
    ]
    return Clip("plaza-720", 1280, 720, 300, cam, scene_plaza, people, seed=22)


def loop_route(cx, cy, rx, ry, laps, points=12):
    """Waypoints going round an ellipse on the ground `laps` times, starting at its right end."""
    return [(cx + rx * math.cos(2 * math.pi * k / points), cy + ry * math.sin(2 * math.pi * k / points))
            for k in range(laps * points + 1)]


# The behaviour clip's danger zone: the cobbled strip in front of the gate (ground metres), closed for works.
BEHAVIOUR_ZONE = ("gate works", [(-2.0, 5.65), (2.0, 5.65), (2.0, 7.55), (-2.0, 7.55)])


def clip_behaviour():
    """Scripted behaviour cases on the gate scene: three danger-zone entries (an adult who stays, a child
    beside an adult, a child running across), two children alone (standing, walking), a child with a parent
    (no alert), a wanderer, and people passing."""
    cam = Camera(640, 360, hfov_deg=70.0, tilt_deg=30.0, cam_h=3.85)
    people = [
        Person(1, "green", "black", "adult", 175, start=200, speed=1.2,
               route=[(10.5, 4.4), (0.8, 6.6), (1.2, 9.0), (0.4, 16.0)], pauses={1: 150}, skin=2, hair="dark",
               note="walks in from the right into the gate works (danger zone), stands there 6 s, walks up to the gate"),
        Person(8, "white", "black", "adult", 170, start=0, speed=1.3,
               route=[(-9.0, 5.2), (10.0, 5.2)], skin=0, hair="black",
               note="crosses the forecourt left to right just in front of the gate works: not in the zone"),
        Person(9, "blue", "grey", "adult", 168, start=250, speed=1.3,
               route=[(10.5, 8.8), (-10.5, 8.4)], skin=1, hair="brown", note="crosses the far band right to left"),
        Person(4, "red", "black", "child", 110, start=700, speed=1.0,
               route=[(-9.0, 9.2), (-1.2, 9.3), (-9.5, 9.0)], pauses={1: 750}, skin=3, hair="dark",
               note="a child alone: walks in along the far band, stands still 30 s, walks back"),
        Person(2, "yellow", "blue", "child", 105, start=1800, speed=1.1,
               route=[(10.5, 4.8), (0.6, 5.3), (0.2, 9.0), (0.0, 16.0)], skin=0, hair="brown",
               note="a child walking beside id 3 through the gate works (danger zone) toward the gate"),
        Person(3, "grey", "black", "adult", 166, start=1790, speed=1.1,
               route=[(10.5, 4.4), (-0.4, 5.0), (-0.8, 9.0), (-0.8, 16.0)], skin=1, hair="black",
               note="walks beside id 2 through the gate works in under 3 s: no alert for an adult"),
        Person(5, "pink", "blue", "child", 112, start=2150, speed=1.0,
               route=[(-9.5, 8.9), (-1.6, 8.8), (-9.5, 9.2)], pauses={1: 625}, skin=3, hair="black",
               note="a child with a parent (id 6): they stand together 25 s and walk back"),
        Person(6, "black", "blue", "adult", 172, start=2150, speed=1.0,
               route=[(-9.5, 8.3), (-1.0, 8.2), (-9.5, 8.5)], pauses={1: 625}, skin=2, hair="dark",
               note="the parent of id 5"),
        Person(10, "green", "grey", "child", 100, start=2480, speed=0.6,
               route=[(10.5, 10.0), (4.5, 10.0), (6.5, 10.1), (4.2, 10.0), (6.2, 10.1), (4.4, 10.0), (6.0, 10.1), (4.3, 10.0),
                      (6.1, 10.1), (4.5, 10.0), (6.0, 10.0), (4.4, 10.1), (6.2, 10.0)],
               skin=2, hair="black",
               note="a child alone walking to and fro on the far lawn for the last 40 s, nobody near"),
        Person(11, "orange", "black", "child", 115, start=2780, speed=1.6,
               route=[(-10.5, 6.6), (10.5, 6.4)], skin=1, hair="brown",
               note="a child running alone across the forecourt through the gate works (danger zone)"),
        Person(7, "purple", "grey", "elderly", 160, start=0, speed=0.8,
               route=loop_route(0.8, 4.1, 1.8, 0.5, 14) + [(10.5, 2.8)], skin=0, hair="white", shoes=1,
               note="an elderly person wandering: walks round and round a small part of the forecourt for 2.3 min"),
    ]
    return Clip("behaviour-cases-640", 640, 360, 3500, cam, scene_gate, people, seed=33)


def behaviour_truth(clip, tracks):
    """The zone (fractions of the frame) and the events of the behaviour clip, from the true ground
    positions: a zone entry of a child, or an adult's stay of 3 s; a child with no adult within 4 m for
    30 s (15 s standing still); the wanderer's loops."""
    cam = clip.camera
    name, corners = BEHAVIOUR_ZONE
    poly = []
    for X, Y in corners:
        u, v = cam.project(X, Y)
        poly.append([round(min(max(float(u) / clip.width, 0.0), 1.0), 4), round(min(max(float(v) / clip.height, 0.0), 1.0), 4)])
    zone_px = [(x * clip.width, y * clip.height) for x, y in poly]
    events = []

    def runs(frames):
        out, start, prev = [], None, None
        for f in frames:
            if start is None or f != prev + 1:
                if start is not None:
                    out.append((start, prev))
                start = f
            prev = f
        if start is not None:
            out.append((start, prev))
        return out

    def visible(st):
        return 0 <= st["uf"] < clip.width and 0 <= st["vf"] < clip.height

    by_id = {p.id: p for p in clip.people}
    for p in clip.people:
        t = tracks[p.id]
        inside = sorted(f for f, st in t.items() if visible(st) and point_in_poly(st["uf"], st["vf"], zone_px))
        for a, b in runs(inside):
            if p.age == "child" or b - a + 1 >= 3 * FPS:
                events.append(dict(kind="danger-zone", person=p.id, startFrame=a, endFrame=b, zone=name))
        if p.age == "child":
            alone = []
            for f, st in sorted(t.items()):
                if not visible(st):
                    continue
                near = [math.hypot(st["X"] - o[f]["X"], st["Y"] - o[f]["Y"]) for q, o in tracks.items()
                        if by_id[q].age != "child" and f in o and visible(o[f])]
                if not near or min(near) > 4.0:
                    alone.append(f)
            for a, b in runs(alone):
                still = max((min(b, s1) - max(a, s0) + 1 for s0, s1 in still_frames(p)), default=0)
                if b - a + 1 >= 30 * FPS or still >= 15 * FPS:
                    events.append(dict(kind="child-alone", person=p.id, startFrame=a, endFrame=b))
    wanderer = tracks[7]
    loop_end = int(keyframes(by_id[7])[-2][0])
    events.append(dict(kind="wandering", person=7, startFrame=min(wanderer), endFrame=loop_end))
    return [dict(name=name, polygon=poly, dwellSeconds=3)], events


# --------------------------------------------------------------------------------------------------
# Rendering + ground truth
# --------------------------------------------------------------------------------------------------
def shear_for(st):
    return (st["uh"] - st["uf"]) / max(st["vf"] - st["vh"], 1e-6)


def object_occlusion(sprites, depth, x0, y0, shape):
    """Coverage (0..1) of sprites nearer than `depth` over a patch."""
    occ = np.zeros(shape)
    for s in sprites:
        if s.depth >= depth:
            continue
        h, w = s.alpha.shape
        ax0, ay0 = max(x0, s.x0), max(y0, s.y0)
        ax1, ay1 = min(x0 + shape[1], s.x0 + w), min(y0 + shape[0], s.y0 + h)
        if ax1 <= ax0 or ay1 <= ay0:
            continue
        a = s.alpha[ay0 - s.y0:ay1 - s.y0, ax0 - s.x0:ax1 - s.x0]
        o = occ[ay0 - y0:ay1 - y0, ax0 - x0:ax1 - x0]
        o[:] = o + a * (1 - o)
    return occ


def render_clip(clip, out_dir, only_frames=None, png_dir=None, encode=True):
    cam = clip.camera
    W, Hh = clip.width, clip.height
    print(f"[{clip.name}] building scene ...", flush=True)
    base, sprites, (trees, nz) = clip.scene(cam)
    light = light_field(cam)
    # ground shadow factor (for darkening people who walk through tree shade)
    tracks = {p.id: track(p, cam, clip.frames) for p in clip.people}
    rng = np.random.default_rng(clip.seed)
    drift_phase = rng.uniform(0, 2 * math.pi)
    boxes = []
    ff = None
    if encode:
        cmd = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
               "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{W}x{Hh}", "-r", str(FPS), "-i", "-",
               "-vf", "scale=out_color_matrix=bt709:out_range=tv:flags=bicubic",
               "-c:v", "libx264", "-preset", "slow", "-crf", "23", "-pix_fmt", "yuv420p", "-threads", "2",
               "-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709", "-color_range", "tv",
               "-movflags", "+faststart", "-fflags", "+bitexact", "-map_metadata", "-1",
               os.path.join(out_dir, clip.name + ".mp4")]
        ff = subprocess.Popen(cmd, stdin=subprocess.PIPE)
    frame_list = range(clip.frames) if only_frames is None else only_frames
    for fi in frame_list:
        img = base.copy()
        present = [(p, tracks[p.id][fi]) for p in clip.people if fi in tracks[p.id]]
        # soft ground shadows (sun from the upper left -> shadow toward lower right)
        for p, st in present:
            H = st["H"]
            cxs, cys = st["uf"] + 0.16 * H, st["vf"] + 0.015 * H
            rx, ry = 0.30 * H, 0.055 * H
            x0, x1 = max(int(cxs - rx * 1.6), 0), min(int(cxs + rx * 1.6) + 1, W)
            y0, y1 = max(int(cys - ry * 2.2), 0), min(int(cys + ry * 2.2) + 1, Hh)
            if x1 <= x0 or y1 <= y0:
                continue
            ys, xs = np.mgrid[y0:y1, x0:x1].astype(np.float64)
            dx = (xs - cxs) / rx
            k = np.exp(-0.5 * (dx ** 2 / 0.45 + ((ys - cys) / ry) ** 2 / 0.45))
            img[y0:y1, x0:x1] *= (1 - 0.40 * k)[..., None]
        # figures far to near
        present.sort(key=lambda ps: ps[1]["vf"])
        layers = []
        for p, st in present:
            x0, y0, rgb, a = render_figure(p, st, shear_for(st))
            # people in tree shade are darker; global light field applies to them too
            gx, gy = float(st["X"]), float(st["Y"])
            # (only partly: the upper body is often out of the dappled shade, and colours stay readable)
            shade = 1 - 0.25 * float(canopy_shadow(np.array([gx]), np.array([gy]), nz, trees)[0])
            lu = light[min(max(int(st["vf"]), 0), Hh - 1), min(max(int(st["uf"]), 0), W - 1)]
            rgb = rgb * (shade * lu)
            occ = object_occlusion(sprites, st["Y"], x0, y0, a.shape)
            eff = a * (1 - occ)
            layers.append((p, st, x0, y0, rgb, a, occ))
            # composite the in-frame part
            cx0, cy0 = max(x0, 0), max(y0, 0)
            cx1, cy1 = min(x0 + a.shape[1], W), min(y0 + a.shape[0], Hh)
            if cx1 > cx0 and cy1 > cy0:
                sl = (slice(cy0 - y0, cy1 - y0), slice(cx0 - x0, cx1 - x0))
                e = eff[sl][..., None]
                sub = img[cy0:cy1, cx0:cx1]
                sub[:] = sub * (1 - e) + rgb[sl] * e
        # ground truth: tight boxes from the masks, visibility front to back
        covered = np.zeros((Hh, W), dtype=bool)
        gt = []
        for p, st, x0, y0, rgb, a, occ in reversed(layers):
            mask = a > 0.5
            total = int(mask.sum())
            cx0, cy0 = max(x0, 0), max(y0, 0)
            cx1, cy1 = min(x0 + a.shape[1], W), min(y0 + a.shape[0], Hh)
            if total == 0 or cx1 <= cx0 or cy1 <= cy0:
                continue
            sl = (slice(cy0 - y0, cy1 - y0), slice(cx0 - x0, cx1 - x0))
            inframe = mask[sl]
            if not inframe.any():
                continue
            vis = inframe & ~covered[cy0:cy1, cx0:cx1] & (occ[sl] < 0.5)
            covered[cy0:cy1, cx0:cx1] |= inframe
            rows = np.nonzero(inframe.any(axis=1))[0]
            cols = np.nonzero(inframe.any(axis=0))[0]
            gt.append(dict(frame=fi, id=p.id, x=float(cx0 + cols[0]), y=float(cy0 + rows[0]),
                           w=float(cols[-1] - cols[0] + 1), h=float(rows[-1] - rows[0] + 1),
                           visible=round(vis.sum() / total, 3)))
        boxes.extend(sorted(gt, key=lambda b: b["id"]))
        # camera: slight optical softness, slow brightness drift, sensor noise
        img = soften(img)
        drift = 1.0 + 0.03 * math.sin(2 * math.pi * fi / (clip.frames * 0.9) + drift_phase)
        img = img * drift + rng.normal(0.0, 2.5, img.shape)
        frame = np.clip(np.rint(img), 0, 255).astype(np.uint8)
        if ff is not None:
            ff.stdin.write(frame.tobytes())
        if png_dir:
            write_ppm(os.path.join(png_dir, f"{clip.name}-{fi:03d}.ppm"), frame)
        if fi % 50 == 0:
            print(f"[{clip.name}] frame {fi}", flush=True)
    if ff is not None:
        ff.stdin.close()
        if ff.wait() != 0:
            sys.exit("ffmpeg failed")
    return boxes, tracks


def soften(img):
    """Separable [1 2 1]/4 blur: lens/demosaic softness (sigma ~0.7 px)."""
    out = img.copy()
    out[1:-1] = 0.25 * img[:-2] + 0.5 * img[1:-1] + 0.25 * img[2:]
    tmp = out.copy()
    out[:, 1:-1] = 0.25 * tmp[:, :-2] + 0.5 * tmp[:, 1:-1] + 0.25 * tmp[:, 2:]
    return out


def write_ppm(path, frame):
    with open(path, "wb") as f:
        f.write(b"P6 %d %d 255\n" % (frame.shape[1], frame.shape[0]))
        f.write(frame.tobytes())


def still_frames(p):
    """Frame ranges (inclusive) in which a person's ground position does not change (route pauses)."""
    kf = keyframes(p)
    return [(math.ceil(t0), math.floor(t1)) for (t0, x0, y0), (t1, x1, y1) in zip(kf, kf[1:])
            if (x0, y0) == (x1, y1)]


def write_gt(clip, boxes, out_dir, sampling=1, zones=None, events=None):
    idents = []
    for p in clip.people:
        fr = [b["frame"] for b in boxes if b["id"] == p.id]
        if not fr:
            continue
        idents.append({"id": p.id, "upper": p.upper, "lower": p.lower, "ageGroup": p.age,
                       "heightCM": p.height_cm, "description_en": p.description_en(),
                       "description_zh": p.description_zh(), "firstFrame": min(fr), "lastFrame": max(fr),
                       "note": p.note + "".join(f"; stands still frames {a}-{b}" for a, b in still_frames(p))})
    doc = {"clip": clip.name + ".mp4", "width": clip.width, "height": clip.height, "fps": FPS,
           "frames": clip.frames, "identities": idents,
           "boxes": sorted((b for b in boxes if b["frame"] % sampling == 0), key=lambda b: (b["frame"], b["id"]))}
    if sampling > 1:
        doc["sampling"] = sampling
    # one box per line keeps diffs readable
    lines = ["{"]
    for k in ("clip", "width", "height", "fps", "frames", "sampling"):
        if k in doc:
            lines.append(f"  {json.dumps(k)}: {json.dumps(doc[k])},")
    if zones is not None:
        lines.append(f'  "zones": {json.dumps(zones)},')
    if events is not None:
        lines.append('  "events": [')
        lines.append(",\n".join("    " + json.dumps(e) for e in events))
        lines.append("  ],")
    lines.append('  "identities": [')
    lines.append(",\n".join("    " + json.dumps(i, ensure_ascii=False) for i in idents))
    lines.append("  ],")
    lines.append('  "boxes": [')
    lines.append(",\n".join("    " + json.dumps(b) for b in doc["boxes"]))
    lines.append("  ]")
    lines.append("}")
    with open(os.path.join(out_dir, clip.name + ".gt.json"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def plan(clip):
    """Print timing, on-screen counts, pixel heights and speeds (no rendering)."""
    cam = clip.camera
    tracks = {p.id: track(p, cam, clip.frames) for p in clip.people}
    print(f"== {clip.name}")
    for p in clip.people:
        t = tracks[p.id]
        kf = keyframes(p)
        inside = [f for f, st in t.items() if st["uf"] + 0.3 * st["H"] > 0 and st["uf"] - 0.3 * st["H"] < cam.w
                  and st["vf"] > 0 and st["vh"] < cam.h]
        hs = [t[f]["H"] for f in inside]
        sp = [t[f]["speed_px"] for f in inside if t[f]["motion"] > 0.99]
        print(f"  id{p.id} {p.upper}/{p.lower} {p.age}: route frames {kf[0][0]:.0f}-{kf[-1][0]:.0f}, "
              f"in frame ~{min(inside) if inside else None}-{max(inside) if inside else None}, "
              f"H {min(hs) if hs else 0:.0f}-{max(hs) if hs else 0:.0f}px, "
              f"speed {min(sp) if sp else 0:.2f}-{max(sp) if sp else 0:.2f}px/f, kf={[(round(a), b, c) for a, b, c in kf]}")
    counts = []
    for f in range(clip.frames):
        n = 0
        for p in clip.people:
            st = tracks[p.id].get(f)
            if st and st["uf"] + 0.3 * st["H"] > 0 and st["uf"] - 0.3 * st["H"] < cam.w and st["vh"] < cam.h \
                    and st["vf"] > 0:
                n += 1
        counts.append(n)
    print("  max on screen:", max(counts), " per 25 frames:", counts[::25])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--plan", action="store_true", help="print tracks only")
    ap.add_argument("--only", help="clip stem to render")
    ap.add_argument("--frames", help="comma list of frames: write .ppm stills only (no video/GT)")
    ap.add_argument("--png", help="directory for stills", default="/tmp")
    args = ap.parse_args()
    clips = [clip_gate(), clip_plaza(), clip_behaviour()]
    if args.only:
        clips = [c for c in clips if c.name == args.only]
    for c in clips:
        if args.plan:
            plan(c)
            continue
        if args.frames:
            fl = [int(x) for x in args.frames.split(",")]
            boxes, _ = render_clip(c, HERE, only_frames=fl, png_dir=args.png, encode=False)
            with open(os.path.join(args.png, c.name + "-boxes.json"), "w") as f:
                json.dump(boxes, f)
            continue
        boxes, tracks = render_clip(c, HERE)
        if c.name == "behaviour-cases-640":
            zones, events = behaviour_truth(c, tracks)
            write_gt(c, boxes, HERE, sampling=5, zones=zones, events=events)
        else:
            write_gt(c, boxes, HERE)
        print(f"[{c.name}] wrote {c.name}.mp4 and {c.name}.gt.json ({len(boxes)} boxes)")


if __name__ == "__main__":
    main()
