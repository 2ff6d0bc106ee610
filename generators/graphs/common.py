"""Small helpers the relation-graph solvers share: distractors and name lists."""
from __future__ import annotations

from typing import Iterable

import numpy as np

from mmsynth.errors import NotApplicable
from mmsynth.rand import pick


def near_numbers(x: int, lo: int = 0, k: int = 4) -> list[int]:
    """Wrong counts a reader might give: the nearest integers to ``x`` not below ``lo``."""
    out = []
    for d in (1, -1, 2, -2, 3, 4, 5):
        if x + d >= lo and len(out) < k:
            out.append(x + d)
    return out


def others(candidates: Iterable[str], exclude: Iterable[str], k: int = 4) -> list[str]:
    """Up to ``k`` candidates not in ``exclude``, in the candidates' order (deterministic)."""
    ex = set(exclude)
    out = []
    for c in candidates:
        if c not in ex and c not in out:
            out.append(c)
    return out[:k]


def count_of(n: int, word: str, plural: str | None = None) -> str:
    """'1 cousin', '3 cousins' (``plural`` for irregular words: count_of(1, 'person', 'people'))."""
    return f"{n} {word if n == 1 else plural or word + 's'}"


def join_names(names: list[str]) -> str:
    """'A', 'A and B', 'A, B and C' (for rationales)."""
    if not names:
        return "nobody"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def pick_one(rng: np.random.Generator, items: list, why: str):
    """One of ``items``; NotApplicable(``why``) when there is none."""
    if not items:
        raise NotApplicable(why)
    return pick(rng, items)


def pick_pair(rng: np.random.Generator, pairs: list[tuple[str, str]], why: str) -> dict:
    """Slots ``{"a", "b"}`` for one of ``pairs``; NotApplicable(``why``) when there is none."""
    a, b = pick_one(rng, pairs, why)
    return {"a": a, "b": b}


def pick_yes_or_no(rng: np.random.Generator, yes: list, no: list, why: str) -> dict:
    """A pair from ``yes`` or ``no`` with even odds (whichever exists), so yes/no answers stay balanced."""
    return pick_pair(rng, yes if (yes and (rng.random() < 0.5 or not no)) else no, why)
