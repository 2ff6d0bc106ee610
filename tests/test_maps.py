"""Road and grid maps (map.road, map.grid): answers on hand-written specs, route answers
re-checked as shortest paths with networkx built independently from the source, markers
of every route drawn, determinism, verification, multiple choice, legible layouts."""
from __future__ import annotations

import functools

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generators.maps import GridMap, RoadMap
from generators.maps.geometry import compass_point, point_segment_distance, segments_cross
from mmsynth.draw import MIN_TEXT_PX, boxes_overlap, find_overlaps
from mmsynth.errors import NotApplicable
from mmsynth.record import option_key, validate_record

NAMES = ["map.road", "map.grid"]


class Suite:
    """Generators of a test module, imported directly (so these tests do not depend on other
    plugin packages), with their samples made once per session."""

    def __init__(self, generators: dict[str, type], seed: int, n: int) -> None:
        self.generators, self.seed, self.n = generators, seed, n

    def create(self, name: str):
        return self.generators[name]()

    def solve(self, name: str, family: str, spec: dict, **slots):
        """Run one question family's solver on a spec."""
        return next(f for f in self.create(name).families if f.name == family).solve(spec, **slots)

    def made(self, name: str) -> list:
        return made_by(self.generators[name], self.seed, self.n)

    def checked_sample(self, name: str, seed: int, index: int):
        """Sample ``index`` of a run seeded ``seed``, after checking its record validates and verifies."""
        gen = self.create(name)
        s = gen.make(seed, index)
        rec = s.record("x", name, gen.task, ["images/x.png"], seed, index)
        assert validate_record(rec) == [] and gen.verify(rec) == []
        return s


@functools.lru_cache(maxsize=None)
def made_by(gen_cls: type, seed: int, n: int) -> list:
    """(sample, record) pairs of a generator class."""
    gen = gen_cls()
    out = []
    for i in range(n):
        s = gen.make(seed, i)
        out.append((s, s.record(f"{gen.name}-{seed}-{i}", gen.name, gen.task, [f"images/{i}.png"], seed, i)))
    return out


S = Suite({"map.road": RoadMap, "map.grid": GridMap}, seed=7, n=50)


def check_deterministic(gen, seed: int, indices: tuple[int, ...]) -> None:
    """Same (seed, index): same spec, questions, style and image bytes; another index: another spec."""
    for i in indices:
        a, b = gen.make(seed, i), gen.make(seed, i)
        assert a.source == b.source and a.qa == b.qa and a.style == b.style
        assert a.images[0].tobytes() == b.images[0].tobytes()
    assert gen.make(seed, indices[0]).source != gen.make(seed, indices[0] + 1).source


def check_records(gen, pairs: list) -> None:
    """Records validate, verify, cover >= 8 families, and a tampered number is caught."""
    families = set()
    for _, rec in pairs:
        assert validate_record(rec) == []
        assert gen.verify(rec) == []
        families |= {q["family"] for q in rec["qa"]}
    assert len(families) >= 8
    rec = next(r for _, r in pairs if any(q["answer_type"] == "number" for q in r["qa"]))
    qa = next(q for q in rec["qa"] if q["answer_type"] == "number")
    assert gen.verify(dict(rec, qa=[dict(qa, answer=qa["answer"] + 1)]))


def check_mc_once(pairs: list) -> None:
    """Every multiple-choice answer is among its (distinct) options exactly once."""
    n_mc = 0
    for _, rec in pairs:
        for qa in rec["qa"]:
            if qa.get("options"):
                n_mc += 1
                keys = [option_key(o) for o in qa["options"]]
                assert keys.count(option_key(qa["answer"])) == 1 and len(set(keys)) == len(keys)
    assert n_mc > 5


# --- hand-written specs ---------------------------------------------------------------
def town(name, x, y):
    return {"name": name, "x": x, "y": y}


def road(name, a, b, km):
    return {"name": name, "a": a, "b": b, "km": km}


