"""QA/s of the scene question engine alone (no images read or written; prints a table; not a test).

Two inputs, written here as Visual Genome files and loaded through the ``vg:`` loader:
  vg-sized  500 graphs of 35 objects and 20 relations (about 1 attribute per object),
            the size ProVision's published figures were measured on;
  small     500 graphs made by perturbing the two real ProVision baseball graphs
            (objects jittered, some dropped or duplicated; 3 to 9 objects).

For every ``scene.*`` generator the engine draws a well-posed spec from the loaded set and
asks a sample's questions (``sample_spec`` + ``ask_many``, exactly what ``generate`` does
around rendering), once per graph. ``--baseline DIR`` runs the same measurement in the
same run on another checkout (e.g. ``git worktree add /tmp/base <commit>``), one process
each, one after the other, so the two figures share the machine's state.

usage: python perf/scene_engine.py [--graphs 500] [--baseline DIR] [--only vg-sized|small]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
BASEBALL = ROOT.parent / "shared" / "realdata" / "provision_baseball"
LABELS = ["man", "woman", "shirt", "tree", "car", "window", "building", "sign", "table", "chair", "dog", "cup",
          "plate", "bag", "hat", "pole", "light", "boat", "bus", "horse", "kite", "umbrella", "bench", "bike"]
ATTRS = ["white", "black", "red", "blue", "green", "wooden", "metal", "large", "small", "standing", "tall", "open"]
PREDS = ["on", "has", "wearing", "near", "behind", "in front of", "holding", "next to", "under", "above"]
BASEBALL_GRAPHS = [  # the two real graphs (labels, boxes, attributes, relations) of the ProVision sample
    (401, 400, [("batter", [5, 54, 266, 355], ["swinging", "white"]), ("bat", [203, 121, 348, 212], ["wooden", "white"]),
                ("ball", [366, 176, 389, 198], ["white"]), ("baseball uniform", [48, 55, 155, 180], ["blue", "white"])],
     [(0, "wearing", 3), (0, "about to hit", 2), (0, "holding", 1)]),
    (770, 506, [("human", [558, 185, 770, 491], ["crouching"]), ("batter", [244, 55, 460, 494], ["swinging", "white"]),
                ("bat", [338, 17, 434, 214], ["brown", "wooden"]), ("game", [145, 14, 720, 490], ["professional"]),
                ("baseball glove", [606, 380, 679, 428], ["red", "white"]), ("ball", [603, 447, 631, 484], ["white"]),
                ("human", [558, 358, 769, 490], ["kneeling", "red"]), ("ball", [559, 366, 611, 427], ["white"])],
     [(0, "catching", 5), (4, "wearing", 6), (7, "on", 0), (1, "swinging", 2)]),
]


def _vg_object(k: int, label: str, box: list, attrs: list) -> dict:
    x1, y1, x2, y2 = (int(v) for v in box)
    return {"object_id": k, "x": x1, "y": y1, "w": max(1, x2 - x1), "h": max(1, y2 - y1), "names": [label],
            "attributes": attrs}


def vg_sized(rng: np.random.Generator, i: int) -> dict:
    objs = []
    for k in range(35):
        x, y, w, h = rng.integers(0, 700), rng.integers(0, 500), rng.integers(10, 200), rng.integers(10, 200)
        attrs = [ATTRS[j] for j in rng.choice(len(ATTRS), rng.integers(0, 3), replace=False)]
        objs.append(_vg_object(k, LABELS[rng.integers(len(LABELS))], [x, y, x + w, y + h], attrs))
    rels = [{"predicate": PREDS[rng.integers(len(PREDS))], "subject_id": int(a), "object_id": int(b)}
            for a, b in rng.integers(0, 35, size=(20, 2)) if a != b]
    return {"image_id": i, "width": 800, "height": 600, "objects": objs, "relationships": rels}


def small(rng: np.random.Generator, i: int) -> dict:
    w, h, objects, relations = BASEBALL_GRAPHS[i % 2]
    keep = [k for k in range(len(objects)) if rng.random() > 0.15] or [0, 1]
    extra = [int(k) for k in rng.integers(0, len(objects), size=int(rng.integers(0, 3)))]
    objs = []
    for n, k in enumerate(keep + extra):
        label, box, attrs = objects[k]
        dx, dy = rng.normal(0, 0.08 * w), rng.normal(0, 0.08 * h)
        moved = [min(w - 2, max(0, box[0] + dx)), min(h - 2, max(0, box[1] + dy)),
                 min(w - 1, max(1, box[2] + dx)), min(h - 1, max(1, box[3] + dy))]
        objs.append(_vg_object(n, label, moved, list(attrs)))
    pos = {k: n for n, k in enumerate(keep)}
    rels = [{"predicate": p, "subject_id": pos[a], "object_id": pos[b]} for a, p, b in relations if a in pos and b in pos]
    return {"image_id": i, "width": w, "height": h, "objects": objs, "relationships": rels}


def write_set(folder: Path, make, n: int, seed: int) -> Path:
    rng = np.random.default_rng(seed)
    (folder / "VG_100K").mkdir(parents=True, exist_ok=True)
    graphs = []
    for i in range(n):
        Image.new("RGB", (8, 6)).save(folder / "VG_100K" / f"{i}.jpg")
        graphs.append(make(rng, i))
    path = folder / "scene_graphs.json"
    path.write_text(json.dumps(graphs))
    return path


def measure(scenes: str, graphs: int) -> dict:
    """``{generator: [questions, seconds, cpu seconds, failed]}`` over ``graphs`` samples each."""
    from mmsynth import registry
    from mmsynth.questions import ask_many
    from mmsynth.rand import randint, rng_for
    out = {}
    names = registry.names("scene.*")
    for name in names:  # imports and the scene set's loading are not the engine's time
        registry.create(name, scenes=scenes)
    for name in names:
        gen = registry.create(name, scenes=scenes)
        questions = failed = 0
        t0, c0 = time.perf_counter(), time.process_time()
        for i in range(graphs):
            rng = rng_for(0, i, name)
            try:
                spec = gen.sample_spec(rng)
            except RuntimeError:  # no well-posed question of this kind in 30 draws
                failed += 1
                continue
            questions += len(ask_many(gen.families, spec, rng, randint(rng, *gen.questions_per_sample), gen.mc_share))
        out[name] = [questions, time.perf_counter() - t0, time.process_time() - c0, failed]
    return out


def run_tree(tree: Path, scenes: str, graphs: int) -> dict:
    """``measure`` in a fresh process on the checkout ``tree``."""
    env = dict(os.environ, PYTHONPATH=str(tree))
    code = (f"import json,sys; sys.path.insert(0, {str(ROOT / 'perf')!r}); import scene_engine as p; "
            f"print(json.dumps(p.measure({scenes!r}, {graphs})))")
    res = subprocess.run([sys.executable, "-c", code], env=env, cwd=tree, capture_output=True, text=True, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--graphs", type=int, default=500, help="graphs per input, and samples per generator (default 500)")
    ap.add_argument("--baseline", type=Path, help="another checkout to measure in the same run")
    ap.add_argument("--only", choices=("vg-sized", "small"))
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp())
    inputs = {"vg-sized": (vg_sized, 0), "small": (small, 1)}
    trees = {"this tree": ROOT} | ({"baseline": args.baseline.resolve()} if args.baseline else {})
    for src, (make, seed) in inputs.items():
        if args.only and src != args.only:
            continue
        scenes = f"vg:{write_set(tmp / src, make, args.graphs, seed)}"
        results = {label: run_tree(tree, scenes, args.graphs) for label, tree in trees.items()}
        print(f"\n{src}: {args.graphs} graphs, one process per tree, one core")
        print(f"{'generator':<24}" + "".join(f"{label + ' QA/s':>18}{'failed':>8}" for label in results))
        for name in next(iter(results.values())):
            row = "".join(f"{r[name][0] / max(r[name][2], 1e-9):>18.0f}{r[name][3]:>8}" for r in results.values())
            print(f"{name:<24}{row}")
        totals = {label: (sum(v[0] for v in r.values()), sum(v[2] for v in r.values())) for label, r in results.items()}
        print(f"{'all scene.*':<24}" + "".join(f"{q / c:>18.0f}{'':>8}" for q, c in totals.values()))
        print("QA/s = questions per CPU second (wall time on a shared machine measures the neighbours)")


if __name__ == "__main__":
    main()
