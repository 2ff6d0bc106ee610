"""Multi-image question families over several scene graphs (``spec["scenes"]``, shown as
Image 1, Image 2, ... in that order; the generator shuffles the order).

The single-image rule holds in every image: whether an image has a thing is three-valued
(yes, no, or unsure when the only such object is barely visible or its attribute is
unclear), relations come from each image's full relation table, and a question is asked
only when no unsure value could change its answer."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from mmsynth.questions import Solution, Solvers, load_families
from mmsynth.errors import NotApplicable
from scenegraph import model as M
from scenegraph.language import a as with_article
from scenegraph.language import is_countable, plural
from scenegraph.questions.common import TRIES, check, choose, join
from scenegraph.relations import FAILS, HOLDS

Q = Solvers()
POLARITY = ("has", "lacks")


def image_name(k: int) -> str:
    return f"Image {k + 1}"


def _rarity(spec: dict, label: str) -> float:
    return max(s.get("rarity", {}).get(label, 1.0) for s in spec["scenes"])


def _labels(spec: dict) -> list[str]:
    return sorted({o["label"] for s in spec["scenes"] for o in s["objects"]})


def _attributed(spec: dict) -> list[tuple[str, str]]:
    return sorted({(a, o["label"]) for s in spec["scenes"] for o in s["objects"] for a in o["attributes"]})


@M.per_scene
def _triples(s: dict) -> set[tuple[str, str, str]]:
    """Label triples that hold between two referable objects."""
    objs, ok = s["objects"], M.referable(s)
    return {(objs[a]["label"], p, objs[b]["label"]) for a, p, b in M.relations(s).holding() if ok[a] and ok[b]}


@M.per_scene
def _triple_list(s: dict) -> list[tuple[str, str, str]]:
    return sorted(_triples(s))


def _present(s: dict, label: str, attr: str | None = None) -> bool | None:
    """Whether the image shows a (``attr``) ``label``: True (a referable one), False (none
    could be), None (only a barely visible one, or one whose attribute is unclear)."""
    ok = M.referable(s)
    found: bool | None = False
    for i in M.by_label(s).get(label, ()):
        o = s["objects"][i]
        status = True if attr is None else M.attr_status(o, attr)
        if status and ok[i]:
            return True
        if status is not False:
            found = None
    return found


# --- which image has / lacks ---------------------------------------------------------

def _odd_one(flags: list[bool | None], polarity: str) -> int:
    """The one image that has (or lacks) the thing; NotApplicable unless exactly one, all sure."""
    check(None not in flags, "an image shows it unclearly")
    want = polarity == "has"
    hits = [k for k, f in enumerate(flags) if f == want]
    check(len(hits) == 1, f"not exactly one image {polarity} it")
    return hits[0]


def _which_image(spec: dict, flags: list[bool], polarity: str, what: str) -> Solution:
    k = _odd_one(flags, polarity)
    why = "; ".join(f"{image_name(j)}: {'yes' if f else 'no'}" for j, f in enumerate(flags))
    return Solution(image_name(k), rationale=f"Does each image contain {what}? {why}.",
                    distractors=[image_name(j) for j in range(len(flags)) if j != k],
                    fields={"verb": "contains" if polarity == "has" else "does not contain"})


def _bind_odd(spec: dict, rng: np.random.Generator, things: list, flags_of, weight) -> tuple:
    """Draw a thing (rarer ones more often) and a polarity until exactly one image has (or lacks) it."""
    if not things:
        raise NotApplicable("nothing to ask about")
    w = np.array([weight(t) for t in things], dtype=float)
    for _ in range(TRIES):
        t = things[int(rng.choice(len(things), p=w / w.sum()))]
        pol = POLARITY[int(rng.integers(2 if len(spec["scenes"]) > 2 else 1))]
        if _is_odd(flags_of(spec, t), pol):
            return t, pol
    raise NotApplicable("no thing that exactly one image has")


def _is_odd(flags: list[bool | None], polarity: str) -> bool:
    return None not in flags and sum(f == (polarity == "has") for f in flags) == 1


def _has_object(spec: dict, label: str) -> list[bool | None]:
    return [_present(s, label) for s in spec["scenes"]]


@Q.bind("scene.multi.has.object")
def _bind_has_object(spec: dict, rng: np.random.Generator) -> dict:
    label, pol = _bind_odd(spec, rng, _labels(spec), _has_object, lambda t: _rarity(spec, t))
    return {"label": label, "polarity": pol}


@Q.solve("scene.multi.has.object")
def _has_object_solve(spec: dict, label: str, polarity: str) -> Solution:
    sol = _which_image(spec, _has_object(spec, label), polarity, with_article(label))
    sol.fields["thing"] = with_article(label)
    return sol


def _has_attributed(spec: dict, pair: list[str]) -> list[bool | None]:
    return [_present(s, pair[1], pair[0]) for s in spec["scenes"]]


@Q.bind("scene.multi.has.attributed")
def _bind_has_attr(spec: dict, rng: np.random.Generator) -> dict:
    pair, pol = _bind_odd(spec, rng, [list(p) for p in _attributed(spec)], _has_attributed,
                          lambda t: _rarity(spec, t[1]))
    return {"pair": pair, "polarity": pol}


@Q.solve("scene.multi.has.attributed")
def _has_attr_solve(spec: dict, pair: list[str], polarity: str) -> Solution:
    thing = with_article(f"{pair[0]} {pair[1]}")
    sol = _which_image(spec, _has_attributed(spec, pair), polarity, thing)
    sol.fields["thing"] = thing
    return sol


def _has_relation(spec: dict, triple: list[str]) -> list[bool | None]:
    return [_relation_present(s, *triple) for s in spec["scenes"]]


def _relation_present(s: dict, la: str, pred: str, lb: str) -> bool | None:
    """True if a referable ``la`` clearly stands in ``pred`` to a referable ``lb``; False if no
    pair of such objects could; None otherwise."""
    if tuple([la, pred, lb]) in _triples(s):
        return True
    t = M.relations(s).table.get(pred)
    subj, obj = M.by_label(s).get(la, []), M.by_label(s).get(lb, [])
    if t is None or not subj or not obj:
        return False
    block = t[np.ix_(subj, obj)]
    return False if all(block[x, y] == FAILS for x, i in enumerate(subj) for y, j in enumerate(obj) if i != j) else None


@Q.bind("scene.multi.has.relation")
def _bind_has_rel(spec: dict, rng: np.random.Generator) -> dict:
    """Draw a triple that holds in one image and a polarity, until exactly one image has (or lacks) it."""
    scenes = [_triple_list(s) for s in spec["scenes"]]
    for _ in range(TRIES):
        pool = scenes[int(rng.integers(len(scenes)))]
        if not pool:
            continue
        triple = list(pool[int(rng.integers(len(pool)))])
        pol = POLARITY[int(rng.integers(2 if len(scenes) > 2 else 1))]
        if _is_odd(_has_relation(spec, triple), pol):
            return {"triple": triple, "polarity": pol}
    raise NotApplicable("no relation that exactly one image has")


@Q.solve("scene.multi.has.relation")
def _has_rel_solve(spec: dict, triple: list[str], polarity: str) -> Solution:
    what = f"{with_article(triple[0])} {triple[1]} {with_article(triple[2])}"
    sol = _which_image(spec, _has_relation(spec, triple), polarity, what)
    sol.fields["thing"] = what
    return sol


# --- most / least --------------------------------------------------------------------

@M.per_scene
def _too_small(s: dict) -> set[str]:
    """Labels with an object too small to count."""
    return {o["label"] for i, o in enumerate(s["objects"]) if M.pixels(s, i) < M.min_pixels(s)}


def _counts(spec: dict, label: str) -> list[int]:
    """Objects of ``label`` per image; NotApplicable if one of them is too small to count."""
    check(all(label not in _too_small(s) for s in spec["scenes"]), "an object of the kind is barely visible")
    return [M.label_counts(s)[label] for s in spec["scenes"]]


def _strict(values: list[int], most: bool) -> int | None:
    best = (max if most else min)(values)
    return values.index(best) if values.count(best) == 1 else None


@Q.bind("scene.multi.extreme")
def _bind_multi_extreme(spec: dict, rng: np.random.Generator) -> dict:
    options = [(label, which) for label in _labels(spec) if is_countable(label) and _countable_everywhere(spec, label)
               for which in ("most", "least") if _strict(_counts(spec, label), which == "most") is not None]
    label, which = choose(rng, options, lambda x: _rarity(spec, x[0]))
    return {"label": label, "which": which}


@Q.solve("scene.multi.extreme")
def _multi_extreme(spec: dict, label: str, which: str) -> Solution:
    check(is_countable(label), "mass noun")
    counts = _counts(spec, label)
    k = _strict(counts, which == "most")
    check(k is not None, "tie")
    why = ", ".join(f"{image_name(j)}: {c}" for j, c in enumerate(counts))
    word = "most" if which == "most" else "fewest"
    return Solution(image_name(k), rationale=f"{plural(label).capitalize()} per image: {why}.",
                    distractors=[image_name(j) for j in range(len(counts)) if j != k],
                    fields={"things": plural(label), "word": word})


def _countable_everywhere(spec: dict, label: str) -> bool:
    try:
        _counts(spec, label)
        return True
    except NotApplicable:
        return False


# --- common objects / attribute ------------------------------------------------------

@Q.solve("scene.multi.common.objects")
def _common_objects(spec: dict) -> Solution:
    labels = _labels(spec)
    presence = {label: [_present(s, label) for s in spec["scenes"]] for label in labels}
    common = sorted(label for label, flags in presence.items() if all(flags))
    check(bool(common), "nothing in common")
    check(not any(None in flags and False not in flags for flags in presence.values()), "an object is barely visible")
    sets = [{o["label"] for o in s["objects"]} for s in spec["scenes"]]
    why = "; ".join(f"{image_name(j)}: {', '.join(sorted(x))}" for j, x in enumerate(sets))
    return Solution(common, rationale=f"Objects per image: {why}.")


def _only(s: dict, label: str) -> dict | None:
    """The one object of ``label``, if it is referable and all its attributes are clear."""
    objs = [i for i, o in enumerate(s["objects"]) if o["label"] == label]
    if len(objs) != 1 or not M.referable(s)[objs[0]] or not M.fully_clear(s["objects"][objs[0]]):
        return None
    return s["objects"][objs[0]]


def _shared_attributes(spec: dict, label: str) -> list[str] | None:
    objs = [_only(s, label) for s in spec["scenes"]]
    if any(o is None for o in objs):
        return None
    return sorted(set.intersection(*[set(o["attributes"]) for o in objs]))


@Q.bind("scene.multi.common.attribute")
def _bind_common_attr(spec: dict, rng: np.random.Generator) -> dict:
    options = [label for label in _labels(spec) if len(_shared_attributes(spec, label) or []) == 1]
    return {"label": choose(rng, options, lambda t: _rarity(spec, t))}


@Q.solve("scene.multi.common.attribute")
def _common_attr(spec: dict, label: str) -> Solution:
    shared = _shared_attributes(spec, label)
    check(shared is not None and len(shared) == 1, "not exactly one shared attribute")
    per = "; ".join(f"{image_name(j)}: {', '.join(_only(s, label)['attributes'])}" for j, s in enumerate(spec["scenes"]))
    others = sorted({a for s in spec["scenes"] for a in _only(s, label)["attributes"]} - set(shared))
    return Solution(shared[0], rationale=f"The {label}'s attributes: {per}.", distractors=others,
                    fields={"label_name": label, "label_plural": plural(label), "a_label": with_article(label)})


# --- totals --------------------------------------------------------------------------

@Q.bind("scene.multi.count.total")
def _bind_total(spec: dict, rng: np.random.Generator) -> dict:
    options = [label for label in _labels(spec) if is_countable(label) and _countable_everywhere(spec, label)
               and sum(c > 0 for c in _counts(spec, label)) >= 2]
    return {"label": choose(rng, options, lambda t: _rarity(spec, t))}


@Q.solve("scene.multi.count.total")
def _total(spec: dict, label: str) -> Solution:
    check(is_countable(label), "mass noun")
    counts = _counts(spec, label)
    n = sum(counts)
    return Solution(n, rationale=" + ".join(map(str, counts)) + f" = {n}",
                    distractors=[n + 1, n - 1, max(counts), n + 2], fields={"things": plural(label)})


def _attr_counts(spec: dict, attr: str, label: str) -> list[int]:
    """Objects of ``label`` with ``attr`` per image; NotApplicable if one's attribute type is unclear."""
    _counts(spec, label)
    status = [M.attr_status(o, attr) for s in spec["scenes"] for o in s["objects"] if o["label"] == label]
    check(None not in status, "an attribute is unclear in the image")
    return [sum(o["label"] == label and attr in o["attributes"] for o in s["objects"]) for s in spec["scenes"]]


