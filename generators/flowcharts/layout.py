"""Layered (Sugiyama-style) layout of a flowchart, built so that nothing can collide:

* loops are found by depth-first search from Start; their back edges are set aside;
* nodes go to layers by longest path, and every forward edge longer than one layer gets a
  dummy slot in each layer it passes, so it never runs through a box;
* layers are ordered by barycentre sweeps, then placed left to right with gaps;
* forward edges run vertically inside their own column and diagonally only in the gaps
  between layers;
* back edges leave and enter boxes on the right (each at its own height and in its own
  column beside the box when several meet one box) and return along lanes to the right
  of everything, the shortest loops innermost.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from generators.flowcharts.chart import digraph

Point = tuple[float, float]
Box = tuple[float, float, float, float]
SWEEPS = 4


@dataclass
class Layout:
    boxes: dict[str, Box]                       # node id -> box
    routes: list[tuple[dict, list[Point]]]      # (edge, polyline from source to target)
    back: set[tuple[str, str]] = field(default_factory=set)
    width: float = 0.0
    height: float = 0.0


def back_edges(chart: dict) -> set[tuple[str, str]]:
    """Edges that close a loop: those reaching a node still on the DFS stack from Start."""
    succ: dict[str, list[str]] = {}
    for e in chart["edges"]:
        succ.setdefault(e["src"], []).append(e["dst"])
    start = next(n["id"] for n in chart["nodes"] if n["kind"] == "start")
    back, state = set(), {start: 1}
    stack = [(start, iter(succ.get(start, [])))]
    while stack:
        node, it = stack[-1]
        nxt = next(it, None)
        if nxt is None:
            state[node] = 2
            stack.pop()
        elif state.get(nxt) == 1:
            back.add((node, nxt))
        elif nxt not in state:
            state[nxt] = 1
            stack.append((nxt, iter(succ.get(nxt, []))))
    return back


def layers(chart: dict, back: set[tuple[str, str]]) -> dict[str, int]:
    """Longest-path layer of every node in the chart with its back edges removed."""
    dag = digraph(chart)
    dag.remove_edges_from(back)
    layer: dict[str, int] = {}
    for n in nx.topological_sort(dag):
        layer[n] = max((layer[p] + 1 for p in dag.predecessors(n)), default=0)
    return layer


def layout_chart(chart: dict, sizes: dict[str, tuple[float, float]], gap_x: float = 36, gap_y: float = 56,
                 origin: Point = (24, 24), right_port=None) -> Layout:
    """Place the nodes (``sizes``: id -> (w, h)) and route every edge; see the module docstring.

    ``right_port(node_id, box, y) -> x`` gives where a back edge at height ``y`` meets a
    box's right side (shape-dependent); by default the box's right edge.
    """
    back = back_edges(chart)
    layer = layers(chart, back)
    n_layers = max(layer.values()) + 1
    rows: list[list[str]] = [[] for _ in range(n_layers)]
    for n in chart["nodes"]:
        rows[layer[n["id"]]].append(n["id"])
    width = {n: sizes[n][0] for n in layer}
    links: list[tuple[str, str]] = []        # element pairs in adjacent layers (upper, lower)
    chains: list[tuple[dict, list[str]]] = []
    for k, e in enumerate(chart["edges"]):
        u, v = e["src"], e["dst"]
        if (u, v) in back:
            chains.append((e, [u, v]))
            continue
        ds = [f"~f{k}.{L}" for L in range(layer[u] + 1, layer[v])]
        for d, L in zip(ds, range(layer[u] + 1, layer[v])):
            rows[L].append(d)
            width[d] = 0.0
        seq = [u] + ds + [v]
        links += list(zip(seq, seq[1:]))
        chains.append((e, seq))
    _order(rows, links)
    x = _place(rows, links, width, gap_x)
    # vertical bands
    band_h = [max((sizes[n][1] for n in row if n in sizes), default=0.0) for row in rows]
    top = [origin[1]]
    for h in band_h[:-1]:
        top.append(top[-1] + h + gap_y)
    bottom = [t + h for t, h in zip(top, band_h)]
    cy = [t + h / 2 for t, h in zip(top, band_h)]
    shift = origin[0] - min(x[n] - width[n] / 2 for row in rows for n in row)
    x = {n: v + shift for n, v in x.items()}
    boxes = {n: (x[n] - sizes[n][0] / 2, cy[layer[n]] - sizes[n][1] / 2, x[n] + sizes[n][0] / 2,
                 cy[layer[n]] + sizes[n][1] / 2) for n in layer}
    right = right_port or (lambda n, b, y: b[2])
    port_y, column = _ports(_back_ends(chart, back), boxes, gap_x)
    lane, track = _loop_lanes(back, layer, rows, x, boxes, bottom, gap_x, gap_y)
    routes = []
    for e, seq in chains:
        u, v = seq[0], seq[-1]
        if (u, v) in back:
            y_out, y_in = port_y[(u, v, "out")], port_y[(u, v, "in")]
            cu, cv = column[(u, v, "out")], column[(u, v, "in")]
            gu, gv = track[(u, v, "out")], track[(u, v, "in")]
            pts = [(right(u, boxes[u], y_out), y_out), (cu, y_out), (cu, gu)]
            if (u, v) in lane:
                pts += [(lane[(u, v)], gu), (lane[(u, v)], gv)]
            pts += [(cv, gv), (cv, y_in), (right(v, boxes[v], y_in), y_in)]
        else:
            pts = [(x[u], boxes[u][3]), (x[u], bottom[layer[u]])]
            for d in seq[1:-1]:
                L = int(d.rsplit(".", 1)[1])
                pts += [(x[d], top[L]), (x[d], bottom[L])]
            pts += [(x[v], top[layer[v]]), (x[v], boxes[v][1])]
        routes.append((e, _dedupe(pts)))
    W = max(p[0] for _, pts in routes for p in pts)
    W = max([W] + [b[2] for b in boxes.values()])
    return Layout(boxes, routes, back, W, bottom[-1])


def _back_ends(chart: dict, back: set[tuple[str, str]]) -> dict[str, list[tuple[str, str, str]]]:
    """Per node, the back edges that leave ("out") or arrive ("in") there, leaving ones first."""
    ends: dict[str, list[tuple[str, str, str]]] = {}
    for e in chart["edges"]:
        uv = (e["src"], e["dst"])
        if uv in back:
            ends.setdefault(uv[0], []).append((*uv, "out"))
            ends.setdefault(uv[1], []).append((*uv, "in"))
    for lst in ends.values():
        lst.sort(key=lambda end: end[2] == "in")
    return ends


def _ports(ends: dict[str, list[tuple[str, str, str]]], boxes: dict[str, Box],
           gap: float) -> tuple[dict[tuple[str, str, str], float], dict[tuple[str, str, str], float]]:
    """Where each back-edge end meets its node (height) and the column beside the node it runs in.

    The ends at one node get columns from the nearest outward, leaving ends first; leaving
    ends (which then go up) take heights from the top, arriving ends (which come from below)
    from the bottom, so no end's horizontal stretch crosses a nearer end's column.
    """
    port_y: dict[tuple[str, str, str], float] = {}
    column: dict[tuple[str, str, str], float] = {}
    for node, lst in ends.items():
        x0, y0, x1, y1 = boxes[node]
        n = len(lst)
        step = (y1 - y0) / (n + 1)
        outs = [end for end in lst if end[2] == "out"]
        for i, end in enumerate(lst):
            column[end] = x1 + gap * (i + 1) / (n + 1)
            port_y[end] = y0 + (i + 1) * step if end[2] == "out" else y0 + (n - (i - len(outs))) * step
    return port_y, column


def _loop_lanes(back, layer, rows, x, boxes, bottom, gap_x: float, gap_y: float):
    """Orthogonal return paths of back edges.

    A back edge climbs beside its source into the gap above, runs along its own track in
    that gap, climbs a vertical lane right of every box of the layers it passes (shorter
    loops innermost), and runs along a track in the gap below its target. A loop between
    adjacent layers needs no lane: one track in the gap between them. Returns the lane x
    of each loop that has one and the track height of each end.
    """
    def extent(L: int) -> float:
        return max([boxes[n][2] if n in boxes else x[n] for n in rows[L]], default=0.0)

    lane: dict[tuple[str, str], float] = {}
    for uv in sorted(back, key=lambda uv: (layer[uv[0]] - layer[uv[1]], layer[uv[0]], uv)):
        lo, hi = layer[uv[1]], layer[uv[0]]
        if hi - lo < 2:
            continue
        base = max(extent(L) for L in range(lo + 1, hi))
        overlapping = [lane[o] for o in lane if layer[o[1]] < hi and layer[o[0]] > lo]
        lane[uv] = max([base] + overlapping) + gap_x
    requests: dict[int, list[tuple[str, str, str]]] = {}
    for uv in sorted(back, key=lambda uv: (layer[uv[0]], uv)):
        requests.setdefault(layer[uv[0]] - 1, []).append((*uv, "out"))
        if uv in lane:
            requests.setdefault(layer[uv[1]], []).append((*uv, "in"))
    track: dict[tuple[str, str, str], float] = {}
    for gap, ends in requests.items():
        for k, end in enumerate(ends):
            track[end] = bottom[gap] + gap_y * (k + 1) / (len(ends) + 1)
    for uv in back:
        if uv not in lane:
            track[(*uv, "in")] = track[(*uv, "out")]
    return lane, track


def _dedupe(pts: list[Point]) -> list[Point]:
    out = [pts[0]]
    for p in pts[1:]:
        if abs(p[0] - out[-1][0]) > 1e-6 or abs(p[1] - out[-1][1]) > 1e-6:
            out.append(p)
    return out


def _order(rows: list[list[str]], links: list[tuple[str, str]]) -> None:
    """Barycentre sweeps (down, then up) to reduce crossings; stable, so deterministic."""
    up: dict[str, list[str]] = {}
    down: dict[str, list[str]] = {}
    for a, b in links:
        down.setdefault(a, []).append(b)
        up.setdefault(b, []).append(a)
    for _ in range(SWEEPS):
        for L in range(1, len(rows)):
            _sort_by(rows[L], rows[L - 1], up)
        for L in range(len(rows) - 2, -1, -1):
            _sort_by(rows[L], rows[L + 1], down)


def _sort_by(row: list[str], ref: list[str], nbrs: dict[str, list[str]]) -> None:
    pos = {n: i for i, n in enumerate(ref)}
    keys = {}
    for i, n in enumerate(row):
        ps = [pos[m] for m in nbrs.get(n, []) if m in pos]
        keys[n] = sum(ps) / len(ps) if ps else i * (len(ref) / max(1, len(row)))
    row.sort(key=lambda n: keys[n])


def _place(rows: list[list[str]], links: list[tuple[str, str]], width: dict[str, float],
           gap: float) -> dict[str, float]:
    """Centre x of every element: packed in order, then pulled toward the linked elements of
    the layer above (down sweeps) or below (up sweeps), ending with a down sweep."""
    x: dict[str, float] = {}
    for row in rows:
        cur = 0.0
        for n in row:
            x[n] = cur + width[n] / 2
            cur += width[n] + gap
    up: dict[str, list[str]] = {}
    down: dict[str, list[str]] = {}
    for a, b in links:
        down.setdefault(a, []).append(b)
        up.setdefault(b, []).append(a)
    for sweep in range(2 * SWEEPS + 1):
        order, nbrs = (rows, up) if sweep % 2 == 0 else (rows[::-1], down)
        for row in order:
            want = [_median([x[m] for m in nbrs[n]]) if nbrs.get(n) else x[n] for n in row]
            _pack(row, want, width, gap, x)
    return x


def _median(xs: list[float]) -> float:
    xs = sorted(xs)
    mid = len(xs) // 2
    return xs[mid] if len(xs) % 2 else (xs[mid - 1] + xs[mid]) / 2


def _pack(row: list[str], want: list[float], width: dict[str, float], gap: float, x: dict[str, float]) -> None:
    """Positions as close to ``want`` as the order and the gaps allow (push right, then pull back left)."""
    pos = list(want)
    for i in range(1, len(row)):
        need = pos[i - 1] + (width[row[i - 1]] + width[row[i]]) / 2 + gap
        pos[i] = max(pos[i], need)
    for i in range(len(row) - 2, -1, -1):
        limit = pos[i + 1] - (width[row[i + 1]] + width[row[i]]) / 2 - gap
        pos[i] = min(pos[i], limit)
    for n, p in zip(row, pos):
        x[n] = p
