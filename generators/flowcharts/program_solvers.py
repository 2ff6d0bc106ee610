"""Bind/solve functions of the algorithm question families: answers come from running the
program AST of the spec on the safe interpreter, for inputs drawn from its domain."""
from __future__ import annotations

import numpy as np

from generators.flowcharts.interpreter import Trace, run
from generators.flowcharts.program import (Assign, If, While, node_text, program_from_json, statements,
                                           variables)
from generators.flowcharts.solvers import Q, graph_of, node_by_text, pick_text
from mmsynth.errors import NotApplicable
from mmsynth.questions import Solution
from mmsynth.rand import pick, randint

MAX_SHOWN_PASSES = 8


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
    steps = _passes_text(t.passes[k], names) if n else "the loop condition is false at once"
    why = f"With {_given(inputs)}: {steps}; the body runs {n} times."
    return Solution(n, why, _near(n), {**_program_fields(spec, inputs), "decision": node_text(stmts[k])})


@Q.solve("algo.executions")
def executions(spec: dict, inputs: dict, step: str) -> Solution:
    t, stmts = _trace(spec, inputs)
    g = graph_of(spec)
    ref = g.nodes[node_by_text(g, step)].get("ref")
    if ref is None or not isinstance(stmts[ref], Assign):
        raise NotApplicable("not a process box")
    n = t.runs.get(ref, 0)
    return Solution(n, f"With {_given(inputs)}, '{step}' runs {n} times.", _near(n), _program_fields(spec, inputs))


@Q.bind("algo.executions")
def _bind_executions(spec: dict, rng: np.random.Generator) -> dict:
    step = pick_text(spec, rng, lambda g: lambda n, d: d["kind"] == "process")
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
    why = (f"With {_given(inputs)} the body runs {len(t.passes[k])} times, so the condition is checked "
           f"{n} times (once more to exit).")
    return Solution(n, why, _near(n), {**_program_fields(spec, inputs), "decision": node_text(stmts[k])})


for _name in ("algo.output", "algo.iterations", "algo.decision_checks"):
    Q.bind(_name)(_bind_inputs)

