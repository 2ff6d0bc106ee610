"""An independent check that a synthetic scene question has one right answer *as seen in the image*.

Written apart from the engine on purpose: it imports nothing of ``model``, ``relations``
or the question families. It re-casts each layout in ``source["layouts"]`` and reads
what a viewer sees: each object's visible mask (box, centre, visible share of its
unoccluded silhouette), its median camera distance, its apparent size. It then reads the
question *text*: every definite description ("the large red cube", "the object that is
left of the gray sphere") must pick out exactly one object that a viewer could mean, and
that object must be mostly visible; relation questions and multi-image differences must
have no second predicate or candidate that a viewer could also call right.

"Could" is lenient (a centre 1% of the width to the left could be called "left of";
a size word could apply when the object looks no bigger, or no smaller, than one of that
size), so the check finds every reading the engine must have ruled out.

``problems(record)`` lists what it finds; used by the tests and ``perf/scene_quality.py``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from scenegraph.synthetic.raycast import FLOOR, cast
from scenegraph.synthetic.world import camera, vocab

# Evidence a viewer needs to say a relation could hold / surely holds: for left/right the
# share of the image width between centres, for front/behind the difference of median
# camera distances, for near minus the gap between footprints on the floor (scene units).
COULD = {"left of": 0.01, "right of": 0.01, "in front of": 0.05, "behind": 0.05, "near": -1.0}
SURE = {"left of": 0.03, "right of": 0.03, "in front of": 0.2, "behind": 0.2, "near": -0.7}
MOSTLY_HIDDEN = 0.45                  # visible share below which an object must not be referred to
PREDICATES = ("left of", "right of", "in front of", "behind", "near")


@dataclass
class Seen:
    """What the image shows of one object."""
    shape: str
    color: str
    material: str
    size: str
    cx: float
    distance: float
    visible: float
    apparent: float
    x: float
    z: float
    radius: float


def seen_objects(layout: dict) -> list[Seen]:
    cam = camera(layout)
    c = cast(layout["objects"], cam)
    out = []
    for k, o in enumerate(layout["objects"]):
        mask = c.labels == k
        alone = int((cast([o], cam).labels != FLOOR).sum())
        xs = np.nonzero(mask)[1]
        cx = (xs.min() + xs.max() + 1) / 2 if len(xs) else -1.0
        dist = float(np.median(c.distance[mask])) if mask.any() else float("inf")
        radius = o["extent"] * {"cube": 0.8 * np.sqrt(2), "cylinder": 0.85}.get(o["shape"], 1.0)
        out.append(Seen(o["shape"], o["color"], o["material"], o["size"], float(cx), dist,
                        mask.sum() / max(alone, 1), float(np.sqrt(alone)), o["x"], o["z"], radius))
    return out


def could(objs: list[Seen], width: int, a: int, pred: str, b: int) -> bool:
    """Whether a viewer could say ``a pred b``."""
    return pred in COULD and _offset(objs, width, a, pred, b) > COULD[pred]


def sure(objs: list[Seen], width: int, a: int, pred: str, b: int) -> bool:
    """Whether every viewer would say ``a pred b``."""
    return pred in SURE and _offset(objs, width, a, pred, b) >= SURE[pred]


def _offset(objs: list[Seen], width: int, a: int, pred: str, b: int) -> float:
    """Signed evidence for ``a pred b`` in the predicate's unit (larger = clearer)."""
    oa, ob = objs[a], objs[b]
    if a == b:
        return -np.inf
    if pred == "left of":
        return (ob.cx - oa.cx) / width
    if pred == "right of":
        return (oa.cx - ob.cx) / width
    if pred == "in front of":
        return ob.distance - oa.distance
    if pred == "behind":
        return oa.distance - ob.distance
    if pred == "near":
        return -(float(np.hypot(oa.x - ob.x, oa.z - ob.z)) - oa.radius - ob.radius)
    return -np.inf  # not a spatial predicate: the check has nothing to say


@lru_cache(maxsize=1)
def _words() -> tuple[set, set, set, set]:
    v = vocab()
    return set(v["shapes"]), set(v["colors"]), set(v["materials"]), set(v["sizes"])


def _could_be(objs: list[Seen], k: int, words: list[str]) -> bool:
    """Whether object ``k`` could be meant by the adjectives and noun ``words``."""
    shapes, colors, materials, sizes = _words()
    o = objs[k]
    for w in words:
        if (w in shapes and w != o.shape) or (w in colors and w != o.color) or (w in materials and w != o.material):
            return False
        if w in sizes and w != o.size:
            other = [p.apparent for p in objs if p.size == w]
            looks = (o.apparent >= min(other)) if w == "large" and other else (o.apparent <= max(other)) if other else True
            if not looks:
                return False
    return True


