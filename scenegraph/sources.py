"""Where a scene.* generator's scenes come from: the synthetic world, or a loaded set."""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from mmsynth.rand import pick_n, randint
from scenegraph.loaders import SceneSet, load_scene_set
from scenegraph.synthetic import render as synth_render
from scenegraph.synthetic.world import sample_scene, vocab


class SyntheticSource:
    """CLEVR-like scenes drawn on demand; a sample's images share a small palette so that
    multi-image questions find common concepts."""

    label = "synthetic"

    def draw(self, rng: np.random.Generator, n: int) -> dict:
        palette = None
        if n > 1:
            v, m = vocab(), vocab()["multi"]
            palette = {"shapes": pick_n(rng, v["shapes"], m["shapes"]), "colors": pick_n(rng, list(v["colors"]), m["colors"]),
                       "objects": m["objects"]}
        layouts, scenes = [], []
        for k in range(n):
            layout, scene = sample_scene(rng, f"synthetic-{k}", palette)
            layouts.append(layout)
            scenes.append(scene)
        return {"scenes": scenes, "layouts": layouts}

    def style(self, rng: np.random.Generator) -> dict:
        return {"noise_seed": randint(rng, 0, 2 ** 31 - 1)}

    def images(self, spec: dict, style: dict) -> list[Image.Image]:
        return [synth_render.render(layout, style.get("noise_seed", 0) + k) for k, layout in enumerate(spec["layouts"])]


class LoadedSource:
    """Scenes from ``--scenes FORMAT:PATH``; images are the real files under the image root."""

    def __init__(self, scenes: str, image_root: str | None) -> None:
        self.set: SceneSet = load_scene_set(scenes, image_root)
        self.label = self.set.label

    @property
    def size(self) -> int:
        return len(self.set.scenes)

    def draw(self, rng: np.random.Generator, n: int) -> dict:
        chosen = pick_n(rng, self.set.scenes, min(n, self.size))
        return {"scenes": chosen, "dataset": self.label}

    def style(self, rng: np.random.Generator) -> dict:
        return {}

    def images(self, spec: dict, style: dict) -> list[Path]:
        return [self.set.root.resolve() / s["image"] for s in spec["scenes"]]
