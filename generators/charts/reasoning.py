"""Reasoning solvers over one series of a category chart: extremes, ranks, differences,
ratios, sums, averages and thresholds, each with a rationale computed from the spec."""
from __future__ import annotations

import numpy as np

from mmsynth.errors import NotApplicable
from mmsynth.questions import Solution
from mmsynth.rand import pick, pick_n, randint
from mmsynth.record import format_number as fmt

from generators.charts.solvers import (Q, count_solution, fields, listing, near, ordinal, pick_series, reading,
                                      require_visible, unique_extreme, value_step, values_of)


@Q.bind("chart.max_label")
def _bind_series_only(spec: dict, rng: np.random.Generator) -> dict:
    return {"series": pick_series(spec, rng)}


def _extreme_label(spec: dict, series: str | None, highest: bool) -> Solution:
    vals = values_of(spec, series)
    i = unique_extreme(vals, highest)
    word = "highest" if highest else "lowest"
    answer = spec["categories"][i]
    order = sorted(range(len(vals)), key=lambda j: vals[j], reverse=highest)
    require_visible(spec, vals[order[0]], vals[order[1]])
    return Solution(answer=answer, rationale=f"{listing(spec, vals)}. The {word} is {answer} ({fmt(vals[i])}).",
                    distractors=[spec["categories"][j] for j in order[1:]], fields=fields(spec, series))


@Q.solve("chart.max_label")
def _max_label(spec: dict, series: str | None) -> Solution:
    return _extreme_label(spec, series, True)


Q.bind("chart.min_label")(_bind_series_only)


@Q.solve("chart.min_label")
def _min_label(spec: dict, series: str | None) -> Solution:
    return _extreme_label(spec, series, False)


@Q.bind("chart.rank")
def _bind_rank(spec: dict, rng: np.random.Generator) -> dict:
    if len(spec["categories"]) < 4:
        raise NotApplicable("too few categories to rank")
    return {"series": pick_series(spec, rng), "rank": randint(rng, 1, 2)}


@Q.solve("chart.rank")
def _rank(spec: dict, series: str | None, rank: int) -> Solution:
    vals = values_of(spec, series)
    order = sorted(range(len(vals)), key=lambda j: vals[j], reverse=True)
    top = [vals[j] for j in order[:rank + 2]]
    if any(a <= b for a, b in zip(top, top[1:])):
        raise NotApplicable("ties among the top values make the rank ambiguous")
    for j in (rank - 1, rank + 1):
        require_visible(spec, vals[order[rank]], vals[order[j]])
    answer = spec["categories"][order[rank]]
    ranked = ", ".join(f"{spec['categories'][j]} ({fmt(vals[j])})" for j in order)
    f = fields(spec, series)
    f["ordinal"] = ordinal(rank)
    return Solution(answer=answer, rationale=f"From highest to lowest: {ranked}. Number {rank + 1} is {answer}.",
                    distractors=[spec["categories"][j] for j in order if j != order[rank]], fields=f)


@Q.bind("chart.difference")
def _bind_pair(spec: dict, rng: np.random.Generator) -> dict:
    a, b = pick_n(rng, spec["categories"], 2)
    return {"a": a, "b": b, "series": pick_series(spec, rng)}


def _pair(spec: dict, a: str, b: str, series: str | None) -> tuple[float, float, float, str]:
    vals = values_of(spec, series)
    va, vb = vals[spec["categories"].index(a)], vals[spec["categories"].index(b)]
    tol, source = reading(spec, series)
    return va, vb, tol, source


@Q.solve("chart.difference")
def _difference(spec: dict, a: str, b: str, series: str | None) -> Solution:
    va, vb, tol, source = _pair(spec, a, b, series)
    d = round(abs(va - vb), 2)
    return Solution(answer=d, rationale=f"{a} is {fmt(va)} and {b} is {fmt(vb)}; |{fmt(va)} - {fmt(vb)}| = {fmt(d)}.",
                    distractors=near(d, value_step(spec), [va, vb, round(va + vb, 2)]), fields=fields(spec, series),
                    tolerance=2 * tol, extra={"readable_from": source})


Q.bind("chart.compare")(_bind_pair)


@Q.solve("chart.compare")
def _compare(spec: dict, a: str, b: str, series: str | None) -> Solution:
    va, vb, _, _ = _pair(spec, a, b, series)
    if va == vb:
        raise NotApplicable("equal values")
    require_visible(spec, va, vb)
    answer = "yes" if va > vb else "no"
    sign = ">" if va > vb else "<"
    return Solution(answer=answer, rationale=f"{a} is {fmt(va)} and {b} is {fmt(vb)}; {fmt(va)} {sign} {fmt(vb)}.",
                    fields=fields(spec, series))


