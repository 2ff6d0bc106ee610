"""Sensible content (issue 14): what the generators draw agrees with the world. Before the
issue a league table gave 1 win 60 points, a peanut-butter label listed basil, a form was
signed before the date of birth, a café receipt listed olive oil and a small home had two
dining rooms."""

import re
from collections import Counter

import networkx as nx

from generators.textrich.content import vocab as textrich_vocab
from mmsynth import registry
from mmsynth.rand import rng_for

N = 30


def _specs(name, n=N):
    gen = registry.create(name)
    return [gen.sample_spec(rng_for(7, i, name)) for i in range(n)]


def test_standings_follow_from_wins_draws_and_losses():
    tables = [s for s in _specs("table.basic", 100) if s["theme"] == "league"]
    assert len(tables) >= 5
    for spec in tables:
        names = [c["name"] for c in spec["columns"]]
        assert {"Wins", "Draws", "Losses", "Points"} <= set(names), names
        col = {n: [row[names.index(n)] for row in spec["rows"]] for n in names}
        games = {w + d + l for w, d, l in zip(col["Wins"], col["Draws"], col["Losses"])}
        assert len(games) == 1 and (("Played" not in col) or set(col["Played"]) == games)
        assert col["Points"] == [3 * w + d for w, d in zip(col["Wins"], col["Draws"])]
        assert col["Points"] == sorted(col["Points"], reverse=True)


def _lines(spec, role):
    return [ln["text"] for ln in spec["lines"] if ln["role"] == role]


def test_ingredients_belong_to_the_product():
    products = textrich_vocab()["products"]
    for spec in _specs("textrich.product_label"):
        product = _lines(spec, "title")[0]
        listed = " ".join(_lines(spec, "ingredients")).removeprefix("Ingredients: ").rstrip(".")
        items = [i.strip() for i in listed.split(",")]
        assert set(items) <= set(products[product]), (product, items)
        assert items[0] == products[product][0]


def test_receipts_list_what_the_shop_sells():
    kinds = textrich_vocab()["shop_kinds"]
    for spec in _specs("textrich.receipt"):
        shop = _lines(spec, "title")[0]
        kind = next(k for k in kinds.values() if shop in k["shops"])
        assert {it["name"] for it in spec["items"]} <= set(kind["items"]), shop


def _year(text):
    return int(re.search(r"\b(19|20)\d\d\b", text).group(0))


def test_forms_are_signed_after_the_date_of_birth():
    seen = 0
    for spec in _specs("textrich.form", 40):
        birth = spec["fields"].get("birth")
        if birth:
            seen += 1
            assert _year(birth) + 5 < _year(spec["date"]), (birth, spec["date"])
    assert seen >= 10


def test_homes_have_one_of_each_room_a_home_has_one_of_and_every_room_is_reachable():
    for name in ("floorplan.home", "floorplan.office"):
        for spec in _specs(name, 30):
            count = Counter(r["type"] for r in spec["rooms"])
            for t in ("living_room", "kitchen", "dining_room", "laundry", "study", "hall", "reception"):
                assert count[t] <= 1, (name, count)
            g = nx.Graph([tuple(d["rooms"]) for d in spec["doors"]])
            g.add_nodes_from(r["name"] for r in spec["rooms"])
            assert nx.is_connected(g), name
