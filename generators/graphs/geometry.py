"""Plane geometry the layouts and their tests share: boxes, segments, circles.

A box is ``(x0, y0, x1, y1)`` in pixels; a polyline is a list of ``(x, y)`` points.
"""
from __future__ import annotations

import math

Box = tuple[float, float, float, float]
Point = tuple[float, float]


def grow(box: Box, pad: float) -> Box:
    return (box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad)


def boxes_intersect(a: Box, b: Box) -> bool:
    return not (a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1])


def box_inside(inner: Box, outer: Box) -> bool:
    return inner[0] >= outer[0] and inner[1] >= outer[1] and inner[2] <= outer[2] and inner[3] <= outer[3]


def segment_hits_box(p: Point, q: Point, box: Box) -> bool:
    """True when segment p-q passes through the open interior of ``box`` (Liang-Barsky clipping)."""
    x0, y0, x1, y1 = box
    dx, dy = q[0] - p[0], q[1] - p[1]
    t0, t1 = 0.0, 1.0
    for d, lo, hi, v in ((dx, x0, x1, p[0]), (dy, y0, y1, p[1])):
        if abs(d) < 1e-12:
            if v <= lo or v >= hi:
                return False
            continue
        a, b = (lo - v) / d, (hi - v) / d
        if a > b:
            a, b = b, a
        t0, t1 = max(t0, a), min(t1, b)
        if t0 >= t1:
            return False
    return t1 - t0 > 1e-9


def polyline_hits_box(points: list[Point], box: Box) -> bool:
    return any(segment_hits_box(a, b, box) for a, b in zip(points, points[1:]))


def point_segment_distance(c: Point, p: Point, q: Point) -> float:
    dx, dy = q[0] - p[0], q[1] - p[1]
    n2 = dx * dx + dy * dy
    t = 0.0 if n2 == 0 else max(0.0, min(1.0, ((c[0] - p[0]) * dx + (c[1] - p[1]) * dy) / n2))
    return math.hypot(c[0] - (p[0] + t * dx), c[1] - (p[1] + t * dy))


def circle_box(c: Point, r: float) -> Box:
    return (c[0] - r, c[1] - r, c[0] + r, c[1] + r)
