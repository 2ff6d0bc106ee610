"""Bind/solve functions of the map question families, over the graph view of a spec.

Every answer is recomputed from the spec by networkx (shortest paths, components) or by
plane geometry (bearings, river crossings); questions without a unique answer (tied
routes, tied distances, a bearing on a sector edge) raise NotApplicable.
"""
from __future__ import annotations

import networkx as nx
import numpy as np

from generators.maps.geometry import COMPASS, bearing, compass_point
from generators.maps.network import (MapView, bridges_on, distance, other_routes, unique_route,
                                     view)
from mmsynth.errors import NotApplicable
from mmsynth.questions import Solution, Solvers
from mmsynth.rand import pick, pick_n
from mmsynth.record import format_number

Q = Solvers()
TRIES = 12
COMPASS_MARGIN = 8.0


def _amount(x: float, unit: str) -> str:
    """'7 steps', '1 step', '12 km'."""
    return f"{format_number(x)} {unit[:-1] if unit == 'steps' and x == 1 else unit}"


def _fields(v: MapView) -> dict:
    return {"unit": v.unit, "links": v.links, "place": v.place, "places": v.place + "s"}


def _bind_checked(spec: dict, rng: np.random.Generator, k: int, solver) -> dict:
    """Draw ``k`` distinct places (slots a, b, c) until ``solver`` accepts them."""
    names = view(spec).names
    if len(names) < k:
        raise NotApplicable("too few places")
    for _ in range(TRIES):
        slots = dict(zip("abc", pick_n(rng, names, k)))
        try:
            solver(spec, **slots)
            return slots
        except NotApplicable:
            continue
    raise NotApplicable("no well-posed places found")


def _binder(name: str, k: int):
    def bind(spec: dict, rng: np.random.Generator) -> dict:
        return _bind_checked(spec, rng, k, Q.solvers[name])
    Q.bind(name)(bind)


def _path_nodes(v: MapView, a: str, b: str, avoid: str | None = None) -> list:
    return nx.shortest_path(v.without(avoid), v.node_of[a], v.node_of[b], weight="weight")


def _legs(v: MapView, nodes: list) -> list[float]:
    """Distances between consecutive named places along a graph path."""
    legs, acc = [], 0.0
    for u, w in zip(nodes, nodes[1:]):
        acc += v.graph[u][w]["weight"]
        if v.name_at(w) is not None:
            legs.append(acc)
            acc = 0.0
    return legs


def _route_rationale(v: MapView, route: list[str], nodes: list, length: float, lead: str = "Shortest route") -> str:
    legs = _legs(v, nodes)
    return (f"{lead} {' -> '.join(route)}: " + " + ".join(format_number(x) for x in legs)
            + f" = {_amount(length, v.unit)}.")


def _route_distractors(v: MapView, route: list[str], a: str, b: str) -> list[list[str]]:
    wrong = other_routes(v, a, b)
    if len(route) > 2:
        wrong.append(route[:1] + route[2:])
    wrong.append(list(reversed(route)))
    return wrong


def _number_distractors(x: float, step: float) -> list[float]:
    return [x + step, x - step, x + 2 * step, x * 2] if x - step > 0 else [x + step, x + 2 * step, x * 2, x + 3 * step]


@Q.solve("map.shortest_route")
def shortest_route(spec: dict, a: str, b: str) -> Solution:
    v = view(spec)
    route, length = unique_route(v, a, b)
    return Solution(route, _route_rationale(v, route, _path_nodes(v, a, b), length),
                    _route_distractors(v, route, a, b), _fields(v))


@Q.solve("map.route_length")
def route_length(spec: dict, a: str, b: str) -> Solution:
    v = view(spec)
    route, length = unique_route(v, a, b)
    step = 1 if v.unit == "steps" else max(2, round(length * 0.15))
    return Solution(length, _route_rationale(v, route, _path_nodes(v, a, b), length),
                    _number_distractors(length, step), _fields(v))


@Q.solve("map.avoid_route")
def avoid_route(spec: dict, a: str, b: str, c: str) -> Solution:
    v = view(spec)
    direct, _ = unique_route(v, a, b)
    if c not in direct[1:-1]:
        raise NotApplicable(f"{c} is not on the shortest route")
    route, length = unique_route(v, a, b, avoid=c)
    why = (f"The shortest route {' -> '.join(direct)} passes {c}; without {c}, "
           + _route_rationale(v, route, _path_nodes(v, a, b, avoid=c), length, lead="the shortest is"))
    return Solution(route, why, [direct] + _route_distractors(v, route, a, b), _fields(v))


@Q.solve("map.degree")
def degree(spec: dict, a: str) -> Solution:
    v = view(spec)
    node = v.node_of[a]
    d = v.graph.degree(node)
    return Solution(d, None, _number_distractors(d, 1), _fields(v))


