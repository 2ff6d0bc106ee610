"""Question families of the floor plans: bind picks rooms, solve computes the answer from the spec."""
from __future__ import annotations

import networkx as nx
import numpy as np

from mmsynth.errors import NotApplicable
from mmsynth.questions import Solution, Solvers
from mmsynth.rand import pick
from mmsynth.record import format_number

from generators.floorplans.plan import (COMPASS, MIN_ADJACENT_DM, area, direction, door_count, door_graph,
                                        has_door, names, of_type, room as room_of, size_text, touching, wall_length,
                                        window_count)
from generators.floorplans.sampler import room_data, room_type
from generators.graphs.common import count_of, near_numbers, pick_one, pick_pair, pick_yes_or_no

Q = Solvers()


def _pick_room(spec: dict, rng: np.random.Generator) -> dict:
    return {"room": pick(rng, names(spec))}


def _areas_text(spec: dict, rooms: list[str]) -> str:
    return ", ".join(f"{n} {format_number(area(spec, n))} m²" for n in rooms)


Q.bind("floorplan.area")(_pick_room)


@Q.solve("floorplan.area")
def _area(spec: dict, room: str) -> Solution:
    a = area(spec, room)
    r = room_of(spec, room)
    wrong = [round(2 * (r["w"] + r["h"]), 2), round(r["w"] + r["h"], 2)] + [area(spec, n) for n in names(spec)]
    return Solution(a, f"{room} measures {size_text(spec, room)} = {format_number(a)} m².", wrong,
                    extra={"readable_from": "annotation"})


def _extreme_room(spec: dict, sign: int) -> Solution:
    ranked = sorted(names(spec), key=lambda n: sign * -area(spec, n))
    if area(spec, ranked[0]) == area(spec, ranked[1]):
        raise NotApplicable("two rooms tie")
    return Solution(ranked[0], "Areas: " + _areas_text(spec, ranked) + ".", ranked[1:4])


Q.solve("floorplan.largest_room")(lambda spec: _extreme_room(spec, 1))
Q.solve("floorplan.smallest_room")(lambda spec: _extreme_room(spec, -1))


@Q.bind("floorplan.adjacent")
def _bind_adjacent(spec: dict, rng: np.random.Generator) -> dict:
    pairs = [(a, b) for i, a in enumerate(names(spec)) for b in names(spec)[i + 1:]]
    yes = [p for p in pairs if wall_length(spec, *p) >= MIN_ADJACENT_DM]
    no = [p for p in pairs if not touching(spec, *p)]
    return pick_yes_or_no(rng, yes, no, "no pair of rooms to ask about")


@Q.solve("floorplan.adjacent")
def _adjacent(spec: dict, a: str, b: str) -> Solution:
    length = wall_length(spec, a, b)
    if length >= MIN_ADJACENT_DM:
        return Solution("yes", f"{a} and {b} share {format_number(length / 10)} m of wall.")
    if touching(spec, a, b):
        raise NotApplicable("the rooms meet only at a corner or along a sliver")
    return Solution("no", f"{a} and {b} do not touch.")


@Q.bind("floorplan.door_between")
def _bind_door(spec: dict, rng: np.random.Generator) -> dict:
    pairs = [(a, b) for i, a in enumerate(names(spec)) for b in names(spec)[i + 1:]
             if wall_length(spec, a, b) >= MIN_ADJACENT_DM]
    return pick_yes_or_no(rng, [p for p in pairs if has_door(spec, *p)], [p for p in pairs if not has_door(spec, *p)],
                          "no adjacent rooms")


@Q.solve("floorplan.door_between")
def _door_between(spec: dict, a: str, b: str) -> Solution:
    if has_door(spec, a, b):
        return Solution("yes", f"A door is drawn in the wall between {a} and {b}.")
    return Solution("no", f"The wall between {a} and {b} has no door.")


@Q.bind("floorplan.route")
def _bind_route(spec: dict, rng: np.random.Generator) -> dict:
    dist = dict(nx.all_pairs_shortest_path_length(door_graph(spec)))
    pairs = [(a, b) for a in names(spec) for b in names(spec) if dist[a].get(b, 0) >= 2]
    return pick_pair(rng, pairs, "every room is one door from every other")


@Q.solve("floorplan.route")
def _route(spec: dict, a: str, b: str) -> Solution:
    g = door_graph(spec)
    paths = list(nx.all_shortest_paths(g, a, b))
    if len(paths) != 1:
        raise NotApplicable("more than one shortest walk")
    best = paths[0]
    longer = sorted((p for p in nx.all_simple_paths(g, a, b, cutoff=len(best) + 2) if p != best), key=len)
    skipped = [best[:i] + best[i + 1:] for i in range(1, len(best) - 1)]        # a room left out
    wrong_turn = [[a, n] + best[2:] for n in sorted(g[a]) if n != best[1]]       # another first door
    wrong = longer[:2] + skipped[:1] + wrong_turn[:1] + [[a] + best[1:-1][::-1] + [b]]
    steps = "; ".join(f"{x} -> {y} through their door" for x, y in zip(best, best[1:]))
    return Solution(best, f"{steps}: {count_of(len(best) - 1, 'door')}.", [w for w in wrong if w != best])


def _kind_types(spec: dict) -> list[str]:
    cfg = room_data()["kinds"][spec["kind"]]
    return sorted(set(cfg["required"]) | set(cfg["optional"]))


@Q.bind("floorplan.count_type")
def _bind_count(spec: dict, rng: np.random.Generator) -> dict:
    t = pick(rng, _kind_types(spec))
    return {"type": t, "plural": room_type(t)["plural"]}