def _describe_re() -> re.Pattern:
    shapes, colors, materials, sizes = _words()
    adj = "|".join(sorted(colors | materials | sizes))
    return re.compile(rf"\bthe ((?:(?:{adj}) )*)({'|'.join(shapes)})\b(?!s)")


def resolve(objs: list[Seen], width: int, phrase: str) -> list[int]:
    """Every object a viewer could take ``phrase`` ("the red cube", "the object that is
    left of the red cube") to mean."""
    m = re.match(rf"the object that is ({'|'.join(PREDICATES)}) (.+)$", phrase)
    if m:
        anchors = resolve(objs, width, m.group(2))
        return [k for k in range(len(objs)) if any(could(objs, width, k, m.group(1), a) for a in anchors)]
    d = _describe_re().fullmatch(phrase)
    if not d:
        return []
    words = d.group(1).split() + [d.group(2)]
    return [k for k in range(len(objs)) if _could_be(objs, k, words)]


def _descriptions(text: str) -> list[str]:
    """Definite descriptions in a question, longest first ("the object that is left of the cube")."""
    shapes, colors, materials, sizes = _words()
    adj = "|".join(sorted(colors | materials | sizes))
    preds = "|".join(PREDICATES)
    return re.findall(rf"(?:the object that is (?:{preds}) )*the (?:(?:{adj}) )*(?:{'|'.join(shapes)})\b(?!s)", text)


def problems(record: dict) -> list[str]:
    """What makes a synthetic scene record's questions admit another answer, or refer badly."""
    layouts = record["source"].get("layouts")
    if not layouts:
        return []
    seen = [seen_objects(lay) for lay in layouts]
    width = layouts[0]["width"]
    out = []
    for qa in record["qa"]:
        q = qa["question"]
        if not record["generator"].startswith("scene.multi."):
            out += [f"{qa['family']}: {p}" for p in _single(seen[0], width, q, qa)]
        elif qa["family"] == "scene.multi.diff.relations":
            out += [f"{qa['family']}: {p}" for p in _difference(seen, width, q, qa)]
    return out


def _single(objs: list[Seen], width: int, q: str, qa: dict) -> list[str]:
    found = []
    for phrase in _descriptions(q):
        hits = resolve(objs, width, phrase)
        if len(hits) != 1:
            found.append(f"{phrase!r} could mean {len(hits)} objects: {q}")
        elif objs[hits[0]].visible < MOSTLY_HIDDEN:
            found.append(f"{phrase!r} is {objs[hits[0]].visible:.0%} visible: {q}")
    m = re.search(rf"({'|'.join(PREDICATES)}) or ({'|'.join(PREDICATES)})", q)
    phrases = _descriptions(q)
    if m and qa["family"] in ("scene.relation.objects", "scene.multihop.relation") and len(phrases) == 2:
        a, b = (resolve(objs, width, p) for p in phrases)
        if len(a) == 1 and len(b) == 1:
            valid = [p for p in m.groups() if could(objs, width, a[0], p, b[0])]
            if len(valid) != 1:
                found.append(f"{len(valid)} of '{m.group(0)}' could be right: {q}")
    if qa["family"] == "scene.relation.which":
        p = qa["params"]
        valid = [c for c in p["candidates"] if could(objs, width, c, p["predicate"], p["object"])]
        if p["predicate"] in COULD and len(valid) != 1:
            found.append(f"{len(valid)} candidates could be {p['predicate']} the object: {q}")
    return found


def _difference(scenes: list[list[Seen]], width: int, q: str, qa: dict) -> list[str]:
    first, second = qa["params"]["first"], qa["params"]["second"]
    la, lb = qa["params"]["labels"]
    found = []
    pairs = []
    for k in (first, second):
        a, b = resolve(scenes[k], width, f"the {la}"), resolve(scenes[k], width, f"the {lb}")
        if len(a) != 1 or len(b) != 1:
            found.append(f"'the {la}'/'the {lb}' is not one object in Image {k + 1}: {q}")
            return found
        pairs.append((a[0], b[0]))
    (aj, bj), (ak, bk) = pairs
    valid = [p for p in PREDICATES if could(scenes[first], width, aj, p, bj) and not sure(scenes[second], width, ak, p, bk)]
    answer = qa["answer"]
    if valid != [answer]:
        found.append(f"valid answers {valid}, stored {answer!r}: {q}")
    return found
