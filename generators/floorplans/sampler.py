"""The floor-plan sampler: rng -> spec (rooms, doors, entrance, windows, north) for a home or office.

Room types go to rectangles by size preference (the living room gets a large one,
closets small ones); doors form a spanning tree from the hub (the room the entrance
opens into) that reaches leaf rooms such as bathrooms by a single door, plus a few
extra doors; windows sit on exterior walls. Geometry is decimetre-exact.
"""
from __future__ import annotations

import functools
from pathlib import Path

import networkx as nx
import numpy as np
import yaml

from mmsynth.rand import pick, randint, uniform, weighted

from generators.floorplans.partition import Rect, exterior_sides, shared_wall, split_footprint
from generators.floorplans.plan import door_ends, entrance_ends, swing_box
from generators.graphs.geometry import boxes_intersect, grow

MIN_DOOR_WALL = 15   # dm of shared wall needed for a door (door plus margins)
MAX_ATTEMPTS = 500   # plans tried before rooms.yaml is judged impossible (a handful suffice in practice)
MAX_EXTRA_DOORS = 2  # doors beyond the spanning tree, giving some plans a choice of routes
SWING_GAP = 0.1     # m kept clear between two door swings: touching swings read as colliding
NORTHS = ("up", "right", "down", "left")


@functools.lru_cache(maxsize=None)
def room_data() -> dict:
    """rooms.yaml: the room types and what each kind of plan contains."""
    return yaml.safe_load(Path(__file__).with_name("rooms.yaml").read_text())


def room_type(t: str) -> dict:
    return room_data()["types"][t]


def sample_plan(rng: np.random.Generator, kind: str) -> dict:
    """A plan of ``kind`` ('home' or 'office'); resamples until its rooms are door-connected."""
    cfg = room_data()["kinds"][kind]
    for _ in range(MAX_ATTEMPTS):
        spec = _try_plan(rng, kind, cfg)
        if spec is not None:
            return spec
    raise RuntimeError(f"rooms.yaml: no door-connected {kind} plan in {MAX_ATTEMPTS} attempts; check its sizes")


def _try_plan(rng: np.random.Generator, kind: str, cfg: dict) -> dict | None:
    w = int(round(uniform(rng, *cfg["footprint_m"]["w"]) * 10))
    h = int(round(uniform(rng, *cfg["footprint_m"]["h"]) * 10))
    rects = split_footprint(rng, w, h, randint(rng, *cfg["rooms"]), int(cfg["min_side_m"] * 10))
    types = _room_types(rng, cfg, len(rects))
    if types is None:
        return None
    by_area = sorted(rects, key=lambda r: (-r[2] * r[3], r[1], r[0]))
    noise = rng.normal(0, 0.8, size=len(types))
    order = [t for _, t in sorted(zip((-room_type(t)["size"] - e for t, e in zip(types, noise)), types))]
    assigned = sorted(zip(by_area, order), key=lambda ra: (ra[0][1], ra[0][0]))
    names = _room_names([t for _, t in assigned])
    rect_of = {n: r for n, (r, _) in zip(names, assigned)}
    type_of = {n: t for n, (_, t) in zip(names, assigned)}
    hub = next(n for n in names if type_of[n] == cfg["hub"])
    walls = _door_walls(names, rect_of)
    eligible = nx.Graph(list(walls))
    eligible.add_nodes_from(names)
    hub_sides = [s for s in exterior_sides(rect_of[hub], w, h) if s[2] - s[1] >= MIN_DOOR_WALL]
    if not nx.is_connected(eligible) or not hub_sides:
        return None
    rooms = [{"name": n, "type": type_of[n], "x": r[0] / 10, "y": r[1] / 10, "w": r[2] / 10, "h": r[3] / 10}
             for n, r in rect_of.items()]
    spec = {"kind": kind, "footprint": {"w": w / 10, "h": h / 10},
            "north": weighted(rng, list(NORTHS), [0.55, 0.15, 0.15, 0.15]), "rooms": rooms}
    if not _place_doors(rng, spec, _door_pairs(rng, eligible, hub, type_of), walls, hub, pick(rng, hub_sides)):
        return None
    spec["windows"] = _windows(rng, names, rect_of, type_of, w, h, spec["entrance"])
    return spec


def _door_walls(names: list[str], rect_of: dict[str, Rect]) -> dict[tuple[str, str], tuple[str, int, int, int]]:
    """The shared walls long enough for a door, keyed by room pair (in ``names`` order)."""
    walls = {}
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            sw = shared_wall(rect_of[a], rect_of[b])
            if sw and sw[3] - sw[2] >= MIN_DOOR_WALL:
                walls[(a, b)] = sw
    return walls


