"""What every loader shares: field checks with precise messages, and turning parsed
objects (plus optional masks and depth map) into model scenes with images resolved."""
from __future__ import annotations

import math
import zlib
from collections import Counter
from math import sqrt
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from mmsynth.errors import UserError
from mmsynth.images import image_size as header_size
from scenegraph.depth import depth_gap, exclusive_points, object_distance
from scenegraph.model import make_object
from scenegraph.paths import resolve_inside


BOX_FIXES = "box_fixes"  # a loaded scene's counts of clipped and dropped boxes, taken off by finish()
PROGRESS_FROM = 5000  # scene sets at least this large show a progress bar while images are checked


def need(d: Any, key: str, types: type | tuple, where: str) -> Any:
    """``d[key]`` if ``d`` is an object holding a value of ``types``; else a UserError naming the spot."""
    if not isinstance(d, dict):
        raise UserError(f"{where}: expected an object, found {type(d).__name__}")
    if key not in d:
        raise UserError(f"{where}: missing {key!r}")
    v = d[key]
    if not isinstance(v, types) or isinstance(v, bool):
        name = types.__name__ if isinstance(types, type) else " or ".join(t.__name__ for t in types)
        raise UserError(f"{where}: {key!r} should be {name}, found {type(v).__name__}")
    return v


MAX_SIDE = 65535  # the largest side JPEG allows; anything above is a corrupt size field


def image_size(d: dict, where: str) -> tuple[int, int]:
    """``(width, height)`` of an entry, positive and plausible (masks are allocated at this size)."""
    w, h = need(d, "width", (int, float), where), need(d, "height", (int, float), where)
    if not (0 < w <= MAX_SIDE and 0 < h <= MAX_SIDE):
        raise UserError(f"{where}: image size {w} x {h} is not plausible (each side 1..{MAX_SIDE})")
    return int(w), int(h)


def xywh_box(d: dict, where: str, keys: tuple[str, ...] = ("x", "y", "w", "h")) -> list[float]:
    x, y, w, h = (as_float(need(d, k, (int, float), where)) for k in keys)
    if w < 0 or h < 0:
        raise UserError(f"{where}: negative box size ({w} x {h})")
    return [x, y, x + w, y + h]


def as_float(v: int | float) -> float:
    """A JSON number as a float; an integer too large for one becomes an infinity (clipped later)."""
    try:
        return float(v)
    except OverflowError:
        return math.inf if v > 0 else -math.inf


def listed(d: dict, key: str, where: str) -> list:
    """``d[key]`` when it is a list (absent or null: an empty one); anything else is a UserError."""
    v = d.get(key)
    if v is None:
        return []
    if not isinstance(v, list):
        raise UserError(f"{where}: {key!r} should be a list, found {type(v).__name__}")
    return v


def attributes(d: dict, where: str, key: str = "attributes") -> list[str]:
    """``d[key]`` as a list of strings (absent or null: none)."""
    v = d.get(key)
    if v is None:
        return []
    bad = type(v).__name__ if not isinstance(v, list) else next(
        (f"a list holding {type(a).__name__}" for a in v if not isinstance(a, str)), None)
    if bad:
        raise UserError(f"{where}: {key!r} should be a list of strings, found {bad}")
    return v


def distance(d: dict, where: str) -> float | None:
    """``d["distance"]`` (a camera distance) as a finite number >= 0, or None when absent."""
    v = d.get("distance")
    if v is None:
        return None
    if not isinstance(v, (int, float)) or isinstance(v, bool) or not (0 <= as_float(v) < math.inf):
        raise UserError(f"{where}: 'distance' should be a finite number >= 0, found {v!r}"[:300])
    return float(v)


def clip_box(box: list[float], width: float, height: float) -> list[float] | None:
    """The part of ``box`` inside a ``width`` x ``height`` image (infinities clipped to its edges);
    None when nothing of it is inside or a coordinate is not a number."""
    x1, y1, x2, y2 = (as_float(v) for v in box)
    if any(math.isnan(v) for v in (x1, y1, x2, y2)):
        return None
    clipped = [max(0.0, x1), max(0.0, y1), min(float(width), x2), min(float(height), y2)]
    if clipped[0] > clipped[2] or clipped[1] > clipped[3]:
        return None
    degenerate = clipped[0] == clipped[2] or clipped[1] == clipped[3]
    return None if degenerate and clipped != [x1, y1, x2, y2] else clipped


def clip_objects(objects: list[dict], relations: list[list], width: float, height: float,
                 masks: list | None = None) -> tuple[list[dict], list[list], list | None, Counter]:
    """Objects with their boxes clipped to the image, those with nothing inside dropped (with
    their relations and masks); the counts of ``clipped`` and ``dropped`` boxes."""
    counts: Counter = Counter()
    keep, index = [], {}
    for i, o in enumerate(objects):
        box = clip_box(o["box"], width, height)
        if box is None:
            counts["dropped"] += 1
            continue
        counts["clipped"] += box != [as_float(v) for v in o["box"]]
        index[i] = len(keep)
        keep.append(o | {"box": box})
    rels = [[index[s], p, index[t]] for s, p, t in relations if s in index and t in index]
    return keep, rels, None if masks is None else [masks[i] for i in index], counts


