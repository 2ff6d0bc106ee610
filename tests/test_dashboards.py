"""Dashboard generators: hand-derived answers, determinism, verification, legibility, MC form,
and a geometric read-back of the clock hands from the rendered pixels."""
from __future__ import annotations

import io

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from mmsynth.draw import MIN_TEXT_PX, Canvas, find_overlaps, rgb
from mmsynth.errors import NotApplicable
from mmsynth.questions import ask
from mmsynth.record import validate_record
from mmsynth.rand import rng_for
from mmsynth.registry import create

from mc_checks import assert_mc_forms as shared_mc_forms
from mc_checks import yes_share

from generators.dashboards import clock_solve as cs
from generators.dashboards import digital_solve as ds
from generators.dashboards import gauge_solve as gs
from generators.dashboards.clock_draw import draw_clock, hand_angles, polar
from generators.dashboards.digital_draw import draw_segments, lit_segments, segment_boxes
from generators.dashboards.gauge_draw import dial_geometry, draw_gauge, needle_angle, tick_labels
from generators.dashboards.vocab import VOCAB

DASHBOARDS = ["dashboard.clock", "dashboard.gauge", "dashboard.digital", "dashboard.panel"]


def png_bytes(img) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG", compress_level=3)
    return buf.getvalue()


def make_record(gen, seed: int, index: int) -> tuple[dict, object]:
    s = gen.make(seed, index)
    rec = s.record(f"{gen.name}-{seed}-{index:06d}", gen.name, gen.task,
                   [f"images/{gen.name}/{index:06d}.png"] * len(s.images), seed, index)
    return rec, s


def assert_sample_ok(gen, seed: int, index: int) -> None:
    """Schema-valid record, every answer recomputed, legible non-overlapping text."""
    rec, s = make_record(gen, seed, index)
    assert validate_record(rec) == []
    assert gen.verify(rec) == []
    assert find_overlaps(s.texts) == []
    assert all(t.height >= MIN_TEXT_PX for t in s.texts), [t for t in s.texts if t.height < MIN_TEXT_PX]
    for t in s.texts:
        w, h = s.images[0].size
        assert 0 <= t.box[0] and 0 <= t.box[1] and t.box[2] <= w and t.box[3] <= h, t


def assert_mc_forms(gen, seeds: range) -> None:
    """Every family, asked as multiple choice, has its answer among the options exactly once."""
    shared_mc_forms(gen, [gen.sample_spec(rng_for(0, i, gen.name)) for i in seeds])


def assert_deterministic(gen) -> None:
    """The same (seed, index) gives the same record and the same image bytes, from a fresh instance too."""
    for i in (0, 7):
        a, sa = make_record(gen, 3, i)
        b, sb = make_record(create(gen.name), 3, i)
        assert a == b
        assert png_bytes(sa.images[0]) == png_bytes(sb.images[0])
    assert make_record(gen, 3, 0)[0]["source"] != make_record(gen, 4, 0)[0]["source"]


def assert_rationales(gen) -> None:
    """Every reasoning question, from every family that applies, carries a step-by-step rationale."""
    for i in range(15):
        spec = gen.sample_spec(rng_for(4, i, gen.name))
        for fam in gen.families:
            if fam.skill != "reasoning":
                continue
            try:
                qa = ask(fam, spec, np.random.default_rng(i))
            except NotApplicable:
                continue
            assert qa["rationale"], qa


def assert_tamper_detected(gen) -> None:
    """Changing any stored answer makes ``verify`` report it."""
    for i in range(3):
        rec, _ = make_record(gen, 1, i)
        for k, qa in enumerate(rec["qa"]):
            bad = [dict(q) for q in rec["qa"]]
            if qa["options"]:
                bad[k]["answer"] = qa["options"][(qa["options"].index(qa["answer"]) + 1) % len(qa["options"])]
            elif qa["answer_type"] == "yesno":
                bad[k]["answer"] = "no" if qa["answer"] == "yes" else "yes"
            elif qa["answer_type"] == "number":
                bad[k]["answer"] = qa["answer"] + 1
            else:
                bad[k]["answer"] = ["wrong"] if isinstance(qa["answer"], list) else "wrong"
            assert gen.verify(dict(rec, qa=bad)), qa


