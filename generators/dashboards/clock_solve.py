"""Answers about one analog clock spec, shared by ``dashboard.clock`` and ``dashboard.panel``.

A clock spec: ``{"hour": 1-12, "minute": 0-59, "second": 0-59 | None, "numerals": ...,
"minute_ticks": bool, "hand_colors": {"hour", "minute", "second"}}``.
"""
from __future__ import annotations

from mmsynth.errors import NotApplicable
from mmsynth.questions import Solution

from generators.dashboards.clock_draw import hand_angles
from generators.dashboards.options import distinct_from, near_numbers
from generators.dashboards.timeutil import DIAL_MINUTES, dial_minutes, format_dial, shift_rationale
from generators.dashboards.vocab import VOCAB


def clock_time(clock: dict) -> int:
    return dial_minutes(clock["hour"], clock["minute"])


def readability(clock: dict) -> dict:
    """How a reader resolves the minute: from minute ticks (every minute) or hour ticks (every 5)."""
    return {"tolerance_unit": "minute",
            "readable_from": "minute_ticks" if clock["minute_ticks"] else "hour_ticks"}


def misreadings(clock: dict) -> list[int]:
    """Times a careless reader gives: next/previous hour, hands swapped, near minutes."""
    t, h, m = clock_time(clock), clock["hour"], clock["minute"]
    step = 1 if clock["minute_ticks"] else 5
    swapped_hour = (m // 5) or 12
    swapped = dial_minutes(swapped_hour, (h % 12) * 5)
    return [t + 60, t - 60, swapped, t + 5 * step, t - 5 * step, t + step, t - step]


def read_time(clock: dict) -> Solution:
    t = clock_time(clock)
    return Solution(format_dial(t), distractors=distinct_from(format_dial(t), map(format_dial, misreadings(clock))),
                    tolerance=0, extra=readability(clock))


def read_hour(clock: dict) -> Solution:
    h = clock["hour"]
    wrong = [h % 12 + 1, (h - 2) % 12 + 1, (clock["minute"] // 5) or 12, (h + 1) % 12 + 1]
    return Solution(h, distractors=distinct_from(h, wrong),
                    tolerance=0, extra={"readable_from": "hour_hand"})


def read_minute(clock: dict) -> Solution:
    m = clock["minute"]
    step = 1 if clock["minute_ticks"] else 5
    wrong = [(m + 5) % 60, (m - 5) % 60, (m + step) % 60, (clock["hour"] % 12) * 5, (m + 10) % 60]
    return Solution(m, distractors=distinct_from(m, wrong), tolerance=0, extra=readability(clock))


def read_second(clock: dict) -> Solution:
    s = clock.get("second")
    if s is None:
        raise NotApplicable("no second hand")
    return Solution(s, distractors=distinct_from(s, [(s + 5) % 60, (s - 5) % 60, (s + 1) % 60, clock["minute"]]),
                    tolerance=0, extra={"tolerance_unit": "second", "readable_from": "minute_ticks"})


OVERLAP_DEG = 6.0          # hands closer than one minute tick can hide one another


def angle_gap(a: float, b: float) -> float:
    d = abs(a - b) % 360
    return min(d, 360 - d)


def hidden_hands(clock: dict) -> set[str]:
    """Hands that a hand drawn later (hour, then minute, then second) may cover."""
    angles = list(hand_angles(clock).items())
    return {name for i, (name, a) in enumerate(angles)
            if any(angle_gap(a, b) < OVERLAP_DEG for _, b in angles[i + 1:])}


def count_hands(clock: dict) -> Solution:
    if hidden_hands(clock):
        raise NotApplicable("two hands lie on top of each other")
    n = len(hand_angles(clock))
    return Solution(n, distractors=distinct_from(n, [2, 3, 4, 1]))


def numerals(clock: dict) -> Solution:
    names = VOCAB["numeral_styles"]
    return Solution(names[clock["numerals"]], distractors=[v for k, v in names.items() if k != clock["numerals"]])


def hand_color(clock: dict, hand: str) -> Solution:
    colors = clock["hand_colors"]
    if colors.get(hand) is None:
        raise NotApplicable(f"no {hand} hand")
    if hand in hidden_hands(clock):
        raise NotApplicable(f"the {hand} hand is covered by another")
    others = [v for k, v in colors.items() if v and k != hand]
    return Solution(colors[hand],
                    distractors=distinct_from(colors[hand], others + VOCAB["hand_colors_dark"] + VOCAB["hand_colors_second"]))


def time_shift(clock: dict, delta: int) -> Solution:
    """The time ``delta`` minutes after (or before, when negative) the one shown."""
    t = clock_time(clock)
    end = t + delta
    wrong = [end + 60, end - 60, end + 5, end - 5, t - delta,
             dial_minutes(clock["hour"], (clock["minute"] + delta) % 60)]  # forgot the hour carry
    return Solution(format_dial(end), rationale=f"The clock shows {format_dial(t)}. " + shift_rationale(t, delta, DIAL_MINUTES, format_dial),
                    distractors=distinct_from(format_dial(end), map(format_dial, wrong)), fields={"n": abs(delta)})


def minutes_until(clock: dict, target: int) -> Solution:
    """Minutes from the time shown forward to the dial time ``target`` (minutes after 12:00)."""
    t = clock_time(clock)
    d = (target - t) % DIAL_MINUTES
    if d == 0:
        raise NotApplicable("target equals the time shown")
    why = (f"The clock shows {format_dial(t)} ({t} min after 12:00); {format_dial(target)} is {target} min "
           f"after 12:00; ({target} - {t}) mod {DIAL_MINUTES} = {d} min.")
    return Solution(d, rationale=why, distractors=near_numbers(d, (60, -60, 5, -5, DIAL_MINUTES - 2 * d, 10), lo=1),
                    fields={"target": format_dial(target)})


def hand_angle(clock: dict) -> Solution:
    """The smaller angle between the hour and minute hands."""
    a = hand_angles(clock)
    raw = abs(a["hour"] - a["minute"])
    ang = min(raw, 360 - raw)
    why = (f"The hour hand is at {clock['hour'] % 12} x 30 + {clock['minute']} x 0.5 = {a['hour']:g} deg, "
           f"the minute hand at {clock['minute']} x 6 = {a['minute']:g} deg; |difference| = {raw:g} deg"
           + (f", and the smaller side is 360 - {raw:g} = {ang:g} deg." if ang != raw else "."))
    return Solution(ang, rationale=why, tolerance=0,
                    distractors=near_numbers(ang, (30, -30, 15, -15, 5, -5, 2.5), lo=0, hi=180))
