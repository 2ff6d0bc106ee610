"""Reading a floor-plan spec: room rectangles, areas, shared walls, the door graph, compass directions.

Solvers and the renderer both go through these functions, so what is drawn and what is
answered come from the same geometry.
"""
from __future__ import annotations

import networkx as nx

from generators.floorplans.partition import Rect, shared_wall

MIN_ADJACENT_DM = 10   # a shared wall shorter than 1 m is too short to call the rooms adjacent
COMPASS = ("north", "north-east", "east", "south-east", "south", "south-west", "west", "north-west")
# image direction of north -> (north vector, east vector) in image coordinates (y down)
AXES = {"up": ((0, -1), (1, 0)), "right": ((1, 0), (0, 1)), "down": ((0, 1), (-1, 0)), "left": ((-1, 0), (0, -1))}


def dm(v: float) -> int:
    return int(round(v * 10))


def rect(spec: dict, name: str) -> Rect:
    r = room(spec, name)
    return dm(r["x"]), dm(r["y"]), dm(r["w"]), dm(r["h"])


def room(spec: dict, name: str) -> dict:
    for r in spec["rooms"]:
        if r["name"] == name:
            return r
    raise KeyError(name)


def names(spec: dict) -> list[str]:
    return [r["name"] for r in spec["rooms"]]


def area(spec: dict, name: str) -> float:
    """Floor area in m^2, exact to the decimetre grid (two decimals)."""
    _, _, w, h = rect(spec, name)
    return round(w * h / 100, 2)


def size_text(spec: dict, name: str) -> str:
    r = room(spec, name)
    return f"{r['w']:.1f} m x {r['h']:.1f} m"


def of_type(spec: dict, t: str) -> list[str]:
    return [r["name"] for r in spec["rooms"] if r["type"] == t]


def wall_length(spec: dict, a: str, b: str) -> int:
    """Length in dm of the wall rooms ``a`` and ``b`` share (0 when none)."""
    sw = shared_wall(rect(spec, a), rect(spec, b))
    return 0 if sw is None else sw[3] - sw[2]


def touching(spec: dict, a: str, b: str) -> bool:
    """True when the rectangles meet at all (a shared wall or a corner)."""
    ax, ay, aw, ah = rect(spec, a)
    bx, by, bw, bh = rect(spec, b)
    return ax <= bx + bw and bx <= ax + aw and ay <= by + bh and by <= ay + ah


def door_graph(spec: dict) -> nx.Graph:
    """Rooms joined where a door connects them."""
    g = nx.Graph()
    g.add_nodes_from(names(spec))
    g.add_edges_from(tuple(d["rooms"]) for d in spec["doors"])
    return g


def has_door(spec: dict, a: str, b: str) -> bool:
    return door_graph(spec).has_edge(a, b)


def door_count(spec: dict, name: str) -> int:
    """Doors of a room, the entrance included."""
    return door_graph(spec).degree(name) + (spec["entrance"]["room"] == name)


def window_count(spec: dict, name: str) -> int:
    return sum(w["room"] == name for w in spec["windows"])


def door_ends(spec: dict, door: dict) -> tuple[tuple[float, float], tuple[float, float], tuple[int, int]]:
    """A door's hinge and closing end (metres) and the unit direction it opens towards (into rooms[1])."""
    into = room(spec, door["rooms"][1])
    if door["axis"] == "v":
        return (door["at"], door["from"]), (door["at"], door["to"]), (1 if into["x"] >= door["at"] else -1, 0)
    return (door["from"], door["at"]), (door["to"], door["at"]), (0, 1 if into["y"] >= door["at"] else -1)


def entrance_ends(spec: dict) -> tuple[tuple[float, float], tuple[float, float], tuple[int, int]]:
    """The entrance's hinge and closing end (metres) and the inward direction."""
    e, fw, fh = spec["entrance"], spec["footprint"]["w"], spec["footprint"]["h"]
    return {"top": ((e["from"], 0), (e["to"], 0), (0, 1)), "bottom": ((e["from"], fh), (e["to"], fh), (0, -1)),
            "left": ((0, e["from"]), (0, e["to"]), (1, 0)), "right": ((fw, e["from"]), (fw, e["to"]), (-1, 0))}[e["side"]]


def swing_box(hinge: tuple[float, float], end: tuple[float, float], inward: tuple[int, int]) -> tuple[float, ...]:
    """The square a door sweeps when it opens (in the units of its ends)."""
    r = abs(end[0] - hinge[0]) + abs(end[1] - hinge[1])
    leaf = (hinge[0] + inward[0] * r, hinge[1] + inward[1] * r)
    xs, ys = (hinge[0], end[0], leaf[0]), (hinge[1], end[1], leaf[1])
    return min(xs), min(ys), max(xs), max(ys)


def direction(spec: dict, a: str, b: str) -> str | None:
    """The compass direction of room ``a`` as seen from room ``b``, or None when it is not clear-cut.

    Along each compass axis, ``a`` is beyond ``b`` when their extents do not overlap, level
    with it when they overlap by at least half the smaller extent; anything in between is
    ambiguous and gives None.
    """
    north, east = AXES[spec["north"]]
    ra, rb = rect(spec, a), rect(spec, b)
    ns, ew = _along(ra, rb, north), _along(ra, rb, east)
    if ns is None or ew is None or (ns == 0 and ew == 0):
        return None
    word = {1: "north", -1: "south", 0: ""}[ns] + ("-" if ns and ew else "") + {1: "east", -1: "west", 0: ""}[ew]
    return word


def _along(ra: Rect, rb: Rect, axis: tuple[int, int]) -> int | None:
    """+1 when ``ra`` lies wholly beyond ``rb`` along ``axis``, -1 wholly before, 0 level, None ambiguous."""
    def extent(r: Rect) -> tuple[float, float]:
        x, y, w, h = r
        vals = [axis[0] * px + axis[1] * py for px in (x, x + w) for py in (y, y + h)]
        return min(vals), max(vals)
    a0, a1 = extent(ra)
    b0, b1 = extent(rb)
    if a0 >= b1:
        return 1
    if a1 <= b0:
        return -1
    overlap = min(a1, b1) - max(a0, b0)
    return 0 if overlap >= 0.5 * min(a1 - a0, b1 - b0) else None
