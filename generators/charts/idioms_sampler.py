"""Samplers of the chart idioms whose data have their own shape, written in the shared
category layout (``categories``, ``series``, ``axis``, ``annotated``...) so that the
category-chart solvers, the describe facts and the renderers work on them unchanged:

* histograms: a measured quantity of a few hundred people or orders, binned;
* log-scale bars: values spanning orders of magnitude, printed, on decade ticks;
* waterfalls: a start value, signed changes (the series) and the end value;
* funnels: stages that keep a share of the one before;
* error bars: means on the half-step grid with a margin on the same grid.
"""
from __future__ import annotations

import functools
import math
from pathlib import Path

import numpy as np
import yaml

from mmsynth.rand import pick, pick_n, randint, uniform

from generators.charts.axis import fit_axis, nice_step, sample_axis
from generators.charts.sampler import distinct_colors, mark_palette, sample_category_spec


@functools.lru_cache(maxsize=None)
def idioms() -> dict:
    return yaml.safe_load(Path(__file__).with_name("idioms.yaml").read_text())


def _base(kind: str, theme: str, title: str, measure: str, unit: str, category: str, plural: str) -> dict:
    """The fields every category-layout spec has, for one series of values."""
    return {"kind": kind, "theme": theme, "title": title, "measure": measure, "unit": unit,
            "category_name": category, "category_plural": plural, "category_scope": None,
            "series_name": "", "series_plural": "", "series_scope": "{}", "category_colors": None,
            "stacked": False, "additive": True}


def _one_series(rng: np.random.Generator, values: list[float]) -> list[dict]:
    return [{"name": "values", "color": distinct_colors(rng, mark_palette(rng), 1)[0], "values": values}]


def sample_histogram_spec(rng: np.random.Generator) -> dict:
    """Counts of a few hundred measurements in equal bins; printed, or snapped to the
    axis's half-step grid so they are read exactly."""
    name = pick(rng, sorted(idioms()["histograms"]))
    t = idioms()["histograms"][name]
    width, start, n_bins = pick(rng, t["bin_width"]), pick(rng, t["start"]), randint(rng, 6, 10)
    edges = [start + i * width for i in range(n_bins + 1)]
    n = randint(rng, 200, 1500)
    centre = start + uniform(rng, *t["mean_bins"]) * width
    spread = uniform(rng, 1.2, 2.2) * width
    draws = centre + spread * (rng.standard_normal(n) if rng.random() < 0.5 else rng.standard_gamma(3.0, n) - 2.0)
    counts, _ = np.histogram(draws, bins=edges)  # draws beyond the bins are not shown, as on a cut axis
    spec = _base("histogram", name, f"Distribution of {t['variable']} ({t['unit']})", t["measure"], "",
                 f"{t['variable']} range", f"{t['variable']} ranges")
    spec["categories"] = [f"{a}-{b}" for a, b in zip(edges, edges[1:])]
    axis = sample_axis(rng, 0, max(int(counts.max()), 10) * 1.1, steps=(4, 6))
    annotated = bool(rng.random() < 0.5)
    if annotated:
        values = [int(c) for c in counts]
    else:
        half = axis["step"] / 2
        values = [float(round(c / half) * half) for c in counts]
        values = [int(v) if v.is_integer() else v for v in values]
    spec.update(series=_one_series(rng, values), axis=fit_axis(axis, [values]), annotated=annotated)
    return spec


def _significant(v: float) -> float:
    """Three significant digits, at most two decimals (what a printed label can show)."""
    digits = max(0, min(2, 2 - math.floor(math.log10(v))))
    r = round(v, digits)
    return int(r) if digits == 0 else r


