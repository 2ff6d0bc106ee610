"""Renderer of flowcharts with PIL: shapes by node kind (oval, rectangle, diamond,
parallelogram) sized to their wrapped text, arrows along the layered layout's routes,
and Yes/No labels placed clear of every box, line and other label."""
from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass

from generators.flowcharts.layout import Layout, layout_chart
from generators.maps.geometry import distance_to_polyline
from generators.maps.placement import LayoutError, Obstacles, centered, first_free, mm_box
from mmsynth.draw import MIN_TEXT_PX, Canvas, bold, font, rgb
from mmsynth.generator import Rendered

TITLE_BAND = 56
LINE_GAP = 3
ROOMIER_LAYOUTS = 3   # relayouts with taller layer gaps before an edge label counts as unplaceable


@dataclass
class Plan:
    """Everything the drawing needs: wrapped lines per node, the layout, fonts."""
    chart: dict
    lines: dict[str, list[str]]
    layout: Layout
    skew: dict[str, float]


def _measure(s: str, fnt) -> tuple[float, float]:
    x0, y0, x1, y1 = mm_box(s, fnt)
    return x1 - x0, y1 - y0


def _text_block(lines: list[str], fnt) -> tuple[float, float]:
    dims = [_measure(s, fnt) for s in lines]
    return max(w for w, _ in dims), sum(h for _, h in dims) + LINE_GAP * (len(lines) - 1)


def _node_size(kind: str, tw: float, th: float) -> tuple[float, float, float]:
    """Width, height and parallelogram skew of a node whose text block is tw x th."""
    if kind == "decision":
        H = 2 * th + 26
        return (tw + 10) / (1 - (th + 6) / H), H, 0.0
    if kind == "io":
        h = th + 20
        skew = h * 0.35
        return tw + 28 + 2 * skew, h, skew
    if kind in ("start", "end"):
        return tw + 44, th + 20, 0.0
    return tw + 28, th + 20, 0.0


def plan(chart: dict, style: dict) -> Plan:
    fnt = font(style["font"], style["node_size"])
    lines, sizes, skew = {}, {}, {}
    for n in chart["nodes"]:
        lines[n["id"]] = textwrap.wrap(n["text"], style["wrap"], break_long_words=False,
                                       break_on_hyphens=False) or [n["text"]]
        w, h, sk = _node_size(n["kind"], *_text_block(lines[n["id"]], fnt))
        sizes[n["id"]] = (math.ceil(w), math.ceil(h))
        skew[n["id"]] = sk

    kinds = {n["id"]: n["kind"] for n in chart["nodes"]}

    def right_port(nid: str, box, y: float) -> float:
        """Where the right side of the node's shape is at height ``y``."""
        x0, y0, x1, y1 = box
        h, dy = y1 - y0, abs(y - (y0 + y1) / 2)
        if kinds[nid] == "decision":
            return (x0 + x1) / 2 + (x1 - x0) / 2 * (1 - dy / (h / 2))
        if kinds[nid] == "io":
            return x1 - skew[nid] * (y - y0) / h
        if kinds[nid] in ("start", "end"):
            return x1 - h / 2 + math.sqrt(max(0.0, (h / 2) ** 2 - dy ** 2))
        return x1

    layout = layout_chart(chart, sizes, gap_x=style["gap_x"], gap_y=style["gap_y"],
                          origin=(style["margin"], TITLE_BAND + 10), right_port=right_port)
    return Plan(chart, lines, layout, skew)


def _shape(canvas: Canvas, kind: str, box, skew: float, fill, outline, width: int) -> None:
    x0, y0, x1, y1 = box
    d = canvas.draw
    if kind == "decision":
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        d.polygon([(cx, y0), (x1, cy), (cx, y1), (x0, cy)], fill=fill, outline=outline, width=width)
    elif kind == "io":
        d.polygon([(x0 + skew, y0), (x1, y0), (x1 - skew, y1), (x0, y1)], fill=fill, outline=outline, width=width)
    elif kind in ("start", "end"):
        d.rounded_rectangle(box, radius=(y1 - y0) / 2, fill=fill, outline=outline, width=width)
    else:
        d.rectangle(box, fill=fill, outline=outline, width=width)


def _arrow(canvas: Canvas, pts, ink, width: int) -> None:
    canvas.draw.line(pts, fill=ink, width=width, joint="curve")
    (ax, ay), (bx, by) = pts[-2], pts[-1]
    L = math.hypot(bx - ax, by - ay) or 1.0
    ux, uy = (bx - ax) / L, (by - ay) / L
    size = 7 + width
    canvas.draw.polygon([(bx, by), (bx - ux * size - uy * size * 0.5, by - uy * size + ux * size * 0.5),
                         (bx - ux * size + uy * size * 0.5, by - uy * size - ux * size * 0.5)], fill=ink)


