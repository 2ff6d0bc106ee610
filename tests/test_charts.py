"""Chart generators: determinism, answers recomputed, hand-derived solver checks,
multiple choice, legibility (no overlapping text, minimum height, values readable
from where the record says) and colour answers that are really drawn."""
from __future__ import annotations

import copy
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mmsynth.draw import MIN_TEXT_PX, colors, find_overlaps, palettes, rgb
from mmsynth.errors import NotApplicable
from mmsynth.record import validate_record
from mmsynth.registry import create, names

from mc_checks import assert_mc_forms

from generators.charts.axis import half_grid, nice_step, read_tolerance, ticks, value_label
from generators.charts.render_axes import render_category
from generators.charts.render_pie import render_pie
from generators.charts.sampler import MIN_COLOR_DISTANCE, distinct_colors
from generators.charts.scatter_solvers import S
from generators.charts.solvers import Q
from generators.charts.style import sample_chart_style

CHARTS = ["chart.bar", "chart.hbar", "chart.grouped_bar", "chart.stacked_bar", "chart.line", "chart.pie",
          "chart.donut", "chart.scatter", "chart.area"]


def record_of(name: str, seed: int, index: int) -> tuple[dict, object]:
    gen = create(name)
    sample = gen.make(seed, index)
    rec = sample.record(f"{name}-{seed}-{index}", name, gen.task, ["images/x.png"], seed, index)
    return json.loads(json.dumps(rec)), sample


def solve(family: str, spec: dict, **slots):
    table = S if family.startswith("chart.scatter") else Q
    return table.solvers[family](spec, **slots)


# --- hand-written specs ------------------------------------------------------------------
def bar_spec(values: list[float], annotated: bool = True, step: float = 20) -> dict:
    return {"kind": "bar", "theme": "t", "title": "Sales by region", "measure": "sales", "unit": "million USD",
            "category_name": "region", "category_plural": "regions", "category_scope": None,
            "series_name": "year", "series_plural": "years", "series_scope": "in {}",
            "categories": ["North", "South", "East", "West"][:len(values)],
            "series": [{"name": "2024", "color": "blue", "values": values}],
            "category_colors": ["red", "green", "blue", "orange"][:len(values)],
            "axis": {"min": 0, "max": 100, "step": step}, "annotated": annotated, "stacked": False,
            "additive": True}


def line_spec() -> dict:
    spec = bar_spec([0, 0, 0, 0], annotated=False, step=10)
    spec.update(kind="line", categories=["Jan", "Feb", "Mar", "Apr"], category_name="month",
                category_plural="months", category_scope="in {}", series_name="city", series_plural="cities",
                series_scope="in {}", category_colors=None,
                series=[{"name": "Oslo", "color": "red", "values": [5, 10, 25, 20]},
                        {"name": "Lima", "color": "blue", "values": [20, 30, 25, 15]}])
    return spec


def test_max_min_rank_on_hand_spec():
    spec = bar_spec([30, 75, 50, 10])
    assert solve("chart.max_label", spec, series=None).answer == "South"
    assert solve("chart.min_label", spec, series=None).answer == "West"
    assert solve("chart.rank", spec, series=None, rank=1).answer == "East"
    assert solve("chart.label_at", spec, position=2).answer == "East"
    assert solve("chart.count_categories", spec).answer == 4


def test_rank_needs_only_the_top_values_distinct():
    assert solve("chart.rank", bar_spec([60, 50, 30, 30]), series=None, rank=1).answer == "South"
    with pytest.raises(NotApplicable):  # a tie at the top: "second highest" is ambiguous
        solve("chart.rank", bar_spec([50, 50, 30, 10]), series=None, rank=1)


