"""Plane geometry for maps: segment crossings, distances to segments, compass bearings.

Map coordinates are x east, y north; the samplers use them to keep roads planar and
clear of towns, and the solvers use them to recompute bridges and compass directions.
"""
from __future__ import annotations

import math

Point = tuple[float, float]

COMPASS = ("north", "north-east", "east", "south-east", "south", "south-west", "west", "north-west")


def _orient(a: Point, b: Point, c: Point) -> float:
    return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])


def segments_cross(p1: Point, p2: Point, q1: Point, q2: Point) -> bool:
    """True when two segments properly intersect (sharing an endpoint does not count)."""
    if {tuple(p1), tuple(p2)} & {tuple(q1), tuple(q2)}:
        return False
    d1, d2 = _orient(q1, q2, p1), _orient(q1, q2, p2)
    d3, d4 = _orient(p1, p2, q1), _orient(p1, p2, q2)
    return d1 * d2 < 0 and d3 * d4 < 0


def point_segment_distance(p: Point, a: Point, b: Point) -> float:
    """Euclidean distance from ``p`` to the segment ``ab``."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    L2 = dx * dx + dy * dy
    t = 0.0 if L2 == 0 else max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / L2))
    return math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy)


def polyline_crossings(a: Point, b: Point, line: list[Point]) -> int:
    """How many times the segment ``ab`` crosses the polyline ``line``."""
    return sum(segments_cross(a, b, line[i], line[i + 1]) for i in range(len(line) - 1))


def distance_to_polyline(p: Point, line: list[Point]) -> float:
    return min(point_segment_distance(p, line[i], line[i + 1]) for i in range(len(line) - 1))


def bearing(a: Point, b: Point) -> float:
    """Compass bearing in degrees (0 = north, 90 = east) from ``a`` to ``b``."""
    return math.degrees(math.atan2(b[0] - a[0], b[1] - a[1])) % 360.0


def compass_point(deg: float, margin: float = 0.0) -> str | None:
    """The 8-point compass name of a bearing, or None when it lies within ``margin`` degrees of a sector edge."""
    sector = (deg + 22.5) % 360.0
    offset = sector % 45.0
    if offset < margin or offset > 45.0 - margin:
        return None
    return COMPASS[int(sector // 45.0)]


def angle_between(a: Point, b: Point, c: Point) -> float:
    """The angle at ``a`` between rays ``ab`` and ``ac``, in degrees."""
    t1 = math.atan2(b[1] - a[1], b[0] - a[0])
    t2 = math.atan2(c[1] - a[1], c[0] - a[0])
    d = abs(math.degrees(t1 - t2)) % 360.0
    return min(d, 360.0 - d)
