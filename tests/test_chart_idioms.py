"""The chart idioms and themes (issue 15): at least 20 chart kinds, each deterministic,
verified, legible (no overlapping or clipped text) and drawn differently by each theme;
hand-made specs check the idiom solvers; values look measured and axes fit the data."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mmsynth.draw import MIN_TEXT_PX, find_overlaps
from mmsynth.errors import NotApplicable
from mmsynth.registry import create, names

from gen_checks import assert_deterministic_and_verified, record_of

from generators.charts.axis import fit_axis, ticks
from generators.charts.layout import choose_rotation
from generators.charts.render_axes import fonts_for
from generators.charts.solvers import Q
from generators.charts.style import THEME_NAMES, sample_chart_style

IDIOMS = ["chart.lollipop", "chart.dot_plot", "chart.histogram", "chart.error_bar", "chart.log_scale", "chart.slope",
          "chart.waterfall", "chart.funnel", "chart.heatmap", "chart.radar", "chart.small_multiples"]


def test_at_least_twenty_chart_kinds_with_eight_families():
    kinds = names("chart.*")
    assert len(kinds) >= 20 and set(IDIOMS) <= set(kinds)
    for name in IDIOMS:
        assert len([f for f in create(name).families if not f.name.endswith("describe")]) >= 8, name


@pytest.mark.parametrize("name", IDIOMS)
def test_deterministic_and_verified(name):
    for rec in assert_deterministic_and_verified(name):
        for qa in rec["qa"]:
            if qa["skill"] == "reasoning" and not qa["family"].endswith("describe"):
                assert qa["rationale"], qa


@settings(max_examples=60, deadline=None)
@given(name=st.sampled_from(IDIOMS), seed=st.integers(0, 10_000), index=st.integers(0, 10_000))
def test_property_legible_and_verified(name, seed, index):
    rec, sample = record_of(name, seed, index)
    w, h = sample.images[0].size
    assert not find_overlaps(sample.texts), find_overlaps(sample.texts)[:1]
    for t in sample.texts:
        assert t.height >= MIN_TEXT_PX and 0 <= t.box[0] and 0 <= t.box[1] and t.box[2] <= w and t.box[3] <= h, t
    shown = " ".join(t.text for t in sample.texts)
    for cat in rec["source"]["categories"]:
        assert cat in shown, f"category {cat} not drawn"
    assert create(name).verify(rec) == []


@pytest.mark.parametrize("name", ["chart.bar", "chart.line", "chart.pie", "chart.scatter", "chart.waterfall",
                                  "chart.funnel", "chart.heatmap", "chart.radar"])
def test_each_theme_draws_differently(name):
    gen = create(name)
    spec = gen.sample_spec(np.random.default_rng(3))
    drawn = {}
    for theme in THEME_NAMES:
        style = sample_chart_style(np.random.default_rng(11), theme)
        style["noise"] = 0.0
        drawn[theme] = gen.render(spec, style).images[0]
    pixels = {t: (im.size, im.tobytes()) for t, im in drawn.items()}
    assert len(set(pixels.values())) == len(THEME_NAMES)
    dark = np.asarray(drawn["dashboard"].convert("L")).mean()
    light = np.asarray(drawn["spreadsheet"].convert("L")).mean()
    assert dark < 100 < light


def test_theme_elements_are_drawn():
    gen = create("chart.bar")
    spec = gen.sample_spec(np.random.default_rng(5))
    style = sample_chart_style(np.random.default_rng(0), "news")
    style.update(subtitle=True, source="Source: Eurostat")
    roles = {t.role for t in gen.render(spec, style).texts}
    assert {"title", "subtitle", "source"} <= roles
    style = sample_chart_style(np.random.default_rng(0), "scientific")
    style.update(panel_letter="a")
    texts = gen.render(spec, style).texts
    assert any(t.role == "panel" and t.text == "(a)" for t in texts)


def test_values_are_not_round_and_axes_fit_the_data():
    gen = create("chart.bar")
    printed, tops = [], []
    for i in range(40):
        spec = gen.sample_spec(np.random.default_rng(i))
        vals = spec["series"][0]["values"]
        if spec["annotated"]:
            printed += vals
        axis = spec["axis"]
        tops.append(max(vals) > axis["max"] - 1.5 * axis["step"])
    assert sum(v % 25 != 0 for v in printed) > 0.8 * len(printed)
    assert all(tops)  # no axis running on far above its data


def test_fit_axis_keeps_the_grid_and_room():
    axis = fit_axis({"min": 0, "max": 1200, "step": 200}, [[300, 700, 650]])
    assert axis == {"min": 0, "max": 800, "step": 200}
    assert ticks({"min": 10, "max": 100000, "step": 10, "scale": "log"}) == [10, 100, 1000, 10000, 100000]


def test_labels_turn_only_when_level_ones_collide():
    f = fonts_for(sample_chart_style(np.random.default_rng(0)))
    assert choose_rotation(["Jan", "Feb", "Mar"], f.tick, 80, 90) == 0
    assert choose_rotation(["A very long category name"] * 3, f.tick, 60, 45) in (45, 90)


# --- idiom solvers on hand-made specs -------------------------------------------------------------
def _solve(family: str, spec: dict, **slots):
    return Q.solvers[family](spec, **slots)


def _spec(kind: str, cats: list[str], series: list[tuple[str, list[float]]], **extra) -> dict:
    spec = {"kind": kind, "theme": "t", "title": "T", "measure": "sales", "unit": "", "category_name": "item",
            "category_plural": "items", "category_scope": "in {}", "series_name": "city", "series_plural": "cities",
            "series_scope": "in {}", "categories": cats, "category_colors": None, "stacked": False,
            "additive": True, "annotated": True, "axis": {"min": 0, "max": 100, "step": 20},
            "series": [{"name": n, "color": "red", "values": v} for n, v in series]}
    spec.update(extra)
    return spec


def test_waterfall_solvers():
    spec = _spec("waterfall", ["Prices", "Wages", "Energy"], [("values", [30, -12, -5])],
                 start={"label": "2023 profit", "value": 100}, end={"label": "2024 profit"}, base="operating profit")
    assert _solve("chart.running_total", spec, label="Wages").answer == 118
    assert _solve("chart.final_value", spec).answer == 113
    assert _solve("chart.count_decreases", spec).answer == 2
    assert _solve("chart.sum", spec, series=None).answer == 13
    assert _solve("chart.min_label", spec, series=None).answer == "Wages"


def test_funnel_solvers():
    spec = _spec("funnel", ["Visited", "Cart", "Paid"], [("values", [1000, 400, 300])], axis=None)
    assert _solve("chart.conversion", spec, a="Visited", b="Paid").answer == 30.0
    assert _solve("chart.biggest_drop", spec).answer == "Visited to Cart"
    assert _solve("chart.label_at", spec, position=1).fields["side"] == "top"


def test_error_bar_solvers():
    spec = _spec("error_bar", ["A", "B", "C"], [("values", [40, 50, 90])], annotated=False, errors=[10, 10, 5])
    assert _solve("chart.error_of", spec, label="C").answer == 5
    assert _solve("chart.error_overlap", spec, a="A", b="B").answer == "yes"  # 30-50 and 40-60
    assert _solve("chart.error_overlap", spec, a="A", b="C").answer == "no"


def test_error_overlap_refuses_bars_that_only_touch():
    spec = _spec("error_bar", ["A", "B"], [("values", [40, 62])], annotated=False, errors=[10, 10])
    with pytest.raises(NotApplicable):
        _solve("chart.error_overlap", spec, a="A", b="B")


def test_change_solvers_on_a_slope():
    spec = _spec("slope", ["2019", "2024"], [("Oslo", [40, 70]), ("Lima", [60, 50]), ("Perth", [20, 35])],
                 annotated=False)
    assert _solve("chart.change_of", spec, series="Lima", start="2019", end="2024").answer == -10
    assert _solve("chart.most_growth", spec, start="2019", end="2024").answer == "Oslo"
    assert _solve("chart.count_rising", spec, start="2019", end="2024").answer == 2
