"""Text-rich generators: hand-derived answers on a hand-made spec, determinism, verification,
word boxes that match what is drawn, no overlaps, and generate -> validate end to end."""
from __future__ import annotations

import io
import json

import pytest

from generators.textrich import layout
from generators.textrich.solvers import FAMILIES, reading_order
from mmsynth.cli import main
from mmsynth.draw import MIN_TEXT_PX, find_overlaps
from mmsynth.errors import NotApplicable
from mmsynth.record import validate_record
from mmsynth.registry import create, names

KINDS = ["textrich.poster", "textrich.book_cover", "textrich.receipt", "textrich.menu", "textrich.street_sign",
         "textrich.slide", "textrich.form", "textrich.product_label"]
FAM = {f.name: f for f in FAMILIES}


def png(img) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def record_of(gen, index: int, seed: int = 0) -> tuple[dict, object]:
    s = gen.make(seed, index)
    return s.record(f"{gen.name}-{seed}-{index:06d}", gen.name, gen.task, ["images/x.png"], seed, index), s


def test_all_eight_kinds_are_registered():
    flat = [n for n in names("textrich.*") if not n.startswith("textrich.photo_")]
    assert flat == sorted(KINDS)  # (each also as a photo: tests/test_textrich_photos.py)


def _line(text: str, box: list[float], role: str = "label") -> dict:
    return {"text": text, "role": role, "box": box, "words": [{"text": t} for t in text.split()]}


@pytest.fixture
def hand_spec() -> dict:
    """A 300x300 receipt-like page drawn on paper by hand (boxes in pixels)."""
    lines = [
        _line("Corner Market", [90, 10, 210, 30], "title"),
        _line("Date: 01/02/2024", [20, 50, 160, 65], "date"),
        _line("Milk", [20, 100, 60, 115], "item"), _line("$1.20", [240, 100, 280, 115], "item_value"),
        _line("Bread", [20, 125, 70, 140], "item"), _line("$2.35", [240, 125, 280, 140], "item_value"),
        _line("Thank you", [110, 270, 190, 285], "footer"),
    ]
    return {"kind": "receipt", "doc": "receipt", "title": "Corner Market", "title_phrase": "the name of the shop",
            "item_noun": ["item", "items"], "width": 300, "height": 300, "lines": lines,
            "items": [{"name": "Milk", "value": 1.2}, {"name": "Bread", "value": 2.35}],
            "value_kind": "price", "currency": "$", "fields": {}, "date": "01/02/2024"}


def test_solvers_on_a_hand_made_spec(hand_spec):
    s = hand_spec
    # reading order: rows top to bottom, name before its price
    assert [ln["text"] for ln in reading_order(s)] == [
        "Corner Market", "Date: 01/02/2024", "Milk", "$1.20", "Bread", "$2.35", "Thank you"]
    assert FAM["textrich.total"].solve(s).answer == 3.55
    assert FAM["textrich.total"].solve(s).rationale == "1.20 + 2.35 = 3.55"
    assert FAM["textrich.item_price"].solve(s, name="Bread").answer == 2.35
    assert FAM["textrich.most_expensive"].solve(s).answer == "Bread"
    assert FAM["textrich.cheapest"].solve(s).answer == "Milk"
    assert FAM["textrich.pair_cost"].solve(s, a="Milk", b="Bread").answer == 3.55
    assert FAM["textrich.count_words"].solve(s).answer == 10  # 2+2+1+1+1+1+2
    assert FAM["textrich.count_items"].solve(s).answer == 2
    assert FAM["textrich.item_at"].solve(s, ordinal="last").answer == "Bread"
    assert FAM["textrich.date"].solve(s).answer == "01/02/2024"
    assert FAM["textrich.title"].solve(s).answer == "Corner Market"
    assert FAM["textrich.text_below"].solve(s, anchor="Milk").answer == "Bread"
    assert FAM["textrich.text_below"].solve(s, anchor="Date: 01/02/2024").answer == "Milk"
    # 'Thank you' is the only line in the bottom-center ninth; the top-center holds only the title
    assert FAM["textrich.text_at"].solve(s, region="bottom-center area").answer == "Thank you"
    assert FAM["textrich.text_at"].solve(s, region="top-center area").answer == "Corner Market"
    with pytest.raises(NotApplicable):  # two lines (Milk and Bread rows) share the middle-left ninth
        FAM["textrich.text_at"].solve(s, region="middle-left area")
    with pytest.raises(NotApplicable):  # a menu is not a receipt: no total
        FAM["textrich.total"].solve({**s, "kind": "menu"})
    with pytest.raises(NotApplicable):  # ties have no maximum
        FAM["textrich.most_expensive"].solve({**s, "items": [{"name": "A", "value": 2}, {"name": "B", "value": 2}]})


