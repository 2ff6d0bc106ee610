"""Bind/solve functions of the flowchart question families.

Structure questions are solved on the chart as a networkx DiGraph; program questions by
running the program AST on the safe interpreter. Steps are named by their text, so a
question about a text that appears twice is not asked.
"""
from __future__ import annotations

import networkx as nx
import numpy as np

from generators.flowcharts.chart import SHAPES, build_chart, digraph, program_blocks
from generators.flowcharts.interpreter import Trace, run
from generators.flowcharts.program import (Assign, If, While, node_text, program_from_json, statements,
                                           variables)
from mmsynth.errors import NotApplicable
from mmsynth.questions import Solution, Solvers
from mmsynth.rand import pick, randint

Q = Solvers()
MAX_SHOWN_PASSES = 8


def chart_of(spec: dict) -> dict:
    """The chart of a spec: stored for processes, compiled from the program for algorithms."""
    if spec["kind"] == "algorithm":
        return build_chart(program_blocks(program_from_json(spec["program"])))
    return {"nodes": spec["nodes"], "edges": spec["edges"]}


def _graph(spec: dict) -> nx.DiGraph:
    return digraph(chart_of(spec))


def _node_by_text(g: nx.DiGraph, text: str) -> str:
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


def _pick_text(spec: dict, rng: np.random.Generator, ok) -> str:
    """A random unique step text among the nodes that ``ok(graph)(node, attrs)`` accepts."""
    g = _graph(spec)
    choices = _unique_texts(g, ok(g))
    if not choices:
        raise NotApplicable("no suitable step")
    return pick(rng, choices)


def _bind_step(kind_ok):
    def bind(spec: dict, rng: np.random.Generator) -> dict:
        return {"step": _pick_text(spec, rng, kind_ok)}
    return bind


def _adjacent_step(spec: dict, step: str, forward: bool) -> Solution:
    """The one step right after (``forward``) or right before ``step``."""
    g = _graph(spec)
    n = _node_by_text(g, step)
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
    g = _graph(spec)
    n = _node_by_text(g, decision)
    hit = [v for v in g.successors(n) if g[n][v]["label"] == answer]
    if g.nodes[n]["kind"] != "decision" or len(hit) != 1:
        raise NotApplicable("not a decision with that answer")
    ans = g.nodes[hit[0]]["text"]
    why = f"The arrow labelled {answer} leaving '{decision}' leads to '{ans}'."
    return Solution(ans, why, _other_texts(g, ans, list(g.successors(n))))


@Q.bind("flow.branch")
def _bind_branch(spec: dict, rng: np.random.Generator) -> dict:
    decision = _pick_text(spec, rng, lambda g: lambda n, d: d["kind"] == "decision")
    return {"decision": decision, "answer": pick(rng, ["Yes", "No"])}


@Q.solve("flow.decision_count")
def decision_count(spec: dict) -> Solution:
    g = _graph(spec)
    ds = [d["text"] for _, d in g.nodes(data=True) if d["kind"] == "decision"]
    why = f"Diamonds: {'; '.join(ds)}."
    return Solution(len(ds), why, [len(ds) + 1, len(ds) + 2, max(0, len(ds) - 1) or len(ds) + 3])


@Q.solve("flow.shortest_steps")
def shortest_steps(spec: dict) -> Solution:
    g = _graph(spec)
    path = nx.shortest_path(g, _terminal(g, "start"), _terminal(g, "end"))
    inner = [g.nodes[n]["text"] for n in path[1:-1]]
    why = f"Shortest path: {' -> '.join(g.nodes[n]['text'] for n in path)} ({len(inner)} shapes between)."
    k = len(inner)
    return Solution(k, why, [k + 1, k + 2, k - 1 if k > 1 else k + 3])


@Q.solve("flow.shape_count")
def shape_count(spec: dict, shape: str) -> Solution:
    g = _graph(spec)
    hits = [d["text"] for _, d in g.nodes(data=True) if SHAPES[d["kind"]] == shape]
    why = f"{shape.capitalize()}s: {'; '.join(hits) or 'none'}."
    k = len(hits)
    return Solution(k, why, [k + 1, k + 2, k - 1 if k > 1 else k + 3])


