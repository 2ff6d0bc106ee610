"""Bind/solve functions of the flowchart question families.

Structure questions are solved on the chart as a networkx DiGraph (program questions are
in ``program_solvers``, on the same table ``Q``). Steps are named by their text, so a
question about a text that appears twice is not asked.
"""
from __future__ import annotations

import networkx as nx
import numpy as np

from generators.flowcharts.chart import SHAPES, build_chart, digraph, program_blocks
from generators.flowcharts.program import program_from_json
from mmsynth.errors import NotApplicable
from mmsynth.questions import Solution, Solvers
from mmsynth.rand import pick

Q = Solvers()


def chart_of(spec: dict) -> dict:
    """The chart of a spec: stored for processes, compiled from the program for algorithms."""
    if spec["kind"] == "algorithm":
        return build_chart(program_blocks(program_from_json(spec["program"])))
    return {"nodes": spec["nodes"], "edges": spec["edges"]}


def graph_of(spec: dict) -> nx.DiGraph:
    """The chart of a spec as a networkx DiGraph."""
    return digraph(chart_of(spec))


def node_by_text(g: nx.DiGraph, text: str) -> str:
    """The one node showing ``text`` (NotApplicable when none or several do)."""
    hits = [n for n, d in g.nodes(data=True) if d["text"] == text]
    if len(hits) != 1:
        raise NotApplicable(f"{text!r} names {len(hits)} steps")
    return hits[0]


def _unique_texts(g: nx.DiGraph, ok=lambda n, d: True) -> list[str]:
    texts = [d["text"] for _, d in g.nodes(data=True)]
    return [d["text"] for n, d in g.nodes(data=True) if texts.count(d["text"]) == 1 and ok(n, d)]


def _terminal(g: nx.DiGraph, kind: str) -> str:
    return next(n for n, d in g.nodes(data=True) if d["kind"] == kind)


def _other_texts(g: nx.DiGraph, answer: str, near: list[str]) -> list[str]:
    near_texts = [g.nodes[n]["text"] for n in near]
    rest = [d["text"] for _, d in g.nodes(data=True) if d["kind"] not in ("start", "end")]
    return [t for t in near_texts + rest if t != answer]


def pick_text(spec: dict, rng: np.random.Generator, ok) -> str:
    """A random unique step text among the nodes that ``ok(graph)(node, attrs)`` accepts."""
    g = graph_of(spec)
    choices = _unique_texts(g, ok(g))
    if not choices:
        raise NotApplicable("no suitable step")
    return pick(rng, choices)


def _bind_step(kind_ok):
    def bind(spec: dict, rng: np.random.Generator) -> dict:
        return {"step": pick_text(spec, rng, kind_ok)}
    return bind


def _adjacent_step(spec: dict, step: str, forward: bool) -> Solution:
    """The one step right after (``forward``) or right before ``step``."""
    g = graph_of(spec)
    n = node_by_text(g, step)
    ahead, behind = (g.successors, g.predecessors) if forward else (g.predecessors, g.successors)
    hits = list(ahead(n))
    if len(hits) != 1:
        raise NotApplicable("not a single adjacent step")
    ans = g.nodes[hits[0]]["text"]
    return Solution(ans, None, _other_texts(g, ans, list(behind(n)) + list(ahead(hits[0]))))


@Q.solve("flow.next_step")
def next_step(spec: dict, step: str) -> Solution:
    return _adjacent_step(spec, step, forward=True)


@Q.solve("flow.previous_step")
def previous_step(spec: dict, step: str) -> Solution:
    return _adjacent_step(spec, step, forward=False)


Q.bind("flow.next_step")(_bind_step(lambda g: lambda n, d: g.out_degree(n) == 1))
Q.bind("flow.previous_step")(_bind_step(lambda g: lambda n, d: g.in_degree(n) == 1 and d["kind"] != "start"))


@Q.solve("flow.branch")
def branch(spec: dict, decision: str, answer: str) -> Solution:
    g = graph_of(spec)
    n = node_by_text(g, decision)
    hit = [v for v in g.successors(n) if g[n][v]["label"] == answer]
    if g.nodes[n]["kind"] != "decision" or len(hit) != 1:
        raise NotApplicable("not a decision with that answer")
    ans = g.nodes[hit[0]]["text"]
    why = f"The arrow labelled {answer} leaving '{decision}' leads to '{ans}'."
    return Solution(ans, why, _other_texts(g, ans, list(g.successors(n))))


@Q.bind("flow.branch")
def _bind_branch(spec: dict, rng: np.random.Generator) -> dict:
    decision = pick_text(spec, rng, lambda g: lambda n, d: d["kind"] == "decision")
    return {"decision": decision, "answer": pick(rng, ["Yes", "No"])}


@Q.solve("flow.decision_count")
def decision_count(spec: dict) -> Solution:
    g = graph_of(spec)
    ds = [d["text"] for _, d in g.nodes(data=True) if d["kind"] == "decision"]
    why = f"Diamonds: {'; '.join(ds)}."
    return Solution(len(ds), why, [len(ds) + 1, len(ds) + 2, max(0, len(ds) - 1) or len(ds) + 3])


