"""Single-image question families over a scene graph (``spec["scenes"][0]``).

One rule for all: a question is asked only if exactly one answer is valid *as seen in
the image*. Objects are referred to only when visible enough and named unambiguously
(:func:`scenegraph.model.names`); relations come from the scene's full relation table,
three-valued (:mod:`scenegraph.relations`), so a reference or answer stands only when no
other object or predicate holds or could hold; size words only where they hold visually.
Binders draw slots at random and let the solver test them (:func:`common.lazy`): no
option list is built, so 35-object scenes cost little more than small ones. Solvers
re-run on the stored scene, so ``validate`` re-checks uniqueness as well as the answer.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from mmsynth.errors import NotApplicable
from mmsynth.questions import Solution, Solvers, load_families
from mmsynth.rand import pick, pick_n, randint, shuffled, weighted
from scenegraph import model as M
from scenegraph.language import attribute_type, attribute_types, count_phrase, is_countable, plural
from scenegraph.questions.common import Never, check, join, lazy, the
from scenegraph.relations import FAILS, HOLDS

Q = Solvers()
EXTREMES = {"left": ("x", 0, "left-most"), "right": ("x", 2, "right-most"),
            "top": ("y", 1, "top-most"), "bottom": ("y", 3, "bottom-most")}


def scene_of(spec: dict) -> dict:
    return spec["scenes"][0]


@M.per_scene
def _rarities(s: dict) -> np.ndarray:
    return np.array([M.rarity(s, o["label"]) for o in s["objects"]], dtype=float)


def _draw(rng: np.random.Generator, s: dict, pool: list[int]) -> int:
    """One object of ``pool``, rarer labels more often; Never on an empty pool."""
    if not pool:
        raise Never("no object to ask about")
    return weighted(rng, pool, _rarities(s)[pool])


def _countable(s: dict, label: str) -> list[dict]:
    """The objects of ``label``, when a viewer can count them: a countable noun, every one of
    them with enough visible pixels (a sliver might or might not be counted)."""
    check(is_countable(label), "mass noun")
    objs = [i for i, o in enumerate(s["objects"]) if o["label"] == label]
    check(all(M.pixels(s, i) >= M.min_pixels(s) for i in objs), "an object of the kind is barely visible")
    return [s["objects"][i] for i in objs]


# --- counting ------------------------------------------------------------------------

@Q.solve("scene.count.objects")
def _count(spec: dict, label: str) -> Solution:
    n = len(_countable(scene_of(spec), label))
    return Solution(n, distractors=[n + 1, max(0, n - 1), n + 2, n + 3], fields={"things": plural(label)})


@Q.bind("scene.count.objects")
@lazy(_count)
def _bind_count(spec: dict, rng: np.random.Generator) -> dict:
    s = scene_of(spec)
    return {"label": s["objects"][_draw(rng, s, list(range(len(s["objects"]))))]["label"]}


@Q.solve("scene.count.attribute")
def _count_attr(spec: dict, attribute: str, label: str) -> Solution:
    objs = _countable(scene_of(spec), label)
    status = [M.attr_status(o, attribute) for o in objs]
    check(None not in status, "an object's attribute of this type is not clear in the image")
    n = sum(status)
    why = f"{count_phrase(len(objs), label)} in the image, {n} of them {attribute}."
    return Solution(n, rationale=why, distractors=[len(objs), n + 1, max(0, n - 1), n + 2],
                    fields={"things": f"{attribute} {plural(label)}"})


@Q.bind("scene.count.attribute")
@lazy(_count_attr)
def _bind_count_attr(spec: dict, rng: np.random.Generator) -> dict:
    s = scene_of(spec)
    o = s["objects"][_draw(rng, s, [i for i, o in enumerate(s["objects"]) if o["attributes"]])]
    return {"attribute": pick(rng, o["attributes"]), "label": o["label"]}


# --- frequency -----------------------------------------------------------------------

def _frequency(spec: dict, most: bool) -> Solution:
    """Every kind tied at the extreme (a list: ties are answered, not skipped), unless all kinds tie."""
    s = scene_of(spec)
    labels = sorted({o["label"] for o in s["objects"] if is_countable(o["label"])})
    counts = {label: len(_countable(s, label)) for label in labels}
    check(len(counts) >= 2, "fewer than two countable kinds")
    best = (max if most else min)(counts.values())
    winners = sorted(k for k, v in counts.items() if v == best)
    check(len(winners) < len(counts), "every kind appears equally often")
    order = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    word = "most" if most else "least"
    why = ", ".join(f"{k}: {v}" for k, v in order) + f"; {join(winners)} {'is' if len(winners) == 1 else 'are'} the {word} frequent."
    rest = [k for k, _ in (order if not most else order[::-1]) if k not in winners]
    distractors = [[k] for k in rest] + [sorted(winners + rest[:1])] + ([winners[:1]] if len(winners) > 1 else [])
    return Solution(winners, rationale=why, distractors=distractors)


@Q.solve("scene.frequency.most")
def _most(spec: dict) -> Solution:
    return _frequency(spec, True)


@Q.solve("scene.frequency.least")
def _least(spec: dict) -> Solution:
    return _frequency(spec, False)


# --- extremes ------------------------------------------------------------------------

def _beats(s: dict, w: int, o: int, direction: str) -> bool:
    """Whether ``w`` lies strictly beyond ``o`` in ``direction`` (no overlap on that axis)."""
    axis, side, _ = EXTREMES[direction]
    bw, bo = s["objects"][w]["box"], s["objects"][o]["box"]
    return M.separated(s, w, o, axis) and (bw[side] < bo[side] if side < 2 else bw[side] > bo[side])


def _extreme(spec: dict, direction: str, candidates: list[int]) -> tuple[int, Solution]:
    s = scene_of(spec)
    names = M.names(s)
    check(len(set(candidates)) == len(candidates) >= 2 and all(names[c] for c in candidates), "ambiguous candidates")
    winners = [w for w in candidates if all(_beats(s, w, o, direction) for o in candidates if o != w)]
    check(len(winners) == 1, "no strict extreme")
    axis, side, word = EXTREMES[direction]
    w = winners[0]
    edges = ", ".join(f"{names[c]} {s['objects'][c]['box'][side]:g}" for c in candidates)
    why = f"Box edges ({'x' if axis == 'x' else 'y'}, pixels): {edges}; the {names[w]} is {word} and overlaps none of the others on that axis."
    return w, Solution(names[w], rationale=why, distractors=[names[c] for c in candidates if c != w],
                       fields={"choices": join([the(names[c]) for c in candidates]),
                               "choices_or": join([the(names[c]) for c in candidates], "or"), "extreme": word})


@Q.solve("scene.extreme.choice")
def _extreme_choice(spec: dict, direction: str, candidates: list[int]) -> Solution:
    return _extreme(spec, direction, candidates)[1]


@Q.bind("scene.extreme.choice")
@lazy(_extreme_choice)
def _bind_extreme(spec: dict, rng: np.random.Generator) -> dict:
    s = scene_of(spec)
    names = M.named(s)
    direction = pick(rng, list(EXTREMES))
    winner = _draw(rng, s, names)
    beaten = [o for o in names if o != winner and _beats(s, winner, o, direction)]
    check(bool(beaten), "nothing beyond")
    others = pick_n(rng, beaten, randint(rng, 1, min(3, len(beaten))))
    return {"direction": direction, "candidates": shuffled(rng, [winner] + others)}


@Q.solve("scene.extreme.box")
def _extreme_box(spec: dict, direction: str, candidates: list[int]) -> Solution:
    w, sol = _extreme(spec, direction, candidates)
    return Solution(M.norm_box(scene_of(spec), w), rationale=sol.rationale, fields=sol.fields)


Q.bind("scene.extreme.box")(_bind_extreme)


# --- attributes at a region ----------------------------------------------------------

def _region(s: dict, i: int) -> str:
    check(i in M.unique_regions(s), "region names more than one object, or an object barely visible")
    return M.fmt_coords(M.norm_box(s, i))


@Q.solve("scene.region.attributes")
def _region_attrs(spec: dict, object: int) -> Solution:
    s = scene_of(spec)
    o = s["objects"][object]
    attrs = sorted(o["attributes"])
    check(bool(attrs) and M.fully_clear(o), "no attributes, or one not clear in the image")
    return Solution(attrs, fields={"region": _region(s, object)})


@Q.bind("scene.region.attributes")
@lazy(_region_attrs)
def _bind_region_attrs(spec: dict, rng: np.random.Generator) -> dict:
    s = scene_of(spec)
    return {"object": _draw(rng, s, M.unique_regions(s))}


@Q.solve("scene.region.typed_attribute")
def _typed(spec: dict, object: int, kind: str) -> Solution:
    s = scene_of(spec)
    value = M.typed_value(s["objects"][object], kind)
    check(value is not None and kind not in s["objects"][object].get("unclear", ()), f"no single clear {kind}")
    seen = sorted({a for o in s["objects"] for a in o["attributes"] + [o["label"]] if attribute_type(a) == kind} - {value})
    vocab = [v for v in attribute_types()[kind]["values"] if v != value]
    return Solution(value, distractors=seen + vocab[:6],
                    fields={"region": _region(s, object), "kind_noun": attribute_types()[kind]["noun"]})


@Q.bind("scene.region.typed_attribute")
@lazy(_typed)
def _bind_typed(spec: dict, rng: np.random.Generator) -> dict:
    s = scene_of(spec)
    return {"object": _draw(rng, s, M.unique_regions(s)), "kind": pick(rng, list(attribute_types()))}


# --- relations -----------------------------------------------------------------------

def _relation_answer(s: dict, a: int, b: int, asked: list[str]) -> Solution:
    """Which of the two ``asked`` predicates ``a`` stands in to ``b``: one holds, the other fails.

    Along an axis the pair is its two sides ("left of", "right of"); otherwise two annotated
    predicates ("holding", "wearing"), the wrong one absent from the annotation.
    """
    rel = M.relations(s)
    check(len(asked) == 2 and asked[0] != asked[1], "two predicates are asked")
    values = [rel.value(a, p, b) for p in asked]
    check(sorted(values) == [FAILS, HOLDS], "not exactly one of the two holds clearly")
    right, wrong = (asked[0], asked[1]) if values[0] == HOLDS else (asked[1], asked[0])
    return Solution(right, distractors=[wrong], fields={"pair_or": f"{asked[0]} or {asked[1]}"})


def _draw_predicates(rng: np.random.Generator, s: dict, a: int, b: int) -> list[str]:
    """Two predicates to ask about ``a`` and ``b``: an axis's two sides, or an annotated one that
    holds with another of the scene's annotated predicates."""
    rel = M.relations(s)
    kinds = list(rel.axes) + (["annotated"] if rel.annotated else [])
    kind = pick(rng, kinds)
    if kind != "annotated":
        return shuffled(rng, list(rel.axes[kind]))
    holding = [p for p in rel.annotated if rel.holds(a, p, b)]
    check(len(holding) == 1 and len(rel.annotated) >= 2, "no single annotated relation")
    return shuffled(rng, [holding[0], pick(rng, [p for p in rel.annotated if p != holding[0]])])


