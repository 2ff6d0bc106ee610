"""Sampler of scatter plots: themed point groups forming clusters or trends.

Points are kept at least a few percent of each axis apart, so every point is a
separate mark that can be counted; cluster centres are far apart so group averages
are visually ordered.
"""
from __future__ import annotations

import numpy as np

from mmsynth.rand import pick, pick_n, randint, uniform

from generators.charts.axis import nice_step
from generators.charts.sampler import distinct_colors, mark_palette, vocab

MIN_GAP = 0.035      # minimum distance between two points, as a share of the axes
CENTRE_GAP = 0.3     # minimum distance between two cluster centres


def _axis(lo: float, hi: float) -> dict:
    step = nice_step(hi - lo, 5)
    amin = np.floor(lo / step) * step
    amax = np.ceil(hi / step) * step
    clean = lambda v: int(v) if float(v).is_integer() else round(float(v), 6)  # noqa: E731
    return {"min": clean(amin), "max": clean(amax), "step": step}


def _far_enough(p: np.ndarray, taken: list[np.ndarray], gap: float) -> bool:
    return all(np.hypot(*(p - q)) >= gap for q in taken)


def _cluster_points(rng: np.random.Generator, k: int) -> list[list[np.ndarray]]:
    """Unit-square points of ``k`` well separated clusters."""
    centres: list[np.ndarray] = []
    while len(centres) < k:
        c = rng.uniform(0.18, 0.82, size=2)
        if _far_enough(c, centres, CENTRE_GAP):
            centres.append(c)
    return [[c + rng.normal(0, 0.06, size=2) for _ in range(randint(rng, 4, 10))] for c in centres]


def _trend_points(rng: np.random.Generator, k: int) -> tuple[list[list[np.ndarray]], list[str]]:
    """Unit-square points of ``k`` groups, each rising, falling or flat with noise."""
    groups, shapes = [], []
    for _ in range(k):
        shape = pick(rng, ("rising", "falling", "flat"))
        slope = {"rising": uniform(rng, 0.5, 0.9), "falling": -uniform(rng, 0.5, 0.9), "flat": 0.0}[shape]
        base = uniform(rng, 0.3, 0.7)
        xs = rng.uniform(0.05, 0.95, size=randint(rng, 6, 12))
        groups.append([np.array([x, base + slope * (x - 0.5) + rng.normal(0, 0.05)]) for x in xs])
        shapes.append(shape)
    return groups, shapes


def sample_scatter_spec(rng: np.random.Generator) -> dict:
    """A themed scatter plot of 1-4 groups of points."""
    themes = vocab()["scatter_themes"]
    name = pick(rng, sorted(themes))
    theme = themes[name]
    mode = pick(rng, ("clusters", "trend"))
    k = randint(rng, 2, min(4, len(theme["groups"]))) if mode == "clusters" else randint(rng, 1, 2)
    raw = _cluster_points(rng, k) if mode == "clusters" else _trend_points(rng, k)[0]
    xa, ya = _axis(*theme["x"]["range"]), _axis(*theme["y"]["range"])
    taken: list[np.ndarray] = []
    groups = []
    palette = mark_palette(rng)
    colors = distinct_colors(rng, palette, k)
    for gi, (gname, pts) in enumerate(zip(pick_n(rng, theme["groups"], k), raw)):
        kept = []
        for p in pts:
            p = np.clip(p, 0.03, 0.97)
            if _far_enough(p, taken, MIN_GAP):
                taken.append(p)
                x = xa["min"] + p[0] * (xa["max"] - xa["min"])
                y = ya["min"] + p[1] * (ya["max"] - ya["min"])
                kept.append([round(float(x), 2), round(float(y), 2)])
        groups.append({"name": gname, "color": colors[gi], "points": kept})
    return {
        "kind": "scatter", "theme": name, "title": theme["title"], "mode": mode,
        "x": {"name": theme["x"]["name"], "unit": theme["x"]["unit"], "axis": xa},
        "y": {"name": theme["y"]["name"], "unit": theme["y"]["unit"], "axis": ya},
        "group_name": theme["group"], "group_plural": theme["group_plural"], "groups": groups,
    }
