"""Renderer of pie and donut charts.

Slices run clockwise from the start angle in the spec's order. Names (and, when the
spec is ``annotated``, percentages) go either beside each slice or, when any of
those labels would collide or leave the canvas, into a legend; the layout is
checked before anything is drawn.
"""
from __future__ import annotations

import math

from mmsynth.draw import Canvas, boxes_overlap, rgb
from mmsynth.generator import Rendered

from generators.charts.layout import PAD, draw_legend, legend_size, put_text
from generators.charts.decor import MARGIN, draw_footer, draw_header, footer_height, header_height, header_width
from generators.charts.render_axes import Fonts, fonts_for


def slice_text(spec: dict, i: int) -> str:
    name = spec["categories"][i]
    return f"{name} ({spec['series'][0]['values'][i]}%)" if spec["annotated"] else name


def mid_angles(spec: dict, start: float) -> list[float]:
    """Mid angle of every slice in degrees, clockwise from 3 o'clock (PIL's convention)."""
    out, a = [], start
    for v in spec["series"][0]["values"]:
        out.append(a + v * 3.6 / 2)
        a += v * 3.6
    return out


def _outside_labels(cv: Canvas, spec: dict, f: Fonts, cx: float, cy: float, r: float,
                    start: float) -> list[tuple[tuple[float, float], str, str]] | None:
    """Positions of labels beside the slices, or None when two would collide or leave the canvas."""
    placed, boxes = [], []
    for i, a in enumerate(mid_angles(spec, start)):
        t = math.radians(a)
        x, y = cx + (r + 10) * math.cos(t), cy + (r + 10) * math.sin(t)
        anchor = ("l" if math.cos(t) >= 0.2 else "r" if math.cos(t) <= -0.2 else "m") + \
                 ("t" if math.sin(t) >= 0.2 else "b" if math.sin(t) <= -0.2 else "m")
        text = slice_text(spec, i)
        box = cv.text_box((x, y), text, f.tick, anchor)
        if not cv.fits(box, pad=PAD) or any(boxes_overlap(box, b, PAD) for b in boxes):
            return None
        boxes.append(box)
        placed.append(((x, y), text, anchor))
    return placed


def render_pie(spec: dict, style: dict) -> Rendered:
    """Draw a pie or donut with its title and labels or legend."""
    f = fonts_for(style)
    texts = [slice_text(spec, i) for i in range(len(spec["categories"]))]
    W, H = style["width"], style["height"]
    top = header_height(spec, style, f) + MARGIN / 2
    foot = MARGIN + footer_height(style, f)
    lw, lhh, _ = legend_size(texts, f.tick, True, W)
    need_w = max(W, int(lw + 2 * MARGIN + 2 * 60 + 20), header_width(spec, style, f))
    need_h = max(H, int(top + lhh + foot), int(top + 140 + foot))
    W, H = need_w, need_h
    cv = Canvas(W, H, tuple(style["background"]))
    ink = tuple(style["ink"])
    draw_header(cv, spec, style, f)
    draw_footer(cv, style, f)
    start = style["start_angle"]
    # first try labels around a pie in the middle; else a legend to the right
    r = min(W - 2 * MARGIN, H - top - foot) / 2 * 0.62
    cx, cy = W / 2, top + (H - top - foot) / 2
    placed = _outside_labels(cv, spec, f, cx, cy, r, start) if style["pie_labels"] == "beside" else None
    if placed is None:
        r = min(W - lw - 4 * MARGIN, H - top - foot) / 2 - MARGIN
        cx = MARGIN + r + MARGIN
    a = start
    bg = tuple(style["background"])
    for i, v in enumerate(spec["series"][0]["values"]):
        cv.draw.pieslice((cx - r, cy - r, cx + r, cy + r), a, a + v * 3.6,
                         fill=rgb(spec["category_colors"][i]), outline=bg, width=2)
        a += v * 3.6
    if spec["kind"] == "donut":
        ir = r * style["donut_hole"]
        cv.draw.ellipse((cx - ir, cy - ir, cx + ir, cy + ir), fill=bg)
    if placed is not None:
        for xy, text, anchor in placed:
            put_text(cv, xy, text, f.tick, fill=ink, anchor=anchor, role="label")
    else:
        entries = [(t, rgb(c)) for t, c in zip(texts, spec["category_colors"])]
        x = cx + r + 2 * MARGIN
        draw_legend(cv, entries, f.tick, ink, x, cy - lhh / 2, True, W - x - MARGIN)
    return Rendered(images=[cv.finish(style["noise"], style["noise_seed"])], texts=cv.texts)