def assert_corrupt_source_reported(gen) -> None:
    """A record whose source lost its content fails verification with messages, not a crash."""
    rec, _ = make_record(gen, 2, 0)
    for broken in ({}, {k: None for k in rec["source"]}):
        errors = gen.verify(dict(rec, source=broken))
        assert len(errors) == len(rec["qa"]) and all(isinstance(e, str) for e in errors)


def assert_batch_ok(gen) -> None:
    for i in range(30):
        assert_sample_ok(gen, 0, i)


# The contract every generator keeps; test_puzzles runs the same table over the puzzles.
CONTRACTS = {"valid_verified_legible": assert_batch_ok, "mc_answer_once": lambda g: assert_mc_forms(g, range(20)),
             "tamper_detected": assert_tamper_detected, "rationales": assert_rationales,
             "deterministic": assert_deterministic, "corrupt_source_reported": assert_corrupt_source_reported}


@pytest.mark.parametrize("contract", sorted(CONTRACTS))
@pytest.mark.parametrize("name", DASHBOARDS)
def test_generator_contract(name, contract):
    CONTRACTS[contract](create(name))


@settings(max_examples=12, deadline=None)
@given(name=st.sampled_from(DASHBOARDS), seed=st.integers(0, 2**31 - 1), index=st.integers(0, 10**6))
def test_property_any_seed_gives_a_valid_dashboard(name, seed, index):
    assert_sample_ok(create(name), seed, index)


# --- clock: hand-derived answers ------------------------------------------------------

def clock(hour, minute, second=None, numerals="arabic", minute_ticks=True, colors=("black", "navy", "red")):
    return {"hour": hour, "minute": minute, "second": second, "numerals": numerals, "minute_ticks": minute_ticks,
            "hand_colors": {"hour": colors[0], "minute": colors[1], "second": colors[2] if second is not None else None}}


def test_clock_time_arithmetic_by_hand():
    assert cs.read_time(clock(10, 50)).answer == "10:50"
    assert cs.time_shift(clock(10, 50), 25).answer == "11:15"
    assert cs.time_shift(clock(11, 50), 25).answer == "12:15"
    assert cs.time_shift(clock(12, 10), -25).answer == "11:45"
    assert cs.time_shift(clock(1, 5), -70).answer == "11:55"
    assert cs.minutes_until(clock(10, 50), 11 * 60 + 15).answer == 25
    assert cs.minutes_until(clock(11, 30), 30).answer == 60          # 11:30 -> 12:30
    assert cs.hand_angle(clock(3, 0)).answer == 90
    assert cs.hand_angle(clock(9, 45)).answer == 22.5                 # 292.5 vs 270
    assert cs.hand_angle(clock(12, 30)).answer == 165                 # 15 vs 180
    assert cs.count_hands(clock(4, 20, second=13)).answer == 3
    assert cs.count_hands(clock(4, 20)).answer == 2
    assert "11:15" in cs.time_shift(clock(10, 50), 25).rationale
    assert cs.hidden_hands(clock(12, 0, second=30)) == {"hour"}        # minute hand over the hour hand
    assert cs.hidden_hands(clock(3, 15, second=15)) == {"minute"}      # 97.5 vs 90 vs 90
    with pytest.raises(NotApplicable):
        cs.count_hands(clock(12, 0, second=30))
    with pytest.raises(NotApplicable):
        cs.hand_color(clock(3, 15, second=15), "minute")
    assert cs.hand_color(clock(3, 15, second=15), "hour").answer == "black"


