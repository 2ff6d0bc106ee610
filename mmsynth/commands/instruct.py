"""mmsynth instruct: open-ended instructions of many kinds answered by an LLM, every fact checked."""
from __future__ import annotations

import argparse

from mmsynth.backend import backend_from_args
from mmsynth.derive import add_io_arguments, report
from mmsynth.errors import UserError
from mmsynth.instruct.run import KINDS, InstructConfig, InstructRun, summary
from mmsynth.llm import add_llm_arguments, client_from_args

NAME = "instruct"
HELP = ("open-ended instructions (describe for an audience, summarise, compare, email, quiz, route...) "
        "expanded and answered by an LLM from each image's facts; answers stating anything the source "
        "does not support are dropped")
EXAMPLE = "mmsynth instruct out/corpus -o out/instruct --llm http://localhost:8000 --model NAME [--kinds email,quiz]"


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_io_arguments(p, "ask instructions about")
    p.add_argument("--kinds", default=",".join(KINDS), help=f"comma-separated instruction kinds ({','.join(KINDS)})")
    p.add_argument("--seed", type=int, default=0, help="seed of the choice of kind per record (0)")
    add_llm_arguments(p)


def run(args: argparse.Namespace) -> int:
    if not (args.llm and args.model):
        raise UserError("instruct needs an LLM: give --llm BASE_URL and --model NAME")
    cfg = InstructConfig(corpus=args.corpus, llm=args.llm, model=args.model, seed=args.seed,
                         kinds=[k.strip() for k in args.kinds.split(",") if k.strip()])
    client = client_from_args(args, f"{args.output}/.llm_cache")
    run = InstructRun(cfg, args.output, client, progress=not args.quiet)
    manifest = run.run(resume=args.resume, backend=backend_from_args(args))
    return report(manifest, [summary(manifest),
                             f"plot: {args.output}/instruct.png; check it with: mmsynth validate {args.output}"])