@Q.bind("flow.shape_count")
def _bind_shape_count(spec: dict, rng: np.random.Generator) -> dict:
    return {"shape": pick(rng, ["rectangle", "diamond", "parallelogram"])}


@Q.solve("flow.shape_of")
def shape_of(spec: dict, step: str) -> Solution:
    g = _graph(spec)
    shape = SHAPES[g.nodes[_node_by_text(g, step)]["kind"]]
    return Solution(shape, None, [s for s in ("rectangle", "diamond", "parallelogram", "oval") if s != shape])


Q.bind("flow.shape_of")(_bind_step(lambda g: lambda n, d: True))


@Q.solve("flow.repeatable")
def repeatable(spec: dict, step: str) -> Solution:
    g = _graph(spec)
    n = _node_by_text(g, step)
    loop = next((c for c in nx.strongly_connected_components(g) if n in c and len(c) > 1), None)
    if loop:
        members = [g.nodes[m]["text"] for m in g.nodes if m in loop]
        return Solution("yes", f"'{step}' lies on the loop {' -> '.join(members)}.")
    return Solution("no", f"No arrow path leads from '{step}' back to itself.")


Q.bind("flow.repeatable")(_bind_step(lambda g: lambda n, d: d["kind"] not in ("start", "end")))


@Q.solve("flow.skippable")
def skippable(spec: dict, step: str) -> Solution:
    g = _graph(spec)
    n = _node_by_text(g, step)
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
    g = _graph(spec)
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


# --- program questions ---------------------------------------------------------------------
def _given(inputs: dict) -> str:
    return " and ".join(f"{k} = {v}" for k, v in inputs.items())


def _trace(spec: dict, inputs: dict) -> tuple[Trace, list]:
    program = program_from_json(spec["program"])
    for k, (lo, hi) in spec["domain"].items():
        if not lo <= inputs.get(k, lo - 1) <= hi:
            raise NotApplicable(f"input {k} outside its domain")
    return run(program, inputs), statements(program.body)


def _passes_text(passes: list[dict], names: list[str]) -> str:
    shown = [", ".join(f"{n}={p[n]}" for n in names if n in p) for p in passes[:MAX_SHOWN_PASSES]]
    more = f"; ... ({len(passes)} passes)" if len(passes) > MAX_SHOWN_PASSES else ""
    return "; ".join(f"pass {i + 1}: {s}" for i, s in enumerate(shown)) + more


def _event_text(stmt, value: int | bool) -> str:
    if isinstance(stmt, (If, While)):
        return f"{node_text(stmt)} {'Yes' if value else 'No'}"
    return f"{node_text(stmt)} gives {value}"


def _first_loop(stmts: list) -> int:
    loops = [k for k, s in enumerate(stmts) if isinstance(s, While)]
    if not loops:
        raise NotApplicable("no loop")
    return loops[0]


def _near(x: int) -> list[int]:
    return [x + 1, x - 1, x + 2, x * 2 if x else 3]


def _bind_inputs(spec: dict, rng: np.random.Generator) -> dict:
    return {"inputs": {k: randint(rng, lo, hi) for k, (lo, hi) in spec["domain"].items()}}


def _program_fields(spec: dict, inputs: dict) -> dict:
    return {"given": _given(inputs)}


@Q.solve("algo.output")
def output(spec: dict, inputs: dict) -> Solution:
    t, stmts = _trace(spec, inputs)
    if len(t.outputs) != 1:
        raise NotApplicable("not a single output")
    names = variables(program_from_json(spec["program"]))
    loops = [k for k, s in enumerate(stmts) if isinstance(s, While)]
    if loops:
        steps = _passes_text(t.passes[loops[0]], names) if t.passes[loops[0]] else "the loop body never runs"
    else:
        steps = "; ".join(_event_text(stmts[k], v) for k, v in t.log if isinstance(stmts[k], (Assign, If)))
    why = f"With {_given(inputs)}: {steps}; output {t.outputs[0]}."
    return Solution(t.outputs[0], why, _near(t.outputs[0]), _program_fields(spec, inputs))


