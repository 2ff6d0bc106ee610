"""Cosmetic choices and drawing primitives shared by the relation-graph renderers.

Answers never depend on anything here: the style only changes how a spec looks.
"""
from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import yaml
from PIL import ImageFont

from mmsynth.draw import FONT_FAMILIES, MIN_TEXT_PX, RGB, Canvas, font, palettes, rgb
from mmsynth.rand import pick, randint, uniform

from generators.graphs.geometry import Box, Point


@functools.lru_cache(maxsize=None)
def vocab() -> dict:
    """The vocabularies of vocab.yaml (names, titles, node-label themes)."""
    return yaml.safe_load(Path(__file__).with_name("vocab.yaml").read_text())


def sample_style(rng: np.random.Generator) -> dict:
    """Font, sizes, palette, box shape, line width, spacing and pixel noise, drawn from the seed."""
    return {"font": pick(rng, FONT_FAMILIES), "font_size": randint(rng, 13, 16),
            "palette": pick(rng, sorted(palettes())), "rounded": bool(rng.random() < 0.5),
            "line_width": randint(rng, 1, 3), "hgap": randint(rng, 14, 28), "vgap": randint(rng, 34, 54),
            "tint": round(uniform(rng, 0.65, 0.9), 3), "noise": pick(rng, [0.0, 0.0, 1.5, 3.0]),
            "noise_seed": randint(rng, 0, 2**31 - 1)}


def snap(xy: tuple[float, float]) -> tuple[int, int]:
    """A text anchor on whole pixels, so the recorded box height is the measured ink height exactly."""
    return round(xy[0]), round(xy[1])


def tint(color: RGB, amount: float) -> RGB:
    """``color`` blended towards white by ``amount`` (0: unchanged, 1: white)."""
    return tuple(int(round(c + (255 - c) * amount)) for c in color)  # type: ignore[return-value]


def palette_colors(style: dict) -> list[RGB]:
    return [rgb(name) for name in palettes()[style["palette"]]]


def text_size(fnt: ImageFont.FreeTypeFont, s: str) -> tuple[float, float]:
    """Width and height of ``s`` drawn centred (anchor 'mm') in ``fnt``."""
    x0, y0, x1, y1 = fnt.getbbox(s, anchor="mm")
    return x1 - x0, y1 - y0


@functools.lru_cache(maxsize=8192)
def min_legible_size(name: str, s: str) -> int:
    """The smallest pixel size of font ``name`` at which ``s``'s ink is MIN_TEXT_PX tall.

    A lowercase word without ascenders needs a larger size than a capitalised one; the
    renderers take the largest need of the texts sharing a font, so every drawn text
    meets the minimum by construction.
    """
    for size in range(MIN_TEXT_PX, 64):
        if text_size(font(name, size), s)[1] >= MIN_TEXT_PX:
            return size
    raise ValueError(f"{s!r} has no ink tall enough to be legible")


def legible_font(name: str, size: int, texts: list[str]) -> ImageFont.FreeTypeFont:
    """Font ``name`` at ``size``, or larger where one of ``texts`` would otherwise be too short."""
    return font(name, max([size] + [min_legible_size(name, t) for t in texts]))


def draw_box(canvas: Canvas, box: Box, fill: RGB, outline: RGB, width: int, rounded: bool) -> None:
    if rounded:
        canvas.draw.rounded_rectangle(box, radius=8, fill=fill, outline=outline, width=width)
    else:
        canvas.draw.rectangle(box, fill=fill, outline=outline, width=width)


def draw_polyline(canvas: Canvas, points: list[Point], color: RGB, width: int) -> None:
    canvas.draw.line(points, fill=color, width=width, joint="curve")


def draw_arrowhead(canvas: Canvas, tip: Point, tail: Point, color: RGB, size: float) -> None:
    """A filled triangle pointing from ``tail`` towards ``tip``, its point at ``tip``."""
    d = np.subtract(tip, tail).astype(float)
    d /= max(np.hypot(*d), 1e-9)
    n = np.array([-d[1], d[0]])
    base = np.asarray(tip) - d * size
    pts = [tuple(tip), tuple(base + n * size * 0.45), tuple(base - n * size * 0.45)]
    canvas.draw.polygon([(float(x), float(y)) for x, y in pts], fill=color)
