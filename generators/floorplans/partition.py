"""Recursive splitting of a rectangular footprint into room rectangles.

Work is in whole decimetres so that walls meet exactly and shared-wall lengths are
exact integers; the spec stores metres with one decimal.
"""
from __future__ import annotations

import numpy as np

from mmsynth.rand import randint, weighted

Rect = tuple[int, int, int, int]  # x, y, w, h in decimetres
THIN_SLICE_SHARE = 0.3  # splits that cut off a narrow slice: small rooms for bathrooms, closets, storage


def split_footprint(rng: np.random.Generator, w: int, h: int, n: int, min_side: int) -> list[Rect]:
    """``n`` rectangles tiling ``w`` x ``h`` (or fewer when no rectangle can be split further).

    Repeatedly splits a large rectangle across its longer side, mostly at 35-65%,
    sometimes cutting off a narrow slice (so small room types get small rooms), never
    leaving a side shorter than ``min_side``.
    """
    rects: list[Rect] = [(0, 0, w, h)]
    while len(rects) < n:
        splittable = [r for r in rects if max(r[2], r[3]) >= 2 * min_side]
        if not splittable:
            break
        r = weighted(rng, splittable, [float(s[2] * s[3]) ** 1.5 for s in splittable])
        rects.remove(r)
        rects += _split(rng, r, min_side)
    return sorted(rects, key=lambda r: (r[1], r[0]))


def _split(rng: np.random.Generator, r: Rect, min_side: int) -> list[Rect]:
    x, y, w, h = r
    vertical = w >= 2 * min_side and (h < 2 * min_side or w > h or (w == h and rng.random() < 0.5))
    length = w if vertical else h
    lo, hi = max(min_side, int(length * 0.35)), min(length - min_side, int(length * 0.65))
    if lo > hi or rng.random() < THIN_SLICE_SHARE:
        lo, hi = min_side, length - min_side
        cut = min(lo + randint(rng, 0, 4), hi) if rng.random() < 0.5 else max(hi - randint(rng, 0, 4), lo)
    else:
        cut = randint(rng, lo, hi)
    if vertical:
        return [(x, y, cut, h), (x + cut, y, w - cut, h)]
    return [(x, y, w, cut), (x, y + cut, w, h - cut)]


def shared_wall(a: Rect, b: Rect) -> tuple[str, int, int, int] | None:
    """The wall two rectangles share: (axis, position, start, end) with axis 'v' (a vertical wall
    at x=position) or 'h' (horizontal at y=position); None when they only meet at a corner or not at all."""
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    if ax + aw == bx or bx + bw == ax:
        s, e = max(ay, by), min(ay + ah, by + bh)
        if e > s:
            return ("v", bx if ax + aw == bx else ax, s, e)
    if ay + ah == by or by + bh == ay:
        s, e = max(ax, bx), min(ax + aw, bx + bw)
        if e > s:
            return ("h", by if ay + ah == by else ay, s, e)
    return None


def exterior_sides(r: Rect, w: int, h: int) -> list[tuple[str, int, int]]:
    """The sides of ``r`` on the footprint's outline: (side, start, end) along that side."""
    x, y, rw, rh = r
    out = []
    if y == 0:
        out.append(("top", x, x + rw))
    if y + rh == h:
        out.append(("bottom", x, x + rw))
    if x == 0:
        out.append(("left", y, y + rh))
    if x + rw == w:
        out.append(("right", y, y + rh))
    return out
