"""Relations that box geometry decides: inside, overlapping, next to, left of, right of,
above, below. One predicate per ordered pair, by a fixed precedence, so relation
questions on annotated scenes have one answer."""
from __future__ import annotations

Box = list[float]
INSIDE_SHARE = 0.9      # a's area covered by b for "a inside b"
OVERLAP_SHARE = 0.3     # intersection over the smaller area for "overlapping"
NEXT_TO_GAP = 0.5       # gap over the mean width for "next to" (side by side, level)


def _area(b: Box) -> float:
    return max(0.0, b[2] - b[0]) * max(0.0, b[3] - b[1])


def _intersection(a: Box, b: Box) -> float:
    return _area([max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])])


def relation(a: Box, b: Box) -> str:
    """The predicate of "a <predicate> b" (image coordinates, y down)."""
    inter = _intersection(a, b)
    if _area(a) > 0 and inter >= INSIDE_SHARE * _area(a) and _area(a) < _area(b):
        return "inside"
    if inter >= OVERLAP_SHARE * max(1e-9, min(_area(a), _area(b))):
        return "overlapping"
    y_overlap = min(a[3], b[3]) - max(a[1], b[1])
    gap = max(a[0], b[0]) - min(a[2], b[2])
    mean_w = ((a[2] - a[0]) + (b[2] - b[0])) / 2
    if gap > 0 and y_overlap > 0.5 * min(a[3] - a[1], b[3] - b[1]) and gap <= NEXT_TO_GAP * mean_w:
        return "next to"
    dx = (a[0] + a[2] - b[0] - b[2]) / 2
    dy = (a[1] + a[3] - b[1] - b[3]) / 2
    if abs(dx) >= abs(dy):
        return "left of" if dx < 0 else "right of"
    return "above" if dy < 0 else "below"


def relations(boxes: list[Box], neighbours: int = 3) -> list[list]:
    """``[subject, predicate, object]`` between each object and its nearest boxes (by centre), both ways."""
    centres = [((b[0] + b[2]) / 2, (b[1] + b[3]) / 2) for b in boxes]
    pairs: set[tuple[int, int]] = set()
    for i, (x, y) in enumerate(centres):
        near = sorted(((cx - x) ** 2 + (cy - y) ** 2, j) for j, (cx, cy) in enumerate(centres) if j != i)
        pairs |= {(min(i, j), max(i, j)) for _, j in near[:neighbours]}
    out = []
    for i, j in sorted(pairs):
        out += [[i, relation(boxes[i], boxes[j]), j], [j, relation(boxes[j], boxes[i]), i]]
    return out