def _annotated_first(rng: np.random.Generator, s: dict, pool: list[int]) -> tuple[int, int]:
    """A pair of ``pool`` objects: half the time one with an annotated relation (rarer than geometry)."""
    rel = M.relations(s)
    ok = set(pool)
    linked = [(int(a), int(b)) for a, b in rel.annotated_pairs() if a in ok and b in ok]
    if linked and rng.random() < 0.5:
        return pick(rng, linked)
    a = _draw(rng, s, pool)
    return a, _draw(rng, s, [i for i in pool if i != a])


@Q.solve("scene.relation.objects")
def _rel_objects(spec: dict, subject: int, object: int, predicates: list[str]) -> Solution:
    s = scene_of(spec)
    names = M.names(s)
    check(bool(names[subject] and names[object]) and subject != object, "ambiguous reference")
    sol = _relation_answer(s, subject, object, predicates)
    sol.fields.update({"a": names[subject], "b": names[object]})
    return sol


@Q.bind("scene.relation.objects")
@lazy(_rel_objects)
def _bind_rel_objects(spec: dict, rng: np.random.Generator) -> dict:
    s = scene_of(spec)
    a, b = _annotated_first(rng, s, M.named(s))
    return {"subject": a, "object": b, "predicates": _draw_predicates(rng, s, a, b)}


