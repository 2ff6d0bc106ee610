"""Layered (Sugiyama-style) layout of a flowchart, built so that nothing can collide:

* loops are found by depth-first search from Start; their back edges are reversed;
* nodes go to layers by longest path, and every edge longer than one layer, and every
  back edge, gets a dummy slot in each layer it passes, so it never runs through a box;
* layers are ordered by barycentre sweeps, then placed left to right with gaps;
* edges run vertically inside their own column and diagonally only in the gaps between
  layers; back edges leave and enter boxes on the right, via the slot just beside them.
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

    ``right_port(node_id, box) -> x`` gives where a back edge meets a box's right side
    (shape-dependent); by default the box's right edge.
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
    attach: list[tuple[str, str]] = []       # (dummy, node) that must sit just right of node
    for k, e in enumerate(chart["edges"]):
        u, v = e["src"], e["dst"]
        if (u, v) in back:
            ds = [f"~b{k}.{L}" for L in range(layer[u], layer[v] - 1, -1)]
            for d, L in zip(ds, range(layer[u], layer[v] - 1, -1)):
                rows[L].append(d)
                width[d] = 0.0
            links += [(ds[i + 1], ds[i]) for i in range(len(ds) - 1)]
            attach += [(ds[0], u), (ds[-1], v)]
            chains.append((e, [u] + ds + [v]))
        else:
            ds = [f"~f{k}.{L}" for L in range(layer[u] + 1, layer[v])]
            for d, L in zip(ds, range(layer[u] + 1, layer[v])):
                rows[L].append(d)
                width[d] = 0.0
            seq = [u] + ds + [v]
            links += list(zip(seq, seq[1:]))
            chains.append((e, seq))
    _order(rows, links)
    _attach(rows, attach)
    x = _place(rows, links, width, gap_x)
    _straighten(rows, chains, back, width, gap_x, x)
    # vertical bands
    band_h = [max((sizes[n][1] for n in row if n in sizes), default=0.0) for row in rows]
    top = [origin[1]]
    for h in band_h[:-1]:
        top.append(top[-1] + h + gap_y)
    cy = [t + h / 2 for t, h in zip(top, band_h)]
    shift = origin[0] - min(x[n] - width[n] / 2 for row in rows for n in row)
    x = {n: v + shift for n, v in x.items()}
    boxes = {n: (x[n] - sizes[n][0] / 2, cy[layer[n]] - sizes[n][1] / 2, x[n] + sizes[n][0] / 2,
                 cy[layer[n]] + sizes[n][1] / 2) for n in layer}
    right = right_port or (lambda n, b: b[2])
    routes = []
    for e, seq in chains:
        u, v = seq[0], seq[-1]
        if (u, v) in back:
            pts = [(right(u, boxes[u]), cy[layer[u]])]
            for d in seq[1:-1]:
                L = int(d.rsplit(".", 1)[1])
                if d == seq[1]:
                    pts += [(x[d], cy[L]), (x[d], top[L])]
                elif d == seq[-2]:
                    pts += [(x[d], top[L] + band_h[L]), (x[d], cy[L])]
                else:
                    pts += [(x[d], top[L] + band_h[L]), (x[d], top[L])]
            pts.append((right(v, boxes[v]), cy[layer[v]]))
        else:
            pts = [(x[u], boxes[u][3]), (x[u], top[layer[u]] + band_h[layer[u]])]
            for d in seq[1:-1]:
                L = int(d.rsplit(".", 1)[1])
                pts += [(x[d], top[L]), (x[d], top[L] + band_h[L])]
            pts += [(x[v], top[layer[v]]), (x[v], boxes[v][1])]
        routes.append((e, _dedupe(pts)))
    W = max(b[2] for b in boxes.values())
    W = max([W] + [p[0] for _, pts in routes for p in pts])
    return Layout(boxes, routes, back, W, top[-1] + band_h[-1])


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


def _attach(rows: list[list[str]], attach: list[tuple[str, str]]) -> None:
    """Move each back-edge end slot to just right of its node (after slots already attached there)."""
    for d, node in attach:
        row = next(r for r in rows if node in r and d in r)
        row.remove(d)
        i = row.index(node) + 1
        while i < len(row) and any(row[i] == dd and nn == node for dd, nn in attach):
            i += 1
        row.insert(i, d)


def _place(rows: list[list[str]], links: list[tuple[str, str]], width: dict[str, float], gap: float) -> dict[str, float]:
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


def _straighten(rows: list[list[str]], chains, back, width: dict[str, float], gap: float,
                x: dict[str, float]) -> None:
    """Line up the slots of each back edge in one vertical lane where the layers leave room."""
    row_of = {n: r for r in rows for n in r}
    for e, seq in chains:
        if (e["src"], e["dst"]) not in back:
            continue
        lane = max(x[d] for d in seq[1:-1])
        for d in seq[1:-1]:
            row = row_of[d]
            i = row.index(d)
            if i + 1 == len(row) or x[row[i + 1]] - width[row[i + 1]] / 2 - gap >= lane:
                x[d] = lane


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