def test_arithmetic_on_hand_spec():
    spec = bar_spec([30, 75, 50, 10])
    diff = solve("chart.difference", spec, a="North", b="South", series=None)
    assert diff.answer == 45 and diff.tolerance == 0 and diff.extra == {"readable_from": "annotation"}
    assert "45" in diff.rationale
    assert solve("chart.sum", spec, series=None).answer == 165
    assert solve("chart.average", spec, series=None).answer == 41.25
    assert solve("chart.ratio", spec, a="South", b="North", series=None).answer == 2.5
    assert solve("chart.pair_sum", spec, a="East", b="West", series=None).answer == 60
    assert solve("chart.count_above", spec, series=None, threshold=40).answer == 2
    assert solve("chart.compare", spec, a="North", b="East", series=None).answer == "no"


def test_axis_read_values_state_tolerance():
    spec = bar_spec([30, 70, 50, 10], annotated=False, step=20)
    sol = solve("chart.value", spec, label="South", series=None)
    assert sol.answer == 70 and sol.tolerance == 5 and sol.extra["readable_from"] == "axis"
    assert solve("chart.difference", spec, a="North", b="South", series=None).tolerance == 10
    assert solve("chart.count_above", spec, series=None, threshold=40).answer == 2
    with pytest.raises(NotApplicable):  # 48 is within the reading tolerance (5) of East's 50
        solve("chart.count_above", spec, series=None, threshold=48)


def test_multi_hop_and_time_questions():
    spec = line_spec()
    hop = solve("chart.multi_hop", spec, a="Oslo", b="Lima")  # Lima peaks in Feb (30); Oslo in Feb is 10
    assert hop.answer == 10 and "Feb" in hop.rationale
    assert solve("chart.multi_hop", spec, a="Lima", b="Oslo").answer == 25  # Oslo peaks in Mar
    assert solve("chart.biggest_rise", spec, series="Oslo").answer == "Feb to Mar"
    assert solve("chart.direction", spec, series="Lima", start="Jan", end="Apr").answer == "decreased"
    with pytest.raises(NotApplicable):  # 25 vs 25 in Mar: a tie
        solve("chart.series_max", spec, label="Mar")
    assert solve("chart.series_max", spec, label="Jan").answer == "Lima"
    value = solve("chart.value", spec, label="Apr", series="Oslo")
    assert value.answer == 20 and value.fields["subject"] == "Oslo" and value.fields["context"] == " in Apr"


def test_stacked_totals_and_segment_tolerance():
    spec = bar_spec([0, 0, 0], annotated=False, step=10)
    spec.update(kind="stacked_bar", stacked=True, category_colors=None,
                series=[{"name": "2023", "color": "red", "values": [10, 20, 15]},
                        {"name": "2024", "color": "blue", "values": [25, 5, 30]}])
    total = solve("chart.total_of", spec, label="East")
    assert total.answer == 45 and total.tolerance == 2.5  # the stack's top is read once
    assert solve("chart.total_max", spec).answer == "East"
    assert solve("chart.value", spec, label="North", series="2023").tolerance == 2.5
    assert solve("chart.value", spec, label="North", series="2024").tolerance == 5  # between two readings


def test_pie_without_labels_refuses_values_and_close_slices():
    spec = bar_spec([40, 38, 22], annotated=False)
    spec.update(kind="pie", axis=None)
    with pytest.raises(NotApplicable):
        solve("chart.value", spec, label="North", series=None)
    with pytest.raises(NotApplicable):  # 40 vs 38 cannot be told apart by eye
        solve("chart.max_label", spec, series=None)
    assert solve("chart.min_label", spec, series=None).answer == "East"


def test_scatter_solvers_on_hand_spec():
    rising = [[x, x * 2 + 5] for x in range(0, 40, 5)]
    spec = {"kind": "scatter", "group_name": "class", "group_plural": "classes",
            "x": {"name": "hours", "unit": "h", "axis": {"min": 0, "max": 40, "step": 10}},
            "y": {"name": "score", "unit": "", "axis": {"min": 0, "max": 100, "step": 20}},
            "groups": [{"name": "A", "color": "red", "points": rising},
                       {"name": "B", "color": "blue", "points": [[30, 10], [35, 12], [38, 8]]}]}
    assert solve("chart.scatter_trend", spec, name="A").answer == "increases"
    assert solve("chart.scatter_count_points", spec, name="B").answer == 3
    assert solve("chart.scatter_total_points", spec).answer == 11
    assert solve("chart.scatter_highest_group", spec).answer == "A"
    assert solve("chart.scatter_rightmost_group", spec).answer == "B"
    assert solve("chart.scatter_group_by_color", spec, color="blue").answer == "B"