ROAD = {
    "kind": "road", "unit": "km", "title": "t",
    "towns": [town("A", 10, 50), town("B", 40, 50), town("C", 70, 50), town("D", 40, 80), town("E", 40, 20),
              town("F", 85, 85), town("G", 85, 65)],
    "roads": [road("R1", "A", "B", 10), road("R2", "B", "C", 10), road("R3", "A", "D", 8), road("R4", "D", "C", 15),
              road("R5", "B", "E", 5), road("R6", "E", "C", 7), road("R7", "F", "G", 4)],
    "rivers": [{"name": "River X", "points": [[55, 0], [55, 100]]}],
    "lakes": [],
}


def test_road_answers_by_hand():
    r = functools.partial(S.solve, "map.road")
    assert r("map.shortest_route", ROAD, a="A", b="C").answer == ["A", "B", "C"]
    assert r("map.route_length", ROAD, a="A", b="C").answer == 20
    assert r("map.avoid_route", ROAD, a="A", b="C", c="B").answer == ["A", "D", "C"]
    assert r("map.degree", ROAD, a="B").answer == 3
    assert r("map.reachable", ROAD, a="A", b="F").answer == "no"
    assert r("map.reachable", ROAD, a="A", b="E").answer == "yes"
    assert r("map.closer", ROAD, a="A", b="E", c="D").answer == "D"      # 15 vs 8
    assert r("map.nearest", ROAD, a="A").answer == "D"
    assert r("map.within", ROAD, a="A", d=12).answer == 2                 # B 10, D 8
    assert r("map.via", ROAD, a="A", b="C", c="B").answer == "yes"
    assert r("map.via", ROAD, a="A", b="C", c="E").answer == "no"
    assert r("map.compass", ROAD, a="A", b="D").answer == "north-east"
    assert r("map.compass", ROAD, a="C", b="E").answer == "south-west"
    assert r("map.compass", ROAD, a="B", b="A").answer == "west"
    assert r("map.bridges", ROAD, a="A", b="C").answer == 1
    assert r("map.bridges", ROAD, a="A", b="E").answer == 0
    assert r("map.route_roads", ROAD, a="A", b="C").answer == ["R1", "R2"]
    assert r("map.road_name", ROAD, a="D", b="A").answer == "R3"
    assert r("map.road_length", ROAD, a="E", b="B").answer == 5
    assert "10 + 10 = 20 km" in r("map.route_length", ROAD, a="A", b="C").rationale


def test_road_questions_without_unique_answer_are_not_asked():
    tied = dict(ROAD, roads=[dict(x, km=12) if x["name"] == "R4" else dict(x, km=8) if x["name"] == "R3" else x
                             for x in ROAD["roads"]])   # A-D-C = 20 = A-B-C
    with pytest.raises(NotApplicable):
        S.solve("map.road", "map.shortest_route", tied, a="A", b="C")
    with pytest.raises(NotApplicable):
        S.solve("map.road", "map.shortest_route", ROAD, a="A", b="G")      # no route
    with pytest.raises(NotApplicable):
        S.solve("map.road", "map.closer", ROAD, a="A", b="B", c="F")      # F unreachable
    with pytest.raises(NotApplicable):
        S.solve("map.road", "map.avoid_route", ROAD, a="A", b="C", c="E")  # E not on the route
    with pytest.raises(NotApplicable):
        S.solve("map.road", "map.within", ROAD, a="A", d=10)               # B at exactly 10
    with pytest.raises(NotApplicable):
        S.solve("map.road", "map.road_name", ROAD, a="A", b="C")           # no direct road


#   W = (0,1)   (0,0) - J=(1,0) - E=(2,0)
#                 |       |
#               W=(0,1)  (1,1) - D=(2,1)
GRID = {"kind": "grid", "unit": "steps", "title": "t", "cols": 3, "rows": 2,
        "passages": [[0, 0, 1, 0], [1, 0, 2, 0], [1, 0, 1, 1], [1, 1, 2, 1], [0, 0, 0, 1]],
        "markers": [{"name": "J", "col": 1, "row": 0}, {"name": "E", "col": 2, "row": 0},
                    {"name": "W", "col": 0, "row": 1}, {"name": "D", "col": 2, "row": 1}]}


