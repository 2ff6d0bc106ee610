"""Scene question quality, before and after: ambiguity found by the independent check, and
distinct question shapes per family (prints tables; not a test).

For each synthetic ``scene.*`` generator, ``--samples`` samples are drawn (spec and
questions, as ``generate`` makes them, without rendering) on this tree and, with
``--baseline DIR``, on another checkout in the same run. Then, with this tree's
:mod:`scenegraph.oracle` for both:
  * questions the independent check finds ambiguous (another answer valid, a reference
    that could mean several objects or one mostly hidden), and among references of the
    form "the object that is <relation> the <object>", those matching more than one;
  * distinct question shapes per family: the question with slot values masked (object
    phrases, predicates, numbers, coordinates, image names, comparison words).

usage: python perf/scene_quality.py [--samples 200] [--baseline DIR]
"""
from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

from tqdm import tqdm

ROOT = Path(__file__).resolve().parents[1]
SLOT_WORDS = ["left-most", "right-most", "top-most", "bottom-most", "left of", "right of", "in front of", "behind",
              "near", "closer to", "farther from", "closer", "farther", "does not contain", "contains", "most",
              "fewest", "colour", "material", "size", "shape", "pose"]


def draw(samples: int) -> list[dict]:
    """Records (generator, qa, source) of every synthetic scene generator, in this process's tree."""
    from mmsynth import registry
    from mmsynth.questions import ask_many
    from mmsynth.rand import randint, rng_for
    out = []
    for name in registry.names("scene.*"):
        gen = registry.create(name)
        for i in range(samples):
            rng = rng_for(0, i, name)
            spec = gen.sample_spec(rng)
            qa = ask_many(gen.families, spec, rng, randint(rng, *gen.questions_per_sample), gen.mc_share)
            out.append({"generator": name, "qa": qa, "source": spec})
    return out


def draw_in(tree: Path, samples: int) -> list[dict]:
    env = dict(os.environ, PYTHONPATH=str(tree))
    code = (f"import json,sys; sys.path.insert(0, {str(ROOT / 'perf')!r}); import scene_quality as p; "
            f"print(json.dumps(p.draw({samples})))")
    res = subprocess.run([sys.executable, "-c", code], env=env, cwd=tree, capture_output=True, text=True, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def shape(question: str) -> str:
    """The question with its slot values masked."""
    from scenegraph.synthetic.world import vocab
    v = vocab()
    words = sorted(set(v["shapes"]) | set(v["colors"]) | set(v["materials"]) | set(v["sizes"]), key=len, reverse=True)
    q = re.sub(r"\[[-\d., ]+\]", "#", question)
    q = re.sub(r"Image \d", "#", q)
    q = re.sub(r"\b\d+\b", "#", q)
    for w in SLOT_WORDS:
        q = re.sub(rf"\b{re.escape(w)}\b", "#", q)
    q = re.sub(rf"\b(?:{'|'.join(words)})(?:s|es)?\b", "#", q)
    q = re.sub(r"(?:the |an? )?#(?:[ ,]+(?:the |an? |and |or )?#)*", "#", q)
    return q


def assess(records: list[dict]) -> dict:
    from scenegraph.oracle import _descriptions, problems, resolve, seen_objects
    flagged, refs, bad_refs = Counter(), 0, 0
    shapes: dict[str, set] = defaultdict(set)
    questions = 0
    for r in tqdm(records, desc="checking", unit="record", leave=False):
        questions += len(r["qa"])
        for p in problems(r):
            flagged[p.split(":")[0]] += 1
        if not r["generator"].startswith("scene.multi."):
            objs = seen_objects(r["source"]["layouts"][0])
            for qa in r["qa"]:
                for d in _descriptions(qa["question"]):
                    if d.startswith("the object that is"):
                        refs += 1
                        bad_refs += len(resolve(objs, r["source"]["layouts"][0]["width"], d)) != 1
        for qa in r["qa"]:
            shapes[qa["family"]].add(shape(qa["question"]))
    counts = {f: len(s) for f, s in sorted(shapes.items())}
    return {"questions": questions, "flagged": sum(flagged.values()), "by_family": dict(flagged),
            "refs": refs, "bad_refs": bad_refs, "shapes": counts}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--samples", type=int, default=200, help="samples per generator (default 200)")
    ap.add_argument("--baseline", type=Path, help="another checkout to measure in the same run")
    args = ap.parse_args()
    trees = {"this tree": ROOT} | ({"baseline": args.baseline.resolve()} if args.baseline else {})
    results = {label: assess(draw_in(tree, args.samples)) for label, tree in trees.items()}
    print(f"{args.samples} synthetic samples per scene.* generator")
    for label, r in results.items():
        shapes = list(r["shapes"].values())
        print(f"\n{label}: {r['questions']} questions, {r['flagged']} found ambiguous by the independent check "
              f"({r['flagged'] / max(r['questions'], 1):.1%}); 'the object that is <relation> ...' references: "
              f"{r['bad_refs']} of {r['refs']} match more than one object")
        print(f"  by family: {r['by_family']}")
        print(f"  distinct question shapes per family: median {statistics.median(shapes):g}, min {min(shapes)}, "
              f"max {max(shapes)} over {len(shapes)} families")
    names = sorted(set().union(*(r["shapes"] for r in results.values())))
    print(f"\n{'family':<32}" + "".join(f"{label + ' shapes':>18}" for label in results))
    for f in names:
        print(f"{f:<32}" + "".join(f"{r['shapes'].get(f, 0):>18}" for r in results.values()))


if __name__ == "__main__":
    main()
