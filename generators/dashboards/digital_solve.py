"""Answers about digital readouts, shared by ``dashboard.digital`` and ``dashboard.panel``.

A display spec: ``{"label", "unit", "kind": "number" | "time", "value", "text", "decimals"}``;
a time display's value is minutes after 00:00.
"""
from __future__ import annotations

from mmsynth.errors import NotApplicable
from mmsynth.questions import Solution
from mmsynth.record import format_number

from generators.dashboards.digital_draw import lit_segments
from generators.dashboards.options import distinct_from, near_numbers
from generators.dashboards.timeutil import DAY_MINUTES, format_24h, shift_rationale
from generators.dashboards.vocab import VOCAB

ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh"]


def display(displays: list[dict], label: str) -> dict:
    for d in displays:
        if d["label"] == label:
            return d
    raise NotApplicable(f"no display {label!r}")


def confusions(text: str) -> list[str]:
    """Readings one lit segment away from ``text`` (8 for 0, 7 for 1, ...): what a careless eye sees."""
    seg = VOCAB["seven_segment"]
    out = []
    for i, ch in enumerate(text):
        if not ch.isdigit():
            continue
        for other in "0123456789":
            if other != ch and len(set(seg[ch]) ^ set(seg[other])) == 1:
                out.append(text[:i] + other + text[i + 1:])
    return out


def format_value(d: dict, v: float) -> str:
    return format_24h(int(v)) if d["kind"] == "time" else f"{v:.{d['decimals']}f}"


def read_number(d: dict) -> Solution:
    if d["kind"] != "number":
        raise NotApplicable("a time display")
    step = 10 ** -d["decimals"]
    wrong = [float(t) for t in confusions(d["text"])]
    wrong += near_numbers(d["value"], (step, -step, 10 * step, -10 * step))
    return Solution(d["value"], distractors=distinct_from(d["value"], [round(w, d["decimals"]) for w in wrong]),
                    tolerance=0, extra={"readable_from": "digits"})


def read_time(d: dict) -> Solution:
    if d["kind"] != "time":
        raise NotApplicable("not a time display")
    wrong = confusions(d["text"]) + [format_24h(d["value"] + s) for s in (60, -60, 1, -1, 720)]
    return Solution(d["text"], distractors=distinct_from(d["text"], [w for w in wrong if is_valid_time(w)]),
                    extra={"readable_from": "digits"})


def is_valid_time(text: str) -> bool:
    h, m = text.split(":")
    return int(h) < 24 and int(m) < 60


def unit(d: dict, all_units: list[str]) -> Solution:
    if not d["unit"]:
        raise NotApplicable("no unit")
    return Solution(d["unit"], distractors=distinct_from(d["unit"], all_units))


def digit_positions(d: dict) -> list[int]:
    return [i for i, ch in enumerate(d["text"]) if ch.isdigit()]


def lit_count(d: dict, position: int) -> Solution:
    """Lit segments of the digit at ``position`` (0-based among the digits, left to right)."""
    pos = digit_positions(d)
    if position >= len(pos) or position >= len(ORDINALS):
        raise NotApplicable("no such digit")
    ch = d["text"][pos[position]]
    n = len(lit_segments(ch))
    why = f"The {ORDINALS[position]} digit of {d['text']} is {ch}, drawn with segments {', '.join(lit_segments(ch))}: {n}."
    return Solution(n, rationale=why, distractors=near_numbers(n, (1, -1, 2, -2), 2, 7),
                    fields={"ordinal": ORDINALS[position]})


def count_displays(displays: list[dict]) -> Solution:
    n = len(displays)
    return Solution(n, distractors=near_numbers(n, (1, -1, 2, 3), lo=1))


def count_digits(d: dict) -> Solution:
    n = len(digit_positions(d))
    return Solution(n, distractors=near_numbers(n, (1, -1, 2), lo=1))


def difference(a: dict, b: dict) -> Solution:
    if a["kind"] != "number" or b["kind"] != "number" or a["unit"] != b["unit"]:
        raise NotApplicable("not two numbers in one unit")
    dec = max(a["decimals"], b["decimals"])
    diff = round(abs(a["value"] - b["value"]), dec)
    why = f"{a['label']} reads {a['text']} and {b['label']} reads {b['text']} {a['unit']}: " \
          f"|{a['text']} - {b['text']}| = {format_number(diff)} {a['unit']}."
    step = 10 ** -dec
    return Solution(diff, rationale=why, tolerance=0, fields={"unit": a["unit"]},
                    distractors=near_numbers(diff, (step, -step, 10 * step, -10 * step, 1, -1), lo=0)
                    + [round(a["value"] + b["value"], dec)])


def highest(displays: list[dict], unit_name: str) -> Solution:
    same = [d for d in displays if d["kind"] == "number" and d["unit"] == unit_name]
    if len(same) < 2:
        raise NotApplicable("fewer than two displays in this unit")
    ranked = sorted(same, key=lambda d: -d["value"])
    if ranked[0]["value"] == ranked[1]["value"]:
        raise NotApplicable("tie")
    why = " > ".join(f"{d['label']} {d['text']}" for d in ranked) + f" {unit_name}."
    return Solution(ranked[0]["label"], rationale=why, distractors=[d["label"] for d in ranked[1:]])


def minutes_between(a: dict, b: dict) -> Solution:
    if a["kind"] != "time" or b["kind"] != "time":
        raise NotApplicable("not two time displays")
    d = (b["value"] - a["value"]) % DAY_MINUTES
    if d == 0:
        raise NotApplicable("same time")
    why = f"{a['label']} shows {a['text']} ({a['value']} min after 00:00), {b['label']} shows {b['text']} " \
          f"({b['value']} min); ({b['value']} - {a['value']}) mod {DAY_MINUTES} = {d} min."
    return Solution(d, rationale=why, distractors=near_numbers(d, (60, -60, 10, -10, DAY_MINUTES - 2 * d), lo=1))


def time_after(d: dict, delta: int) -> Solution:
    if d["kind"] != "time":
        raise NotApplicable("not a time display")
    end = d["value"] + delta
    wrong = [end + 60, end - 60, end + 10, end - 10, d["value"] - delta]
    return Solution(format_24h(end), rationale=f"{d['label']} shows {d['text']}. "
                    + shift_rationale(d["value"], delta, DAY_MINUTES, format_24h),
                    distractors=distinct_from(format_24h(end), map(format_24h, wrong)))


def digit_color(color: str) -> Solution:
    return Solution(color, distractors=distinct_from(color, VOCAB["digit_colors"] + ["blue", "white"]))

