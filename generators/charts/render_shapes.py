"""Renderers of the idioms that are not drawn on category axes: funnels (centred bars,
top to bottom), heatmaps (a grid of coloured cells with printed values and a colour
scale), radars (series as polygons over spokes with value rings) and small multiples
(one small line chart per series, sharing the value axis, under one title block)."""
from __future__ import annotations

import math

from mmsynth.draw import Canvas, TextBox, rgb, text_color_on
from mmsynth.generator import Rendered

from generators.charts.axis import tick_label, ticks, value_label
from generators.charts.decor import (MARGIN, draw_footer, draw_header, footer_height, header_height,
                                     header_width)
from generators.charts.layout import PAD, choose_rotation, draw_legend, legend_size, line_height, put_text, size
from generators.charts.render_axes import fonts_for, render_category

HEAT_LOW, HEAT_HIGH = (255, 247, 236), (179, 0, 0)   # a sequential ramp, pale to deep red


def _canvas(spec: dict, style: dict, f, need_w: float, body_h: float) -> tuple[Canvas, float]:
    """A canvas wide and tall enough for the title block, a body and the footer; the body's top."""
    top = header_height(spec, style, f) + MARGIN / 2
    W = int(max(style["width"], need_w, header_width(spec, style, f)))
    H = int(max(style["height"], top + body_h + MARGIN + footer_height(style, f)))
    cv = Canvas(W, H, tuple(style["background"]))
    draw_header(cv, spec, style, f)
    draw_footer(cv, style, f)
    return cv, top


def _finish(cv: Canvas, style: dict) -> Rendered:
    return Rendered(images=[cv.finish(style["noise"], style["noise_seed"])], texts=cv.texts)


# --- funnel ------------------------------------------------------------------------------
def render_funnel(spec: dict, style: dict) -> Rendered:
    """Stages top to bottom, each a bar centred on one axis, as wide as its count; the
    stage named on the left and its count printed in (or beside) the bar."""
    f = fonts_for(style)
    vals, cats = spec["series"][0]["values"], spec["categories"]
    label_w = max(size(c, f.tick)[0] for c in cats)
    value_w = max(size(value_label(v), f.value)[0] for v in vals)
    row = max(line_height(f.tick) * 2.0, 30)
    cv, top = _canvas(spec, style, f, label_w + 4 * value_w + 3 * MARGIN + 240, row * len(cats))
    W, H = cv.size
    x_mid = (MARGIN + label_w + 2 * PAD + W - MARGIN) / 2
    half_max = (W - MARGIN - (MARGIN + label_w + 2 * PAD)) / 2
    body = H - top - MARGIN - footer_height(style, f)
    row = body / len(cats)
    ink = tuple(style["ink"])
    for i, (c, v) in enumerate(zip(cats, vals)):
        cy = top + (i + 0.5) * row
        half = max(half_max * v / vals[0], value_w / 2 + PAD)
        color = rgb(spec["category_colors"][i] if spec["category_colors"] else spec["series"][0]["color"])
        cv.draw.rectangle((x_mid - half, cy - row * 0.38, x_mid + half, cy + row * 0.38), fill=color)
        put_text(cv, (MARGIN, cy), c, f.tick, fill=ink, anchor="lm", role="label")
        put_text(cv, (x_mid, cy), value_label(v), f.value, fill=text_color_on(color), anchor="mm", role="value")
    return _finish(cv, style)


# --- heatmap -----------------------------------------------------------------------------
def heat_color(v: float, lo: float, hi: float) -> tuple[int, int, int]:
    t = 0.0 if hi == lo else (v - lo) / (hi - lo)
    return tuple(int(a + (b - a) * t) for a, b in zip(HEAT_LOW, HEAT_HIGH))


def render_heatmap(spec: dict, style: dict) -> Rendered:
    """Rows are the series, columns the categories; every cell prints its value on a
    colour from a pale-to-deep ramp; a scale bar names the ramp's ends."""
    f = fonts_for(style)
    rows, cols = [s["name"] for s in spec["series"]], spec["categories"]
    values = [v for s in spec["series"] for v in s["values"]]
    lo, hi = min(values), max(values)
    row_w = max(size(r, f.tick)[0] for r in rows)
    scale_w = 18 + 2 * PAD + max(size(value_label(v), f.tick)[0] for v in (lo, hi))
    cell_w = max(max(size(value_label(v), f.value)[0] for v in values) + 4 * PAD, 60,
                 min(140, (style["width"] - row_w - scale_w - 6 * MARGIN) / len(cols)))
    rotation = choose_rotation(cols, f.tick, cell_w, 90)
    if rotation is None or rotation == 45:
        rotation = 90
    col_h = max(size(c, f.tick)[1 if rotation == 0 else 0] for c in cols)
    if rotation == 0:
        col_h = line_height(f.tick)
    cell_h = max(line_height(f.value) + 3 * PAD, min(60, style["height"] * 0.6 / len(rows)))
    grid_w = cell_w * len(cols)
    need_w = MARGIN + row_w + 2 * PAD + grid_w + 3 * MARGIN + scale_w
    cv, top = _canvas(spec, style, f, need_w, cell_h * len(rows) + col_h + 2 * PAD)
    x0 = MARGIN + row_w + 2 * PAD
    ink = tuple(style["ink"])
    for i, s in enumerate(spec["series"]):
        y = top + i * cell_h
        put_text(cv, (x0 - 2 * PAD, y + cell_h / 2), s["name"], f.tick, fill=ink, anchor="rm", role="label")
        for j, v in enumerate(s["values"]):
            fill = heat_color(v, lo, hi)
            cv.draw.rectangle((x0 + j * cell_w, y, x0 + (j + 1) * cell_w, y + cell_h), fill=fill,
                              outline=tuple(style["background"]), width=2)
            put_text(cv, (x0 + (j + 0.5) * cell_w, y + cell_h / 2), value_label(v), f.value,
                     fill=text_color_on(fill), anchor="mm", role="value")
    y_lab = top + len(rows) * cell_h + PAD
    for j, c in enumerate(cols):
        x = x0 + (j + 0.5) * cell_w
        if rotation == 0:
            put_text(cv, (x, y_lab), c, f.tick, fill=ink, anchor="mt", role="label")
        else:
            put_text(cv, (x, y_lab), c, f.tick, fill=ink, anchor="rm", angle=90, role="label")
    sx = x0 + grid_w + 2 * MARGIN
    sy0, sy1 = top, top + len(rows) * cell_h
    for k in range(int(sy1 - sy0)):
        cv.draw.line((sx, sy1 - k, sx + 18, sy1 - k), fill=heat_color(lo + (hi - lo) * k / max(sy1 - sy0, 1), lo, hi))
    put_text(cv, (sx + 18 + PAD, sy0), value_label(hi), f.tick, fill=ink, anchor="lt", role="tick")
    put_text(cv, (sx + 18 + PAD, sy1), value_label(lo), f.tick, fill=ink, anchor="lb", role="tick")
    return _finish(cv, style)


