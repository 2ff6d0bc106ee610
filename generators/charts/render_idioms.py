"""Marks of the idioms drawn on the shared category axes (``render_category`` lays out
the frame, labels, titles and legend): lollipops, dumbbells (dot plots of two series),
histograms (touching bars), error bars, log-scale bars, slopes and waterfalls."""
from __future__ import annotations

from mmsynth.draw import Canvas, rgb
from mmsynth.generator import Rendered

from generators.charts.axis import value_label
from generators.charts.render_axes import Axes, Fonts, annotate, draw_marks, render_category

DOT = 6
UP, DOWN, TOTAL = "green", "red", "gray"


def _lollipops(cv: Canvas, spec: dict, style: dict, ax: Axes, f: Fonts) -> None:
    base = max(ax.amin, 0)
    s = spec["series"][0]
    for i, v in enumerate(s["values"]):
        color = rgb(spec["category_colors"][i] if spec["category_colors"] else s["color"])
        c, a, b = ax.c(i), ax.v(base), ax.v(v)
        cv.draw.line((c, a, c, b), fill=color, width=3)
        cv.draw.ellipse((c - DOT, b - DOT, c + DOT, b + DOT), fill=color)
        if spec["annotated"]:
            annotate(cv, ax, v, b - DOT + 2, i, color, style, f)


def _dumbbells(cv: Canvas, spec: dict, style: dict, ax: Axes, f: Fonts) -> None:
    """Per category, a grey bar joining the series' dots."""
    muted = tuple(int(c * 0.4 + b * 0.6) for c, b in zip(style["ink"], style["background"]))
    for i in range(len(spec["categories"])):
        ys = [ax.v(s["values"][i]) for s in spec["series"]]
        c = ax.c(i)
        cv.draw.line((c, min(ys), c, max(ys)), fill=muted, width=4)
        for s, y in zip(spec["series"], ys):
            cv.draw.ellipse((c - DOT, y - DOT, c + DOT, y + DOT), fill=rgb(s["color"]))


def _histogram(cv: Canvas, spec: dict, style: dict, ax: Axes, f: Fonts) -> None:
    """Touching bars, split by a thin line of the background colour."""
    draw_marks(cv, spec, dict(style, bar_width=1.0), ax, f)
    bg = tuple(style["background"])
    for i in range(len(spec["categories"]) + 1):
        x = ax.c(i - 0.5)
        cv.draw.line((x, ax.v(max(ax.amin, 0)), x, ax.p.box[1]), fill=bg, width=1)


def _error_bars(cv: Canvas, spec: dict, style: dict, ax: Axes, f: Fonts) -> None:
    """Bars, then a whisker with caps from value - error to value + error."""
    draw_marks(cv, spec, style, ax, f)
    ink = tuple(style["ink"])
    cap = ax.slot * style["bar_width"] * 0.2
    for i, (v, e) in enumerate(zip(spec["series"][0]["values"], spec["errors"])):
        c, lo, hi = ax.c(i), ax.v(v - e), ax.v(v + e)
        cv.draw.line((c, lo, c, hi), fill=ink, width=2)
        for y in (lo, hi):
            cv.draw.line((c - cap, y, c + cap, y), fill=ink, width=2)


def waterfall_columns(spec: dict) -> list[str]:
    """The columns a waterfall draws: the start, every change, the end."""
    return [spec["start"]["label"], *spec["categories"], spec["end"]["label"]]


def signed(v: float) -> str:
    return f"+{value_label(v)}" if v > 0 else value_label(v)


def _waterfall(cv: Canvas, spec: dict, style: dict, ax: Axes, f: Fonts) -> None:
    """Start and end columns from zero; each change floats from the running total."""
    half = ax.slot * style["bar_width"] / 2
    level = spec["start"]["value"]
    bars = [(0, level, TOTAL, value_label(level))]
    for d in spec["series"][0]["values"]:
        bars.append((level, level + d, UP if d > 0 else DOWN, signed(d)))
        level += d
    bars.append((0, level, TOTAL, value_label(level)))
    ink = tuple(style["ink"])
    for i, (a, b, color, text) in enumerate(bars):
        r = ax.rect(i, half, min(a, b), max(a, b))
        cv.draw.rectangle(r, fill=rgb(color))
        if 0 < i < len(bars) - 1:  # the connector from the previous column's end
            cv.draw.line((ax.rect(i - 1, half, 0, 0)[2], ax.v(a), r[0], ax.v(a)), fill=ink, width=1)
        annotate(cv, ax, max(a, b), ax.v(max(a, b)), i, rgb(color), style, f, text=text)


MARKS = {"lollipop": _lollipops, "dumbbell": _dumbbells, "histogram": _histogram, "error_bar": _error_bars,
         "waterfall": _waterfall}


def render_idiom(spec: dict, style: dict) -> Rendered:
    """Draw an idiom on category axes; a waterfall lays out its start and end columns too."""
    if spec["kind"] == "waterfall":
        drawn = dict(spec, categories=waterfall_columns(spec), measure=spec["base"])  # the axis shows levels
        return render_category(drawn, style, MARKS["waterfall"])
    return render_category(spec, style, MARKS.get(spec["kind"], draw_marks))
