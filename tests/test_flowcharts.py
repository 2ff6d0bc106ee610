"""Flowcharts (flowchart.process, flowchart.algorithm): the program interpreter against
real Python semantics (the AST is translated to Python source here, in the test only),
hand-derived answers, the compiled chart, collision-free layered layouts, determinism,
verification and multiple choice."""
from __future__ import annotations

import functools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generators.flowcharts import AlgorithmFlowchart, ProcessFlowchart
from generators.flowcharts import _style as flowchart_style
from generators.flowcharts.chart import Branch, Loop, Step, build_chart, program_blocks
from generators.flowcharts.interpreter import ExecutionError, run
from generators.flowcharts.layout import back_edges
from generators.flowcharts.program import (ARITH, COMPARE, Assign, Bin, Cmp, If, Num, Output, Program, Var,
                                           While, expr_text, program_from_json, program_to_json, statements)
from generators.flowcharts.programs import SHAPES, domain_inputs, sample_program
from generators.flowcharts.render import plan, render_fitted
from generators.flowcharts.solvers import chart_of
from generators.maps.geometry import distance_to_polyline
from generators.maps.placement import segment_hits_box
from mc_checks import yes_share
from mmsynth.draw import MIN_TEXT_PX, boxes_overlap, find_overlaps
from mmsynth.errors import NotApplicable
from test_maps import Suite, check_deterministic, check_mc_once, check_records

NAMES = ["flowchart.process", "flowchart.algorithm"]
S = Suite({"flowchart.process": ProcessFlowchart, "flowchart.algorithm": AlgorithmFlowchart}, seed=5, n=40)


# --- the interpreter against Python ----------------------------------------------------
def py_expr(e) -> str:
    if isinstance(e, Num):
        return f"({e.value})"
    if isinstance(e, Var):
        return e.name
    return f"({py_expr(e.left)} {e.op} {py_expr(e.right)})"


def to_python(p: Program) -> str:
    """Python source of a program, instrumented to count statement runs and loop passes."""
    number = {id(s): k for k, s in enumerate(statements(p.body))}
    lines = [f"def prog({', '.join(p.inputs)}):", "    runs_, passes_, out_ = {}, {}, []"]

    def emit(body, ind):
        pad = "    " * ind
        if not body:
            lines.append(pad + "pass")
        for s in body:
            k = number[id(s)]
            lines.append(f"{pad}runs_[{k}] = runs_.get({k}, 0) + 1")
            if isinstance(s, Assign):
                lines.append(f"{pad}{s.target} = {py_expr(s.expr)}")
            elif isinstance(s, Output):
                lines.append(f"{pad}out_.append({py_expr(s.expr)})")
            elif isinstance(s, If):
                lines.append(f"{pad}if {py_expr(s.cond)}:")
                emit(s.then, ind + 1)
                lines.append(f"{pad}else:")
                emit(s.orelse, ind + 1)
            else:
                lines.append(f"{pad}passes_.setdefault({k}, 0)")
                lines.append(f"{pad}while {py_expr(s.cond)}:")
                emit(s.body, ind + 1)
                lines.append(f"{pad}    passes_[{k}] += 1")
                lines.append(f"{pad}    runs_[{k}] += 1")
    emit(p.body, 1)
    lines.append("    env_ = {k: v for k, v in locals().items() if not k.endswith('_')}")
    lines.append("    return out_, runs_, passes_, env_")
    return "\n".join(lines)


def python_run(p: Program, inputs: dict):
    scope: dict = {}
    exec(to_python(p), scope)   # the test's own reference; the generator never executes text
    return scope["prog"](**inputs)


def assert_same_as_python(p: Program, inputs: dict) -> None:
    try:
        out, runs, passes, env = python_run(p, inputs)
    except ZeroDivisionError:
        with pytest.raises(ExecutionError):
            run(p, inputs)
        return
    t = run(p, inputs)
    assert t.outputs == out
    assert t.runs == runs
    assert {k: len(v) for k, v in t.passes.items()} == passes
    assert t.env == env


V, N = Var, Num