@settings(max_examples=60, deadline=None)
@given(h=st.integers(1, 12), m=st.integers(0, 59), ahead=st.integers(1, 719))
def test_property_clock_arithmetic_is_consistent(h, m, ahead):
    """Counting forward to a time and adding that many minutes land on the same time; angles stay in [0, 180]."""
    start = clock(h, m)
    target = (cs.clock_time(start) + ahead) % 720
    until = cs.minutes_until(start, target).answer
    assert until == ahead
    after = cs.time_shift(start, until).answer
    assert after == cs.read_time(clock(*map(int, after.split(":")))).answer
    assert cs.clock_time(clock(*map(int, after.split(":")))) == target
    back = cs.time_shift(clock(*map(int, after.split(":"))), -until).answer
    assert back == cs.read_time(start).answer
    assert 0 <= cs.hand_angle(start).answer <= 180


def test_clock_readings_state_their_tolerance():
    sol = cs.read_time(clock(7, 35, minute_ticks=False))
    assert sol.tolerance == 0 and sol.extra["readable_from"] == "hour_ticks"
    assert cs.read_minute(clock(7, 36)).extra["readable_from"] == "minute_ticks"
    assert "7:35" not in cs.read_time(clock(7, 35)).distractors


@pytest.mark.parametrize("time", [(10, 50, None), (4, 7, 41), (12, 20, 30), (6, 15, 45), (9, 58, None)])
def test_clock_hands_drawn_at_the_angles_of_the_time(time):
    """Read the hands back from the pixels: each hand's colour lies along its angle, not elsewhere."""
    spec = clock(*time, colors=("navy", "teal", "red"))
    angles = hand_angles(spec)
    assert angles["hour"] == (time[0] % 12) * 30 + time[1] * 0.5 and angles["minute"] == time[1] * 6
    c = Canvas(400, 400)
    draw_clock(c, 200, 200, 180, spec, "modern", "sans")
    px = np.asarray(c.image)
    inner = 180 - max(2, round(180 * 0.02))
    reach = {"hour": 0.4, "minute": 0.7, "second": 0.82}
    for hand, deg in angles.items():
        color = np.array(rgb(spec["hand_colors"][hand]))
        # the hand colour where the hand is (past where shorter hands end, to not mix them)
        x, y = polar(200, 200, inner * reach[hand], deg)
        assert np.abs(px[round(y), round(x)].astype(int) - color).sum() < 30, (hand, deg)
        # and not at the same radius a quarter turn away (unless another hand is there)
        off = deg + 90
        if all(min(abs(off - d) % 360, 360 - abs(off - d) % 360) > 20 for d in angles.values()):
            x, y = polar(200, 200, inner * reach[hand], off)
            assert np.abs(px[round(y), round(x)].astype(int) - color).sum() > 60, (hand, off)


# --- gauges: hand-derived answers ------------------------------------------------------

def gauge(value, lo=0, hi=220, major=20, minor=10, kind="speedometer", unit="km/h", zone=(180, 220), sweep=240,
          shape="dial"):
    return {"kind": kind, "name": kind, "shape": shape, "label": "SPEED", "unit": unit, "min": lo, "max": hi,
            "major": major, "minor": minor, "value": value, "sweep": sweep, "color": "red",
            "zone": {"from": zone[0], "to": zone[1], "color": "red"} if zone else None}


def test_gauge_answers_by_hand():
    g = gauge(170)
    assert gs.read_value(g).answer == 170 and gs.read_value(g).tolerance == 5
    assert gs.percent_of_range(g).answer == 77.3                      # 170 / 220
    assert gs.headroom(g).answer == 50
    assert gs.in_zone(g).answer == "no" and gs.in_zone(gauge(190)).answer == "yes"
    with pytest.raises(NotApplicable):
        gs.in_zone(gauge(180))                                        # on the zone's edge
    assert gs.minor_count(gauge(3, lo=0, hi=10, major=1, minor=0.2, unit="bar")).answer == 5
    t = gauge(-5, lo=-20, hi=40, major=10, minor=2, kind="thermometer", unit="°C", zone=None, shape="tube")
    assert gs.percent_of_range(t).answer == 25.0                      # (-5 + 20) / 60
    battery = gauge(62.5, lo=0, hi=100, major=12.5, minor=12.5, kind="battery", unit="%", zone=None, shape="battery")
    assert gs.battery_segments(battery).answer == 5
    with pytest.raises(NotApplicable):
        gs.unit(battery)
    assert 170 not in gs.read_value(g).distractors
    assert all(0 <= d <= 220 for d in gs.read_value(gauge(10)).distractors)


