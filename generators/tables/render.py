"""Renderer of tables with PIL: column widths from the measured cells, so no text
ever crosses a cell edge or another text.

Visual variety comes from the style: borders (full grid, row rules, outer box,
booktabs-like rules), striped rows, header fill (the spec's named colour), cell
alignment, padding, fonts and margins.
"""
from __future__ import annotations

from mmsynth.draw import Canvas, bold, font, rgb, text_color_on
from mmsynth.generator import Rendered

from generators.charts.layout import line_height, put_text, size
from generators.tables.sampler import cell_text, header_text

STRIPE_SHADE = 14   # how much darker than the background a stripe is


def _shade(c: tuple[int, int, int], d: int) -> tuple[int, int, int]:
    return tuple(max(0, v - d) for v in c)


def render_table(spec: dict, style: dict) -> Rendered:
    """Draw the title and the table; grow the canvas to hold it with the style's margins."""
    fam, n = style["font"], style["font_size"]
    f_cell, f_head, f_title = font(fam, n), font(bold(fam), n), font(bold(fam), style["title_size"])
    cols = spec["columns"]
    heads = [header_text(c) for c in cols]
    texts = [[cell_text(spec, c, v) for c, v in zip(cols, row)] for row in spec["rows"]]
    px, py = style["pad_x"], style["pad_y"]
    widths = [max([size(heads[j], f_head)[0]] + [size(r[j], f_cell)[0] for r in texts]) + 2 * px
              for j in range(len(cols))]
    rh = line_height(f_cell) + 2 * py
    table_w, table_h = sum(widths), rh * (len(texts) + 1)
    m = style["margin"]
    title_h = line_height(f_title) + m / 2
    W = max(style["min_width"], int(table_w + 2 * m), int(size(spec["title"], f_title)[0] + 2 * m))
    H = max(style["min_height"], int(table_h + title_h + 2 * m))
    bg, ink, line = tuple(style["background"]), tuple(style["ink"]), tuple(style["line_color"])
    cv = Canvas(W, H, bg)
    x0 = (W - table_w) / 2 if style["center"] else m
    y0 = max(m + title_h, (H - table_h) / 2) if style["center"] else m + title_h
    put_text(cv, (x0 if not style["center"] else W / 2, y0 - title_h), spec["title"], f_title, fill=ink,
             anchor="lt" if not style["center"] else "mt", role="title")
    head_fill = rgb(spec["header_color"]) if spec["header_color"] else None
    if head_fill:
        cv.draw.rectangle((x0, y0, x0 + table_w, y0 + rh), fill=head_fill)
    for i in range(len(texts)):
        if style["stripes"] and i % 2 == 1:
            top = y0 + rh * (i + 1)
            cv.draw.rectangle((x0, top, x0 + table_w, top + rh), fill=_shade(bg, STRIPE_SHADE))
    _draw_rules(cv, style, x0, y0, widths, rh, len(texts), line)
    head_ink = text_color_on(head_fill) if head_fill else ink
    for j, col in enumerate(cols):
        left = x0 + sum(widths[:j])
        align = style["num_align"] if col["type"] == "number" else style["text_align"]
        for i, (text, fnt, fill, role) in enumerate([(heads[j], f_head, head_ink, "header")] +
                                                     [(r[j], f_cell, ink, "cell") for r in texts]):
            cy = y0 + rh * i + rh / 2
            if align == "left":
                xy, anchor = (left + px, cy), "lm"
            elif align == "right":
                xy, anchor = (left + widths[j] - px, cy), "rm"
            else:
                xy, anchor = (left + widths[j] / 2, cy), "mm"
            put_text(cv, xy, text, fnt, fill=fill, anchor=anchor, role=role)
    return Rendered(images=[cv.finish(style["noise"], style["noise_seed"])], texts=cv.texts)


def _draw_rules(cv: Canvas, style: dict, x0: float, y0: float, widths: list[float], rh: float, n_rows: int,
                line: tuple[int, int, int]) -> None:
    """Borders: 'grid' (every cell), 'rows' (between rows), 'outer' (box + header rule), 'rules' (booktabs)."""
    x1, y1 = x0 + sum(widths), y0 + rh * (n_rows + 1)
    kind = style["borders"]
    if kind in ("grid", "outer"):
        cv.draw.rectangle((x0, y0, x1, y1), outline=line, width=style["line_width"])
    if kind == "grid":
        x = x0
        for w in widths[:-1]:
            x += w
            cv.draw.line((x, y0, x, y1), fill=line)
    if kind in ("grid", "rows"):
        for i in range(1, n_rows + 1):
            cv.draw.line((x0, y0 + rh * i, x1, y0 + rh * i), fill=line)
    if kind in ("outer", "rules"):
        cv.draw.line((x0, y0 + rh, x1, y0 + rh), fill=line, width=style["line_width"])
    if kind == "rules":
        cv.draw.line((x0, y0, x1, y0), fill=line, width=2)
        cv.draw.line((x0, y1, x1, y1), fill=line, width=2)
