"""Synthetic CLEVR-like scenes: a random layout of objects on a floor, and the exact scene
graph (boxes, attributes, distances, points, relations) read off its ray cast."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

from mmsynth.rand import pick, randint, uniform
from scenegraph.depth import exclusive_points
from scenegraph.model import make_object
from scenegraph.relations import params
from scenegraph.synthetic.raycast import FLOOR, Camera, Cast, cast, intersect, screen_window

MIN_VISIBLE_PX = 80
MIN_SPACING = 0.25
ATTEMPTS = 40


@lru_cache(maxsize=None)
def vocab() -> dict:
    """The synthetic world's vocabulary and camera (``vocab.yaml``)."""
    return yaml.safe_load(Path(__file__).with_name("vocab.yaml").read_text())


def camera(layout: dict) -> Camera:
    c = layout["camera"]
    return Camera(layout["width"], layout["height"], c["height"], c["pitch"], c["focal"])


def sample_scene(rng: np.random.Generator, scene_id: str, palette: dict | None = None) -> tuple[dict, dict]:
    """A layout (what the renderer draws) and its exact scene graph; see :func:`sample_layout`."""
    layout, c = sample_layout(rng, palette)
    return layout, scene_graph(layout, scene_id, c)


def sample_layout(rng: np.random.Generator, palette: dict | None = None) -> tuple[dict, Cast]:
    """Objects placed on the floor without touching, every one visible enough in the image.

    ``palette`` restricts shapes, colours and the object count (``{"shapes": [...],
    "colors": [...], "objects": [lo, hi]}``), so the images of one multi-image sample
    share concepts.
    """
    v = vocab()
    palette = palette or {}
    shapes, colors = palette.get("shapes") or v["shapes"], palette.get("colors") or list(v["colors"])
    for _ in range(ATTEMPTS):
        objects: list[dict] = []
        n = randint(rng, *palette.get("objects", v["objects"]))
        for _ in range(n * 20):
            if len(objects) == n:
                break
            size = pick(rng, list(v["sizes"]))
            extent = v["sizes"][size]
            z = uniform(rng, *v["floor"]["z"])
            half = v["floor"]["x_share"] * z / (2 * v["camera"]["focal"])
            obj = {"shape": pick(rng, shapes), "color": pick(rng, colors), "material": pick(rng, v["materials"]),
                   "size": size, "extent": extent, "x": round(uniform(rng, -half, half), 3),
                   "z": round(z, 3), "rot": round(uniform(rng, 0, np.pi / 2), 3)}
            if all(np.hypot(obj["x"] - o["x"], obj["z"] - o["z"]) > 1.3 * (extent + o["extent"]) + MIN_SPACING
                   for o in objects):
                objects.append(obj)
        light = [round(uniform(rng, -0.7, 0.7), 3), round(uniform(rng, 0.6, 1.0), 3), round(uniform(rng, -0.6, -0.1), 3)]
        layout = {"objects": objects, "camera": dict(v["camera"]), "width": v["image"]["width"],
                  "height": v["image"]["height"], "light": light}
        c = cast(objects, camera(layout))
        visible = np.bincount(c.labels[c.labels != FLOOR].ravel(), minlength=len(objects))
        if len(objects) >= 2 and visible.min() >= MIN_VISIBLE_PX:
            return layout, c
    raise RuntimeError("could not place a visible layout")  # practically unreachable: tested over seeds


def scene_graph(layout: dict, scene_id: str, c: Cast | None = None) -> dict:
    """The exact scene graph of a layout: visible boxes and masks, distances, points, and what
    the image shows of each object (visible pixels and share, floor position, whether its
    size word holds visually). Relations are not listed: the engine computes every pair
    from this geometry (:mod:`scenegraph.relations`)."""
    cam = camera(layout)
    c = c if c is not None else cast(layout["objects"], cam)
    objs, masks = [], []
    for k, o in enumerate(layout["objects"]):
        mask = c.labels == k
        ys, xs = np.nonzero(mask)
        masks.append(mask)
        objs.append((o, [int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1],
                     float(np.median(c.distance[mask])), int(mask.sum())))
    points = exclusive_points(masks, c.distance, seed=int(abs(hash_layout(layout))))
    full = [silhouette_pixels(o, cam) for o in layout["objects"]]
    unclear = unclear_sizes(layout["objects"], full)
    objects = [make_object(o["shape"], box, [a for a in (o["size"], o["color"], o["material"]) if k not in unclear or a != o["size"]],
                           dist, pts, pixels=px, visible=round(px / max(full[k], 1), 3),
                           ground=[o["x"], o["z"], round(footprint(o), 3)], unclear=["size"] if k in unclear else None)
               for k, ((o, box, dist, px), pts) in enumerate(zip(objs, points))]
    return {"id": scene_id, "image": None, "width": layout["width"], "height": layout["height"],
            "objects": objects, "relations": [], "depth_gap": vocab()["depth_gap"],
            "rarity": {o["label"]: 1.0 for o in objects}}


def silhouette_pixels(obj: dict, cam: Camera) -> int:
    """Pixels the object would cover with nothing in front of it."""
    rows, cols = screen_window(obj, cam, 1)
    t, _ = intersect(obj, cam.origin, cam.rays(1)[rows, cols])
    return int(np.isfinite(t).sum())


def footprint(obj: dict) -> float:
    """Radius of the object's footprint on the floor (a cube's half-diagonal)."""
    s = obj["extent"]
    return {"cube": s * 0.8 * np.sqrt(2), "cylinder": s * 0.85}.get(obj["shape"], s)


def unclear_sizes(objects: list[dict], full: list[int]) -> set[int]:
    """Objects whose size word does not hold visually: a "large" one that does not look clearly
    bigger than every "small" one (apparent size = sqrt of the unoccluded silhouette), or the
    reverse; with no object of the other size to compare with, every size is unclear."""
    ratio = params()["size_ratio"]
    apparent = [float(np.sqrt(f)) for f in full]
    out = set()
    for k, o in enumerate(objects):
        others = [apparent[j] for j, p in enumerate(objects) if p["size"] != o["size"]]
        if not others:
            out.add(k)
        elif o["size"] == "large" and apparent[k] < ratio * max(others):
            out.add(k)
        elif o["size"] == "small" and apparent[k] * ratio > min(others):
            out.add(k)
    return out


def hash_layout(layout: dict) -> int:
    """A stable number from the layout's positions (seeds the point sampling)."""
    return int(sum((k + 1) * (o["x"] * 1000 + o["z"] * 7919) for k, o in enumerate(layout["objects"])))