@Q.solve("flow.shortest_steps")
def shortest_steps(spec: dict) -> Solution:
    g = graph_of(spec)
    path = nx.shortest_path(g, _terminal(g, "start"), _terminal(g, "end"))
    inner = [g.nodes[n]["text"] for n in path[1:-1]]
    why = f"Shortest path: {' -> '.join(g.nodes[n]['text'] for n in path)} ({len(inner)} shapes between)."
    k = len(inner)
    return Solution(k, why, [k + 1, k + 2, k - 1 if k > 1 else k + 3])


@Q.solve("flow.shape_count")
def shape_count(spec: dict, shape: str) -> Solution:
    g = graph_of(spec)
    hits = [d["text"] for _, d in g.nodes(data=True) if SHAPES[d["kind"]] == shape]
    why = f"{shape.capitalize()}s: {'; '.join(hits) or 'none'}."
    k = len(hits)
    return Solution(k, why, [k + 1, k + 2, k - 1 if k > 1 else k + 3])


@Q.bind("flow.shape_count")
def _bind_shape_count(spec: dict, rng: np.random.Generator) -> dict:
    return {"shape": pick(rng, ["rectangle", "diamond", "parallelogram"])}


@Q.solve("flow.shape_of")
def shape_of(spec: dict, step: str) -> Solution:
    g = graph_of(spec)
    shape = SHAPES[g.nodes[node_by_text(g, step)]["kind"]]
    return Solution(shape, None, [s for s in ("rectangle", "diamond", "parallelogram", "oval") if s != shape])


Q.bind("flow.shape_of")(_bind_step(lambda g: lambda n, d: True))


@Q.solve("flow.repeatable")
def repeatable(spec: dict, step: str) -> Solution:
    g = graph_of(spec)
    n = node_by_text(g, step)
    loop = next((c for c in nx.strongly_connected_components(g) if n in c and len(c) > 1), None)
    if loop:
        members = [g.nodes[m]["text"] for m in g.nodes if m in loop]
        return Solution("yes", f"'{step}' lies on the loop {' -> '.join(members)}.")
    return Solution("no", f"No arrow path leads from '{step}' back to itself.")


def _on_loop(g: nx.DiGraph) -> set:
    return {n for c in nx.strongly_connected_components(g) if len(c) > 1 for n in c}


@Q.bind("flow.repeatable")
def _bind_repeatable(spec: dict, rng: np.random.Generator) -> dict:
    """A step on a loop or off it by a coin (when the chart has both): most steps are off."""
    g = graph_of(spec)
    loop = _on_loop(g)
    groups = [_unique_texts(g, lambda n, d, inside=inside: d["kind"] not in ("start", "end") and (n in loop) == inside)
              for inside in (True, False)]
    groups = [texts for texts in groups if texts]
    if not groups:
        raise NotApplicable("no suitable step")
    return {"step": pick(rng, pick(rng, groups))}


@Q.solve("flow.skippable")
def skippable(spec: dict, step: str) -> Solution:
    g = graph_of(spec)
    n = node_by_text(g, step)
    if g.nodes[n]["kind"] in ("start", "end"):
        raise NotApplicable("terminal")
    rest = g.subgraph([m for m in g.nodes if m != n])
    try:
        path = nx.shortest_path(rest, _terminal(g, "start"), _terminal(g, "end"))
    except nx.NetworkXNoPath:
        return Solution("no", f"Every path from start to end passes '{step}'.")
    return Solution("yes", "Path avoiding it: " + " -> ".join(g.nodes[m]["text"] for m in path) + ".")


Q.bind("flow.skippable")(_bind_step(lambda g: lambda n, d: d["kind"] not in ("start", "end")))


def _follow(g: nx.DiGraph, answer: str) -> list[str]:
    """The non-decision steps passed from start to end when every decision is answered ``answer``."""
    node, seen, steps = _terminal(g, "start"), set(), []
    while g.nodes[node]["kind"] != "end":
        if node in seen:
            raise NotApplicable("the flow never ends with these answers")
        seen.add(node)
        if g.nodes[node]["kind"] == "decision":
            node = next(v for v in g.successors(node) if g[node][v]["label"] == answer)
        else:
            node = next(iter(g.successors(node)))
        if g.nodes[node]["kind"] not in ("end", "decision"):
            steps.append(g.nodes[node]["text"])
    return steps


@Q.solve("flow.fixed_answers")
def fixed_answers(spec: dict, answer: str) -> Solution:
    g = graph_of(spec)
    steps = _follow(g, answer)
    if not steps:
        raise NotApplicable("no steps performed")
    wrong = [steps[:-1], steps[1:], list(reversed(steps))] if len(steps) > 1 else []
    try:
        wrong.append(_follow(g, "No" if answer == "Yes" else "Yes"))
    except NotApplicable:
        pass
    return Solution(steps, "Following the " + answer + " arrows: " + " -> ".join(steps) + ".", wrong)


@Q.bind("flow.fixed_answers")
def _bind_fixed(spec: dict, rng: np.random.Generator) -> dict:
    return {"answer": pick(rng, ["Yes", "No"])}
