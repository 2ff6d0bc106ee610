"""Visual Genome ``scene_graphs.json`` (with ``attributes.json`` and ``image_data.json``
merged when they sit beside it, or in the folder given)."""
from __future__ import annotations

from pathlib import Path

from mmsynth.errors import UserError
from mmsynth.io import read_json
from scenegraph.loaders.common import attributes, build_scene, image_size, listed, need, xywh_box


def _locate(path: Path) -> Path:
    return path / "scene_graphs.json" if path.is_dir() else path


def _by_image(path: Path, key: str) -> dict:
    """``{image_id: entry}`` of an optional side file (attributes.json, image_data.json)."""
    if not path.is_file():
        return {}
    data = read_json(path)
    if not isinstance(data, list):
        raise UserError(f"{path}: expected a list of per-image entries")
    return {need(e, key, (int, str), f"{path}: entry {k}"): e for k, e in enumerate(data)}


def _name(obj: dict, where: str) -> str:
    names = obj.get("names", obj.get("name"))
    if isinstance(names, list) and names and isinstance(names[0], str):
        return names[0]
    if isinstance(names, str) and names:
        return names
    raise UserError(f"{where}: object has no 'names' (or 'name')")


def _ref_id(rel: dict, role: str, where: str) -> int | str:
    if f"{role}_id" in rel:
        return need(rel, f"{role}_id", (int, str), where)
    return need(need(rel, role, dict, where), "object_id", (int, str), f"{where}.{role}")


def load(path: Path) -> list[tuple[dict, list[str]]]:
    file = _locate(path)
    data = read_json(file)
    if not isinstance(data, list):
        raise UserError(f"{file}: expected a list of scene graphs (Visual Genome scene_graphs.json)")
    attrs = _by_image(file.with_name("attributes.json"), "image_id")
    sizes = _by_image(file.with_name("image_data.json"), "image_id")
    out = []
    for k, entry in enumerate(data):
        where = f"{file}: entry {k}"
        image_id = need(entry, "image_id", (int, str), where)
        attrs_where = f"{file.with_name('attributes.json')}: image {image_id}"
        extra = {need(a, "object_id", (int, str), attrs_where): attributes(a, attrs_where)
                 for a in (need(attrs[image_id], "attributes", list, attrs_where) if image_id in attrs else [])}
        objects, index = [], {}
        for j, o in enumerate(need(entry, "objects", list, where)):
            w = f"{where} (image {image_id}): objects[{j}]"
            oid = need(o, "object_id", (int, str), w)
            index[oid] = len(objects)
            objects.append({"label": _name(o, w), "box": xywh_box(o, w),
                            "attributes": attributes(o, w) + extra.get(oid, [])})
        relations = []
        for j, r in enumerate(listed(entry, "relationships", where)):
            w = f"{where} (image {image_id}): relationships[{j}]"
            s, o = _ref_id(r, "subject", w), _ref_id(r, "object", w)
            if s not in index or o not in index:
                raise UserError(f"{w}: refers to an object id not in this image's objects")
            relations.append([index[s], need(r, "predicate", str, w), index[o]])
        size = sizes.get(image_id, entry)
        known = image_size(size, where) if size.get("width") is not None or size.get("height") is not None \
            else (None, None)
        url = size.get("url") if isinstance(size.get("url"), str) else ""
        names = [f"{image_id}.jpg", f"VG_100K/{image_id}.jpg", f"VG_100K_2/{image_id}.jpg"]
        if url:
            names.insert(0, "/".join(url.split("/")[-2:]))
        out.append((build_scene(str(image_id), objects, relations, *known), names))
    return out