def _label_candidates(canvas: Canvas, pts, s: str, fnt, siblings: list, segments: int):
    """Positions beside the first ``segments`` segments of a route, on its outer side first,
    nearest the source first; only positions nearer this route than any sibling route (the other arrows
    leaving the same decision), so a label never sits in the wedge between two arrows."""
    w, h = _measure(s, fnt)
    for outer in (True, False):
        for i in range(min(segments, len(pts) - 1)):
            (ax, ay), (bx, by) = pts[i], pts[i + 1]
            L = math.hypot(bx - ax, by - ay)
            if L < 8:
                continue
            nx_, ny_ = -(by - ay) / L, (bx - ax) / L
            side = (-1 if bx > ax else 1) * (1 if outer else -1)
            off = abs(nx_) * w / 2 + abs(ny_) * h / 2 + 5
            for t in (0.3, 0.5, 0.15, 0.7, 0.85):
                c = (ax + t * (bx - ax) + side * nx_ * off, ay + t * (by - ay) + side * ny_ * off)
                own = distance_to_polyline(c, pts)
                if all(distance_to_polyline(c, other) > own + 4 for other in siblings):
                    yield centered(canvas, c, s, fnt)


def render_fitted(chart: dict, title: str, style: dict) -> tuple[Rendered, dict]:
    """Draw a chart, and say with which style: one too crowded for an edge label (the
    diagonals of deep nesting filling the gap under a decision) is laid out again with
    taller gaps between its layers."""
    for extra in range(ROOMIER_LAYOUTS):
        try:
            return render_flowchart(chart, title, _roomier(style, extra)), _roomier(style, extra)
        except LayoutError:
            continue
    return render_flowchart(chart, title, _roomier(style, ROOMIER_LAYOUTS)), _roomier(style, ROOMIER_LAYOUTS)


def _roomier(style: dict, extra: int) -> dict:
    """The style with the gaps between layers taller by half their height per ``extra``."""
    return dict(style, gap_y=style["gap_y"] * (1 + extra / 2)) if extra else style


def render_flowchart(chart: dict, title: str, style: dict) -> Rendered:
    """Draw a chart with ``style`` as it is; LayoutError when an edge label finds no room."""
    p = plan(chart, style)
    lay = p.layout
    fnt = font(style["font"], style["node_size"])
    title_fnt = font(bold(style["font"]), style["title_size"])
    W = max(lay.width + style["margin"], title_fnt.getlength(title) + 2 * style["margin"])
    canvas = Canvas(math.ceil(W), math.ceil(lay.height + style["margin"]), tuple(style["paper"]))
    ink = rgb(style["ink"])
    lw = style["line_width"]
    for _, pts in lay.routes:
        _arrow(canvas, pts, ink, lw)
    kinds = {n["id"]: n["kind"] for n in chart["nodes"]}
    for nid, box in lay.boxes.items():
        fill = tuple(style["fills"][kinds[nid]])
        _shape(canvas, kinds[nid], box, p.skew[nid], fill, ink, lw)
    for nid, box in lay.boxes.items():
        fill = tuple(style["fills"][kinds[nid]])
        color = (20, 20, 20) if sum(fill) > 420 else (250, 250, 250)
        lines = p.lines[nid]
        block_h = _text_block(lines, fnt)[1]
        y = (box[1] + box[3]) / 2 - block_h / 2
        for s in lines:
            h = _measure(s, fnt)[1]
            anchor, _ = centered(canvas, ((box[0] + box[2]) / 2, y + h / 2), s, fnt)
            canvas.text(anchor, s, fnt, color, anchor="mm", role="node")
            y += h + LINE_GAP
    canvas.text((style["margin"], TITLE_BAND / 2), title, title_fnt, ink, anchor="lm", role="title")
    obstacles = Obstacles(boxes=list(lay.boxes.values()),
                          segments=[(a, b) for _, pts in lay.routes for a, b in zip(pts, pts[1:])])
    for e, pts in lay.routes:
        if not e["label"]:
            continue
        siblings = [q for f, q in lay.routes if f["src"] == e["src"] and f is not e]
        near = 2 if (e["src"], e["dst"]) in lay.back else 3   # a loop's label stays beside its decision
        # near the source first, then (crowded charts) anywhere along the arrow; smaller fonts last
        tries = [(size, reach) for size in range(style["label_size"], MIN_TEXT_PX - 1, -1)
                 for reach in (near, len(pts))]
        for size, reach in tries:
            lf = font(bold(style["font"]), size)
            hit = first_free(canvas, obstacles, _label_candidates(canvas, pts, e["label"], lf, siblings, reach), pad=2)
            if hit:
                canvas.text(hit[0], e["label"], lf, rgb(style["label_color"]), anchor="mm", role="edge")
                break
        else:
            raise LayoutError(f"no room for the {e['label']} label of {e['src']}->{e['dst']}")
    return Rendered([canvas.finish(style["noise"], style["noise_seed"])], canvas.texts)
