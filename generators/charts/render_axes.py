"""Renderer of category charts on axes: bars (vertical, horizontal, grouped, stacked),
lines and stacked areas, drawn with PIL.

Layout first, drawing second: :func:`plan` measures every label, picks the rotation
of the category labels, places the legend, and grows the canvas until every text has
its own room; :func:`render_category` then draws exactly that plan. Values marked
``annotated`` in the spec are printed (above a bar, or inside its end when the top
has no room); all other values are read against the numeric axis.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from PIL import ImageFont

from mmsynth.draw import Canvas, bold, font, rgb, text_color_on
from mmsynth.generator import Rendered

from generators.charts.axis import tick_label, ticks, value_label
from generators.charts.decor import (MARGIN, draw_footer, draw_header, draw_spines, footer_height,
                                     header_height, header_width, tick_span)
from generators.charts.layout import (PAD, choose_rotation, draw_legend, grid_line, legend_size, put_text,
                                      line_height, rotated_extent, size)
from generators.charts.kinds import LEGEND_KINDS
from generators.charts.style import MIN_FONT
MAX_WIDEN = 1.4   # how much wider than its style a chart may grow to keep category labels level
VALUE_GAP = 8     # pixels between a bar's end and its printed value (OCR merges closer digits into the bar)
DIRECT_KINDS = ("line", "slope")  # kinds whose series may be named at their ends instead of in a legend


@dataclass
class Fonts:
    tick: ImageFont.FreeTypeFont
    title: ImageFont.FreeTypeFont
    axis: ImageFont.FreeTypeFont
    value: ImageFont.FreeTypeFont


def fonts_for(style: dict) -> Fonts:
    fam, n = style["font"], style["font_size"]
    return Fonts(tick=font(fam, n), title=font(bold(fam), style["title_size"]),
                 axis=font(bold(fam), n), value=font(fam, max(MIN_FONT, n - 1)))


@dataclass
class Plan:
    width: int
    height: int
    box: tuple[float, float, float, float]   # plot area x0, y0, x1, y1
    rotation: int                            # of the category labels
    legend: tuple[float, float, float] | None  # x, y, max width
    legend_vertical: bool


def value_title(spec: dict) -> str:
    m = spec["measure"][:1].upper() + spec["measure"][1:]
    return f"{m} ({spec['unit']})" if spec["unit"] else m


def category_title(spec: dict) -> str:
    return spec["category_name"][:1].upper() + spec["category_name"][1:]


def series_names(spec: dict) -> list[str]:
    return [s["name"] for s in spec["series"]] if spec["kind"] in LEGEND_KINDS else []


def legend_place(spec: dict, style: dict) -> str:
    """Where the series are named: right, top, bottom, or ``direct`` (at the line ends)."""
    place = "direct" if spec["kind"] == "slope" else style["legend"]
    if place == "direct" and spec["kind"] not in DIRECT_KINDS:
        return "top"
    return place


def _try_plan(spec: dict, style: dict, f: Fonts, W: int, H: int, extra_left: float) -> tuple[Plan, int, int, float]:
    """One layout pass at canvas size W x H: the plan and the size/left margin it really needs."""
    vertical = spec["kind"] != "hbar"
    axis, cats = spec["axis"], spec["categories"]
    tick_texts = [tick_label(t, axis) for t in ticks(axis)]
    tick_w = max(size(t, f.tick)[0] for t in tick_texts)
    th, ah = line_height(f.tick), line_height(f.axis)
    need_w = header_width(spec, style, f)
    top, bottom, right = header_height(spec, style, f), MARGIN + footer_height(style, f), MARGIN
    place = legend_place(spec, style)
    legend, legend_vertical, names = None, place == "right", series_names(spec)
    out_tick = tick_span(style)[0]
    if names and place == "direct":
        right += max(size(n, f.tick)[0] for n in names) + 4 * PAD
    elif names:
        lw, lhh, _ = legend_size(names, f.tick, legend_vertical, W - 2 * MARGIN)
        if legend_vertical:
            right += lw + MARGIN
            legend = (W - MARGIN - lw, None, lw)
        elif place == "top":
            legend = (MARGIN, top, W - 2 * MARGIN)
            top += lhh + PAD
        else:
            legend = (MARGIN, None, W - 2 * MARGIN)
            bottom += lhh + PAD
    y_title = value_title(spec) if vertical else category_title(spec)
    if style["y_title"] == "top":  # level, above the axis: needs a row, not a column
        top += ah + th / 2 + PAD
        side = 0.0
        need_w = max(need_w, size(y_title, f.axis)[0] + 2 * MARGIN)
    else:
        side = ah + MARGIN / 2
    cat_sizes = [size(c, f.tick) for c in cats]
    if vertical:
        left = MARGIN + side + tick_w + out_tick + PAD + extra_left
        x0, x1 = left, W - right
        slot = (x1 - x0) / len(cats)
        rotation = choose_rotation(cats, f.tick, slot, style["rotation"])
        flat_w = W + len(cats) * (max(w for w, _ in cat_sizes) + PAD) - (x1 - x0) + 1
        if rotation != 0 and flat_w <= MAX_WIDEN * style["width"]:
            rotation, need_w = 0, max(need_w, flat_w)  # level labels read better: widen a little first
        if rotation is None:
            rotation = 90
            need_w = max(need_w, W + len(cats) * (max(h for _, h in cat_sizes) + PAD) - (x1 - x0) + 1)
        if spec["annotated"]:  # a value printed inside a bar's end must fit within the bar
            vw = max(size(value_label(v), f.value)[0] for s in spec["series"] for v in s["values"])
            need_w = max(need_w, W + len(cats) * (vw + PAD) / style["bar_width"] - (x1 - x0) + 1)
        ext = [rotated_extent(w, h, rotation) for w, h in cat_sizes]
        if rotation == 45:  # the first label's box reaches left of its tick by its width
            overhang = ext[0][0] - slot / 2 - cat_sizes[0][1] / 2
            left_room = x0 - (MARGIN + side)
            extra_left += max(0.0, overhang - left_room + PAD)
        label_gap = max(out_tick + PAD, th / 2 + PAD)
        bottom += ah + MARGIN / 2 + max(e[1] for e in ext) + label_gap
        y0, y1 = top, H - bottom
        need_h = H - (y1 - y0) + max(len(tick_texts) * (th + PAD),
                                    size(y_title, f.axis)[0] * bool(side) + PAD, 120)
        need_w = max(need_w, W - (x1 - x0) + size(category_title(spec), f.axis)[0] + PAD)
    else:
        rotation = 0
        left = MARGIN + side + max(w for w, _ in cat_sizes) + out_tick + PAD + extra_left
        right = max(right, MARGIN + tick_w / 2)
        x0, x1 = left, W - right
        bottom += ah + MARGIN / 2 + th + out_tick + PAD
        y0, y1 = top, H - bottom
        steps = len(tick_texts) - 1
        need_w = max(need_w, W - (x1 - x0) + steps * (tick_w + 2 * PAD),
                     W - (x1 - x0) + size(value_title(spec), f.axis)[0] + PAD)
        if spec["annotated"]:
            vw = max(size(value_label(v), f.value)[0] for v in spec["series"][0]["values"])
            need_w = max(need_w, W - (x1 - x0) + 3 * (vw + 2 * PAD))
        bar_room = (line_height(f.value) + PAD) / style["bar_width"] if spec["annotated"] else 0
        need_h = H - (y1 - y0) + max(len(cats) * max(max(h for _, h in cat_sizes) + 2 * PAD, bar_room),
                                    size(y_title, f.axis)[0] * bool(side) + PAD, 120)
    if legend is not None:
        lw = legend[2]
        legend = (legend[0], legend[1] if legend[1] is not None else
                  (H - MARGIN - footer_height(style, f) - legend_size(names, f.tick, False, lw)[1]
                   if not legend_vertical else
                   (y0 + y1) / 2 - legend_size(names, f.tick, True, lw)[1] / 2), lw)
    plan = Plan(W, H, (x0, y0, x1, y1), rotation, legend, legend_vertical)
    return plan, math.ceil(need_w), math.ceil(need_h), extra_left


def plan(spec: dict, style: dict, f: Fonts) -> Plan:
    """Grow the canvas (and the left margin) until every text has its own room."""
    W, H, extra = style["width"], style["height"], 0.0
    for _ in range(6):
        p, need_w, need_h, new_extra = _try_plan(spec, style, f, W, H, extra)
        if need_w <= W and need_h <= H and new_extra == extra:
            return p
        W, H, extra = max(W, need_w), max(H, need_h), new_extra
    raise RuntimeError(f"chart layout did not converge for {spec['title']!r}")


class Axes:
    """Maps values and category indices to pixels for a plan."""

    def __init__(self, spec: dict, p: Plan):
        self.spec, self.p = spec, p
        self.vertical = spec["kind"] != "hbar"
        self.amin, self.amax = spec["axis"]["min"], spec["axis"]["max"]
        x0, y0, x1, y1 = p.box
        n = len(spec["categories"])
        self.slot = ((x1 - x0) if self.vertical else (y1 - y0)) / n

    def v(self, value: float) -> float:
        """Pixel coordinate of a value along the value axis (linear, or logarithmic)."""
        x0, y0, x1, y1 = self.p.box
        if self.spec["axis"].get("scale") == "log":
            t = math.log10(value / self.amin) / math.log10(self.amax / self.amin)
        else:
            t = (value - self.amin) / (self.amax - self.amin)
        return y1 - t * (y1 - y0) if self.vertical else x0 + t * (x1 - x0)

    def c(self, i: float) -> float:
        """Pixel coordinate of the centre of category slot ``i``."""
        x0, y0, _, _ = self.p.box
        return (x0 if self.vertical else y0) + (i + 0.5) * self.slot

    def rect(self, i: float, half: float, lo: float, hi: float) -> tuple[float, float, float, float]:
        """The pixel rectangle of a bar centred on slot position ``i`` spanning values lo..hi."""
        c, a, b = self.c(i), self.v(lo), self.v(hi)
        if self.vertical:
            return (c - half, min(a, b), c + half, max(a, b))
        return (min(a, b), c - half, max(a, b), c + half)


def _draw_frame(cv: Canvas, spec: dict, style: dict, ax: Axes, f: Fonts) -> None:
    """Plot background, grid lines, value ticks and their labels."""
    x0, y0, x1, y1 = ax.p.box
    ink = tuple(style["ink"])
    if style["plot_background"]:
        cv.draw.rectangle((x0, y0, x1, y1), fill=tuple(style["plot_background"]))
    out, inward = tick_span(style)
    for t in ticks(spec["axis"]):
        p = ax.v(t)
        grid_line(cv, style, *(((x0, p), (x1, p)) if ax.vertical else ((p, y0), (p, y1))))
        text = tick_label(t, spec["axis"])
        if ax.vertical:
            if out or inward:
                cv.draw.line((x0 - out, p, x0 + inward, p), fill=ink)
            put_text(cv, (x0 - out - PAD, p), text, f.tick, fill=ink, anchor="rm", role="tick")
        else:
            if out or inward:
                cv.draw.line((p, y1 - inward, p, y1 + out), fill=ink)
            put_text(cv, (p, y1 + out + PAD), text, f.tick, fill=ink, anchor="mt", role="tick")


def _draw_categories(cv: Canvas, spec: dict, style: dict, ax: Axes, f: Fonts) -> None:
    x0, y0, x1, y1 = ax.p.box
    ink = tuple(style["ink"])
    th = line_height(f.tick)
    out, inward = tick_span(style)
    for i, name in enumerate(spec["categories"]):
        c = ax.c(i)
        if not ax.vertical:
            if out or inward:
                cv.draw.line((x0 - out, c, x0 + inward, c), fill=ink)
            put_text(cv, (x0 - out - PAD, c), name, f.tick, fill=ink, anchor="rm", role="label")
            continue
        if out or inward:
            cv.draw.line((c, y1 - inward, c, y1 + out), fill=ink)
        top = y1 + max(out + PAD, th / 2 + PAD)
        if ax.p.rotation == 0:
            put_text(cv, (c, top), name, f.tick, fill=ink, anchor="mt", role="label")
        elif ax.p.rotation == 90:
            put_text(cv, (c, top), name, f.tick, fill=ink, anchor="rm", angle=90, role="label")
        else:
            w, h = size(name, f.tick)
            ext = rotated_extent(w, h, 45)
            box = cv.text_box((0, 0), name, f.tick, "mm", 45)
            cx = c + h / 2 - ext[0] / 2
            put_text(cv, (cx - (box[0] + box[2]) / 2, top + ext[1] / 2 - (box[1] + box[3]) / 2), name, f.tick,
                     fill=ink, anchor="mm", angle=45, role="label")


def _draw_titles(cv: Canvas, spec: dict, style: dict, ax: Axes, f: Fonts) -> None:
    x0, y0, x1, y1 = ax.p.box
    ink = tuple(style["ink"])
    W, H = cv.size
    draw_header(cv, spec, style, f)
    draw_footer(cv, style, f)
    vt, ct = value_title(spec), category_title(spec)
    y_title, x_title = (vt, ct) if ax.vertical else (ct, vt)
    if style["y_title"] == "top":
        put_text(cv, (MARGIN, y0 - line_height(f.tick) / 2 - PAD), y_title, f.axis, fill=ink, anchor="ld",
                 role="axis_title")
    else:
        put_text(cv, (MARGIN + line_height(f.axis) / 2, (y0 + y1) / 2), y_title, f.axis, fill=ink, anchor="mm",
                 angle=90, role="axis_title")
    legend_below = ax.p.legend is not None and not ax.p.legend_vertical and legend_place(spec, style) == "bottom"
    lh = legend_size(series_names(spec), f.tick, False, ax.p.legend[2])[1] + PAD if legend_below else 0
    lh += footer_height(style, f)
    put_text(cv, ((x0 + x1) / 2, H - MARGIN - lh), x_title, f.axis, fill=ink, anchor="md", role="axis_title")


def annotate(cv: Canvas, ax: Axes, value: float, end: float, i: int, bar_rgb, style: dict, f: Fonts,
             text: str | None = None) -> None:
    """Print a bar's value (or ``text``) beyond its end, or inside the end when the plot has no room there."""
    x0, y0, x1, y1 = ax.p.box
    text, ink = text or value_label(value), tuple(style["ink"])
    w = size(text, f.value)[0]
    c = ax.c(i)
    if ax.vertical:
        outside = end - VALUE_GAP - line_height(f.value) >= y0
        xy, anchor = ((c, end - VALUE_GAP), "md") if outside else ((c, end + VALUE_GAP), "mt")
    else:
        outside = end + VALUE_GAP + w + PAD <= x1
        xy, anchor = ((end + VALUE_GAP, c), "lm") if outside else ((end - VALUE_GAP, c), "rm")
    put_text(cv, xy, text, f.value, fill=ink if outside else text_color_on(bar_rgb), anchor=anchor, role="value")


