"""graph.directed: general directed graphs (optionally weighted) drawn on a circle, and their questions."""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import numpy as np

from mmsynth.draw import Canvas, bold, text_color_on
from mmsynth.errors import NotApplicable
from mmsynth.generator import Generator, Rendered
from mmsynth.questions import Solution, Solvers, load_families
from mmsynth.rand import pick, pick_n, randint, shuffled, uniform
from mmsynth.registry import register

from generators.graphs.common import count_of, join_names, near_numbers, others, pick_pair, pick_yes_or_no
from generators.graphs.geometry import Box, Point, boxes_intersect, circle_box, grow, point_segment_distance, \
    segment_hits_box
from generators.graphs.style import (draw_arrowhead, legible_font, palette_colors, sample_style, snap, text_size, tint,
                                     vocab)

Q = Solvers()
MAX_CYCLES = 12


# --- the spec -------------------------------------------------------------------------
def sample_directed(rng: np.random.Generator) -> dict:
    """5-9 labelled nodes, n to 1.8n edges without opposite pairs; acyclic about a third of the time."""
    theme = pick(rng, sorted(vocab()["directed_themes"]))
    n = randint(rng, 5, 9)
    nodes = pick_n(rng, vocab()["directed_themes"][theme], n)
    rank = {v: i for i, v in enumerate(shuffled(rng, nodes))}
    acyclic = rng.random() < 0.35
    pairs = [(u, v) for u in nodes for v in nodes if u != v and (not acyclic or rank[u] < rank[v])]
    m = randint(rng, n, int(1.8 * n))
    edges: list[list] = []
    used: set[frozenset] = set()
    for u, v in shuffled(rng, pairs):
        if len(edges) >= m:
            break
        if frozenset((u, v)) not in used:
            used.add(frozenset((u, v)))
            edges.append([u, v])
    weighted = bool(rng.random() < 0.5)
    if weighted:
        edges = [[u, v, randint(rng, 1, 9)] for u, v in edges]
    return {"theme": theme, "nodes": nodes, "edges": edges, "weighted": weighted}


def digraph(spec: dict) -> nx.DiGraph:
    g = nx.DiGraph()
    g.add_nodes_from(spec["nodes"])
    for e in spec["edges"]:
        g.add_edge(e[0], e[1], weight=e[2] if spec["weighted"] else 1)
    return g


def measure(spec: dict) -> str:
    return "total edge weight" if spec["weighted"] else "number of edges"


def path_cost(g: nx.DiGraph, path: list[str]) -> int:
    return sum(g.edges[a, b]["weight"] for a, b in zip(path, path[1:]))


def describe_path(g: nx.DiGraph, path: list[str], weighted: bool) -> str:
    if not weighted:
        return f"{' -> '.join(path)} uses {count_of(len(path) - 1, 'edge')}"
    parts = " + ".join(str(g.edges[a, b]["weight"]) for a, b in zip(path, path[1:]))
    return f"{' -> '.join(path)} costs {parts} = {path_cost(g, path)}"


# --- question families ----------------------------------------------------------------
def _pick_node(spec: dict, rng: np.random.Generator) -> dict:
    return {"node": pick(rng, spec["nodes"])}


Q.bind("directed.out_degree")(_pick_node)
Q.bind("directed.in_degree")(_pick_node)
Q.bind("directed.reachable_count")(_pick_node)


def _degree(spec: dict, node: str, outgoing: bool) -> Solution:
    """Out- or in-degree; the other one is the likeliest misreading of arrow directions."""
    g = digraph(spec)
    ends = list(g.successors(node) if outgoing else g.predecessors(node))
    other = g.in_degree(node) if outgoing else g.out_degree(node)
    where = f"from {node} go to" if outgoing else f"into {node} come from"
    return Solution(len(ends), f"Arrows {where} {join_names(ends)}: {len(ends)}.", [other] + near_numbers(len(ends)))


Q.solve("directed.out_degree")(lambda spec, node: _degree(spec, node, outgoing=True))
Q.solve("directed.in_degree")(lambda spec, node: _degree(spec, node, outgoing=False))


