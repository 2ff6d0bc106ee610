"""Multi-image question families over several scene graphs (``spec["scenes"]``, shown as
Image 1, Image 2, ... in that order; the generator shuffles the order)."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from mmsynth.questions import Solution, Solvers, load_families
from scenegraph import model as M
from scenegraph.language import is_countable, plural
from scenegraph.questions.common import check, choose, join

Q = Solvers()
POLARITY = ("has", "lacks")


def image_name(k: int) -> str:
    return f"Image {k + 1}"


def _rarity(spec: dict, label: str) -> float:
    return max(M.rarity(s, label) for s in spec["scenes"])


def _labels(spec: dict) -> list[str]:
    return sorted({o["label"] for s in spec["scenes"] for o in s["objects"]})


def _attributed(spec: dict) -> list[tuple[str, str]]:
    return sorted({(a, o["label"]) for s in spec["scenes"] for o in s["objects"] for a in o["attributes"]})


def _triples(s: dict) -> set[tuple[str, str, str]]:
    objs = s["objects"]
    return {(objs[a]["label"], p, objs[b]["label"]) for a, p, b in s["relations"]}


# --- which image has / lacks ---------------------------------------------------------

def _odd_one(flags: list[bool], polarity: str) -> int:
    """The one image that has (or lacks) the thing; NotApplicable unless exactly one."""
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
    options = [(t, pol) for t in things for pol in POLARITY
               if (pol == "has" or len(spec["scenes"]) > 2) and _is_odd(flags_of(spec, t), pol)]
    return choose(rng, options, lambda x: weight(x[0]))


def _is_odd(flags: list[bool], polarity: str) -> bool:
    return sum(f == (polarity == "has") for f in flags) == 1


def _has_object(spec: dict, label: str) -> list[bool]:
    return [any(o["label"] == label for o in s["objects"]) for s in spec["scenes"]]


@Q.bind("scene.multi.has.object")
def _bind_has_object(spec: dict, rng: np.random.Generator) -> dict:
    label, pol = _bind_odd(spec, rng, _labels(spec), _has_object, lambda t: _rarity(spec, t))
    return {"label": label, "polarity": pol}


@Q.solve("scene.multi.has.object")
def _has_object_solve(spec: dict, label: str, polarity: str) -> Solution:
    sol = _which_image(spec, _has_object(spec, label), polarity, f"a {label}")
    sol.fields["thing"] = f"a {label}"
    return sol


def _has_attributed(spec: dict, pair: list[str]) -> list[bool]:
    return [any(o["label"] == pair[1] and pair[0] in o["attributes"] for o in s["objects"]) for s in spec["scenes"]]


@Q.bind("scene.multi.has.attributed")
def _bind_has_attr(spec: dict, rng: np.random.Generator) -> dict:
    pair, pol = _bind_odd(spec, rng, [list(p) for p in _attributed(spec)], _has_attributed,
                          lambda t: _rarity(spec, t[1]))
    return {"pair": pair, "polarity": pol}


@Q.solve("scene.multi.has.attributed")
def _has_attr_solve(spec: dict, pair: list[str], polarity: str) -> Solution:
    sol = _which_image(spec, _has_attributed(spec, pair), polarity, f"a {pair[0]} {pair[1]}")
    sol.fields["thing"] = f"a {pair[0]} {pair[1]}"
    return sol


def _has_relation(spec: dict, triple: list[str]) -> list[bool]:
    return [tuple(triple) in _triples(s) for s in spec["scenes"]]


@Q.bind("scene.multi.has.relation")
def _bind_has_rel(spec: dict, rng: np.random.Generator) -> dict:
    triples = sorted({t for s in spec["scenes"] for t in _triples(s)})
    triple, pol = _bind_odd(spec, rng, [list(t) for t in triples], _has_relation, lambda t: _rarity(spec, t[0]))
    return {"triple": triple, "polarity": pol}


@Q.solve("scene.multi.has.relation")
def _has_rel_solve(spec: dict, triple: list[str], polarity: str) -> Solution:
    what = f"a {triple[0]} {triple[1]} a {triple[2]}"
    sol = _which_image(spec, _has_relation(spec, triple), polarity, what)
    sol.fields["thing"] = what
    return sol


# --- most / least --------------------------------------------------------------------

def _counts(spec: dict, label: str) -> list[int]:
    return [M.label_counts(s)[label] for s in spec["scenes"]]


def _strict(values: list[int], most: bool) -> int | None:
    best = (max if most else min)(values)
    return values.index(best) if values.count(best) == 1 else None


@Q.bind("scene.multi.extreme")
def _bind_multi_extreme(spec: dict, rng: np.random.Generator) -> dict:
    options = [(label, which) for label in _labels(spec) if is_countable(label) for which in ("most", "least")
               if _strict(_counts(spec, label), which == "most") is not None]
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


# --- common objects / attribute ------------------------------------------------------

@Q.solve("scene.multi.common.objects")
def _common_objects(spec: dict) -> Solution:
    sets = [{o["label"] for o in s["objects"]} for s in spec["scenes"]]
    common = sorted(set.intersection(*sets))
    check(bool(common), "nothing in common")
    why = "; ".join(f"{image_name(j)}: {', '.join(sorted(x))}" for j, x in enumerate(sets))
    return Solution(common, rationale=f"Objects per image: {why}.")


def _only(s: dict, label: str) -> dict | None:
    objs = [o for o in s["objects"] if o["label"] == label]
    return objs[0] if len(objs) == 1 else None


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
                    fields={"label_name": label, "label_plural": plural(label)})


# --- totals --------------------------------------------------------------------------

@Q.bind("scene.multi.count.total")
def _bind_total(spec: dict, rng: np.random.Generator) -> dict:
    options = [label for label in _labels(spec) if is_countable(label) and sum(c > 0 for c in _counts(spec, label)) >= 2]
    return {"label": choose(rng, options, lambda t: _rarity(spec, t))}


@Q.solve("scene.multi.count.total")
def _total(spec: dict, label: str) -> Solution:
    check(is_countable(label), "mass noun")
    counts = _counts(spec, label)
    n = sum(counts)
    return Solution(n, rationale=" + ".join(map(str, counts)) + f" = {n}",
                    distractors=[n + 1, n - 1, max(counts), n + 2], fields={"things": plural(label)})


def _attr_counts(spec: dict, attr: str, label: str) -> list[int]:
    return [sum(o["label"] == label and attr in o["attributes"] for o in s["objects"]) for s in spec["scenes"]]


@Q.bind("scene.multi.count.attributed")
def _bind_attr_total(spec: dict, rng: np.random.Generator) -> dict:
    options = [list(p) for p in _attributed(spec) if is_countable(p[1]) and sum(c > 0 for c in _attr_counts(spec, *p)) >= 2]
    return {"pair": choose(rng, options, lambda p: _rarity(spec, p[1]))}


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


def _relation_of(s: dict, a: str, b: str) -> str | None:
    """The one predicate from the object described ``a`` to the one described ``b``, if any."""
    desc = M.descriptions(s)
    if a not in desc or b not in desc:
        return None
    return M.single_predicate(s, desc[a], desc[b])


@Q.bind("scene.multi.diff.relations")
def _bind_rel_diff(spec: dict, rng: np.random.Generator) -> dict:
    options = set()
    for j, k in _image_pairs(spec):
        s = spec["scenes"][j]
        by_object: dict[int, list[str]] = {}
        for d, i in M.descriptions(s).items():
            by_object.setdefault(i, []).append(d)
        for a, _, b in s["relations"]:
            for da in by_object.get(a, []):
                for db in by_object.get(b, []):
                    pj, pk = _relation_of(s, da, db), _relation_of(spec["scenes"][k], da, db)
                    if pj and pk and pj != pk:
                        options.add((da, db, j, k))
    da, db, j, k = choose(rng, sorted(options), lambda x: _rarity(spec, x[0].split(" ")[-1]))
    return {"labels": [da, db], "first": j, "second": k}


@Q.solve("scene.multi.diff.relations")
def _rel_diff(spec: dict, labels: list[str], first: int, second: int) -> Solution:
    pj = _relation_of(spec["scenes"][first], *labels)
    pk = _relation_of(spec["scenes"][second], *labels)
    check(bool(pj and pk and pj != pk), "no single differing relation")
    why = f"In {image_name(first)} the {labels[0]} is {pj} the {labels[1]}; in {image_name(second)} it is {pk} it."
    others = sorted({p for s in spec["scenes"] for _, p, _ in s["relations"]} - {pj})
    return Solution(pj, rationale=why, distractors=[pk] + [p for p in others if p != pk],
                    fields={"a_label": labels[0], "b_label": labels[1], "img_a": image_name(first),
                            "img_b": image_name(second)})


FAMILIES = load_families(Path(__file__).with_name("multi.yaml"), Q)