def _draw_bars(cv: Canvas, spec: dict, style: dict, ax: Axes, f: Fonts) -> None:
    n_series = len(spec["series"])
    group = ax.slot * style["bar_width"]
    base = max(ax.amin, 0)
    grouped = spec["kind"] == "grouped_bar"
    half = group / n_series / 2 if grouped else group / 2
    for i in range(len(spec["categories"])):
        stack = base
        for k, s in enumerate(spec["series"]):
            value = s["values"][i]
            color = spec["category_colors"][i] if spec["category_colors"] else s["color"]
            fill = rgb(color)
            if grouped:
                pos = i - style["bar_width"] / 2 + (k + 0.5) * style["bar_width"] / n_series
                lo, hi = base, value
            else:
                pos = i
                lo, hi = (stack, stack + value) if spec["stacked"] else (base, value)
            cv.draw.rectangle(ax.rect(pos, half, lo, hi), fill=fill)
            if spec["stacked"]:
                stack += value
                r = ax.rect(pos, half, lo, hi)
                cv.draw.line((r[0], r[1], r[2], r[1]) if ax.vertical else (r[2], r[1], r[2], r[3]),
                             fill=tuple(style["background"]), width=1)
            if spec["annotated"]:
                annotate(cv, ax, value, ax.v(hi), i, fill, style, f)