@Q.bind("directed.edge_exists")
def _bind_edge(spec: dict, rng: np.random.Generator) -> dict:
    e = pick(rng, spec["edges"])
    r = rng.random()
    if r < 0.4:
        return {"a": e[0], "b": e[1]}
    if r < 0.7:
        return {"a": e[1], "b": e[0]}
    a, b = pick_n(rng, spec["nodes"], 2)
    return {"a": a, "b": b}


@Q.solve("directed.edge_exists")
def _edge(spec: dict, a: str, b: str) -> Solution:
    g = digraph(spec)
    if g.has_edge(a, b):
        return Solution("yes", f"An arrow goes from {a} to {b}.")
    rev = " (the arrow between them points the other way)" if g.has_edge(b, a) else ""
    return Solution("no", f"No arrow goes from {a} to {b}{rev}.")


@Q.bind("directed.path_exists")
def _bind_path_exists(spec: dict, rng: np.random.Generator) -> dict:
    g = digraph(spec)
    pairs = [(a, b) for a in spec["nodes"] for b in spec["nodes"] if a != b and not g.has_edge(a, b)]
    yes = [p for p in pairs if nx.has_path(g, *p)]
    no = [p for p in pairs if not nx.has_path(g, *p)]
    return pick_yes_or_no(rng, yes, no, "every pair is joined by a direct edge")


@Q.solve("directed.path_exists")
def _path_exists(spec: dict, a: str, b: str) -> Solution:
    g = digraph(spec)
    if nx.has_path(g, a, b):
        return Solution("yes", "Yes: " + " -> ".join(nx.shortest_path(g, a, b)) + ".")
    reach = sorted(nx.descendants(g, a))
    return Solution("no", f"From {a} one can reach only {join_names(reach)}; {b} is not among them.")


def _bind_far_pair(spec: dict, rng: np.random.Generator) -> dict:
    g = digraph(spec)
    pairs = [(a, b) for a in spec["nodes"] for b in spec["nodes"]
             if a != b and nx.has_path(g, a, b) and nx.shortest_path_length(g, a, b) >= 2]
    return {**pick_pair(rng, pairs, "no pair two edges apart"), "measure": measure(spec)}


Q.bind("directed.path_length")(_bind_far_pair)
Q.bind("directed.shortest_path")(_bind_far_pair)


def _shortest(spec: dict, a: str, b: str, measure_: str) -> tuple[nx.DiGraph, list[list[str]]]:
    if measure_ != measure(spec):
        raise NotApplicable("the measure does not match the graph")
    g = digraph(spec)
    if not nx.has_path(g, a, b):
        raise NotApplicable(f"{b} is not reachable from {a}")
    return g, list(nx.all_shortest_paths(g, a, b, weight="weight"))


@Q.solve("directed.path_length")
def _path_length(spec: dict, a: str, b: str, measure: str) -> Solution:
    g, paths = _shortest(spec, a, b, measure)
    cost = path_cost(g, paths[0])
    hops = len(paths[0]) - 1
    return Solution(cost, f"The best path {describe_path(g, paths[0], spec['weighted'])}.",
                    ([hops] if spec["weighted"] and hops != cost else []) + near_numbers(cost, lo=1))


@Q.solve("directed.shortest_path")
def _shortest_path(spec: dict, a: str, b: str, measure: str) -> Solution:
    g, paths = _shortest(spec, a, b, measure)
    if len(paths) > 1:
        raise NotApplicable("the shortest path is not unique")
    best = paths[0]
    longer = sorted((p for p in nx.all_simple_paths(g, a, b, cutoff=6) if p != best),
                    key=lambda p: (path_cost(g, p), p))
    alts = "; ".join(describe_path(g, p, spec["weighted"]) for p in longer[:2])
    rationale = f"{describe_path(g, best, spec['weighted'])}" + (f", better than {alts}." if alts else ".")
    return Solution(best, rationale, longer[:3] + [[a, b]])


def _cycles(g: nx.DiGraph) -> list[list[str]]:
    out = []
    for c in nx.simple_cycles(g):
        out.append(c)
        if len(out) > MAX_CYCLES:
            break
    return out