def test_dial_labels_and_needle_angles():
    assert tick_labels(gauge(0, hi=100, major=25, minor=5)) == ["0", "25", "50", "75", "100"]
    assert needle_angle(gauge(0)) == -120 and needle_angle(gauge(220)) == 120 and needle_angle(gauge(110)) == 0


@pytest.mark.parametrize("value", [30, 110, 200])
def test_needle_drawn_at_the_reading(value):
    """The needle colour lies along the reading's angle and not along a reading 60 km/h away."""
    g = gauge(value)
    c = Canvas(400, 400)
    face = {"face": [255, 255, 255], "rim": [40, 40, 40]}
    draw_gauge(c, (0, 0, 400, 400), g, face, "sans")
    px = np.asarray(c.image).astype(int)
    red = np.array(rgb("red"))
    cx, cy, r, _ = dial_geometry((0, 0, 400, 400))
    x, y = polar(cx, cy, r * 0.5, needle_angle(g))
    assert np.abs(px[round(y), round(x)] - red).sum() < 30
    x, y = polar(cx, cy, r * 0.5, needle_angle(g, value + 60 if value < 150 else value - 60))
    assert np.abs(px[round(y), round(x)] - red).sum() > 60


# --- digital readouts: hand-derived answers ----------------------------------------------

def num(label, text, unit="°C"):
    dec = len(text.split(".")[1]) if "." in text else 0
    return {"label": label, "unit": unit, "kind": "number", "value": float(text) if dec else int(text),
            "text": text, "decimals": dec}


def tim(label, text):
    h, m = map(int, text.split(":"))
    return {"label": label, "unit": "", "kind": "time", "value": h * 60 + m, "text": text, "decimals": 0}


def test_seven_segment_answers_by_hand():
    assert sorted(ds.confusions("8")) == ["0", "6", "9"]           # one segment off an 8
    assert "7" in ds.confusions("1") and "1" in ds.confusions("7")
    assert ds.lit_count(num("A", "18.5"), 0).answer == 2            # '1': b, c
    assert ds.lit_count(num("A", "18.5"), 1).answer == 7            # '8': all
    assert ds.lit_count(num("A", "18.5"), 2).answer == 5            # '5': a, c, d, f, g
    assert ds.count_digits(tim("T", "07:45")).answer == 4
    with pytest.raises(NotApplicable):
        ds.lit_count(num("A", "18.5"), 3)


@settings(max_examples=40, deadline=None)
@given(text=st.from_regex(r"-?[0-9]{1,4}(\.[0-9]{1,2})?", fullmatch=True))
def test_property_confusions_are_one_segment_away(text):
    for wrong in ds.confusions(text):
        diff = [(a, b) for a, b in zip(text, wrong) if a != b]
        assert len(wrong) == len(text) and len(diff) == 1
        a, b = diff[0]
        assert len(set(lit_segments(a)) ^ set(lit_segments(b))) == 1


@pytest.mark.parametrize("digit", list("0123456789"))
def test_seven_segment_digits_light_exactly_their_segments(digit):
    c = Canvas(60, 100, (0, 0, 0))
    draw_segments(c, 10, 10, 80, digit, (255, 0, 0), None)
    px = np.asarray(c.image)
    lit = {name for name, (x0, y0, x1, y1) in segment_boxes(10, 10, 80).items()
           if px[round((y0 + y1) / 2), round((x0 + x1) / 2)][0] > 200}
    assert lit == set(lit_segments(digit))
    assert c.texts[-1].text == digit and c.texts[-1].role == "segment_digits"


