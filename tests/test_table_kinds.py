"""The table kinds (issue 15): standings, financial statements and nutrition labels are
deterministic, verified and legible; their content is consistent (standings follow from
W/D/L, subtotals are sums, calories follow from the macronutrients); header hierarchy,
parentheses and sub-rows are what the questions need; the style changes the drawing."""
from __future__ import annotations

import numpy as np
import pytest
from gen_checks import assert_deterministic_and_verified, record_of
from hypothesis import given, settings
from hypothesis import strategies as st

from generators.tables.comparison import CROSS, TICK, C
from generators.tables.financial import SUBTOTALS, F, amount
from generators.tables.nutrition import PARTS, N
from generators.tables.schedule import W, schedule_grid
from generators.tables.standings import S
from mmsynth.draw import MIN_TEXT_PX, find_overlaps
from mmsynth.registry import create, names

KINDS = ["table.standings", "table.financial", "table.nutrition", "table.comparison", "table.schedule"]


def test_registered_with_enough_families():
    assert set(KINDS) <= set(names("table.*")) and len(names("table.*")) >= 6
    for name in KINDS:
        assert len([f for f in create(name).families if not f.name.endswith("describe")]) >= 8


@pytest.mark.parametrize("name", KINDS)
def test_deterministic_and_verified(name):
    assert_deterministic_and_verified(name)


@settings(max_examples=40, deadline=None)
@given(name=st.sampled_from(KINDS), seed=st.integers(0, 10_000), index=st.integers(0, 10_000))
def test_property_legible(name, seed, index):
    _, sample = record_of(name, seed, index)
    w, h = sample.images[0].size
    assert not find_overlaps(sample.texts)
    for t in sample.texts:
        assert t.height >= MIN_TEXT_PX and t.box[0] >= 0 and t.box[1] >= 0 and t.box[2] <= w and t.box[3] <= h, t


@pytest.mark.parametrize("seed", range(30))
def test_standings_follow_from_the_matches(seed):
    spec = create("table.standings").sample_spec(np.random.default_rng(seed))
    keys = []
    for team, p, w, d, l, gf, ga, gd, pts in spec["rows"]:
        assert p == w + d + l and pts == 3 * w + d and gd == gf - ga
        keys.append((pts, gd, gf))
    assert keys == sorted(keys, reverse=True) and len(set(keys)) == len(keys)


@pytest.mark.parametrize("seed", range(30))
def test_statement_subtotals_are_sums(seed):
    spec = create("table.financial").sample_spec(np.random.default_rng(seed))
    items = [r[0] for r in spec["rows"]]
    for j in range(1, len(spec["columns"])):
        col = {r[0]: r[j] for r in spec["rows"]}
        assert col["Gross profit"] == col["Revenue"] + col["Cost of sales"]
        between = items[items.index("Gross profit") + 1:items.index("Operating profit")]
        assert col["Operating profit"] == col["Gross profit"] + sum(col[i] for i in between)
        assert col["Net profit"] == col["Profit before tax"] + col["Income tax"]
        assert all(col[i] < 0 for i in ("Cost of sales", "Income tax", *between) if col[i] != 0)


@pytest.mark.parametrize("seed", range(30))
def test_nutrition_label_is_consistent(seed):
    spec = create("table.nutrition").sample_spec(np.random.default_rng(seed))
    g = {r[0]: r[1] for r in spec["rows"]}
    energy = 9 * g["Total Fat"] + 4 * g["Total Carbohydrate"] + 4 * g["Protein"]
    assert abs(spec["calories"] - energy) <= 5 and spec["calories"] % 10 == 0
    for parent, parts in PARTS.items():
        assert sum(g[p] for p in parts) <= g[parent]
    assert g["Added Sugars"] <= g["Total Sugars"]
    if spec["product"] == "Whole milk":
        assert g["Added Sugars"] == 0 and g["Dietary Fiber"] == 0


