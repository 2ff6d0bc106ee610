"""The graph view of a map spec that every map question is solved on.

A road map's graph has one node per town and one weighted edge per road; a grid map's
graph has one node per cell and one unit edge per open passage, and its lettered
markers name some of the cells. Routes are reported as the named places they pass.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import islice

import networkx as nx

from generators.maps.geometry import polyline_crossings
from mmsynth.errors import NotApplicable

Node = str | tuple[int, int]


@dataclass
class MapView:
    graph: nx.Graph
    node_of: dict[str, Node]          # place name -> graph node
    pos: dict[str, tuple[float, float]]  # place name -> (x east, y north)
    unit: str
    place: str                        # "town" or "marker", for rationales
    links: str                        # "roads" or "passages", for phrasings

    @property
    def names(self) -> list[str]:
        return list(self.node_of)

    def name_at(self, node: Node) -> str | None:
        return self._names_by_node().get(node)

    def _names_by_node(self) -> dict[Node, str]:
        return {n: k for k, n in self.node_of.items()}

    def without(self, avoid: str | None) -> nx.Graph:
        """The graph, or a view of it without the place ``avoid``."""
        return self.graph if avoid is None else nx.restricted_view(self.graph, [self.node_of[avoid]], [])

    def route_names(self, path: list[Node]) -> list[str]:
        """The named places along a graph path, in order."""
        by_node = self._names_by_node()
        return [by_node[n] for n in path if n in by_node]


def road_view(spec: dict) -> MapView:
    g = nx.Graph()
    for t in spec["towns"]:
        g.add_node(t["name"])
    for r in spec["roads"]:
        g.add_edge(r["a"], r["b"], weight=r["km"], name=r["name"])
    return MapView(g, {t["name"]: t["name"] for t in spec["towns"]},
                   {t["name"]: (t["x"], t["y"]) for t in spec["towns"]}, spec["unit"], "town", "roads")


def grid_view(spec: dict) -> MapView:
    g = nx.Graph()
    g.add_nodes_from((c, r) for c in range(spec["cols"]) for r in range(spec["rows"]))
    for c1, r1, c2, r2 in spec["passages"]:
        g.add_edge((c1, r1), (c2, r2), weight=1)
    # rows grow southwards, so north is -row
    return MapView(g, {m["name"]: (m["col"], m["row"]) for m in spec["markers"]},
                   {m["name"]: (float(m["col"]), float(-m["row"])) for m in spec["markers"]},
                   spec["unit"], "marker", "passages")


def view(spec: dict) -> MapView:
    """The graph view of a road or grid map spec."""
    return {"road": road_view, "grid": grid_view}[spec["kind"]](spec)


def distance(v: MapView, a: str, b: str, avoid: str | None = None) -> float | None:
    """Shortest distance between two places (optionally not passing ``avoid``); None when unreachable."""
    g = v.without(avoid)
    try:
        return nx.shortest_path_length(g, v.node_of[a], v.node_of[b], weight="weight")
    except nx.NetworkXNoPath:
        return None


def unique_route(v: MapView, a: str, b: str, avoid: str | None = None, limit: int = 64) -> tuple[list[str], float]:
    """The one shortest route between two places as named places, and its length.

    Raises NotApplicable when there is no route or when shortest routes tie on
    different sequences of places (the answer would not be unique).
    """
    g = v.without(avoid)
    try:
        paths = list(islice(nx.all_shortest_paths(g, v.node_of[a], v.node_of[b], weight="weight"), limit))
    except nx.NetworkXNoPath:
        raise NotApplicable(f"no route from {a} to {b}") from None
    routes = {tuple(v.route_names(p)) for p in paths}
    if len(routes) != 1 or len(paths) == limit:
        raise NotApplicable(f"several shortest routes from {a} to {b}")
    length = nx.path_weight(g, paths[0], weight="weight")
    return list(routes.pop()), length


def other_routes(v: MapView, a: str, b: str, k: int = 4) -> list[list[str]]:
    """Up to ``k`` next-shortest simple routes between two places (plausible wrong answers)."""
    out: list[list[str]] = []
    try:
        for p in islice(nx.shortest_simple_paths(v.graph, v.node_of[a], v.node_of[b], weight="weight"), k + 1):
            r = v.route_names(p)
            if r not in out:
                out.append(r)
    except nx.NetworkXNoPath:
        return []
    return out[1:]


def bridges_on(spec: dict, a: str, b: str) -> int:
    """How many times the road between towns ``a`` and ``b`` crosses a river."""
    pos = {t["name"]: (t["x"], t["y"]) for t in spec["towns"]}
    return sum(polyline_crossings(pos[a], pos[b], [tuple(p) for p in r["points"]]) for r in spec["rivers"])
