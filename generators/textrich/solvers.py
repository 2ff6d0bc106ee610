"""Question solvers of the text-rich documents, over the spec's lines, items and fields.

Reading order is computed from the line boxes (rows top to bottom, left to right in a
row), the same rule the OCR uses, so "list all text" means the same thing for both.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from generators.textrich.content import money, vocab
from mmsynth.errors import NotApplicable
from mmsynth.llavar.families import bind_text_at, bind_text_below, solve_text_at, solve_text_below
from mmsynth.ocr import Word, group_lines
from mmsynth.questions import Solution, Solvers, load_families
from mmsynth.rand import pick, randint
from mmsynth.record import format_number

Q = Solvers()
ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")


def reading_order(spec: dict) -> list[dict]:
    """The spec's lines in reading order."""
    as_words = [Word(str(i), tuple(ln["box"]), 1.0) for i, ln in enumerate(spec["lines"])]
    return [spec["lines"][int(w.text)] for row in group_lines(as_words) for w in row.words]


def _doc_fields(spec: dict) -> dict:
    singular, plural = spec["item_noun"]
    return {"doc": spec["doc"], "item": singular, "items": plural}


def _other_texts(spec: dict, answer: str) -> list[str]:
    return [ln["text"] for ln in spec["lines"] if ln["text"] != answer][:6]


@Q.solve("textrich.title")
def _title(spec: dict) -> Solution:
    return Solution(spec["title"], distractors=_other_texts(spec, spec["title"]),
                    fields={"title_phrase": spec["title_phrase"], **_doc_fields(spec)})


def _single_column(spec: dict) -> None:
    """Orders ('the third dish', 'all text in reading order') are ambiguous across columns."""
    if spec.get("columns", 1) > 1:
        raise NotApplicable("several columns: no single reading order")


@Q.solve("textrich.read_all")
def _read_all(spec: dict) -> Solution:
    _single_column(spec)
    return Solution("\n".join(ln["text"] for ln in reading_order(spec)), fields=_doc_fields(spec))


@Q.solve("textrich.count_words")
def _count_words(spec: dict) -> Solution:
    n = sum(len(ln["words"]) for ln in spec["lines"])
    per_line = " + ".join(str(len(ln["words"])) for ln in reading_order(spec))
    return Solution(n, rationale=f"Words per line: {per_line} = {n}", distractors=[n - 1, n + 1, n + 2],
                    fields=_doc_fields(spec))


def _require_items(spec: dict, value_kind: str | None = None, at_least: int = 1) -> list[dict]:
    items = spec["items"]
    if len(items) < at_least or (value_kind and spec["value_kind"] != value_kind):
        raise NotApplicable(f"needs {at_least}+ items of kind {value_kind}")
    return items


@Q.solve("textrich.count_items")
def _count_items(spec: dict) -> Solution:
    n = len(_require_items(spec))
    return Solution(n, distractors=[n - 1, n + 1, n + 2], fields=_doc_fields(spec))


@Q.bind("textrich.item_at")
def _bind_item_at(spec: dict, rng: np.random.Generator) -> dict:
    _single_column(spec)
    n = len(_require_items(spec, at_least=2))
    k = randint(rng, 0, min(n, len(ORDINALS)) - 1)
    return {"ordinal": "last" if k == n - 1 and rng.random() < 0.5 else ORDINALS[k]}


@Q.solve("textrich.item_at")
def _item_at(spec: dict, ordinal: str) -> Solution:
    _single_column(spec)
    items = _require_items(spec, at_least=2)
    k = len(items) - 1 if ordinal == "last" else ORDINALS.index(ordinal)
    if k >= len(items):
        raise NotApplicable(f"no {ordinal} item")
    names = [it["name"] for it in items]
    return Solution(names[k], distractors=names[:k] + names[k + 1:], fields=_doc_fields(spec))


def _bind_item(value_kind: str):
    def bind(spec: dict, rng: np.random.Generator) -> dict:
        return {"name": pick(rng, _require_items(spec, value_kind))["name"]}
    return bind


def _item(spec: dict, name: str, value_kind: str) -> dict:
    hits = [it for it in _require_items(spec, value_kind) if it["name"] == name]
    if len(hits) != 1:
        raise NotApplicable(f"{name!r} is not exactly one item")
    return hits[0]


def _price_text(spec: dict, value: float) -> str:
    return money(value, spec["currency"], cents=spec["kind"] != "menu")


Q.bind("textrich.item_price")(_bind_item("price"))
Q.bind("textrich.distance_to")(_bind_item("distance"))
Q.bind("textrich.direction_to")(_bind_item("distance"))


