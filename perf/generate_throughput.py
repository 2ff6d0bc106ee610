"""Generation throughput per family, against the PNG-encode floor.

For each family pattern it runs the real pipeline (``mmsynth.pipeline.generate``) with 1
and with 2 workers into temporary folders, then times PNG-encoding the very images that
run wrote, alone, in one process: no renderer can beat that floor. Printed per family:
samples/s with 1 and 2 workers, samples/s per core, the floor in samples/s, and the
ratio (1-worker time per sample / encode time per sample).

    python perf/generate_throughput.py                 # every family, 100 samples each
    python perf/generate_throughput.py -n 200 -f 'chart.*' -f 'table.*'
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from PIL import Image

from mmsynth import registry
from mmsynth.corpus import encode_image, load_records
from mmsynth.pipeline import GenerateConfig, generate

FAMILIES = ("chart.*", "table.*", "dashboard.*", "puzzle.*", "map.*", "flowchart.*", "graph.*",
            "floorplan.*", "textrich.*", "scene.*")


def timed_run(patterns: list[str], n: int, workers: int, out: Path, options: dict) -> float:
    cfg = GenerateConfig(generators=registry.resolve(patterns, generating=True), n=n, seed=0, shard_size=max(1, n // 8),
                         options=options)
    t0 = time.perf_counter()
    generate(cfg, out, workers=workers, progress=False)
    return time.perf_counter() - t0


def encode_floor(root: Path) -> tuple[float, int]:
    """Seconds to PNG-encode every image of a corpus (decoded beforehand), and the image count."""
    images = []
    for rec in load_records(root, validate=False):
        for rel in rec["images"]:
            with Image.open(root / rel) as im:
                images.append(im.convert("RGB") if im.mode not in ("RGB", "L") else im.copy())
    t0 = time.perf_counter()
    for im in images:
        encode_image(im, "png")
    return time.perf_counter() - t0, len(images)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=100, help="samples per family (default 100)")
    ap.add_argument("-f", "--family", action="append", help="family pattern(s); default: all families present")
    ap.add_argument("--scenes", help="FORMAT:PATH scene graphs for scene.* (loaded-graph throughput)")
    ap.add_argument("--image-root", help="image root for --scenes")
    args = ap.parse_args()
    families = args.family or [f for f in FAMILIES if registry.names(f)]
    options = {k: v for k, v in (("scenes", args.scenes), ("image_root", args.image_root)) if v}
    print(f"{'family':<12} {'1 worker':>10} {'2 workers':>10} {'per core':>9} {'PNG floor':>10} {'ratio':>6}"
          "   (samples/s; ratio = time per sample / PNG-encode time per sample)")
    for fam in families:
        with tempfile.TemporaryDirectory() as tmp:
            t1 = timed_run([fam], args.n, 1, Path(tmp) / "w1", options)
            t2 = timed_run([fam], args.n, 2, Path(tmp) / "w2", options)
            floor, n_images = encode_floor(Path(tmp) / "w1")
        per_sample_floor = floor / args.n
        print(f"{fam:<12} {args.n / t1:>10.1f} {args.n / t2:>10.1f} {args.n / t2 / 2:>9.1f} "
              f"{args.n / floor:>10.1f} {(t1 / args.n) / per_sample_floor:>6.2f}   ({n_images} images)")


if __name__ == "__main__":
    main()
