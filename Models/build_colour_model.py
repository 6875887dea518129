#!/usr/bin/env python3
"""Builds Models/colour-names.json: the sRGB -> basic colour name lookup table of Kinfinder.

Data: the XKCD colour survey (Randall Munroe, "Color Survey Results", xkcd blog, 3 May 2010): the 949
most-agreed colour names from millions of namings of random monitor colours by web volunteers, each
with one sRGB value. It is shipped inside matplotlib as `matplotlib._color_data.XKCD_COLORS`
(CC0 public domain), which is how this script reads it, so the build needs nothing but matplotlib
and numpy:

    python3 -m venv /tmp/cmvenv && /tmp/cmvenv/bin/pip install matplotlib numpy
    /tmp/cmvenv/bin/python Models/build_colour_model.py            # writes Models/colour-names.json
    /tmp/cmvenv/bin/python Models/build_colour_model.py --chart /tmp/colour-chart.png

Method (see Models/README.md for the reasoning):
 1. Every XKCD name is mapped onto one of the 12 names of `ColourName` (Sources/Description/ColourName.swift):
    a whole-name table first (FULL_NAME), then the head noun, i.e. the last word ("dark navy blue"
    -> "blue", "lime green" -> "green"): a basic term stays itself, a non-basic head goes through
    HEAD_MAP; names whose head is neither ("bland", "dust", "green/blue") are dropped, and so are
    blends whose word before the head is a colour noun of another name ("teal blue", "golden brown").
 2. sRGB is quantised to 32 levels per channel; cell (i, j, k) stands for the colour at its centre
    (8i+4, 8j+4, 8k+4) and has index i<<10 | j<<5 | k, i.e. (r>>3)<<10 | (g>>3)<<5 | (b>>3).
 3. Each cell centre is labelled by distance-weighted k-nearest-neighbours (k = 7, weight 1/d, CIE76
    distance in CIELAB, D65) over the labelled XKCD samples plus a handful of documented clothing
    anchors (CLOTHING_ANCHORS).
 4. Achromatic override: a cell with low CIELAB chroma (C* below ACHROMATIC_CHROMA, a little more
    for very dark and very light cells) is black, grey or white by its lightness (BLACK_L / WHITE_L).
    Cells with L* < ALWAYS_BLACK_L are black whatever their chroma.
 5. The script checks the reference clothing colours (REFERENCE) and exits non-zero if one is misnamed.
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np

NAMES = ["red", "orange", "yellow", "green", "cyan", "blue", "purple", "pink", "brown", "black", "white", "grey"]
IDX = {n: i for i, n in enumerate(NAMES)}

# Head nouns that are not one of the 12 names, and the name they are taken as. Chosen for how a
# family would name a garment of that colour; the debatable calls:
#   magenta, fuchsia -> pink   (hot-pink clothes are "pink"/"粉"/"玫红" to families, not purple)
#   mauve            -> pink   (XKCD's mauve samples are dusty roses, hue 330-345 deg; purple made every
#                               shaded pink top purple)
#   orchid           -> purple
#   salmon, coral    -> pink   (XKCD's salmon/coral are pink-orange; 三文鱼色/珊瑚色 clothes read pink)
#   peach, apricot   -> orange
#   khaki, tan, beige, taupe, sand, camel -> brown (clothing sense: 卡其/驼色/米色 chinos and coats)
#   cream, ivory, eggshell, ecru -> white
#   olive, lime, chartreuse -> green;   gold, mustard, ochre -> yellow
#   indigo, periwinkle -> purple (XKCD's samples of both lie on the violet side of blue)
HEAD_MAP = {
    # red
    "maroon": "red", "burgundy": "red", "crimson": "red", "scarlet": "red", "carmine": "red",
    "claret": "red", "ruby": "red", "cherry": "red", "blood": "red", "wine": "red", "merlot": "red",
    "bordeaux": "red", "cranberry": "red", "rouge": "red", "vermillion": "red", "tomato": "red",
    "strawberry": "red", "watermelon": "red", "brick": "red", "mahogany": "red", "lipstick": "red",
    "reddish": "red", "orangered": "red", "raspberry": "red",
    # orange
    "tangerine": "orange", "pumpkin": "orange", "mango": "orange", "apricot": "orange", "peach": "orange",
    "melon": "orange", "orangish": "orange", "orangeish": "orange", "amber": "orange",
    # yellow
    "gold": "yellow", "golden": "yellow", "mustard": "yellow", "ochre": "yellow", "ocher": "yellow",
    "ocre": "yellow", "canary": "yellow", "lemon": "yellow", "butter": "yellow", "banana": "yellow",
    "custard": "yellow", "dandelion": "yellow", "sunflower": "yellow", "marigold": "yellow",
    "saffron": "yellow", "maize": "yellow", "straw": "yellow", "goldenrod": "yellow", "yellowish": "yellow",
    "manilla": "yellow",
    # green
    "olive": "green", "lime": "green", "sage": "green", "mint": "green", "fern": "green", "moss": "green",
    "grass": "green", "leaf": "green", "forest": "green", "pine": "green", "spruce": "green",
    "evergreen": "green", "emerald": "green", "jade": "green", "shamrock": "green", "viridian": "green",
    "avocado": "green", "pistachio": "green", "celadon": "green", "celery": "green", "kiwi": "green",
    "pear": "green", "pea": "green", "apple": "green", "asparagus": "green", "algae": "green",
    "seaweed": "green", "swamp": "green", "camo": "green", "lichen": "green", "chartreuse": "green",
    "wintergreen": "green", "spearmint": "green", "seafoam": "green", "darkgreen": "green",
    "lightgreen": "green", "yellowgreen": "green", "greenish": "green", "booger": "green", "snot": "green",
    "bile": "green", "greenblue": "green",
    # cyan (青: blue-green)
    "teal": "cyan", "turquoise": "cyan", "aqua": "cyan", "aquamarine": "cyan", "tealish": "cyan",
    "topaz": "cyan", "petrol": "cyan", "ocean": "cyan", "bluegreen": "cyan", "sea": "cyan",
    # blue
    "navy": "blue", "denim": "blue", "azure": "blue", "azul": "blue", "cobalt": "blue", "sapphire": "blue",
    "ultramarine": "blue", "cerulean": "blue", "cornflower": "blue", "sky": "blue", "royal": "blue",
    "marine": "blue", "darkblue": "blue", "lightblue": "blue", "bluish": "blue", "blueberry": "blue",
    "greyblue": "blue", "midnight": "blue",
    # purple
    "violet": "purple", "lilac": "purple", "liliac": "purple", "lavender": "purple", "lavendar": "purple",
    "plum": "purple", "eggplant": "purple", "aubergine": "purple", "grape": "purple",
    "amethyst": "purple", "heliotrope": "purple", "orchid": "purple", "wisteria": "purple",
    "heather": "purple", "indigo": "purple", "periwinkle": "purple", "perrywinkle": "purple",
    "purply": "purple", "purpley": "purple", "purpleish": "purple", "purplish": "purple",
    "burple": "purple", "urple": "purple", "blurple": "purple", "bruise": "purple", "barney": "purple",
    "iris": "purple",
    # pink
    "magenta": "pink", "fuchsia": "pink", "rose": "pink", "rosa": "pink", "pinky": "pink",
    "pinkish": "pink", "blush": "pink", "carnation": "pink", "bubblegum": "pink", "salmon": "pink",
    "coral": "pink", "cerise": "pink", "mauve": "pink",
    # brown
    "beige": "brown", "tan": "brown", "khaki": "brown", "taupe": "brown", "toupe": "brown",
    "chocolate": "brown", "coffee": "brown",
    "mocha": "brown", "cocoa": "brown", "camel": "brown", "chestnut": "brown", "auburn": "brown",
    "russet": "brown", "sepia": "brown", "leather": "brown", "mushroom": "brown", "puce": "brown",
    "earth": "brown", "dirt": "brown", "mud": "brown", "clay": "brown", "hazel": "brown",
    "bronze": "brown", "caramel": "brown", "fawn": "brown", "sand": "brown",
    "sandy": "brown", "sandstone": "brown", "desert": "brown", "brownish": "brown",
    "poo": "brown", "poop": "brown", "shit": "brown",
    # white
    "cream": "white", "creme": "white", "ivory": "white", "eggshell": "white", "ecru": "white",
    # grey
    "silver": "grey", "charcoal": "grey", "gunmetal": "grey", "slate": "grey", "steel": "grey",
    "cement": "grey", "stone": "grey", "greyish": "grey", "bluegrey": "grey",
}

# Whole names that the head rule gets wrong or cannot decide.
FULL_NAME = {
    "aqua marine": "cyan",          # head "marine" alone is dark blue
    "robin's egg": "cyan", "robin egg blue": "cyan",
    "egg shell": "white",
    "golden rod": "yellow",
    "pea soup": "green",
    "dried blood": "red",
    "terra cotta": None, "terracotta": None, "terracota": None,   # red/orange/brown: ambiguous
    "blue violet": "purple", "red violet": "pink",
    "macaroni and cheese": None,
    "dark": None,                   # "dark" alone (#1b2431) is an adjective, not a name
}

# Heads deliberately left out as ambiguous or not colour nouns (listed only for the record).
DROPPED_HEADS = {
    "dust", "tea", "bland", "cheese", "ice", "pale", "dusk", "twilight", "putty", "drab", "wheat", "buff",
    "parchment", "adobe", "squash", "butterscotch", "berry", "mulberry", "velvet", "grapefruit",
    "vomit", "puke", "diarrhea", "soup", "cotta",
    # orange-brown pigment names: half the survey's uses are orange, half brown
    "sienna", "siena", "umber", "copper", "cinnamon", "rust",
}

# Clothing anchors: a few hand-placed samples (sRGB, name) for colours that are common in clothing but
# thin or absent in the paint-chip-like XKCD data, mostly dark and low-chroma ones that video makes of
# dark garments. Each is a plain labelled sample in the k-NN, like an XKCD name.
CLOTHING_ANCHORS = [
    ((30, 40, 80), "blue"),      # navy jacket
    ((25, 30, 60), "blue"),      # dark navy
    ((50, 75, 130), "blue"),     # dark jeans
    ((70, 100, 150), "blue"),    # mid-wash jeans
    ((40, 55, 90), "blue"),      # dark denim in shade
    ((150, 125, 85), "brown"),   # khaki chinos
    ((120, 100, 70), "brown"),   # khaki in shade
    ((90, 65, 45), "brown"),     # brown leather
    ((60, 45, 35), "brown"),     # dark brown coat
    ((190, 170, 140), "brown"),  # beige coat
    ((60, 70, 40), "green"),     # army green (军绿)
    ((80, 30, 35), "red"),       # dark red / burgundy (酒红)
]

ACHROMATIC_CHROMA = 12.0   # C* below this (at mid lightness) is black / grey / white
DARK_CHROMA_BONUS = 0.35   # per L* unit below DARK_L: the chroma threshold rises for dark cells
DARK_L = 30.0
LIGHT_CHROMA_BONUS = 0.4  # per L* unit above LIGHT_L: near-whites with a camera colour cast stay white
LIGHT_L = 85.0
ALWAYS_BLACK_L = 6.0       # below this L* a cell is black, whatever its chroma (pure blue 0,0,80 is L* 6)
BLACK_L = 28.0             # low-chroma cells: black below this L*
WHITE_L = 80.0             # low-chroma cells: white above this L*, grey in between
K = 7
QUANT = 32


def srgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """sRGB (…, 3) in 0–255 -> CIELAB (D65)."""
    c = rgb.astype(np.float64) / 255.0
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    m = np.array([[0.4124564, 0.3575761, 0.1804375],
                  [0.2126729, 0.7151522, 0.0721750],
                  [0.0193339, 0.1191920, 0.9503041]])
    xyz = lin @ m.T
    white = np.array([0.95047, 1.0, 1.08883])
    t = xyz / white
    d = 6.0 / 29.0
    f = np.where(t > d ** 3, np.cbrt(t), t / (3 * d * d) + 4.0 / 29.0)
    L = 116 * f[..., 1] - 16
    a = 500 * (f[..., 0] - f[..., 1])
    b = 200 * (f[..., 1] - f[..., 2])
    return np.stack([L, a, b], axis=-1)


# "-y" tint adjectives: "bluey green" is a green, not a blend (like "bluish green").
TINT_ADJECTIVES = {"pinky", "purply", "purpley", "bluey", "greeny", "browny", "yellowy", "orangey", "reddy"}


def basic_of(word: str) -> str | None:
    return word if word in IDX else HEAD_MAP.get(word)


def label_xkcd_name(name: str) -> str | None:
    """Maps one XKCD name onto a basic name, or None to drop it."""
    n = name.lower().replace("gray", "grey")
    if n in FULL_NAME:
        return FULL_NAME[n]
    if "/" in n:                      # "blue/green": the survey's own ambiguous names
        return None
    words = n.split()
    label = basic_of(words[-1])
    if label is None:
        return None
    # Blends: "teal blue", "grey green", "golden brown": the word before the head is a colour noun of
    # another basic name, so the colour lies between the two and says nothing about either; dropped
    # so that the k-NN boundary falls between the unambiguous names. Tints ("bluish green",
    # "bluey green") and same-name compounds ("navy blue", "lime green") are kept.
    if len(words) >= 2:
        mod = words[-2]
        if not mod.endswith("ish") and mod not in TINT_ADJECTIVES:
            other = basic_of(mod)
            if other is not None and other != label:
                return None
    return label


def xkcd_samples():
    from matplotlib import _color_data  # XKCD_COLORS: {"xkcd:name": "#rrggbb"}
    out, dropped = [], []
    for key, hexv in _color_data.XKCD_COLORS.items():
        name = key.split(":", 1)[1]
        label = label_xkcd_name(name)
        rgb = tuple(int(hexv[i:i + 2], 16) for i in (1, 3, 5))
        if label is None:
            dropped.append(name)
        else:
            out.append((name, rgb, label))
    return out, dropped


def build_table(samples) -> np.ndarray:
    rgb = np.array([s[1] for s in samples], dtype=np.float64)
    labels = np.array([IDX[s[2]] for s in samples])
    lab = srgb_to_lab(rgb)

    levels = np.arange(QUANT) * (256 // QUANT) + (256 // QUANT) // 2     # cell centres 4, 12, …, 252
    r, g, b = np.meshgrid(levels, levels, levels, indexing="ij")       # index order r, g, b
    cells = np.stack([r.ravel(), g.ravel(), b.ravel()], axis=-1)      # row i = (r>>3)<<10 | (g>>3)<<5 | (b>>3)
    cl = srgb_to_lab(cells)

    table = np.empty(len(cells), dtype=np.uint8)
    for start in range(0, len(cells), 4096):
        block = cl[start:start + 4096]
        d = np.sqrt(((block[:, None, :] - lab[None, :, :]) ** 2).sum(-1))
        nn = np.argpartition(d, K, axis=1)[:, :K]
        dn = np.take_along_axis(d, nn, axis=1)
        w = 1.0 / (dn + 1e-6)
        votes = np.zeros((len(block), len(NAMES)))
        np.add.at(votes, (np.repeat(np.arange(len(block)), K), labels[nn].ravel()), w.ravel())
        table[start:start + 4096] = votes.argmax(1)

    L = cl[:, 0]
    chroma = np.hypot(cl[:, 1], cl[:, 2])
    threshold = (ACHROMATIC_CHROMA + DARK_CHROMA_BONUS * np.clip(DARK_L - L, 0, None)
                 + LIGHT_CHROMA_BONUS * np.clip(L - LIGHT_L, 0, None))
    achromatic = chroma < threshold
    table[achromatic & (L < BLACK_L)] = IDX["black"]
    table[achromatic & (L >= BLACK_L) & (L <= WHITE_L)] = IDX["grey"]
    table[achromatic & (L > WHITE_L)] = IDX["white"]
    table[L < ALWAYS_BLACK_L] = IDX["black"]
    return table


def lookup(table: np.ndarray, r: int, g: int, b: int) -> str:
    return NAMES[table[(r >> 3) << 10 | (g >> 3) << 5 | (b >> 3)]]


REFERENCE = [
    ((190, 35, 40), "red"), ((50, 75, 130), "blue"), ((30, 40, 80), "blue"), ((150, 125, 85), "brown"),
    ((30, 30, 35), "black"), ((128, 128, 128), "grey"), ((225, 225, 220), "white"), ((235, 130, 170), "pink"),
    ((235, 120, 30), "orange"), ((30, 160, 170), "cyan"), ((110, 50, 140), "purple"), ((230, 200, 40), "yellow"),
    ((40, 120, 60), "green"),
]


def chart(table: np.ndarray, path: str) -> None:
    """Hue x lightness grids at a few chroma levels plus RGB slices, each cell painted with its label's
    prototype colour (top half) and the cell's own colour (bottom half)."""
    import colorsys
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    proto = {"red": (200, 30, 30), "orange": (245, 140, 20), "yellow": (240, 220, 30), "green": (40, 150, 50),
             "cyan": (20, 190, 200), "blue": (30, 60, 200), "purple": (120, 40, 160), "pink": (250, 140, 190),
             "brown": (130, 80, 40), "black": (0, 0, 0), "white": (255, 255, 255), "grey": (128, 128, 128)}
    sats = [1.0, 0.6, 0.35, 0.15]
    fig, axes = plt.subplots(len(sats), 1, figsize=(14, 4 * len(sats)))
    for ax, s in zip(axes, sats):
        H, V = 72, 24
        img = np.zeros((V * 2, H, 3))
        for i in range(H):
            for j in range(V):
                v = (j + 0.5) / V
                rr, gg, bb = colorsys.hsv_to_rgb(i / H, s, v)
                c = (int(rr * 255), int(gg * 255), int(bb * 255))
                img[2 * (V - 1 - j), i] = np.array(proto[lookup(table, *c)]) / 255
                img[2 * (V - 1 - j) + 1, i] = np.array(c) / 255
        ax.imshow(img, aspect="auto", interpolation="nearest", extent=(0, 360, 0, 1))
        ax.set_title(f"HSV saturation {s}: hue (x) x value (y); label colour above, true colour below")
    fig.tight_layout()
    fig.savefig(path, dpi=70)

    # CIELAB slices: a* (x) by b* (y) at several L*, each in-gamut point painted with its label.
    Ls = [15, 25, 35, 50, 65, 80, 90]
    fig, axes = plt.subplots(1, len(Ls), figsize=(4 * len(Ls), 4.4))
    ab = np.linspace(-100, 100, 101)
    for ax, Lv in zip(axes, Ls):
        img = np.full((len(ab), len(ab), 3), 0.85)
        for yi, bv in enumerate(ab[::-1]):
            for xi, av in enumerate(ab):
                c = lab_to_srgb(np.array([Lv, av, bv]))
                if c is not None:
                    img[yi, xi] = np.array(proto[lookup(table, *c)]) / 255
        ax.imshow(img, extent=(-100, 100, -100, 100))
        ax.set_title(f"L* = {Lv}: a* (x), b* (y)")
    fig.tight_layout()
    fig.savefig(path.replace(".png", "-lab.png"), dpi=60)


