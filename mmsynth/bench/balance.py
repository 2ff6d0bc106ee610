"""Answer-distribution balancing by rejection, as CLEVR does per question template.

Within a question family, a question whose answer is ``a`` is accepted only if, after
adding it, ``count[a] <= max(factor * r, r + 1)`` where ``r`` is the count of the most
common OTHER answer. This keeps the invariant "no answer more than ``factor`` times the
next most common (or one ahead of it)" at every step, so a model cannot score by
answering a family's favourite answer; a family that offers only one answer stops at 1.
"""
from __future__ import annotations

import math
from collections import Counter
from typing import Any

from mmsynth.record import option_key


def answer_key(answer: Any) -> str:
    """The identity of an answer for balancing (3, 3.0 and '3' alike; lists as joined text)."""
    return option_key(answer)


class Balancer:
    """Per-family answer counts with the rejection rule above; also counts what was offered."""

    def __init__(self, factor: float = 1.5) -> None:
        if factor < 1:
            raise ValueError("the balance factor must be >= 1")
        self.factor = factor
        self.accepted: dict[str, Counter] = {}
        self.offered: dict[str, Counter] = {}

    def allows(self, family: str, answer: Any) -> bool:
        counts = self.accepted.get(family, Counter())
        key = answer_key(answer)
        runner_up = max((c for a, c in counts.items() if a != key), default=0)
        return counts[key] + 1 <= max(self.factor * runner_up, runner_up + 1)

    def offer(self, family: str, answer: Any) -> None:
        self.offered.setdefault(family, Counter())[answer_key(answer)] += 1

    def add(self, family: str, answer: Any) -> None:
        self.accepted.setdefault(family, Counter())[answer_key(answer)] += 1

    def figures(self) -> dict[str, dict]:
        """Per family: questions, distinct answers, the top answer and its share, the ratio of
        the top answer to the next (accepted, and as offered before rejection), normalised entropy."""
        return {fam: {**distribution_figures(self.accepted[fam]),
                      "offered_ratio": distribution_figures(self.offered.get(fam, Counter()))["ratio"]}
                for fam in sorted(self.accepted)}


def distribution_figures(counts: Counter) -> dict:
    n = sum(counts.values())
    common = counts.most_common(2)
    top, top_n = common[0] if common else (None, 0)
    second = common[1][1] if len(common) > 1 else 0
    ent = -sum(c / n * math.log(c / n) for c in counts.values()) if n else 0.0
    return {"n": n, "distinct": len(counts), "top_answer": top, "top_share": round(top_n / n, 4) if n else 0.0,
            "ratio": round(top_n / second, 3) if second else None,
            "entropy": round(ent / math.log(len(counts)), 4) if len(counts) > 1 else 0.0}
