"""Draw digital readouts: an LCD box with seven-segment digits (or a monospaced font), its
label above and its unit beside the digits.

Seven-segment digits are shapes, not font text; their string and box are still recorded
on the canvas (role ``segment_digits``) so the overlap and size checks cover them.
"""
from __future__ import annotations

from mmsynth.draw import MIN_TEXT_PX, RGB, Canvas, TextBox, bold, font, rgb

from generators.dashboards.drawutil import place_texts
from generators.dashboards.vocab import VOCAB

Box = tuple[float, float, float, float]
DIGIT_W, NARROW_W, GAP = 0.56, 0.22, 0.16    # in digit heights


def char_width(ch: str) -> float:
    """Width of one display character in digit heights (':' and '.' are narrow)."""
    return NARROW_W if ch in ":." else DIGIT_W


def text_width(text: str) -> float:
    return sum(char_width(ch) for ch in text) + GAP * (len(text) - 1)


def segment_boxes(x: float, y: float, h: float) -> dict[str, tuple[float, float, float, float]]:
    """The rectangle of each segment a-g of a digit with top-left (x, y) and height h."""
    w, t = h * DIGIT_W, h * 0.11
    m = y + h / 2
    return {"a": (x + t, y, x + w - t, y + t), "d": (x + t, y + h - t, x + w - t, y + h),
            "g": (x + t, m - t / 2, x + w - t, m + t / 2),
            "f": (x, y + t, x + t, m - t / 2), "b": (x + w - t, y + t, x + w, m - t / 2),
            "e": (x, m + t / 2, x + t, y + h - t), "c": (x + w - t, m + t / 2, x + w, y + h - t)}


def lit_segments(ch: str) -> str:
    """The segment letters lit for a character (empty for ':' and '.')."""
    return VOCAB["seven_segment"].get(ch, "")


def draw_segments(c: Canvas, x: float, y: float, h: float, text: str, on: RGB, off: RGB | None) -> TextBox:
    """Seven-segment ``text`` with its top-left at (x, y), digit height h; returns the recorded box."""
    cx = x
    for ch in text:
        if ch in ":.":
            dot = h * 0.11
            ys = [y + h * 0.3, y + h * 0.7] if ch == ":" else [y + h - dot]
            for yy in ys:
                c.draw.rectangle((cx + (h * NARROW_W - dot) / 2, yy - dot / 2 if ch == ":" else yy,
                                  cx + (h * NARROW_W + dot) / 2, yy + dot / 2 if ch == ":" else yy + dot), fill=on)
        else:
            lit = lit_segments(ch)
            for name, seg in segment_boxes(cx, y, h).items():
                if name in lit or off is not None:
                    c.draw.rectangle(seg, fill=on if name in lit else off)
        cx += h * (char_width(ch) + GAP)
    tb = TextBox(text, (float(x), float(y), float(x + h * text_width(text)), float(y + h)), "segment_digits")
    c.texts.append(tb)
    return tb


def draw_display(c: Canvas, box: Box, d: dict, spec: dict, style: dict, outside: RGB) -> None:
    """One labelled readout of display spec ``d`` inside ``box``."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    family = style["font"]
    place_texts(c, [((x0 + w / 2, y0 + h * 0.12), d["label"])], family, max(15, int(h * 0.15)), outside, "label")
    lcd = (x0 + w * 0.04, y0 + h * 0.26, x1 - w * 0.04, y1 - h * 0.04)
    c.draw.rounded_rectangle(lcd, radius=h * 0.06, fill=tuple(style["lcd"]), outline=(90, 90, 90), width=2)
    on = rgb(spec["color"])
    lw, lh = lcd[2] - lcd[0], lcd[3] - lcd[1]
    unit_w = 0.0
    if d["unit"]:
        ufont = font(family, max(MIN_TEXT_PX + 3, int(lh * 0.24)))
        ux0, _, ux1, _ = c.measure(d["unit"], ufont)
        unit_w = ux1 - ux0 + lw * 0.05
    digit_h = min(lh * 0.66, (lw * 0.88 - unit_w) / text_width(d["text"]))
    tw = digit_h * text_width(d["text"])
    dx = lcd[0] + (lw - tw - unit_w) / 2
    dy = lcd[1] + (lh - digit_h) / 2
    if spec["segmented"]:
        off = tuple(min(255, v + 14) for v in style["lcd"]) if style["ghost"] else None
        draw_segments(c, dx, dy, digit_h, d["text"], on, off)
    else:
        size = int(digit_h * 1.3)
        while size > MIN_TEXT_PX and c.measure(d["text"], font(bold("mono"), size))[2] > tw:
            size -= 1
        fnt = font(bold("mono"), size)
        c.text((dx + tw / 2, dy + digit_h / 2), d["text"], fnt, fill=on, anchor="mm", role="digits")
    if d["unit"]:
        c.text((dx + tw + lw * 0.04, dy + digit_h), d["unit"], ufont, fill=on, anchor="ld", role="unit")