def test_grid_answers_by_hand():
    g = functools.partial(S.solve, "map.grid")
    assert g("map.shortest_route", GRID, a="W", b="D").answer == ["W", "J", "D"]
    assert g("map.route_length", GRID, a="W", b="D").answer == 4
    assert g("map.route_length", GRID, a="W", b="E").answer == 3
    assert g("map.degree", GRID, a="J").answer == 3
    assert g("map.dead_ends", GRID).answer == 3
    assert g("map.nearest", GRID, a="J").answer == "E"
    assert g("map.closer", GRID, a="W", b="D", c="E").answer == "E"
    assert g("map.compass", GRID, a="W", b="J").answer == "north-east"
    assert g("map.compass", GRID, a="J", b="D").answer == "south-east"
    assert g("map.via", GRID, a="E", b="D", c="J").answer == "yes"
    assert "1 + 2 = 3 steps" in g("map.route_length", GRID, a="E", b="W").rationale
    with pytest.raises(NotApplicable):     # bearing 63 degrees: too close to the NE/E edge at 67.5
        g("map.compass", GRID, a="W", b="E")
    with pytest.raises(NotApplicable):     # E lies exactly 1 step from J
        g("map.within", GRID, a="J", d=1)
    with pytest.raises(NotApplicable):     # J is a cut vertex: nothing reaches D without it
        g("map.avoid_route", GRID, a="W", b="D", c="J")


def test_map_frame_keeps_bearings():
    from generators.maps.render_road import Frame
    f = Frame((10, 20, 410, 220))               # a wide area: the map is drawn square in its middle
    (x0, y0), (x1, y1) = f(0, 0), f(100, 100)
    assert x1 - x0 == y0 - y1 == 200 and (x0 + x1) / 2 == 210 and y1 < y0


def test_compass_and_crossings():
    assert compass_point(0) == "north" and compass_point(100) == "east" and compass_point(225) == "south-west"
    assert compass_point(22.0, margin=5) is None and compass_point(30.0, margin=5) == "north-east"
    assert segments_cross((0, 0), (2, 2), (0, 2), (2, 0))
    assert not segments_cross((0, 0), (1, 1), (1, 1), (2, 0))  # shared end point is not a crossing


# --- routes re-checked independently --------------------------------------------------
def route_of(qa: dict) -> list[str]:
    return qa["answer"].split(" -> ") if qa.get("options") else qa["answer"]


def check_road_route(spec: dict, route: list[str], a: str, b: str, avoid: str | None = None) -> None:
    g = nx.Graph()
    for r in spec["roads"]:
        g.add_edge(r["a"], r["b"], km=r["km"])
    if avoid:
        g.remove_node(avoid)
        assert avoid not in route
    assert route[0] == a and route[-1] == b and len(set(route)) == len(route)
    assert all(g.has_edge(x, y) for x, y in zip(route, route[1:]))
    assert sum(g[x][y]["km"] for x, y in zip(route, route[1:])) == nx.dijkstra_path_length(g, a, b, weight="km")


def check_grid_route(spec: dict, route: list[str], a: str, b: str, avoid: str | None = None) -> None:
    g = nx.Graph()
    g.add_nodes_from((c, r) for c in range(spec["cols"]) for r in range(spec["rows"]))
    g.add_edges_from(((p[0], p[1]), (p[2], p[3])) for p in spec["passages"])
    cell = {m["name"]: (m["col"], m["row"]) for m in spec["markers"]}
    assert {n for n, d in g.degree() if d != 2} == set(cell.values())   # every decision point is lettered
    if avoid:
        g.remove_node(cell[avoid])
        assert avoid not in route
    assert route[0] == a and route[-1] == b and len(set(route)) == len(route)
    total = 0
    for x, y in zip(route, route[1:]):
        # the leg can be walked without passing any other marker, as fast as in the whole maze
        others = [cell[m] for m in cell if m not in (x, y) and cell[m] in g]
        leg = nx.shortest_path_length(g.subgraph(set(g) - set(others)), cell[x], cell[y])
        assert leg == nx.shortest_path_length(g, cell[x], cell[y])
        total += leg
    assert total == nx.shortest_path_length(g, cell[a], cell[b])


def check_routes(name: str, sample) -> int:
    checked = 0
    drawn = {t.text for t in sample.texts if t.role in ("node", "marker")}
    for qa in sample.qa:
        if qa["family"] not in ("map.shortest_route", "map.avoid_route"):
            continue
        p = qa["params"]
        route = route_of(qa)
        check = check_road_route if name == "map.road" else check_grid_route
        check(sample.source, route, p["a"], p["b"], p.get("c"))
        assert set(route) <= drawn, f"route markers {set(route) - drawn} are not drawn"
        checked += 1
    return checked