def _item_value(spec: dict, name: str, value_kind: str, shown: str) -> Solution:
    value = _item(spec, name, value_kind)["value"]
    others = [it["value"] for it in spec["items"] if it["name"] != name]
    return Solution(value, rationale=f"The line for {name} shows {shown}.", distractors=others[:3], tolerance=0,
                    extra={"readable_from": "annotation"}, fields=_doc_fields(spec))


@Q.solve("textrich.item_price")
def _item_price(spec: dict, name: str) -> Solution:
    return _item_value(spec, name, "price", _price_text(spec, _item(spec, name, "price")["value"]))


@Q.solve("textrich.distance_to")
def _distance_to(spec: dict, name: str) -> Solution:
    return _item_value(spec, name, "distance", f"{format_number(_item(spec, name, 'distance')['value'])} km")


@Q.solve("textrich.direction_to")
def _direction_to(spec: dict, name: str) -> Solution:
    d = _item(spec, name, "distance")["direction"]
    return Solution(d, rationale=f"The plate for {name} points {d}.",
                    distractors=["right" if d == "left" else "left"], fields=_doc_fields(spec))


@Q.solve("textrich.total")
def _total(spec: dict) -> Solution:
    if spec["kind"] != "receipt":
        raise NotApplicable("only receipts have a total")
    items = _require_items(spec, "price")
    total = round(sum(it["value"] for it in items), 2)
    terms = " + ".join(f"{it['value']:.2f}" for it in items)
    return Solution(total, rationale=f"{terms} = {total:.2f}", distractors=[
        round(total - items[-1]["value"], 2), round(total + 1, 2), round(total - 1, 2)], tolerance=0)


@Q.bind("textrich.pair_cost")
def _bind_pair(spec: dict, rng: np.random.Generator) -> dict:
    items = _require_items(spec, "price", at_least=2)
    i, j = sorted(int(x) for x in rng.choice(len(items), size=2, replace=False))
    return {"a": items[i]["name"], "b": items[j]["name"]}


@Q.solve("textrich.pair_cost")
def _pair_cost(spec: dict, a: str, b: str) -> Solution:
    va, vb = _item(spec, a, "price")["value"], _item(spec, b, "price")["value"]
    total = round(va + vb, 2)
    return Solution(total, rationale=f"{a} {va:.2f} + {b} {vb:.2f} = {total:.2f}",
                    distractors=[round(total + 1, 2), round(abs(va - vb), 2), round(total * 2, 2)],
                    tolerance=0, fields=_doc_fields(spec))


def _extreme(spec: dict, value_kind: str, largest: bool) -> Solution:
    items = _require_items(spec, value_kind, at_least=2)
    ranked = sorted(items, key=lambda it: it["value"], reverse=largest)
    if ranked[0]["value"] == ranked[1]["value"]:
        raise NotApplicable("tie")
    order = (" > " if largest else " < ").join(f"{it['name']} {format_number(it['value'])}" for it in ranked)
    return Solution(ranked[0]["name"], rationale=order, distractors=[it["name"] for it in ranked[1:]],
                    fields=_doc_fields(spec))


Q.solve("textrich.most_expensive")(lambda spec: _extreme(spec, "price", True))
Q.solve("textrich.cheapest")(lambda spec: _extreme(spec, "price", False))
Q.solve("textrich.farthest")(lambda spec: _extreme(spec, "distance", True))
Q.solve("textrich.nearest")(lambda spec: _extreme(spec, "distance", False))


@Q.solve("textrich.date")
def _date(spec: dict) -> Solution:
    if not spec["date"]:
        raise NotApplicable("no date")
    return Solution(spec["date"], fields=_doc_fields(spec))


@Q.bind("textrich.field")
def _bind_field(spec: dict, rng: np.random.Generator) -> dict:
    if not spec["fields"]:
        raise NotApplicable("no fields")
    key = pick(rng, sorted(spec["fields"]))
    return {"key": key, "field_phrase": vocab()["field_phrases"][key]}


@Q.solve("textrich.field")
def _field(spec: dict, key: str, field_phrase: str) -> Solution:
    if key not in spec["fields"]:
        raise NotApplicable(f"no field {key}")
    answer = spec["fields"][key]
    others = [v for k, v in sorted(spec["fields"].items()) if k != key]
    return Solution(answer, distractors=others, fields=_doc_fields(spec))


Q.bind("textrich.text_below")(bind_text_below)
Q.solve("textrich.text_below")(solve_text_below)
Q.bind("textrich.text_at")(bind_text_at)
Q.solve("textrich.text_at")(solve_text_at)

FAMILIES = load_families(Path(__file__).with_name("questions.yaml"), Q)