@Q.solve("scene.relation.regions")
def _rel_regions(spec: dict, subject: int, object: int, predicates: list[str]) -> Solution:
    s = scene_of(spec)
    check(subject != object, "one object")
    sol = _relation_answer(s, subject, object, predicates)
    sol.fields.update({"region_a": _region(s, subject), "region_b": _region(s, object)})
    return sol


@Q.bind("scene.relation.regions")
@lazy(_rel_regions)
def _bind_rel_regions(spec: dict, rng: np.random.Generator) -> dict:
    s = scene_of(spec)
    a, b = _annotated_first(rng, s, M.unique_regions(s))
    return {"subject": a, "object": b, "predicates": _draw_predicates(rng, s, a, b)}


@Q.solve("scene.relation.which")
def _which(spec: dict, predicate: str, object: int, candidates: list[int]) -> Solution:
    s = scene_of(spec)
    names = M.names(s)
    rel = M.relations(s)
    check(len(set(candidates)) == len(candidates) >= 2 and object not in candidates
          and all(names[c] for c in candidates + [object]), "ambiguous reference")
    maybe = [c for c in candidates if rel.value(c, predicate, object) != FAILS]
    check(len(maybe) == 1 and rel.holds(maybe[0], predicate, object), "not exactly one candidate in the relation")
    hit = maybe[0]
    return Solution(names[hit], distractors=[names[c] for c in candidates if c != hit],
                    fields={"choices": join([the(names[c]) for c in candidates]),
                            "choices_or": join([the(names[c]) for c in candidates], "or"), "b": names[object]})


