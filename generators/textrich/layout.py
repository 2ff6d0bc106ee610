"""Page layout for text-rich documents: every word is placed and measured at sampling time.

The spec stores each line's font, size, colour and angle and each word's anchor point
and pixel box, so the questions (what is written at a position, below a line) are
answered from the same boxes the renderer then draws through ``Canvas.text``.
Words are drawn one by one (anchor ``ls``: left end of the baseline); a rotated line
steps its words along the rotated baseline.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from PIL import Image, ImageDraw

from mmsynth.draw import MIN_TEXT_PX, Canvas, boxes_overlap, font
from mmsynth.generator import Rendered

RGB = tuple[int, int, int]
_MEASURE = Canvas(1, 1)
WORD_PAD = 2.0


def fit_size(text: str, family: str, size: int, max_width: float) -> int:
    """The largest size <= ``size`` at which ``text`` is at most ``max_width`` wide (never below the minimum)."""
    while size > MIN_TEXT_PX + 2 and font(family, size).getlength(text) > max_width:
        size -= 1
    return size


def text_width(text: str, family: str, size: int) -> float:
    return font(family, size).getlength(text)


def rotate_points(points: list[tuple[float, float]], origin: tuple[float, float], angle: float
                  ) -> list[list[float]]:
    """Points rotated counter-clockwise (as seen on screen) by ``angle`` degrees about ``origin``."""
    t = math.radians(angle)
    c, s = math.cos(t), math.sin(t)
    ox, oy = origin
    return [[round(ox + (x - ox) * c + (y - oy) * s, 1), round(oy - (x - ox) * s + (y - oy) * c, 1)]
            for x, y in points]


def union(boxes: list[list[float]]) -> list[float]:
    return [min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)]


def make_line(text: str, x: float, baseline: float, family: str, size: int, color: RGB, role: str,
              align: str = "left", angle: float = 0.0, key: str | None = None) -> dict:
    """A line of words whose baseline starts (align left), centres or ends (right) at ``(x, baseline)``."""
    fnt = font(family, size)
    total = fnt.getlength(text)
    shift = {"left": 0.0, "center": -total / 2, "right": -total}[align]
    t = math.radians(angle)
    words, pos = [], 0
    for tok in text.split():
        start = text.index(tok, pos)
        pos = start + len(tok)
        d = shift + fnt.getlength(text[:start])
        xy = (int(round(x + d * math.cos(t))), int(round(baseline - d * math.sin(t))))
        box = _MEASURE.text_box(xy, tok, fnt, "ls", angle)
        words.append({"text": tok, "xy": list(xy), "box": [round(v, 2) for v in box]})
    return {"text": " ".join(w["text"] for w in words), "role": role, "key": key, "font": family, "size": size,
            "color": list(color), "angle": round(angle, 2), "words": words,
            "box": union([w["box"] for w in words])}


def shift_line(line: dict, dx: float, dy: float) -> dict:
    """The same line moved by whole pixels (boxes move with the anchors)."""
    dx, dy = int(round(dx)), int(round(dy))
    words = [{"text": w["text"], "xy": [w["xy"][0] + dx, w["xy"][1] + dy],
              "box": [round(w["box"][0] + dx, 2), round(w["box"][1] + dy, 2),
                      round(w["box"][2] + dx, 2), round(w["box"][3] + dy, 2)]} for w in line["words"]]
    return {**line, "words": words, "box": union([w["box"] for w in words])}


@dataclass
class Page:
    """A document being laid out: size, background, shapes behind the text, and the lines."""
    width: int
    height: int
    background: dict
    lines: list[dict] = field(default_factory=list)
    shapes: list[dict] = field(default_factory=list)

    def fits(self, line: dict, pad: float = WORD_PAD) -> bool:
        """True when every word of ``line`` lies inside the page, clear of every placed word and
        of its neighbours in the line (the boxes of tilted words grow into the spaces)."""
        words = line["words"]
        for i, w in enumerate(words):
            b = w["box"]
            if b[0] < 0 or b[1] < 0 or b[2] > self.width or b[3] > self.height:
                return False
            if any(boxes_overlap(b, o["box"], pad) for ln in self.lines for o in ln["words"]):
                return False
            if any(boxes_overlap(b, o["box"]) for o in words[i + 1:]):
                return False
        return True

    def add(self, line: dict) -> dict:
        self.lines.append(line)
        return line

    def shape(self, kind: str, **params) -> None:
        """A background shape: ``rect`` (box, fill, outline, width, radius), ``ellipse`` (box, fill),
        ``line`` (points, fill, width) or ``polygon`` (points, fill)."""
        self.shapes.append({"shape": kind, **params})

    def spec(self) -> dict:
        return {"width": self.width, "height": self.height, "background": self.background,
                "shapes": self.shapes, "lines": self.lines}


class Flow:
    """Places lines top to bottom in a column (between the side margins, or between ``x0`` and
    ``x1`` for one column of several), advancing a cursor."""

    def __init__(self, page: Page, margin: int, top: int, x0: float | None = None, x1: float | None = None):
        self.page = page
        self.margin = margin
        self.y = float(top)
        self.x0 = margin if x0 is None else x0
        self.x1 = page.width - margin if x1 is None else x1

    @property
    def inner_width(self) -> float:
        return self.x1 - self.x0

    def line(self, text: str, family: str, size: int, color: RGB, role: str, align: str = "left",
             key: str | None = None, gap: float = 0.35, angle: float = 0.0, indent: float = 0) -> dict:
        """One line under the previous ones (shrunk to fit the width; a rotated line whose
        box would overlap is laid flat)."""
        size = fit_size(text, family, size, self.inner_width - indent)
        x = {"left": self.x0 + indent, "center": (self.x0 + self.x1) / 2, "right": self.x1}[align]
        line = make_line(text, x, 0, family, size, color, role, align, angle, key)
        line = shift_line(line, 0, self.y - line["box"][1])
        if angle and not self.page.fits(line):
            return self.line(text, family, size, color, role, align, key, gap, 0.0, indent)
        self.page.add(line)
        self.y = line["box"][3] + gap * size
        return line

    def row(self, left: str, right: str, family: str, size: int, color: RGB, role: str,
            key: str | None = None, gap: float = 0.35) -> tuple[dict, dict]:
        """A label at the column's left edge and a value at its right edge on one baseline."""
        room = self.inner_width - text_width(right, family, size) - 2 * size
        size = min(size, fit_size(left, family, size, room))
        ascent = font(family, size).getmetrics()[0]
        baseline = self.y + ascent
        a = self.page.add(make_line(left, self.x0, baseline, family, size, color, role, "left", key=key))
        b = self.page.add(make_line(right, self.x1, baseline, family, size, color, role + "_value", "right",
                                    key=key))
        self.y = max(a["box"][3], b["box"][3], baseline) + gap * size
        return a, b

    def skip(self, px: float) -> None:
        self.y += px


