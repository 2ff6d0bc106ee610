"""The frame a chart's theme puts around its plot: a title block above (title centred or
left-aligned, an optional panel letter, an optional subtitle) and an optional source
line below, as news graphics, reports and papers print them; and the tick marks and
spines of the theme (ticks outside, inside or none; a box, two axes or a base line).

Renderers reserve :func:`header_height` above and :func:`footer_height` below the plot,
ask :func:`header_width` for the width the block needs, and draw with
:func:`draw_header` / :func:`draw_footer`; every text goes through the Canvas so its
box is recorded.
"""
from __future__ import annotations

from mmsynth.draw import Canvas

from generators.charts.layout import PAD, line_height, put_text, size

MARGIN = 12
TICK = 5


def _capital(s: str) -> str:
    return s[:1].upper() + s[1:]


def subtitle_text(spec: dict) -> str:
    """What a subtitle says about the data: the measure and its unit, or what is plotted against what."""
    if spec.get("measure"):
        unit = spec.get("unit")
        if unit and unit != "%":
            return f"{_capital(spec['measure'])}, in {unit}"
        return f"{_capital(spec['measure'])} by {spec.get('category_name') or 'category'}"
    if "x" in spec and "y" in spec:
        return f"{_capital(spec['y']['name'])} against {spec['x']['name']}"
    return ""


def panel_text(style: dict) -> str:
    letter = style.get("panel_letter", "")
    return f"({letter})" if letter and letter.islower() else letter


def header_height(spec: dict, style: dict, f) -> float:
    """Pixels from the top of the canvas to just below the title block."""
    h = MARGIN + line_height(f.title) + MARGIN / 2
    if style.get("subtitle") and subtitle_text(spec):
        h += line_height(f.tick) + PAD
    return h


def footer_height(style: dict, f) -> float:
    """Pixels the source line takes at the bottom (0 without one)."""
    return line_height(f.value) + PAD if style.get("source") else 0.0


def header_width(spec: dict, style: dict, f) -> int:
    """The canvas width the title block and footer need to stay on the canvas, apart."""
    letter = panel_text(style)
    lw = size(letter, f.title)[0] + 3 * PAD if letter else 0
    tw = size(spec["title"], f.title)[0]
    title = tw + 2 * lw if style.get("title_align", "center") == "center" else tw + lw
    sub = size(subtitle_text(spec), f.tick)[0] + lw if style.get("subtitle") and subtitle_text(spec) else 0
    src = size(style["source"], f.value)[0] if style.get("source") else 0
    return int(max(title, sub, src) + 2 * MARGIN) + 1


def draw_header(cv: Canvas, spec: dict, style: dict, f) -> None:
    """Panel letter, title and subtitle, aligned as the theme says."""
    W = cv.size[0]
    ink = tuple(style["ink"])
    letter = panel_text(style)
    indent = 0.0
    if letter:
        put_text(cv, (MARGIN, MARGIN), letter, f.title, fill=ink, anchor="lt", role="panel")
        indent = size(letter, f.title)[0] + 3 * PAD
    if style.get("title_align", "center") == "center":
        put_text(cv, (W / 2, MARGIN), spec["title"], f.title, fill=ink, anchor="mt", role="title")
        sub_xy, sub_anchor = (W / 2, MARGIN + line_height(f.title) + PAD), "mt"
    else:
        put_text(cv, (MARGIN + indent, MARGIN), spec["title"], f.title, fill=ink, anchor="lt", role="title")
        sub_xy, sub_anchor = (MARGIN + indent, MARGIN + line_height(f.title) + PAD), "lt"
    if style.get("subtitle") and subtitle_text(spec):
        muted = tuple(int(c * 0.75 + b * 0.25) for c, b in zip(ink, style["background"]))
        put_text(cv, sub_xy, subtitle_text(spec), f.tick, fill=muted, anchor=sub_anchor, role="subtitle")


def draw_footer(cv: Canvas, style: dict, f) -> None:
    """The source line, bottom left."""
    if style.get("source"):
        muted = tuple(int(c * 0.7 + b * 0.3) for c, b in zip(style["ink"], style["background"]))
        put_text(cv, (MARGIN, cv.size[1] - MARGIN / 2), style["source"], f.value, fill=muted, anchor="ld",
                 role="source")


def tick_span(style: dict) -> tuple[float, float]:
    """How far a tick mark reaches outside (``out``) and inside (``in``) the plot edge."""
    kind = style.get("ticks", "out")
    return {"out": (TICK, 0.0), "in": (0.0, TICK), "none": (0.0, 0.0)}[kind]


def draw_spines(cv: Canvas, style: dict, box: tuple[float, float, float, float], vertical: bool = True) -> None:
    """The plot's spines: a box, left and bottom axes, or only the base the values grow from."""
    x0, y0, x1, y1 = box
    ink = tuple(style["ink"])
    frame = style.get("frame", "axes")
    if frame == "box":
        cv.draw.rectangle((x0, y0, x1, y1), outline=ink)
    elif frame == "axes":
        cv.draw.line((x0, y0, x0, y1, x1, y1), fill=ink)
    elif vertical:
        cv.draw.line((x0, y1, x1, y1), fill=ink)
    else:
        cv.draw.line((x0, y0, x0, y1), fill=ink)
