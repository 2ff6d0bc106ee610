"""The facts a floor plan's description tells: its kind and rooms, the largest and smallest
room, the entrance, each room's size and the doors between rooms."""
from __future__ import annotations

from pathlib import Path

from mmsynth.describe import Fact, describes, listing, num, plural, solved

from generators.floorplans.plan import area, door_graph, names, size_text
from generators.floorplans.solvers import Q


@describes("floorplan.*", phrasings=Path(__file__).with_name("describe.yaml"), noun="floor plan")
def plan_facts(spec: dict) -> list[Fact]:
    rooms = names(spec)
    facts = [Fact("floorplan.overview", {"thing": f"{spec['kind']} floor plan", "kind": spec["kind"],
                                         "n": plural(len(rooms), "room"), "rooms": listing(rooms)})]
    for key in ("largest", "smallest"):
        room = solved(Q.solvers[f"floorplan.{key}_room"], spec)
        if room is not None:
            facts.append(Fact(f"floorplan.{key}", {"room": room, "area": f"{num(area(spec, room))} m²"}))
    if spec.get("entrance"):
        facts.append(Fact("floorplan.entrance", {"room": spec["entrance"]["room"]}))
    for room in rooms:
        facts.append(Fact("floorplan.room", {"room": room, "size": size_text(spec, room),
                                             "area": f"{num(area(spec, room))} m²"}, room))
    g = door_graph(spec)
    for room in rooms:
        if room in g and len(g[room]):
            facts.append(Fact("floorplan.doors", {"room": room, "others": listing(sorted(g[room]))}, room))
    return facts
