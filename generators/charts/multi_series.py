"""Reasoning solvers across the series of a chart: which series leads, multi-hop
("A's value when B peaked"), totals of stacks, and changes over time."""
from __future__ import annotations

import numpy as np

from mmsynth.errors import NotApplicable
from mmsynth.questions import Solution
from mmsynth.rand import pick, pick_n
from mmsynth.record import format_number as fmt

from generators.charts.kinds import MULTI_KINDS, TIME_KINDS
from generators.charts.solvers import (Q, fields, listing, near, reading, scope,
                                      unique_extreme, value_step, values_of)


@Q.bind("chart.series_max")
def _bind_series_max(spec: dict, rng: np.random.Generator) -> dict:
    if spec["kind"] not in MULTI_KINDS or len(spec["series"]) < 2:
        raise NotApplicable("needs several series")
    return {"label": pick(rng, spec["categories"])}


@Q.solve("chart.series_max")
def _series_max(spec: dict, label: str) -> Solution:
    i = spec["categories"].index(label)
    vals = [s["values"][i] for s in spec["series"]]
    j = unique_extreme(vals, True)
    names = [s["name"] for s in spec["series"]]
    listed = ", ".join(f"{n} {fmt(v)}" for n, v in zip(names, vals))
    return Solution(answer=names[j], rationale=f"At {label}: {listed}. The highest is {names[j]}.",
                    distractors=[n for n in names if n != names[j]],
                    fields={**fields(spec), "at": (spec["category_scope"] or "for {}").format(label)})


@Q.bind("chart.multi_hop")
def _bind_multi_hop(spec: dict, rng: np.random.Generator) -> dict:
    if spec["kind"] not in MULTI_KINDS or len(spec["series"]) < 2:
        raise NotApplicable("needs two series")
    a, b = pick_n(rng, [s["name"] for s in spec["series"]], 2)
    return {"a": a, "b": b}


@Q.solve("chart.multi_hop")
def _multi_hop(spec: dict, a: str, b: str) -> Solution:
    vb = values_of(spec, b)
    i = unique_extreme(vb, True)
    va = values_of(spec, a)
    v = va[i]
    when = spec["categories"][i]
    tol, source = reading(spec, a)
    f = fields(spec)
    f.update(scope_a=scope(spec, a), scope_b=scope(spec, b))
    return Solution(answer=v, rationale=(f"The {spec['measure']}{scope(spec, b)} peaks at {when} ({fmt(vb[i])}); "
                                         f"at {when} the {spec['measure']}{scope(spec, a)} is {fmt(v)}."),
                    distractors=near(v, value_step(spec), [max(va), vb[i]] + va), fields=f,
                    tolerance=tol, extra={"readable_from": source})


def _require_totals(spec: dict) -> None:
    if spec["kind"] not in ("grouped_bar", "stacked_bar", "area") or not spec["additive"]:
        raise NotApplicable("needs several additive series")


@Q.bind("chart.total_of")
def _bind_total_of(spec: dict, rng: np.random.Generator) -> dict:
    _require_totals(spec)
    return {"label": pick(rng, spec["categories"])}


def _totals(spec: dict) -> list[float]:
    return [round(sum(s["values"][i] for s in spec["series"]), 2) for i in range(len(spec["categories"]))]


@Q.solve("chart.total_of")
def _total_of(spec: dict, label: str) -> Solution:
    i = spec["categories"].index(label)
    parts = [s["values"][i] for s in spec["series"]]
    total = _totals(spec)[i]
    tol, source = reading(spec, None)
    # a stack's top is read once; side-by-side bars are read one by one
    tol = tol if spec["stacked"] else tol * len(parts)
    return Solution(answer=total, rationale=f"At {label}: {' + '.join(fmt(p) for p in parts)} = {fmt(total)}.",
                    distractors=near(total, value_step(spec), [max(parts)] + _totals(spec)), fields=fields(spec),
                    tolerance=tol, extra={"readable_from": source})


@Q.bind("chart.total_max")
def _bind_total_max(spec: dict, rng: np.random.Generator) -> dict:
    _require_totals(spec)
    return {}


@Q.solve("chart.total_max")
def _total_max(spec: dict) -> Solution:
    totals = _totals(spec)
    i = unique_extreme(totals, True)
    answer = spec["categories"][i]
    order = sorted(range(len(totals)), key=lambda j: totals[j], reverse=True)
    return Solution(answer=answer, rationale=f"Totals: {listing(spec, totals)}. The largest is {answer}.",
                    distractors=[spec["categories"][j] for j in order[1:]], fields=fields(spec))


def _bind_time_series(spec: dict, rng: np.random.Generator) -> dict:
    if spec["kind"] not in TIME_KINDS:
        raise NotApplicable("not a time series")
    return {"series": pick(rng, [s["name"] for s in spec["series"]])}


@Q.bind("chart.biggest_rise")
def _bind_biggest_rise(spec: dict, rng: np.random.Generator) -> dict:
    if len(spec["categories"]) < 3:
        raise NotApplicable("a single step has no biggest rise")
    return _bind_time_series(spec, rng)


@Q.solve("chart.biggest_rise")
def _biggest_rise(spec: dict, series: str) -> Solution:
    vals, cats = values_of(spec, series), spec["categories"]
    steps = [round(b - a, 2) for a, b in zip(vals, vals[1:])]
    i = unique_extreme(steps, True)
    if steps[i] <= 0:
        raise NotApplicable("never rises")
    spans = [f"{x} to {y}" for x, y in zip(cats, cats[1:])]
    listed = ", ".join(f"{s} {'+' if d >= 0 else ''}{fmt(d)}" for s, d in zip(spans, steps))
    return Solution(answer=spans[i], rationale=f"Changes: {listed}. The largest rise is {spans[i]}.",
                    distractors=[s for s in spans if s != spans[i]], fields=fields(spec, series))


@Q.bind("chart.direction")
def _bind_direction(spec: dict, rng: np.random.Generator) -> dict:
    slots = _bind_time_series(spec, rng)
    i, j = sorted(pick_n(rng, range(len(spec["categories"])), 2))
    slots.update(start=spec["categories"][i], end=spec["categories"][j])
    return slots


@Q.solve("chart.direction")
def _direction(spec: dict, series: str, start: str, end: str) -> Solution:
    vals, cats = values_of(spec, series), spec["categories"]
    v0, v1 = vals[cats.index(start)], vals[cats.index(end)]
    if v0 == v1:
        raise NotApplicable("no change")
    answer = "increased" if v1 > v0 else "decreased"
    change = fmt(round(abs(v1 - v0), 2))
    return Solution(answer=answer, rationale=f"{start}: {fmt(v0)}, {end}: {fmt(v1)}; it {answer} by {change}.",
                    distractors=["decreased" if answer == "increased" else "increased", "stayed the same"],
                    fields=fields(spec, series))