def _place_doors(rng: np.random.Generator, spec: dict, pairs: list[tuple[str, str]], walls: dict, hub: str,
                 side: tuple[str, int, int]) -> bool:
    """Put a door on the wall of each pair and the entrance on ``side`` of the hub, no two swings
    overlapping; False when some door finds no clear place."""
    swept: list[tuple[float, ...]] = []
    spec["doors"] = []
    for a, b in pairs:
        wall = walls[(a, b)] if (a, b) in walls else walls[(b, a)]
        door = _clear_door(rng, swept, lambda lo, hi: _door(a, b, wall, lo, hi), wall[2:], 8, 9,
                           lambda d: door_ends(spec, d))
        if door is None:
            return False
        spec["doors"].append(door)
    entrance = _clear_door(rng, swept, lambda lo, hi: {"room": hub, "side": side[0], "from": lo / 10, "to": hi / 10},
                           side[1:], 9, 11, lambda e: entrance_ends({**spec, "entrance": e}))
    spec["entrance"] = entrance
    return entrance is not None


def _room_types(rng: np.random.Generator, cfg: dict, n: int) -> list[str] | None:
    types = [t for t, (lo, hi) in cfg["required"].items() for _ in range(randint(rng, lo, hi))]
    if len(types) > n:
        return None
    cap = cfg.get("at_most", {})
    while len(types) < n:
        allowed = [t for t in cfg["optional"] if types.count(t) < cap.get(t, n)]
        types.append(pick(rng, allowed))
    return types


def _room_names(types: list[str]) -> list[str]:
    """Type labels, numbered in reading order where a type repeats ("Bedroom #1", "Bedroom #2")."""
    seen: dict[str, int] = {}
    out = []
    for t in types:
        seen[t] = seen.get(t, 0) + 1
        label = room_type(t)["label"]
        out.append(room_data()["numbered"].format(label=label, n=seen[t]) if types.count(t) > 1 else label)
    return out


def _door_pairs(rng: np.random.Generator, eligible: nx.Graph, hub: str, type_of: dict) -> list[tuple[str, str]]:
    """A spanning tree grown from the hub (never through leaf rooms when avoidable), plus extra doors.

    Each pair is (from, into): the door swings into the second room.
    """
    leaf = {n: room_type(type_of[n])["leaf"] for n in eligible}
    in_tree, pairs = {hub}, []
    while len(in_tree) < eligible.number_of_nodes():
        cands = sorted((u, v) for u in in_tree for v in eligible[u] if v not in in_tree)
        cost = [rng.random() + (10.0 if leaf[u] else 0.0) + (0.0 if leaf[v] else 0.3) for u, v in cands]
        u, v = cands[int(np.argmin(cost))]
        in_tree.add(v)
        pairs.append((u, v))
    tree = {frozenset(p) for p in pairs}
    extra = sorted(e for e in eligible.edges if frozenset(e) not in tree and not leaf[e[0]] and not leaf[e[1]])
    added = [e for e in extra if rng.random() < 0.25]
    return pairs + added[:MAX_EXTRA_DOORS]


def _door(a: str, b: str, wall: tuple[str, int, int, int], lo: int, hi: int) -> dict:
    """The door from ``a`` into ``b`` spanning ``lo``-``hi`` dm along their shared ``wall``."""
    return {"rooms": [a, b], "axis": wall[0], "at": wall[1] / 10, "from": lo / 10, "to": hi / 10}


def _clear_door(rng: np.random.Generator, swept: list, make, span: tuple[int, int], wmin: int, wmax: int,
                ends) -> dict | None:
    """A door of ``wmin``-``wmax`` dm placed along ``span`` (0.3 m from its ends) whose swing keeps
    ``SWING_GAP`` from every swing in ``swept`` (which it joins); None when ten tries find no such
    place. The gap also keeps swings that merely touch in metres from overlapping by a rounding
    error once scaled to pixels."""
    for _ in range(10):
        width = randint(rng, wmin, wmax)
        start = randint(rng, span[0] + 3, span[1] - 3 - width)
        door = make(start, start + width)
        box = swing_box(*ends(door))
        if not any(boxes_intersect(grow(box, SWING_GAP), other) for other in swept):
            swept.append(box)
            return door
    return None


def _windows(rng: np.random.Generator, names: list[str], rect_of: dict[str, Rect], type_of: dict,
             w: int, h: int, entrance: dict) -> list[dict]:
    """One or two windows on the exterior walls of rooms that have them, clear of the entrance."""
    out = []
    for n in names:
        if not room_type(type_of[n])["windows"]:
            continue
        sides = sorted(exterior_sides(rect_of[n], w, h), key=lambda s: s[1] - s[2])
        for k, (side, s, e) in enumerate(sides[:2]):
            if k == 1 and rng.random() < 0.6:
                continue
            length = randint(rng, 10, 16)
            if e - s < length + 8:
                continue
            at = randint(rng, s + 4, e - 4 - length)
            if n == entrance["room"] and side == entrance["side"]:
                ea, eb = int(round(entrance["from"] * 10)), int(round(entrance["to"] * 10))
                if at < eb + 3 and at + length > ea - 3:
                    continue
            out.append({"room": n, "side": side, "from": at / 10, "to": (at + length) / 10})
    return out
