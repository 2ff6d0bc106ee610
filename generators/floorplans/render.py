"""Drawing a floor plan: walls, doors with their swing, windows, the entrance, a north arrow,
and each room's name and size placed inside the room, clear of every door swing.

:func:`layout_plan` does all the geometry (including where every text goes) without
drawing, so tests check it directly; :func:`render_plan` only paints it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from mmsynth.draw import FONT_FAMILIES, Canvas, bold, font, palettes, rgb
from mmsynth.generator import Rendered
from mmsynth.rand import pick, randint
from mmsynth.record import format_number

from generators.floorplans.plan import AXES, area, door_ends, entrance_ends, size_text, swing_box
from generators.graphs.geometry import Box, boxes_intersect, box_inside, grow
from generators.graphs.style import draw_arrowhead, legible_font, min_legible_size, snap, text_size, tint

MARGIN_X, MARGIN_Y = 100, 56
# STIX at the small sizes room labels shrink to reads back badly ('Bedroa', 'Bathroo' in EasyOCR)
PLAN_FONTS = tuple(f for f in FONT_FAMILIES if f != "stix")
MAX_SCALE_STEPS = 30


@dataclass
class TextSpot:
    """One line of text to draw: its string, font size, bold or not, centre and role."""
    text: str
    size: int
    bold: bool
    center: tuple[float, float]
    role: str


@dataclass
class PlanLayout:
    scale: float
    rooms: dict[str, Box]
    swings: list[tuple[tuple[float, float], float, str, Box]] = field(default_factory=list)  # hinge, radius, dir, box
    texts: list[TextSpot] = field(default_factory=list)
    compass: tuple[tuple[float, float], tuple[float, float]] = ((0, 0), (0, 0))
    width: int = 0
    height: int = 0


def sample_plan_style(rng: np.random.Generator) -> dict:
    return {"font": pick(rng, PLAN_FONTS), "font_size": randint(rng, 13, 16),
            "bold_names": bool(rng.random() < 0.6), "palette": pick(rng, sorted(palettes())),
            "fill": pick(rng, ["white", "by_type", "by_type"]), "tint": float(rng.uniform(0.72, 0.9)),
            "wall": pick(rng, [(25, 25, 25), (60, 60, 70), (30, 40, 90)]), "exterior": randint(rng, 5, 7),
            "interior": randint(rng, 2, 3), "size_label": pick(rng, ["dims", "area"]),
            "noise": pick(rng, [0.0, 0.0, 1.5, 3.0]), "noise_seed": randint(rng, 0, 2**31 - 1)}


def size_label(spec: dict, name: str, style: dict) -> str:
    if style["size_label"] == "area":
        return f"{format_number(area(spec, name))} m²"
    return size_text(spec, name)   # ASCII "x", as plans are annotated and as OCR reads it back


def layout_plan(spec: dict, style: dict) -> PlanLayout:
    """The plan's geometry at the smallest scale (from ~55 px/m up) at which every label fits."""
    fw, fh = spec["footprint"]["w"], spec["footprint"]["h"]
    scale = min(880 / fw, 640 / fh)
    for _ in range(MAX_SCALE_STEPS):
        lay = _try_layout(spec, style, scale)
        if lay is not None:
            return lay
        scale *= 1.08
    raise RuntimeError("room labels do not fit at any scale")  # not reached: the smallest room side is 2.2 m


def _try_layout(spec: dict, style: dict, scale: float) -> PlanLayout | None:
    def px(x: float, y: float) -> tuple[float, float]:
        return MARGIN_X + x * scale, MARGIN_Y + y * scale

    rooms = {}
    for r in spec["rooms"]:
        x0, y0 = px(r["x"], r["y"])
        rooms[r["name"]] = (x0, y0, x0 + r["w"] * scale, y0 + r["h"] * scale)
    lay = PlanLayout(scale, rooms)
    for hinge, end, inward in [door_ends(spec, d) for d in spec["doors"]] + [entrance_ends(spec)]:
        lay.swings.append((px(*hinge), abs(end[0] - hinge[0] + end[1] - hinge[1]) * scale, inward,
                           swing_box(px(*hinge), px(*end), inward)))
    a, b, inward = entrance_ends(spec)
    fw, fh = spec["footprint"]["w"], spec["footprint"]["h"]
    lay.width, lay.height = int(2 * MARGIN_X + fw * scale + 1), int(2 * MARGIN_Y + fh * scale + 1)
    blocked = [grow(s[3], 3) for s in lay.swings]
    for r in spec["rooms"]:
        spots = _place_room_label(spec, r["name"], rooms[r["name"]], style, blocked)
        if spots is None:
            return None
        lay.texts += spots
    _place_entrance_label(lay, spec, px(*a), px(*b), inward, style)
    _place_compass(lay, spec, style)
    return lay