def B(op, a, b):
    return Bin(op, a, b)


def C(op, a, b):
    return Cmp(op, a, b)


SUM = Program(["n"], [Assign("s", N(0)), Assign("i", N(1)),
                      While(C("<=", V("i"), V("n")), [Assign("s", B("+", V("s"), V("i"))),
                                                      Assign("i", B("+", V("i"), N(1)))]),
                      Output(V("s"))])
NEGATIVE = Program(["x"], [Assign("a", B("//", V("x"), N(2))), Assign("b", B("%", V("x"), N(3))),
                           Assign("c", B("//", N(7), N(-2))), Assign("d", B("%", N(7), N(-3))),
                           Assign("e", B("-", N(2), B("*", V("x"), B("+", N(1), N(2))))),
                           Output(V("a")), Output(V("b")), Output(V("c")), Output(V("d")), Output(V("e"))])
NESTED = Program(["n"], [Assign("t", N(0)), Assign("i", N(0)),
                         While(C("<", V("i"), V("n")),
                               [Assign("j", V("i")),
                                While(C(">", V("j"), N(0)),
                                      [If(C("==", B("%", V("j"), N(2)), N(1)), [Assign("t", B("+", V("t"), V("j")))]),
                                       Assign("j", B("-", V("j"), N(1)))]),
                                Output(V("t")), Assign("i", B("+", V("i"), N(1)))]),
                         Output(B("*", V("t"), N(-1)))])


def test_interpreter_matches_python_on_hand_programs():
    for x in range(-9, 10):
        assert_same_as_python(NEGATIVE, {"x": x})
    for n in range(0, 7):
        assert_same_as_python(SUM, {"n": n})
        assert_same_as_python(NESTED, {"n": n})


def test_interpreter_matches_python_on_sampled_programs():
    rng = np.random.default_rng(0)
    seen = set()
    for i in range(120):
        spec = sample_program(np.random.default_rng(i))
        seen.add(spec["shape"])
        p = program_from_json(spec["program"])
        inputs = domain_inputs(spec["domain"])
        for j in rng.choice(len(inputs), size=min(6, len(inputs)), replace=False):
            assert_same_as_python(p, inputs[int(j)])
    assert seen == set(SHAPES)


small_int = st.integers(-20, 20)
exprs = st.recursive(st.one_of(small_int.map(Num), st.sampled_from(["x", "y"]).map(Var)),
                     lambda inner: st.builds(Bin, st.sampled_from(ARITH), inner, inner), max_leaves=8)


@settings(max_examples=60, deadline=None)
@given(e1=exprs, e2=exprs, op=st.sampled_from(COMPARE), x=small_int, y=small_int)
def test_interpreter_expressions_match_python(e1, e2, op, x, y):
    p = Program(["x", "y"], [Assign("z", e1), If(Cmp(op, e1, e2), [Output(V("z"))], [Output(e2)])])
    assert_same_as_python(p, {"x": x, "y": y})


def test_interpreter_refuses_bad_programs():
    with pytest.raises(ExecutionError):
        run(Program(["n"], [While(C(">", V("n"), N(0)), [Assign("n", B("+", V("n"), N(1)))])]), {"n": 1}, max_steps=200)
    with pytest.raises(ExecutionError):
        run(Program(["n"], [Output(B("//", V("n"), N(0)))]), {"n": 1})
    with pytest.raises(ExecutionError):
        run(Program(["n"], [Output(V("q"))]), {"n": 1})
    with pytest.raises(ExecutionError):
        run(SUM, {})


def test_program_json_round_trip_and_text():
    for i in range(30):
        spec = sample_program(np.random.default_rng(100 + i))
        assert program_to_json(program_from_json(spec["program"])) == spec["program"]
    assert expr_text(B("*", B("+", V("a"), N(1)), V("b"))) == "(a + 1) * b"
    assert expr_text(B("-", V("a"), B("-", V("b"), V("c")))) == "a - (b - c)"
    assert expr_text(B("+", B("*", N(3), V("n")), N(1))) == "3 * n + 1"


