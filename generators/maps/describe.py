"""The facts a map's description tells: its towns or markers, rivers and lakes, the roads
with their lengths, and which roads cross a river."""
from __future__ import annotations

from pathlib import Path

from mmsynth.describe import Fact, describes, listing, num, plural

from generators.maps.network import bridges_on


@describes("map.*", phrasings=Path(__file__).with_name("describe.yaml"), noun="map")
def map_facts(spec: dict) -> list[Fact]:
    if spec["kind"] == "grid":
        return grid_facts(spec)
    towns = [t["name"] for t in spec["towns"]]
    facts = [Fact("map.overview", {"thing": "map", "title": spec["title"], "n": plural(len(towns), "town"),
                                   "towns": listing(towns)})]
    waters = [r["name"] for r in spec.get("rivers", [])] + [lk["name"] for lk in spec.get("lakes", []) if lk.get("name")]
    if waters:
        facts.append(Fact("map.water", {"waters": listing(waters)}))
    for r in spec["roads"]:
        facts.append(Fact("map.road", {"road": r["name"], "a": r["a"], "b": r["b"], "length": f"{num(r['km'])} {spec['unit']}"},
                          r["name"]))
    if spec.get("rivers"):
        crossing = [r["name"] for r in spec["roads"] if bridges_on(spec, r["a"], r["b"])]
        key = "map.crossings" if crossing else "map.no_crossings"
        facts.append(Fact(key, {"roads": listing(crossing), "river": listing([r["name"] for r in spec["rivers"]])}))
    longest = max(spec["roads"], key=lambda r: r["km"])
    if [r["km"] for r in spec["roads"]].count(longest["km"]) == 1:
        facts.append(Fact("map.longest", {"road": longest["name"], "length": f"{num(longest['km'])} {spec['unit']}"}))
    return facts


def grid_facts(spec: dict) -> list[Fact]:
    markers = sorted(m["name"] for m in spec["markers"])
    return [Fact("map.grid_overview", {"thing": "grid map", "title": spec["title"], "cols": spec["cols"],
                                       "rows": spec["rows"], "n": plural(len(markers), "marker")}),
            Fact("map.markers", {"markers": listing(markers)}),
            Fact("map.passages", {"n": plural(len(spec["passages"]), "open passage")})]
