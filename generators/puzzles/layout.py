"""Lay out puzzle images: framed panels in rows, a '?' for the missing one, and letters under
the answer options. All texts go through ``place_texts`` (recorded, never overlapping)."""
from __future__ import annotations

import numpy as np

from mmsynth.draw import RGB, Canvas, text_color_on
from mmsynth.rand import pick

from generators.dashboards.drawutil import place_texts
from generators.dashboards.style import background, sample_base_style
from generators.puzzles.shapes import draw_cell, grid_columns

Box = tuple[float, float, float, float]
TILES = [(255, 255, 255), (250, 248, 240), (244, 247, 252), (248, 244, 236)]


def sample_puzzle_style(rng: np.random.Generator) -> dict:
    """Base style plus the panel tile colour and frame width."""
    style = sample_base_style(rng, "puzzle")
    style.update(tile=list(pick(rng, TILES)), frame=pick(rng, [1, 2, 3]))
    return style


def new_canvas(style: dict) -> Canvas:
    return Canvas(style["width"], style["height"], background(style))


def row_boxes(x0: float, y0: float, x1: float, n: int, side: float, gap: float) -> list[Box]:
    """``n`` square boxes of ``side`` centred horizontally between x0 and x1, tops at y0."""
    total = n * side + (n - 1) * gap
    left = x0 + (x1 - x0 - total) / 2
    return [(left + i * (side + gap), y0, left + i * (side + gap) + side, y0 + side) for i in range(n)]


def draw_panels(c: Canvas, boxes: list[Box], cells: list[dict | None], cols: int, style: dict) -> None:
    """Framed panels; a None cell is the missing one and shows a '?'."""
    tile = tuple(style["tile"])
    marks = []
    for box, cell in zip(boxes, cells):
        c.draw.rectangle(box, fill=tile, outline=(60, 60, 60), width=style["frame"])
        pad = (box[2] - box[0]) * 0.1
        inner = (box[0] + pad, box[1] + pad, box[2] - pad, box[3] - pad)
        if cell is None:
            marks.append((((box[0] + box[2]) / 2, (box[1] + box[3]) / 2), "?"))
        else:
            draw_cell(c, inner, cell, cols)
    if marks:
        side = boxes[0][2] - boxes[0][0]
        place_texts(c, marks, style["font"], int(side * 0.45), text_color_on(tile), "missing")


def label_boxes(c: Canvas, boxes: list[Box], labels: list[str], style: dict, size: float) -> None:
    """Letters (or numbers) centred under each box."""
    ink: RGB = text_color_on(background(style))
    items = [(((b[0] + b[2]) / 2, b[3] + size * 0.75), t) for b, t in zip(boxes, labels) if t]
    place_texts(c, items, style["font"], int(size), ink, "option_label")


def grid_for(cells: list[dict]) -> int:
    """One slot-grid width for every panel of a puzzle, so sizes compare across panels."""
    return grid_columns(max(cell["count"] for cell in cells))