def load_npy(path: Path, where: str) -> np.ndarray:
    """A 2-D numeric array from ``.npy`` (never with pickles)."""
    try:
        arr = np.load(path, allow_pickle=False)
    except FileNotFoundError:
        raise UserError(f"{where}: depth map {path} does not exist") from None
    except (ValueError, OSError) as e:
        raise UserError(f"{where}: depth map {path} is not a plain .npy array ({e})") from None
    if arr.ndim == 3 and 1 in (arr.shape[0], arr.shape[-1]):
        arr = arr.squeeze()
    if arr.ndim != 2 or not np.issubdtype(arr.dtype, np.number):
        raise UserError(f"{where}: depth map {path} has shape {arr.shape}, dtype {arr.dtype}; expected H x W numbers")
    return arr


def build_scene(scene_id: str, objects: list[dict], relations: list[list], width: float | None,
                height: float | None, masks: list[np.ndarray | None] | None = None,
                distances: np.ndarray | None = None) -> dict:
    """A model scene from parsed objects (label, box, attributes[, distance]) and relations.

    Boxes are clipped to the image when its size is known (else by :func:`finish`), and
    objects with nothing inside it dropped, counted under ``BOX_FIXES``. With a distance map, each object without a given distance gets the median over its
    mask (or box centre); with masks, each object gets points on it alone.
    """
    fixes: Counter = Counter()
    if width and height:
        objects, relations, masks, fixes = clip_objects(objects, relations, width, height, masks)
    masks = masks if masks is not None else [None] * len(objects)
    points = exclusive_points(masks, distances, seed=zlib.crc32(scene_id.encode()))
    objs = []
    for o, m, pts in zip(objects, masks, points):
        dist = o.get("distance")
        if dist is None and distances is not None:
            dist = object_distance(distances, m, o["box"])
        objs.append(make_object(o["label"], o["box"], o.get("attributes"), dist, pts,
                                pixels=None if m is None else int(m.sum())))
    has_depth = any(o["distance"] is not None for o in objs)
    gap = depth_gap(distances) if distances is not None else (_gap_from_objects(objs) if has_depth else None)
    return {"id": scene_id, "image": None, "width": width, "height": height, "objects": objs,
            "relations": [[int(s), str(p).strip().lower(), int(o)] for s, p, o in relations], "depth_gap": gap,
            BOX_FIXES: fixes}


def _gap_from_objects(objs: list[dict]) -> float:
    """Without a map, the minimum gap is a share of the spread of the objects' own distances."""
    ds = np.array([o["distance"] for o in objs if o["distance"] is not None], dtype=float)
    return round(max(float(ds.max() - ds.min()), 1e-6) * 0.1, 4)


def finish(scenes: list[tuple[dict, list[str]]], root: Path, source: str) -> tuple[list[dict], Counter]:
    """Resolve each scene's image (first candidate name found under ``root``), check that it is
    an image, fill a missing size from its header (and clip the boxes to it), and add data-set
    rarity weights. Returns the kept scenes and the counts of scenes skipped (``missing``,
    ``not_image``) and of boxes ``clipped`` or ``dropped``; no scene left is an error."""
    kept, missing, not_image, counts = [], [], [], Counter()
    for scene, candidates in tqdm(scenes, desc=f"checking images of {source}", unit="scene",
                                  disable=len(scenes) < PROGRESS_FROM, leave=False):
        path = next((p for p in (resolve_inside(root, c, f"{source}: scene {scene['id']}") for c in candidates) if p), None)
        if path is None:
            missing.append(candidates[0])
            continue
        size = header_size(path)
        if size is None:
            not_image.append(candidates[0])
            continue
        scene["image"] = path.relative_to(root.resolve()).as_posix()
        if not scene["width"] or not scene["height"]:
            scene["width"], scene["height"] = size
            scene["objects"], scene["relations"], _, fixes = clip_objects(
                scene["objects"], scene["relations"], *size)
            counts.update(fixes)
        counts.update(scene.pop(BOX_FIXES, {}))
        kept.append(scene)
    if not kept and not_image and not missing:
        raise UserError(f"{source}: no scene's image decodes as an image (first: {not_image[0]})")
    if not kept:
        first = f" (first: {missing[0]})" if missing else ""
        raise UserError(f"{source}: no scene has its image under {root}{first}; pass --image-root")
    counts.update(missing=len(missing), not_image=len(not_image))
    df = Counter(label for s in kept for label in {o["label"] for o in s["objects"]})
    for s in kept:
        s["rarity"] = {label: round(1 / sqrt(df[label]), 4) for label in sorted({o["label"] for o in s["objects"]})}
    return kept, counts
