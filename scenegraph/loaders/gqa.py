"""GQA scene graphs (``train_sceneGraphs.json``: image id -> objects with relations)."""
from __future__ import annotations

from pathlib import Path

from mmsynth.errors import UserError
from mmsynth.io import read_json
from scenegraph.loaders.common import attributes, build_scene, distance, image_size, listed, need, xywh_box


def load(path: Path) -> list[tuple[dict, list[str]]]:
    data = read_json(path)
    if not isinstance(data, dict):
        raise UserError(f"{path}: expected an object mapping image ids to scene graphs (GQA sceneGraphs)")
    out = []
    for image_id, entry in data.items():
        where = f"{path}: image {image_id}"
        raw = need(entry, "objects", dict, where)
        index = {oid: k for k, oid in enumerate(raw)}
        objects, relations = [], []
        for oid, o in raw.items():
            w = f"{where}: object {oid}"
            objects.append({"label": need(o, "name", str, w), "box": xywh_box(o, w),
                            "attributes": attributes(o, w), "distance": distance(o, w)})
            for j, r in enumerate(listed(o, "relations", w)):
                target = need(r, "object", (str, int), f"{w}: relations[{j}]")
                if str(target) not in index:
                    raise UserError(f"{w}: relations[{j}] refers to object {target}, not in this image")
                relations.append([index[oid], need(r, "name", str, f"{w}: relations[{j}]"), index[str(target)]])
        names = [entry["file_name"]] if isinstance(entry.get("file_name"), str) else []
        names += [f"{image_id}.jpg", f"images/{image_id}.jpg"]
        out.append((build_scene(str(image_id), objects, relations, *image_size(entry, where)), names))
    return out