# --- radar -------------------------------------------------------------------------------
def render_radar(spec: dict, style: dict) -> Rendered:
    """Spokes for the categories (clockwise from the top), rings at the axis ticks with
    their values beside the top spoke, one outlined polygon with dots per series, a legend."""
    f = fonts_for(style)
    cats, axis = spec["categories"], spec["axis"]
    names = [s["name"] for s in spec["series"]]
    lw, lhh, _ = legend_size(names, f.tick, True, style["width"])
    label_w = max(size(c, f.tick)[0] for c in cats)
    lh = line_height(f.tick)
    r = 130
    need_w = 2 * (r + label_w + 3 * PAD + MARGIN) + lw + 2 * MARGIN
    cv, top = _canvas(spec, style, f, need_w, 2 * (r + lh + 3 * PAD) + PAD)
    W, H = cv.size
    body_h = H - top - MARGIN - footer_height(style, f)
    r = max(r, min((W - lw - 2 * MARGIN) / 2 - label_w - 3 * PAD - MARGIN, body_h / 2 - lh - 3 * PAD))
    cx, cy = MARGIN + label_w + 3 * PAD + r, top + body_h / 2
    ink = tuple(style["ink"])
    grid = tuple(style["grid_color"])
    n = len(cats)
    angle = [math.radians(-90 + 360 * k / n) for k in range(n)]

    def point(v: float, k: int) -> tuple[float, float]:
        t = (v - axis["min"]) / (axis["max"] - axis["min"]) * r
        return cx + t * math.cos(angle[k]), cy + t * math.sin(angle[k])

    for t in ticks(axis)[1:]:
        cv.draw.polygon([point(t, k) for k in range(n)], outline=grid)
    for k in range(n):
        cv.draw.line((cx, cy, *point(axis["max"], k)), fill=grid)
    for k, c in enumerate(cats):
        ca, sa = math.cos(angle[k]), math.sin(angle[k])
        anchor = ("l" if ca > 0.2 else "r" if ca < -0.2 else "m") + ("t" if sa > 0.2 else "b" if sa < -0.2 else "m")
        put_text(cv, (cx + (r + 2 * PAD) * ca, cy + (r + 2 * PAD) * sa), c, f.tick, fill=ink, anchor=anchor,
                 role="label")
    for t in ticks(axis)[1:]:
        x, y = point(t, 0)
        box = cv.text_box((x - PAD, y), tick_label(t, axis), f.value, "rm")
        if cv.fits(box, pad=PAD):
            put_text(cv, (x - PAD, y), tick_label(t, axis), f.value, fill=ink, anchor="rm", role="tick")
    for s in spec["series"]:
        pts = [point(v, k) for k, v in enumerate(s["values"])]
        color = rgb(s["color"])
        cv.draw.line(pts + pts[:1], fill=color, width=style["line_width"])
        for x, y in pts:
            cv.draw.ellipse((x - 4, y - 4, x + 4, y + 4), fill=color)
    draw_legend(cv, [(s["name"], rgb(s["color"])) for s in spec["series"]], f.tick, ink,
                W - MARGIN - lw, cy - lhh / 2, True, lw)
    return _finish(cv, style)


# --- small multiples ---------------------------------------------------------------------
def render_small_multiples(spec: dict, style: dict) -> Rendered:
    """One line chart per series in a grid of panels (same value axis), under one title block."""
    f = fonts_for(style)
    n = len(spec["series"])
    cols = 2 if n > 1 else 1
    rows = math.ceil(n / cols)
    panel_style = dict(style, width=max(300, style["width"] // cols), height=max(220, int(style["height"] / rows)),
                       subtitle=False, source="", panel_letter="", title_align="center", noise=0.0,
                       title_size=style["font_size"] + 1)
    panels = [render_category(dict(spec, kind="small_multiples", title=s["name"], series=[s]), panel_style)
              for s in spec["series"]]
    pw = max(p.images[0].size[0] for p in panels)
    ph = max(p.images[0].size[1] for p in panels)
    cv, top = _canvas(spec, style, f, cols * pw + 2 * MARGIN, rows * ph)
    for k, p in enumerate(panels):
        ox, oy = MARGIN + (k % cols) * pw, int(top + (k // cols) * ph)
        cv.image.paste(p.images[0], (ox, oy))
        for t in p.texts:
            b = t.box
            cv.texts.append(TextBox(t.text, (b[0] + ox, b[1] + oy, b[2] + ox, b[3] + oy), t.role, t.angle))
    return _finish(cv, style)
