"""Run annotation stages over the images of a COCO-style detections file and write the
result in the COCO form :mod:`scenegraph.loaders.coco` reads (``--scenes coco:OUT``)."""
from __future__ import annotations

import os
from pathlib import Path

from tqdm import tqdm

from mmsynth.errors import UserError
from mmsynth.io import atomic_write_json, read_json
from scenegraph.annotate.stages import ImageAnnotation, Stage
from scenegraph.loaders.coco import segmentation
from scenegraph.loaders.common import attributes, image_size, need, xywh_box
from scenegraph.paths import resolve_inside


def score(a: dict, where: str) -> float:
    """A detection's confidence (1 when absent)."""
    v = a.get("score", 1.0)
    if not isinstance(v, (int, float)) or isinstance(v, bool) or v != v:
        raise UserError(f"{where}: 'score' should be a number, found {type(v).__name__}")
    return float(v)


def read_detections(path: Path, image_root: Path, min_score: float = 0.0) -> tuple[dict, list[ImageAnnotation]]:
    """The detections file and one :class:`ImageAnnotation` per image (boxes scored below ``min_score`` dropped)."""
    data = read_json(path)
    where = str(path)
    cats = {need(c, "id", (int, str), f"{where}: categories[{k}]"): need(c, "name", str, f"{where}: categories[{k}]")
            for k, c in enumerate(need(data, "categories", list, where))}
    by_image: dict = {}
    for k, a in enumerate(need(data, "annotations", list, where)):
        w = f"{where}: annotations[{k}]"
        if need(a, "category_id", (int, str), w) not in cats:
            raise UserError(f"{w}: category_id {a['category_id']} is not in categories")
        if score(a, w) >= min_score:
            by_image.setdefault(need(a, "image_id", (int, str), w), []).append(
                {"id": a.get("id", k), "label": cats[a["category_id"]], "category_id": a["category_id"],
                 "box": xywh_box(dict(zip("xywh", need(a, "bbox", list, w))), w),
                 "attributes": attributes(a, w), "segmentation": segmentation(a, w)})
    anns = []
    for k, img in enumerate(need(data, "images", list, where)):
        w = f"{where}: images[{k}]"
        name = need(img, "file_name", str, w)
        file = resolve_inside(image_root, name, w)
        if file is None:
            raise UserError(f"{w}: image {name} not found under {image_root}")
        anns.append(ImageAnnotation(img["id"] if "id" in img else k, file, *image_size(img, w),
                                    by_image.get(img.get("id"), [])))
    return data, anns


ANNOTATED_BY = "scene graphs written by mmsynth scene annotate"   # COCO's info field; marks our output


def annotate(detections: Path, image_root: Path, out: Path, stages: list[Stage], min_score: float = 0.0,
             progress: bool = True) -> dict:
    """Annotate every image and write the scene graphs to ``out`` (atomically); returns the written data."""
    data, anns = read_detections(detections, image_root, min_score)
    for ann in tqdm(anns, desc="annotate", unit="image", disable=not progress):
        for stage in stages:
            stage(ann)
    return write(data, anns, image_root, out)


def write(data: dict, anns: list[ImageAnnotation], image_root: Path, out: Path) -> dict:
    """The COCO-form result; objects a stage added (a detector stage) get ids and categories here."""
    categories = list(data["categories"])
    cat_ids = {c["name"]: c["id"] for c in categories}
    used = {o["id"] for ann in anns for o in ann.objects if "id" in o}
    next_id = max([i for i in used if isinstance(i, int)], default=-1) + 1
    images, annotations, rels = [], [], []
    for ann in anns:
        for o in ann.objects:
            if o["label"] not in cat_ids:
                cat_ids[o["label"]] = max([c for c in cat_ids.values() if isinstance(c, int)], default=0) + 1
                categories.append({"id": cat_ids[o["label"]], "name": o["label"]})
            o.setdefault("category_id", cat_ids[o["label"]])
            if "id" not in o:
                o["id"], next_id = next_id, next_id + 1
        entry = {"id": ann.image_id, "file_name": ann.path.resolve().relative_to(image_root.resolve()).as_posix(),
                 "width": ann.width, "height": ann.height}
        depth = ann.extra.get("depth_map")
        if depth and Path(depth["path"]).resolve().is_relative_to(out.parent.resolve()):
            entry["depth_map"] = {"path": os.path.relpath(Path(depth["path"]).resolve(), out.parent.resolve()),
                                  "kind": depth["kind"]}
        images.append(entry)
        for o in ann.objects:
            x1, y1, x2, y2 = o["box"]
            a = {"id": o["id"], "image_id": ann.image_id, "category_id": o["category_id"],
                 "bbox": [x1, y1, x2 - x1, y2 - y1], "attributes": o.get("attributes", [])}
            if o.get("distance") is not None:
                a["distance"] = o["distance"]
            if o.get("segmentation"):
                a["segmentation"] = o["segmentation"]
            annotations.append(a)
        rels += [{"image_id": ann.image_id, "subject": ann.objects[s]["id"], "predicate": p,
                  "object": ann.objects[o]["id"]} for s, p, o in ann.relations]
    result = {"info": {"description": ANNOTATED_BY}, "images": images, "annotations": annotations,
              "categories": categories, "relations": rels}
    atomic_write_json(out, result)
    return result
