"""scene.* question families: valid, verifiable records on synthetic scenes and on the real
ProVision baseball sample; answers derived by hand on the real sample; one meaning of "closer"."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mmsynth import registry
from mmsynth.errors import NotApplicable
from mmsynth.generator import Sample, conversation
from mmsynth.questions import ask, ask_many, verify_qa
from mmsynth.rand import rng_for
from mmsynth.record import qa_errors, validate_record
from scenegraph.generators import ALL_FAMILIES, GENERATORS
from scenegraph.loaders import load_scene_set
from scenegraph.synthetic.raycast import bounding_sphere
from scenegraph.synthetic.world import camera, sample_scene

from realdata import BASEBALL


@pytest.fixture(scope="module")
def baseball_option() -> str:
    if not BASEBALL.is_dir():
        pytest.skip(f"real ProVision sample {BASEBALL} is absent")
    return f"provision:{BASEBALL}"


@pytest.fixture(scope="module")
def b1(baseball_option) -> dict:
    return {"scenes": [_scene(baseball_option, "baseball_1")]}


@pytest.fixture(scope="module")
def b2(baseball_option) -> dict:
    return {"scenes": [_scene(baseball_option, "baseball_2")]}


def _scene(option: str, sid: str) -> dict:
    return next(s for s in load_scene_set(option).scenes if s["id"] == sid)


def _solve(family: str, spec: dict, **slots):
    return ALL_FAMILIES[family].solve(spec, **slots)


def _record(gen, spec: dict, qa: list[dict], index: int) -> dict:
    n = len(spec["scenes"])
    sample = Sample(source=json.loads(json.dumps(spec)), images=[], qa=qa,
                    conversations=conversation(qa, n, gen.image_prefix(n)), style={})
    return sample.record(f"{gen.name}-{index}", gen.name, gen.task, [f"images/{index}-{k}.png" for k in range(n)], 0, index)


def _cover_families(gen, tries: int) -> dict[str, dict]:
    """A record per family of ``gen``, asking each family on the first drawn spec where it is well posed."""
    found: dict[str, dict] = {}
    for i in range(tries):
        rng = rng_for(0, i, gen.name)
        spec = gen.sample_spec(rng)
        for fam in gen.families:
            if fam.name in found:
                continue
            try:
                qa = ask(fam, spec, rng, mc_share=0.5)
            except NotApplicable:
                continue
            found[fam.name] = _record(gen, spec, [qa], i)
        if len(found) == len(gen.families):
            break
    return found


def _check_records(gen, records: dict[str, dict]) -> None:
    for name, rec in records.items():
        rec = json.loads(json.dumps(rec))  # as stored: plain JSON
        assert validate_record(rec) == [], (name, validate_record(rec))
        assert gen.verify(rec) == [], (name, gen.verify(rec))
        tampered = json.loads(json.dumps(rec))
        qa = tampered["qa"][0]
        qa["answer"] = "__wrong__" if qa["answer_type"] not in ("bbox", "point", "number") else (
            [0.0, 0.0, 0.01, 0.01] if qa["answer_type"] == "bbox" else [0.001, 0.001] if qa["answer_type"] == "point" else -7)
        assert gen.verify(tampered), f"{name}: a wrong answer passed verification"


def test_every_family_on_synthetic_scenes():
    covered = set()
    for name, cls in GENERATORS.items():
        gen = registry.create(name)
        records = _cover_families(gen, 25 if cls.images_range[1] == 1 else 12)
        _check_records(gen, records)
        covered |= set(records)
    assert covered == set(ALL_FAMILIES) | {"scene.describe"}, sorted(set(ALL_FAMILIES) - covered)


def test_every_family_fires_on_the_real_baseball_sample(baseball_option):
    """Ties are answered (all tied kinds), and relations computed for every pair give the
    multi-hop families chains the sparse annotation lacked."""
    covered = set()
    for name in GENERATORS:
        gen = registry.create(name, scenes=baseball_option)
        records = _cover_families(gen, 30)
        _check_records(gen, records)
        covered |= set(records)
    assert covered == set(ALL_FAMILIES) | {"scene.describe"}, sorted(set(ALL_FAMILIES) - covered)


def test_frequency_ties_are_answered_and_an_all_way_tie_is_not_asked(b1, b2):
    # baseball_2: human 2, ball 2, batter, bat, baseball glove 1 each ("game" is a mass noun)
    assert _solve("scene.frequency.most", b2).answer == ["ball", "human"]
    assert _solve("scene.frequency.least", b2).answer == ["baseball glove", "bat", "batter"]
    with pytest.raises(NotApplicable):  # baseball_1: every kind once
        _solve("scene.frequency.most", b1)


def test_multihop_on_baseball_uses_computed_relations(b1):
    # the batter is the only object holding the bat; only the uniform's box centre is clearly left of the batter's
    hop = [0, "holding", 1]
    assert _solve("scene.multihop.object", b1, predicate="left of", hop=hop).answer == "baseball uniform"
    with pytest.raises(NotApplicable):  # the bat and the ball are both right of the batter
        _solve("scene.multihop.object", b1, predicate="right of", hop=hop)
    sol = _solve("scene.multihop.relation", b1, subject=2, hop=hop, predicates=["left of", "right of"])
    assert sol.answer == "right of"


# --- hand-derived answers on the real sample -----------------------------------------
# baseball_1 objects: 0 batter [5,54,266,355], 1 bat [203,121,348,212], 2 ball [366,176,389,198],
# 3 baseball uniform; relations: batter wearing uniform, about to hit ball, holding bat.

def test_right_most_of_batter_bat_ball_is_the_ball(b1):
    sol = _solve("scene.extreme.choice", b1, direction="right", candidates=[0, 1, 2])
    assert sol.answer == "ball" and sorted(sol.distractors) == ["bat", "batter"]
    box = _solve("scene.extreme.box", b1, direction="right", candidates=[0, 1, 2]).answer
    assert box == pytest.approx([366 / 401, 176 / 400, 389 / 401, 198 / 400], abs=0.006)
    assert _solve("scene.extreme.choice", b1, direction="left", candidates=[2, 0]).answer == "batter"


def test_extremes_must_be_strict(b1):
    # the batter spans y 54-355 and so overlaps the bat (121-212) vertically: no strict top-most
    with pytest.raises(NotApplicable):
        _solve("scene.extreme.choice", b1, direction="top", candidates=[0, 1])
    # the bat (x 203-348) overlaps the batter (5-266) horizontally: no strict left-most
    with pytest.raises(NotApplicable):
        _solve("scene.extreme.choice", b1, direction="left", candidates=[0, 1])


def test_closer_of_two_objects_by_the_real_depth_map(b1, b2):
    assert _solve("scene.depth.objects", b1, a=1, b=2, which="closer").answer == "bat"
    assert _solve("scene.depth.objects", b1, a=2, b=1, which="farther").answer == "ball"
    # baseball_2: the catcher's glove (index 4) is nearer the camera than the batter (index 1)
    assert _solve("scene.depth.objects", b2, a=1, b=4, which="closer").answer == "baseball glove"


def test_closer_point_has_the_brighter_raw_depth(b1):
    raw = np.load(BASEBALL / "depth_masks" / "baseball_1_depth.npy")
    s = b1["scenes"][0]
    for a, b in [([0, 0], [2, 0]), ([1, 0], [2, 1]), ([2, 2], [0, 1])]:
        pa, pb = (s["objects"][i]["points"][k] for i, k in (a, b))
        va, vb = (int(raw[int(p[1] * 400), int(p[0] * 401)]) for p in (pa, pb))
        try:
            closer = _solve("scene.depth.points", b1, a=a, b=b, which="closer").answer
        except NotApplicable:
            continue
        assert closer == (pa[:2] if va > vb else pb[:2])  # ProVision maps: higher = closer


def test_relations_counts_and_attributes_by_hand(b1, b2):
    assert _solve("scene.relation.objects", b1, subject=0, object=1, predicates=["wearing", "holding"]).answer == "holding"
    assert _solve("scene.relation.objects", b1, subject=1, object=0, predicates=["left of", "right of"]).answer == "right of"
    with pytest.raises(NotApplicable):  # the batter holds the bat and wears no bat
        _solve("scene.relation.objects", b1, subject=0, object=1, predicates=["wearing", "about to hit"])
    assert _solve("scene.relation.which", b1, predicate="holding", object=1, candidates=[2, 0]).answer == "batter"
    assert _solve("scene.count.objects", b2, label="human").answer == 2
    assert _solve("scene.count.attribute", b2, attribute="white", label="human").answer == 1
    # the bat is blue, golden and white (no single colour) but has one material
    assert _solve("scene.region.typed_attribute", b1, object=1, kind="material").answer == "wooden"
    with pytest.raises(NotApplicable):
        _solve("scene.region.typed_attribute", b1, object=1, kind="color")
    assert _solve("scene.region.attributes", b1, object=2).answer == ["white"]
    same = _solve("scene.points.same_object", b1, a=[1, 0], b=[1, 2])
    assert same.answer == "yes" and _solve("scene.points.same_object", b1, a=[1, 0], b=[2, 0]).answer == "no"


def test_multi_image_answers_by_hand(b1, b2):
    spec = {"scenes": b2["scenes"] + b1["scenes"]}  # Image 1 = baseball_2, Image 2 = baseball_1
    has = _solve("scene.multi.has.relation", spec, triple=["batter", "swinging", "bat"], polarity="has")
    assert has.answer == "Image 1"
    assert _solve("scene.multi.has.object", spec, label="baseball uniform", polarity="has").answer == "Image 2"
    assert _solve("scene.multi.count.total", spec, label="batter").answer == 2
    assert _solve("scene.multi.common.objects", spec).answer == ["ball", "bat", "batter"]
    assert _solve("scene.multi.common.attribute", spec, label="bat").answer == "wooden"
    assert _solve("scene.multi.diff.relations", spec, labels=["batter", "bat"], first=0, second=1).answer == "swinging"
    assert _solve("scene.multi.diff.attributes", spec, label="bat", first=0, second=1).answer == ["brown"]
    assert _solve("scene.multi.extreme", spec, label="human", which="most").answer == "Image 1"


# --- one definition of "closer" on synthetic scenes ----------------------------------

def test_closer_means_smaller_camera_distance_on_synthetic_scenes():
    """The answer agrees with the true 3-D distance of each object's centre from the camera."""
    checked = 0
    for i in range(6):
        layout, scene = sample_scene(rng_for(1, i, "t"), "s")
        origin = camera(layout).origin
        true = [float(np.linalg.norm(bounding_sphere(o)[0] - origin)) for o in layout["objects"]]
        spec = {"scenes": [scene]}
        for a in range(len(true)):
            for b in range(a + 1, len(true)):
                if abs(true[a] - true[b]) < 1.5:
                    continue
                try:
                    closer = _solve("scene.depth.objects", spec, a=a, b=b, which="closer")
                    farther = _solve("scene.depth.objects", spec, a=a, b=b, which="farther")
                except NotApplicable:  # one of the two has no unambiguous name
                    continue
                near_name, far_name = (closer.fields["a_name"], closer.fields["b_name"])[:: 1 if true[a] < true[b] else -1]
                assert (closer.answer, farther.answer) == (near_name, far_name)
                checked += 1
    assert checked >= 5


