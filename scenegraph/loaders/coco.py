"""COCO-style detection JSON (``images``, ``annotations``, ``categories``).

Optional fields this project reads (``mmsynth scene annotate`` writes them):
``annotations[].attributes`` (strings), ``annotations[].distance`` (camera distance),
top-level ``relations`` (``{"image_id", "subject", "predicate", "object"}`` with
annotation ids) and ``images[].depth_map`` (``{"path": "x.npy", "kind": "distance" |
"closeness"}``, relative to the JSON's folder). Polygon segmentations become masks.
"""
from __future__ import annotations

import math
from collections import defaultdict
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from mmsynth.errors import UserError
from mmsynth.io import read_json
from scenegraph.depth import distance_from_closeness
from scenegraph.loaders.common import (as_float, attributes, build_scene, distance, image_size, listed, load_npy,
                                       need, xywh_box)
from scenegraph.paths import resolve_inside

DEPTH_KINDS = ("distance", "closeness")


def segmentation(a: dict, where: str) -> object:
    """An annotation's ``segmentation``: polygons (lists of numbers), an RLE object, or none."""
    seg = a.get("segmentation")
    polygons = isinstance(seg, list) and all(
        isinstance(p, list) and all(isinstance(v, (int, float)) and not isinstance(v, bool) and
                                    math.isfinite(as_float(v)) for v in p) for p in seg)
    if seg is not None and not polygons and not isinstance(seg, dict):
        raise UserError(f"{where}: 'segmentation' should be a list of polygons [[x1, y1, x2, y2, ...]] "
                        f"or an RLE object, found {type(seg).__name__}")
    return seg


def polygon_mask(segmentation: object, width: int, height: int) -> np.ndarray | None:
    """A boolean mask from COCO polygons (``[[x1, y1, x2, y2, ...], ...]``); None for RLE or none."""
    if not isinstance(segmentation, list) or not segmentation:
        return None
    img = Image.new("1", (int(width), int(height)), 0)
    draw = ImageDraw.Draw(img)
    for poly in segmentation:
        if isinstance(poly, list) and len(poly) >= 6:
            draw.polygon([(float(poly[i]), float(poly[i + 1])) for i in range(0, len(poly) - 1, 2)], fill=1)
    mask = np.array(img, dtype=bool)
    return mask if mask.any() else None


def distance_map(spec: object, folder: Path, where: str, shape: tuple[int, int]) -> np.ndarray:
    """An image's depth map as distances (converting closeness maps), checked against its size."""
    path = need(spec, "path", str, f"{where}: depth_map")
    kind = spec.get("kind", "closeness") if isinstance(spec, dict) else None
    if kind not in DEPTH_KINDS:
        raise UserError(f"{where}: depth_map.kind must be one of {', '.join(DEPTH_KINDS)}")
    file = resolve_inside(folder, path, where)
    if file is None:
        raise UserError(f"{where}: depth map {path} does not exist under {folder}")
    arr = load_npy(file, where)
    if arr.shape != shape:
        raise UserError(f"{where}: depth map {path} is {arr.shape[1]}x{arr.shape[0]}, image is {shape[1]}x{shape[0]}")
    return arr.astype(np.float32) if kind == "distance" else distance_from_closeness(arr)


def load(path: Path) -> list[tuple[dict, list[str]]]:
    data = read_json(path)
    where = str(path)
    categories = {need(c, "id", (int, str), f"{where}: categories[{k}]"): need(c, "name", str, f"{where}: categories[{k}]")
                  for k, c in enumerate(need(data, "categories", list, where))}
    anns = defaultdict(list)
    for k, a in enumerate(need(data, "annotations", list, where)):
        w = f"{where}: annotations[{k}]"
        if need(a, "category_id", (int, str), w) not in categories:
            raise UserError(f"{w}: category_id {a['category_id']} is not in categories")
        anns[need(a, "image_id", (int, str), w)].append((k, a))
    rels = defaultdict(list)
    for k, r in enumerate(listed(data, "relations", where)):
        rels[need(r, "image_id", (int, str), f"{where}: relations[{k}]")].append((k, r))
    out = []
    for k, img in enumerate(need(data, "images", list, where)):
        w = f"{where}: images[{k}]"
        image_id = need(img, "id", (int, str), w)
        width, height = image_size(img, w)
        objects, masks, index = [], [], {}
        for j, a in anns.get(image_id, []):
            aw = f"{where}: annotations[{j}]"
            index[a.get("id", j)] = len(objects)
            objects.append({"label": categories[a["category_id"]], "box": xywh_box(dict(zip("xywh", need(a, "bbox", list, aw))), aw),
                            "attributes": attributes(a, aw), "distance": distance(a, aw)})
            masks.append(polygon_mask(segmentation(a, aw), width, height))
        relations = []
        for j, r in rels.get(image_id, []):
            rw = f"{where}: relations[{j}]"
            s, o = need(r, "subject", (int, str), rw), need(r, "object", (int, str), rw)
            if s not in index or o not in index:
                raise UserError(f"{rw}: subject/object must be annotation ids of image {image_id}")
            relations.append([index[s], need(r, "predicate", str, rw), index[o]])
        dist = distance_map(img["depth_map"], path.parent, w, (int(height), int(width))) if img.get("depth_map") else None
        scene = build_scene(str(image_id), objects, relations, width, height,
                            masks if any(m is not None for m in masks) else None, dist)
        out.append((scene, [need(img, "file_name", str, w)]))
    return out