@Q.bind("map.degree")
def _bind_degree(spec: dict, rng: np.random.Generator) -> dict:
    return {"a": pick(rng, view(spec).names)}


@Q.solve("map.reachable")
def reachable(spec: dict, a: str, b: str) -> Solution:
    v = view(spec)
    ok = nx.has_path(v.graph, v.node_of[a], v.node_of[b])
    if ok:
        why = f"Yes: {' -> '.join(v.route_names(_path_nodes(v, a, b)))} connects them."
    else:
        comp = nx.node_connected_component(v.graph, v.node_of[a])
        side = sorted(n for n in v.names if v.node_of[n] in comp)
        why = f"No: from {a} only {', '.join(side)} can be reached."
    return Solution("yes" if ok else "no", why, [], _fields(v))


@Q.bind("map.reachable")
def _bind_reachable(spec: dict, rng: np.random.Generator) -> dict:
    v = view(spec)
    a, b = pick_n(rng, v.names, 2)
    if not nx.is_connected(v.graph) and rng.random() < 0.5:
        comp = nx.node_connected_component(v.graph, v.node_of[a])
        apart = [n for n in v.names if v.node_of[n] not in comp]
        if apart:
            b = pick(rng, apart)
    return {"a": a, "b": b}


@Q.solve("map.closer")
def closer(spec: dict, a: str, b: str, c: str) -> Solution:
    v = view(spec)
    db, dc = distance(v, a, b), distance(v, a, c)
    if db is None or dc is None or db == dc:
        raise NotApplicable("unreachable or tied")
    win = b if db < dc else c
    why = f"By {v.links}, {a} to {b} is {_amount(db, v.unit)} and {a} to {c} is {_amount(dc, v.unit)}."
    return Solution(win, why, [c if win == b else b], _fields(v))


@Q.solve("map.nearest")
def nearest(spec: dict, a: str) -> Solution:
    v = view(spec)
    dist = {n: distance(v, a, n) for n in v.names if n != a}
    dist = {n: d for n, d in dist.items() if d is not None}
    if len(dist) < 2:
        raise NotApplicable("too few reachable places")
    ranked = sorted(dist, key=lambda n: (dist[n], n))
    if dist[ranked[0]] == dist[ranked[1]]:
        raise NotApplicable("tie for nearest")
    why = "; ".join(f"{n}: {_amount(dist[n], v.unit)}" for n in ranked[:4]) + "."
    return Solution(ranked[0], why, ranked[1:5], _fields(v))


@Q.bind("map.nearest")
def _bind_nearest(spec: dict, rng: np.random.Generator) -> dict:
    return _bind_checked(spec, rng, 1, nearest)


@Q.solve("map.within")
def within(spec: dict, a: str, d: int) -> Solution:
    v = view(spec)
    dist = {n: distance(v, a, n) for n in v.names if n != a}
    inside = sorted((n for n, x in dist.items() if x is not None and x <= d), key=lambda n: dist[n])
    if any(x == d for x in dist.values()):
        raise NotApplicable("a place lies exactly at the limit")
    listed = ", ".join(f"{n} ({format_number(dist[n])})" for n in inside) or "none"
    why = f"Within {d} {v.unit} of {a}: {listed}."
    return Solution(len(inside), why, _number_distractors(len(inside), 1), _fields(v))


@Q.bind("map.within")
def _bind_within(spec: dict, rng: np.random.Generator) -> dict:
    v = view(spec)
    for _ in range(TRIES):
        a = pick(rng, v.names)
        ds = sorted({x for n in v.names if n != a and (x := distance(v, a, n)) is not None})
        gaps = [(lo, hi) for lo, hi in zip(ds, ds[1:]) if int(hi) - int(lo) >= 2]
        if gaps:
            lo, hi = pick(rng, gaps)
            return {"a": a, "d": int(lo) + 1 + int(rng.integers(int(hi) - int(lo) - 1))}
    raise NotApplicable("no gap between distances")


@Q.solve("map.via")
def via(spec: dict, a: str, b: str, c: str) -> Solution:
    v = view(spec)
    route, _ = unique_route(v, a, b)
    ans = "yes" if c in route else "no"
    return Solution(ans, f"The shortest route is {' -> '.join(route)}.", [], _fields(v))


@Q.solve("map.compass")
def compass(spec: dict, a: str, b: str) -> Solution:
    v = view(spec)
    deg = bearing(v.pos[a], v.pos[b])
    name = compass_point(deg, COMPASS_MARGIN)
    if name is None:
        raise NotApplicable("bearing too close to a sector edge")
    i = COMPASS.index(name)
    wrong = [COMPASS[(i + k) % 8] for k in (1, -1, 4, 2)]
    return Solution(name, f"{b} lies at a bearing of {deg:.0f} degrees from {a} (0 = north), i.e. {name}.",
                    wrong, _fields(v))


