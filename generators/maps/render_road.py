"""Renderer of road maps with PIL: land, lake, river with bridges, roads, towns, a
title band with a compass rose, and every label placed clear of lines and other labels."""
from __future__ import annotations

import itertools
import math

from PIL import ImageFont

from generators.maps.geometry import point_segment_distance, polyline_crossings
from generators.maps.legend import compass_rose, rose_extent, title_band
from generators.maps.placement import Box, LayoutError, Obstacles, box_at, centered, first_free, mm_box
from mmsynth.draw import MIN_TEXT_PX, Canvas, bold, font, rgb
from mmsynth.generator import Rendered

BAND = 74          # title band height
RETRIES = 4        # label passes, each placing the roads that failed before first
WATER = (150, 196, 232)
WATER_EDGE = (90, 140, 200)


class RoadLabelError(LayoutError):
    """The label of one road found no room; ``road`` names it."""

    def __init__(self, road: str) -> None:
        super().__init__(f"no room for the label of road {road}")
        self.road = road


class Frame:
    """Map units (x east, y north, 0..100) to pixels: one scale on both axes, so bearings on
    the page are the bearings of the spec, centred in the plot area."""

    def __init__(self, area: Box):
        self.scale = min(area[2] - area[0], area[3] - area[1]) / 100
        self.x0 = (area[0] + area[2]) / 2 - 50 * self.scale
        self.y0 = (area[1] + area[3]) / 2 - 50 * self.scale

    def __call__(self, x: float, y: float) -> tuple[float, float]:
        return (self.x0 + x * self.scale, self.y0 + (100 - y) * self.scale)


def map_frame(style: dict) -> Frame:
    """The frame a road map of this style is drawn in."""
    W = style["width"]
    H = int(W * style["aspect"])
    return Frame((style["margin"], BAND + 24, W - style["margin"], H - 26))


def _sizes(base: int) -> list[int]:
    return [s for s in range(base, max(MIN_TEXT_PX, base - 3) - 1, -1)]


def _crossing_point(a, b, line) -> tuple[float, float, int] | None:
    """Where segment ab crosses the polyline (pixel space), and the index of the crossed piece."""
    for i in range(len(line) - 1):
        if polyline_crossings(a, b, [line[i], line[i + 1]]):
            (x1, y1), (x2, y2), (x3, y3), (x4, y4) = a, b, line[i], line[i + 1]
            den = (x1 - x2) * (y3 - y4) - (y1 - y2) * (x3 - x4)
            t = ((x1 - x3) * (y3 - y4) - (y1 - y3) * (x3 - x4)) / den
            return (x1 + t * (x2 - x1), y1 + t * (y2 - y1), i)
    return None


def _draw_bridge(canvas: Canvas, a, b, at, width: float, ink) -> None:
    dx, dy = b[0] - a[0], b[1] - a[1]
    L = math.hypot(dx, dy)
    ux, uy = dx / L, dy / L
    nx_, ny_ = -uy, ux
    half, side = 11, width / 2 + 4
    for s in (-1, 1):
        p, q = (at[0] - ux * half + s * nx_ * side, at[1] - uy * half + s * ny_ * side), \
               (at[0] + ux * half + s * nx_ * side, at[1] + uy * half + s * ny_ * side)
        canvas.draw.line([p, q], fill=ink, width=3)


def _around(canvas: Canvas, center, radius: float, s: str, fnt, extra: float = 0.0):
    """Candidate (anchor, box) pairs for a label around a point, in the 8 compass directions."""
    w0, h0, w1, h1 = mm_box(s, fnt)
    w, h = w1 - w0, h1 - h0
    out = []
    for ang in (0, 180, 90, 270, 45, 135, 315, 225, 22.5, 157.5, 202.5, 337.5, 67.5, 112.5, 247.5, 292.5):
        ux, uy = math.cos(math.radians(ang)), -math.sin(math.radians(ang))
        d = radius + 4 + extra + abs(ux) * w / 2 + abs(uy) * h / 2
        out.append(centered(canvas, (center[0] + ux * d, center[1] + uy * d), s, fnt))
    return out


def _place_town(canvas: Canvas, obstacles: Obstacles, name: str, at, radius: float, style: dict, ink) -> None:
    for size in _sizes(style["town_size"]):
        fnt = font(bold(style["font"]) if style["bold_towns"] else style["font"], size)
        for extra in (0, 8, 16, 28):
            hit = first_free(canvas, obstacles, _around(canvas, at, radius, name, fnt, extra))
            if hit:
                canvas.text(hit[0], name, fnt, ink, anchor="mm", role="node")
                return
    raise LayoutError(f"no room for the label of {name}")


