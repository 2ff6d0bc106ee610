"""Solvers of the idiom families: error bars (the margin, overlaps), waterfalls (running
and final totals, decreases), funnels (conversion, the biggest drop) and changes between
two time points (slope charts, lines, small multiples). They register on the shared
``Q`` and read the spec only, like every chart solver."""
from __future__ import annotations

import numpy as np

from mmsynth.errors import NotApplicable
from mmsynth.questions import Solution
from mmsynth.rand import pick, pick_n
from mmsynth.record import format_number as fmt

from generators.charts.axis import read_tolerance
from generators.charts.kinds import MULTI_KINDS, TIME_KINDS
from generators.charts.solvers import (Q, count_solution, fields, near, reading, unique_extreme, value_step,
                                      values_of)


def _require(spec: dict, kind: str) -> None:
    if spec["kind"] != kind:
        raise NotApplicable(f"not a {kind} chart")


def _only_on(kind: str):
    """A binder with no slots that applies to one kind of chart."""
    def bind(spec: dict, rng: np.random.Generator) -> dict:
        _require(spec, kind)
        return {}
    return bind


# --- error bars --------------------------------------------------------------------------
@Q.bind("chart.error_of")
def _bind_error_of(spec: dict, rng: np.random.Generator) -> dict:
    _require(spec, "error_bar")
    return {"label": pick(rng, spec["categories"])}


@Q.solve("chart.error_of")
def _error_of(spec: dict, label: str) -> Solution:
    e = spec["errors"][spec["categories"].index(label)]
    half = spec["axis"]["step"] / 2
    return Solution(answer=e, distractors=near(e, half, spec["errors"]), fields=fields(spec),
                    tolerance=read_tolerance(spec["axis"]), extra={"readable_from": "axis"})


def _interval(spec: dict, label: str) -> tuple[float, float]:
    i = spec["categories"].index(label)
    v, e = spec["series"][0]["values"][i], spec["errors"][i]
    return v - e, v + e


@Q.bind("chart.error_overlap")
def _bind_error_overlap(spec: dict, rng: np.random.Generator) -> dict:
    _require(spec, "error_bar")
    a, b = pick_n(rng, spec["categories"], 2)
    return {"a": a, "b": b}


@Q.solve("chart.error_overlap")
def _error_overlap(spec: dict, a: str, b: str) -> Solution:
    (a0, a1), (b0, b1) = _interval(spec, a), _interval(spec, b)
    gap = max(a0, b0) - min(a1, b1)
    if abs(gap) < spec["axis"]["step"] / 2:
        raise NotApplicable("the bars' ends are too close to tell overlap by eye")
    answer = "yes" if gap < 0 else "no"
    return Solution(answer=answer, rationale=(f"{a} spans {fmt(a0)} to {fmt(a1)}; {b} spans {fmt(b0)} to {fmt(b1)}; "
                                              f"they {'overlap' if gap < 0 else 'do not overlap'}."),
                    distractors=["no" if answer == "yes" else "yes"], fields=fields(spec))


# --- waterfalls --------------------------------------------------------------------------
def _waterfall_fields(spec: dict) -> dict:
    f = fields(spec)
    f.update(base=spec["base"], start_label=spec["start"]["label"], end_label=spec["end"]["label"])
    return f


def _totals(spec: dict) -> list[float]:
    return [float(t) for t in np.cumsum([spec["start"]["value"]] + values_of(spec, None))]


@Q.bind("chart.running_total")
def _bind_running_total(spec: dict, rng: np.random.Generator) -> dict:
    _require(spec, "waterfall")
    return {"label": pick(rng, spec["categories"][:-1])}


@Q.solve("chart.running_total")
def _running_total(spec: dict, label: str) -> Solution:
    i = spec["categories"].index(label)
    totals = _totals(spec)
    v = round(totals[i + 1], 2)
    steps = " ".join(f"{'+' if d > 0 else '-'} {fmt(abs(d))}" for d in values_of(spec, None)[:i + 1])
    return Solution(answer=v, rationale=f"{fmt(spec['start']['value'])} {steps} = {fmt(v)}.",
                    distractors=near(v, value_step(spec), totals), fields=_waterfall_fields(spec), tolerance=0,
                    extra={"readable_from": "annotation"})


@Q.solve("chart.final_value")
def _final_value(spec: dict) -> Solution:
    totals = _totals(spec)
    v = round(totals[-1], 2)
    net = round(v - totals[0], 2)
    return Solution(answer=v, rationale=f"{fmt(totals[0])} plus the net change {fmt(net)} is {fmt(v)}.",
                    distractors=near(v, value_step(spec), totals[:-1]), fields=_waterfall_fields(spec), tolerance=0,
                    extra={"readable_from": "annotation"})


@Q.solve("chart.count_decreases")
def _count_decreases(spec: dict) -> Solution:
    downs = [c for c, d in zip(spec["categories"], values_of(spec, None)) if d < 0]
    return count_solution(len(downs), _waterfall_fields(spec), (len(spec["categories"]) - len(downs),),
                          f"Decreases: {', '.join(downs)} ({len(downs)}).")


