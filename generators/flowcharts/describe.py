"""The facts a flowchart's description tells: its title, its steps in flow order, and each
decision with where its branches lead."""
from __future__ import annotations

from pathlib import Path

from mmsynth.describe import Fact, describes, listing, plural

from generators.flowcharts.solvers import chart_of


def _q(text: str) -> str:
    return f'"{text}"'


@describes("flowchart.*", phrasings=Path(__file__).with_name("describe.yaml"), noun="flowchart")
def flowchart_facts(spec: dict) -> list[Fact]:
    chart = chart_of(spec)
    nodes = sorted(chart["nodes"], key=lambda n: int(n["id"][1:]))
    text = {n["id"]: n["text"] for n in nodes}
    steps = [n for n in nodes if n["kind"] not in ("start", "end")]
    decisions = [n for n in steps if n["kind"] == "decision"]
    facts = [Fact("flowchart.overview", {"thing": "flowchart", "title": spec.get("title", "Flowchart"),
                                         "n": plural(len(steps), "step"), "k": plural(len(decisions), "decision")})]
    start = next((n for n in nodes if n["kind"] == "start"), None)
    if start is not None:
        first = [e["dst"] for e in chart["edges"] if e["src"] == start["id"]]
        if first:
            facts.append(Fact("flowchart.start", {"start": _q(start["text"]), "first": _q(text[first[0]])}))
    facts.append(Fact("flowchart.steps", {"steps": listing([_q(n["text"]) for n in steps])}))
    for d in decisions:
        out = [e for e in chart["edges"] if e["src"] == d["id"] and e["label"]]
        if len(out) == 2:
            (a, b) = sorted(out, key=lambda e: e["label"] != "Yes")
            facts.append(Fact("flowchart.branch", {"q": _q(d["text"]), "la": a["label"], "a": _q(text[a["dst"]]),
                                                   "lb": b["label"], "b": _q(text[b["dst"]])}, d["id"]))
    return facts
