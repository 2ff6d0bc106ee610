"""Distractor helpers shared by dashboard and puzzle solvers."""
from __future__ import annotations

from typing import Any, Iterable


def distinct_from(answer: Any, items: Iterable[Any]) -> list:
    """``items`` without the answer and without repeats, order kept."""
    out: list = []
    for x in items:
        if x != answer and x not in out:
            out.append(x)
    return out


def near_numbers(value: float, steps: Iterable[float], lo: float | None = None, hi: float | None = None) -> list:
    """``value + s`` for each step, kept inside [lo, hi], rounded to clean numbers."""
    out = []
    for s in steps:
        x = round(value + s, 6)
        if (lo is None or x >= lo) and (hi is None or x <= hi):
            out.append(int(x) if float(x).is_integer() else x)
    return distinct_from(value, out)