def _edge_blocks(canvas: Canvas, a, b, lines: list[str], fonts: list[ImageFont.FreeTypeFont], extra: float,
                 offset: bool = True):
    """Candidate (line anchors, block box) pairs for a stacked label beside segment ab (on it if not ``offset``)."""
    sizes = [mm_box(s, f) for s, f in zip(lines, fonts)]
    ws = [x1 - x0 for x0, _, x1, _ in sizes]
    hs = [y1 - y0 for _, y0, _, y1 in sizes]
    w, h = max(ws), sum(hs) + 2
    dx, dy = b[0] - a[0], b[1] - a[1]
    L = math.hypot(dx, dy) or 1.0
    nx_, ny_ = -dy / L, dx / L
    off = abs(nx_) * w / 2 + abs(ny_) * h / 2 + 6 + extra if offset else 0.0
    for t in (0.5, 0.42, 0.58, 0.34, 0.66, 0.27, 0.73, 0.2, 0.8):
        for s in (1, -1):
            c = (a[0] + t * dx + s * nx_ * off, a[1] + t * dy + s * ny_ * off)
            top = c[1] - h / 2
            anchors = []
            for s_, f, hi in zip(lines, fonts, hs):
                anchors.append(centered(canvas, (c[0], top + hi / 2), s_, f)[0])
                top += hi + 2
            yield anchors, box_at(c, w, h)


def _on_road_blocks(canvas: Canvas, a, b, lines: list[str], fonts):
    """Fallback positions: the label centred on the road itself, on a plate that interrupts the line."""
    for t in (0.5, 0.42, 0.58, 0.34, 0.66, 0.27, 0.73):
        c = (a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]))
        yield next(_edge_blocks(canvas, c, c, lines, fonts, 0.0, offset=False))


OWN_RATIO, OWN_MARGIN = 1.6, 8.0   # a label is this many times, plus px, nearer its road than any other


def _nearest_is_own(block, own, roads: list) -> bool:
    """True when the label block's centre is clearly nearer its own road than any other,
    so that a reader pairs label and road without hesitating (issue 14: labels in the wedge
    between two roads read as either's)."""
    c = ((block[0] + block[2]) / 2, (block[1] + block[3]) / 2)
    d = point_segment_distance(c, *own)
    return all(point_segment_distance(c, *seg) > d * OWN_RATIO + OWN_MARGIN for seg in roads if seg != own)


def _place_road(canvas: Canvas, obstacles: Obstacles, water: list, roads: list, road: dict, a, b, style: dict,
                ink) -> None:
    """Beside the road if there is room anywhere along it; else on a plate on the road (over
    the river if nowhere else: an opaque plate reads clearly over water)."""
    lines = [road["name"], f"{road['km']} km"]
    others = Obstacles(obstacles.boxes, [s for s in obstacles.segments if s != (a, b)])
    dry = Obstacles(others.boxes, [s for s in others.segments if s not in water])
    for size in _sizes(style["road_size"]):
        fonts = [font(bold(style["font"]), size), font(style["font"], size)]
        beside = ((obstacles, False, c) for extra in (0, 10) for c in _edge_blocks(canvas, a, b, lines, fonts, extra))
        plates = ((clear, True, c) for clear in (others, dry) for c in _on_road_blocks(canvas, a, b, lines, fonts))
        for clear, plate, (anchors, block) in itertools.chain(beside, plates):
            room = (block[0] - 4, block[1] - 3, block[2] + 4, block[3] + 3) if plate else block
            if not _nearest_is_own(block, (a, b), roads):
                continue
            if canvas.fits(room, 2) and clear.clear(room, 3):
                if plate:
                    canvas.draw.rectangle(room, fill=tuple(style["land"]), outline=ink, width=1)
                for s, f, c in zip(lines, fonts, anchors):
                    canvas.text(c, s, f, ink, anchor="mm", role="edge")
                return
    raise RoadLabelError(road["name"])