def _place_room_label(spec: dict, name: str, box: Box, style: dict, blocked: list[Box]) -> list[TextSpot] | None:
    """Name over size, as large as fits inside the room and clear of door swings (None: nothing fits)."""
    inner = grow(box, -(style["exterior"] / 2 + 4))
    sub = size_label(spec, name, style)
    name_face = bold(style["font"]) if style["bold_names"] else style["font"]
    smallest = min_legible_size(name_face, name)
    for size in range(max(style["font_size"], smallest), smallest - 1, -1):
        name_font = font(name_face, size)
        sub_font = legible_font(style["font"], size - 2, [sub])
        (nw, nh), (sw, sh) = text_size(name_font, name), text_size(sub_font, sub)
        bw, bh = max(nw, sw) + 4, nh + sh + size * 0.5 + 4
        free_x, free_y = (inner[2] - inner[0]) - bw, (inner[3] - inner[1]) - bh
        if free_x < 0 or free_y < 0:
            continue
        for fx, fy in ((0, 0), (0, -0.3), (0, 0.3), (-0.3, 0), (0.3, 0), (-0.3, -0.3), (0.3, -0.3),
                       (-0.3, 0.3), (0.3, 0.3), (0, -0.5), (0, 0.5), (-0.5, 0), (0.5, 0)):
            cx = (inner[0] + inner[2]) / 2 + fx * free_x
            cy = (inner[1] + inner[3]) / 2 + fy * free_y
            block = (cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2)
            if box_inside(block, inner) and not any(boxes_intersect(block, b) for b in blocked):
                top = block[1] + 2
                return [TextSpot(name, size, style["bold_names"], (cx, top + nh / 2), "room"),
                        TextSpot(sub, sub_font.size, False, (cx, block[3] - 2 - sh / 2), "dimension")]
    return None


def _place_entrance_label(lay: PlanLayout, spec: dict, a, b, inward, style: dict) -> None:
    fnt = legible_font(style["font"], style["font_size"] - 2, ["Entrance"])
    size = fnt.size
    w, h = text_size(fnt, "Entrance")
    mx, my = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2
    gap = style["exterior"] + 12
    cx, cy = mx - inward[0] * (gap + w / 2), my - inward[1] * (gap + h / 2)
    lay.texts.append(TextSpot("Entrance", size, False, (cx, cy), "label"))


def _place_compass(lay: PlanLayout, spec: dict, style: dict) -> None:
    """A north arrow in the right margin, at the top unless the entrance label is there."""
    north = AXES[spec["north"]][0]
    size = legible_font(bold(style["font"]), style["font_size"] + 2, ["N"]).size
    for cy in (MARGIN_Y + 40, lay.height - MARGIN_Y - 40):
        c = (lay.width - MARGIN_X / 2, cy)
        tail, tip = (c[0] - north[0] * 22, c[1] - north[1] * 22), (c[0] + north[0] * 22, c[1] + north[1] * 22)
        label = (tip[0] + north[0] * 14, tip[1] + north[1] * 14)
        zone = (c[0] - 40, c[1] - 40, c[0] + 40, c[1] + 40)
        if not any(s.role == "label" and boxes_intersect(zone, _spot_box(s, style)) for s in lay.texts):
            break
    lay.compass = (tail, tip)
    lay.texts.append(TextSpot("N", size, True, label, "compass"))


def _spot_box(s: TextSpot, style: dict) -> Box:
    w, h = text_size(_spot_font(s, style), s.text)
    return (s.center[0] - w / 2, s.center[1] - h / 2, s.center[0] + w / 2, s.center[1] + h / 2)


