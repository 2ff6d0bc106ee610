"""Relations of every pair of objects, computed once per scene: geometric ones from the
boxes, camera distances and floor positions (with margins), annotated ones from the list.

Each relation value is three-valued (``HOLDS``, ``FAILS``, ``UNSURE``): "the cube is left
of the sphere" holds when the box centres are clearly apart, fails when the cube's centre
is not left of the sphere's at all, and is unsure in between. A reference ("the object
left of the sphere") or an answer is used only when it is the one object or predicate
that holds *and* no other could (no other holds or is unsure): one right answer as seen
in the image.

Geometric predicates are computed for every pair wherever the scene has the geometry
(left/right always, from boxes; above/below on photos; in front of/behind with camera
distances; near with floor positions), and replace annotated ones of the same name;
other predicates ("holding", "wearing") are read from the annotation, closed-world.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

HOLDS, FAILS, UNSURE = 1, 0, 2
AXES = {"horizontal": ("left of", "right of"), "depth": ("in front of", "behind"), "vertical": ("above", "below")}
GEOMETRIC = {p for pair in AXES.values() for p in pair} | {"near"}


@lru_cache(maxsize=None)
def params() -> dict:
    """The margins and thresholds of ``data/geometry.yaml``."""
    return yaml.safe_load((Path(__file__).with_name("data") / "geometry.yaml").read_text())


def canonical(predicate: str) -> str:
    return params()["synonyms"].get(predicate, predicate)


def _signed(offset: np.ndarray, margin: float) -> np.ndarray:
    """HOLDS where ``offset >= margin``, FAILS where ``offset <= 0``, UNSURE in between."""
    out = np.full(offset.shape, UNSURE, dtype=np.int8)
    out[offset >= margin] = HOLDS
    out[offset <= 0] = FAILS
    np.fill_diagonal(out, FAILS)
    return out


class Relations:
    """The relation table of one scene: ``table[predicate][a, b]`` for subject ``a``, object ``b``."""

    def __init__(self, scene: dict) -> None:
        objs = scene["objects"]
        n = len(objs)
        self.n = n
        self.table: dict[str, np.ndarray] = {}
        boxes = np.array([o["box"] for o in objs], dtype=float).reshape(n, 4)
        cx, cy = (boxes[:, 0] + boxes[:, 2]) / 2, (boxes[:, 1] + boxes[:, 3]) / 2
        p = params()
        self._pair("left of", "right of", cx[None, :] - cx[:, None], p["horizontal_margin"] * scene["width"])
        grounds = [o.get("ground") for o in objs]
        on_floor = n > 0 and all(g is not None for g in grounds)
        if not on_floor:
            self._pair("above", "below", cy[None, :] - cy[:, None], p["vertical_margin"] * scene["height"])
        dists = [o.get("distance") for o in objs]
        if n and scene.get("depth_gap") is not None and all(d is not None for d in dists):
            d = np.array(dists, dtype=float)
            self._pair("in front of", "behind", d[None, :] - d[:, None], float(scene["depth_gap"]))
        if on_floor:
            g = np.array(grounds, dtype=float)
            gap = np.hypot(g[:, None, 0] - g[None, :, 0], g[:, None, 1] - g[None, :, 1]) - g[:, None, 2] - g[None, :, 2]
            near = np.full((n, n), UNSURE, dtype=np.int8)
            near[gap <= p["near"]["holds_within"]] = HOLDS
            near[gap >= p["near"]["fails_beyond"]] = FAILS
            np.fill_diagonal(near, FAILS)
            self.table["near"] = near
        self.geometric = set(self.table)
        for a, pred, b in scene["relations"]:
            pred = canonical(pred)
            if pred in self.geometric or a == b:
                continue
            if pred not in self.table:
                self.table[pred] = np.zeros((n, n), dtype=np.int8)
            self.table[pred][a, b] = HOLDS
        self.annotated = sorted(set(self.table) - self.geometric)
        self.axes = {axis: pair for axis, pair in AXES.items() if pair[0] in self.table}
        self._predicates = sorted(self.table)
        self._holding: list[tuple[int, str, int]] | None = None
        self._unique: list[tuple[int, str, int]] | None = None

    def _pair(self, first: str, second: str, offset: np.ndarray, margin: float) -> None:
        self.table[first] = _signed(offset, margin)
        self.table[second] = self.table[first].T.copy()

    def predicates(self) -> list[str]:
        return self._predicates

    def value(self, a: int, pred: str, b: int) -> int:
        t = self.table.get(pred)
        return FAILS if t is None else int(t[a, b])

    def holds(self, a: int, pred: str, b: int) -> bool:
        return self.value(a, pred, b) == HOLDS

    def unique_subject(self, pred: str, b: int) -> int | None:
        """The one object that ``pred`` ``b``, when no other object could (none holds or is unsure)."""
        t = self.table.get(pred)
        if t is None:
            return None
        col = t[:, b]
        maybe = np.flatnonzero(col != FAILS)
        return int(maybe[0]) if len(maybe) == 1 and col[maybe[0]] == HOLDS else None

    def unique_object(self, a: int, pred: str) -> int | None:
        """The one object ``a`` stands in ``pred`` to, when no other could."""
        t = self.table.get(pred)
        if t is None:
            return None
        row = t[a, :]
        maybe = np.flatnonzero(row != FAILS)
        return int(maybe[0]) if len(maybe) == 1 and row[maybe[0]] == HOLDS else None

    def axis_answer(self, a: int, b: int, axis: str) -> str | None:
        """The side of ``b`` that ``a`` is on along ``axis`` ("left of"), when it is clear."""
        pair = self.axes.get(axis)
        if pair is None:
            return None
        first = self.value(a, pair[0], b)
        if first == UNSURE:
            return None
        second = self.value(a, pair[1], b)
        return pair[0] if first == HOLDS else (pair[1] if second == HOLDS else None)

    def annotated_answer(self, a: int, b: int) -> str | None:
        """The one annotated predicate from ``a`` to ``b`` ("holding"), when there is exactly one."""
        found = [p for p in self.annotated if self.table[p][a, b] == HOLDS]
        return found[0] if len(found) == 1 else None

    def holding(self) -> list[tuple[int, str, int]]:
        """Every ``(subject, predicate, object)`` that holds, sorted (computed once)."""
        if self._holding is None:
            out = []
            for pred in self._predicates:
                for a, b in zip(*np.nonzero(self.table[pred] == HOLDS)):
                    out.append((int(a), pred, int(b)))
            self._holding = sorted(out)
        return self._holding

    def unique_subjects(self) -> list[tuple[int, str, int]]:
        """Every ``(x, predicate, anchor)`` where ``x`` is the one object that could stand in
        ``predicate`` to ``anchor`` (computed once, column-wise)."""
        if self._unique is None:
            out = []
            for pred in self._predicates:
                t = self.table[pred]
                maybe = (t != FAILS).sum(axis=0)
                sure = (t == HOLDS).sum(axis=0)
                for b in np.flatnonzero((maybe == 1) & (sure == 1)):
                    out.append((int(np.flatnonzero(t[:, b] == HOLDS)[0]), pred, int(b)))
            self._unique = out
        return self._unique

    def annotated_pairs(self) -> list[tuple[int, int]]:
        """Pairs linked by an annotated predicate."""
        return sorted({(a, b) for p in self.annotated for a, b in zip(*np.nonzero(self.table[p] == HOLDS))})