Q.bind("chart.final_value")(_only_on("waterfall"))
Q.bind("chart.count_decreases")(_only_on("waterfall"))
Q.bind("chart.biggest_drop")(_only_on("funnel"))


# --- funnels -----------------------------------------------------------------------------
@Q.bind("chart.conversion")
def _bind_conversion(spec: dict, rng: np.random.Generator) -> dict:
    _require(spec, "funnel")
    i, j = sorted(pick_n(rng, range(len(spec["categories"])), 2))
    return {"a": spec["categories"][i], "b": spec["categories"][j]}


@Q.solve("chart.conversion")
def _conversion(spec: dict, a: str, b: str) -> Solution:
    vals, cats = values_of(spec, None), spec["categories"]
    va, vb = vals[cats.index(a)], vals[cats.index(b)]
    rate = round(100 * vb / va, 1)
    return Solution(answer=rate, rationale=f"{fmt(vb)} / {fmt(va)} = {rate}%.",
                    distractors=[round(100 - rate, 1), round(rate + 5, 1), round(rate - 5, 1), round(100 * va / vb, 1)],
                    fields=fields(spec), tolerance=0.1, extra={"readable_from": "annotation"})


@Q.solve("chart.biggest_drop")
def _biggest_drop(spec: dict) -> Solution:
    vals, cats = values_of(spec, None), spec["categories"]
    losses = [a - b for a, b in zip(vals, vals[1:])]
    i = unique_extreme(losses, True)
    spans = [f"{x} to {y}" for x, y in zip(cats, cats[1:])]
    listed = ", ".join(f"{s} -{fmt(d)}" for s, d in zip(spans, losses))
    return Solution(answer=spans[i], rationale=f"Losses: {listed}. The largest is {spans[i]}.",
                    distractors=[s for s in spans if s != spans[i]], fields=fields(spec))


# --- change between two time points ----------------------------------------------------------
def _ends(spec: dict, rng: np.random.Generator) -> dict:
    if spec["kind"] not in TIME_KINDS:
        raise NotApplicable("not a time series")
    i, j = sorted(pick_n(rng, range(len(spec["categories"])), 2))
    return {"start": spec["categories"][i], "end": spec["categories"][j]}


def _change(spec: dict, series: str | None, start: str, end: str) -> float:
    vals, cats = values_of(spec, series), spec["categories"]
    return round(vals[cats.index(end)] - vals[cats.index(start)], 2)


@Q.bind("chart.change_of")
def _bind_change_of(spec: dict, rng: np.random.Generator) -> dict:
    slots = _ends(spec, rng)
    slots["series"] = pick(rng, [s["name"] for s in spec["series"]]) if spec["kind"] in MULTI_KINDS else None
    return slots


@Q.solve("chart.change_of")
def _change_of(spec: dict, series: str | None, start: str, end: str) -> Solution:
    d = _change(spec, series, start, end)
    tol, source = reading(spec, series)
    return Solution(answer=d, rationale=f"{end} minus {start} is {fmt(d)}.",
                    distractors=[-d, d + value_step(spec), d - value_step(spec), 2 * d], fields=fields(spec, series),
                    tolerance=2 * tol, extra={"readable_from": source})


def _bind_series_ends(spec: dict, rng: np.random.Generator) -> dict:
    if spec["kind"] not in MULTI_KINDS or len(spec["series"]) < 2:
        raise NotApplicable("needs several series")
    return _ends(spec, rng)


def _series_changes(spec: dict, start: str, end: str) -> tuple[list[str], list[float], str]:
    """Every series' name and change from ``start`` to ``end``, and the listing for a rationale."""
    names = [s["name"] for s in spec["series"]]
    changes = [_change(spec, n, start, end) for n in names]
    return names, changes, ", ".join(f"{n} {'+' if c >= 0 else ''}{fmt(c)}" for n, c in zip(names, changes))


Q.bind("chart.most_growth")(_bind_series_ends)
Q.bind("chart.count_rising")(_bind_series_ends)


@Q.solve("chart.most_growth")
def _most_growth(spec: dict, start: str, end: str) -> Solution:
    names, changes, listed = _series_changes(spec, start, end)
    i = unique_extreme(changes, True)
    ordered = sorted(changes, reverse=True)
    if changes[i] <= 0 or ordered[0] - ordered[1] < 2 * reading(spec, names[i])[0]:
        raise NotApplicable("no clear largest increase")
    return Solution(answer=names[i], rationale=f"Changes: {listed}.",
                    distractors=[n for n in names if n != names[i]], fields=fields(spec))


@Q.solve("chart.count_rising")
def _count_rising(spec: dict, start: str, end: str) -> Solution:
    names, changes, listed = _series_changes(spec, start, end)
    if any(c == 0 for c in changes):
        raise NotApplicable("a series is level, neither rising nor falling")
    n = sum(c > 0 for c in changes)
    return count_solution(n, fields(spec), (len(names) - n,), f"Changes: {listed}; {n} rose.")