@pytest.mark.parametrize("name", NAMES)
def test_route_answers_are_shortest_paths_and_drawn(name):
    gen = S.create(name)
    checked = 0
    for s, _ in S.made(name):
        checked += check_routes(name, s)
    # ask the route families directly too, so every sample contributes
    fams = [f for f in gen.families if f.name in ("map.shortest_route", "map.avoid_route")]
    for i, (s, _) in enumerate(S.made(name)[:30]):
        for fam in fams:
            try:
                slots = fam.bind(s.source, np.random.default_rng(i))
            except NotApplicable:
                continue
            qa = {"family": fam.name, "params": slots, "answer": fam.solve(s.source, **slots).answer, "options": None}
            s_one = type(s)(s.source, s.images, [qa], [], {}, s.texts)
            checked += check_routes(name, s_one)
    assert checked >= 30


# --- generator-level properties ------------------------------------------------------
@pytest.mark.parametrize("name", NAMES)
def test_generator_contract(name):
    """Deterministic spec and image bytes; records validate and verify; >= 8 families; MC answer once."""
    check_deterministic(S.create(name), 11, (0, 3))
    check_records(S.create(name), S.made(name))
    check_mc_once(S.made(name))


@pytest.mark.parametrize("name", NAMES)
def test_layout_is_legible(name):
    for s, _ in S.made(name):
        w, h = s.images[0].size
        assert find_overlaps(s.texts) == []
        for t in s.texts:
            assert t.height >= MIN_TEXT_PX * 0.7, t      # ink box of a >= 10 px font
            assert 0 <= t.box[0] and 0 <= t.box[1] and t.box[2] <= w and t.box[3] <= h
        names = {t["name"] for t in s.source.get("towns", s.source.get("markers", []))}
        assert names <= {t.text for t in s.texts if t.role in ("node", "marker")}
        if name == "map.road":   # every road shows its name and distance
            edge_texts = [t.text for t in s.texts if t.role == "edge"]
            for r in s.source["roads"]:
                assert r["name"] in edge_texts and f"{r['km']} km" in edge_texts


def test_road_labels_keep_clear_of_roads_and_towns():
    from generators.maps.placement import segment_hits_box
    from generators.maps.render_road import map_frame
    for s, _ in S.made("map.road")[:20]:
        st_ = s.style
        frame = map_frame(st_)
        pos = {t["name"]: frame(t["x"], t["y"]) for t in s.source["towns"]}
        segs = [(pos[r["a"]], pos[r["b"]]) for r in s.source["roads"]]
        rad = st_["town_radius"]
        dots = [(x - rad, y - rad, x + rad, y + rad) for x, y in pos.values()]
        for t in s.texts:
            assert not any(boxes_overlap(t.box, d) for d in dots), t
            hits = [r for r, seg in zip(s.source["roads"], segs) if segment_hits_box(seg, t.box)]
            if t.role == "node":
                assert not hits, t
            elif t.role == "edge":   # beside its road and nearer it than any other, or on a plate on it
                assert not hits or (len(hits) == 1 and t.text in (hits[0]["name"], f"{hits[0]['km']} km")), t
        edge_texts = [t for t in s.texts if t.role == "edge"]
        for name, km in zip(edge_texts[::2], edge_texts[1::2]):   # each road label: its name, then its km
            road = next(r for r in s.source["roads"] if r["name"] == name.text)
            assert km.text == f"{road['km']} km"
            own = segs[s.source["roads"].index(road)]
            if not segment_hits_box(own, name.box):            # beside the road: nearer it than any other
                c = ((name.box[0] + name.box[2]) / 2, (name.box[1] + km.box[3]) / 2)
                assert min(segs, key=lambda seg: point_segment_distance(c, *seg)) == own, name


@settings(max_examples=6, deadline=None)
@given(seed=st.integers(0, 10**6), index=st.integers(0, 10**5), name=st.sampled_from(NAMES))
def test_property_any_seed(seed, index, name):
    s = S.checked_sample(name, seed, index)
    assert find_overlaps(s.texts) == []
    check_routes(name, s)
