"""Draw one gauge (dial, thermometer tube or battery) into a box of a Canvas.

Geometry comes from :func:`needle_angle` and :func:`tick_values`, which the tests and the
solvers share with the renderer; every text goes through ``place_texts`` (no overlaps).
"""
from __future__ import annotations

from mmsynth.draw import RGB, Canvas, rgb
from mmsynth.record import format_number

from generators.dashboards.clock_draw import polar
from generators.dashboards.drawutil import place_texts

Box = tuple[float, float, float, float]
INK = (25, 25, 25)


def tick_values(g: dict, step: float) -> list[float]:
    """Scale values from min to max every ``step`` (exact multiples, no float drift)."""
    n = round((g["max"] - g["min"]) / step)
    return [round(g["min"] + i * step, 6) for i in range(n + 1)]


def tick_labels(g: dict) -> list[str]:
    """The text printed at each major tick: the gauge's own labels (E, 1/2, F) or the numbers."""
    return g.get("tick_labels") or [format_number(v) for v in tick_values(g, g["major"])]


def needle_angle(g: dict, value: float | None = None) -> float:
    """Angle (degrees clockwise from 12) of ``value`` (default: the reading) on a dial."""
    v = g["value"] if value is None else value
    return -g["sweep"] / 2 + (v - g["min"]) / (g["max"] - g["min"]) * g["sweep"]


def dial_geometry(box: Box) -> tuple[float, float, float, float]:
    """Centre, outer (rim) radius and the height of the title band under the dial, for a box."""
    x0, y0, x1, y1 = box
    band = (y1 - y0) * 0.13
    r = min(x1 - x0, y1 - y0 - band) / 2
    return (x0 + x1) / 2, y0 + (y1 - y0 - band) / 2, r, band


def _dial(c: Canvas, box: Box, g: dict, face: dict, family: str, outside: RGB) -> None:
    cx, cy, r, band = dial_geometry(box)
    place_texts(c, [((cx, cy + r + band * 0.55), g["label"])], family, int(band * 0.6), outside, "label")
    c.draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=tuple(face["rim"]))
    r -= max(2, r * 0.04)
    c.draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=tuple(face["face"]))
    if g.get("zone"):
        a0, a1 = needle_angle(g, g["zone"]["from"]), needle_angle(g, g["zone"]["to"])
        c.draw.arc((cx - r * 0.95, cy - r * 0.95, cx + r * 0.95, cy + r * 0.95), a0 - 90, a1 - 90,
                   fill=rgb(g["zone"]["color"]), width=max(3, round(r * 0.09)))
    for v in tick_values(g, g["minor"]):
        major = abs((v - g["min"]) / g["major"] - round((v - g["min"]) / g["major"])) < 1e-6
        a = needle_angle(g, v)
        c.draw.line([polar(cx, cy, r * (0.83 if major else 0.88), a), polar(cx, cy, r * 0.95, a)], fill=INK,
                    width=max(1, round(r * (0.025 if major else 0.01))))
    # the needle goes under the numbers (which keep a face-coloured halo); its tip reaches past them
    a = needle_angle(g)
    w = max(2.0, r * 0.035)
    tip, tail = polar(cx, cy, r * 0.82, a), polar(cx, cy, -r * 0.12, a)
    c.draw.polygon([polar(*tail, w, a - 90), tip, polar(*tail, w, a + 90)], fill=rgb(g["color"]))
    hub = max(3.0, r * 0.07)
    c.draw.ellipse((cx - hub, cy - hub, cx + hub, cy + hub), fill=INK)
    labels = [(polar(cx, cy, r * 0.68, needle_angle(g, v)), t)
              for v, t in zip(tick_values(g, g["major"]), tick_labels(g))]
    place_texts(c, labels, family, max(int(r * 0.15), 14), INK, "tick", halo=tuple(face["face"]))
    if g["unit"] != "%":
        place_texts(c, [((cx, cy + r * (0.42 if g["sweep"] < 270 else 0.55)), g["unit"])], family,
                    max(int(r * 0.12), 14), INK, "unit", halo=tuple(face["face"]))


