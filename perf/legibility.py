"""Legibility: the share of rendered text that a real OCR engine (EasyOCR) reads back.

For each family it makes N samples (``Generator.make``), takes every text the renderer
drew (the boxes its Canvas recorded) and counts it as read when an OCR word or line that
overlaps its box contains it (case, spacing and punctuation ignored). Figures are printed
per family and per text role (tick, label, cell, node, ...). Target: >= 90% for charts and
tables, >= 90% of node/room labels for the graph families.

    python perf/legibility.py -n 50
    python perf/legibility.py -n 20 -f 'chart.*' --roles tick,label,value
    python perf/legibility.py -n 10 -f 'textrich.photo_*' --degradation 0 --degradation 1   # clean beside degraded
"""
from __future__ import annotations

import argparse
import re
from collections import defaultdict

from PIL import Image
from tqdm import tqdm

from mmsynth import registry
from mmsynth.draw import TextBox, boxes_overlap
from mmsynth.ocr import Word, get_engine

FAMILIES = ("chart.*", "table.*", "dashboard.*", "puzzle.*", "map.*", "flowchart.*", "graph.*",
            "floorplan.*", "textrich.*")


def normalise(s: str) -> str:
    return re.sub(r"[^0-9a-z]", "", s.lower())


def reading_order(words: list[Word]) -> list[Word]:
    """Words grouped into lines (centres within half a word height), top to bottom, left to right."""
    lines: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (w.box[1] + w.box[3]) / 2):
        cy = (w.box[1] + w.box[3]) / 2
        if lines:
            last = lines[-1][-1]
            if abs(cy - (last.box[1] + last.box[3]) / 2) <= 0.5 * max(w.height, last.height):
                lines[-1].append(w)
                continue
        lines.append([w])
    return [w for line in lines for w in sorted(line, key=lambda w: w.box[0])]


def read_back(text: TextBox, words: list[Word]) -> bool:
    """True when the OCR output around the text's box contains the text."""
    target = normalise(text.text)
    if not target:
        return True
    near = reading_order([w for w in words if boxes_overlap(text.box, w.box)])
    return any(target in normalise(w.text) for w in near) or target in normalise("".join(w.text for w in near))


def measure(pattern: str, n: int, engine, roles: set[str] | None,
            options: dict | None = None) -> tuple[dict[str, list[int]], int]:
    """{role: [read, total]} over n samples spread over the family's generators (made with ``options``)."""
    names = registry.resolve([pattern], generating=True)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for i in tqdm(range(n), desc=pattern, unit="image", leave=False):
        gen = registry.create(names[i % len(names)], **(options or {}))
        sample = gen.make(0, i)
        images = [im if isinstance(im, Image.Image) else Image.open(im) for im in sample.images]
        words = engine.read(images[0].convert("RGB"))
        for t in sample.texts:
            if roles and t.role not in roles:
                continue
            key = t.role if not t.angle else f"{t.role} (rotated)"
            counts[key][1] += 1
            counts[key][0] += read_back(t, words)
    return counts, n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=50, help="images per family (default 50)")
    ap.add_argument("-f", "--family", action="append", help="family pattern(s); default: all present")
    ap.add_argument("--mag-ratio", type=float, default=1.0,
                    help="EasyOCR detector magnification (2 finds short numbers that 1 misses)")
    ap.add_argument("--roles", help="comma-separated text roles to count (default: all)")
    ap.add_argument("--degradation", type=float, action="append",
                    help="photo degradation to measure at (repeat to compare, e.g. 0 and 1; default: as sampled)")
    args = ap.parse_args()
    engine = get_engine("easyocr", mag_ratio=args.mag_ratio)
    roles = set(args.roles.split(",")) if args.roles else None
    families = args.family or [f for f in FAMILIES if registry.names(f)]
    print(f"{'family':<12} {'read':>7} {'texts':>6} {'share':>6}   by role")
    for fam in families:
        for d in args.degradation or [None]:
            counts, n = measure(fam, args.n, engine, roles, None if d is None else {"degradation": d})
            read = sum(c[0] for c in counts.values())
            total = sum(c[1] for c in counts.values())
            by_role = ", ".join(f"{r} {c[0] / c[1]:.0%} ({c[1]})" for r, c in sorted(counts.items()) if c[1])
            label = fam if d is None else f"{fam} @{d:g}"
            print(f"{label:<12} {read:>7} {total:>6} {read / max(total, 1):>6.1%}   {by_role}")

if __name__ == "__main__":
    main()