# --- hand-derived answers ---------------------------------------------------------------
ALGO = {"kind": "algorithm", "title": "t", "program": program_to_json(SUM), "domain": {"n": [0, 9]}}
COLLATZ = {"kind": "algorithm", "title": "t", "domain": {"n": [2, 12]}, "program": program_to_json(Program(["n"], [
    Assign("c", N(0)), While(C("!=", V("n"), N(1)), [
        If(C("==", B("%", V("n"), N(2)), N(0)), [Assign("n", B("//", V("n"), N(2)))],
           [Assign("n", B("+", B("*", N(3), V("n")), N(1)))]), Assign("c", B("+", V("c"), N(1)))]),
    Output(V("c"))]))}


def test_algorithm_answers_by_hand():
    a = functools.partial(S.solve, "flowchart.algorithm")
    assert a("algo.output", ALGO, inputs={"n": 4}).answer == 10
    assert a("algo.iterations", ALGO, inputs={"n": 4}).answer == 4
    assert a("algo.decision_checks", ALGO, inputs={"n": 4}).answer == 5
    assert a("algo.executions", ALGO, inputs={"n": 4}, step="s = s + i").answer == 4
    assert a("algo.final_value", ALGO, inputs={"n": 4}, var="i").answer == 5
    assert a("algo.value_after_pass", ALGO, inputs={"n": 4}, var="s", k=2).answer == 3
    assert a("algo.variable_count", ALGO).answer == 3
    assert a("algo.iterations", ALGO, inputs={"n": 0}).answer == 0
    assert a("flow.decision_count", ALGO).answer == 1
    assert a("flow.branch", ALGO, decision="i <= n?", answer="No").answer == "Output s"
    assert a("flow.next_step", ALGO, step="i = i + 1").answer == "i <= n?"
    assert a("flow.repeatable", ALGO, step="s = s + i").answer == "yes"
    assert a("flow.repeatable", ALGO, step="s = 0").answer == "no"
    assert a("flow.shortest_steps", ALGO).answer == 5   # Input n, s = 0, i = 1, i <= n?, Output s
    assert a("algo.output", COLLATZ, inputs={"n": 6}).answer == 8     # 6 3 10 5 16 8 4 2 1
    assert a("algo.output", COLLATZ, inputs={"n": 7}).answer == 16
    assert a("algo.executions", COLLATZ, inputs={"n": 6}, step="n = n // 2").answer == 6
    assert a("algo.executions", COLLATZ, inputs={"n": 6}, step="n = 3 * n + 1").answer == 2
    assert "pass 1: n=3, c=1" in a("algo.output", COLLATZ, inputs={"n": 6}).rationale
    with pytest.raises(NotApplicable):
        a("algo.output", ALGO, inputs={"n": 99})      # outside the input domain


def test_compiled_chart_by_hand():
    chart = build_chart(program_blocks(SUM))
    texts = [n["text"] for n in chart["nodes"]]
    assert texts == ["Start", "Input n", "s = 0", "i = 1", "i <= n?", "s = s + i", "i = i + 1", "Output s", "End"]
    kinds = [n["kind"] for n in chart["nodes"]]
    assert kinds == ["start", "io", "process", "process", "decision", "process", "process", "io", "end"]
    by = {n["text"]: n["id"] for n in chart["nodes"]}
    edges = {(e["src"], e["dst"], e["label"]) for e in chart["edges"]}
    assert (by["i <= n?"], by["s = s + i"], "Yes") in edges
    assert (by["i <= n?"], by["Output s"], "No") in edges
    assert back_edges(chart) == {(by["i = i + 1"], by["i <= n?"])}


PROCESS = {"kind": "process", "title": "t", **build_chart([
    Step("process", "Wake up"),
    Branch("Hungry?", yes=[Step("process", "Eat")]),
    Loop("Done?", [Step("process", "Work")], test_first=False, repeat_on="No"),
    Step("io", "Report"),
])}