@Q.solve("algo.iterations")
def iterations(spec: dict, inputs: dict) -> Solution:
    t, stmts = _trace(spec, inputs)
    k = _first_loop(stmts)
    n = len(t.passes[k])
    names = variables(program_from_json(spec["program"]))
    why = f"With {_given(inputs)}: " + (_passes_text(t.passes[k], names) if n else "the loop condition is false at once") + \
          f"; the body runs {n} times."
    return Solution(n, why, _near(n), {**_program_fields(spec, inputs), "decision": node_text(stmts[k])})


@Q.solve("algo.executions")
def executions(spec: dict, inputs: dict, step: str) -> Solution:
    t, stmts = _trace(spec, inputs)
    g = _graph(spec)
    ref = g.nodes[_node_by_text(g, step)].get("ref")
    if ref is None or not isinstance(stmts[ref], Assign):
        raise NotApplicable("not a process box")
    n = t.runs.get(ref, 0)
    return Solution(n, f"With {_given(inputs)}, '{step}' runs {n} times.", _near(n), _program_fields(spec, inputs))


@Q.bind("algo.executions")
def _bind_executions(spec: dict, rng: np.random.Generator) -> dict:
    step = _pick_text(spec, rng, lambda g: lambda n, d: d["kind"] == "process")
    return {**_bind_inputs(spec, rng), "step": step}


@Q.solve("algo.final_value")
def final_value(spec: dict, inputs: dict, var: str) -> Solution:
    t, _ = _trace(spec, inputs)
    if var not in t.env:
        raise NotApplicable("variable never set")
    v = t.env[var]
    return Solution(v, f"With {_given(inputs)}, the program ends with {var} = {v}.", _near(v),
                    _program_fields(spec, inputs))


@Q.bind("algo.final_value")
def _bind_final(spec: dict, rng: np.random.Generator) -> dict:
    return {**_bind_inputs(spec, rng), "var": pick(rng, variables(program_from_json(spec["program"])))}


@Q.solve("algo.value_after_pass")
def value_after_pass(spec: dict, inputs: dict, var: str, k: int) -> Solution:
    t, stmts = _trace(spec, inputs)
    passes = t.passes[_first_loop(stmts)]
    if not 1 <= k <= len(passes) or var not in passes[k - 1]:
        raise NotApplicable("no such pass")
    v = passes[k - 1][var]
    names = variables(program_from_json(spec["program"]))
    return Solution(v, f"With {_given(inputs)}: {_passes_text(passes[:k], names)}.", _near(v),
                    _program_fields(spec, inputs))


@Q.bind("algo.value_after_pass")
def _bind_after_pass(spec: dict, rng: np.random.Generator) -> dict:
    program = program_from_json(spec["program"])
    stmts = statements(program.body)
    k = _first_loop(stmts)
    for _ in range(8):
        slots = _bind_inputs(spec, rng)
        passes = run(program, slots["inputs"]).passes[k]
        if len(passes) >= 2:
            targets = [s.target for s in statements(stmts[k].body) if isinstance(s, Assign)]
            return {**slots, "var": pick(rng, targets), "k": randint(rng, 1, min(len(passes), 4))}
    raise NotApplicable("loop too short")


@Q.solve("algo.variable_count")
def variable_count(spec: dict) -> Solution:
    names = variables(program_from_json(spec["program"]))
    n = len(names)
    return Solution(n, f"Variables: {', '.join(names)}.", _near(n))


@Q.solve("algo.decision_checks")
def decision_checks(spec: dict, inputs: dict) -> Solution:
    t, stmts = _trace(spec, inputs)
    k = _first_loop(stmts)
    n = t.runs[k]
    why = f"With {_given(inputs)} the body runs {len(t.passes[k])} times, so the condition is checked {n} times (once more to exit)."
    return Solution(n, why, _near(n), {**_program_fields(spec, inputs), "decision": node_text(stmts[k])})


for _name in ("algo.output", "algo.iterations", "algo.decision_checks"):
    Q.bind(_name)(_bind_inputs)

