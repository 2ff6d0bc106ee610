"""Curation figures: near-duplicate image detection on a labelled set, its cost per 10k images,
and what --budget buys over a random choice of the same size.

    python perf/curation.py CORPUS [--copies-of 400] [--budget 500]

The labelled set: every image of CORPUS (each its own item), plus three copies of each of the
first ``--copies-of`` images (JPEG at quality 70, resized to 90%, brightness +15% with
saturation -40%). A copy must be matched to its original (recall); any other match, between
two distinct corpus images or a copy and an image it was not made from, is a false positive
(precision). Prints precision, recall, the Hamming distances of copies and of the closest
distinct pairs, the time to hash and index, scaled to 10k images, and the coverage of
``--budget`` records chosen by k-center against a seeded random choice.
"""
from __future__ import annotations

import argparse
import io
import random
import sys
import time
from pathlib import Path

from PIL import Image, ImageEnhance

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mmsynth.corpus import iter_records  # noqa: E402
from mmsynth.curation import budget  # noqa: E402
from mmsynth.curation.near_images import DEFAULT_THRESHOLD, NearImageIndex, hamming, phash  # noqa: E402


def copies(im: Image.Image) -> list[Image.Image]:
    buf = io.BytesIO()
    im.convert("RGB").save(buf, "JPEG", quality=70)
    w, h = im.size
    return [Image.open(io.BytesIO(buf.getvalue())), im.resize((int(w * 0.9), int(h * 0.9))),
            ImageEnhance.Color(ImageEnhance.Brightness(im.convert("RGB")).enhance(1.15)).enhance(0.6)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus")
    ap.add_argument("--copies-of", type=int, default=400)
    ap.add_argument("--budget", type=int, default=500)
    ap.add_argument("--threshold", type=int, default=DEFAULT_THRESHOLD)
    args = ap.parse_args()
    root = Path(args.corpus)
    recs = [rec for _, _, rec in iter_records(root)]
    paths = [root / rec["images"][0] for rec in recs]

    t0 = time.perf_counter()
    hashes = [phash(p) for p in paths]
    t_hash = time.perf_counter() - t0
    index = NearImageIndex(args.threshold)
    t0 = time.perf_counter()
    for i, h in enumerate(hashes):
        index.add(h, str(i))
    distinct_fp = sum(1 for i, h in enumerate(hashes) for _, j in index.within(h) if j != i)
    t_index = time.perf_counter() - t0
    print(f"{len(paths)} images of {len({r['generator'] for r in recs})} generators; threshold {args.threshold} of 256 bits")
    print(f"hashing: {1000 * t_hash / len(paths):.2f} ms/image; index + query: {1000 * t_index / len(paths):.3f} ms/image; "
          f"per 10k images: {10_000 * (t_hash + t_index) / len(paths):.1f} s on this machine (one core)")

    tp = fn = fp = 0
    copy_d: list[int] = []
    for i in range(min(args.copies_of, len(paths))):
        with Image.open(paths[i]) as im:
            for c in copies(im):
                hc = phash(c)
                copy_d.append(hamming(hc, hashes[i]))
                hits = {j for _, j in index.within(hc)}
                tp += i in hits
                fn += i not in hits
                fp += len(hits - {i})
    fp += distinct_fp
    print(f"labelled set: {len(paths)} distinct images + {3 * min(args.copies_of, len(paths))} copies")
    print(f"  precision {tp / max(1, tp + fp):.4f}  recall {tp / max(1, tp + fn):.4f}  "
          f"(true matches {tp}, missed {fn}, false matches {fp})")
    by_gen: dict[str, list[int]] = {}
    for i, rec in enumerate(recs):
        by_gen.setdefault(rec["generator"], []).append(i)
    rng = random.Random(0)
    closest = min(hamming(hashes[a], hashes[b]) for ix in by_gen.values() if len(ix) > 1
                  for a, b in (rng.sample(ix, 2) for _ in range(200)))
    print(f"  copies are at most {max(copy_d)} bits from their original (mean {sum(copy_d) / len(copy_d):.1f}); "
          f"the closest of 200 random distinct pairs per generator: {closest} bits")

    cands = [budget.Candidate(str(i), rec["generator"], budget.phash_vector(hashes[i]),
                              sorted({q["family"] for q in rec["qa"]}), budget.answers_of(rec))
             for i, rec in enumerate(recs)]
    t0 = time.perf_counter()
    _, fig = budget.select(cands, args.budget)
    print(f"budget {args.budget} of {len(cands)} ({time.perf_counter() - t0:.1f} s): "
          f"covering radius {fig['k_center']['radius']} (random {fig['random']['radius']}), "
          f"mean distance to the nearest kept {fig['k_center']['mean']} (random {fig['random']['mean']}), "
          f"families covered {fig['families']['k_center']} of {fig['families']['candidates']} "
          f"(random {fig['families']['random']})")


if __name__ == "__main__":
    main()
