"""Depth maps and masks -> per-object distances and points that lie on exactly one object.

One convention (see :mod:`scenegraph.model`): a *distance* map holds, per pixel, how far
the surface is from the camera, and closer means smaller. Inverse-depth maps such as
ProVision's (uint8, higher = closer) are converted by :func:`distance_from_closeness`.
"""
from __future__ import annotations

import numpy as np

POINTS_PER_OBJECT = 3


def distance_from_closeness(closeness: np.ndarray) -> np.ndarray:
    """Relative distance in [0, 1] from an inverse-depth map scaled to its dtype (uint8: 255 = nearest)."""
    arr = np.asarray(closeness)
    top = float(np.iinfo(arr.dtype).max) if np.issubdtype(arr.dtype, np.integer) else max(float(arr.max()), 1e-12)
    return 1.0 - arr.astype(np.float32) / top


def object_distance(dist: np.ndarray, mask: np.ndarray | None, box: list[float]) -> float | None:
    """Median distance over the object's mask, or over the central half of its box without one."""
    if mask is not None and mask.any():
        return float(np.median(dist[mask]))
    h, w = dist.shape
    x1, y1, x2, y2 = box
    cx1, cx2 = int(x1 + (x2 - x1) / 4), int(np.ceil(x2 - (x2 - x1) / 4))
    cy1, cy2 = int(y1 + (y2 - y1) / 4), int(np.ceil(y2 - (y2 - y1) / 4))
    region = dist[max(0, cy1):min(h, max(cy2, cy1 + 1)), max(0, cx1):min(w, max(cx2, cx1 + 1))]
    return float(np.median(region)) if region.size else None


def _interior(mask: np.ndarray) -> np.ndarray:
    """Mask pixels whose four neighbours are in the mask too (keeps sampled points off edges)."""
    m = mask.copy()
    m[1:, :] &= mask[:-1, :]
    m[:-1, :] &= mask[1:, :]
    m[:, 1:] &= mask[:, :-1]
    m[:, :-1] &= mask[:, 1:]
    return m


def exclusive_points(masks: list[np.ndarray | None], dist: np.ndarray | None, seed: int,
                     per_object: int = POINTS_PER_OBJECT) -> list[list[list]]:
    """Per object, up to ``per_object`` normalised points ``[x, y, distance|None]`` on its mask only.

    A point is kept only if the pixel its rounded coordinates map back to lies on this
    object's mask and on no other mask, so "are these points on the same object?" has
    one answer even where masks nest (a uniform inside a batter).
    """
    shaped = [m for m in masks if m is not None]
    if not shaped:
        return [[] for _ in masks]
    h, w = shaped[0].shape
    cover = np.zeros((h, w), dtype=np.int16)
    for m in shaped:
        cover += m
    rng = np.random.default_rng(seed)
    out: list[list[list]] = []
    for m in masks:
        pts: list[list] = []
        if m is not None:
            ys, xs = np.nonzero(_interior(m) & (cover == 1))
            for k in rng.permutation(len(xs))[: per_object * 8]:
                nx, ny = round((int(xs[k]) + 0.5) / w, 2), round((int(ys[k]) + 0.5) / h, 2)
                px, py = min(w - 1, int(nx * w)), min(h - 1, int(ny * h))
                if not (m[py, px] and cover[py, px] == 1) or any(p[:2] == [nx, ny] for p in pts):
                    continue
                pts.append([nx, ny, None if dist is None else round(float(dist[py, px]), 4)])
                if len(pts) == per_object:
                    break
        out.append(pts)
    return out


def depth_gap(dist: np.ndarray, share: float = 0.06) -> float:
    """The minimum distance difference worth comparing: a share of the map's 5-95 % spread."""
    lo, hi = np.percentile(dist, [5, 95])
    return round(max(float(hi - lo), 1e-6) * share, 4)
