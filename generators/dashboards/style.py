"""Cosmetic style shared by dashboard and puzzle renderers: font, background,
image size and light noise, all drawn from the sample's rng (answers never depend on it)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import yaml

from mmsynth.draw import FONT_FAMILIES, RGB
from mmsynth.rand import pick, randint, uniform

STYLE_VOCAB = yaml.safe_load(Path(__file__).with_name("style.yaml").read_text())


def sample_base_style(rng: np.random.Generator, sizes: str = "single", dark_ok: bool = True) -> dict:
    """Font family, background colour, image size, and a noise level with its seed.

    Colours a question may name live in the spec, never here."""
    backgrounds = STYLE_VOCAB["backgrounds_light"] + (STYLE_VOCAB["backgrounds_dark"] if dark_ok else [])
    width, height = pick(rng, STYLE_VOCAB["sizes"][sizes])
    scale = uniform(rng, 0.9, 1.15)
    return {
        "font": pick(rng, FONT_FAMILIES),
        "background": list(pick(rng, backgrounds)),
        "width": int(width * scale), "height": int(height * scale),
        "noise": pick(rng, [0.0, 0.0, uniform(rng, 1.0, 4.0)]),
        "noise_seed": randint(rng, 0, 2**31 - 1),
    }


def background(style: dict) -> RGB:
    return tuple(style["background"])  # type: ignore[return-value]
