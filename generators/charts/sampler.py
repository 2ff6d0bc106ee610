"""Samplers: rng -> the symbolic spec of a chart (plain JSON data).

Category charts (bars, lines, areas, pies) share one spec layout: ``categories``
along one axis, ``series`` each with a named colour and one value per category,
an ``axis`` the values are read against, and ``annotated`` telling whether every
value is printed on the chart (else it lies on the axis's half-step grid).
Colours are names from ``mmsynth.draw`` so a question may ask for them.
"""
from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import yaml

from mmsynth.draw import palettes, rgb
from mmsynth.rand import pick, pick_n, randint, shuffled, uniform

from generators.charts.axis import fit_axis, half_grid, sample_axis
from generators.charts.kinds import MULTI_KINDS, STACKED_KINDS, TIME_KINDS


@functools.lru_cache(maxsize=None)
def vocab() -> dict:
    return yaml.safe_load(Path(__file__).with_name("vocab.yaml").read_text())


def _capital(s: str) -> str:
    return s[:1].upper() + s[1:]


def _title(rng: np.random.Generator, measure: str, unit: str, category: str, plural: str) -> str:
    patterns = [p for p in vocab()["title_patterns"] if unit or "{unit}" not in p]
    return pick(rng, patterns).format(Measure=_capital(measure), category=category,
                                      category_plural=plural, unit=unit)


DARK_MARKS = ("black", "navy")  # vanish on a dark dashboard's background


def mark_palette(rng: np.random.Generator) -> list[str]:
    """A palette for chart marks, without the colours a dark theme would hide."""
    return [c for c in palettes()[pick(rng, sorted(palettes()))] if c not in DARK_MARKS]


MIN_COLOR_DISTANCE = 100
SERIES_COUNTS = {"dumbbell": 2}  # kinds drawn with a fixed number of series  # RGB distance under which two named colours look alike in small marks


def distinct_colors(rng: np.random.Generator, palette: list[str], k: int) -> list[str]:
    """``k`` colours of a palette in random order, skipping look-alikes (yellow beside olive)
    while the palette has enough others."""
    order = shuffled(rng, palette)
    chosen: list[str] = []
    for name in order:
        if all(np.linalg.norm(np.subtract(rgb(name), rgb(c))) >= MIN_COLOR_DISTANCE for c in chosen):
            chosen.append(name)
    chosen += [c for c in order if c not in chosen]
    return chosen[:k]


def _pick_theme(rng: np.random.Generator, additive: bool) -> tuple[str, dict]:
    """A theme name and its data; only summable measures when ``additive``."""
    themes = vocab()["themes"]
    names = [n for n in sorted(themes) if themes[n].get("additive", True) or not additive]
    return (name := pick(rng, names)), themes[name]


def _nouns(theme: dict, kind: str, time: dict | None) -> dict:
    """Which theme nouns name the categories and the series for this kind of chart."""
    if kind in TIME_KINDS:
        return {"category_name": time["name"], "category_plural": time["plural"], "category_scope": time["scope"],
                "series_name": theme["entity"], "series_plural": theme["entity_plural"],
                "series_scope": theme["entity_scope"]}
    return {"category_name": theme["entity"], "category_plural": theme["entity_plural"], "category_scope": None,
            "series_name": theme["group"], "series_plural": theme["group_plural"],
            "series_scope": theme["group_scope"]}


def _distinct_grid(rng: np.random.Generator, grid: list[float], n: int) -> list[float]:
    """``n`` distinct grid values (repeats only when the grid is too small)."""
    if len(grid) >= n:
        return pick_n(rng, grid, n)
    return [pick(rng, grid) for _ in range(n)]


def _annotated_values(rng: np.random.Generator, axis: dict, n: int) -> list[float]:
    """Distinct values to print on the chart, spread as real measurements are (log-normal
    around a typical level, not uniform and not round): integers, or tenths on a small axis."""
    scale = 1 if axis["max"] >= 20 else 10
    lo, hi = axis["step"] / 2, axis["max"]
    centre = uniform(rng, lo + 0.3 * (hi - lo), lo + 0.55 * (hi - lo))
    raw = np.clip(centre * np.exp(rng.normal(0.0, 0.35, size=n)), lo, hi)
    vals: list[int] = []
    for v in raw:  # a repeat moves to the nearest free unit, so every printed value is distinct
        u = int(round(v * scale))
        near = sorted(range(int(lo * scale) + 1, int(hi * scale) + 1), key=lambda w: (abs(w - u), w))
        vals.append(next((w for w in near if w not in vals), u))
    return [v if scale == 1 else round(v / scale, 1) for v in vals]


def _process(rng: np.random.Generator, n: int, seasonal: bool) -> np.ndarray:
    """A time series in [0, 1] as real ones move: a level, a trend or compound growth,
    a yearly season when the steps are months, and noise."""
    t = np.arange(n, dtype=float)
    level = uniform(rng, 0.3, 0.7)
    growth = rng.normal(0.0, 0.06)
    y = level * (1 + growth) ** t
    if seasonal:
        y = y + uniform(rng, 0.05, 0.2) * np.sin(2 * np.pi * t / 12 + uniform(rng, 0, 2 * np.pi))
    y = y + rng.normal(0.0, 0.05, size=n)
    lo, hi = float(y.min()), float(y.max())
    if lo < 0.05 or hi > 0.98:  # squeeze into the axis instead of clipping flat runs
        y = 0.05 + (y - lo) / max(hi - lo, 1e-9) * 0.93
    return y