def test_synthetic_scene_graph_matches_the_image():
    """Each sampled point's pixel in the rendered image has the object's colour (shading scales a colour,
    so the nearest palette colour by direction in RGB; metal highlights may whiten a few points)."""
    from scenegraph.synthetic.render import render
    from scenegraph.synthetic.world import vocab
    colors = {k: np.array(v, dtype=float) for k, v in vocab()["colors"].items()}
    hits = total = 0
    for i in range(3):
        layout, scene = sample_scene(rng_for(2, i, "t"), "s")
        img = np.asarray(render(layout, 0), dtype=float)
        for o in scene["objects"]:
            x1, y1, x2, y2 = o["box"]
            assert 0 <= x1 < x2 <= scene["width"] and 0 <= y1 < y2 <= scene["height"]
            for x, y, _ in o["points"]:
                px = img[int(y * scene["height"]), int(x * scene["width"])]
                best = max(colors, key=lambda c: px @ colors[c] / (np.linalg.norm(px) * np.linalg.norm(colors[c]) + 1e-9))
                hits += best in o["attributes"]
                total += 1
    assert total >= 20 and hits / total >= 0.8, (hits, total)


# --- determinism, multi-image order, seeds -------------------------------------------

def test_samples_are_deterministic_in_seed_and_index(baseball_option):
    for opts in ({}, {"scenes": baseball_option}):
        a, b = registry.create("scene.relation", **opts), registry.create("scene.relation", **opts)
        s1, s2 = a.make(5, 3), b.make(5, 3)
        assert json.dumps(s1.qa) == json.dumps(s2.qa) and s1.source == s2.source
        assert [np.asarray(x).tobytes() if not isinstance(x, Path) else str(x) for x in s1.images] == \
               [np.asarray(x).tobytes() if not isinstance(x, Path) else str(x) for x in s2.images]