def _attr_countable(spec: dict, attr: str, label: str) -> bool:
    try:
        _attr_counts(spec, attr, label)
        return True
    except NotApplicable:
        return False


@Q.bind("scene.multi.count.attributed")
def _bind_attr_total(spec: dict, rng: np.random.Generator) -> dict:
    pairs = [list(p) for p in _attributed(spec) if is_countable(p[1])]
    for _ in range(TRIES if pairs else 0):
        p = pairs[int(rng.integers(len(pairs)))]
        if _attr_countable(spec, *p) and sum(c > 0 for c in _attr_counts(spec, *p)) >= 2:
            return {"pair": p}
    raise NotApplicable("no attributed object in two images")


@Q.solve("scene.multi.count.attributed")
def _attr_total(spec: dict, pair: list[str]) -> Solution:
    check(is_countable(pair[1]), "mass noun")
    counts = _attr_counts(spec, *pair)
    n = sum(counts)
    return Solution(n, rationale=" + ".join(map(str, counts)) + f" = {n}",
                    distractors=[n + 1, n - 1, sum(_counts(spec, pair[1])), n + 2],
                    fields={"things": f"{pair[0]} {plural(pair[1])}"})


# --- differences ---------------------------------------------------------------------

def _image_pairs(spec: dict) -> list[tuple[int, int]]:
    n = len(spec["scenes"])
    return [(j, k) for j in range(n) for k in range(n) if j != k]


