"""Draw puzzle panels: a panel holds ``count`` copies of one shape in one colour, at a size
level and an angle, laid out on a fixed grid so that counts read at a glance."""
from __future__ import annotations

import math

from mmsynth.draw import Canvas, rgb

from generators.puzzles.vocab import VOCAB

OUTLINE = (30, 30, 30)
Box = tuple[float, float, float, float]


def _regular(n: int, start: float = 0.0) -> list[tuple[float, float]]:
    return [(math.sin(math.radians(start + 360 * i / n)), -math.cos(math.radians(start + 360 * i / n)))
            for i in range(n)]


def _star() -> list[tuple[float, float]]:
    pts = []
    for i in range(10):
        r = 1.0 if i % 2 == 0 else 0.45
        a = math.radians(36 * i)
        pts.append((r * math.sin(a), -r * math.cos(a)))
    return pts


UNIT_SHAPES = {
    "square": _regular(4, 45), "triangle": [(x, y * 1.0 + 0.15) for x, y in _regular(3)],
    "diamond": [(0, -1), (0.7, 0), (0, 1), (-0.7, 0)], "pentagon": _regular(5), "hexagon": _regular(6, 30),
    "star": _star(),
    "cross": [(-0.3, -1), (0.3, -1), (0.3, -0.3), (1, -0.3), (1, 0.3), (0.3, 0.3), (0.3, 1), (-0.3, 1),
              (-0.3, 0.3), (-1, 0.3), (-1, -0.3), (-0.3, -0.3)],
    # an arrow pointing up at angle 0
    "arrow": [(0, -1), (0.62, -0.2), (0.24, -0.2), (0.24, 1), (-0.24, 1), (-0.24, -0.2), (-0.62, -0.2)],
}


def shape_points(shape: str, cx: float, cy: float, r: float, angle: float = 0.0) -> list[tuple[float, float]]:
    """The polygon of ``shape`` with radius r centred at (cx, cy), turned ``angle`` degrees clockwise."""
    t = math.radians(angle)
    cos, sin = math.cos(t), math.sin(t)
    return [(cx + r * (x * cos - y * sin), cy + r * (x * sin + y * cos)) for x, y in UNIT_SHAPES[shape]]


def draw_shape(c: Canvas, shape: str, cx: float, cy: float, r: float, color: str, angle: float = 0.0) -> None:
    width = max(1, round(r * 0.06))
    if shape == "circle":
        c.draw.ellipse((cx - r * 0.9, cy - r * 0.9, cx + r * 0.9, cy + r * 0.9), fill=rgb(color), outline=OUTLINE,
                       width=width)
        return
    c.draw.polygon(shape_points(shape, cx, cy, r, angle), fill=rgb(color), outline=OUTLINE, width=width)


def grid_columns(count: int) -> int:
    """Columns of the slot grid that holds up to ``count`` items (1, 2, 3 or 4 per row)."""
    return 1 if count <= 1 else 2 if count <= 4 else 3 if count <= 9 else 4


def slot_centres(box: Box, count: int, cols: int) -> list[tuple[float, float, float]]:
    """Centre and slot radius of each of ``count`` items on a ``cols``-wide grid, centred in box."""
    x0, y0, x1, y1 = box
    slot = min(x1 - x0, y1 - y0) / cols
    rows = -(-count // cols)
    out = []
    for i in range(count):
        r, k = divmod(i, cols)
        in_row = min(cols, count - r * cols)
        cx = (x0 + x1) / 2 + (k - (in_row - 1) / 2) * slot
        cy = (y0 + y1) / 2 + (r - (rows - 1) / 2) * slot
        out.append((cx, cy, slot / 2))
    return out


def draw_cell(c: Canvas, box: Box, cell: dict, cols: int) -> None:
    """Draw a panel's items: ``cell`` = {shape, color, count, size (level index), angle}."""
    level = VOCAB["size_levels"][cell.get("size", len(VOCAB["size_levels"]) - 2)]
    for cx, cy, half in slot_centres(box, cell["count"], cols):
        draw_shape(c, cell["shape"], cx, cy, half * 0.86 * level, cell["color"], cell.get("angle", 0))
