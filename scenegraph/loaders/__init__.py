"""Scene-graph loaders: ``FORMAT:PATH`` (vg, gqa, provision, coco) -> model scenes.

Loaded sets are cached per process: generators are created once per worker and
several ``scene.*`` generators share one set.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from mmsynth.errors import UserError
from scenegraph.loaders import coco, gqa, provision, vg
from scenegraph.loaders.common import finish
from scenegraph.model import check_scene

LOADERS: dict[str, Callable[[Path], list]] = {"vg": vg.load, "gqa": gqa.load, "provision": provision.load,
                                              "coco": coco.load}


@dataclass(frozen=True)
class SceneSet:
    """Loaded scenes whose images exist under ``root`` (``scene["image"]`` is relative to it)."""
    scenes: list[dict]
    root: Path
    skipped: int
    label: str
    boxes_clipped: int = 0
    boxes_dropped: int = 0


_CACHE: dict[tuple[str, str, str], SceneSet] = {}


def parse_scenes_option(value: str) -> tuple[str, Path]:
    """``"vg:/data/scene_graphs.json"`` -> ``("vg", Path(...))``, with one-line errors."""
    fmt, sep, path = str(value).partition(":")
    fmt = fmt.strip().lower()
    if not sep or not path:
        raise UserError(f"--scenes {value!r}: expected FORMAT:PATH with FORMAT one of {', '.join(LOADERS)}")
    if fmt not in LOADERS:
        raise UserError(f"--scenes {value!r}: unknown format {fmt!r}; use one of {', '.join(LOADERS)}")
    p = Path(path).expanduser()
    if not p.exists():
        raise UserError(f"--scenes {value!r}: {p} does not exist")
    return fmt, p


def load_scene_set(value: str, image_root: str | Path | None = None) -> SceneSet:
    """Load (once per process) the scenes named by ``--scenes``; images resolved under ``image_root``
    (default: the folder of the scenes file, or the folder itself)."""
    fmt, path = parse_scenes_option(value)
    root = Path(image_root).expanduser() if image_root else (path if path.is_dir() else path.parent)
    if not root.is_dir():
        raise UserError(f"--image-root {root}: not a folder")
    key = (fmt, str(path.resolve()), str(root.resolve()))
    if key not in _CACHE:
        label = f"{fmt}:{path}"
        scenes, counts = finish(LOADERS[fmt](path), root, label)
        skipped = counts["missing"] + counts["not_image"]
        for s in scenes:
            try:
                check_scene(s, f"{label}: scene {s['id']}")
            except ValueError as e:
                raise UserError(str(e)) from None
        for n, what in ((counts["missing"], f"scene(s) whose image is not under {root}"),
                        (counts["not_image"], "scene(s) whose image file does not decode as an image")):
            if n:
                print(f"mmsynth: {label}: skipped {n} {what}", file=sys.stderr)
        if counts["clipped"] or counts["dropped"]:
            print(f"mmsynth: {label}: {counts['clipped']} box(es) clipped to their image, {counts['dropped']} "
                  "object(s) dropped (box outside the image or not a number)", file=sys.stderr)
        _CACHE[key] = SceneSet(scenes, root, skipped, label, counts["clipped"], counts["dropped"])
    return _CACHE[key]