def _draw_background(img: Image.Image, bg: dict) -> None:
    if bg["type"] != "gradient":
        return
    draw = ImageDraw.Draw(img)
    (r0, g0, b0), (r1, g1, b1) = bg["colors"]
    h = img.size[1]
    for y in range(h):
        f = y / max(h - 1, 1)
        draw.line([(0, y), (img.size[0], y)],
                  fill=(int(r0 + (r1 - r0) * f), int(g0 + (g1 - g0) * f), int(b0 + (b1 - b0) * f)))


def _draw_shape(draw: ImageDraw.ImageDraw, s: dict) -> None:
    fill = tuple(s["fill"]) if s.get("fill") else None
    if s["shape"] == "rect":
        outline = tuple(s["outline"]) if s.get("outline") else None
        draw.rounded_rectangle(s["box"], radius=s.get("radius", 0), fill=fill, outline=outline,
                               width=s.get("width", 1))
    elif s["shape"] == "ellipse":
        draw.ellipse(s["box"], fill=fill)
    elif s["shape"] == "line":
        draw.line([tuple(p) for p in s["points"]], fill=fill, width=s.get("width", 1))
    elif s["shape"] == "polygon":
        draw.polygon([tuple(p) for p in s["points"]], fill=fill)
    else:
        raise ValueError(f"unknown shape {s['shape']!r}")


def render_page(spec: dict, style: dict) -> Rendered:
    """Draw a laid-out document: background, shapes, then every word through ``Canvas.text``."""
    bg = spec["background"]
    canvas = Canvas(spec["width"], spec["height"], tuple(bg["colors"][0]))
    _draw_background(canvas.image, bg)
    for s in spec["shapes"]:
        _draw_shape(canvas.draw, s)
    for line in spec["lines"]:
        fnt = font(line["font"], line["size"])
        for w in line["words"]:
            canvas.text(tuple(w["xy"]), w["text"], fnt, fill=tuple(line["color"]), anchor="ls",
                        angle=line["angle"], role=line["role"])
    return Rendered([canvas.finish(style.get("noise", 0.0), style.get("noise_seed", 0))], canvas.texts)
