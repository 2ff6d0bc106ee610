"""A table drawn from a grid of cells: header rows with cells spanning several columns
(multi-level headers), body rows that are items, indented sub-items, bold subtotals with
a rule above, and cells merged down several rows (a schedule's long event). Generators
turn their spec into a :class:`Grid`; :func:`render_grid` measures every cell, sizes the
columns so no text crosses a cell edge, and draws it in the table style (grid, row rules,
outer box or print rules; zebra stripes; header fill).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from mmsynth.draw import Canvas, bold, font, rgb, text_color_on
from mmsynth.generator import Rendered

from generators.charts.layout import line_height, put_text, size

STRIPE_SHADE = 14
INDENT = 18


@dataclass
class Cell:
    """One printed cell; ``span`` columns wide and ``down`` rows tall."""
    text: str
    align: str = "left"
    bold: bool = False
    span: int = 1
    down: int = 1
    fill: str | None = None   # a named colour behind the cell
    role: str = "cell"
    scale: float = 1.0        # type size relative to the table's (ticks and crosses read larger)


@dataclass
class Grid:
    """Header rows and body rows of cells; ``None`` marks a slot covered by a merged cell."""
    title: str
    header: list[list[Cell | None]]
    body: list[list[Cell | None]]
    indent: list[int] = field(default_factory=list)      # per body row, in levels
    rule_above: set[int] = field(default_factory=set)    # body rows drawn with a rule above (subtotals)
    subtitle: str = ""


def _fonts(style: dict):
    fam, n = style["font"], style["font_size"]
    return font(fam, n), font(bold(fam), style["title_size"])


GLYPH_FONT = "sans-bold"  # has the tick and cross glyphs that mono and STIX lack


def cell_font(c: Cell, style: dict):
    fam = GLYPH_FONT if c.role == "glyph" else bold(style["font"]) if c.bold else style["font"]
    return font(fam, int(round(style["font_size"] * c.scale)))


def _widths(grid: Grid, style: dict) -> list[float]:
    """Column widths: every single cell fits; a spanning cell widens its last column if it must."""
    n = len(grid.body[0])
    px = style["pad_x"]
    widths = [2.0 * px] * n
    rows = [(r, 0) for r in grid.header] + [(r, grid.indent[i] if grid.indent else 0) for i, r in enumerate(grid.body)]
    spanning = []
    for row, level in rows:
        for j, c in enumerate(row):
            if c is None:
                continue
            w = size(c.text, cell_font(c, style))[0] + 2 * px + (INDENT * level if j == 0 else 0)
            if c.span == 1:
                widths[j] = max(widths[j], w)
            else:
                spanning.append((j, c.span, w))
    for j, span, w in spanning:
        short = w - sum(widths[j:j + span])
        if short > 0:
            widths[j + span - 1] += short
    return widths


def render_grid(grid: Grid, style: dict, header_color: str | None = None) -> Rendered:
    """Draw the title, the header rows and the body of a grid in the table style."""
    f_cell, f_title = _fonts(style)
    widths = _widths(grid, style)
    cells = [c for row in grid.header + grid.body for c in row if c is not None]
    rh = max(line_height(cell_font(c, style)) for c in cells + [Cell("x")]) + 2 * style["pad_y"]
    n_head, n_body = len(grid.header), len(grid.body)
    table_w, table_h = sum(widths), rh * (n_head + n_body)
    m = style["margin"]
    title_h = line_height(f_title) + m / 2 + (line_height(f_cell) + 4 if grid.subtitle else 0)
    W = max(style["min_width"], int(table_w + 2 * m) + 1, int(size(grid.title, f_title)[0] + 2 * m) + 1,
            int(size(grid.subtitle, f_cell)[0] + 2 * m) + 1 if grid.subtitle else 0)
    H = max(style["min_height"], int(table_h + title_h + 2 * m) + 1)
    bg, ink, line = tuple(style["background"]), tuple(style["ink"]), tuple(style["line_color"])
    cv = Canvas(W, H, bg)
    x0 = (W - table_w) / 2 if style["center"] else m
    y0 = max(m + title_h, (H - table_h) / 2) if style["center"] else m + title_h
    tx, anchor = (W / 2, "mt") if style["center"] else (x0, "lt")
    put_text(cv, (tx, y0 - title_h), grid.title, f_title, fill=ink, anchor=anchor, role="title")
    if grid.subtitle:
        put_text(cv, (tx, y0 - title_h + line_height(f_title) + 4), grid.subtitle, f_cell, fill=ink, anchor=anchor,
                 role="subtitle")
    head_fill = rgb(header_color) if header_color else None
    if head_fill:
        cv.draw.rectangle((x0, y0, x0 + table_w, y0 + rh * n_head), fill=head_fill)
    if style["stripes"]:
        for i in range(1, n_body, 2):
            top = y0 + rh * (n_head + i)
            cv.draw.rectangle((x0, top, x0 + table_w, top + rh), fill=tuple(max(0, v - STRIPE_SHADE) for v in bg))
    lefts = [x0 + sum(widths[:j]) for j in range(len(widths) + 1)]
    for i, row in enumerate(grid.header + grid.body):
        body_i = i - n_head
        top = y0 + rh * i
        for j, c in enumerate(row):
            if c is None:
                continue
            box = (lefts[j], top, lefts[j + c.span], top + rh * c.down)
            if c.fill:
                cv.draw.rectangle(box, fill=rgb(c.fill), outline=bg)
            if not c.text:
                continue
            fill = text_color_on(rgb(c.fill)) if c.fill else text_color_on(head_fill) if head_fill and i < n_head else ink
            level = grid.indent[body_i] if grid.indent and body_i >= 0 and j == 0 else 0
            px = style["pad_x"] + INDENT * level
            cy = (box[1] + box[3]) / 2
            xy, a = {"left": ((box[0] + px, cy), "lm"), "right": ((box[2] - style["pad_x"], cy), "rm"),
                     "center": (((box[0] + box[2]) / 2, cy), "mm")}[c.align]
            put_text(cv, xy, c.text, cell_font(c, style), fill=fill, anchor=a,
                     role="header" if i < n_head else c.role)
    _rules(cv, style, grid, lefts, y0, rh, line)
    return Rendered(images=[cv.finish(style["noise"], style["noise_seed"])], texts=cv.texts)


def _rules(cv: Canvas, style: dict, grid: Grid, lefts: list[float], y0: float, rh: float, line) -> None:
    """Borders as the style says, merged cells left whole, and a rule above every subtotal."""
    n_head, rows = len(grid.header), grid.header + grid.body
    x0, x1, y1 = lefts[0], lefts[-1], y0 + rh * len(rows)
    kind, lw = style["borders"], style["line_width"]
    if kind in ("grid", "outer"):
        cv.draw.rectangle((x0, y0, x1, y1), outline=line, width=lw)
    covered = {(i + k, j + s) for i, row in enumerate(rows) for j, c in enumerate(row) if c is not None
               for k in range(c.down) for s in range(c.span) if (k, s) != (0, 0)}
    if kind == "grid":
        for i in range(len(rows)):
            for j in range(1, len(lefts) - 1):
                if (i, j) not in covered:
                    cv.draw.line((lefts[j], y0 + rh * i, lefts[j], y0 + rh * (i + 1)), fill=line)
    if kind in ("grid", "rows"):
        for i in range(1, len(rows)):
            for j in range(len(lefts) - 1):
                if (i, j) not in covered:
                    cv.draw.line((lefts[j], y0 + rh * i, lefts[j + 1], y0 + rh * i), fill=line)
    if kind in ("outer", "rules", "rows"):
        cv.draw.line((x0, y0 + rh * n_head, x1, y0 + rh * n_head), fill=line, width=lw)
    if kind == "rules":
        cv.draw.line((x0, y0, x1, y0), fill=line, width=2)
        cv.draw.line((x0, y1, x1, y1), fill=line, width=2)
    for i in grid.rule_above:
        y = y0 + rh * (n_head + i)
        cv.draw.line((x0, y, x1, y), fill=line, width=max(lw, 2) if kind != "grid" else lw + 1)
