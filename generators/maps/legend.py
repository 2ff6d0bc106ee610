"""Map furniture drawn in the title band: the title and a compass rose whose N, E, S, W
letters are recorded texts like every other label."""
from __future__ import annotations

from PIL import ImageFont

from mmsynth.draw import RGB, Canvas, bold, font


def compass_rose(canvas: Canvas, center: tuple[float, float], radius: float, family: str,
                 ink: RGB, accent: RGB) -> tuple[float, float, float, float]:
    """Draw a compass rose (north up) with its four letters; return its bounding box."""
    cx, cy = center
    r, w = radius, radius * 0.28
    d = canvas.draw
    d.polygon([(cx, cy - r), (cx - w, cy), (cx, cy + r), (cx + w, cy)], outline=ink, fill=(255, 255, 255))
    d.polygon([(cx - r, cy), (cx, cy - w), (cx + r, cy), (cx, cy + w)], outline=ink, fill=(255, 255, 255))
    d.polygon([(cx, cy - r), (cx - w, cy), (cx + w, cy)], fill=accent)
    fnt = font(bold(family), max(11, int(radius * 0.6)))
    gap = 3
    canvas.text((cx, cy - r - gap), "N", fnt, ink, anchor="ms", role="compass")
    canvas.text((cx, cy + r + gap), "S", fnt, ink, anchor="mt", role="compass")
    canvas.text((cx + r + gap, cy), "E", fnt, ink, anchor="lm", role="compass")
    canvas.text((cx - r - gap, cy), "W", fnt, ink, anchor="rm", role="compass")
    boxes = [t.box for t in canvas.texts[-4:]]
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def rose_extent(radius: float, family: str) -> float:
    """Half the width/height a rose of ``radius`` needs with its letters."""
    fnt: ImageFont.FreeTypeFont = font(bold(family), max(11, int(radius * 0.6)))
    return radius + 3 + fnt.size * 1.1


def title_band(canvas: Canvas, title: str, family: str, size: int, ink: RGB, x: float, y: float,
               anchor: str = "lm") -> None:
    canvas.text((x, y), title, font(bold(family), size), ink, anchor=anchor, role="title")