def _attr_diff(spec: dict, label: str, j: int, k: int) -> list[str] | None:
    a, b = _only(spec["scenes"][j], label), _only(spec["scenes"][k], label)
    if a is None or b is None:
        return None
    return sorted(set(a["attributes"]) - set(b["attributes"]))


@Q.bind("scene.multi.diff.attributes")
def _bind_attr_diff(spec: dict, rng: np.random.Generator) -> dict:
    options = [(label, j, k) for label in _labels(spec) for j, k in _image_pairs(spec) if _attr_diff(spec, label, j, k)]
    label, j, k = choose(rng, options, lambda x: _rarity(spec, x[0]))
    return {"label": label, "first": j, "second": k}


@Q.solve("scene.multi.diff.attributes")
def _attr_diff_solve(spec: dict, label: str, first: int, second: int) -> Solution:
    diff = _attr_diff(spec, label, first, second)
    check(bool(diff), "no difference")
    a, b = _only(spec["scenes"][first], label), _only(spec["scenes"][second], label)
    why = (f"The {label} in {image_name(first)} is {join(a['attributes'])}; "
           f"in {image_name(second)} it is {join(b['attributes']) if b['attributes'] else 'without attributes'}.")
    return Solution(diff, rationale=why, fields={"label_name": label, "img_a": image_name(first), "img_b": image_name(second)})