def _direct_road(spec: dict, a: str, b: str) -> tuple[MapView, dict]:
    """The view and the attributes of the road joining ``a`` and ``b`` directly."""
    v = view(spec)
    if not v.graph.has_edge(a, b):
        raise NotApplicable("no direct road")
    return v, v.graph[a][b]


@Q.solve("map.road_name")
def road_name(spec: dict, a: str, b: str) -> Solution:
    v, attrs = _direct_road(spec, a, b)
    name = attrs["name"]
    others = [r["name"] for r in spec["roads"] if r["name"] != name and a in (r["a"], r["b"])]
    others += [r["name"] for r in spec["roads"] if r["name"] != name and r["name"] not in others]
    return Solution(name, None, others, _fields(v))


@Q.solve("map.road_length")
def road_length(spec: dict, a: str, b: str) -> Solution:
    v, attrs = _direct_road(spec, a, b)
    km = attrs["weight"]
    others = sorted({r["km"] for r in spec["roads"] if r["km"] != km}, key=lambda x: abs(x - km))
    return Solution(km, None, others[:3] + [km + 3], _fields(v), extra={"readable_from": "annotation"})


@Q.solve("map.bridges")
def bridges(spec: dict, a: str, b: str) -> Solution:
    if not spec["rivers"]:
        raise NotApplicable("no river")
    v = view(spec)
    route, _ = unique_route(v, a, b)
    counts = [bridges_on(spec, x, y) for x, y in zip(route, route[1:])]
    n = sum(counts)
    crossing = [f"{x}-{y}" for (x, y), k in zip(zip(route, route[1:]), counts) if k]
    why = f"The shortest route is {' -> '.join(route)}; " + (
        f"it crosses the river on {', '.join(crossing)}." if crossing else "it never crosses the river.")
    return Solution(n, why, [n + 1, n + 2] + ([n - 1] if n else [3]), _fields(v))


@Q.solve("map.route_roads")
def route_roads(spec: dict, a: str, b: str) -> Solution:
    v = view(spec)
    route, _ = unique_route(v, a, b)
    if len(route) < 3:
        raise NotApplicable("a single road")
    names = [v.graph[x][y]["name"] for x, y in zip(route, route[1:])]
    why = "Along " + " -> ".join(route) + ": " + ", ".join(
        f"{x}-{y} is {n}" for (x, y), n in zip(zip(route, route[1:]), names)) + "."
    wrong = [list(reversed(names)), names[:-1]] + [[v.graph[x][y]["name"] for x, y in zip(r, r[1:])]
                                                    for r in other_routes(v, a, b, 2)]
    return Solution(names, why, wrong, _fields(v))


@Q.solve("map.dead_ends")
def dead_ends(spec: dict) -> Solution:
    v = view(spec)
    ends = sorted(n for n in v.names if v.graph.degree(v.node_of[n]) == 1)
    why = f"Dead ends (one passage): {', '.join(ends) or 'none'}."
    return Solution(len(ends), why, _number_distractors(len(ends), 1), _fields(v))


def _bind_on_route(spec: dict, rng: np.random.Generator, solver, on_route_share: float) -> dict:
    """Slots a, b and a third place c that (with probability ``on_route_share``) lies inside the a-b route."""
    v = view(spec)
    for _ in range(TRIES):
        a, b, c = pick_n(rng, v.names, 3)
        try:
            route, _ = unique_route(v, a, b)
        except NotApplicable:
            continue
        if len(route) > 2 and rng.random() < on_route_share:
            c = pick(rng, route[1:-1])
        try:
            solver(spec, a=a, b=b, c=c)
            return {"a": a, "b": b, "c": c}
        except NotApplicable:
            continue
    raise NotApplicable("no well-posed places found")


@Q.bind("map.avoid_route")
def _bind_avoid(spec: dict, rng: np.random.Generator) -> dict:
    return _bind_on_route(spec, rng, avoid_route, 1.0)


@Q.bind("map.via")
def _bind_via(spec: dict, rng: np.random.Generator) -> dict:
    return _bind_on_route(spec, rng, via, 0.5)


for _name, _k in (("map.shortest_route", 2), ("map.route_length", 2),
                  ("map.closer", 3), ("map.compass", 2), ("map.bridges", 2),
                  ("map.route_roads", 2)):
    _binder(_name, _k)


def _bind_road_pair(spec: dict, rng: np.random.Generator) -> dict:
    r = pick(rng, spec["roads"])
    return {"a": r["a"], "b": r["b"]} if rng.random() < 0.5 else {"a": r["b"], "b": r["a"]}


Q.bind("map.road_name")(_bind_road_pair)
Q.bind("map.road_length")(_bind_road_pair)
