"""Single-image question families over a scene graph (``spec["scenes"][0]``).

Every binder enumerates the well-posed choices (unambiguous references, strict
extremes, minimum depth gaps, countable nouns) and picks one, weighting rare concepts
up; every solver recomputes the answer from the scene alone, so ``verify`` re-checks it.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from mmsynth.questions import Solution, Solvers, load_families
from mmsynth.rand import pick, pick_n, randint, shuffled
from scenegraph import model as M
from scenegraph.language import attribute_type, attribute_types, is_countable, plural
from scenegraph.questions.common import check, choose, join, the

Q = Solvers()
EXTREMES = {"left": ("x", 0, "left-most"), "right": ("x", 2, "right-most"),
            "top": ("y", 1, "top-most"), "bottom": ("y", 3, "bottom-most")}


def scene_of(spec: dict) -> dict:
    return spec["scenes"][0]


def _label_weight(scene: dict):
    return lambda label: M.rarity(scene, label)


def _obj_weight(scene: dict):
    return lambda i: M.rarity(scene, scene["objects"][i]["label"])


# --- counting ------------------------------------------------------------------------

@Q.bind("scene.count.objects")
def _bind_count(spec: dict, rng: np.random.Generator) -> dict:
    s = scene_of(spec)
    labels = sorted(label for label in M.label_counts(s) if is_countable(label))
    return {"label": choose(rng, labels, _label_weight(s))}


@Q.solve("scene.count.objects")
def _count(spec: dict, label: str) -> Solution:
    check(is_countable(label), "mass noun")
    n = M.label_counts(scene_of(spec))[label]
    return Solution(n, distractors=[n + 1, max(0, n - 1), n + 2, n + 3], fields={"things": plural(label)})


def _attr_label_pairs(s: dict) -> list[tuple[str, str]]:
    return sorted({(a, o["label"]) for o in s["objects"] for a in o["attributes"] if is_countable(o["label"])})


@Q.bind("scene.count.attribute")
def _bind_count_attr(spec: dict, rng: np.random.Generator) -> dict:
    s = scene_of(spec)
    attr, label = choose(rng, _attr_label_pairs(s), lambda p: M.rarity(s, p[1]))
    return {"attribute": attr, "label": label}


@Q.solve("scene.count.attribute")
def _count_attr(spec: dict, attribute: str, label: str) -> Solution:
    check(is_countable(label), "mass noun")
    objs = [o for o in scene_of(spec)["objects"] if o["label"] == label]
    n = sum(attribute in o["attributes"] for o in objs)
    why = f"{len(objs)} {plural(label) if len(objs) != 1 else label} in the image, {n} of them {attribute}."
    return Solution(n, rationale=why, distractors=[len(objs), n + 1, max(0, n - 1), n + 2],
                    fields={"things": f"{attribute} {plural(label)}"})


# --- frequency -----------------------------------------------------------------------

def _frequency(spec: dict, most: bool) -> Solution:
    counts = {k: v for k, v in M.label_counts(scene_of(spec)).items() if is_countable(k)}
    check(len(counts) >= 2, "fewer than two countable kinds")
    best = (max if most else min)(counts.values())
    winners = [k for k, v in counts.items() if v == best]
    check(len(winners) == 1, "tie")
    order = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    why = ", ".join(f"{k}: {v}" for k, v in order) + f"; {winners[0]} is the {'most' if most else 'least'} frequent."
    return Solution(winners[0], rationale=why, distractors=[k for k, _ in order if k != winners[0]])


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


@Q.bind("scene.extreme.choice")
def _bind_extreme(spec: dict, rng: np.random.Generator) -> dict:
    s = scene_of(spec)
    names = M.named(s)
    options = [(d, w, [o for o in names if o != w and _beats(s, w, o, d)]) for d in EXTREMES for w in names]
    direction, winner, beaten = choose(rng, [x for x in options if x[2]], lambda x: M.rarity(s, s["objects"][x[1]]["label"]))
    others = pick_n(rng, beaten, randint(rng, 1, min(3, len(beaten))))
    return {"direction": direction, "candidates": shuffled(rng, [winner] + others)}


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


Q.bind("scene.extreme.box")(_bind_extreme)


@Q.solve("scene.extreme.box")
def _extreme_box(spec: dict, direction: str, candidates: list[int]) -> Solution:
    w, sol = _extreme(spec, direction, candidates)
    return Solution(M.norm_box(scene_of(spec), w), rationale=sol.rationale, fields=sol.fields)


# --- attributes at a region ----------------------------------------------------------

@Q.bind("scene.region.attributes")
def _bind_region_attrs(spec: dict, rng: np.random.Generator) -> dict:
    s = scene_of(spec)
    return {"object": choose(rng, [i for i in M.unique_regions(s) if s["objects"][i]["attributes"]], _obj_weight(s))}


def _region(s: dict, i: int) -> str:
    check(i in M.unique_regions(s), "region names more than one object")
    return M.fmt_coords(M.norm_box(s, i))


@Q.solve("scene.region.attributes")
def _region_attrs(spec: dict, object: int) -> Solution:
    s = scene_of(spec)
    attrs = sorted(s["objects"][object]["attributes"])
    check(bool(attrs), "no attributes")
    return Solution(attrs, fields={"region": _region(s, object)})


def _typed_pairs(s: dict) -> list[tuple[int, str]]:
    return [(i, kind) for i in M.unique_regions(s) for kind in attribute_types()
            if M.typed_value(s["objects"][i], kind)]


@Q.bind("scene.region.typed_attribute")
def _bind_typed(spec: dict, rng: np.random.Generator) -> dict:
    s = scene_of(spec)
    i, kind = choose(rng, _typed_pairs(s), lambda p: M.rarity(s, s["objects"][p[0]]["label"]))
    return {"object": i, "kind": kind}


@Q.solve("scene.region.typed_attribute")
def _typed(spec: dict, object: int, kind: str) -> Solution:
    s = scene_of(spec)
    value = M.typed_value(s["objects"][object], kind)
    check(value is not None, f"no single {kind}")
    seen = sorted({a for o in s["objects"] for a in o["attributes"] + [o["label"]] if attribute_type(a) == kind} - {value})
    vocab = [v for v in attribute_types()[kind]["values"] if v != value]
    return Solution(value, distractors=seen + vocab[:6],
                    fields={"region": _region(s, object), "kind_noun": attribute_types()[kind]["noun"]})


# --- relations -----------------------------------------------------------------------

def _predicate_distractors(s: dict, answer: str) -> list[str]:
    return sorted({p for _, p, _ in s["relations"]} - {answer})


def _related_pairs(s: dict, allowed: list[int]) -> list[tuple[int, int]]:
    ok = set(allowed)
    return sorted({(a, b) for a, _, b in s["relations"] if a in ok and b in ok and a != b
                   and M.single_predicate(s, a, b)})


@Q.bind("scene.relation.objects")
def _bind_rel_objects(spec: dict, rng: np.random.Generator) -> dict:
    s = scene_of(spec)
    a, b = choose(rng, _related_pairs(s, M.named(s)), lambda p: M.rarity(s, s["objects"][p[1]]["label"]))
    return {"subject": a, "object": b}


@Q.solve("scene.relation.objects")
def _rel_objects(spec: dict, subject: int, object: int) -> Solution:
    s = scene_of(spec)
    names = M.names(s)
    check(bool(names[subject] and names[object]), "ambiguous reference")
    pred = M.single_predicate(s, subject, object)
    check(pred is not None, "no single relation")
    return Solution(pred, distractors=_predicate_distractors(s, pred), fields={"a": names[subject], "b": names[object]})


@Q.bind("scene.relation.regions")
def _bind_rel_regions(spec: dict, rng: np.random.Generator) -> dict:
    s = scene_of(spec)
    a, b = choose(rng, _related_pairs(s, M.unique_regions(s)))
    return {"subject": a, "object": b}


@Q.solve("scene.relation.regions")
def _rel_regions(spec: dict, subject: int, object: int) -> Solution:
    s = scene_of(spec)
    pred = M.single_predicate(s, subject, object)
    check(pred is not None, "no single relation")
    return Solution(pred, distractors=_predicate_distractors(s, pred),
                    fields={"region_a": _region(s, subject), "region_b": _region(s, object)})


def subjects(s: dict, pred: str, obj: int) -> list[int]:
    """Every object that stands in ``pred`` to ``obj``."""
    return sorted({a for a, p, b in s["relations"] if p == pred and b == obj and a != obj})


@Q.bind("scene.relation.which")
def _bind_which(spec: dict, rng: np.random.Generator) -> dict:
    s = scene_of(spec)
    names = M.named(s)
    options = []
    for a, pred, b in s["relations"]:
        if a in names and b in names and subjects(s, pred, b) == [a]:
            others = [c for c in names if c not in (a, b)]
            if others:
                options.append((a, pred, b, others))
    a, pred, b, others = choose(rng, options, lambda x: M.rarity(s, s["objects"][x[0]]["label"]))
    cands = shuffled(rng, [a] + pick_n(rng, others, randint(rng, 1, min(3, len(others)))))
    return {"predicate": pred, "object": b, "candidates": cands}


@Q.solve("scene.relation.which")
def _which(spec: dict, predicate: str, object: int, candidates: list[int]) -> Solution:
    s = scene_of(spec)
    names = M.names(s)
    check(all(names[c] for c in candidates + [object]), "ambiguous reference")
    hits = [c for c in candidates if c in subjects(s, predicate, object)]
    check(len(hits) == 1, "not exactly one candidate in the relation")
    return Solution(names[hits[0]], distractors=[names[c] for c in candidates if c != hits[0]],
                    fields={"choices": join([the(names[c]) for c in candidates]),
                            "choices_or": join([the(names[c]) for c in candidates], "or"), "b": names[object]})


# --- depth ---------------------------------------------------------------------------

WHICH = ("closer", "farther")
RELATIVE = {"closer": "closer to", "farther": "farther from"}


def _pick_nearer(which: str, da: float, db: float) -> bool:
    """Whether the first of two distances is the answer to "which is {which}?" (closer = smaller)."""
    return da < db if which == "closer" else da > db


@Q.bind("scene.depth.points")
def _bind_depth_points(spec: dict, rng: np.random.Generator) -> dict:
    s = scene_of(spec)
    pts = [(i, k) for i, o in enumerate(s["objects"]) for k, p in enumerate(o["points"]) if p[2] is not None]
    dist = {ik: s["objects"][ik[0]]["points"][ik[1]][2] for ik in pts}
    pairs = [(a, b) for a in pts for b in pts if a < b and M.distinct_depths(s, dist[a], dist[b])]
    a, b = choose(rng, pairs)
    return {"a": list(a), "b": list(b), "which": pick(rng, WHICH)}


def _point(s: dict, ik: list[int]) -> list:
    return s["objects"][ik[0]]["points"][ik[1]]


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


def _depth_named(s: dict) -> list[int]:
    return [i for i in M.named(s) if s["objects"][i]["distance"] is not None]


@Q.bind("scene.depth.objects")
def _bind_depth_objects(spec: dict, rng: np.random.Generator) -> dict:
    s = scene_of(spec)
    objs = _depth_named(s)
    pairs = [(a, b) for a in objs for b in objs if a < b and M.distinct_depths(s, M.distance(s, a), M.distance(s, b))]
    a, b = choose(rng, pairs, lambda p: M.rarity(s, s["objects"][p[0]]["label"]))
    a, b = shuffled(rng, [a, b])
    return {"a": a, "b": b, "which": pick(rng, WHICH)}


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


@Q.bind("scene.depth.anchor")
def _bind_anchor(spec: dict, rng: np.random.Generator) -> dict:
    s = scene_of(spec)
    objs = _depth_named(s)
    d = {i: M.distance(s, i) for i in objs}
    triples = [(c, a, b) for c in objs for a in objs for b in objs
               if a < b and c not in (a, b) and M.distinct_depths(s, abs(d[a] - d[c]), abs(d[b] - d[c]))]
    c, a, b = choose(rng, triples, lambda t: M.rarity(s, s["objects"][t[0]]["label"]))
    a, b = shuffled(rng, [a, b])
    return {"anchor": c, "a": a, "b": b, "which": pick(rng, WHICH)}


@Q.solve("scene.depth.anchor")
def _anchor(spec: dict, anchor: int, a: int, b: int, which: str) -> Solution:
    s = scene_of(spec)
    names = M.names(s)
    dc, da, db = M.distance(s, anchor), M.distance(s, a), M.distance(s, b)
    ga, gb = abs(da - dc), abs(db - dc)
    check(all(names[i] for i in (anchor, a, b)) and M.distinct_depths(s, ga, gb), "ambiguous or too close")
    w, l = (a, b) if _pick_nearer(which, ga, gb) else (b, a)
    why = (f"Distances from the camera: {names[anchor]} {dc:.3g}, {names[a]} {da:.3g}, {names[b]} {db:.3g}; "
           f"depth gaps to the {names[anchor]}: {names[a]} {ga:.3g}, {names[b]} {gb:.3g}.")
    return Solution(names[w], rationale=why, distractors=[names[l]],
                    fields={"anchor_name": names[anchor], "a_name": names[a], "b_name": names[b],
                            "relative": RELATIVE[which]})


# --- points and masks ----------------------------------------------------------------

@Q.bind("scene.points.same_object")
def _bind_same(spec: dict, rng: np.random.Generator) -> dict:
    s = scene_of(spec)
    pts = [[i, k] for i, o in enumerate(s["objects"]) for k in range(len(o["points"]))]
    same = [(p, q) for p in pts for q in pts if p < q and p[0] == q[0]]
    diff = [(p, q) for p in pts for q in pts if p < q and p[0] != q[0]]
    pool = same if (same and (not diff or rng.random() < 0.5)) else diff
    p, q = shuffled(rng, list(choose(rng, pool)))
    return {"a": p, "b": q}


@Q.solve("scene.points.same_object")
def _same(spec: dict, a: list[int], b: list[int]) -> Solution:
    s = scene_of(spec)
    pa, pb = _point(s, a), _point(s, b)
    why = (f"{M.fmt_coords(pa[:2])} lies on the {s['objects'][a[0]]['label']} only, "
           f"{M.fmt_coords(pb[:2])} on the {s['objects'][b[0]]['label']} only"
           + (" (the same object)." if a[0] == b[0] else " (different objects)."))
    return Solution("yes" if a[0] == b[0] else "no", rationale=why,
                    fields={"pa": M.fmt_coords(pa[:2]), "pb": M.fmt_coords(pb[:2])})


# --- multi-hop -----------------------------------------------------------------------

def _hops(s: dict) -> list[tuple[int, str, int]]:
    """``(x, pred, anchor)``: ``x`` is the only object in ``pred`` to the named ``anchor``."""
    names = M.names(s)
    return sorted({(a, p, b) for a, p, b in s["relations"] if names[b] and subjects(s, p, b) == [a]})


def _described(s: dict, hop: list) -> str:
    """"the object that is holding the bat"."""
    x, pred, anchor = hop
    check(subjects(s, pred, anchor) == [x] and M.names(s)[anchor] is not None, "description not unique")
    return f"the object that is {pred} the {M.names(s)[anchor]}"


def _label_distractors(s: dict, label: str) -> list[str]:
    return sorted({o["label"] for o in s["objects"]} - {label})


@Q.bind("scene.multihop.object")
def _bind_mh_object(spec: dict, rng: np.random.Generator) -> dict:
    s = scene_of(spec)
    hops = _hops(s)
    chains = [(y, p1, h) for h in hops for y, p1, x in s["relations"]
              if x == h[0] and y not in (h[0], h[2]) and subjects(s, p1, x) == [y]]
    y, p1, h = choose(rng, chains, lambda c: M.rarity(s, s["objects"][c[0]]["label"]))
    return {"predicate": p1, "hop": list(h)}


@Q.solve("scene.multihop.object")
def _mh_object(spec: dict, predicate: str, hop: list) -> Solution:
    s = scene_of(spec)
    inner = _described(s, hop)
    ys = subjects(s, predicate, hop[0])
    check(len(ys) == 1 and ys[0] not in (hop[0], hop[2]), "not exactly one object")
    label, mid = s["objects"][ys[0]]["label"], s["objects"][hop[0]]["label"]
    why = f"{inner[0].upper() + inner[1:]} is the {mid}; the object that is {predicate} the {mid} is the {label}."
    return Solution(label, rationale=why, distractors=_label_distractors(s, label), fields={"inner": inner})


@Q.bind("scene.multihop.attribute")
def _bind_mh_attr(spec: dict, rng: np.random.Generator) -> dict:
    s = scene_of(spec)
    options = [(h, kind) for h in _hops(s) for kind in attribute_types() if M.typed_value(s["objects"][h[0]], kind)]
    h, kind = choose(rng, options, lambda x: M.rarity(s, s["objects"][x[0][0]]["label"]))
    return {"hop": list(h), "kind": kind}


@Q.solve("scene.multihop.attribute")
def _mh_attr(spec: dict, hop: list, kind: str) -> Solution:
    s = scene_of(spec)
    inner = _described(s, hop)
    obj = s["objects"][hop[0]]
    value = M.typed_value(obj, kind)
    check(value is not None, f"no single {kind}")
    others = sorted({a for o in s["objects"] for a in o["attributes"] if attribute_type(a) == kind} - {value})
    noun = attribute_types()[kind]["noun"]
    why = f"{inner[0].upper() + inner[1:]} is the {obj['label']}, whose {noun} is {value}."
    return Solution(value, rationale=why, distractors=others + [v for v in attribute_types()[kind]["values"] if v != value][:4],
                    fields={"inner": inner, "kind_noun": noun})


@Q.bind("scene.multihop.relation")
def _bind_mh_rel(spec: dict, rng: np.random.Generator) -> dict:
    s = scene_of(spec)
    names = M.names(s)
    options = [(a, h) for h in _hops(s) for a in M.named(s)
               if a not in (h[0], h[2]) and M.single_predicate(s, a, h[0]) and names[a] != names[h[2]]]
    a, h = choose(rng, options, lambda x: M.rarity(s, s["objects"][x[0]]["label"]))
    return {"subject": a, "hop": list(h)}


@Q.solve("scene.multihop.relation")
def _mh_rel(spec: dict, subject: int, hop: list) -> Solution:
    s = scene_of(spec)
    inner = _described(s, hop)
    name = M.names(s)[subject]
    pred = M.single_predicate(s, subject, hop[0])
    check(bool(name) and pred is not None, "ambiguous")
    why = f"{inner[0].upper() + inner[1:]} is the {s['objects'][hop[0]]['label']}; the {name} is {pred} it."
    return Solution(pred, rationale=why, distractors=_predicate_distractors(s, pred), fields={"a": name, "inner": inner})


FAMILIES = load_families(Path(__file__).with_name("single.yaml"), Q)
