"""The facts a scene's description tells: the objects with their attributes, how many of each
kind, the main relations between them and the nearest object; each image in turn for
multi-image samples."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

from mmsynth.describe import Fact, describes, listing, plural

from scenegraph.language import plural as plural_noun
from scenegraph.questions.multi import image_name

MAX_RELATIONS = 6   # the first relations of a scene graph (loaded graphs can hold hundreds)


def phrase(obj: dict) -> str:
    """``a large yellow rubber sphere``."""
    words = " ".join([*obj.get("attributes", []), obj["label"]])
    return ("an " if words[:1].lower() in "aeiou" else "a ") + words


def scene_facts(scene: dict, where: str, key: str) -> list[Fact]:
    objs = scene.get("objects", [])
    if not objs:
        return []
    kinds = Counter(o["label"] for o in objs)
    facts = [Fact("scene.objects", {"where": where, "n": plural(len(objs), "object"),
                                    "objects": listing([phrase(o) for o in objs])}, key),
             Fact("scene.kinds", {"where": where, "kinds": listing(
                 [f"{n} {plural_noun(k) if n > 1 else k}" for k, n in sorted(kinds.items())])}, key)]
    seen = set()
    for i, rel, j in scene.get("relations", [])[: 2 * MAX_RELATIONS]:
        if (j, i) in seen or i >= len(objs) or j >= len(objs):
            continue
        seen.add((i, j))
        a, b = objs[i], objs[j]
        if kinds[a["label"]] > 1 and not a.get("attributes") or kinds[b["label"]] > 1 and not b.get("attributes"):
            continue
        facts.append(Fact("scene.relation", {"where": where, "a": phrase(a)[2:].lstrip(), "rel": rel,
                                             "b": phrase(b)[2:].lstrip()}, f"{key}:{i}:{j}"))
    dist = [o.get("distance") for o in objs]
    if all(d is not None for d in dist) and len(objs) > 1:
        ranked = sorted(range(len(objs)), key=lambda k: dist[k])
        if dist[ranked[1]] - dist[ranked[0]] > 0.35:
            facts.append(Fact("scene.nearest", {"where": where, "obj": phrase(objs[ranked[0]])[2:].lstrip()}, key))
    return facts


@describes("scene.*", phrasings=Path(__file__).with_name("describe.yaml"), noun="scene")
def facts(spec: dict) -> list[Fact]:
    scenes = spec["scenes"]
    if len(scenes) == 1:
        body = scene_facts(scenes[0], "", "")
        return [Fact("scene.overview", dict(body[0].slots, thing="scene"))] + body[1:] if body else []
    out = [Fact("scene.multi_overview", {"thing": "set of images", "n": plural(len(scenes), "image")})]
    for k, s in enumerate(scenes):
        out += scene_facts(s, f"In {image_name(k)}, ", image_name(k))
    return out