@Q.solve("directed.has_cycle")
def _has_cycle(spec: dict) -> Solution:
    g = digraph(spec)
    if nx.is_directed_acyclic_graph(g):
        order = list(nx.lexicographical_topological_sort(g))
        return Solution("no", "Every arrow goes forward in the order " + ", ".join(order) + ", so no cycle exists.")
    cyc = [u for u, _ in nx.find_cycle(g)]
    return Solution("yes", "Cycle: " + " -> ".join(cyc + cyc[:1]) + ".")


@Q.solve("directed.cycle_count")
def _cycle_count(spec: dict) -> Solution:
    cycles = _cycles(digraph(spec))
    if len(cycles) > MAX_CYCLES:
        raise NotApplicable("too many cycles to count by eye")
    listed = "; ".join(" -> ".join(c + c[:1]) for c in sorted(_canonical(c) for c in cycles))
    return Solution(len(cycles), count_of(len(cycles), "cycle") + (f": {listed}." if cycles else "."),
                    near_numbers(len(cycles)))


def _canonical(cycle: list[str]) -> list[str]:
    """A cycle rotated to start at its alphabetically first node."""
    i = cycle.index(min(cycle))
    return cycle[i:] + cycle[:i]


def _degree_list(spec: dict, which: str) -> Solution:
    g = digraph(spec)
    deg = g.in_degree if which == "in" else g.out_degree
    hits = sorted((n for n in spec["nodes"] if deg(n) == 0), key=str.casefold)   # alphabetical, as asked
    if not hits:
        raise NotApplicable(f"no node has {which}-degree 0")
    near = sorted(spec["nodes"], key=lambda n: (deg(n), n))
    wrong = [sorted(hits + [x], key=str.casefold) for x in near if x not in hits][:2] + ([hits[1:]] if len(hits) > 1 else [])
    return Solution(hits, f"{which.capitalize()}-degrees: " + ", ".join(f"{n} {deg(n)}" for n in near) + ".", wrong)


Q.solve("directed.sources")(lambda spec: _degree_list(spec, "in"))
Q.solve("directed.sinks")(lambda spec: _degree_list(spec, "out"))


@Q.solve("directed.reachable_count")
def _reachable(spec: dict, node: str) -> Solution:
    reach = sorted(nx.descendants(digraph(spec), node))
    return Solution(len(reach), f"From {node} one reaches {join_names(reach)}: {len(reach)}.",
                    near_numbers(len(reach)))


@Q.solve("directed.max_out_degree")
def _max_out(spec: dict) -> Solution:
    g = digraph(spec)
    ranked = sorted(spec["nodes"], key=lambda n: (-g.out_degree(n), n))
    if g.out_degree(ranked[0]) == g.out_degree(ranked[1]):
        raise NotApplicable("tie for the highest out-degree")
    return Solution(ranked[0], "Out-degrees: " + ", ".join(f"{n} {g.out_degree(n)}" for n in ranked) + ".",
                    others(ranked, [ranked[0]]))


# --- layout and rendering -------------------------------------------------------------
@dataclass
class CircleLayout:
    """Node centres on a circle (one radius for all nodes), edge segments and weight-label boxes."""
    centers: dict[str, Point]
    radius: float
    segments: list[tuple[Point, Point]]
    labels: list[Box]
    width: float
    height: float


def _fonts(spec: dict, style: dict) -> tuple:
    weights = [str(e[2]) for e in spec["edges"]] if spec["weighted"] else []
    return (legible_font(bold(style["font"]), style["font_size"], spec["nodes"]),
            legible_font(style["font"], style["font_size"] - 2, weights))