@Q.solve("floorplan.count_type")
def _count(spec: dict, type: str, plural: str) -> Solution:
    rooms = of_type(spec, type)
    listed = ", ".join(rooms) if rooms else "none"
    return Solution(len(rooms), f"{plural.capitalize()}: {listed} ({len(rooms)}).", near_numbers(len(rooms)))


@Q.bind("floorplan.direction")
def _bind_direction(spec: dict, rng: np.random.Generator) -> dict:
    pairs = [(a, b) for a in names(spec) for b in names(spec) if a != b and direction(spec, a, b)]
    return pick_pair(rng, pairs, "no clear-cut direction between two rooms")


@Q.solve("floorplan.direction")
def _direction(spec: dict, a: str, b: str) -> Solution:
    d = direction(spec, a, b)
    if d is None:
        raise NotApplicable("the direction is not clear-cut")
    i = COMPASS.index(d)
    wrong = [COMPASS[(i + k) % 8] for k in (4, 1, -1, 2, -2)]
    return Solution(d, f"North points {spec['north']} on the image; {a} lies wholly or mostly {d} of {b}.", wrong)


def _extreme_bedroom(spec: dict, which: str) -> str:
    beds = sorted(of_type(spec, "bedroom"), key=lambda n: area(spec, n))
    if len(beds) < 2 or area(spec, beds[0]) == area(spec, beds[1]) or area(spec, beds[-1]) == area(spec, beds[-2]):
        raise NotApplicable("fewer than two bedrooms of distinct sizes")
    return beds[0] if which == "smallest" else beds[-1]


@Q.bind("floorplan.ensuite")
def _bind_ensuite(spec: dict, rng: np.random.Generator) -> dict:
    which = pick(rng, ["smallest", "largest"])
    _extreme_bedroom(spec, which)
    return {"which": which}


@Q.solve("floorplan.ensuite")
def _ensuite(spec: dict, which: str) -> Solution:
    bed = _extreme_bedroom(spec, which)
    g = door_graph(spec)
    baths = sorted(n for n in g[bed] if room_of(spec, n)["type"] == "bathroom")
    beds = _areas_text(spec, sorted(of_type(spec, "bedroom"), key=lambda n: area(spec, n)))
    doors = ", ".join(sorted(g[bed])) or "no room"
    verdict = f"one of them is {baths[0]}" if baths else "none is a bathroom"
    return Solution("yes" if baths else "no", f"Bedrooms by area: {beds}; the {which} is {bed}. "
                    f"Its doors lead to {doors}; {verdict}.")


Q.bind("floorplan.doors_of")(_pick_room)
Q.bind("floorplan.windows_of")(_pick_room)


@Q.solve("floorplan.doors_of")
def _doors_of(spec: dict, room: str) -> Solution:
    g = door_graph(spec)
    n = door_count(spec, room)
    ent = " plus the entrance" if spec["entrance"]["room"] == room else ""
    return Solution(n, f"Doors to {', '.join(sorted(g[room]))}{ent}: {n}.", near_numbers(n, lo=1))


@Q.solve("floorplan.windows_of")
def _windows_of(spec: dict, room: str) -> Solution:
    n = window_count(spec, room)
    return Solution(n, f"{room} has {count_of(n, 'window')} on its outer walls.", near_numbers(n))


def _pick_repeated_type(spec: dict, rng: np.random.Generator) -> str:
    """A room type the plan has at least two rooms of."""
    types = sorted({r["type"] for r in spec["rooms"] if len(of_type(spec, r["type"])) >= 2})
    return pick_one(rng, types, "no room type repeats")


@Q.bind("floorplan.total_area")
def _bind_total(spec: dict, rng: np.random.Generator) -> dict:
    t = _pick_repeated_type(spec, rng)
    return {"type": t, "plural": room_type(t)["plural"]}


@Q.solve("floorplan.total_area")
def _total(spec: dict, type: str, plural: str) -> Solution:
    rooms = of_type(spec, type)
    if len(rooms) < 2:
        raise NotApplicable(f"fewer than two {plural}")
    total = round(sum(area(spec, n) for n in rooms), 2)
    parts = " + ".join(format_number(area(spec, n)) for n in rooms)
    return Solution(total, f"{_areas_text(spec, rooms)}: {parts} = {format_number(total)} m².",
                    [area(spec, n) for n in rooms] + [round(total + 1, 2)], extra={"readable_from": "annotation"})


@Q.bind("floorplan.nearest_of_type")
def _bind_nearest(spec: dict, rng: np.random.Generator) -> dict:
    t = _pick_repeated_type(spec, rng)
    start = pick(rng, [n for n in names(spec) if room_of(spec, n)["type"] != t])
    return {"room": start, "type": t, "label": room_type(t)["label"].lower()}


@Q.solve("floorplan.nearest_of_type")
def _nearest(spec: dict, room: str, type: str, label: str) -> Solution:
    dist = nx.shortest_path_length(door_graph(spec), room)
    ranked = sorted(of_type(spec, type), key=lambda n: dist[n])
    if len(ranked) < 2 or dist[ranked[0]] == dist[ranked[1]]:
        raise NotApplicable("no single nearest room of the type")
    parts = ", ".join(f"{n} {count_of(dist[n], 'door')}" for n in ranked)
    return Solution(ranked[0], f"From {room}: {parts}.", ranked[1:])


@Q.solve("floorplan.entrance_room")
def _entrance(spec: dict) -> Solution:
    hub = spec["entrance"]["room"]
    g = door_graph(spec)
    return Solution(hub, f"The entrance door, at the {spec['entrance']['side']} edge of the plan, opens into {hub}.",
                    sorted(g[hub]) + names(spec))