def test_multi_image_order_is_shuffled_and_prefixed(baseball_option):
    gen = registry.create("scene.multi.count", scenes=baseball_option)
    firsts = set()
    for i in range(12):
        s = gen.make(0, i)
        firsts.add(s.source["scenes"][0]["id"])
        assert s.conversations[0]["content"].startswith("Image 1: <image>\nImage 2: <image>\n")
        assert [p.name for p in s.images] == [f"{sc['id']}.png" for sc in s.source["scenes"]]
        assert all(p.is_file() for p in s.images)
    assert firsts == {"baseball_1", "baseball_2"}


@settings(max_examples=12, deadline=None)
@given(seed=st.integers(0, 2 ** 31 - 1), index=st.integers(0, 10 ** 6),
       name=st.sampled_from(["scene.relation", "scene.depth.closer", "scene.extreme", "scene.multihop",
                             "scene.multi.has", "scene.region", "scene.points.same_object"]))
def test_any_seed_gives_verifiable_questions(seed, index, name):
    gen = registry.create(name)
    rng = rng_for(seed, index, name)
    spec = json.loads(json.dumps(gen.sample_spec(rng)))
    qa = ask_many(gen.families, spec, rng, 3, 0.5)
    assert qa
    by_name = {f.name: f for f in gen.families}
    for q in qa:
        q = json.loads(json.dumps(q))
        assert qa_errors(q) == []
        assert verify_qa(by_name[q["family"]], spec, q) is None


