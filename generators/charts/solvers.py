"""Question solvers over category-chart specs (bars, lines, areas, pies).

Every solver reads only the spec and its slots, so ``Generator.verify`` can re-run it
on a stored record. Values a question asks for come with the tolerance they can be
read to and where from (``readable_from``: the printed annotation, or the axis).
"""
from __future__ import annotations

import numpy as np

from mmsynth.draw import colors
from mmsynth.errors import NotApplicable
from mmsynth.questions import Solution, Solvers
from mmsynth.rand import pick, pick_n, randint
from mmsynth.record import format_number as fmt

from generators.charts.axis import read_tolerance
from generators.charts.sampler import vocab

Q = Solvers()
LEGEND_KINDS = ("grouped_bar", "stacked_bar", "line", "area")
TIME_KINDS = ("line", "area")


# --- reading the spec ----------------------------------------------------------------
def series_index(spec: dict, series: str | None) -> int:
    if series is None:
        return 0
    names = [s["name"] for s in spec["series"]]
    if series not in names:
        raise NotApplicable(f"no series {series!r}")
    return names.index(series)


def values_of(spec: dict, series: str | None) -> list[float]:
    return spec["series"][series_index(spec, series)]["values"]


def scope(spec: dict, series: str | None) -> str:
    """' in 2021' / ' for Oslo' for a named series; '' for a single-series chart."""
    return "" if series is None else " " + spec["series_scope"].format(series)


def fields(spec: dict, series: str | None = None) -> dict:
    """The placeholders every phrasing may use besides its slots."""
    mark = {"pie": "slice", "donut": "segment", "line": "point", "area": "point"}.get(spec["kind"], "bar")
    return {"measure": spec["measure"], "category": spec["category_name"],
            "categories": spec["category_plural"], "series_noun": spec["series_name"],
            "series_nouns": spec["series_plural"], "scope": scope(spec, series), "mark": mark}


def subject_fields(spec: dict, label: str, series: str | None) -> dict:
    """Fields naming one value: 'North' + ' in 2021' on bars, 'Oslo' + ' in May' on time charts."""
    f = fields(spec, series)
    if spec["category_scope"] and series is not None:
        f.update(subject=series, context=" " + spec["category_scope"].format(label))
    else:
        f.update(subject=label, context=f["scope"])
    return f


def reading(spec: dict, series: str | None) -> tuple[float, str]:
    """Tolerance and source of one value read off the chart."""
    if spec["annotated"]:
        return 0, "annotation"
    if spec["axis"] is None:
        raise NotApplicable("an unannotated pie has no readable values")
    tol = read_tolerance(spec["axis"])
    if spec["stacked"] and series_index(spec, series) > 0:
        tol *= 2  # a stacked segment is the gap between two readings
    return tol, "axis"


def value_step(spec: dict) -> float:
    """The spacing of plausible wrong values near an answer."""
    if spec["axis"] is None:
        return 5
    return spec["axis"]["step"] / 2 if not spec["annotated"] else max(1, spec["axis"]["step"] / 10)


def near(answer: float, step: float, others: list[float] = ()) -> list[float]:
    """Plausible wrong numbers: one and two steps off, then other values of the chart."""
    cands = [answer + step, answer - step, answer + 2 * step, answer - 2 * step] + list(others)
    return [round(c, 2) for c in cands if c >= 0]


def listing(spec: dict, vals: list[float]) -> str:
    return ", ".join(f"{c} {fmt(v)}" for c, v in zip(spec["categories"], vals))


def pick_series(spec: dict, rng: np.random.Generator) -> str | None:
    """A series to ask about, or None on a single-series chart."""
    if spec["kind"] not in LEGEND_KINDS:
        return None
    return pick(rng, [s["name"] for s in spec["series"]])


def ordinal(i: int) -> str:
    return vocab()["ordinals"][i]


def count_solution(n: int, fields: dict, also: tuple = (), rationale: str | None = None) -> Solution:
    """A count answer; off-by-one and off-by-two counts (and ``also``) are the distractors."""
    return Solution(answer=n, rationale=rationale, distractors=[n + 1, n - 1, n + 2, *also], fields=fields)


def unique_extreme(vals: list[float], highest: bool) -> int:
    target = max(vals) if highest else min(vals)
    if vals.count(target) != 1:
        raise NotApplicable("tie for the extreme")
    return vals.index(target)


PIE_VISIBLE_GAP = 3  # percentage points two unlabelled slices must differ by to be told apart


def require_visible(spec: dict, a: float, b: float) -> None:
    """Refuse comparing two values the chart does not show apart (unlabelled pie slices)."""
    if spec["axis"] is None and not spec["annotated"] and abs(a - b) < PIE_VISIBLE_GAP:
        raise NotApplicable("slices too close in size to compare by eye")


# --- perception ------------------------------------------------------------------------
@Q.bind("chart.value")
def _bind_value(spec: dict, rng: np.random.Generator) -> dict:
    return {"label": pick(rng, spec["categories"]), "series": pick_series(spec, rng)}


@Q.solve("chart.value")
def _value(spec: dict, label: str, series: str | None) -> Solution:
    vals = values_of(spec, series)
    v = vals[spec["categories"].index(label)]
    tol, source = reading(spec, series)
    return Solution(answer=v, distractors=near(v, value_step(spec), vals), fields=subject_fields(spec, label, series),
                    tolerance=tol, extra={"readable_from": source})


@Q.bind("chart.category_color")
def _bind_category_color(spec: dict, rng: np.random.Generator) -> dict:
    if not spec["category_colors"]:
        raise NotApplicable("one colour for every category")
    return {"label": pick(rng, spec["categories"])}


