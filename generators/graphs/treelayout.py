"""Layered ("tidy") layout of a tree of boxes, used by org charts and family trees.

Every subtree owns a horizontal interval of its own; a node sits inside its subtree's
interval and layers are separated by a gap, so boxes never overlap and the elbow
connectors (down, across in the gap, down) never cross a box. Tests check both
geometrically.
"""
from __future__ import annotations

from dataclasses import dataclass

from generators.graphs.geometry import Box, Point


@dataclass
class TreeLayout:
    """Boxes of the tree's nodes (keyed like the input) and the elbow connectors as polylines."""
    boxes: dict[str, Box]
    connectors: list[list[Point]]
    width: float
    height: float


def layered_tree(root: str, children: dict[str, list[str]], sizes: dict[str, tuple[float, float]],
                 hgap: float, vgap: float, margin: float, drop: dict[str, Point] | None = None,
                 attach: dict[str, float] | None = None) -> TreeLayout:
    """Place every node of the tree under ``root``; ``sizes`` maps a node to its (width, height).

    A connector leaves a parent at ``drop[node]`` (offset from the box's top-left; default:
    bottom centre) and enters a child at ``attach[node]`` (x offset; default: top centre),
    which lets a couple's line of descent start between the two partners.
    """
    drop, attach = drop or {}, attach or {}
    depth: dict[str, int] = {root: 0}
    order = [root]
    for node in order:
        for c in children.get(node, []):
            depth[c] = depth[node] + 1
            order.append(c)
    n_layers = max(depth.values()) + 1
    layer_h = [0.0] * n_layers
    for node, d in depth.items():
        layer_h[d] = max(layer_h[d], sizes[node][1])
    tops = [margin]
    for d in range(1, n_layers):
        tops.append(tops[-1] + layer_h[d - 1] + vgap)

    span: dict[str, float] = {}
    for node in reversed(order):
        kids = children.get(node, [])
        below = sum(span[c] for c in kids) + hgap * max(0, len(kids) - 1)
        span[node] = max(sizes[node][0], below)

    boxes: dict[str, Box] = {}

    def place(node: str, left: float) -> None:
        kids = children.get(node, [])
        w, h = sizes[node]
        below = sum(span[c] for c in kids) + hgap * max(0, len(kids) - 1)
        x = left + (span[node] - below) / 2
        for c in kids:
            place(c, x)
            x += span[c] + hgap
        if kids:
            mid = (_cx(boxes[kids[0]]) + _cx(boxes[kids[-1]])) / 2
            x0 = min(max(mid - w / 2, left), left + span[node] - w)
        else:
            x0 = left + (span[node] - w) / 2
        top = tops[depth[node]]
        boxes[node] = (x0, top, x0 + w, top + h)

    place(root, margin)
    connectors = []
    for node in order:
        kids = children.get(node, [])
        if not kids:
            continue
        d = depth[node]
        bar_y = tops[d] + layer_h[d] + vgap / 2
        b = boxes[node]
        dx, dy = drop.get(node, ((b[2] - b[0]) / 2, b[3] - b[1]))
        px = b[0] + dx
        connectors.append([(px, b[1] + dy), (px, bar_y)])
        cxs = [boxes[c][0] + attach.get(c, (boxes[c][2] - boxes[c][0]) / 2) for c in kids]
        xs = cxs + [px]
        if max(xs) > min(xs):
            connectors.append([(min(xs), bar_y), (max(xs), bar_y)])
        for c, cx in zip(kids, cxs):
            connectors.append([(cx, bar_y), (cx, boxes[c][1])])
    return TreeLayout(boxes, connectors, span[root] + 2 * margin, tops[-1] + layer_h[-1] + margin)


def _cx(box: Box) -> float:
    return (box[0] + box[2]) / 2


def transposed(layout: TreeLayout) -> TreeLayout:
    """The layout mirrored across the diagonal: layers become columns (a left-to-right tree).

    Lay the tree out with each node's (height, width) as its size, then transpose; the
    layered guarantees (disjoint boxes, connectors only in the gaps) carry over.
    """
    boxes = {k: (b[1], b[0], b[3], b[2]) for k, b in layout.boxes.items()}
    connectors = [[(y, x) for x, y in pts] for pts in layout.connectors]
    return TreeLayout(boxes, connectors, layout.height, layout.width)