def test_digital_reasoning_by_hand():
    assert ds.difference(num("CURRENT", "19.5"), num("TARGET", "22.0")).answer == 2.5
    assert ds.highest([num("LOW", "3.5"), num("NOW", "7.0"), num("HIGH", "11.2"), num("W", "40", "km/h")],
                      "°C").answer == "HIGH"
    with pytest.raises(NotApplicable):
        ds.highest([num("A", "5"), num("B", "5")], "°C")
    assert ds.minutes_between(tim("TIME", "23:50"), tim("ALARM", "00:15")).answer == 25
    assert ds.minutes_between(tim("TIME", "06:30"), tim("ALARM", "07:00")).answer == 30
    assert ds.time_after(tim("TIME", "22:55"), 70).answer == "00:05"
    assert ds.read_number(num("A", "4.64", "km")).answer == 4.64
    assert 4.64 not in ds.read_number(num("A", "4.64", "km")).distractors
    assert all(ds.is_valid_time(t) for t in ds.read_time(tim("T", "23:59")).distractors)


# --- panels: hand-derived answers ------------------------------------------------------

def panel_spec():
    london = {"type": "clock", "label": "LONDON", "clock": clock(3, 15)}
    tokyo = {"type": "clock", "label": "TOKYO", "clock": clock(12, 15)}
    speed = gauge(190)                                   # 190 of 220: 86%, in the red zone 180-220
    speed["label"] = "SPEED"
    boiler = gauge(4, lo=0, hi=10, major=1, minor=0.5, kind="pressure", unit="bar", zone=(8, 10), sweep=270)
    boiler["label"] = "BOILER"                           # 4 of 10: 40%
    return {"theme": "mixed", "columns": 2, "instruments": [
        london, {"type": "gauge", "label": "SPEED", "gauge": speed},
        {"type": "gauge", "label": "BOILER", "gauge": boiler}, tokyo]}


def solve(name, spec, **slots):
    fam = {f.name: f for f in create("dashboard.panel").families}[name]
    return fam.solve(spec, **slots)


def test_panel_answers_by_hand():
    spec = panel_spec()
    assert solve("panel.clock_offset", spec, a="LONDON", b="TOKYO").answer == 9
    assert solve("panel.clock_offset", spec, a="TOKYO", b="LONDON").answer == 3
    assert solve("panel.fullest", spec).answer == "SPEED"
    assert solve("panel.in_zone_which", spec).answer == "SPEED"
    assert solve("panel.position", spec, row=2, col=1).answer == "BOILER"
    assert solve("panel.count_type", spec, type="clock").answer == 2
    assert solve("panel.count_instruments", spec).answer == 4
    assert solve("panel.kind_of", spec, label="BOILER").answer == "pressure"
    assert solve("panel.read_clock", spec, label="TOKYO").answer == "12:15"
    with pytest.raises(NotApplicable):
        solve("panel.gauge_difference", spec, a="SPEED", b="NOPE")


def test_panels_hold_two_to_four_uniquely_labelled_instruments():
    gen = create("dashboard.panel")
    for i in range(60):
        spec = gen.sample_spec(rng_for(5, i, gen.name))
        labels = [it["label"] for it in spec["instruments"]]
        assert 2 <= len(labels) <= 4 and len(set(labels)) == len(labels)
        assert spec["columns"] == (2 if len(labels) in (2, 4) else 3)


def test_world_clocks_share_the_instant():
    gen = create("dashboard.panel")
    for i in range(40):
        spec = gen.sample_spec(rng_for(2, i, gen.name))
        clocks = [it for it in spec["instruments"] if it["type"] == "clock"]
        if spec["theme"] != "world_clocks":
            continue
        a = clocks[0]
        for b in clocks[1:]:
            hours = (VOCAB["cities"][b["label"]] - VOCAB["cities"][a["label"]]) % 12
            assert solve("panel.clock_offset", spec, a=a["label"], b=b["label"]).answer == hours


def test_gauge_zone_question_is_not_a_prior():
    """Before readings were drawn inside or outside the zone by a coin, 89% were outside.
    Low zones span one minor tick, so no tick reading is strictly inside them: some skew stays."""
    assert 0.25 <= yes_share("dashboard.gauge", "gauge.in_zone") <= 0.6

