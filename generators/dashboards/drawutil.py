"""Text placement that keeps labels legible by construction: a group of labels is drawn at
the largest font size (down to MIN_TEXT_PX) at which none overlaps another or an earlier text."""
from __future__ import annotations

from mmsynth.draw import MIN_TEXT_PX, RGB, Canvas, TextBox, boxes_overlap, font


def place_texts(c: Canvas, items: list[tuple[tuple[float, float], str]], family: str, size: int,
                fill: RGB, role: str, anchor: str = "mm", pad: float = 2.0, halo: RGB | None = None) -> list[TextBox]:
    """Draw every ``(xy, text)`` of ``items`` at one shared size, shrinking until all fit.

    Both the font size and every drawn box height stay at or above MIN_TEXT_PX. A ``halo``
    colour fills each box first, so a label stays readable over a needle drawn before it.

    Raises ValueError when even MIN_TEXT_PX does not fit: the caller's layout is too small.
    """
    if not items:
        return []
    for s in range(max(int(size), MIN_TEXT_PX), MIN_TEXT_PX - 1, -1):
        fnt = font(family, s)
        boxes = [c.text_box(xy, t, fnt, anchor=anchor) for xy, t in items]
        if min(b[3] - b[1] for b in boxes) < MIN_TEXT_PX:
            break
        if all(c.fits(b, pad=pad) for b in boxes) and not any(
                boxes_overlap(a, b, pad) for i, a in enumerate(boxes) for b in boxes[i + 1:]):
            if halo is not None:
                for b in boxes:
                    c.draw.rectangle((b[0] - 1, b[1] - 1, b[2] + 1, b[3] + 1), fill=halo)
            return [c.text(xy, t, fnt, fill=fill, anchor=anchor, role=role) for xy, t in items]
    raise ValueError(f"no room for {role} texts {[t for _, t in items][:4]}... at {MIN_TEXT_PX}px")
