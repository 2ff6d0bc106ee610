"""Photo-like text-rich images: a laid-out document (receipt, menu, sign...) placed into
a camera picture, as DocVQA scans and TextVQA photos are: on a procedural surface (wood,
desk, wall, street), under a perspective warp, with a cast shadow, paper texture, uneven
light and a fold, blur, sensor noise and JPEG.

Geometry is content, the rest is style. The sampler draws the page's placement (a
homography from page to photo) into the spec and moves every line's and word's box
through it, so ``text_at`` / ``text_below`` and every box question are asked about the
photo as it is seen; the page itself stays under ``spec["page"]`` to be drawn. How much
the picture is degraded is the style's ``degradation`` (0 = clean: warp and placement
only), which a generator option fixes (``degradation=0``).
"""
from __future__ import annotations

import io
from typing import Callable

import numpy as np
from PIL import Image, ImageFilter

from mmsynth.draw import TextBox
from mmsynth.generator import Rendered
from mmsynth.rand import pick, randint, uniform

from generators.textrich.layout import render_page

SURFACES = ("wood", "desk", "wall", "street")


# --- geometry (spec) --------------------------------------------------------------------------
def homography(src: list[tuple[float, float]], dst: list[tuple[float, float]]) -> np.ndarray:
    """The 3x3 projective map taking the four ``src`` points to the four ``dst`` points."""
    a, b = [], []
    for (x, y), (u, v) in zip(src, dst):
        a.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        a.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        b += [u, v]
    h = np.linalg.solve(np.array(a, dtype=float), np.array(b, dtype=float))
    return np.append(h, 1.0).reshape(3, 3)


def apply(h: np.ndarray, pts: np.ndarray) -> np.ndarray:
    p = np.c_[pts, np.ones(len(pts))] @ h.T
    return p[:, :2] / p[:, 2:3]


def warp_box(h: np.ndarray, box: list[float]) -> list[float]:
    """The axis-aligned box, in the photo, of a page box's four warped corners."""
    x0, y0, x1, y1 = box
    q = apply(h, np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=float))
    return [round(float(v), 1) for v in (*q.min(axis=0), *q.max(axis=0))]


def _warp_line(h: np.ndarray, line: dict) -> dict:
    words = [{**w, "box": warp_box(h, w["box"])} for w in line["words"]]
    return {**line, "box": warp_box(h, line["box"]), "words": words}


def sample_photo_spec(rng: np.random.Generator, doc_sampler: Callable[[np.random.Generator], dict]) -> dict:
    """A document and where a camera saw it: the photo's size, the page's four corners in it
    (perspective from corner jitter and a small turn), and every text box moved there."""
    doc = doc_sampler(rng)
    pw, ph = doc["width"], doc["height"]
    jitter, turn = uniform(rng, 0.0, 0.07), np.radians(uniform(rng, -5, 5))
    corners = np.array([[0, 0], [pw, 0], [pw, ph], [0, ph]], dtype=float)
    centre = corners.mean(axis=0)
    rot = np.array([[np.cos(turn), -np.sin(turn)], [np.sin(turn), np.cos(turn)]])
    quad = (corners - centre) @ rot.T + centre
    quad += rng.uniform(-jitter, jitter, size=(4, 2)) * [pw, ph]
    margins = [randint(rng, 24, 110) for _ in range(4)]  # left, top, right, bottom
    quad -= quad.min(axis=0) - [margins[0], margins[1]]
    width = int(np.ceil(quad[:, 0].max())) + margins[2]
    height = int(np.ceil(quad[:, 1].max())) + margins[3]
    h = homography([tuple(c) for c in corners], [tuple(q) for q in quad])
    page = {k: doc[k] for k in ("width", "height", "background", "shapes", "lines")}
    return {**doc, "photo": True, "width": width, "height": height,
            "lines": [_warp_line(h, ln) for ln in doc["lines"]], "page": page,
            "quad": [[round(float(x), 2), round(float(y), 2)] for x, y in quad],
            "homography": [[float(v) for v in row] for row in h]}


# --- look (style) -------------------------------------------------------------------------------
def sample_photo_style(rng: np.random.Generator, surfaces: tuple[str, ...], degradation: float | None) -> dict:
    """The surface, light and camera of one photo; ``degradation`` scales every defect (0: none)."""
    d = round(uniform(rng, 0.2, 1.0), 2) if degradation is None else float(degradation)
    return {"surface": pick(rng, surfaces), "degradation": d, "seed": randint(rng, 0, 2**31 - 1),
            "light_angle": round(uniform(rng, 0, 2 * np.pi), 3), "light": round(uniform(rng, 0.15, 0.4), 3),
            "fold": bool(rng.random() < 0.4), "blur": round(uniform(rng, 0.3, 1.3), 2),
            "noise": round(uniform(rng, 2.0, 7.0), 2), "jpeg": randint(rng, 45, 85),
            "shadow": randint(rng, 6, 18), "paper": round(uniform(rng, 4.0, 12.0), 2)}


def _low_freq(rng: np.random.Generator, w: int, h: int, cells: int) -> np.ndarray:
    """Smooth noise in [0, 1]: a coarse random grid scaled up."""
    small = Image.fromarray((rng.random((cells, cells)) * 255).astype(np.uint8))
    return np.asarray(small.resize((w, h), Image.BICUBIC), dtype=np.float32) / 255.0


