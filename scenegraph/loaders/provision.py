"""ProVision's per-stage annotation JSON (one file per pipeline stage, keyed by image).

``object-detection-annotations.json`` is required; attributes, parsed relations,
depth (``depth_masks/*.npy``, uint8, higher = closer) and segmentation
(``seg_masks/*.pkl``, read only through :mod:`scenegraph.safe_pickle`) are merged
when present. Mask and depth files are resolved inside the annotation folder.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from mmsynth.errors import UserError
from mmsynth.io import read_json
from scenegraph.depth import distance_from_closeness
from scenegraph.loaders.common import as_float, attributes, build_scene, image_size, listed, load_npy, need
from scenegraph.paths import resolve_inside
from scenegraph.safe_pickle import load_masks

STAGES = {"detection": "object-detection-annotations.json", "attributes": "image-attributes-annotations.json",
          "relations": "relation-annotations-parsed.json", "depth": "depth-estimation-annotations.json",
          "segmentation": "segmentation-annotations.json"}


def _stage(folder: Path, stage: str) -> dict[str, dict]:
    """``{image key: entry}`` of one stage file, each entry checked to hold an ``annotation`` object."""
    path = folder / STAGES[stage]
    if not path.is_file():
        if stage == "detection":
            raise UserError(f"{folder}: no {STAGES['detection']} (a ProVision annotation folder needs it)")
        return {}
    data = read_json(path)
    if not isinstance(data, dict):
        raise UserError(f"{path}: expected an object mapping image keys to annotations")
    for key, entry in data.items():
        need(entry, "annotation", dict, f"{path}: {key}")
    return data


def _annotation(stages: dict, stage: str, key: str) -> dict:
    return stages[stage].get(key, {}).get("annotation", {})


def _parallel(values: list, n: int, what: str, where: str) -> list:
    if len(values) != n:
        raise UserError(f"{where}: {len(values)} {what} for {n} detected objects")
    return values


def load(path: Path) -> list[tuple[dict, list[str]]]:
    folder = path if path.is_dir() else path.parent
    stages = {s: _stage(folder, s) for s in STAGES}
    out = []
    for key, entry in stages["detection"].items():
        det, where = entry["annotation"], f"{folder / STAGES['detection']}: {key}"
        labels, boxes = need(det, "labels", list, where), need(det, "bboxes", list, where)
        _parallel(boxes, len(labels), "bboxes", where)
        width, height = image_size(det, where)
        attrs = listed(_annotation(stages, "attributes", key), "attributes",
                       f"{folder / STAGES['attributes']}: {key}") or [[] for _ in labels]
        _parallel(attrs, len(labels), "attribute lists", f"{folder / STAGES['attributes']}: {key}")
        objects = []
        for j, (label, box) in enumerate(zip(labels, boxes)):
            if not (isinstance(label, str) and isinstance(box, list) and len(box) == 4
                    and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in box)):
                raise UserError(f"{where}: object {j} needs a label and a box [x1, y1, x2, y2]")
            objects.append({"label": label, "box": [as_float(v) for v in box],
                            "attributes": attributes({"attributes": attrs[j]}, f"{where}: object {j}")})
        relations = listed(_annotation(stages, "relations", key), "relations", f"{folder / STAGES['relations']}: {key}")
        rel_where = f"{folder / STAGES['relations']}: {key}"
        for r in relations:
            if not (isinstance(r, list) and len(r) == 3 and isinstance(r[1], str)
                    and all(isinstance(r[i], int) and 0 <= r[i] < len(labels) for i in (0, 2))):
                raise UserError(f"{rel_where}: relation {r!r} is not [subject index, predicate, object index]")
        dist = _depth(folder, _annotation(stages, "depth", key), (height, width), key)
        masks = _masks(folder, _annotation(stages, "segmentation", key), (height, width), len(labels), key)
        scene = build_scene(key, objects, relations, width, height, masks, dist)
        data_path = entry.get("data_path")
        out.append((scene, [data_path if isinstance(data_path, str) and data_path else f"{key}.png"]))
    return out


def _side_file(folder: Path, ann: dict, stage: str, field: str, subdir: str, key: str) -> tuple[Path, str] | None:
    """The file a stage's annotation names (``depth_masks/x.npy``), inside the folder; None if unnamed."""
    if not ann.get(field):
        return None
    where = f"{folder / STAGES[stage]}: {key}"
    name = f"{subdir}/{need(ann, field, str, where)}"
    file = resolve_inside(folder, name, where)
    if file is None:
        raise UserError(f"{where}: {name} does not exist")
    return file, where


def _depth(folder: Path, ann: dict, shape: tuple[int, int], key: str) -> np.ndarray | None:
    """The image's depth map as distances (ProVision's maps are uint8 closeness: higher = closer)."""
    found = _side_file(folder, ann, "depth", "depth_mask_id", "depth_masks", key)
    if found is None:
        return None
    arr = load_npy(*found)
    if arr.shape != shape:
        raise UserError(f"{found[1]}: depth map is {arr.shape[1]}x{arr.shape[0]}, image is {shape[1]}x{shape[0]}")
    return distance_from_closeness(arr)


def _masks(folder: Path, ann: dict, shape: tuple[int, int], n: int, key: str) -> list[np.ndarray] | None:
    """One boolean mask per detected object, through the restricted unpickler."""
    found = _side_file(folder, ann, "segmentation", "seg_mask_id", "seg_masks", key)
    return None if found is None else _parallel(load_masks(found[0], shape, n), n, "masks", found[1])
