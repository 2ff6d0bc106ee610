"""Question solvers over category-chart specs (bars, lines, areas, pies): the helpers
that read a spec, and the perception and structure families. Reasoning families live
in ``reasoning.py`` (one series) and ``multi_series.py``; all register on ``Q``.

Every solver reads only the spec and its slots, so ``Generator.verify`` can re-run it
on a stored record. Values a question asks for come with the tolerance they can be
read to and where from (``readable_from``: the printed annotation, or the axis).
"""
from __future__ import annotations

import numpy as np

from mmsynth.draw import colors
from mmsynth.errors import NotApplicable
from mmsynth.questions import Solution, Solvers
from mmsynth.rand import pick, randint
from mmsynth.record import format_number as fmt

from generators.charts.axis import read_tolerance
from generators.charts.kinds import LEGEND_KINDS, MARKS, MULTI_KINDS, TOP_DOWN_KINDS, UNORDERED_KINDS
from generators.charts.sampler import vocab

Q = Solvers()


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
    mark = MARKS.get(spec["kind"], "bar")
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
    if spec["kind"] not in MULTI_KINDS:
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
    if spec["kind"] in UNORDERED_KINDS:
        raise NotApplicable("no left-to-right order")
    return {"position": randint(rng, 0, len(spec["categories"]) - 1)}


@Q.solve("chart.label_at")
def _label_at(spec: dict, position: int) -> Solution:
    cats = spec["categories"]
    f = fields(spec)
    f.update(ordinal=ordinal(position), side="top" if spec["kind"] in TOP_DOWN_KINDS else "left")
    answer = cats[position]
    neighbours = [cats[i] for i in (position - 1, position + 1) if 0 <= i < len(cats)]
    return Solution(answer=answer, distractors=neighbours + [c for c in cats if c != answer], fields=f)


# --- structure -------------------------------------------------------------------------
@Q.solve("chart.count_categories")
def _count_categories(spec: dict) -> Solution:
    return count_solution(len(spec["categories"]), fields(spec), (len(spec["categories"]) - 2,))


@Q.bind("chart.count_series")
def _bind_count_series(spec: dict, rng: np.random.Generator) -> dict:
    if spec["kind"] not in MULTI_KINDS:
        raise NotApplicable("no legend")
    return {}


@Q.solve("chart.count_series")
def _count_series(spec: dict) -> Solution:
    return count_solution(len(spec["series"]), fields(spec), (len(spec["categories"]),))