def sample_log_spec(rng: np.random.Generator) -> dict:
    """Printed values spread log-uniformly over orders of magnitude, on a log axis of decades."""
    name = pick(rng, sorted(idioms()["log_scales"]))
    t = idioms()["log_scales"][name]
    n = randint(rng, 4, 8)
    lo, hi = (math.log10(v) for v in t["range"])
    raw = sorted({_significant(10 ** uniform(rng, lo, hi)) for _ in range(n)})
    while len(raw) < n:
        raw = sorted(set(raw) | {_significant(10 ** uniform(rng, lo, hi))})
    values = [raw[int(i)] for i in rng.permutation(n)]
    spec = _base("log_bar", name, f"{t['measure'][:1].upper()}{t['measure'][1:]} by {t['entity']} (log scale)",
                 t["measure"], t["unit"], t["entity"], t["entity_plural"])
    amin = 10.0 ** math.floor(math.log10(min(values)))
    amax = 10.0 ** math.ceil(math.log10(max(values)) + 0.05)
    clean = lambda v: int(v) if v >= 1 else v  # noqa: E731
    spec.update(categories=pick_n(rng, t["entities"], n), series=_one_series(rng, values),
                axis={"min": clean(amin), "max": clean(amax), "step": clean(amin), "scale": "log"}, annotated=True)
    return spec


def sample_waterfall_spec(rng: np.random.Generator) -> dict:
    """A start level, 3 to 6 signed changes that keep the running total above zero, printed."""
    name = pick(rng, sorted(idioms()["waterfalls"]))
    t = idioms()["waterfalls"][name]
    start = randint(rng, *t["level"])
    n_up = randint(rng, 1, min(3, len(t["ups"])))
    n_down = randint(rng, 1, min(3, len(t["downs"])))
    items = [(c, 1) for c in pick_n(rng, t["ups"], n_up)] + [(c, -1) for c in pick_n(rng, t["downs"], n_down)]
    items = [items[int(i)] for i in rng.permutation(len(items))]
    deltas, level = [], start
    for _, sign in items:
        d = sign * max(1, int(round(start * uniform(rng, 0.04, 0.3))))
        d = max(d, int(start * 0.2) - level)  # a fall never takes the running total below a fifth of the start
        deltas.append(d)
        level += d
    used = set()
    for i, d in enumerate(deltas):  # distinct changes, so 'largest' and 'smallest' have one answer
        while deltas[i] in used:
            deltas[i] += 1 if d > 0 else -1
        used.add(deltas[i])
    base = t["measure"].replace("change in ", "")
    spec = _base("waterfall", name, f"From {t['start'].lower()} to {t['end'].lower()}", t["measure"], t["unit"],
                 "item", "items")
    totals = np.cumsum([start] + deltas)
    step = nice_step(float(totals.max()) * 1.1, 5)
    spec.update(categories=[c for c, _ in items], series=[{"name": "values", "color": "green", "values": deltas}],
                start={"label": t["start"], "value": start}, end={"label": t["end"]}, base=base,
                axis={"min": 0, "max": math.ceil(float(totals.max()) * 1.1 / step) * step, "step": step},
                annotated=True, additive=True)
    return spec


def sample_funnel_spec(rng: np.random.Generator) -> dict:
    """Four or more stages, each keeping 30 to 85 per cent of the one before, printed."""
    name = pick(rng, sorted(idioms()["funnels"]))
    t = idioms()["funnels"][name]
    n = randint(rng, 4, len(t["stages"]))
    stages = t["stages"][:n - 1] + [t["stages"][-1]]
    values = [randint(rng, *t["top"])]
    for _ in stages[1:]:
        values.append(max(1, int(values[-1] * uniform(rng, 0.3, 0.85))))
    spec = _base("funnel", name, f"{t['measure'][:1].upper()}{t['measure'][1:]} at each {t['stage']}",
                 t["measure"], t["unit"], t["stage"], t["stage_plural"])
    spec.update(categories=stages, series=_one_series(rng, values), axis=None, annotated=True,
                category_colors=distinct_colors(rng, mark_palette(rng), n) if n <= 7 else None)
    return spec


def sample_error_spec(rng: np.random.Generator) -> dict:
    """Bars read off the axis, each with a margin of one or two half steps either side."""
    spec = sample_category_spec(rng, "error_bar")
    axis, vals = spec["axis"], spec["series"][0]["values"]
    half = axis["step"] / 2
    errors = []
    for v in vals:
        room = int(round((v - axis["min"]) / half))
        errors.append(half * min(randint(rng, 1, 2), max(room - 1, 1)))
    spec["errors"] = [int(e) if float(e).is_integer() else e for e in errors]
    spec["axis"] = fit_axis(axis, [[v + e for v, e in zip(vals, spec["errors"])]])
    return spec
