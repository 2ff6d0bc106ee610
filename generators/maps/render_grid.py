"""Renderer of maze-like grid maps: walls between closed cells, a letter in every marker
cell (centred, so letters never meet), and the title band with a compass rose."""
from __future__ import annotations

from generators.maps.legend import compass_rose, rose_extent, title_band
from mmsynth.draw import Canvas, bold, font, rgb
from mmsynth.generator import Rendered

BAND = 74


def render_grid_map(spec: dict, style: dict) -> Rendered:
    cell, cols, rows = style["cell"], spec["cols"], spec["rows"]
    pad = 28
    rose_r = 18
    ext = rose_extent(rose_r, style["font"])
    W = max(cols * cell + 2 * pad, 360)
    H = BAND + rows * cell + 2 * pad
    canvas = Canvas(W, H, tuple(style["paper"]))
    ink, wall = rgb(style["ink"]), rgb(style["wall_color"])
    d = canvas.draw
    x0, y0 = (W - cols * cell) / 2, BAND + pad
    d.rectangle((x0, y0, x0 + cols * cell, y0 + rows * cell), fill=tuple(style["floor"]))

    open_walls = {tuple(p) for p in spec["passages"]}
    ww = style["wall_width"]
    for r in range(rows):
        for c in range(cols):
            left, top = x0 + c * cell, y0 + r * cell
            if c + 1 < cols and (c, r, c + 1, r) not in open_walls:
                d.line([(left + cell, top), (left + cell, top + cell)], fill=wall, width=ww)
            if r + 1 < rows and (c, r, c, r + 1) not in open_walls:
                d.line([(left, top + cell), (left + cell, top + cell)], fill=wall, width=ww)
    d.rectangle((x0, y0, x0 + cols * cell, y0 + rows * cell), outline=wall, width=ww + 1)

    fnt = font(bold(style["font"]), style["letter_size"])
    ink_m = rgb(style["marker_color"])
    # a pale disc behind a dark letter: OCR reads white letters on saturated discs far worse
    disc = tuple(int(255 - (255 - v) * 0.2) for v in ink_m)
    for m in spec["markers"]:
        cx, cy = x0 + (m["col"] + 0.5) * cell, y0 + (m["row"] + 0.5) * cell
        rr = cell * 0.34
        if style["marker_disc"]:
            d.ellipse((cx - rr, cy - rr, cx + rr, cy + rr), fill=disc)
        canvas.text((cx, cy), m["name"], fnt, ink_m, anchor="mm", role="marker")

    rose_x = W - 12 - ext if style["rose_right"] else 12 + ext
    compass_rose(canvas, (rose_x, BAND / 2 + 2), rose_r, style["font"], ink, rgb(style["accent"]))
    title_x = 16 if style["rose_right"] else 24 + 2 * ext
    title_band(canvas, spec["title"], style["font"], style["title_size"], ink, title_x, BAND / 2)
    return Rendered([canvas.finish(style["noise"], style["noise_seed"])], canvas.texts)
