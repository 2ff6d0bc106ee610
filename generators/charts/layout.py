"""Text measurement and placement rules that keep every label legible and apart.

Renderers lay a chart out before drawing it: they measure the labels, choose a
rotation that keeps neighbours apart, and grow the canvas when even the safest
choice would not fit. Nothing is ever drawn where it could overlap another text.
"""
from __future__ import annotations

import functools
import math
from PIL import ImageFont

from mmsynth.draw import RGB, Canvas, TextBox

PAD = 4          # free pixels kept between neighbouring texts
SIN45 = math.sqrt(0.5)


def put_text(canvas: Canvas, xy: tuple[float, float], s: str, fnt: ImageFont.FreeTypeFont, **kw) -> TextBox:
    """``Canvas.text`` at whole-pixel coordinates, so recorded boxes are exact pixel boxes."""
    return canvas.text((round(xy[0]), round(xy[1])), s, fnt, **kw)


@functools.lru_cache(maxsize=8192)
def size(s: str, fnt: ImageFont.FreeTypeFont) -> tuple[float, float]:
    """Width and height of the ink of ``s`` (cached: layouts measure the same labels often)."""
    x0, y0, x1, y1 = fnt.getbbox(s, anchor="la")
    return x1 - x0, y1 - y0


def line_height(fnt: ImageFont.FreeTypeFont) -> float:
    """A height every text of this font fits in (ascender to descender)."""
    asc, desc = fnt.getmetrics()
    return asc + desc


def rotated_extent(w: float, h: float, angle: int) -> tuple[float, float]:
    """Width and height of the axis-aligned box of a ``w`` x ``h`` text rotated by ``angle``."""
    if angle == 0:
        return w, h
    if angle == 90:
        return h, w
    return (w + h) * SIN45, (w + h) * SIN45


def choose_rotation(labels: list[str], fnt: ImageFont.FreeTypeFont, slot: float, preferred: int) -> int | None:
    """The first rotation (0, then ``preferred``, then 90) whose label boxes fit a slot side
    by side; None if none does. Labels are turned only when level ones would collide."""
    sizes = [size(s, fnt) for s in labels]
    for angle in dict.fromkeys((0, preferred, 90)):
        if max(rotated_extent(w, h, angle)[0] for w, h in sizes) + PAD <= slot:
            return angle
    return None


def legend_size(entries: list[str], fnt: ImageFont.FreeTypeFont, vertical: bool,
                max_width: float) -> tuple[float, float, int]:
    """Width, height and row count of a legend (``vertical``: one entry a row, else wrapped rows)."""
    lh = line_height(fnt)
    widths = [lh + 6 + size(s, fnt)[0] for s in entries]
    if vertical:
        return max(widths), len(entries) * (lh + PAD), len(entries)
    rows, x = 1, 0.0
    for w in widths:
        if x and x + w > max_width:
            rows, x = rows + 1, 0.0
        x += w + 3 * PAD
    width = min(max_width, sum(widths) + 3 * PAD * (len(widths) - 1))
    return width, rows * (lh + PAD), rows


def draw_legend(canvas: Canvas, entries: list[tuple[str, RGB]], fnt: ImageFont.FreeTypeFont, ink_rgb: RGB,
                x: float, y: float, vertical: bool, max_width: float) -> None:
    """Swatch-and-name entries from (x, y): a column, or rows wrapped at ``max_width``."""
    lh = line_height(fnt)
    cx, cy = x, y
    for text, rgb in entries:
        w = lh + 6 + size(text, fnt)[0]
        if not vertical and cx > x and cx + w > x + max_width:
            cx, cy = x, cy + lh + PAD
        sw = lh * 0.7
        top = cy + (lh - sw) / 2
        canvas.draw.rectangle((cx, top, cx + sw, top + sw), fill=rgb)
        put_text(canvas, (cx + sw + 6, cy + lh / 2), text, fnt, fill=ink_rgb, anchor="lm", role="legend")
        if vertical:
            cy += lh + PAD
        else:
            cx += w + 3 * PAD


def dashed_line(canvas: Canvas, p0: tuple[float, float], p1: tuple[float, float], fill: RGB,
                dash: float = 6, gap: float = 4) -> None:
    """A dashed straight line (PIL has none)."""
    (x0, y0), (x1, y1) = p0, p1
    length = math.hypot(x1 - x0, y1 - y0)
    if length == 0:
        return
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    t = 0.0
    while t < length:
        e = min(t + dash, length)
        canvas.draw.line((x0 + ux * t, y0 + uy * t, x0 + ux * e, y0 + uy * e), fill=fill, width=1)
        t = e + gap


def grid_line(canvas: Canvas, style: dict, p0: tuple[float, float], p1: tuple[float, float]) -> None:
    """A grid line in the style's colour and pattern (solid, dashed, or none)."""
    color = tuple(style["grid_color"])
    if style["grid"] == "solid":
        canvas.draw.line((p0, p1), fill=color, width=1)
    elif style["grid"] == "dashed":
        dashed_line(canvas, p0, p1, color)
