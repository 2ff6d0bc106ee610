"""The registered ``scene.*`` generators, declared in ``generators.yaml``.

One class, :class:`SceneGenerator`, runs any list of single- or multi-image families
on scenes from a :mod:`scenegraph.sources` source: synthetic by default, loaded with
``scenes="FORMAT:PATH"`` (and ``image_root``), which ``mmsynth generate --scenes``
passes. Loaded scenes are never rendered: their real image files are returned.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import yaml

from mmsynth.errors import CannotRun, NotApplicable, UserError
from mmsynth.describe import is_describe
from mmsynth.generator import Generator, Rendered
from mmsynth.questions import QuestionFamily
from mmsynth.rand import randint
from mmsynth.registry import register
from scenegraph.questions import multi, single
from scenegraph.questions.multi import image_name
from scenegraph.sources import LoadedSource, SyntheticSource

ATTEMPTS = 30
ALL_FAMILIES = {f.name: f for f in single.FAMILIES + multi.FAMILIES}


class SceneGenerator(Generator):
    """Scene-graph questions (ProVision-style) on synthetic or loaded scenes."""

    task = "scene"
    images_range: ClassVar[tuple[int, int]] = (1, 1)
    needs: ClassVar[str] = "objects"

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        if options.get("scenes"):
            self.source: SyntheticSource | LoadedSource = LoadedSource(options["scenes"], options.get("image_root"))
            if self.images_range[0] > self.source.size:
                raise CannotRun(f"{self.name} shows {self.images_range[0]} images per sample but "
                                f"{self.source.label} has {self.source.size} usable scene(s)")
        elif options.get("image_root"):
            raise UserError("--image-root needs --scenes (synthetic scenes have no image files)")
        else:
            self.source = SyntheticSource()

    def sample_spec(self, rng: np.random.Generator) -> dict:
        """Scenes on which at least one of this generator's families is well posed."""
        for _ in range(ATTEMPTS):
            spec = self.source.draw(rng, randint(rng, *self.images_range))
            if self._applies(spec, np.random.default_rng(int(rng.integers(2 ** 63)))):
                return spec
        raise RuntimeError(f"{self.name}: no well-posed question on {ATTEMPTS} draws from "
                           f"{self.source.label} (these questions need {self.needs})")

    def _applies(self, spec: dict, rng: np.random.Generator) -> bool:
        for fam in self.families:
            if is_describe(fam.name):   # a description always applies; the generator's own questions must
                continue
            try:
                fam.solve(spec, **fam.bind(spec, rng))
                return True
            except NotApplicable:
                continue
        return False

    def sample_style(self, rng: np.random.Generator) -> dict:
        return self.source.style(rng)

    def render(self, spec: dict, style: dict) -> Rendered:
        return Rendered(images=self.source.images(spec, style))

    def image_prefix(self, n_images: int) -> str | None:
        if self.images_range[1] == 1:
            return None
        return "".join(f"{image_name(k)}: <image>\n" for k in range(n_images))


def _declare(name: str, d: dict) -> type[SceneGenerator]:
    families: list[QuestionFamily] = [ALL_FAMILIES[f] for f in d["families"]]
    cls = type(name.replace(".", "_"), (SceneGenerator,), {
        "__doc__": d["doc"], "__module__": __name__, "families": families,
        "images_range": tuple(d.get("images", (1, 1))), "needs": d.get("needs", "objects")})
    return register(name)(cls)


GENERATORS = {name: _declare(name, d)
              for name, d in yaml.safe_load(Path(__file__).with_name("generators.yaml").read_text()).items()}