def lab_to_srgb(lab: np.ndarray):
    """CIELAB -> sRGB 0-255 ints, or None when out of gamut."""
    L, a, b = lab
    fy = (L + 16) / 116
    fx, fz = fy + a / 500, fy - b / 200
    d = 6.0 / 29.0
    inv = lambda f: f ** 3 if f > d else 3 * d * d * (f - 4.0 / 29.0)
    xyz = np.array([inv(fx) * 0.95047, inv(fy), inv(fz) * 1.08883])
    m = np.array([[3.2404542, -1.5371385, -0.4985314],
                  [-0.9692660, 1.8760108, 0.0415560],
                  [0.0556434, -0.2040259, 1.0572252]])
    lin = m @ xyz
    if (lin < -1e-4).any() or (lin > 1 + 1e-4).any():
        return None
    lin = np.clip(lin, 0, 1)
    c = np.where(lin <= 0.0031308, 12.92 * lin, 1.055 * lin ** (1 / 2.4) - 0.055)
    return tuple(int(round(v * 255)) for v in c)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=str(Path(__file__).with_name("colour-names.json")))
    ap.add_argument("--chart", help="also write a PNG chart of the table here")
    args = ap.parse_args()

    samples, dropped = xkcd_samples()
    anchors = [(f"anchor {rgb}", rgb, n) for rgb, n in CLOTHING_ANCHORS]
    table = build_table(samples + anchors)

    ok = True
    for rgb, want in REFERENCE:
        got = lookup(table, *rgb)
        if got != want:
            ok = False
        print(f"  {rgb} -> {got}" + ("" if got == want else f"   (WANTED {want})"), file=sys.stderr)
    print(f"XKCD names used: {len(samples)}, dropped: {len(dropped)} ({', '.join(sorted(dropped))})", file=sys.stderr)
    print("samples per name: " + ", ".join(f"{n} {c}" for n, c in Counter(s[2] for s in samples).most_common()),
          file=sys.stderr)
    counts = Counter(NAMES[i] for i in table)
    print("cells per name: " + ", ".join(f"{n} {counts[n]}" for n in NAMES), file=sys.stderr)

    doc = {
        "version": 1,
        "names": NAMES,
        "quantisation": QUANT,
        "index": "(r>>3)<<10 | (g>>3)<<5 | (b>>3)",
        "table": base64.b64encode(table.tobytes()).decode("ascii"),
        "source": (f"XKCD colour survey (R. Munroe, 2010; CC0): {len(samples)} of its 949 names with sRGB values "
                   "as shipped in matplotlib._color_data.XKCD_COLORS, mapped to 12 basic names by head noun "
                   "(blends and ambiguous names dropped); cells "
                   f"labelled by {K}-NN (1/d weights) in CIELAB D65 plus {len(CLOTHING_ANCHORS)} clothing anchors; "
                   f"achromatic override C* < {ACHROMATIC_CHROMA} (+{DARK_CHROMA_BONUS}/L* below L*={DARK_L}, "
                   f"+{LIGHT_CHROMA_BONUS}/L* above L*={LIGHT_L}): "
                   f"black L* < {BLACK_L}, white L* > {WHITE_L}, else grey; black for L* < {ALWAYS_BLACK_L}"),
        "built_by": "Models/build_colour_model.py",
    }
    Path(args.out).write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {args.out}", file=sys.stderr)
    if args.chart:
        chart(table, args.chart)
        print(f"wrote {args.chart}", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