def test_process_answers_by_hand():
    p = functools.partial(S.solve, "flowchart.process")
    assert p("flow.next_step", PROCESS, step="Wake up").answer == "Hungry?"
    assert p("flow.previous_step", PROCESS, step="Eat").answer == "Hungry?"
    assert p("flow.branch", PROCESS, decision="Hungry?", answer="No").answer == "Work"
    assert p("flow.branch", PROCESS, decision="Done?", answer="No").answer == "Work"
    assert p("flow.branch", PROCESS, decision="Done?", answer="Yes").answer == "Report"
    assert p("flow.decision_count", PROCESS).answer == 2
    assert p("flow.shortest_steps", PROCESS).answer == 5   # Wake up, Hungry?, Work, Done?, Report
    assert p("flow.shape_count", PROCESS, shape="parallelogram").answer == 1
    assert p("flow.shape_of", PROCESS, step="Done?").answer == "diamond"
    assert p("flow.repeatable", PROCESS, step="Work").answer == "yes"
    assert p("flow.repeatable", PROCESS, step="Eat").answer == "no"
    assert p("flow.skippable", PROCESS, step="Eat").answer == "yes"
    assert p("flow.skippable", PROCESS, step="Work").answer == "no"
    assert p("flow.fixed_answers", PROCESS, answer="Yes").answer == ["Wake up", "Eat", "Work", "Report"]
    with pytest.raises(NotApplicable):                         # answering No at Done? loops forever
        p("flow.fixed_answers", PROCESS, answer="No")
    with pytest.raises(NotApplicable):                         # a decision has two next steps
        p("flow.next_step", PROCESS, step="Hungry?")


# --- layout geometry ---------------------------------------------------------------------
def inside_shape(kind: str, box, t, skew: float) -> bool:
    x0, y0, x1, y1 = box
    if kind == "decision":
        cx, cy, hw, hh = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 2, (y1 - y0) / 2
        return all(abs(px - cx) / hw + abs(py - cy) / hh <= 1.0 for px in (t[0], t[2]) for py in (t[1], t[3]))
    pad = skew if kind == "io" else 0.0
    return x0 + pad - 1 <= t[0] and t[2] <= x1 - pad + 1 and y0 <= t[1] and t[3] <= y1


def check_layout(sample) -> None:
    """The layout checks on a generated sample, plus: every step of a route answer is drawn."""
    drawn = check_chart_drawing(chart_of(sample.source), sample.style, sample.texts, sample.images[0].size)
    for qa in sample.qa:
        if qa["family"] == "flow.fixed_answers":
            steps = qa["answer"].split(" -> ") if qa.get("options") else qa["answer"]
            assert set(steps) <= drawn


def check_chart_drawing(chart: dict, style: dict, texts: list, size: tuple[int, int]) -> set[str]:
    """Geometric checks of a drawn chart; returns the step texts drawn."""
    pl = plan(chart, style)
    lay = pl.layout
    kind = {n["id"]: n["kind"] for n in chart["nodes"]}
    boxes = list(lay.boxes.items())
    for i, (a, ba) in enumerate(boxes):                      # boxes never touch
        for b, bb in boxes[i + 1:]:
            assert not boxes_overlap(ba, bb, pad=4), (a, b)
    for e, pts in lay.routes:                                  # arrows never cross a box they do not join
        for seg in zip(pts, pts[1:]):
            for n, bx in boxes:
                if n not in (e["src"], e["dst"]):
                    assert not segment_hits_box(seg, bx), (e, n)
    assert find_overlaps(texts) == []
    node_texts = [t for t in texts if t.role == "node"]
    expected = [(n, s) for n, _ in boxes for s in pl.lines[n]]
    assert [t.text for t in node_texts] == [s for _, s in expected]
    drawn = {" ".join(pl.lines[n]) for n, _ in boxes}
    assert drawn == {n["text"] for n in chart["nodes"]}          # every step's whole text is drawn
    for t, (n, _) in zip(node_texts, expected):                # every line sits inside its own shape
        assert inside_shape(kind[n], lay.boxes[n], t.box, pl.skew[n]), (t, n)
        assert t.height >= MIN_TEXT_PX * 0.6
    segments = [seg for _, pts in lay.routes for seg in zip(pts, pts[1:])]
    labels = [t for t in texts if t.role == "edge"]
    assert len(labels) == sum(1 for e in chart["edges"] if e["label"])
    labelled = [(e, pts) for e, pts in lay.routes if e["label"]]
    for t, (e, pts) in zip(labels, labelled):                  # Yes/No labels touch no box and no arrow,
        assert t.text == e["label"]                            # and sit nearer their own arrow than a sibling
        assert not any(boxes_overlap(t.box, bx) for _, bx in boxes)
        assert not any(segment_hits_box(seg, t.box) for seg in segments)
        c = ((t.box[0] + t.box[2]) / 2, (t.box[1] + t.box[3]) / 2)
        for f, other in lay.routes:
            if f["src"] == e["src"] and f is not e:
                assert distance_to_polyline(c, pts) < distance_to_polyline(c, other), (e, f)
    w, h = size
    assert all(0 <= t.box[0] and 0 <= t.box[1] and t.box[2] <= w and t.box[3] <= h for t in texts)
    return drawn