def _try_layout(spec: dict, style: dict, big_r: float, r: float, label_font) -> CircleLayout | None:
    n = len(spec["nodes"])
    margin = r + 16
    c = (big_r + margin, big_r + margin)
    centers = {v: (c[0] + big_r * math.cos(style["rotation"] + 2 * math.pi * i / n),
                   c[1] + big_r * math.sin(style["rotation"] + 2 * math.pi * i / n))
               for i, v in enumerate(spec["nodes"])}
    segments = []
    for e in spec["edges"]:
        p, q = centers[e[0]], centers[e[1]]
        d = math.dist(p, q)
        ux, uy = (q[0] - p[0]) / d, (q[1] - p[1]) / d
        seg = ((p[0] + ux * r, p[1] + uy * r), (q[0] - ux * (r + 2), q[1] - uy * (r + 2)))
        for v, cv in centers.items():
            if v not in e[:2] and point_segment_distance(cv, *seg) < r + 6:
                return None
        segments.append(seg)
    node_boxes = [grow(circle_box(cv, r), 2) for cv in centers.values()]
    labels: list[Box] = []
    if spec["weighted"]:
        for i, e in enumerate(spec["edges"]):
            box = _place_weight(str(e[2]), segments, i, node_boxes, labels, label_font)
            if box is None:
                return None
            labels.append(box)
    size = 2 * (big_r + margin)
    return CircleLayout(centers, r, segments, labels, size, size)


def _place_weight(text: str, segments: list, i: int, node_boxes: list[Box], placed: list[Box], fnt) -> Box | None:
    """A box for edge ``i``'s weight on its own segment, clear of nodes, other edges and labels."""
    w, h = text_size(fnt, text)
    (x0, y0), (x1, y1) = segments[i]
    for t in (0.5, 0.4, 0.6, 0.3, 0.7, 0.25, 0.75):
        cx, cy = x0 + (x1 - x0) * t, y0 + (y1 - y0) * t
        box = (cx - w / 2 - 3, cy - h / 2 - 3, cx + w / 2 + 3, cy + h / 2 + 3)
        if any(boxes_intersect(box, b) for b in node_boxes + placed):
            continue
        if any(segment_hits_box(*s, box) for j, s in enumerate(segments) if j != i):
            continue
        return box
    return None


def layout_directed(spec: dict, style: dict) -> CircleLayout:
    """Grow the circle until every edge clears the other nodes and every weight label fits."""
    node_font, label_font = _fonts(spec, style)
    r = max(max(text_size(node_font, v)) for v in spec["nodes"]) / 2 + 9
    n = len(spec["nodes"])
    big_r = max(120.0, (r + 34) / math.sin(math.pi / n))
    for _ in range(40):
        lay = _try_layout(spec, style, big_r, r, label_font)
        if lay is not None:
            return lay
        big_r *= 1.08
    raise RuntimeError("no legible circular layout found")  # not reached for 5-9 nodes


def render_directed(spec: dict, style: dict) -> Rendered:
    lay = layout_directed(spec, style)
    node_font, label_font = _fonts(spec, style)
    colors = palette_colors(style)
    canvas = Canvas(int(lay.width + 0.999), int(lay.height + 0.999))
    edge_color = (70, 70, 70)
    for (p, q) in lay.segments:
        canvas.draw.line([p, q], fill=edge_color, width=style["line_width"])
        draw_arrowhead(canvas, q, p, edge_color, 9 + 2 * style["line_width"])
    for e, box in zip(spec["edges"], lay.labels):
        canvas.draw.rectangle(box, fill=(255, 255, 255))
        canvas.text(snap(((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)), str(e[2]), label_font, (150, 20, 20),
                    anchor="mm", role="edge")
    for i, (v, (x, y)) in enumerate(lay.centers.items()):
        base = colors[i % len(colors)] if style["multicolor"] else colors[0]
        fill = tint(base, style["tint"])
        canvas.draw.ellipse(circle_box((x, y), lay.radius), fill=fill, outline=base, width=2)
        canvas.text(snap((x, y)), v, node_font, text_color_on(fill), anchor="mm", role="node")
    return Rendered([canvas.finish(style["noise"], style["noise_seed"])], canvas.texts)


@register("graph.directed")
class DirectedGraph(Generator):
    """General directed graphs (some weighted, some acyclic) for degree, path and cycle questions."""
    task = "graph"
    families = load_families(Path(__file__).with_name("questions_directed.yaml"), Q)

    def sample_spec(self, rng: np.random.Generator) -> dict:
        return sample_directed(rng)

    def sample_style(self, rng: np.random.Generator) -> dict:
        return {**sample_style(rng), "rotation": round(uniform(rng, 0, 2 * math.pi), 4),
                "multicolor": bool(rng.random() < 0.4)}

    def render(self, spec: dict, style: dict) -> Rendered:
        return render_directed(spec, style)
