"""Sampler of maze-like grid maps: a grid of cells with walls, carved as a random
spanning tree (sometimes a forest of two sealed parts), braided with a few loops.

Every cell where a walker must decide (a junction) or must turn back (a dead end)
carries a letter, so a route is exactly the sequence of lettered cells it passes.
"""
from __future__ import annotations

import string

import numpy as np

from generators.maps.road_sampler import vocab
from mmsynth.rand import pick, pick_n, randint, shuffled

MAX_MARKERS = len(string.ascii_uppercase)


class _Sets:
    """Union-find over cell indices (Kruskal's maze carving)."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> bool:
        ri, rj = self.find(i), self.find(j)
        if ri == rj:
            return False
        self.parent[ri] = rj
        return True


def _walls(cols: int, rows: int) -> list[tuple[int, int, int, int]]:
    """Every wall between two adjacent cells, as (c1, r1, c2, r2) with the second cell east or south."""
    out = [(c, r, c + 1, r) for r in range(rows) for c in range(cols - 1)]
    out += [(c, r, c, r + 1) for r in range(rows - 1) for c in range(cols)]
    return out


def _degrees(cols: int, rows: int, passages) -> dict[tuple[int, int], int]:
    deg = {(c, r): 0 for c in range(cols) for r in range(rows)}
    for c1, r1, c2, r2 in passages:
        deg[(c1, r1)] += 1
        deg[(c2, r2)] += 1
    return deg


def sample_grid_map(rng: np.random.Generator) -> dict:
    """One maze spec: size, open passages, lettered markers at junctions and dead ends."""
    while True:
        cols, rows = randint(rng, 5, 7), randint(rng, 4, 6)
        parts = 2 if rng.random() < 0.25 else 1
        sets = _Sets(cols * rows)
        passages, closed = [], []
        components = cols * rows
        for w in shuffled(rng, _walls(cols, rows)):
            if components > parts and sets.union(w[1] * cols + w[0], w[3] * cols + w[2]):
                passages.append(w)
                components -= 1
            else:
                closed.append(w)
        for w in closed[: randint(rng, 1, 4)]:
            # braid: open a few extra walls inside one part, making loops and alternative routes
            if sets.find(w[1] * cols + w[0]) == sets.find(w[3] * cols + w[2]):
                passages.append(w)
        deg = _degrees(cols, rows, passages)
        cells = [cell for cell in sorted(deg, key=lambda c: (c[1], c[0])) if deg[cell] != 2 and deg[cell] > 0]
        if not 6 <= len(cells) <= MAX_MARKERS or any(d == 0 for d in deg.values()):
            continue
        letters = pick_n(rng, list(string.ascii_uppercase), len(cells))
        return {
            "kind": "grid", "unit": "steps", "title": pick(rng, vocab()["maze_titles"]),
            "cols": cols, "rows": rows,
            "passages": [list(map(int, w)) for w in sorted(passages, key=lambda w: (w[1], w[0], w[3], w[2]))],
            "markers": [{"name": letters[i], "col": c, "row": r} for i, (c, r) in enumerate(cells)],
        }