def test_small_colour_sets_avoid_look_alikes():
    for name, palette in palettes().items():
        for seed in range(20):
            chosen = distinct_colors(np.random.default_rng(seed), palette, 3)
            assert len(set(chosen)) == 3
            for i, a in enumerate(chosen):
                for b in chosen[i + 1:]:
                    assert np.linalg.norm(np.subtract(rgb(a), rgb(b))) >= MIN_COLOR_DISTANCE, (name, a, b)


def test_axis_helpers():
    assert nice_step(100, 5) == 20
    assert ticks({"min": 0, "max": 1, "step": 0.2}) == [0, 0.2, 0.4, 0.6, 0.8, 1]
    assert half_grid({"min": 0, "max": 20, "step": 10}) == [5, 10, 15, 20]
    assert read_tolerance({"step": 10}) == 2.5
    assert value_label(12500) == "12,500" and value_label(2.5) == "2.5"


# --- generated samples -------------------------------------------------------------------
@pytest.mark.parametrize("name", CHARTS)
def test_registered_with_enough_families(name):
    assert name in names("chart.*")
    gen = create(name)
    assert gen.task == "chart" and len(gen.families) >= 8


@pytest.mark.parametrize("name", CHARTS)
def test_deterministic_spec_and_image(name):
    a, sa = record_of(name, 5, 3)
    b, sb = record_of(name, 5, 3)
    assert a == b
    assert sa.images[0].tobytes() == sb.images[0].tobytes()
    assert record_of(name, 5, 4)[0]["source"] != a["source"]


@pytest.mark.parametrize("name", CHARTS)
def test_answers_recomputed_and_records_valid(name):
    gen = create(name)
    for i in range(12):
        rec, _ = record_of(name, 1, i)
        assert validate_record(rec) == []
        assert gen.verify(rec) == [], (i, gen.verify(rec))
        for qa in rec["qa"]:
            fam = next(f for f in gen.families if f.name == qa["family"])
            assert qa["answer_type"] == ("choice" if qa["options"] else fam.answer_type)
            if qa["skill"] == "reasoning":
                assert qa["rationale"], qa
            if qa["answer_type"] == "number" and "tolerance" in qa:
                assert qa["readable_from"] in ("annotation", "axis")
    tampered = copy.deepcopy(rec)
    tampered["qa"][0]["answer"] = "definitely wrong" if isinstance(rec["qa"][0]["answer"], str) else -12345
    assert gen.verify(tampered)


@pytest.mark.parametrize("name", CHARTS)
def test_multiple_choice_answer_once_and_distractors_differ(name):
    gen = create(name)
    asked = assert_mc_forms(gen, [gen.make(2, i).source for i in range(6)])
    assert asked > 10


def _legible(name: str, seed: int, index: int) -> None:
    rec, sample = record_of(name, seed, index)
    texts = sample.texts
    w, h = sample.images[0].size
    assert texts and not find_overlaps(texts), find_overlaps(texts)[:1]
    for t in texts:
        assert t.height >= MIN_TEXT_PX, t
        assert 0 <= t.box[0] and 0 <= t.box[1] and t.box[2] <= w and t.box[3] <= h, t
    shown = {t.text for t in texts}
    spec = rec["source"]
    for cat in spec.get("categories", []):
        assert any(cat in s for s in shown), f"category {cat} not drawn"
    for qa in rec["qa"]:
        if qa.get("readable_from") == "annotation" and qa["family"] == "chart.value":
            v = qa["answer"] if not qa["options"] else float(qa["answer"])
            assert any(value_label(v) in s for s in shown), f"{v} not printed"
        if qa.get("readable_from") == "axis" and qa["family"] == "chart.value":
            grid = half_grid(spec["axis"])
            assert float(qa["answer"]) in grid or float(qa["answer"]) - spec["axis"]["min"] in grid


