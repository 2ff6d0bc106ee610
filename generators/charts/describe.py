"""The facts a chart description tells: kind and subject, the series, the range of values,
the extremes, the trend over time, one comparison, and the data themselves."""
from __future__ import annotations

from pathlib import Path

from mmsynth.describe import Fact, describes, listing, num, plural, solved

from generators.charts import scatter_solvers

PHRASINGS = Path(__file__).with_name("describe.yaml")
KIND_NAMES = {"bar": "bar chart", "hbar": "horizontal bar chart", "grouped_bar": "grouped bar chart",
              "stacked_bar": "stacked bar chart", "line": "line chart", "area": "stacked area chart",
              "pie": "pie chart", "donut": "donut chart", "scatter": "scatter plot"}
OVER_TIME = ("line", "area")


def amount(v: float, unit: str) -> str:
    """A value with its unit as the chart shows it (``28%``, ``300 mm``)."""
    if not unit:
        return num(v)
    return f"{num(v)}%" if unit == "%" else f"{num(v)} {unit}"


def gap(v: float, unit: str) -> str:
    """A difference of values: shares differ by percentage points."""
    return f"{num(v)} percentage points" if unit == "%" else amount(v, unit)


def _extremes(spec: dict, name: str, values: list[float], where: str) -> list[Fact]:
    hi, lo = max(values), min(values)
    if values.count(hi) > 1 or values.count(lo) > 1 or hi == lo:
        return []
    cats, unit = spec["categories"], spec["unit"]
    return [Fact("chart.extremes", {"where": where, "max_label": cats[values.index(hi)], "max": amount(hi, unit),
                                    "min_label": cats[values.index(lo)], "min": amount(lo, unit),
                                    "measure": spec["measure"]}, name)]


def _comparisons(spec: dict, name: str, values: list[float], where: str) -> list[Fact]:
    """The leader against the runner-up and against the last, where they differ: 'A is 20 mm above B'."""
    order = sorted(range(len(values)), key=lambda i: -values[i])
    out = []
    for a, b in sorted({(order[0], order[1]), (order[0], order[-1])}):
        if values[a] > values[b]:
            cats = spec["categories"]
            out.append(Fact("chart.compare", {"a": cats[a], "b": cats[b], "where": where,
                                              "diff": gap(values[a] - values[b], spec["unit"]),
                                              "where_cap": f"For {name}, " if where else "",
                                              "measure": spec["measure"]}, f"{name}:{cats[a]}:{cats[b]}"))
    return out


def _trend(spec: dict, name: str, values: list[float]) -> list[Fact]:
    cats, unit = spec["categories"], spec["unit"]
    first, last = values[0], values[-1]
    direction = "rises" if last > first else "falls" if last < first else "stays level"
    return [Fact("chart.trend", {"series": name, "direction": direction, "first": amount(first, unit),
                                 "last": amount(last, unit), "start": cats[0], "end": cats[-1]}, name)]


def _data(spec: dict, name: str, values: list[float], where: str) -> Fact:
    pairs = ", ".join(f"{c} {amount(v, spec['unit'])}" for c, v in zip(spec["categories"], values))
    return Fact("chart.data", {"where": where, "pairs": pairs}, name)


@describes("chart.*", phrasings=PHRASINGS, noun="chart")
def chart_facts(spec: dict) -> list[Fact]:
    if spec["kind"] == "scatter":
        return scatter_facts(spec)
    kind = KIND_NAMES.get(spec["kind"], "chart")
    series = spec["series"]
    multi = len(series) > 1
    facts = [Fact("chart.overview", {"thing": kind, "title": spec["title"], "measure": spec["measure"],
                                     "n": plural(len(spec["categories"]), spec["category_name"],
                                                 spec["category_plural"])})]
    if multi:
        facts.append(Fact("chart.series", {"n": plural(len(series), spec["series_name"], spec["series_plural"]),
                                           "names": listing([s["name"] for s in series])}))
    values = [v for s in series for v in s["values"]]
    facts.append(Fact("chart.range", {"lo": amount(min(values), spec["unit"]),
                                      "hi": amount(max(values), spec["unit"])}))
    for s in series:
        where = f" for {s['name']}" if multi else ""
        facts += _extremes(spec, s["name"], s["values"], where)
        if spec["kind"] in OVER_TIME:
            facts += _trend(spec, s["name"], s["values"])
        facts += _comparisons(spec, s["name"], s["values"], where)
    for s in series:
        facts.append(_data(spec, s["name"], s["values"], f"{s['name']}: " if multi else ""))
    return facts


def scatter_facts(spec: dict) -> list[Fact]:
    groups = spec["groups"]
    facts = [Fact("chart.scatter_overview", {"thing": "scatter plot", "title": spec["title"], "y": spec["y"]["name"],
                                             "x": spec["x"]["name"],
                                             "n": plural(len(groups), spec["group_name"], spec["group_plural"]),
                                             "names": listing([g["name"] for g in groups])})]
    facts.append(Fact("chart.scatter_axes", {
        "x": spec["x"]["name"], "y": spec["y"]["name"],
        "x_lo": amount(spec["x"]["axis"]["min"], spec["x"]["unit"]), "x_hi": amount(spec["x"]["axis"]["max"], spec["x"]["unit"]),
        "y_lo": amount(spec["y"]["axis"]["min"], spec["y"]["unit"]), "y_hi": amount(spec["y"]["axis"]["max"], spec["y"]["unit"])}))
    for g in groups:
        facts.append(Fact("chart.scatter_points", {"group": g["name"], "n": plural(len(g["points"]), "point")}, g["name"]))
    top = solved(scatter_solvers.S.solvers["chart.scatter_highest_group"], spec)
    if top is not None:
        facts.append(Fact("chart.scatter_highest", {"group": top, "y": spec["y"]["name"]}))
    for g in groups:
        trend = solved(scatter_solvers.S.solvers["chart.scatter_trend"], spec, name=g["name"])
        if trend is not None:
            facts.append(Fact("chart.scatter_trend", {"group": g["name"], "x": spec["x"]["name"],
                                                      "y": spec["y"]["name"], "trend": trend}, g["name"]))
    return facts
