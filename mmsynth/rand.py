"""Seeding and small random helpers.

All randomness of a sample flows from one ``numpy.random.Generator`` made by
:func:`rng_for` from ``(seed, index, generator name)``, so sample *i* of a run can be
remade alone. The helpers return plain Python values (not numpy scalars) so that specs
stay JSON-serialisable.
"""
from __future__ import annotations

import zlib
from typing import Sequence, TypeVar

import numpy as np

from mmsynth.errors import UserError

T = TypeVar("T")


def check_seed(seed: int, flag: str = "--seed") -> None:
    """Refuse a seed :func:`rng_for` cannot take (a negative one) with one line."""
    if seed < 0:
        raise UserError(f"{flag} must be a whole number from 0 up, got {seed}")


def rng_for(seed: int, index: int, name: str) -> np.random.Generator:
    """The one generator of sample ``index`` of generator ``name`` in a run seeded ``seed``."""
    return np.random.default_rng(np.random.SeedSequence([int(seed), int(index), zlib.crc32(name.encode())]))


def pick(rng: np.random.Generator, seq: Sequence[T]) -> T:
    """One element of ``seq``, uniformly."""
    return seq[int(rng.integers(len(seq)))]


def pick_n(rng: np.random.Generator, seq: Sequence[T], k: int) -> list[T]:
    """``k`` distinct elements of ``seq`` in random order."""
    idx = rng.choice(len(seq), size=k, replace=False)
    return [seq[int(i)] for i in idx]


def shuffled(rng: np.random.Generator, seq: Sequence[T]) -> list[T]:
    """A shuffled copy of ``seq``."""
    return [seq[int(i)] for i in rng.permutation(len(seq))]


def randint(rng: np.random.Generator, lo: int, hi: int) -> int:
    """An integer in ``[lo, hi]`` (both ends included)."""
    return int(rng.integers(lo, hi + 1))


def uniform(rng: np.random.Generator, lo: float, hi: float) -> float:
    return float(rng.uniform(lo, hi))


def weighted(rng: np.random.Generator, seq: Sequence[T], weights: Sequence[float]) -> T:
    """One element of ``seq`` with probability proportional to ``weights``."""
    w = np.asarray(weights, dtype=float)
    return seq[int(rng.choice(len(seq), p=w / w.sum()))]