def _tube(c: Canvas, box: Box, g: dict, face: dict, family: str, outside: RGB) -> None:
    x0, y0, x1, y1 = box
    h = y1 - y0
    w = min(x1 - x0, h * 0.6)
    cx = (x0 + x1) / 2 - w * 0.12
    tube_w, bulb_r = w * 0.14, w * 0.16
    top, bottom = y0 + h * 0.16, y1 - h * 0.11 - bulb_r * 1.9
    c.draw.rounded_rectangle((cx - w * 0.42, y0 + h * 0.02, cx + w * 0.62, y1 - h * 0.01), radius=w * 0.1,
                             fill=tuple(face["face"]), outline=tuple(face["rim"]), width=max(2, round(w * 0.02)))
    liquid = rgb(g["color"])
    scale_top, scale_bottom = top + h * 0.04, bottom - h * 0.03

    def y_of(v: float) -> float:
        return scale_bottom - (v - g["min"]) / (g["max"] - g["min"]) * (scale_bottom - scale_top)

    c.draw.rounded_rectangle((cx - tube_w / 2, top, cx + tube_w / 2, bottom + bulb_r), radius=tube_w / 2,
                             fill=(250, 250, 250), outline=INK, width=max(1, round(w * 0.012)))
    c.draw.rectangle((cx - tube_w / 2 + 2, y_of(g["value"]), cx + tube_w / 2 - 2, bottom + bulb_r), fill=liquid)
    by = bottom + bulb_r * 0.9
    c.draw.ellipse((cx - bulb_r, by - bulb_r, cx + bulb_r, by + bulb_r), fill=liquid, outline=INK)
    for v in tick_values(g, g["minor"]):
        major = abs((v - g["min"]) / g["major"] - round((v - g["min"]) / g["major"])) < 1e-6
        y = y_of(v)
        c.draw.line([(cx + tube_w / 2 + 2, y), (cx + tube_w / 2 + (w * 0.14 if major else w * 0.07), y)],
                    fill=INK, width=max(1, round(w * (0.015 if major else 0.008))))
    labels = [((cx + tube_w / 2 + w * 0.18, y_of(v)), t) for v, t in zip(tick_values(g, g["major"]), tick_labels(g))]
    spacing = (scale_bottom - scale_top) * g["major"] / (g["max"] - g["min"])
    place_texts(c, labels, family, int(min(max(w * 0.13, 16), spacing * 0.9)), INK, "tick", anchor="lm", pad=1)
    place_texts(c, [((cx - w * 0.2, y0 + h * 0.08), g["unit"])], family, max(int(w * 0.11), 15), INK, "unit")
    place_texts(c, [((cx + w * 0.1, y1 - h * 0.06), g["label"])], family, max(int(min(w * 0.1, h * 0.06)), 15), INK,
                "label")


def battery_fill_color(fraction: float) -> str:
    """Red at a quarter or less, orange up to half, green above."""
    return "red" if fraction <= 0.25 else "orange" if fraction <= 0.5 else "green"


def _battery(c: Canvas, box: Box, g: dict, face: dict, family: str, outside: RGB) -> None:
    x0, y0, x1, y1 = box
    w = min(x1 - x0, (y1 - y0) * 1.8) * 0.8
    h = w * 0.42
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2 - h * 0.15
    bx0, by0, bx1, by1 = cx - w / 2, cy - h / 2, cx + w / 2 - w * 0.06, cy + h / 2
    border = max(2, round(w * 0.025))
    c.draw.rounded_rectangle((bx0, by0, bx1, by1), radius=h * 0.12, fill=tuple(face["face"]), outline=INK,
                             width=border)
    c.draw.rectangle((bx1, cy - h * 0.18, bx1 + w * 0.06, cy + h * 0.18), fill=INK)
    n = round((g["max"] - g["min"]) / g["minor"])
    lit = round((g["value"] - g["min"]) / g["minor"])
    gap = max(2.0, w * 0.015)
    inner = (bx0 + border + gap, by0 + border + gap, bx1 - border - gap, by1 - border - gap)
    seg_w = (inner[2] - inner[0] - gap * (n - 1)) / n
    for i in range(n):
        sx = inner[0] + i * (seg_w + gap)
        fill = rgb(g["color"]) if i < lit else (225, 225, 225)
        c.draw.rectangle((sx, inner[1], sx + seg_w, inner[3]), fill=fill)
    place_texts(c, [((cx, by1 + h * 0.1), g["label"])], family, int(h * 0.3), outside, "label", anchor="mt")


SHAPES = {"dial": _dial, "tube": _tube, "battery": _battery}


def draw_gauge(c: Canvas, box: Box, g: dict, face: dict, family: str, outside: RGB = INK) -> None:
    """Draw gauge spec ``g`` inside ``box`` with the cosmetic ``face`` colours; ``outside`` is the
    colour of text drawn on the background around the instrument."""
    SHAPES[g["shape"]](c, box, g, face, family, outside)
