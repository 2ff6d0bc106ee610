"""Drawing toolkit shared by the renderers: fonts, named colours, palettes, and a Canvas
that records the box of every text it draws.

The recorded boxes make legibility checkable by construction: tests assert that no two
labels overlap and that every text is at least :data:`MIN_TEXT_PX` tall, and
``perf/legibility.py`` compares them with what OCR reads back.
"""
from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from importlib import resources

import numpy as np
import yaml
from PIL import Image, ImageDraw, ImageFont

MIN_TEXT_PX = 10
FONT_FILES = {
    "sans": "DejaVuSans.ttf", "sans-bold": "DejaVuSans-Bold.ttf", "sans-italic": "DejaVuSans-Oblique.ttf",
    "serif": "DejaVuSerif.ttf", "serif-bold": "DejaVuSerif-Bold.ttf", "serif-italic": "DejaVuSerif-Italic.ttf",
    "mono": "DejaVuSansMono.ttf", "mono-bold": "DejaVuSansMono-Bold.ttf", "stix": "STIXGeneral.ttf",
    "stix-bold": "STIXGeneralBol.ttf",
}
FONT_FAMILIES = ("sans", "serif", "mono", "stix")
RGB = tuple[int, int, int]


def _font_dir() -> str:
    import matplotlib
    return os.path.join(os.path.dirname(matplotlib.__file__), "mpl-data", "fonts", "ttf")


@functools.lru_cache(maxsize=256)
def font(name: str, size: int) -> ImageFont.FreeTypeFont:
    """A TrueType font by short name (see FONT_FILES) and pixel size, cached."""
    return ImageFont.truetype(os.path.join(_font_dir(), FONT_FILES[name]), int(size))


def bold(family: str) -> str:
    """The bold variant of a font family name ('sans' -> 'sans-bold'); mono/serif/stix too."""
    return f"{family.split('-')[0]}-bold"


@functools.lru_cache(maxsize=None)
def _load_yaml(name: str) -> dict:
    return yaml.safe_load(resources.files("mmsynth.data").joinpath(name).read_text())


def colors() -> dict[str, RGB]:
    """Named colours (name -> RGB), far enough apart to be named without doubt."""
    return {k: tuple(v) for k, v in _load_yaml("colors.yaml").items()}


def palettes() -> dict[str, list[str]]:
    """Palettes as lists of colour names."""
    return dict(_load_yaml("palettes.yaml"))


def rgb(name: str) -> RGB:
    return colors()[name]


def luminance(c: RGB) -> float:
    return (0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]) / 255


def text_color_on(bg: RGB) -> RGB:
    """Black or white, whichever reads better on ``bg``."""
    return (20, 20, 20) if luminance(bg) > 0.55 else (250, 250, 250)


Box = tuple[float, float, float, float]


@dataclass
class TextBox:
    """A text drawn on a canvas: its string, its pixel box (x0, y0, x1, y1), its role and angle."""
    text: str
    box: Box
    role: str = "label"
    angle: float = 0.0

    @property
    def height(self) -> float:
        return self.box[3] - self.box[1]


def boxes_overlap(a: Box, b: Box, pad: float = 0.0) -> bool:
    """True when two boxes intersect (after growing each by ``pad`` pixels)."""
    return not (a[2] + pad <= b[0] or b[2] + pad <= a[0] or a[3] + pad <= b[1] or b[3] + pad <= a[1])


def find_overlaps(texts: list[TextBox], pad: float = 0.0) -> list[tuple[TextBox, TextBox]]:
    """Every pair of recorded texts whose boxes intersect."""
    out = []
    for i, a in enumerate(texts):
        for b in texts[i + 1:]:
            if boxes_overlap(a.box, b.box, pad):
                out.append((a, b))
    return out