def color_distractors(used: list[str], answer: str) -> list[str]:
    """Other colours of the chart first, then the other named colours nearest to the answer."""
    return [c for c in used if c != answer] + [c for c in similar_colors(answer) if c not in used]


def similar_colors(answer: str) -> list[str]:
    """The other named colours, nearest (most confusable) first."""
    target = colors()[answer]
    return sorted((c for c in colors() if c != answer),
                  key=lambda c: (sum((a - b) ** 2 for a, b in zip(colors()[c], target)), c))


@Q.solve("chart.category_color")
def _category_color(spec: dict, label: str) -> Solution:
    c = spec["category_colors"][spec["categories"].index(label)]
    return Solution(answer=c, distractors=color_distractors(spec["category_colors"], c), fields=fields(spec))


@Q.bind("chart.series_color")
def _bind_series_color(spec: dict, rng: np.random.Generator) -> dict:
    if spec["kind"] not in LEGEND_KINDS:
        raise NotApplicable("no legend")
    return {"series": pick_series(spec, rng)}


@Q.solve("chart.series_color")
def _series_color(spec: dict, series: str) -> Solution:
    used = [s["color"] for s in spec["series"]]
    c = used[series_index(spec, series)]
    return Solution(answer=c, distractors=color_distractors(used, c), fields=fields(spec))


@Q.bind("chart.label_by_color")
def _bind_label_by_color(spec: dict, rng: np.random.Generator) -> dict:
    if spec["category_colors"]:
        return {"color": pick(rng, spec["category_colors"])}
    if spec["kind"] in LEGEND_KINDS:
        return {"color": pick(rng, [s["color"] for s in spec["series"]])}
    raise NotApplicable("one colour for everything")


@Q.solve("chart.label_by_color")
def _label_by_color(spec: dict, color: str) -> Solution:
    f = fields(spec)
    if spec["category_colors"]:
        names, used = spec["categories"], spec["category_colors"]
        f["what"] = spec["category_name"]
    else:
        names, used = [s["name"] for s in spec["series"]], [s["color"] for s in spec["series"]]
        f["what"] = spec["series_name"]
    if used.count(color) != 1:
        raise NotApplicable(f"{color} is not used exactly once")
    answer = names[used.index(color)]
    return Solution(answer=answer, distractors=[n for n in names if n != answer], fields=f)


@Q.bind("chart.label_at")
def _bind_label_at(spec: dict, rng: np.random.Generator) -> dict:
    if spec["kind"] in ("pie", "donut"):
        raise NotApplicable("slices have no left-to-right order")
    return {"position": randint(rng, 0, len(spec["categories"]) - 1)}


@Q.solve("chart.label_at")
def _label_at(spec: dict, position: int) -> Solution:
    cats = spec["categories"]
    f = fields(spec)
    f.update(ordinal=ordinal(position), side="top" if spec["kind"] == "hbar" else "left")
    answer = cats[position]
    neighbours = [cats[i] for i in (position - 1, position + 1) if 0 <= i < len(cats)]
    return Solution(answer=answer, distractors=neighbours + [c for c in cats if c != answer], fields=f)


# --- structure -------------------------------------------------------------------------
@Q.solve("chart.count_categories")
def _count_categories(spec: dict) -> Solution:
    return count_solution(len(spec["categories"]), fields(spec), (len(spec["categories"]) - 2,))


@Q.bind("chart.count_series")
def _bind_count_series(spec: dict, rng: np.random.Generator) -> dict:
    if spec["kind"] not in LEGEND_KINDS:
        raise NotApplicable("no legend")
    return {}


@Q.solve("chart.count_series")
def _count_series(spec: dict) -> Solution:
    return count_solution(len(spec["series"]), fields(spec), (len(spec["categories"]),))


# --- reasoning -------------------------------------------------------------------------
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
    return Solution(answer=total, rationale=f"{a} is {fmt(va)} and {b} is {fmt(vb)}; {fmt(va)} + {fmt(vb)} = {fmt(total)}.",
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
    total = round(sum(vals), 2)
    mean = round(total / len(vals), 2)
    return Solution(answer=mean, rationale=f"({' + '.join(fmt(v) for v in vals)}) / {len(vals)} = {fmt(total)} / {len(vals)} = {fmt(mean)}.",
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


# --- multi-series reasoning --------------------------------------------------------------
@Q.bind("chart.series_max")
def _bind_series_max(spec: dict, rng: np.random.Generator) -> dict:
    if spec["kind"] not in LEGEND_KINDS or len(spec["series"]) < 2:
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
                    distractors=[n for n in names if n != names[j]], fields=fields(spec))


@Q.bind("chart.multi_hop")
def _bind_multi_hop(spec: dict, rng: np.random.Generator) -> dict:
    if spec["kind"] not in LEGEND_KINDS or len(spec["series"]) < 2:
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


@Q.bind("chart.biggest_rise")
def _bind_time_series(spec: dict, rng: np.random.Generator) -> dict:
    if spec["kind"] not in TIME_KINDS:
        raise NotApplicable("not a time series")
    return {"series": pick(rng, [s["name"] for s in spec["series"]])}


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
    return Solution(answer=answer, rationale=f"{start}: {fmt(v0)}, {end}: {fmt(v1)}; it {answer} by {fmt(round(abs(v1 - v0), 2))}.",
                    distractors=["decreased" if answer == "increased" else "increased", "stayed the same"],
                    fields=fields(spec, series))
