"""Questions per second of the scene.* generators (prints a table; not a test).

Three sources:
  synthetic   the embedded CLEVR-like scenes, ray-cast and rendered per sample;
  provision   the real ProVision baseball sample (../shared/realdata), no rendering;
  vg-sized    a Visual Genome-format file written here with VG-sized graphs (35 objects,
              ~20 relations, ~1 attribute per object, per image), loaded through the
              vg: loader; no rendering (the images are returned as files).

usage: python perf/scene_throughput.py [--samples N] [--only synthetic|provision|vg-sized]
"""
from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image
from tqdm import tqdm

from mmsynth import registry

BASEBALL = Path(__file__).resolve().parents[2] / "shared" / "realdata" / "provision_baseball"
LABELS = ["man", "woman", "shirt", "tree", "car", "window", "building", "sign", "table", "chair", "dog", "cup",
          "plate", "bag", "hat", "pole", "light", "boat", "bus", "horse", "kite", "umbrella", "bench", "bike"]
ATTRS = ["white", "black", "red", "blue", "green", "wooden", "metal", "large", "small", "standing", "tall", "open"]
PREDS = ["on", "has", "wearing", "near", "behind", "in front of", "holding", "next to", "under", "above"]


def write_vg_like(folder: Path, n_images: int = 200, seed: int = 0) -> Path:
    """A VG-format scene_graphs.json with VG-sized graphs, and tiny images for them."""
    rng = np.random.default_rng(seed)
    graphs = []
    (folder / "VG_100K").mkdir(parents=True, exist_ok=True)
    for i in range(n_images):
        Image.new("RGB", (8, 6)).save(folder / "VG_100K" / f"{i}.jpg")
        objs = []
        for k in range(35):
            x, y = rng.integers(0, 700), rng.integers(0, 500)
            objs.append({"object_id": k, "x": int(x), "y": int(y), "w": int(rng.integers(10, 200)),
                         "h": int(rng.integers(10, 200)), "names": [LABELS[rng.integers(len(LABELS))]],
                         "attributes": [ATTRS[j] for j in rng.choice(len(ATTRS), rng.integers(0, 3), replace=False)]})
        rels = [{"predicate": PREDS[rng.integers(len(PREDS))], "subject_id": int(a), "object_id": int(b)}
                for a, b in rng.integers(0, 35, size=(20, 2)) if a != b]
        graphs.append({"image_id": i, "width": 800, "height": 600, "objects": objs, "relationships": rels})
    path = folder / "scene_graphs.json"
    path.write_text(json.dumps(graphs))
    return path


def measure(name: str, options: dict, samples: int) -> tuple[float, float, float, int]:
    """(samples/s, questions/s, questions per CPU second, failed samples) over ``samples`` samples.

    CPU seconds are reported too because on a shared machine wall time measures the neighbours.
    """
    gen = registry.create(name, **options)
    questions = failed = 0
    t0, c0 = time.perf_counter(), time.process_time()
    for i in range(samples):
        try:
            questions += len(gen.make(0, i).qa)
        except RuntimeError:  # no well-posed question of this kind in the data (e.g. ties everywhere)
            failed += 1
    dt, dc = time.perf_counter() - t0, time.process_time() - c0
    return samples / dt, questions / dt, questions / dc, failed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--samples", type=int, default=20, help="samples per generator and source (default 20)")
    ap.add_argument("--only", choices=("synthetic", "provision", "vg-sized"))
    args = ap.parse_args()
    tmp = tempfile.TemporaryDirectory()
    sources = {"synthetic": {}}
    if BASEBALL.is_dir():
        sources["provision"] = {"scenes": f"provision:{BASEBALL}"}
    sources["vg-sized"] = {"scenes": f"vg:{write_vg_like(Path(tmp.name))}"}
    if args.only:
        sources = {args.only: sources[args.only]}
    names = registry.names("scene.*")
    rows, totals = [], {}
    for src, opts in sources.items():
        t_load = time.perf_counter()
        registry.create(names[0], **opts)  # loads (and caches) the scene set once
        load_s = time.perf_counter() - t_load
        tot_q = tot_t = tot_c = 0.0
        for name in tqdm(names, desc=src, unit="generator"):
            sps, qps, qpc, failed = measure(name, opts, args.samples)
            rows.append((src, name, sps, qps, qpc, failed))
            tot_q += qps * args.samples / sps
            tot_t += args.samples / sps
            tot_c += qps * args.samples / sps / qpc if qpc else 0.0
        totals[src] = (tot_q / tot_t, tot_q / tot_c if tot_c else 0.0, load_s)
    print(f"{'source':<10} {'generator':<26} {'samples/s':>10} {'questions/s':>12} {'q/CPU-s':>9} {'failed':>7}")
    for src, name, sps, qps, qpc, failed in rows:
        print(f"{src:<10} {name:<26} {sps:>10.1f} {qps:>12.1f} {qpc:>9.1f} {failed:>7}")
    for src, (qps, qpc, load_s) in totals.items():
        print(f"{src}: {qps:.1f} questions/s wall, {qpc:.1f} per CPU second, over all scene.* generators "
              f"(one process; scene set loaded in {load_s:.2f} s)")
    tmp.cleanup()


if __name__ == "__main__":
    main()