@Q.bind("scene.relation.which")
@lazy(_which)
def _bind_which(spec: dict, rng: np.random.Generator) -> dict:
    s = scene_of(spec)
    rel, names = M.relations(s), M.named(s)
    b = _draw(rng, s, names)
    pred = pick(rng, rel.predicates())
    hits = [a for a in names if a != b and rel.holds(a, pred, b)]
    misses = [c for c in names if c != b and rel.value(c, pred, b) == FAILS]
    check(bool(hits and misses), "no candidates")
    cands = shuffled(rng, [pick(rng, hits)] + pick_n(rng, misses, randint(rng, 1, min(3, len(misses)))))
    return {"predicate": pred, "object": b, "candidates": cands}


# --- depth ---------------------------------------------------------------------------

WHICH = ("closer", "farther")
RELATIVE = {"closer": "closer to", "farther": "farther from"}


def _pick_nearer(which: str, da: float, db: float) -> bool:
    """Whether the first of two distances is the answer to "which is {which}?" (closer = smaller)."""
    return da < db if which == "closer" else da > db


def _point(s: dict, ik: list[int]) -> list:
    return s["objects"][ik[0]]["points"][ik[1]]


def _draw_point(rng: np.random.Generator, s: dict) -> list[int]:
    owners = [i for i, o in enumerate(s["objects"]) if o["points"]]
    i = _draw(rng, s, owners)
    return [i, randint(rng, 0, len(s["objects"][i]["points"]) - 1)]


@Q.solve("scene.depth.points")
def _depth_points(spec: dict, a: list[int], b: list[int], which: str) -> Solution:
    s = scene_of(spec)
    pa, pb = _point(s, a), _point(s, b)
    check(pa[2] is not None and pb[2] is not None and M.distinct_depths(s, pa[2], pb[2]), "depths too close")
    win = pa if _pick_nearer(which, pa[2], pb[2]) else pb
    why = (f"Camera distance at {M.fmt_coords(pa[:2])} is {pa[2]:.3g}, at {M.fmt_coords(pb[:2])} {pb[2]:.3g}; "
           f"the {which} point is the one with the {'smaller' if which == 'closer' else 'larger'} distance.")
    return Solution(win[:2], rationale=why, fields={"pa": M.fmt_coords(pa[:2]), "pb": M.fmt_coords(pb[:2]),
                                                    "relative": RELATIVE[which]})


@Q.bind("scene.depth.points")
@lazy(_depth_points)
def _bind_depth_points(spec: dict, rng: np.random.Generator) -> dict:
    s = scene_of(spec)
    a, b = _draw_point(rng, s), _draw_point(rng, s)
    return {"a": a, "b": b, "which": pick(rng, WHICH)}


