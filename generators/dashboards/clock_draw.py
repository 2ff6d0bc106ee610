"""Draw an analog clock into a square region of a Canvas.

Hand angles (degrees clockwise from 12) come from :func:`hand_angles`, the one place
that turns a time into geometry; tests read the drawn hands back at those angles.
The minute hand steps from tick to tick (it sits exactly on the minute), so a reader
can resolve the minute; the hour hand moves on continuously (half a degree a minute).
"""
from __future__ import annotations

import math

from mmsynth.draw import RGB, Canvas, rgb

from generators.dashboards.drawutil import place_texts
from generators.dashboards.vocab import VOCAB

HAND_LENGTH = {"hour": 0.5, "minute": 0.78, "second": 0.86}
HAND_WIDTH = {"hour": 0.065, "minute": 0.042, "second": 0.016}
NUMERAL_RADIUS = 0.68


def hand_angles(clock: dict) -> dict[str, float]:
    """Angle of each hand the clock has, in degrees clockwise from 12."""
    out = {"hour": (clock["hour"] % 12) * 30.0 + clock["minute"] * 0.5, "minute": clock["minute"] * 6.0}
    if clock.get("second") is not None:
        out["second"] = clock["second"] * 6.0
    return out


def polar(cx: float, cy: float, r: float, deg: float) -> tuple[float, float]:
    """The point at radius r and angle deg (clockwise from 12) around (cx, cy)."""
    t = math.radians(deg)
    return cx + r * math.sin(t), cy - r * math.cos(t)


def _numeral_texts(style: str) -> list[tuple[int, str]]:
    if style == "arabic":
        return [(h, str(h)) for h in range(1, 13)]
    if style == "roman":
        return [(h, VOCAB["roman"][h % 12]) for h in range(1, 13)]
    if style == "quarters":
        return [(h, str(h)) for h in (12, 3, 6, 9)]
    return []


def _draw_ticks(c: Canvas, cx: float, cy: float, r: float, face: dict, ink: RGB, minute_ticks: bool) -> None:
    for i in range(60):
        hour_mark = i % 5 == 0
        if not hour_mark and not minute_ticks:
            continue
        deg = i * 6.0
        if face["ticks"] == "dot":
            rad = r * (0.035 if hour_mark else 0.014)
            x, y = polar(cx, cy, r * 0.9, deg)
            c.draw.ellipse((x - rad, y - rad, x + rad, y + rad), fill=ink)
            continue
        inner = 0.8 if hour_mark else 0.88
        width = max(1, round(r * (0.05 if face["ticks"] == "bar" and hour_mark else 0.025 if hour_mark else 0.01)))
        c.draw.line([polar(cx, cy, r * inner, deg), polar(cx, cy, r * 0.94, deg)], fill=ink, width=width)


def _draw_numerals(c: Canvas, cx: float, cy: float, r: float, style: str, family: str, ink: RGB) -> None:
    items = [(polar(cx, cy, r * NUMERAL_RADIUS, h * 30.0), s) for h, s in _numeral_texts(style)]
    place_texts(c, items, family, int(r * (0.2 if style != "roman" else 0.15)), ink, "numeral")


def _draw_hand(c: Canvas, cx: float, cy: float, r: float, deg: float, name: str, shape: str, color: RGB) -> None:
    length, width = r * HAND_LENGTH[name], max(2.0, r * HAND_WIDTH[name])
    tip = polar(cx, cy, length, deg)
    tail = polar(cx, cy, -r * (0.18 if name == "second" else 0.08), deg)
    if shape == "line" or name == "second":
        c.draw.line([tail, tip], fill=color, width=round(width))
        return
    left = polar(*polar(cx, cy, 0, deg), width / 2, deg - 90)
    right = polar(*polar(cx, cy, 0, deg), width / 2, deg + 90)
    tl, tr = polar(*tail, width / 2, deg - 90), polar(*tail, width / 2, deg + 90)
    if shape == "taper":
        c.draw.polygon([tl, left, tip, right, tr], fill=color)
    else:
        c.draw.polygon([tl, polar(*tip, width / 2, deg - 90), polar(*tip, width / 2, deg + 90), tr], fill=color)


def draw_clock(c: Canvas, cx: float, cy: float, r: float, clock: dict, face_name: str, family: str) -> None:
    """Face, rim, ticks, numerals and hands of ``clock`` (a clock spec) centred at (cx, cy)."""
    face = VOCAB["clock_faces"][face_name]
    ink = (25, 25, 25)
    rim_w = max(2, round(r * face["rim_w"]))
    c.draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=tuple(face["rim"]))
    c.draw.ellipse((cx - r + rim_w, cy - r + rim_w, cx + r - rim_w, cy + r - rim_w), fill=tuple(face["face"]))
    inner = r - rim_w
    _draw_ticks(c, cx, cy, inner, face, ink, clock["minute_ticks"])
    _draw_numerals(c, cx, cy, inner, clock["numerals"], family, ink)
    for name, deg in hand_angles(clock).items():
        _draw_hand(c, cx, cy, inner, deg, name, face["hands"], rgb(clock["hand_colors"][name]))
    cap = max(3.0, inner * 0.05)
    c.draw.ellipse((cx - cap, cy - cap, cx + cap, cy + cap), fill=rgb(clock["hand_colors"]["minute"]))
