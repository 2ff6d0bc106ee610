"""Dashboard generators: hand-derived answers, determinism, verification, legibility, MC form,
and a geometric read-back of the clock hands from the rendered pixels."""
from __future__ import annotations

import io
import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from mmsynth.draw import MIN_TEXT_PX, Canvas, find_overlaps, rgb
from mmsynth.questions import ask
from mmsynth.record import option_key, validate_record
from mmsynth.registry import create
from mmsynth.rand import rng_for

from generators.dashboards import clock_solve as cs
from generators.dashboards.clock_draw import draw_clock, hand_angles, polar

DASHBOARDS = ["dashboard.clock"]


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
    for i in seeds:
        spec = gen.sample_spec(rng_for(0, i, gen.name))
        for fam in gen.families:
            rng = np.random.default_rng(i)
            try:
                qa = ask(fam, spec, rng, mc_share=1.0)
            except Exception as e:  # NotApplicable only
                assert type(e).__name__ == "NotApplicable", e
                continue
            if qa["options"] is None:
                continue
            keys = [option_key(o) for o in qa["options"]]
            assert keys.count(option_key(qa["answer"])) == 1, qa
            assert len(set(keys)) == len(keys), qa
            assert len(keys) >= 2


@pytest.mark.parametrize("name", DASHBOARDS)
def test_deterministic_in_seed_and_index(name):
    gen = create(name)
    for i in (0, 7):
        a, sa = make_record(gen, 3, i)
        b, sb = make_record(create(name), 3, i)
        assert a == b
        assert png_bytes(sa.images[0]) == png_bytes(sb.images[0])
    assert make_record(gen, 3, 0)[0]["source"] != make_record(gen, 4, 0)[0]["source"]


@pytest.mark.parametrize("name", DASHBOARDS)
def test_records_valid_verified_and_legible(name):
    gen = create(name)
    for i in range(40):
        assert_sample_ok(gen, 0, i)


@pytest.mark.parametrize("name", DASHBOARDS)
def test_multiple_choice_answer_once(name):
    assert_mc_forms(create(name), range(25))


@pytest.mark.parametrize("name", DASHBOARDS)
def test_verify_catches_a_tampered_answer(name):
    gen = create(name)
    rec, _ = make_record(gen, 1, 2)
    qa = rec["qa"][0]
    qa["answer"] = qa["options"][(qa["options"].index(qa["answer"]) + 1) % len(qa["options"])] \
        if qa["options"] else ("wrong" if isinstance(qa["answer"], str) else qa["answer"] + 1)
    assert gen.verify(rec)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), index=st.integers(0, 10**6))
def test_property_any_seed_gives_a_valid_clock(seed, index):
    assert_sample_ok(create("dashboard.clock"), seed, index)


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
