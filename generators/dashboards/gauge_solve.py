"""Answers about one gauge spec, shared by ``dashboard.gauge`` and ``dashboard.panel``.

A gauge spec: ``{"kind", "name", "shape", "label", "unit", "min", "max", "major", "minor",
"value", "zone": {"from", "to", "color"} | None, "color", "sweep"?, "tick_labels"?}``.
Readings sit on a minor tick; a reader resolves them to half a minor step (the tolerance).
"""
from __future__ import annotations

from mmsynth.errors import NotApplicable
from mmsynth.questions import Solution
from mmsynth.record import format_number

from generators.dashboards.options import distinct_from, near_numbers
from generators.dashboards.vocab import VOCAB

PERCENT_KINDS = ("fuel", "battery")
KIND_NAMES = [k["name"] for k in VOCAB["gauge_kinds"].values()]
ALL_UNITS = [u for k in VOCAB["gauge_kinds"].values() for u in k.get("scales", {}) if u != "%"]


def reading(g: dict) -> str:
    """The reading with its unit, as a rationale quotes it."""
    return f"{format_number(g['value'])} {g['unit']}"


def tolerance(g: dict) -> float:
    return g["minor"] / 2


def readability(g: dict) -> dict:
    return {"tolerance_unit": g["unit"], "readable_from": "segments" if g["shape"] == "battery" else "scale"}


def near_readings(g: dict, v: float) -> list:
    """Values a reader might misread ``v`` as: neighbouring minor and major ticks, inside the scale."""
    m, big = g["minor"], g["major"]
    return near_numbers(v, (m, -m, big, -big, 2 * m, -2 * m, big / 2), g["min"], g["max"])


def numeric_scale(g: dict) -> None:
    """Raise NotApplicable for gauges whose scale is not numbered (fuel E..F, battery segments)."""
    if g["kind"] in PERCENT_KINDS:
        raise NotApplicable(f"{g['kind']} has no numbered scale")


def read_value(g: dict) -> Solution:
    v = g["value"]
    return Solution(v, distractors=near_readings(g, v), tolerance=tolerance(g), extra=readability(g),
                    fields={"unit": g["unit"]})


def unit(g: dict) -> Solution:
    numeric_scale(g)
    return Solution(g["unit"], distractors=distinct_from(g["unit"], ALL_UNITS))


def scale_max(g: dict) -> Solution:
    numeric_scale(g)
    top, big = g["max"], g["major"]
    return Solution(top, distractors=near_numbers(top, (-big, big, -2 * big, top)), fields={"unit": g["unit"]})


def major_step(g: dict) -> Solution:
    numeric_scale(g)
    big, m = g["major"], g["minor"]
    return Solution(big, distractors=distinct_from(big, near_numbers(0, (m, 2 * big, big / 2, 5 * m), lo=1e-9)),
                    fields={"unit": g["unit"]})


def minor_count(g: dict) -> Solution:
    """Small divisions between two numbered marks (major / minor)."""
    numeric_scale(g)
    n = round(g["major"] / g["minor"])
    why = f"Numbered marks are {format_number(g['major'])} apart and small ticks {format_number(g['minor'])} apart: " \
          f"{format_number(g['major'])} / {format_number(g['minor'])} = {n} divisions."
    return Solution(n, rationale=why, distractors=near_numbers(n, (1, -1, 2, n, 5), lo=1))


def percent_of_range(g: dict) -> Solution:
    numeric_scale(g)
    lo, hi, v = g["min"], g["max"], g["value"]
    pct = round((v - lo) / (hi - lo) * 100, 1)
    why = (f"The reading is {reading(g)} on a scale from {format_number(lo)} to {format_number(hi)}: "
           f"({format_number(v)} - {format_number(lo)}) / ({format_number(hi)} - {format_number(lo)}) x 100 "
           f"= {format_number(pct)}%.")
    tol = round(g["minor"] / (hi - lo) * 50, 2)
    return Solution(pct, rationale=why, tolerance=tol, extra={"tolerance_unit": "%"},
                    distractors=near_numbers(pct, (10, -10, 5, -5, 20), 0, 100))


def headroom(g: dict) -> Solution:
    numeric_scale(g)
    d = round(g["max"] - g["value"], 6)
    why = f"The scale ends at {format_number(g['max'])} {g['unit']} and the reading is {reading(g)}: " \
          f"{format_number(g['max'])} - {format_number(g['value'])} = {format_number(d)} {g['unit']}."
    return Solution(d, rationale=why, tolerance=tolerance(g), extra=readability(g),
                    distractors=near_numbers(d, (g["major"], -g["major"], g["minor"], -g["minor"]), lo=0),
                    fields={"unit": g["unit"]})


def in_zone(g: dict) -> Solution:
    z = g.get("zone")
    if not z or g["value"] in (z["from"], z["to"]):
        raise NotApplicable("no zone, or the reading is on its edge")
    inside = z["from"] < g["value"] < z["to"]
    why = f"The {z['color']} zone spans {format_number(z['from'])} to {format_number(z['to'])} {g['unit']}; " \
          f"the reading {reading(g)} is {'inside' if inside else 'outside'} it."
    return Solution("yes" if inside else "no", rationale=why, fields={"zone_color": z["color"]})


def part_name(g: dict) -> str:
    return {"dial": "needle", "tube": "liquid column", "battery": "battery fill"}[g["shape"]]


def indicator_color(g: dict) -> Solution:
    others = VOCAB["needle_colors"] + VOCAB["liquid_colors"] + ["green", "orange", "red"]
    return Solution(g["color"], distractors=distinct_from(g["color"], others), fields={"part": part_name(g)})


def kind(g: dict) -> Solution:
    return Solution(g["name"], distractors=distinct_from(g["name"], KIND_NAMES))


def battery_segments(g: dict) -> Solution:
    if g["kind"] != "battery":
        raise NotApplicable("not a battery")
    lit = round(g["value"] / g["minor"])
    n = round(g["max"] / g["minor"])
    why = f"{lit} of the {n} segments are filled; each stands for 100 / {n} = {format_number(g['minor'])}%, " \
          f"so the charge is {lit} x {format_number(g['minor'])} = {format_number(g['value'])}%."
    return Solution(lit, rationale=why, distractors=near_numbers(lit, (1, -1, 2, n - lit - lit), 0, n))
