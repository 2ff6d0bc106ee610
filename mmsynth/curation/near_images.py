"""Near-duplicate images by perceptual hash, in near-linear time.

A 256-bit DCT hash (``imagehash.phash`` with ``hash_size=16``) keeps re-encoded, slightly
resized and recoloured copies within a few bits of each other (mean 3), while distinct images
of one generator mostly differ in 40 bits or more. Templated images that differ only in small
text (two dashboards with the same layout and other digits) can come closer, and the closer
the threshold sits to the copies, the fewer of those it takes for duplicates. On 10,000 images
of every generator plus 1,200 copies (JPEG q70, 90% size, brightness +15% with saturation
-40%), a threshold of 16 bits gave precision 0.972 and recall 0.993 (``perf/curation.py``
measures it again); 32 bits matched 586 pairs of distinct images.

Comparing every pair is quadratic, so candidates come from bit-sampling LSH: each of
``TABLES`` tables keys a hash by ``BITS`` fixed, seeded bit positions; two hashes ``d`` bits
apart share a table's key with probability ``(1 - d/256) ** BITS``. With 32 tables of 14 bits
a pair at 32 bits is found with probability 0.99, a pair at 16 bits with 0.99999, while
a pair of distinct images (about 100 bits apart) meets in some table about 3% of the time;
each candidate is then checked exactly.
"""
from __future__ import annotations

import random
from collections import defaultdict
from pathlib import Path

import numpy as np
from PIL import Image

HASH_SIZE = 16                    # 16 x 16 = 256 bits
HASH_BITS = HASH_SIZE * HASH_SIZE
DEFAULT_THRESHOLD = 16
TABLES, BITS = 32, 14


def phash(image: Image.Image | str | Path) -> int:
    """The 256-bit perceptual hash of an image (a file is opened and closed here), as an int."""
    if isinstance(image, (str, Path)):
        with Image.open(image) as im:
            return phash(im)
    import imagehash   # imported here: only curate needs it, and it pulls in scipy
    gray = image.convert("L")
    factor = min(gray.size) // (2 * HASH_SIZE * 4)    # box-reduce to ~2x the 64-px DCT input first: 5x faster
    if factor > 1:
        gray = gray.reduce(factor)
    bits = imagehash.phash(gray, hash_size=HASH_SIZE).hash.flatten()
    return int.from_bytes(np.packbits(bits).tobytes(), "big")


def hamming(a: int, b: int) -> int:
    return (a ^ b).bit_count()


def _table_masks(seed: int = 0) -> list[int]:
    rng = random.Random(seed)
    return [sum(1 << bit for bit in rng.sample(range(HASH_BITS), BITS)) for _ in range(TABLES)]


class NearImageIndex:
    """Hashes added so far, answering "is there one within ``threshold`` bits?" without a full scan."""

    def __init__(self, threshold: int = DEFAULT_THRESHOLD):
        if not 0 <= threshold < HASH_BITS // 2:
            raise ValueError(f"threshold must be in [0, {HASH_BITS // 2})")
        self.threshold = threshold
        self.masks = _table_masks()
        self.tables: list[dict[int, list[int]]] = [defaultdict(list) for _ in self.masks]
        self.labels: list[str] = []
        self.hashes: list[int] = []

    def __len__(self) -> int:
        return len(self.hashes)

    def add(self, h: int, label: str = "") -> None:
        i = len(self.hashes)
        self.hashes.append(h)
        self.labels.append(label)
        for mask, table in zip(self.masks, self.tables):
            table[h & mask].append(i)

    def within(self, h: int) -> list[tuple[int, int]]:
        """``(distance, position)`` of every indexed hash within the threshold, nearest first."""
        found: dict[int, int] = {}
        for mask, table in zip(self.masks, self.tables):
            for i in table.get(h & mask, ()):
                if i not in found:
                    found[i] = hamming(h, self.hashes[i])
        return sorted((d, i) for i, d in found.items() if d <= self.threshold)

    def nearest(self, h: int) -> tuple[int, str] | None:
        """``(distance, label)`` of the closest indexed hash within the threshold, or None."""
        hits = self.within(h)
        return (hits[0][0], self.labels[hits[0][1]]) if hits else None