def _depth_named(s: dict) -> list[int]:
    return [i for i in M.named(s) if s["objects"][i]["distance"] is not None]


@Q.solve("scene.depth.objects")
def _depth_objects(spec: dict, a: int, b: int, which: str) -> Solution:
    s = scene_of(spec)
    names = M.names(s)
    da, db = M.distance(s, a), M.distance(s, b)
    check(bool(names[a] and names[b]) and M.distinct_depths(s, da, db), "ambiguous or too close")
    w, l = (a, b) if _pick_nearer(which, da, db) else (b, a)
    why = f"Distance from the camera: {names[a]} {da:.3g}, {names[b]} {db:.3g}; {which} means {'smaller' if which == 'closer' else 'larger'}."
    return Solution(names[w], rationale=why, distractors=[names[l]],
                    fields={"a_name": names[a], "b_name": names[b], "relative": RELATIVE[which]})


@Q.bind("scene.depth.objects")
@lazy(_depth_objects)
def _bind_depth_objects(spec: dict, rng: np.random.Generator) -> dict:
    s = scene_of(spec)
    objs = _depth_named(s)
    a = _draw(rng, s, objs)
    return {"a": a, "b": _draw(rng, s, [i for i in objs if i != a]), "which": pick(rng, WHICH)}


@Q.solve("scene.depth.anchor")
def _anchor(spec: dict, anchor: int, a: int, b: int, which: str) -> Solution:
    s = scene_of(spec)
    names = M.names(s)
    check(len({anchor, a, b}) == 3, "three objects")
    dc, da, db = M.distance(s, anchor), M.distance(s, a), M.distance(s, b)
    ga, gb = abs(da - dc), abs(db - dc)
    check(all(names[i] for i in (anchor, a, b)) and M.distinct_depths(s, ga, gb), "ambiguous or too close")
    w, l = (a, b) if _pick_nearer(which, ga, gb) else (b, a)
    why = (f"Distances from the camera: {names[anchor]} {dc:.3g}, {names[a]} {da:.3g}, {names[b]} {db:.3g}; "
           f"depth gaps to the {names[anchor]}: {names[a]} {ga:.3g}, {names[b]} {gb:.3g}.")
    return Solution(names[w], rationale=why, distractors=[names[l]],
                    fields={"anchor_name": names[anchor], "a_name": names[a], "b_name": names[b],
                            "relative": RELATIVE[which]})


@Q.bind("scene.depth.anchor")
@lazy(_anchor)
def _bind_anchor(spec: dict, rng: np.random.Generator) -> dict:
    s = scene_of(spec)
    objs = _depth_named(s)
    c = _draw(rng, s, objs)
    a = _draw(rng, s, [i for i in objs if i != c])
    return {"anchor": c, "a": a, "b": _draw(rng, s, [i for i in objs if i not in (a, c)]), "which": pick(rng, WHICH)}


# --- points and masks ----------------------------------------------------------------

@Q.solve("scene.points.same_object")
def _same(spec: dict, a: list[int], b: list[int]) -> Solution:
    s = scene_of(spec)
    check(a != b, "one point")
    pa, pb = _point(s, a), _point(s, b)
    why = (f"{M.fmt_coords(pa[:2])} lies on the {s['objects'][a[0]]['label']} only, "
           f"{M.fmt_coords(pb[:2])} on the {s['objects'][b[0]]['label']} only"
           + (" (the same object)." if a[0] == b[0] else " (different objects)."))
    return Solution("yes" if a[0] == b[0] else "no", rationale=why,
                    fields={"pa": M.fmt_coords(pa[:2]), "pb": M.fmt_coords(pb[:2])})


@Q.bind("scene.points.same_object")
@lazy(_same)
def _bind_same(spec: dict, rng: np.random.Generator) -> dict:
    s = scene_of(spec)
    p = _draw_point(rng, s)
    if rng.random() < 0.5:  # the same object half the time
        return {"a": p, "b": [p[0], randint(rng, 0, len(s["objects"][p[0]]["points"]) - 1)]}
    return {"a": p, "b": _draw_point(rng, s)}


# --- multi-hop -----------------------------------------------------------------------