def surface(kind: str, w: int, h: int, rng: np.random.Generator) -> np.ndarray:
    """A procedural surface the document lies on (float RGB, 0-255)."""
    fine = rng.normal(0.0, 1.0, (h, w, 1)).astype(np.float32)
    if kind == "wood":
        y = np.arange(h, dtype=np.float32)[:, None]
        wobble = _low_freq(rng, w, h, 6) * 40
        grain = np.sin((y + wobble) * uniform(rng, 0.12, 0.3)) * 0.5 + 0.5
        base = np.array(pick(rng, [(150, 100, 60), (120, 80, 50), (175, 130, 85)]), dtype=np.float32)
        img = base * (0.8 + 0.25 * grain[..., None]) + fine * 4
    elif kind == "desk":
        base = np.array(pick(rng, [(60, 62, 66), (200, 200, 195), (35, 35, 38), (170, 160, 145)]), dtype=np.float32)
        img = base * (0.92 + 0.12 * _low_freq(rng, w, h, 4)[..., None]) + fine * 3
    elif kind == "wall":
        base = np.array(pick(rng, [(225, 220, 205), (200, 205, 210), (215, 195, 170)]), dtype=np.float32)
        img = base * (0.85 + 0.2 * _low_freq(rng, w, h, 12)[..., None]) + fine * 6
    else:  # street: asphalt with light speckles
        base = np.array(pick(rng, [(80, 80, 82), (95, 92, 88)]), dtype=np.float32)
        speck = (rng.random((h, w, 1)) > 0.985).astype(np.float32) * 60
        img = base * (0.85 + 0.25 * _low_freq(rng, w, h, 10)[..., None]) + fine * 10 + speck
    return img


def _perspective_coeffs(h: np.ndarray) -> tuple:
    """PIL's PERSPECTIVE coefficients: the photo-to-page map."""
    inv = np.linalg.inv(h)
    inv = inv / inv[2, 2]
    return tuple(inv.flatten()[:8])


def render_photo(spec: dict, style: dict) -> Rendered:
    """Draw the page flat, age the paper, warp it onto the surface with its shadow, then
    light, blur, sensor noise and JPEG as strong as the style's ``degradation``."""
    flat = render_page(spec["page"], {"noise": 0.0})
    page_img = flat.images[0]
    rng = np.random.default_rng(style["seed"])
    d = style["degradation"]
    W, H = spec["width"], spec["height"]
    h = np.array(spec["homography"])
    base = surface(style["surface"], W, H, rng)  # first, so clean and degraded photos share the surface
    if d > 0:  # paper fibres and blotches
        pw, ph = page_img.size
        arr = np.asarray(page_img, dtype=np.float32)
        tex = rng.normal(0, 1, (ph, pw, 1)).astype(np.float32) * style["paper"] * d * 0.5
        tex += (_low_freq(rng, pw, ph, 8)[..., None] - 0.5) * style["paper"] * d * 2
        page_img = Image.fromarray(np.clip(arr + tex, 0, 255).astype(np.uint8))
    coeffs = _perspective_coeffs(h)
    warped = page_img.transform((W, H), Image.PERSPECTIVE, coeffs, Image.BICUBIC)
    mask = Image.new("L", page_img.size, 255).transform((W, H), Image.PERSPECTIVE, coeffs, Image.BILINEAR)
    m = np.asarray(mask, dtype=np.float32)[..., None] / 255.0
    if d > 0:  # a soft shadow cast down and to the right
        s = style["shadow"]
        shadow = mask.transform((W, H), Image.AFFINE, (1, 0, -s, 0, 1, -s)).filter(ImageFilter.GaussianBlur(s))
        base = base * (1 - 0.45 * d * np.asarray(shadow, dtype=np.float32)[..., None] / 255.0)
    img = base * (1 - m) + np.asarray(warped, dtype=np.float32) * m
    if d > 0:
        ys, xs = np.mgrid[0:H, 0:W].astype(np.float32)
        a = style["light_angle"]
        ramp = ((xs / W - 0.5) * np.cos(a) + (ys / H - 0.5) * np.sin(a))
        gain = 1 + style["light"] * d * ramp
        if style["fold"]:  # a crease across the page: one side a little darker
            mid = apply(h, np.array([[spec["page"]["width"] / 2, 0.0], [spec["page"]["width"] / 2,
                                                                         float(spec["page"]["height"])]]))
            (x0, y0), (x1, y1) = mid
            side = (xs - x0) * (y1 - y0) - (ys - y0) * (x1 - x0)
            gain = gain * np.where(side > 0, 1 - 0.08 * d, 1.0) * (1 - 0.1 * d * m[..., 0] *
                                                                  np.exp(-np.abs(side) / (abs(y1 - y0) * 3 + 1)))
        img = img * gain[..., None]
        img = img + rng.normal(0, style["noise"] * d, (H, W, 1)).astype(np.float32)
    out = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
    if d > 0:
        out = out.filter(ImageFilter.GaussianBlur(style["blur"] * d))
        buf = io.BytesIO()
        out.save(buf, format="JPEG", quality=int(round(95 - (95 - style["jpeg"]) * d)))
        out = Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
    texts = [TextBox(t.text, tuple(warp_box(h, list(t.box))), t.role, t.angle) for t in flat.texts]
    return Rendered([out], texts)
