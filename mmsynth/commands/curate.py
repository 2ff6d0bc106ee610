"""mmsynth curate: filter, de-duplicate, decontaminate and answer-balance a corpus into another."""
from __future__ import annotations

import argparse

from mmsynth.curate import CurateConfig, CurateRun, summary
from mmsynth.derive import add_io_arguments

NAME = "curate"
HELP = ("a cleaner corpus: drop records that do not verify, filter generators/families/skills, "
        "de-duplicate, decontaminate against benchmarks, balance each family's answers")
EXAMPLE = "mmsynth curate out/corpus -o out/curated --exclude out/bench --drop-family 'clock.hand_*' --balance 1.5"


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_io_arguments(p, "curate")
    p.add_argument("-g", "--generator", action="append", metavar="PATTERN",
                   help="keep records of generators matching (repeatable; default all)")
    p.add_argument("--drop-generator", action="append", default=[], metavar="PATTERN",
                   help="drop records of generators matching (repeatable)")
    p.add_argument("--families", action="append", metavar="PATTERN",
                   help="keep questions of families matching (repeatable; default all)")
    p.add_argument("--drop-family", action="append", default=[], metavar="PATTERN",
                   help="drop questions of families matching (repeatable)")
    p.add_argument("--skills", help="comma-separated skills to keep (default all)")
    p.add_argument("--balance", type=float, default=2.0,
                   help="no answer more than this many times the next most common in a family (2; 0: off)")
    p.add_argument("--max-per-family", type=int, help="keep at most this many questions of a family")
    p.add_argument("--exclude", action="append", default=[], metavar="FOLDER",
                   help="corpus or benchmark folder whose images and sources must not appear (repeatable)")
    p.add_argument("--no-verify", action="store_true", help="do not recompute the answers (faster)")


def run(args: argparse.Namespace) -> int:
    cfg = CurateConfig(corpus=args.corpus, generators=args.generator or ["*"], drop_generators=args.drop_generator,
                       families=args.families or ["*"], drop_families=args.drop_family,
                       skills=[s.strip() for s in args.skills.split(",") if s.strip()] if args.skills else None,
                       balance=args.balance or None, max_per_family=args.max_per_family, exclude=args.exclude,
                       verify=not args.no_verify)
    manifest = CurateRun(cfg, args.output, progress=not args.quiet).run(resume=args.resume)
    print(summary(manifest))
    print(f"answer concentration per family: {args.output}/curate.png; check it with: mmsynth validate {args.output}")
    return 0
