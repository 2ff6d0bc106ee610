"""Computed descriptions on every generator: N samples each, a describe question asked on
each, and the record re-verified the way `mmsynth validate` does (Generator.verify on the
stored source and params). Prints, per generator, how many verify, the styles drawn, the
mean length and how many distinct paragraphs came out.

    python perf/describe_check.py [-n 100]
"""
from __future__ import annotations

import argparse
import time
from collections import Counter

from mmsynth import registry
from mmsynth.describe import is_describe
from mmsynth.questions import ask
from mmsynth.rand import rng_for


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("-n", type=int, default=100)
    n = p.parse_args().n
    t0, total, bad = time.time(), 0, 0
    print(f"{'generator':28} {'ok':>4} {'caption':>8} {'detailed':>8} {'bullets':>8} {'words':>6} {'distinct':>8}")
    for name in registry.names("*"):
        gen = registry.create(name)
        if not gen.can_generate():
            continue
        fam = next(f for f in gen.families if is_describe(f.name))
        ok, styles, words, answers = 0, Counter(), 0, set()
        for i in range(n):
            spec = gen.sample_spec(rng_for(0, i, name))
            qa = ask(fam, spec, rng_for(0, i, name + ":describe"))
            ok += not gen.verify({"source": spec, "qa": [qa]})
            styles[qa["params"]["style"]] += 1
            words += len(qa["answer"].split())
            answers.add(qa["answer"])
        total, bad = total + n, bad + n - ok
        print(f"{name:28} {ok:>4} {styles['caption']:>8} {styles['detailed']:>8} {styles['bullets']:>8} "
              f"{words / n:>6.1f} {len(answers):>8}")
    print(f"{total} descriptions, {bad} failed verification, {time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