def _described(s: dict, hop: list) -> str:
    """"the object that is holding the bat", when exactly that one object could be meant."""
    x, pred, anchor = hop
    names = M.names(s)
    check(names[anchor] is not None and M.referable(s)[x] and x != anchor
          and M.relations(s).unique_subject(pred, anchor) == x, "description not unique")
    return f"the object that is {pred} the {names[anchor]}"


@M.per_scene
def _hops(s: dict) -> list[tuple[int, str, int]]:
    """``(x, pred, anchor)``: ``x`` referable and the one object that could be ``pred`` the named ``anchor``."""
    names, ok = M.names(s), M.referable(s)
    return [h for h in M.relations(s).unique_subjects() if names[h[2]] and ok[h[0]] and h[0] != h[2]]


def _draw_hop(rng: np.random.Generator, s: dict) -> list:
    hops = _hops(s)
    if not hops:
        raise Never("no object is described uniquely by a relation")
    return list(pick(rng, hops))


def _label_distractors(s: dict, label: str) -> list[str]:
    return sorted({o["label"] for o in s["objects"]} - {label})


@Q.solve("scene.multihop.object")
def _mh_object(spec: dict, predicate: str, hop: list) -> Solution:
    s = scene_of(spec)
    inner = _described(s, hop)
    y = M.relations(s).unique_subject(predicate, hop[0])
    check(y is not None and y not in (hop[0], hop[2]) and M.referable(s)[y], "not exactly one object")
    label, mid = s["objects"][y]["label"], s["objects"][hop[0]]["label"]
    why = f"{inner[0].upper() + inner[1:]} is the {mid}; the object that is {predicate} the {mid} is the {label}."
    return Solution(label, rationale=why, distractors=_label_distractors(s, label), fields={"inner": inner})


@Q.bind("scene.multihop.object")
@lazy(_mh_object)
def _bind_mh_object(spec: dict, rng: np.random.Generator) -> dict:
    s = scene_of(spec)
    return {"predicate": pick(rng, M.relations(s).predicates()), "hop": _draw_hop(rng, s)}


@Q.solve("scene.multihop.attribute")
def _mh_attr(spec: dict, hop: list, kind: str) -> Solution:
    s = scene_of(spec)
    inner = _described(s, hop)
    obj = s["objects"][hop[0]]
    value = M.typed_value(obj, kind)
    check(value is not None and kind not in obj.get("unclear", ()), f"no single clear {kind}")
    others = sorted({a for o in s["objects"] for a in o["attributes"] if attribute_type(a) == kind} - {value})
    noun = attribute_types()[kind]["noun"]
    why = f"{inner[0].upper() + inner[1:]} is the {obj['label']}, whose {noun} is {value}."
    return Solution(value, rationale=why, distractors=others + [v for v in attribute_types()[kind]["values"] if v != value][:4],
                    fields={"inner": inner, "kind_noun": noun})


@Q.bind("scene.multihop.attribute")
@lazy(_mh_attr)
def _bind_mh_attr(spec: dict, rng: np.random.Generator) -> dict:
    s = scene_of(spec)
    return {"hop": _draw_hop(rng, s), "kind": pick(rng, list(attribute_types()))}


@Q.solve("scene.multihop.relation")
def _mh_rel(spec: dict, subject: int, hop: list, predicates: list[str]) -> Solution:
    s = scene_of(spec)
    inner = _described(s, hop)
    name = M.names(s)[subject]
    check(bool(name) and subject not in (hop[0], hop[2]) and name != M.names(s)[hop[2]], "ambiguous")
    sol = _relation_answer(s, subject, hop[0], predicates)
    sol.rationale = f"{inner[0].upper() + inner[1:]} is the {s['objects'][hop[0]]['label']}; the {name} is {sol.answer} it."
    sol.fields.update({"a": name, "inner": inner})
    return sol


@Q.bind("scene.multihop.relation")
@lazy(_mh_rel)
def _bind_mh_rel(spec: dict, rng: np.random.Generator) -> dict:
    s = scene_of(spec)
    hop = _draw_hop(rng, s)
    a = _draw(rng, s, [i for i in M.named(s) if i not in (hop[0], hop[2])])
    return {"subject": a, "hop": hop, "predicates": _draw_predicates(rng, s, a, hop[0])}


FAMILIES = load_families(Path(__file__).with_name("single.yaml"), Q)
