"""Diversity under a budget: keep ``N`` samples that cover the corpus, not the first ``N``.

Each candidate record becomes a feature vector: its image's perceptual-hash bits (or an
open_clip embedding of it, from a checkpoint the user gives), the families it asks about and
its answers (hashed into a few dozen buckets), each part scaled to unit length so none
dominates. The budget is split over generators in proportion to their sizes (largest
remainders), and within each generator greedy k-center (farthest-point traversal) picks the
samples: each next pick is the candidate farthest from everything picked so far, which
2-approximates the smallest radius that covers every candidate. Coverage is reported as that
radius and the mean distance of a candidate to its nearest pick, beside the same figures for
a uniform random choice of the same size.
"""
from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from mmsynth.bench.balance import answer_key
from mmsynth.curation.near_images import HASH_BITS

ANSWER_BUCKETS = 32


@dataclass
class Candidate:
    """A record that passed every record-level check, as the budget sees it."""
    id: str
    generator: str
    image: np.ndarray          # pHash bits or an embedding, unit length
    families: list[str]
    answers: list[str]


def phash_vector(h: int) -> np.ndarray:
    bits = np.array([(h >> i) & 1 for i in range(HASH_BITS)], dtype=np.float32)
    return (bits * 2 - 1) / np.sqrt(HASH_BITS)


def _bucket(text: str, n: int) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=4).digest(), "big") % n


def features(cands: list[Candidate]) -> np.ndarray:
    """One row per candidate: image part, family part, answer part, each of unit length."""
    families = sorted({f for c in cands for f in c.families})
    col = {f: i for i, f in enumerate(families)}
    fam = np.zeros((len(cands), max(1, len(families))), np.float32)
    ans = np.zeros((len(cands), ANSWER_BUCKETS), np.float32)
    for r, c in enumerate(cands):
        for f in c.families:
            fam[r, col[f]] += 1
        for a in c.answers:
            ans[r, _bucket(a, ANSWER_BUCKETS)] += 1
    parts = [np.stack([c.image for c in cands]).astype(np.float32), fam, ans]
    return np.hstack([p / np.maximum(np.linalg.norm(p, axis=1, keepdims=True), 1e-9) for p in parts])


def k_center(x: np.ndarray, k: int) -> list[int]:
    """Greedy farthest-point selection of ``k`` rows, starting from the row nearest the mean."""
    if k >= len(x):
        return list(range(len(x)))
    first = int(np.argmin(((x - x.mean(0)) ** 2).sum(1)))
    picked = [first]
    dist = ((x - x[first]) ** 2).sum(1)
    for _ in range(k - 1):
        nxt = int(np.argmax(dist))
        picked.append(nxt)
        dist = np.minimum(dist, ((x - x[nxt]) ** 2).sum(1))
    return sorted(picked)


def quotas(sizes: dict[str, int], budget: int) -> dict[str, int]:
    """``budget`` split over strata in proportion to their sizes (largest remainders, ties by name)."""
    total = sum(sizes.values())
    if budget >= total:
        return dict(sizes)
    exact = {g: budget * n / total for g, n in sizes.items()}
    out = {g: int(v) for g, v in exact.items()}
    for g in sorted(sizes, key=lambda g: (-(exact[g] - out[g]), g))[:budget - sum(out.values())]:
        out[g] += 1
    return out


def coverage(x: np.ndarray, picked: list[int]) -> dict[str, float]:
    """Covering radius and mean distance to the nearest pick (lower is better)."""
    if not picked:
        return {"radius": float("nan"), "mean": float("nan")}
    d = np.full(len(x), np.inf, np.float32)
    for i in picked:
        d = np.minimum(d, ((x - x[i]) ** 2).sum(1))
    d = np.sqrt(np.maximum(d, 0))
    return {"radius": round(float(d.max()), 4), "mean": round(float(d.mean()), 4)}


def select(cands: list[Candidate], budget: int, seed: int = 0,
           progress: Callable[[int], None] | None = None) -> tuple[set[str], dict]:
    """The ids of the chosen candidates, and coverage figures (chosen vs random, per generator)."""
    by_gen: dict[str, list[int]] = {}
    for i, c in enumerate(cands):
        by_gen.setdefault(c.generator, []).append(i)
    share = quotas({g: len(ix) for g, ix in by_gen.items()}, budget)
    x = features(cands) if cands else np.zeros((0, 1), np.float32)
    rng = random.Random(seed)
    chosen: list[int] = []
    randomly: list[int] = []
    for g in sorted(by_gen):
        rows = by_gen[g]
        chosen += [rows[j] for j in k_center(x[rows], share[g])]
        randomly += rng.sample(rows, share[g])
        if progress:
            progress(len(rows))
    figures = {"candidates": len(cands), "budget": budget, "kept": len(chosen),
               "k_center": coverage(x, chosen), "random": coverage(x, randomly),
               "families": {"candidates": len({f for c in cands for f in c.families}),
                            "k_center": len({f for i in chosen for f in cands[i].families}),
                            "random": len({f for i in randomly for f in cands[i].families})}}
    return {cands[i].id for i in chosen}, figures


def answers_of(rec: dict) -> list[str]:
    return [f"{qa['family']}={answer_key(qa['answer'])}" for qa in rec["qa"]]