def _place_optional(canvas: Canvas, obstacles: Obstacles, s: str, points, style: dict, ink) -> None:
    """Names of rivers and lakes: drawn where they fit, left out otherwise (no question reads them)."""
    fnt = font(style["font"].split("-")[0] + "-italic" if style["font"] in ("sans", "serif") else style["font"],
               max(MIN_TEXT_PX, style["road_size"]))
    for p in points:
        hit = first_free(canvas, obstacles, _around(canvas, p, 6, s, fnt), pad=3)
        if hit:
            canvas.text(hit[0], s, fnt, ink, anchor="mm", role="label")
            return


def render_road_map(spec: dict, style: dict) -> Rendered:
    """Draw the map; when a road label finds no room, draw again placing that road's label earlier."""
    first: list[str] = []
    for _ in range(RETRIES):
        try:
            return _render(spec, style, first)
        except RoadLabelError as e:
            first.append(e.road)
    return _render(spec, style, first)


def _render(spec: dict, style: dict, first: list[str]) -> Rendered:
    W = style["width"]
    H = int(W * style["aspect"])
    canvas = Canvas(W, H, tuple(style["land"]))
    frame = map_frame(style)
    ink, road_ink = rgb(style["ink"]), rgb(style["road_color"])
    obstacles = Obstacles()
    d = canvas.draw

    for lake in spec["lakes"]:
        cx, cy = frame(lake["cx"], lake["cy"])
        k = frame.scale
        lb = (cx - lake["rx"] * k, cy - lake["ry"] * k, cx + lake["rx"] * k, cy + lake["ry"] * k)
        d.ellipse(lb, fill=WATER, outline=WATER_EDGE, width=2)
        obstacles.boxes.append(lb)
    rivers_px = [[frame(*p) for p in r["points"]] for r in spec["rivers"]]
    water: list = []
    for line in rivers_px:
        d.line(line, fill=WATER, width=style["river_width"], joint="curve")
        water += list(zip(line, line[1:]))
        obstacles.segments += list(zip(line, line[1:]))
    pos = {t["name"]: frame(t["x"], t["y"]) for t in spec["towns"]}
    rw = style["road_width"]
    for r in spec["roads"]:
        a, b = pos[r["a"]], pos[r["b"]]
        d.line([a, b], fill=road_ink, width=rw)
        obstacles.segments.append((a, b))
        for line in rivers_px:
            hit = _crossing_point(a, b, line)
            if hit:
                _draw_bridge(canvas, a, b, hit[:2], rw, ink)
    road_segments = [(pos[r["a"]], pos[r["b"]]) for r in spec["roads"]]
    rad = style["town_radius"]
    for name, (x, y) in pos.items():
        dot = (x - rad, y - rad, x + rad, y + rad)
        if style["town_shape"] == "square":
            d.rectangle(dot, fill=rgb(style["town_color"]), outline=ink, width=2)
        else:
            d.ellipse(dot, fill=rgb(style["town_color"]), outline=ink, width=2)
        obstacles.boxes.append(dot)

    rose_r = 20
    ext = rose_extent(rose_r, style["font"])
    rose_x = W - 14 - ext if style["rose_right"] else 14 + ext
    rose = compass_rose(canvas, (rose_x, BAND / 2 + 2), rose_r, style["font"], ink, rgb(style["accent"]))
    obstacles.boxes.append(rose)
    title_x = 18 if style["rose_right"] else 28 + 2 * ext
    title_band(canvas, spec["title"], style["font"], style["title_size"], ink, title_x, BAND / 2)
    d.line([(8, BAND), (W - 8, BAND)], fill=ink, width=1)

    for name, at in pos.items():
        _place_town(canvas, obstacles, name, at, rad, style, ink)
    # roads that failed before first, then the shortest: they have the least room beside them
    rank = {name: i for i, name in enumerate(reversed(first))}
    for r in sorted(spec["roads"], key=lambda r: (-rank.get(r["name"], -1), math.dist(pos[r["a"]], pos[r["b"]]))):
        _place_road(canvas, obstacles, water, road_segments, r, pos[r["a"]], pos[r["b"]], style, ink)
    for r, line in zip(spec["rivers"], rivers_px):
        _place_optional(canvas, obstacles, r["name"], line[1:-1:2], style, WATER_EDGE)
    for lake in spec["lakes"]:
        _place_optional(canvas, obstacles, lake["name"], [frame(lake["cx"], lake["cy"])], style, WATER_EDGE)
    return Rendered([canvas.finish(style["noise"], style["noise_seed"])], canvas.texts)
