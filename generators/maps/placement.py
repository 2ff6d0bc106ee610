"""Label placement without overlaps: a label goes to the first candidate position whose
box stays inside the image, clear of every text already drawn, of blocked rectangles
(town dots, node boxes) and of line segments (roads, rivers, arrows).

Shared by the map and flowchart renderers; ``LayoutError`` means no candidate fits.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Iterable

from PIL import Image, ImageDraw, ImageFont

from mmsynth.draw import Box, Canvas, boxes_overlap

_SCRATCH = ImageDraw.Draw(Image.new("RGB", (1, 1)))

Point = tuple[float, float]
Segment = tuple[Point, Point]


class LayoutError(RuntimeError):
    """No free position was found for a label."""


def _clip_t(p: float, d: float, lo: float, hi: float, t0: float, t1: float) -> tuple[float, float] | None:
    if d == 0:
        return (t0, t1) if lo <= p <= hi else None
    a, b = (lo - p) / d, (hi - p) / d
    if a > b:
        a, b = b, a
    t0, t1 = max(t0, a), min(t1, b)
    return (t0, t1) if t0 <= t1 else None


def segment_hits_box(seg: Segment, box: Box, pad: float = 0.0) -> bool:
    """True when a segment passes through a box grown by ``pad`` (Liang-Barsky clipping)."""
    (x0, y0), (x1, y1) = seg
    span: tuple[float, float] | None = (0.0, 1.0)
    span = _clip_t(x0, x1 - x0, box[0] - pad, box[2] + pad, *span)
    if span is None:
        return False
    return _clip_t(y0, y1 - y0, box[1] - pad, box[3] + pad, *span) is not None


@dataclass
class Obstacles:
    """What labels must keep clear of, besides the texts the canvas already recorded."""
    boxes: list[Box] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)

    def clear(self, box: Box, pad: float = 2.0) -> bool:
        return (not any(boxes_overlap(box, b, pad) for b in self.boxes)
                and not any(segment_hits_box(s, box, pad) for s in self.segments))


def first_free(canvas: Canvas, obstacles: Obstacles, candidates: Iterable[tuple[Point, Box]],
               pad: float = 2.0) -> tuple[Point, Box] | None:
    """The first (anchor, box) candidate whose box fits on the canvas and is clear of the obstacles."""
    for anchor, box in candidates:
        if canvas.fits(box, pad) and obstacles.clear(box, pad):
            return anchor, box
    return None


def box_at(center: tuple[float, float], w: float, h: float) -> Box:
    return (center[0] - w / 2, center[1] - h / 2, center[0] + w / 2, center[1] + h / 2)


@functools.lru_cache(maxsize=4096)
def mm_box(s: str, fnt: ImageFont.FreeTypeFont) -> Box:
    """The box of ``s`` drawn at (0, 0) with anchor 'mm' (what Canvas.measure gives), cached:
    label search tries many positions for the same text."""
    return _SCRATCH.textbbox((0, 0), s, font=fnt, anchor="mm")


def centered(canvas: Canvas, center: tuple[float, float], s: str, fnt) -> tuple[tuple[float, float], Box]:
    """The anchor point (for anchor 'mm') that centres the text box of ``s`` on ``center``, and that box."""
    x0, y0, x1, y1 = mm_box(s, fnt)
    anchor = (center[0] - (x0 + x1) / 2, center[1] - (y0 + y1) / 2)
    return anchor, (anchor[0] + x0, anchor[1] + y0, anchor[0] + x1, anchor[1] + y1)