@Q.bind("chart.ratio")
def _bind_ratio(spec: dict, rng: np.random.Generator) -> dict:
    slots = _bind_pair(spec, rng)
    vals = values_of(spec, slots["series"])
    va, vb = (vals[spec["categories"].index(slots[k])] for k in ("a", "b"))
    if va < vb:
        slots["a"], slots["b"] = slots["b"], slots["a"]
    return slots


@Q.solve("chart.ratio")
def _ratio(spec: dict, a: str, b: str, series: str | None) -> Solution:
    va, vb, tol, source = _pair(spec, a, b, series)
    if vb <= 0 or va <= vb:
        raise NotApplicable("ratio needs a larger first value and a positive second")
    if vb - tol <= 0:
        raise NotApplicable("the smaller value is too close to zero to divide by")
    r = round(va / vb, 2)
    # the worst case of reading both values off by the tolerance, plus rounding
    worst = max(abs((va + s * tol) / (vb - t * tol) - va / vb) for s in (-1, 1) for t in (-1, 1))
    return Solution(answer=r, rationale=f"{a} is {fmt(va)} and {b} is {fmt(vb)}; {fmt(va)} / {fmt(vb)} = {fmt(r)}.",
                    distractors=[round(r + d, 2) for d in (0.5, -0.5, 1.0, 0.25) if r + d > 0],
                    fields=fields(spec, series), tolerance=round(worst + 0.01, 2),
                    extra={"readable_from": source})


@Q.bind("chart.pair_sum")
def _bind_additive_pair(spec: dict, rng: np.random.Generator) -> dict:
    if not spec["additive"]:
        raise NotApplicable("this measure is not summed")
    return _bind_pair(spec, rng)


@Q.solve("chart.pair_sum")
def _pair_sum(spec: dict, a: str, b: str, series: str | None) -> Solution:
    va, vb, tol, source = _pair(spec, a, b, series)
    total = round(va + vb, 2)
    return Solution(answer=total,
                    rationale=f"{a} is {fmt(va)} and {b} is {fmt(vb)}; {fmt(va)} + {fmt(vb)} = {fmt(total)}.",
                    distractors=near(total, value_step(spec), [round(abs(va - vb), 2), max(va, vb)]),
                    fields=fields(spec, series), tolerance=2 * tol, extra={"readable_from": source})


@Q.bind("chart.sum")
def _bind_additive_series(spec: dict, rng: np.random.Generator) -> dict:
    if not spec["additive"]:
        raise NotApplicable("this measure is not summed")
    return {"series": pick_series(spec, rng)}


@Q.solve("chart.sum")
def _sum(spec: dict, series: str | None) -> Solution:
    vals = values_of(spec, series)
    tol, source = reading(spec, series)
    total = round(sum(vals), 2)
    return Solution(answer=total, rationale=f"{' + '.join(fmt(v) for v in vals)} = {fmt(total)}.",
                    distractors=near(total, value_step(spec), [round(total - v, 2) for v in vals[:2]]),
                    fields=fields(spec, series), tolerance=tol * len(vals), extra={"readable_from": source})


Q.bind("chart.average")(_bind_series_only)


@Q.solve("chart.average")
def _average(spec: dict, series: str | None) -> Solution:
    vals = values_of(spec, series)
    tol, source = reading(spec, series)
    n, total = len(vals), round(sum(vals), 2)
    mean = round(total / n, 2)
    terms = " + ".join(fmt(v) for v in vals)
    return Solution(answer=mean, rationale=f"({terms}) / {n} = {fmt(total)} / {n} = {fmt(mean)}.",
                    distractors=near(mean, value_step(spec), [float(np.median(vals)), max(vals)]),
                    fields=fields(spec, series), tolerance=max(tol, 0.01), extra={"readable_from": source})


@Q.bind("chart.count_above")
def _bind_count_above(spec: dict, rng: np.random.Generator) -> dict:
    series = pick_series(spec, rng)
    distinct = sorted(set(values_of(spec, series)))
    tol, _ = reading(spec, series)
    gaps = [(lo, hi) for lo, hi in zip(distinct, distinct[1:]) if hi - lo > 2 * tol]
    if len(distinct) < 3 or not gaps:
        raise NotApplicable("no threshold that readers can place between two values")
    lo, hi = pick(rng, gaps)
    mid = (lo + hi) / 2
    whole = round(mid)
    return {"series": series, "threshold": whole if lo < whole < hi else round(mid, 2)}


@Q.solve("chart.count_above")
def _count_above(spec: dict, series: str | None, threshold: float) -> Solution:
    vals = values_of(spec, series)
    tol, _ = reading(spec, series)
    if any(abs(v - threshold) <= tol for v in vals):
        raise NotApplicable("a value is too close to the threshold to read")
    above = [c for c, v in zip(spec["categories"], vals) if v > threshold]
    n = len(above)
    f = fields(spec, series)
    f["limit"] = fmt(threshold)
    return count_solution(n, f, (len(vals) - n,),
                          f"{listing(spec, vals)}. Above {fmt(threshold)}: {', '.join(above) or 'none'} ({n}).")