def _values_readable(name: str, seed: int, index: int) -> None:
    """Every value is printed when the spec says annotated, else it sits on the axis's half-step grid."""
    rec, sample = record_of(name, seed, index)
    spec = rec["source"]
    if spec["kind"] == "scatter":
        return
    shown = [t.text for t in sample.texts]
    for s in spec["series"]:
        for v in s["values"]:
            if spec["annotated"] and spec["axis"] is None:
                assert any(f"({v}%)" in t for t in shown), (v, shown)
            elif spec["annotated"]:
                assert value_label(v) in shown, (v, shown)
            elif spec["axis"] is not None:  # (an unlabelled pie asks for no values at all)
                steps = (v - spec["axis"]["min"]) / (spec["axis"]["step"] / 2)
                assert abs(steps - round(steps)) < 1e-9, (v, spec["axis"])


@settings(max_examples=60, deadline=None)
@given(name=st.sampled_from([c for c in CHARTS if c != "chart.scatter"]), seed=st.integers(0, 10_000),
       index=st.integers(0, 10_000))
def test_property_values_printed_or_on_the_grid(name, seed, index):
    _values_readable(name, seed, index)


@settings(max_examples=80, deadline=None)
@given(name=st.sampled_from(CHARTS), seed=st.integers(0, 10_000), index=st.integers(0, 10_000))
def test_property_legible_over_seeds(name, seed, index):
    _legible(name, seed, index)


@settings(max_examples=40, deadline=None)
@given(name=st.sampled_from(CHARTS), seed=st.integers(0, 10_000), index=st.integers(0, 10_000))
def test_property_verify_over_seeds(name, seed, index):
    rec, _ = record_of(name, seed, index)
    assert validate_record(rec) == [] and create(name).verify(rec) == []


COLOR_FAMILIES = ("chart.category_color", "chart.series_color", "chart.scatter_group_color")


@pytest.mark.parametrize("name", ["chart.bar", "chart.pie", "chart.line", "chart.scatter"])
def test_colour_answers_are_named_and_drawn(name):
    gen = create(name)
    found = 0
    for i in range(20):
        sample = gen.make(9, i)
        if sample.style["noise"]:
            continue
        pixels = {tuple(p) for p in np.asarray(sample.images[0]).reshape(-1, 3)}
        for fam in gen.families:
            if fam.name not in COLOR_FAMILIES:
                continue
            try:
                answer = fam.solve(sample.source, **fam.bind(sample.source, np.random.default_rng(i))).answer
            except NotApplicable:
                continue
            assert answer in colors() and rgb(answer) in pixels, (i, fam.name, answer)
            found += 1
    assert found


def test_crowded_labels_grow_the_canvas_instead_of_overlapping():
    spec = bar_spec([10, 20, 30, 40], annotated=True)
    spec["categories"] = ["Extraordinarily long region name", "Another very long region", "Third long one",
                          "Fourth long region name"]
    style = sample_chart_style(np.random.default_rng(0))
    style.update(width=300, height=200, font_size=18, rotation=45)
    out = render_category(spec, style)
    assert not find_overlaps(out.texts)
    assert out.images[0].size[0] >= 300 and all(t.box[2] <= out.images[0].size[0] for t in out.texts)


@pytest.mark.parametrize("labels", ["beside", "legend"])
def test_long_pie_title_widens_the_canvas(labels):
    spec = bar_spec([50, 30, 20])
    spec.update(kind="pie", axis=None, title="Share of electricity generation by energy source, in per cent")
    style = sample_chart_style(np.random.default_rng(3))
    style.update(width=400, height=400, pie_labels=labels, title_size=22)
    out = render_pie(spec, style)
    w, h = out.images[0].size
    assert not find_overlaps(out.texts)
    assert all(t.box[0] >= 0 and t.box[2] <= w and t.box[3] <= h for t in out.texts)
