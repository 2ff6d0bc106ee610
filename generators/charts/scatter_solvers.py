"""Question solvers over scatter-plot specs: groups, their colours, counts, positions, trends.

Averages and trends are compared only when the gap is large on the plot (a share
of the axis range), so the answer is visible, not a pixel-level guess.
"""
from __future__ import annotations

import numpy as np

from mmsynth.errors import NotApplicable
from mmsynth.questions import Solution, Solvers
from mmsynth.rand import pick
from mmsynth.record import format_number as fmt

from generators.charts.solvers import color_distractors, count_solution

S = Solvers()
VISIBLE = 0.08   # a difference must span this share of the axis to count as visible


def _fields(spec: dict) -> dict:
    return {"group": spec["group_name"], "groups": spec["group_plural"],
            "x_name": spec["x"]["name"], "y_name": spec["y"]["name"]}


def _group(spec: dict, name: str) -> dict:
    for g in spec["groups"]:
        if g["name"] == name:
            return g
    raise NotApplicable(f"no group {name!r}")


def _names(spec: dict) -> list[str]:
    return [g["name"] for g in spec["groups"]]


def _bind_group(spec: dict, rng: np.random.Generator) -> dict:
    return {"name": pick(rng, _names(spec))}


def _span(spec: dict, key: str) -> float:
    a = spec[key]["axis"]
    return a["max"] - a["min"]


def _clear_winner(spec: dict, scores: list[float], key: str) -> int:
    """Index of the largest score when it beats the runner-up by a visible margin."""
    order = sorted(range(len(scores)), key=lambda i: scores[i], reverse=True)
    if len(scores) < 2 or scores[order[0]] - scores[order[1]] < VISIBLE * _span(spec, key):
        raise NotApplicable("no visible winner")
    return order[0]


@S.solve("chart.scatter_count_groups")
def _count_groups(spec: dict) -> Solution:
    return count_solution(len(spec["groups"]), _fields(spec))


S.bind("chart.scatter_count_points")(_bind_group)


@S.solve("chart.scatter_count_points")
def _count_points(spec: dict, name: str) -> Solution:
    n = len(_group(spec, name)["points"])
    return count_solution(n, _fields(spec), (n - 2,))


@S.solve("chart.scatter_total_points")
def _total_points(spec: dict) -> Solution:
    counts = [len(g["points"]) for g in spec["groups"]]
    n = sum(counts)
    return count_solution(n, _fields(spec), (max(counts),),
                          f"{' + '.join(f'{c} ({g})' for c, g in zip(counts, _names(spec)))} = {n}.")


S.bind("chart.scatter_group_color")(_bind_group)


@S.solve("chart.scatter_group_color")
def _group_color(spec: dict, name: str) -> Solution:
    used = [g["color"] for g in spec["groups"]]
    c = _group(spec, name)["color"]
    return Solution(answer=c, distractors=color_distractors(used, c), fields=_fields(spec))


@S.bind("chart.scatter_group_by_color")
def _bind_color(spec: dict, rng: np.random.Generator) -> dict:
    return {"color": pick(rng, [g["color"] for g in spec["groups"]])}


@S.solve("chart.scatter_group_by_color")
def _group_by_color(spec: dict, color: str) -> Solution:
    hits = [g["name"] for g in spec["groups"] if g["color"] == color]
    if len(hits) != 1:
        raise NotApplicable("colour not used exactly once")
    return Solution(answer=hits[0], distractors=[n for n in _names(spec) if n != hits[0]], fields=_fields(spec))


def _mean_winner(spec: dict, axis: int) -> Solution:
    key = "xy"[axis]
    means = [float(np.mean([p[axis] for p in g["points"]])) if g["points"] else float("-inf")
             for g in spec["groups"]]
    i = _clear_winner(spec, means, key)
    names = _names(spec)
    listed = ", ".join(f"{n} {fmt(round(m, 2))}" for n, m in zip(names, means))
    return Solution(answer=names[i], rationale=f"Average {spec[key]['name']} per {spec['group_name']}: {listed}. "
                    f"The highest is {names[i]}.", distractors=[n for n in names if n != names[i]],
                    fields=_fields(spec))


@S.solve("chart.scatter_highest_group")
def _highest_group(spec: dict) -> Solution:
    return _mean_winner(spec, 1)


@S.solve("chart.scatter_rightmost_group")
def _rightmost_group(spec: dict) -> Solution:
    return _mean_winner(spec, 0)


@S.solve("chart.scatter_top_point")
def _top_point(spec: dict) -> Solution:
    tops = [max((p[1] for p in g["points"]), default=float("-inf")) for g in spec["groups"]]
    i = _clear_winner(spec, tops, "y")
    names = _names(spec)
    return Solution(answer=names[i], rationale=f"Highest point per {spec['group_name']}: "
                    + ", ".join(f"{n} {fmt(t)}" for n, t in zip(names, tops)) + f". The top one is in {names[i]}.",
                    distractors=[n for n in names if n != names[i]], fields=_fields(spec))


@S.solve("chart.scatter_most_points")
def _most_points(spec: dict) -> Solution:
    counts = [len(g["points"]) for g in spec["groups"]]
    top = max(counts)
    if counts.count(top) != 1:
        raise NotApplicable("tie in counts")
    names = _names(spec)
    i = counts.index(top)
    return Solution(answer=names[i], rationale=", ".join(f"{n}: {c} points" for n, c in zip(names, counts))
                    + f". {names[i]} has the most.", distractors=[n for n in names if n != names[i]],
                    fields=_fields(spec))


S.bind("chart.scatter_trend")(_bind_group)


@S.solve("chart.scatter_trend")
def _trend(spec: dict, name: str) -> Solution:
    pts = np.array(_group(spec, name)["points"], dtype=float)
    if len(pts) < 5:
        raise NotApplicable("too few points for a trend")
    r = float(np.corrcoef(pts[:, 0], pts[:, 1])[0, 1])
    xs, ys = (pts[:, k] / _span(spec, "xy"[k]) for k in (0, 1))
    slope = float(np.polyfit(xs, ys, 1)[0])  # in axis units, so it is what the eye sees
    if r > 0.7 and slope > 0.3:
        answer = "increases"
    elif r < -0.7 and slope < -0.3:
        answer = "decreases"
    elif abs(r) < 0.3 and abs(slope) < 0.15:
        answer = "stays about the same"
    else:
        raise NotApplicable("no clear trend either way")
    return Solution(answer=answer, rationale=f"The correlation of {spec['x']['name']} and {spec['y']['name']} for "
                    f"{name} is {r:.2f} and the fitted slope is {slope:.2f} (axis units), "
                    f"so {spec['y']['name']} {answer}.",
                    distractors=[a for a in ("increases", "decreases", "stays about the same") if a != answer],
                    fields=_fields(spec))
