"""Helpers the single- and multi-image solvers share: choosing among valid slots, phrases."""
from __future__ import annotations

from typing import Any, Callable, Sequence, TypeVar

import numpy as np

from mmsynth.errors import NotApplicable
from mmsynth.rand import weighted

T = TypeVar("T")


def choose(rng: np.random.Generator, candidates: Sequence[T], weight: Callable[[T], float] | None = None) -> T:
    """One of the well-posed candidates (rarer concepts weigh more); NotApplicable when there is none."""
    if not candidates:
        raise NotApplicable("no well-posed question")
    return weighted(rng, candidates, [weight(c) if weight else 1.0 for c in candidates])


def join(items: Sequence[str], conj: str = "and") -> str:
    """``"a, b and c"``."""
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {conj} " + items[-1]


def the(name: str) -> str:
    return f"the {name}"


def check(condition: bool, why: str) -> None:
    """NotApplicable unless ``condition``: a solver re-run on a stored spec states its premise."""
    if not condition:
        raise NotApplicable(why)


TRIES = 40


class Never(NotApplicable):
    """Not applicable on any draw (nothing to draw from): the lazy binder stops retrying."""


def lazy(solve: Callable[..., Any], tries: int = TRIES) -> Callable[[Callable[[dict, np.random.Generator], dict]], Callable]:
    """Turn a slot *drawer* into a binder: draw slots, test them with the family's solver,
    retry; NotApplicable after ``tries`` draws. Nothing is enumerated, so a big scene
    costs no more than a small one, and the solver alone decides what is well posed."""
    def deco(draw: Callable[[dict, np.random.Generator], dict]) -> Callable[[dict, np.random.Generator], dict]:
        def bind(spec: dict, rng: np.random.Generator) -> dict:
            for _ in range(tries):
                try:
                    slots = draw(spec, rng)
                    solve(spec, **slots)
                    return slots
                except Never:
                    raise
                except NotApplicable:
                    continue
            raise NotApplicable(f"no well-posed question in {tries} draws")
        return bind
    return deco