def test_label_choice_favours_rare_concepts(b2):
    """scene.count.objects picks labels with probability proportional to their rarity weight."""
    spec = json.loads(json.dumps(b2))
    scene = spec["scenes"][0]
    scene["rarity"] = {label: 0.01 for label in scene["rarity"]} | {"bat": 1.0}
    fam = ALL_FAMILIES["scene.count.objects"]
    rng = np.random.default_rng(0)
    picks = [fam.bind(spec, rng)["label"] for _ in range(200)]
    assert picks.count("bat") > 150  # 1.0 against 4 x 0.01 for the other countable labels
    assert "game" not in picks       # a mass noun is never counted


# --- any scene graph: every family answers validly or declines ------------------------

_LABELS = ["cup", "dog", "grass", "person", "box"]
_ATTRS = ["red", "blue", "wooden", "small", "large", "sitting"]
_PREDS = ["on", "near", "holding", "left of"]


@st.composite
def _scenes(draw) -> dict:
    n = draw(st.integers(1, 7))
    objects = []
    for _ in range(n):
        x1, y1 = draw(st.integers(0, 90)), draw(st.integers(0, 90))
        w, h = draw(st.integers(0, 30)), draw(st.integers(0, 30))
        dist = draw(st.none() | st.floats(0.0, 20.0, allow_nan=False))
        pts = [[draw(st.floats(0, 1)), draw(st.floats(0, 1)), dist] for _ in range(draw(st.integers(0, 2)))]
        objects.append({"label": draw(st.sampled_from(_LABELS)), "box": [x1, y1, x1 + w, y1 + h],
                        "attributes": draw(st.lists(st.sampled_from(_ATTRS), max_size=3, unique=True)),
                        "distance": dist, "points": [[round(p[0], 2), round(p[1], 2), p[2]] for p in pts]})
    rels = draw(st.lists(st.tuples(st.integers(0, n - 1), st.sampled_from(_PREDS), st.integers(0, n - 1)), max_size=8))
    return {"id": "h", "image": None, "width": 120, "height": 100, "objects": objects,
            "relations": [list(r) for r in rels], "depth_gap": draw(st.none() | st.floats(0.01, 2.0)),
            "rarity": {label: draw(st.floats(0.1, 1.0)) for label in _LABELS}}


@settings(max_examples=40, deadline=None)
@given(scenes=st.lists(_scenes(), min_size=1, max_size=3), seed=st.integers(0, 2 ** 32 - 1))
def test_any_scene_graph_gets_valid_answers_or_none(scenes, seed):
    spec = {"scenes": scenes}
    for fam in ALL_FAMILIES.values():
        if fam.name.startswith("scene.multi.") != (len(scenes) > 1):
            continue
        rng = np.random.default_rng(seed)
        try:
            qa = ask(fam, spec, rng, mc_share=0.5)
        except NotApplicable:
            continue
        qa = json.loads(json.dumps(qa))
        assert qa_errors(qa) == [], (fam.name, qa)
        assert verify_qa(fam, json.loads(json.dumps(spec)), qa) is None, fam.name
        assert "{" not in qa["question"], qa["question"]  # every placeholder filled