def _differing(spec: dict, labels: list[str], first: int, second: int) -> str | None:
    """The one predicate that clearly holds from the object described ``labels[0]`` to the one
    described ``labels[1]`` in image ``first`` and clearly fails in ``second``, when no other
    predicate could (hold or be unsure in the first, fail or be unsure in the second)."""
    sj, sk = spec["scenes"][first], spec["scenes"][second]
    dj, dk = M.descriptions(sj), M.descriptions(sk)
    if not all(d in dj and d in dk for d in labels) or labels[0] == labels[1]:
        return None
    rj, rk = M.relations(sj), M.relations(sk)
    (aj, bj), (ak, bk) = (dj[labels[0]], dj[labels[1]]), (dk[labels[0]], dk[labels[1]])
    maybe = [p for p in sorted(set(rj.predicates()) | set(rk.predicates()))
             if rj.value(aj, p, bj) != FAILS and rk.value(ak, p, bk) != HOLDS]
    if len(maybe) == 1 and rj.holds(aj, maybe[0], bj) and rk.value(ak, maybe[0], bk) == FAILS:
        return maybe[0]
    return None


@Q.bind("scene.multi.diff.relations")
def _bind_rel_diff(spec: dict, rng: np.random.Generator) -> dict:
    n = len(spec["scenes"])
    for _ in range(40):
        j, k = (int(v) for v in rng.choice(n, size=2, replace=False))
        shared = sorted(set(M.descriptions(spec["scenes"][j])) & set(M.descriptions(spec["scenes"][k])))
        if len(shared) < 2:
            continue
        da, db = (shared[int(v)] for v in rng.choice(len(shared), size=2, replace=False))
        if _differing(spec, [da, db], j, k):
            return {"labels": [da, db], "first": j, "second": k}
    raise NotApplicable("no relation that differs clearly between two images")


@Q.solve("scene.multi.diff.relations")
def _rel_diff(spec: dict, labels: list[str], first: int, second: int) -> Solution:
    pj = _differing(spec, labels, first, second)
    check(pj is not None, "no single clearly differing relation")
    why = f"In {image_name(first)} the {labels[0]} is {pj} the {labels[1]}; in {image_name(second)} it is not."
    preds = sorted(set(M.relations(spec["scenes"][first]).predicates()) - {pj})
    return Solution(pj, rationale=why, distractors=preds,
                    fields={"a_label": labels[0], "b_label": labels[1], "img_a": image_name(first),
                            "img_b": image_name(second)})


FAMILIES = load_families(Path(__file__).with_name("multi.yaml"), Q)