# the structures the samplers build: branches nest freely; loops hold branches but no loops
BRANCHES = st.recursive(
    st.sampled_from(["process", "io"]),
    lambda inner: st.tuples(st.just("if"), st.lists(inner, max_size=2), st.lists(inner, max_size=2), st.booleans()),
    max_leaves=6)
LOOPS = st.tuples(st.just("loop"), st.lists(BRANCHES, min_size=1, max_size=3), st.booleans())
SHAPE_TREES = st.one_of(BRANCHES, LOOPS)


def to_blocks(trees: list, counter: list[int]) -> list:
    """Blocks with unique texts (some long enough to wrap) from drawn shape trees."""
    out = []
    for tr in trees:
        counter[0] += 1
        k = counter[0]
        if tr in ("process", "io"):
            out.append(Step(tr, f"Step number {k}" + (" with a longer description" if k % 3 == 0 else "")))
        elif tr[0] == "if":
            yes = to_blocks(tr[1], counter) or [Step("process", f"Fallback {k}")]
            out.append(Branch(f"Condition {k} holds?", yes, to_blocks(tr[2], counter), no_ends=tr[3]))
        else:
            out.append(Loop(f"Repeat {k}?", to_blocks(tr[1], counter), test_first=tr[2],
                            repeat_on="Yes" if tr[2] else "No"))
    return out


@settings(max_examples=25, deadline=None)
@given(trees=st.lists(SHAPE_TREES, min_size=1, max_size=5), seed=st.integers(0, 10**6))
def test_any_structured_chart_is_drawn_collision_free(trees, seed):
    chart = build_chart(to_blocks(trees, [0]))
    rendered, style = render_fitted(chart, "A generated chart", flowchart_style(np.random.default_rng(seed)))
    check_chart_drawing(chart, style, rendered.texts, rendered.images[0].size)


@pytest.mark.parametrize("name", NAMES)
def test_layouts_are_collision_free(name):
    for s, _ in S.made(name):
        check_layout(s)


# --- generator-level properties ------------------------------------------------------
@pytest.mark.parametrize("name", NAMES)
def test_generator_contract(name):
    """Deterministic spec and image bytes; records validate and verify; >= 8 families; MC answer once."""
    check_deterministic(S.create(name), 9, (0, 4))
    check_records(S.create(name), S.made(name))
    check_mc_once(S.made(name))


@settings(max_examples=6, deadline=None)
@given(seed=st.integers(0, 10**6), index=st.integers(0, 10**5), name=st.sampled_from(NAMES))
def test_property_any_seed(seed, index, name):
    check_layout(S.checked_sample(name, seed, index))


def test_repeatable_steps_are_asked_about_as_often_as_the_chart_allows():
    """Few process steps lie on a loop: picking any step made 90% of "can this step repeat?" no.
    Now a coin picks on-loop or off-loop steps where a chart has both (processes without
    a loop still answer no, so the share stays below a half)."""
    assert yes_share("flowchart.process", "flow.repeatable") >= 0.2
    assert 0.3 <= yes_share("flowchart.algorithm", "flow.repeatable") <= 0.7
