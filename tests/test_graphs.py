"""Relation graphs (graph.org, graph.family, graph.directed): answers on hand-written specs,
determinism, verification round-trips, multiple choice, and overlap-free layouts."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mmsynth.draw import MIN_TEXT_PX, find_overlaps
from mmsynth.errors import NotApplicable
from mmsynth.questions import ask
from mmsynth.record import option_key, validate_record
from mmsynth.registry import create

from generators.graphs.directed import layout_directed
from generators.graphs.family import layout_family
from generators.graphs.geometry import box_inside, boxes_intersect, grow, point_segment_distance, polyline_hits_box
from generators.graphs.kinship import family_graph, kin_term, relation
from generators.graphs.org import layout_org

NAMES = ["graph.org", "graph.family", "graph.directed"]


def solve(gen_name: str, family: str, spec: dict, **slots):
    fam = next(f for f in create(gen_name).families if f.name == family)
    return fam.solve(spec, **slots)


# --- hand-written specs -----------------------------------------------------------------
ORG = {"people": [
    {"name": "Ann Lee", "title": "CEO", "manager": None},
    {"name": "Bo Park", "title": "CTO", "manager": "Ann Lee"},
    {"name": "Cy Diaz", "title": "CFO", "manager": "Ann Lee"},
    {"name": "Di Wolf", "title": "Tech Lead", "manager": "Bo Park"},
    {"name": "Ed Roth", "title": "Engineer", "manager": "Bo Park"},
    {"name": "Flo Ito", "title": "Developer", "manager": "Di Wolf"},
    {"name": "Gus Hall", "title": "Accountant", "manager": "Cy Diaz"},
]}


def test_org_answers_by_hand():
    assert solve("graph.org", "org.manager", ORG, person="Flo Ito").answer == "Di Wolf"
    assert solve("graph.org", "org.direct_reports", ORG, person="Bo Park").answer == 2
    assert solve("graph.org", "org.total_reports", ORG, person="Bo Park").answer == 3
    assert solve("graph.org", "org.total_reports", ORG, person="Ann Lee").answer == 6
    assert solve("graph.org", "org.depth", ORG, person="Flo Ito", top="Ann Lee").answer == 3
    assert solve("graph.org", "org.lowest_common_manager", ORG, a="Flo Ito", b="Ed Roth").answer == "Bo Park"
    assert solve("graph.org", "org.lowest_common_manager", ORG, a="Flo Ito", b="Gus Hall").answer == "Ann Lee"
    assert solve("graph.org", "org.chain_of_command", ORG, person="Flo Ito", top="Ann Lee").answer == [
        "Flo Ito", "Di Wolf", "Bo Park", "Ann Lee"]
    assert solve("graph.org", "org.reports_under", ORG, a="Flo Ito", b="Bo Park").answer == "yes"
    assert solve("graph.org", "org.reports_under", ORG, a="Flo Ito", b="Cy Diaz").answer == "no"
    assert solve("graph.org", "org.peers", ORG, person="Di Wolf").answer == 1
    assert solve("graph.org", "org.level_count", ORG, level=2, top="Ann Lee").answer == 3
    assert solve("graph.org", "org.title_of", ORG, person="Gus Hall").answer == "Accountant"
    with pytest.raises(NotApplicable):   # Ann Lee and Bo Park both have 2 direct reports
        solve("graph.org", "org.most_direct_reports", ORG)


def _person(name, sex, born, parents=(), spouse=None):
    return {"name": name, "sex": sex, "born": born, "parents": sorted(parents), "spouse": spouse}


# Tom + Ann -> Bob (married to Eve), Sue (married to Max); Bob + Eve -> Kim, Leo; Sue + Max -> Amy
FAMILY = {"people": [
    _person("Tom", "M", 1930, spouse="Ann"), _person("Ann", "F", 1932, spouse="Tom"),
    _person("Bob", "M", 1955, ["Tom", "Ann"], "Eve"), _person("Eve", "F", 1957, spouse="Bob"),
    _person("Sue", "F", 1958, ["Tom", "Ann"], "Max"), _person("Max", "M", 1954, spouse="Sue"),
    _person("Kim", "F", 1981, ["Bob", "Eve"]), _person("Leo", "M", 1979, ["Bob", "Eve"]),
    _person("Amy", "F", 1984, ["Sue", "Max"]),
]}


@pytest.mark.parametrize("a,b,term", [
    ("Kim", "Amy", "cousin"), ("Amy", "Leo", "cousin"),
    ("Sue", "Kim", "aunt"), ("Max", "Kim", "uncle"),          # blood aunt; uncle by marriage
    ("Kim", "Sue", "niece"), ("Leo", "Max", "nephew"),
    ("Eve", "Tom", "daughter-in-law"), ("Max", "Ann", "son-in-law"),
    ("Tom", "Eve", "father-in-law"), ("Ann", "Max", "mother-in-law"),
    ("Max", "Bob", "brother-in-law"), ("Bob", "Max", "brother-in-law"), ("Eve", "Sue", "sister-in-law"),
    ("Ann", "Amy", "grandmother"), ("Amy", "Tom", "granddaughter"),
    ("Leo", "Kim", "brother"), ("Bob", "Leo", "father"), ("Amy", "Sue", "daughter"), ("Eve", "Bob", "wife"),
])
def test_kinship_by_hand(a, b, term):
    g = family_graph(FAMILY)
    assert kin_term(relation(g, a, b), g.nodes[a]["sex"]) == term
    assert solve("graph.family", "family.relation", FAMILY, a=a, b=b).answer == term


def test_kinship_rationales_name_the_linking_people():
    assert solve("graph.family", "family.relation", FAMILY, a="Max", b="Kim").rationale == (
        "Max is married to Sue, a sibling of Kim's parent Bob, so Max is Kim's uncle.")
    assert solve("graph.family", "family.relation", FAMILY, a="Kim", b="Amy").rationale == (
        "Kim's parent Bob and Amy's parent Sue are siblings, so Kim is Amy's cousin.")


def test_family_answers_by_hand():
    assert relation(family_graph(FAMILY), "Eve", "Max") is None      # spouse's sibling's spouse: no simple term
    with pytest.raises(NotApplicable):
        solve("graph.family", "family.relation", FAMILY, a="Eve", b="Max")
    assert solve("graph.family", "family.is_relation", FAMILY, a="Kim", b="Amy", term="cousin").answer == "yes"
    assert solve("graph.family", "family.is_relation", FAMILY, a="Kim", b="Amy", term="sister").answer == "no"
    assert solve("graph.family", "family.who_is", FAMILY, b="Kim", term="aunt").answer == "Sue"
    assert solve("graph.family", "family.who_is", FAMILY, b="Max", term="mother-in-law").answer == "Ann"
    assert solve("graph.family", "family.who_is", FAMILY, b="Tom", term="grandson").answer == "Leo"
    with pytest.raises(NotApplicable):   # Kim and Amy are both Tom's granddaughters
        solve("graph.family", "family.who_is", FAMILY, b="Tom", term="granddaughter")
    assert solve("graph.family", "family.parents", FAMILY, person="Amy").answer == ["Max", "Sue"]
    assert solve("graph.family", "family.children_count", FAMILY, person="Bob").answer == 2
    assert solve("graph.family", "family.grandchildren_count", FAMILY, person="Tom").answer == 3
    assert solve("graph.family", "family.cousins_count", FAMILY, person="Amy").answer == 2
    assert solve("graph.family", "family.siblings_count", FAMILY, person="Kim").answer == 1
    assert solve("graph.family", "family.spouse", FAMILY, person="Max").answer == "Sue"
    assert solve("graph.family", "family.generations", FAMILY).answer == 3


def test_birth_year_answers_by_hand():
    assert solve("graph.family", "family.oldest_child", FAMILY, person="Bob").answer == "Leo"      # 1979 < 1981
    assert solve("graph.family", "family.youngest_grandchild", FAMILY, person="Ann").answer == "Amy"  # 1984
    assert solve("graph.family", "family.birth_gap", FAMILY, a="Tom", b="Kim").answer == 51
    assert solve("graph.family", "family.born_before", FAMILY, a="Max", b="Bob").answer == "yes"   # 1954 < 1955
    assert solve("graph.family", "family.born_before", FAMILY, a="Kim", b="Leo").answer == "no"
    with pytest.raises(NotApplicable):   # the stored pair must still be in birth order
        solve("graph.family", "family.birth_gap", FAMILY, a="Kim", b="Tom")


# A -> B (2), B -> C (2), A -> C (5), C -> D (1), D -> B (1); E stands alone.
DIGRAPH = {"theme": "letters", "nodes": ["A", "B", "C", "D", "E"], "weighted": True,
           "edges": [["A", "B", 2], ["B", "C", 2], ["A", "C", 5], ["C", "D", 1], ["D", "B", 1]]}


def test_directed_answers_by_hand():
    unweighted = {**DIGRAPH, "weighted": False, "edges": [e[:2] for e in DIGRAPH["edges"]]}
    assert solve("graph.directed", "directed.out_degree", DIGRAPH, node="A").answer == 2
    assert solve("graph.directed", "directed.in_degree", DIGRAPH, node="B").answer == 2
    assert solve("graph.directed", "directed.edge_exists", DIGRAPH, a="D", b="B").answer == "yes"
    assert solve("graph.directed", "directed.edge_exists", DIGRAPH, a="B", b="D").answer == "no"
    assert solve("graph.directed", "directed.path_exists", DIGRAPH, a="D", b="C").answer == "yes"
    assert solve("graph.directed", "directed.path_exists", DIGRAPH, a="D", b="A").answer == "no"
    # weighted: A-B-C-D costs 5 < A-C-D 6; by edges: A-C-D (2 edges) beats A-B-C-D (3)
    w = solve("graph.directed", "directed.shortest_path", DIGRAPH, a="A", b="D", measure="total edge weight")
    assert w.answer == ["A", "B", "C", "D"]
    assert solve("graph.directed", "directed.path_length", DIGRAPH, a="A", b="D", measure="total edge weight").answer == 5
    u = solve("graph.directed", "directed.shortest_path", unweighted, a="A", b="D", measure="number of edges")
    assert u.answer == ["A", "C", "D"]
    assert solve("graph.directed", "directed.path_length", unweighted, a="A", b="D", measure="number of edges").answer == 2
    with pytest.raises(NotApplicable):   # the stored measure must match the graph
        solve("graph.directed", "directed.path_length", unweighted, a="A", b="D", measure="total edge weight")
    assert solve("graph.directed", "directed.has_cycle", DIGRAPH).answer == "yes"
    assert solve("graph.directed", "directed.cycle_count", DIGRAPH).answer == 1
    assert solve("graph.directed", "directed.sources", DIGRAPH).answer == ["A", "E"]
    assert solve("graph.directed", "directed.sinks", DIGRAPH).answer == ["E"]
    assert solve("graph.directed", "directed.reachable_count", DIGRAPH, node="A").answer == 3
    assert solve("graph.directed", "directed.max_out_degree", DIGRAPH).answer == "A"
    mixed_case = {"theme": "services", "nodes": ["CDN", "Cache", "API", "Jobs"], "weighted": False,
                  "edges": [["API", "Jobs"]]}
    assert solve("graph.directed", "directed.sources", mixed_case).answer == ["API", "Cache", "CDN"]  # not ASCII order
    acyclic = {**DIGRAPH, "edges": DIGRAPH["edges"][:4]}
    assert solve("graph.directed", "directed.has_cycle", acyclic).answer == "no"
    assert solve("graph.directed", "directed.cycle_count", acyclic).answer == 0


# --- determinism, verification, multiple choice -------------------------------------------
@pytest.mark.parametrize("name", NAMES)
def test_deterministic_spec_and_image(name):
    a, b = create(name).make(7, 3), create(name).make(7, 3)
    assert a.source == b.source and a.qa == b.qa and a.style == b.style
    assert a.images[0].tobytes() == b.images[0].tobytes()
    assert create(name).make(7, 4).source != a.source


@pytest.mark.parametrize("name", NAMES)
def test_render_from_stored_json_is_identical(name):
    gen = create(name)
    s = gen.make(2, 9)
    again = gen.render(json.loads(json.dumps(s.source)), json.loads(json.dumps(s.style)))
    assert again.images[0].tobytes() == s.images[0].tobytes()


@pytest.mark.parametrize("name", NAMES)
def test_records_validate_and_verify_and_catch_tampering(name):
    gen = create(name)
    for i in range(25):
        s = gen.make(11, i)
        rec = json.loads(json.dumps(s.record(f"{name}-{i}", name, "graph", ["x.png"], 11, i)))
        assert validate_record(rec) == []
        assert gen.verify(rec) == []
    qa = rec["qa"][0]
    qa["answer"] = ("no" if qa["answer"] == "yes" else "yes") if qa["answer_type"] == "yesno" else (
        qa["options"][(qa["options"].index(qa["answer"]) + 1) % len(qa["options"])] if qa.get("options")
        else ["nobody"] if qa["answer_type"] in ("list", "route") else 999 if qa["answer_type"] == "number" else "nobody")
    assert gen.verify(rec), "a wrong stored answer must be reported"


def assert_every_family_asked_with_sound_mc(gen, seed: int, n: int) -> None:
    """Over ``n`` specs every family gets asked; forced multiple choice lists the answer exactly once,
    and every family that may be multiple choice (all but yes/no) does produce options."""
    asked, with_options = set(), set()
    for i in range(n):
        spec = gen.make(seed, i).source
        for fam in gen.families:
            try:
                qa = ask(fam, spec, np.random.default_rng(i), mc_share=1.0)
            except NotApplicable:
                continue
            asked.add(fam.name)
            if qa["options"]:
                with_options.add(fam.name)
                keys = [option_key(o) for o in qa["options"]]
                assert keys.count(option_key(qa["answer"])) == 1
                assert len(set(keys)) == len(keys) >= 2
    assert asked == {f.name for f in gen.families}
    assert with_options == {f.name for f in gen.families if f.answer_type != "yesno" and f.mc}


@pytest.mark.parametrize("name", NAMES)
def test_every_family_is_asked_and_mc_has_the_answer_once(name):
    assert_every_family_asked_with_sound_mc(create(name), 4, 30)


# --- legibility by construction ------------------------------------------------------------
def _check_texts(texts, size):
    assert find_overlaps(texts) == []
    assert all(t.height >= MIN_TEXT_PX for t in texts)
    assert all(box_inside(t.box, (0, 0, *size)) for t in texts)


def _check_tree(boxes: dict, lines: list, texts, size):
    """Boxes disjoint, no connector through a box, every node text inside its own box."""
    items = list(boxes.values())
    for i, a in enumerate(items):
        for b in items[i + 1:]:
            assert not boxes_intersect(a, b)
    for pts in lines:
        for box in items:
            assert not polyline_hits_box(pts, box)
    for t in texts:
        if t.role == "node":
            assert box_inside(t.box, boxes[t.text])
    _check_texts(texts, size)


def check_org(gen, seed, index):
    s = gen.make(seed, index)
    lay = layout_org(s.source, s.style)
    _check_tree(lay.boxes, lay.connectors, s.texts, s.images[0].size)
    for name_text, title_text in zip(s.texts[::2], s.texts[1::2]):
        assert title_text.role == "title" and box_inside(title_text.box, lay.boxes[name_text.text])


def check_family(gen, seed, index):
    s = gen.make(seed, index)
    lay = layout_family(s.source, s.style)
    assert set(lay.boxes) == {p["name"] for p in s.source["people"]}
    _check_tree(lay.boxes, lay.connectors + lay.marriages, s.texts, s.images[0].size)
    born = {p["name"]: p["born"] for p in s.source["people"]}
    for name_text, year_text in zip([t for t in s.texts if t.role == "node"], [t for t in s.texts if t.role == "year"]):
        assert str(born[name_text.text]) in year_text.text and box_inside(year_text.box, lay.boxes[name_text.text])
    for t in s.texts:
        if t.role == "legend":
            assert not any(boxes_intersect(t.box, b) for b in lay.boxes.values())


def check_directed(gen, seed, index):
    s = gen.make(seed, index)
    lay = layout_directed(s.source, s.style)
    centers = list(lay.centers.items())
    for i, (_, a) in enumerate(centers):
        for _, b in centers[i + 1:]:
            assert math.dist(a, b) > 2 * lay.radius
    for e, seg in zip(s.source["edges"], lay.segments):
        for v, c in centers:
            if v not in e[:2]:
                assert point_segment_distance(c, *seg) > lay.radius
    circles = [grow((c[0] - lay.radius, c[1] - lay.radius, c[0] + lay.radius, c[1] + lay.radius), 0) for _, c in centers]
    for i, box in enumerate(lay.labels):
        assert not any(boxes_intersect(box, c) for c in circles)
        assert not any(polyline_hits_box(list(seg), box) for j, seg in enumerate(lay.segments) if j != i)
    for t in s.texts:
        if t.role == "node":
            c = lay.centers[t.text]
            assert box_inside(t.box, (c[0] - lay.radius, c[1] - lay.radius, c[0] + lay.radius, c[1] + lay.radius))
    _check_texts(s.texts, s.images[0].size)


CHECKS = {"graph.org": check_org, "graph.family": check_family, "graph.directed": check_directed}


@pytest.mark.parametrize("name", NAMES)
def test_layouts_are_overlap_free_over_many_seeds(name):
    gen = create(name)
    for i in range(40):
        CHECKS[name](gen, 0, i)


def assert_routes_are_drawn(gen, seed: int, n: int) -> int:
    """Every stop of every route answer is a label drawn in the image; returns how many routes were seen."""
    routes = 0
    for i in range(n):
        s = gen.make(seed, i)
        drawn = {t.text for t in s.texts}
        for qa in s.qa:
            if qa["family"].endswith(("shortest_path", "route", "chain_of_command")):
                stops = qa["answer"] if isinstance(qa["answer"], list) else qa["answer"].split(" -> ")
                assert set(stops) <= drawn, (qa, drawn)
                routes += 1
    return routes


def test_route_answers_are_visible_in_the_image():
    assert assert_routes_are_drawn(create("graph.directed"), 1, 40) > 5
    assert assert_routes_are_drawn(create("graph.org"), 1, 40) > 5


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=12, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), index=st.integers(0, 100_000))
def test_property_any_seed_is_legible_valid_and_verifies(name, seed, index):
    gen = create(name)
    CHECKS[name](gen, seed, index)
    s = gen.make(seed, index)
    rec = json.loads(json.dumps(s.record("x", name, "graph", ["x.png"], seed, index)))
    assert validate_record(rec) == [] and gen.verify(rec) == []
