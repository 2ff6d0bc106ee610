"""Renderer of scatter plots: two numeric axes, one marker colour per group, a legend."""
from __future__ import annotations

from mmsynth.draw import Canvas, rgb
from mmsynth.generator import Rendered

from generators.charts.axis import tick_label, ticks
from generators.charts.layout import PAD, draw_legend, grid_line, legend_size, line_height, put_text, size
from generators.charts.decor import (MARGIN, TICK, draw_footer, draw_header, draw_spines, footer_height, header_height,
                                     header_width, tick_span)
from generators.charts.render_axes import fonts_for


def axis_title(q: dict) -> str:
    name = q["name"][:1].upper() + q["name"][1:]
    return f"{name} ({q['unit']})" if q["unit"] else name


def render_scatter(spec: dict, style: dict) -> Rendered:
    """Draw the groups' points on x/y axes, with a legend naming each group's colour."""
    f = fonts_for(style)
    xa, ya = spec["x"]["axis"], spec["y"]["axis"]
    xt, yt = ticks(xa), ticks(ya)
    x_labels = [tick_label(t, xa) for t in xt]
    y_labels = [tick_label(t, ya) for t in yt]
    th, ah = line_height(f.tick), line_height(f.axis)
    names = [g["name"] for g in spec["groups"]]
    place = "top" if style["legend"] == "direct" else style["legend"]
    vertical = place == "right"
    out, inward = tick_span(style)
    gap = max(out, TICK)  # labels keep the tick's distance, so the two axes' end labels never meet
    lw, lhh, _ = legend_size(names, f.tick, vertical, style["width"] - 2 * MARGIN)
    xw = max(size(s, f.tick)[0] for s in x_labels)
    y_top = style["y_title"] == "top"
    left = MARGIN + (0 if y_top else ah + MARGIN / 2) + max(size(s, f.tick)[0] for s in y_labels) + gap + PAD
    right = MARGIN + xw / 2 + (lw + MARGIN if vertical else 0)
    top = header_height(spec, style, f) + MARGIN / 2 + (lhh + PAD if place == "top" else 0)
    top += ah + th / 2 + PAD if y_top else 0
    below = (lhh + PAD if place == "bottom" else 0) + footer_height(style, f)
    bottom = MARGIN + ah + MARGIN / 2 + th + gap + PAD + below
    W = max(style["width"], int(left + right + (len(xt) - 1) * (xw + 2 * PAD)) + 1,
            header_width(spec, style, f),
            int(left + right + size(axis_title(spec["x"]), f.axis)[0]) + 1,
            int(size(axis_title(spec["y"]), f.axis)[0] + 2 * MARGIN) + 1)
    H = max(style["height"], int(top + bottom + max(len(yt) * (th + PAD), lhh if vertical else 0,
                                                     size(axis_title(spec["y"]), f.axis)[0] * (not y_top) + PAD,
                                                     120)) + 1)
    x0, y0, x1, y1 = left, top, W - right, H - bottom
    cv = Canvas(W, H, tuple(style["background"]))
    ink = tuple(style["ink"])
    if style["plot_background"]:
        cv.draw.rectangle((x0, y0, x1, y1), fill=tuple(style["plot_background"]))
    px = lambda v: x0 + (v - xa["min"]) / (xa["max"] - xa["min"]) * (x1 - x0)  # noqa: E731
    py = lambda v: y1 - (v - ya["min"]) / (ya["max"] - ya["min"]) * (y1 - y0)  # noqa: E731
    for t, s in zip(xt, x_labels):
        grid_line(cv, style, (px(t), y0), (px(t), y1))
        if out or inward:
            cv.draw.line((px(t), y1 - inward, px(t), y1 + out), fill=ink)
        put_text(cv, (px(t), y1 + gap + PAD), s, f.tick, fill=ink, anchor="mt", role="tick")
    for t, s in zip(yt, y_labels):
        grid_line(cv, style, (x0, py(t)), (x1, py(t)))
        if out or inward:
            cv.draw.line((x0 - out, py(t), x0 + inward, py(t)), fill=ink)
        put_text(cv, (x0 - gap - PAD, py(t)), s, f.tick, fill=ink, anchor="rm", role="tick")
    r = 4
    for g in spec["groups"]:
        fill = rgb(g["color"])
        for x, y in g["points"]:
            cx, cy = px(x), py(y)
            if style["marker"] == "square":
                cv.draw.rectangle((cx - r, cy - r, cx + r, cy + r), fill=fill)
            else:
                cv.draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=fill)
    draw_spines(cv, style, (x0, y0, x1, y1))
    draw_header(cv, spec, style, f)
    draw_footer(cv, style, f)
    put_text(cv, ((x0 + x1) / 2, H - MARGIN - below), axis_title(spec["x"]), f.axis, fill=ink, anchor="md",
             role="axis_title")
    if y_top:
        put_text(cv, (MARGIN, y0 - th / 2 - PAD), axis_title(spec["y"]), f.axis, fill=ink, anchor="ld",
                 role="axis_title")
    else:
        put_text(cv, (MARGIN + ah / 2, (y0 + y1) / 2), axis_title(spec["y"]), f.axis, fill=ink, anchor="mm",
                 angle=90, role="axis_title")
    entries = [(g["name"], rgb(g["color"])) for g in spec["groups"]]
    if vertical:
        draw_legend(cv, entries, f.tick, ink, W - MARGIN - lw, (y0 + y1) / 2 - lhh / 2, True, lw)
    else:
        ly = header_height(spec, style, f) + MARGIN / 2 if place == "top" else H - MARGIN - lhh - footer_height(style, f)
        draw_legend(cv, entries, f.tick, ink, MARGIN, ly, False, W - 2 * MARGIN)
    return Rendered(images=[cv.finish(style["noise"], style["noise_seed"])], texts=cv.texts)