def _spot_font(s: TextSpot, style: dict):
    return font(bold(style["font"]) if s.bold else style["font"], s.size)


def render_plan(spec: dict, style: dict) -> Rendered:
    lay = layout_plan(spec, style)
    canvas = Canvas(lay.width, lay.height)
    colors = [rgb(c) for c in palettes()[style["palette"]]]
    types = sorted({r["type"] for r in spec["rooms"]})
    wall, ext, inn = tuple(style["wall"]), style["exterior"], style["interior"]
    for r in spec["rooms"]:
        fill = (255, 255, 255) if style["fill"] == "white" else tint(colors[types.index(r["type"]) % len(colors)], style["tint"])
        canvas.draw.rectangle(lay.rooms[r["name"]], fill=fill, outline=wall, width=inn)
    fw, fh = spec["footprint"]["w"] * lay.scale, spec["footprint"]["h"] * lay.scale
    outer = (MARGIN_X - ext / 2, MARGIN_Y - ext / 2, MARGIN_X + fw + ext / 2, MARGIN_Y + fh + ext / 2)
    canvas.draw.rectangle(outer, outline=wall, width=ext)
    for w in spec["windows"]:
        _draw_window(canvas, spec, w, lay.scale, ext, wall)
    for hinge, radius, inward, box in lay.swings:
        _draw_door(canvas, hinge, radius, inward, max(ext, inn) + 2, wall)
    for s in lay.texts:
        canvas.text(snap(s.center), s.text, _spot_font(s, style), (20, 20, 20), anchor="mm", role=s.role)
    tail, tip = lay.compass
    canvas.draw.line([tail, tip], fill=(20, 20, 20), width=3)
    draw_arrowhead(canvas, tip, tail, (20, 20, 20), 12)
    return Rendered([canvas.finish(style["noise"], style["noise_seed"])], canvas.texts)


def _draw_window(canvas: Canvas, spec: dict, w: dict, scale: float, ext: int, wall) -> None:
    fw, fh = spec["footprint"]["w"], spec["footprint"]["h"]
    a, b = w["from"] * scale, w["to"] * scale
    if w["side"] in ("top", "bottom"):
        y = MARGIN_Y + (0 if w["side"] == "top" else fh * scale)
        box = (MARGIN_X + a, y - ext / 2, MARGIN_X + b, y + ext / 2)
    else:
        x = MARGIN_X + (0 if w["side"] == "left" else fw * scale)
        box = (x - ext / 2, MARGIN_Y + a, x + ext / 2, MARGIN_Y + b)
    canvas.draw.rectangle(box, fill=(255, 255, 255), outline=wall, width=1)
    if w["side"] in ("top", "bottom"):
        canvas.draw.line([(box[0], (box[1] + box[3]) / 2), (box[2], (box[1] + box[3]) / 2)], fill=wall, width=1)
    else:
        canvas.draw.line([((box[0] + box[2]) / 2, box[1]), ((box[0] + box[2]) / 2, box[3])], fill=wall, width=1)


def _draw_door(canvas: Canvas, hinge, radius: float, inward, thick: float, wall) -> None:
    """Clear the wall over the doorway, then draw the open leaf and its quarter-circle swing."""
    x, y = hinge
    if inward[0] == 0:   # door in a horizontal wall, spanning +x from the hinge
        canvas.draw.rectangle((x + 1, y - thick / 2, x + radius - 1, y + thick / 2), fill=(255, 255, 255))
        leaf = (x, y + inward[1] * radius)
        start, end = (0, 90) if inward[1] > 0 else (270, 360)
    else:                # door in a vertical wall, spanning +y from the hinge
        canvas.draw.rectangle((x - thick / 2, y + 1, x + thick / 2, y + radius - 1), fill=(255, 255, 255))
        leaf = (x + inward[0] * radius, y)
        start, end = (0, 90) if inward[0] > 0 else (90, 180)
    canvas.draw.line([hinge, leaf], fill=wall, width=2)
    canvas.draw.arc((x - radius, y - radius, x + radius, y + radius), start, end, fill=wall, width=1)