def _walk(rng: np.random.Generator, grid: list[float], n: int, seasonal: bool = False) -> list[float]:
    """A time series snapped to the axis's half-step grid (so it is read exactly), with one
    highest point (later peaks are lowered a notch) so "when did it peak" has an answer."""
    last = len(grid) - 1
    steps = [int(min(max(round(v * last), 0), last)) for v in _process(rng, n, seasonal)]
    top = max(steps)
    first = steps.index(top)
    return [grid[s - 1 if s == top and i != first and s > 0 else s] for i, s in enumerate(steps)]


def _series_values(rng: np.random.Generator, kind: str, axis: dict, n_cat: int, n_series: int,
                   annotated: bool, seasonal: bool = False) -> list[list[float]]:
    if annotated:
        return [_annotated_values(rng, axis, n_cat) for _ in range(n_series)]
    grid = half_grid(axis, hi=axis["max"] / n_series) if kind in STACKED_KINDS else half_grid(axis)
    if kind == "stacked_bar":
        return [[pick(rng, grid) for _ in range(n_cat)] for _ in range(n_series)]
    if kind in TIME_KINDS:
        return [_walk(rng, grid, n_cat, seasonal) for _ in range(n_series)]
    return [_distinct_grid(rng, grid, n_cat) for _ in range(n_series)]


def sample_category_spec(rng: np.random.Generator, kind: str) -> dict:
    """A chart of the category layout (bars, lines, areas, lollipops, dumbbells, slopes,
    heatmaps, radars, small multiples) of one themed data set."""
    data = vocab()
    theme_name, theme = _pick_theme(rng, additive=kind in STACKED_KINDS)
    time = data["time_axes"][pick(rng, theme["time"])] if kind in TIME_KINDS else None
    nouns = _nouns(theme, kind, time)
    if kind in TIME_KINDS:
        n_cat = randint(rng, 5, min(10, len(time["values"])))
        start = randint(rng, 0, len(time["values"]) - n_cat)
        categories = time["values"][start:start + n_cat]
        series_names = pick_n(rng, theme["entities"], randint(rng, 1 if kind == "line" else 2,
                                                              5 if kind == "slope" else 4))
    else:
        n_cat = randint(rng, 3, 8) if kind in ("bar", "hbar", "lollipop") else randint(rng, 3, 6)
        categories = pick_n(rng, theme["entities"], n_cat)
        n_series = min(len(theme["groups"]), SERIES_COUNTS.get(kind, randint(rng, 2, 4))) if kind in MULTI_KINDS else 1
        series_names = sorted(pick_n(rng, theme["groups"], n_series), key=theme["groups"].index)
    n_series = len(series_names)
    lo, hi = theme["range"]
    stacked = kind in STACKED_KINDS
    if stacked:  # totals span the sum of the series, and finer ticks give each segment room
        lo, hi = lo * n_series, hi * n_series
    axis = sample_axis(rng, lo, hi, from_zero=kind not in ("line", "dumbbell", "slope") or rng.random() < 0.5,
                       steps=(7, 8) if stacked else (4, 7))
    annotated = kind == "heatmap" or (kind in ("bar", "hbar", "lollipop") and rng.random() < 0.6)
    values = _series_values(rng, kind, axis, n_cat, n_series, annotated, seasonal=time is not None and
                            time["name"] == "month")
    if kind == "slope":  # a slope chart draws only the two ends of each series
        categories, values = [categories[0], categories[-1]], [[v[0], v[-1]] for v in values]
    axis = fit_axis(axis, values, stacked)
    palette = mark_palette(rng)
    per_category = kind in ("bar", "hbar", "lollipop") and n_cat <= len(palette) and rng.random() < 0.4
    colors = distinct_colors(rng, palette, max(n_series, n_cat if per_category else 1))
    spec = {
        "kind": kind, "theme": theme_name,
        "title": _title(rng, theme["measure"], theme["unit"], nouns["category_name"], nouns["category_plural"]),
        "measure": theme["measure"], "unit": theme["unit"], **nouns,
        "categories": list(categories),
        "series": [{"name": s, "color": colors[i], "values": values[i]} for i, s in enumerate(series_names)],
        "category_colors": colors[:n_cat] if per_category else None,
        "axis": axis, "annotated": annotated, "stacked": stacked,
        "additive": theme.get("additive", True),
    }
    return spec


def sample_pie_spec(rng: np.random.Generator, kind: str) -> dict:
    """A pie or donut of integer percentages (each at least 4%) over a theme's entities."""
    theme_name, theme = _pick_theme(rng, additive=True)
    n = randint(rng, 3, 7)
    categories = pick_n(rng, theme["entities"], n)
    shares = rng.dirichlet(np.full(n, uniform(rng, 1.0, 4.0)))
    pct = np.maximum(4, np.floor(shares * 100)).astype(int)
    while pct.sum() != 100:  # move the remainder onto (or off) the largest slices
        i = int(np.argmax(pct)) if pct.sum() > 100 else int(rng.integers(n))
        pct[i] += 1 if pct.sum() < 100 else -1
    palette = mark_palette(rng)
    measure = f"share of {theme['measure']}"
    return {
        "kind": kind, "theme": theme_name,
        "title": _title(rng, measure, "%", theme["entity"], theme["entity_plural"]),
        "measure": measure, "unit": "%",
        "category_name": theme["entity"], "category_plural": theme["entity_plural"], "category_scope": None,
        "series_name": "", "series_plural": "", "series_scope": "{}",
        "categories": list(categories),
        "series": [{"name": "share", "color": None, "values": [int(v) for v in pct]}],
        "category_colors": distinct_colors(rng, palette, n),
        "axis": None, "annotated": rng.random() < 0.6, "stacked": False, "additive": True,
    }
