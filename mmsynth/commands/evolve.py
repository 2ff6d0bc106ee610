"""mmsynth evolve: instructions made harder and more varied in rounds (after MMEvol), answers computed."""
from __future__ import annotations

import argparse

from mmsynth.backend import backend_from_args
from mmsynth.derive import add_io_arguments, report
from mmsynth.evolve.operators import DIRECTIONS
from mmsynth.evolve.run import EvolveConfig, EvolveRun, summary
from mmsynth.llm import add_llm_arguments, client_from_args

NAME = "evolve"
HELP = ("evolve a corpus's questions in rounds: finer perception, deeper reasoning, new interaction "
        "formats; answers recomputed, failed evolutions eliminated")
EXAMPLE = "mmsynth evolve out/corpus -o out/evolved --rounds 3 [--llm http://localhost:8000 --model NAME]"


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_io_arguments(p, "evolve")
    p.add_argument("--rounds", type=int, default=3, help="evolution rounds (3)")
    p.add_argument("--seed", type=int, default=0, help="seed of the evolution choices (0)")
    p.add_argument("--directions", default=",".join(DIRECTIONS),
                   help=f"comma-separated directions to draw from ({','.join(DIRECTIONS)})")
    p.add_argument("--max-steps", type=int, default=4,
                   help="eliminate questions that need more reasoning steps than this (4)")
    p.add_argument("--max-question-chars", type=int, default=600,
                   help="eliminate questions longer than this, options included (600)")
    add_llm_arguments(p)


def run(args: argparse.Namespace) -> int:
    cfg = EvolveConfig(corpus=args.corpus, rounds=args.rounds, seed=args.seed,
                       directions=[d.strip() for d in args.directions.split(",") if d.strip()],
                       max_steps=args.max_steps, max_question_chars=args.max_question_chars,
                       llm=args.llm, model=args.model)
    client = client_from_args(args, f"{args.output}/.llm_cache")
    run = EvolveRun(cfg, args.output, client, progress=not args.quiet)
    manifest = run.run(resume=args.resume, backend=backend_from_args(args))
    return report(manifest, [summary(manifest),
                             f"per round: {args.output}/evolution.png; check it with: mmsynth validate {args.output}"])