def _marker(cv: Canvas, x: float, y: float, r: float, shape: str, fill) -> None:
    if shape == "circle":
        cv.draw.ellipse((x - r, y - r, x + r, y + r), fill=fill)
    elif shape == "square":
        cv.draw.rectangle((x - r, y - r, x + r, y + r), fill=fill)
    else:
        cv.draw.polygon([(x, y - r - 1), (x + r + 1, y), (x, y + r + 1), (x - r - 1, y)], fill=fill)


def _draw_lines(cv: Canvas, spec: dict, style: dict, ax: Axes) -> None:
    r = style["line_width"] + 2
    for s in spec["series"]:
        pts = [(ax.c(i), ax.v(v)) for i, v in enumerate(s["values"])]
        fill = rgb(s["color"])
        cv.draw.line(pts, fill=fill, width=style["line_width"], joint="curve")
        for x, y in pts:
            _marker(cv, x, y, r, style["marker"], fill)


def _draw_areas(cv: Canvas, spec: dict, style: dict, ax: Axes) -> None:
    n = len(spec["categories"])
    below = [max(ax.amin, 0)] * n
    edge = tuple(style["background"])
    for s in spec["series"]:
        above = [b + v for b, v in zip(below, s["values"])]
        top = [(ax.c(i), ax.v(above[i])) for i in range(n)]
        bottom = [(ax.c(i), ax.v(below[i])) for i in reversed(range(n))]
        cv.draw.polygon(top + bottom, fill=rgb(s["color"]))
        cv.draw.line(top, fill=edge, width=1)
        below = above