def test_hand_checked_solvers():
    standings = {"rows": [["A", 4, 3, 1, 0, 9, 2, 7, 10], ["B", 4, 2, 0, 2, 5, 5, 0, 6], ["C", 4, 0, 1, 3, 1, 8, -7, 1]]}
    assert S.solvers["table.standings_gap"](standings, a="A", b="C").answer == 9
    assert S.solvers["table.standings_position"](standings, team="B").answer == 2
    assert S.solvers["table.standings_most"](standings, record="conceded the fewest goals").answer == "A"
    assert S.solvers["table.standings_win_rate"](standings, team="B").answer == 50.0
    fin = {"columns": [{"name": "Item"}, {"name": "2023"}, {"name": "2024"}],
           "rows": [["Revenue", 1000, 1100], ["Cost of sales", -600, -650], ["Gross profit", 400, 450],
                    ["Marketing", -100, -120], ["Operating profit", 300, 330]]}
    assert F.solvers["table.fin_growth"](fin, y1="2023", y2="2024").answer == 10.0
    assert F.solvers["table.fin_margin"]({**fin, "rows": fin["rows"] + [["Net profit", 200, 220]]},
                                         margin="gross", year="2024").answer == 40.9
    assert F.solvers["table.fin_count_negative"](fin, year="2023").answer == 2
    assert F.solvers["table.fin_operating_costs"](fin, year="2024").answer == 120
    assert amount(-1234) == "(1,234)" and amount(1234) == "1,234" and "Net profit" in SUBTOTALS
    label = {"servings": 3, "calories": 150, "rows": [["Total Fat", 9, 12], ["Saturated Fat", 5, 25],
                                                      ["Trans Fat", 0, None], ["Protein", 7, None]]}
    assert N.solvers["table.nut_rest_of"](label, parent="Total Fat").answer == 4
    assert N.solvers["table.nut_container"](label).answer == 450
    assert N.solvers["table.nut_highest_dv"](label).answer == "Saturated Fat"


@pytest.mark.parametrize("name", KINDS)
def test_style_changes_the_drawing(name):
    gen = create(name)
    spec = gen.sample_spec(np.random.default_rng(1))
    styles = [gen.sample_style(np.random.default_rng(s)) for s in range(4)]
    for s in styles:
        s["noise"] = 0.0
    drawn = {gen.render(spec, s).images[0].tobytes() for s in styles}
    assert len(drawn) == len(styles)


@pytest.mark.parametrize("seed", range(20))
def test_comparison_products_differ_and_glyphs_are_drawn(seed):
    gen = create("table.comparison")
    spec = gen.sample_spec(np.random.default_rng(seed))
    assert len({tuple(col) for col in zip(*spec["has"])}) == len(spec["products"])
    assert len(set(spec["prices"])) == len(spec["prices"]) and all(round(p % 1, 2) == 0.99 for p in spec["prices"])
    style = gen.sample_style(np.random.default_rng(seed))
    drawn = [t.text for t in gen.render(spec, style).texts if t.role == "glyph"]
    assert sorted(drawn) == sorted(TICK if h else CROSS for row in spec["has"] for h in row)


@pytest.mark.parametrize("seed", range(20))
def test_schedule_events_are_merged_cells_that_never_clash(seed):
    gen = create("table.schedule")
    spec = gen.sample_spec(np.random.default_rng(seed))
    for day in spec["days"]:
        events = sorted((e for e in spec["events"] if e["day"] == day), key=lambda e: e["start"])
        assert len({e["name"] for e in events}) == len(events)
        assert all(a["start"] + a["hours"] <= b["start"] for a, b in zip(events, events[1:]))
        assert all(e["start"] + e["hours"] <= spec["first_hour"] + spec["hours"] for e in events)
    grid = schedule_grid(spec)
    merged = [c for row in grid.body for c in row if c is not None and c.down > 1]
    assert len(merged) == sum(e["hours"] > 1 for e in spec["events"])
    assert sum(c is None for row in grid.body for c in row) == sum(e["hours"] - 1 for e in spec["events"])


def test_comparison_and_schedule_solvers():
    cmp_spec = {"products": ["A", "B", "C"], "features": ["Wifi", "GPS"], "has": [[True, False, True], [False, False, True]],
                "prices": [99.99, 49.99, 149.99], "specs": {"Weight": [1.2, 1.0, 1.5]},
                "spec_info": {"Weight": {"unit": "kg", "label": "weight", "best": "least", "superlative": "the lowest"}}}
    assert C.solvers["table.cmp_cheapest_with"](cmp_spec, feature="Wifi").answer == "A"
    assert C.solvers["table.cmp_count_features"](cmp_spec, product="C").answer == 2
    assert C.solvers["table.cmp_best_spec"](cmp_spec, spec_name="Weight").answer == "B"
    assert C.solvers["table.cmp_price_gap"](cmp_spec, a="C", b="B").answer == 100.0
    sch = {"days": ["Mon", "Tue"], "hours": 6, "first_hour": 9,
           "events": [{"day": "Mon", "name": "Yoga", "start": 9, "hours": 2}, {"day": "Mon", "name": "Spin", "start": 12, "hours": 1},
                      {"day": "Tue", "name": "Yoga", "start": 10, "hours": 4}]}
    assert W.solvers["table.sch_at"](sch, day="Mon", time="10:00").answer == "Yoga"
    assert W.solvers["table.sch_end"](sch, day="Tue", event="Yoga").answer == "14:00"
    assert W.solvers["table.sch_free"](sch, day="Mon").answer == 3
    assert W.solvers["table.sch_week_hours"](sch, event="Yoga").answer == 6
    assert W.solvers["table.sch_busiest"](sch).answer == "Tue"