class Canvas:
    """A PIL image plus the list of texts drawn on it.

    ``text`` refuses (ValueError) a text smaller than MIN_TEXT_PX, and ``fits`` tells a
    layout whether a box is free, so renderers can place labels without overlaps.
    """

    def __init__(self, width: int, height: int, background: RGB = (255, 255, 255)):
        self.image = Image.new("RGB", (int(width), int(height)), background)
        self.draw = ImageDraw.Draw(self.image)
        self.texts: list[TextBox] = []

    @property
    def size(self) -> tuple[int, int]:
        return self.image.size

    def measure(self, s: str, fnt: ImageFont.FreeTypeFont, anchor: str = "la") -> Box:
        """The box that ``s`` would occupy when drawn at (0, 0) with ``anchor``."""
        return self.draw.textbbox((0, 0), s, font=fnt, anchor=anchor)

    def text_box(self, xy: tuple[float, float], s: str, fnt: ImageFont.FreeTypeFont,
                 anchor: str = "la", angle: float = 0.0) -> Box:
        """The box of ``s`` drawn at ``xy`` (rotated by ``angle`` degrees about ``xy``)."""
        x0, y0, x1, y1 = self.measure(s, fnt, anchor)
        if angle:
            t = np.deg2rad(angle)
            pts = np.array([[x0, y0], [x1, y0], [x0, y1], [x1, y1]], dtype=float)
            rot = np.array([[np.cos(t), np.sin(t)], [-np.sin(t), np.cos(t)]])
            pts = pts @ rot.T
            x0, y0 = pts.min(axis=0)
            x1, y1 = pts.max(axis=0)
        return (xy[0] + x0, xy[1] + y0, xy[0] + x1, xy[1] + y1)

    def fits(self, box: Box, pad: float = 2.0, inside: bool = True) -> bool:
        """True when ``box`` overlaps no recorded text and (optionally) lies inside the image."""
        if inside and (box[0] < 0 or box[1] < 0 or box[2] > self.size[0] or box[3] > self.size[1]):
            return False
        return not any(boxes_overlap(box, t.box, pad) for t in self.texts)

    def text(self, xy: tuple[float, float], s: str, fnt: ImageFont.FreeTypeFont, fill: RGB = (0, 0, 0),
             anchor: str = "la", angle: float = 0.0, role: str = "label", record: bool = True) -> TextBox:
        """Draw ``s`` and record its box. ``angle`` rotates counter-clockwise about ``xy``."""
        if not s:
            raise ValueError("empty text")
        if fnt.size < MIN_TEXT_PX:
            raise ValueError(f"text {s!r} in a {fnt.size}px font is below the {MIN_TEXT_PX}px minimum")
        box = self.text_box(xy, s, fnt, anchor, angle)
        if angle:
            bx0, by0, bx1, by1 = self.measure(s, fnt, anchor)
            layer = Image.new("L", (int(bx1 - bx0) + 4, int(by1 - by0) + 4), 0)
            ImageDraw.Draw(layer).text((2 - bx0, 2 - by0), s, font=fnt, fill=255, anchor=anchor)
            layer = layer.rotate(angle, expand=True, resample=Image.BICUBIC)
            cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
            pos = (int(round(cx - layer.size[0] / 2)), int(round(cy - layer.size[1] / 2)))
            self.image.paste(Image.new("RGB", layer.size, fill), pos, layer)
        else:
            self.draw.text(xy, s, font=fnt, fill=fill, anchor=anchor)
        tb = TextBox(s, tuple(float(v) for v in box), role, float(angle))
        if record:
            self.texts.append(tb)
        return tb

    def finish(self, noise: float = 0.0, seed: int = 0) -> Image.Image:
        """The image, with light Gaussian pixel noise of std ``noise`` (0-255 scale) if asked."""
        if noise <= 0:
            return self.image
        arr = np.asarray(self.image, dtype=np.int16)
        rng = np.random.default_rng(seed)
        arr = arr + rng.normal(0.0, noise, size=arr.shape[:2] + (1,)).astype(np.int16)
        return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