def draw_marks(cv: Canvas, spec: dict, style: dict, ax: Axes, f: Fonts) -> None:
    """The marks of the classic kinds: lines, stacked areas, or bars."""
    if spec["kind"] in ("line", "slope", "small_multiples"):
        _draw_lines(cv, spec, style, ax)
    elif spec["kind"] == "area":
        _draw_areas(cv, spec, style, ax)
    else:
        _draw_bars(cv, spec, style, ax, f)


def render_category(spec: dict, style: dict, marks=draw_marks) -> Rendered:
    """Draw a chart of a category spec on axes: frame, ``marks(cv, spec, style, ax, f)``,
    category labels, titles and legend."""
    f = fonts_for(style)
    p = plan(spec, style, f)
    cv = Canvas(p.width, p.height, tuple(style["background"]))
    ax = Axes(spec, p)
    _draw_frame(cv, spec, style, ax, f)
    marks(cv, spec, style, ax, f)
    draw_spines(cv, style, p.box, ax.vertical)
    _draw_categories(cv, spec, style, ax, f)
    _draw_titles(cv, spec, style, ax, f)
    if legend_place(spec, style) == "direct" and series_names(spec):
        draw_direct_labels(cv, spec, style, ax, f)
    elif p.legend is not None:
        x, y, w = p.legend
        draw_legend(cv, [(s["name"], rgb(s["color"])) for s in spec["series"]], f.tick, tuple(style["ink"]),
                    x, y, p.legend_vertical, w)
    return Rendered(images=[cv.finish(style["noise"], style["noise_seed"])], texts=cv.texts)


def draw_direct_labels(cv: Canvas, spec: dict, style: dict, ax: Axes, f: Fonts) -> None:
    """Name each line at its last point, in its colour, nudged apart vertically so that
    labels of lines ending close together do not touch."""
    x0, y0, x1, y1 = ax.p.box
    lh = line_height(f.tick)
    ends = sorted(((ax.v(s["values"][-1]), s) for s in spec["series"]), key=lambda e: e[0])
    ys: list[float] = []
    for y, _ in ends:
        ys.append(max(y, ys[-1] + lh + PAD) if ys else max(y, y0 + lh / 2))
    overflow = ys[-1] - (y1 - lh / 2) if ys else 0
    if overflow > 0:
        ys = [y - overflow for y in ys]
    ink = tuple(style["ink"])
    for y, (_, s) in zip(ys, ends):
        cv.draw.line((x1 + PAD, y, x1 + 3 * PAD, y), fill=rgb(s["color"]), width=3)
        put_text(cv, (x1 + 4 * PAD, y), s["name"], f.tick, fill=ink, anchor="lm", role="legend")