@pytest.mark.parametrize("name", KINDS)
def test_samples_verify_and_draw_exactly_their_words(name):
    gen = create(name)
    for i in range(6):
        rec, s = record_of(gen, i)
        assert validate_record(rec) == []
        assert gen.verify(rec) == [], (name, i)
        assert json.loads(json.dumps(rec)) == rec  # the source is plain JSON
        words = [w for ln in s.source["lines"] for w in ln["words"]]
        assert [t.text for t in s.texts] == [w["text"] for w in words]
        for t, w in zip(s.texts, words):  # the boxes in source are the boxes drawn
            assert t.box == pytest.approx(w["box"], abs=0.02)  # stored to 2 decimals
        assert find_overlaps(s.texts) == [], (name, i)
        width, height = s.images[0].size
        assert all(ln["size"] >= MIN_TEXT_PX + 2 for ln in s.source["lines"])  # fonts of 12 px or more
        assert all(0 <= t.box[0] and 0 <= t.box[1] and t.box[2] <= width and t.box[3] <= height for t in s.texts)
        assert (width, height) == (s.source["width"], s.source["height"])


@pytest.mark.parametrize("name", KINDS)
def test_deterministic_in_seed_and_index(name):
    gen = create(name)
    a, b, c = gen.make(5, 3), gen.make(5, 3), gen.make(6, 3)
    assert a.source == b.source and a.qa == b.qa
    assert png(a.images[0]) == png(b.images[0])
    assert a.source != c.source


def test_receipt_prints_the_total_it_asks_about():
    gen = create("textrich.receipt")
    for i in range(5):
        spec = gen.make(1, i).source
        total = round(sum(it["value"] for it in spec["items"]), 2)
        printed = [ln["text"] for ln in spec["lines"] if ln["role"] == "total_value"]
        assert printed == [f"{spec['currency']}{total:.2f}"]
        assert FAM["textrich.total"].solve(spec).answer == total
        for it in spec["items"]:  # each item's price is printed on its row
            assert f"{spec['currency']}{it['value']:.2f}" in [ln["text"] for ln in spec["lines"]]


def test_street_sign_directions_match_the_drawn_arrows():
    gen = create("textrich.street_sign")
    spec = gen.make(0, 2).source
    plates = [s for s in spec["shapes"] if s["shape"] == "polygon"]
    assert len(plates) == len(spec["items"]) + 1  # the street plate has no arrow
    for item, plate in zip(spec["items"], plates[1:]):
        xs = [p[0] for p in plate["points"]]
        tip = plate["points"][0] if item["direction"] == "left" else plate["points"][2]
        assert tip[0] == pytest.approx(min(xs) if item["direction"] == "left" else max(xs), abs=3)


def test_every_family_is_asked_somewhere():
    asked = set()
    for name in KINDS:
        gen = create(name)
        for i in range(12):
            asked |= {q["family"] for q in gen.make(0, i).qa}
    assert asked == set(FAM) | {"textrich.describe"}


def test_verify_catches_a_wrong_answer():
    gen = create("textrich.menu")
    rec, _ = record_of(gen, 0)
    qa = next(q for q in rec["qa"] if not q.get("options"))
    qa["answer"] = 12345 if qa["answer_type"] == "number" else "Something else"
    assert gen.verify(rec) and "recomputed" in gen.verify(rec)[0]


def test_rotated_line_words_follow_the_baseline():
    line = layout.make_line("Grand Jazz Night", 100, 200, "sans-bold", 30, (0, 0, 0), "title", angle=10)
    xs = [w["xy"][0] for w in line["words"]]
    ys = [w["xy"][1] for w in line["words"]]
    assert xs == sorted(xs) and ys == sorted(ys, reverse=True)  # rising to the right (counter-clockwise)


def test_generate_then_validate(tmp_path):
    out = tmp_path / "c"
    assert main(["generate", "-g", "textrich.*", "-n", "16", "-o", str(out), "-q", "--workers", "1"]) == 0
    assert main(["validate", str(out), "-q"]) == 0


def test_tilted_words_may_not_touch_each_other():
    page = layout.Page(400, 300, {"type": "solid", "colors": [[255, 255, 255]]})
    steep = layout.make_line("2 FOR 1", 300, 60, "sans-bold", 18, (0, 0, 0), "badge", "center", 28)
    flat = layout.make_line("2 FOR 1", 300, 60, "sans-bold", 18, (0, 0, 0), "badge", "center", 0)
    assert not page.fits(steep) and page.fits(flat)
    assert find_overlaps(create("textrich.product_label").make(7, 7).texts) == []  # once a steep '2 FOR 1'


def test_two_column_menus_skip_order_questions():
    samples = [create("textrich.menu").make(3, i) for i in range(40)]
    spec = next(s.source for s in samples if s.source["columns"] == 2)
    left = [ln for ln in spec["lines"] if ln["role"] == "section" and ln["box"][0] < spec["width"] / 2]
    right = [ln for ln in spec["lines"] if ln["role"] == "section" and ln["box"][0] > spec["width"] / 2]
    assert len(left) == len(right) == 1 and left[0]["box"][1] == right[0]["box"][1]  # side by side
    for name in ("textrich.read_all", "textrich.item_at"):
        with pytest.raises(NotApplicable):
            FAM[name].solve(spec, **({"ordinal": "first"} if name == "textrich.item_at" else {}))
    assert FAM["textrich.count_items"].solve(spec).answer == len(spec["items"])
    asked = {q["family"] for s in samples if s.source["columns"] == 2 for q in s.qa}
    assert not asked & {"textrich.read_all", "textrich.item_at"}
