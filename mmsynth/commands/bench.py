"""``mmsynth bench``: build a balanced held-out benchmark, or score predictions on one."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from mmsynth.bench import DEFAULT_SEED
from mmsynth.llm import add_llm_arguments

NAME = "bench"
HELP = ("build a balanced held-out benchmark (build), score a model's predictions on one (score), "
        "or export it for lmms-eval / VLMEvalKit (export)")
EXAMPLE = ("mmsynth bench build -g 'chart.*' -n 1000 -o bench/ --seed 7 --exclude corpus/ && "
           "mmsynth bench score bench/ preds.jsonl --baseline")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", parser_class=type(parser))
    b = sub.add_parser("build", help="build a benchmark from generators (or a corpus)",
                       description="Build a balanced held-out benchmark: questions.jsonl, answers.jsonl, images.",
                       epilog="example:\n  mmsynth bench build -g 'chart.*' -g dashboard.clock -n 500 -o bench/ "
                              "--seed 7 --exclude train_corpus/ --if-track 50",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    b.add_argument("-g", "--generator", dest="patterns", action="append", default=[], metavar="PATTERN",
                   help="generator name or shell pattern (repeatable)")
    b.add_argument("--from", dest="source", type=Path, metavar="CORPUS",
                   help="draw the questions from an existing corpus instead of generators")
    b.add_argument("-n", type=int, required=True, help="number of questions")
    b.add_argument("-o", "--out", type=Path, required=True, help="benchmark folder to create")
    b.add_argument("--seed", type=int, default=DEFAULT_SEED,
                   help=f"run seed of the generators: sample i of generator G is the one `generate --seed S` makes "
                        f"as sample i (default {DEFAULT_SEED}, not generate's 0, so a benchmark never draws a "
                        f"training corpus's samples by accident; the same seed gives the same benchmark)")
    b.add_argument("--exclude", type=Path, action="append", default=[], metavar="CORPUS",
                   help="training corpus the benchmark must share no image or question with (repeatable)")
    b.add_argument("--max-ratio", type=float, default=1.5,
                   help="no answer more than this factor over the next most common in a family (default 1.5)")
    b.add_argument("--per-image", type=int, default=1, help="questions taken from one sample at most (default 1)")
    b.add_argument("--patience", type=int, default=200,
                   help="retire a generator after this many samples in a row that add nothing (default 200)")
    b.add_argument("--workers", type=int, default=1,
                   help="processes making samples ahead of need (the result does not depend on it; default 1)")
    b.add_argument("--if-track", type=int, nargs="?", const=50, default=0, metavar="DIALOGUES",
                   help="also build the instruction-following track with this many dialogues (default 50)")
    b.add_argument("--if-max-instructions", type=int, default=3,
                   help="instructions per dialogue at most (default 3)")
    b.add_argument("--strict", action="store_true",
                   help="fail (exit 1, no benchmark written) when a family loses most of its quota to --exclude, "
                        "instead of warning")
    s = sub.add_parser("score", help="score a predictions file on a benchmark",
                       description="Score free-form predictions ({'id', 'prediction'} JSONL) on a benchmark.",
                       epilog="examples:\n  mmsynth bench score bench/ preds.jsonl --baseline --json\n"
                              "  mmsynth bench score bench/ preds.jsonl --judge http://localhost:8000 --model Qwen2.5-7B-Instruct",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    s.add_argument("bench", type=Path, help="benchmark folder")
    s.add_argument("predictions", type=Path, help="JSONL lines {\"id\": ..., \"prediction\": \"...\"}")
    s.add_argument("--json", action="store_true", help="print the summary as JSON instead of a table")
    s.add_argument("--out", type=Path, help="folder for summary.json, summary.csv, items.jsonl, scores.png "
                   "(default: PREDICTIONS without .jsonl + '.score/')")
    s.add_argument("--overwrite", action="store_true", help="replace an earlier score in the --out folder")
    s.add_argument("--baseline", action="store_true", help="score the answer-prior baselines beside the model")
    s.add_argument("--seed", type=int, default=0, help="seed of the bootstrap and the random baseline")
    s.add_argument("--bootstrap", type=int, default=1000, help="bootstrap resamples (default 1000)")
    s.add_argument("--strict", action="store_true", help="exit 1 when the predictions file has problems")
    add_llm_arguments(s, "--judge", "optional LLM judge for the answers the rules cannot decide (free-form "
                                    "text, or nothing read): an OpenAI-compatible server")
    e = sub.add_parser("export", help="write a benchmark for an evaluation harness (lmms-eval, VLMEvalKit)",
                       description="Write a benchmark as an lmms-eval task (YAML, utils.py scoring with mmsynth's "
                                   "scorer, a JSON dataset) or as a VLMEvalKit custom-dataset TSV.",
                       epilog="examples:\n  mmsynth bench export bench/ --format lmms-eval -o tasks/\n"
                              "  lmms-eval --model ... --include_path tasks/ --tasks mmsynth_bench\n"
                              "  mmsynth bench export bench/ --format vlmevalkit -o vlm/",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    e.add_argument("bench", type=Path, help="benchmark folder")
    e.add_argument("--format", required=True, choices=["lmms-eval", "vlmevalkit"], help="the harness")
    e.add_argument("-o", "--out", type=Path, required=True, help="folder to write the task into")
    e.add_argument("--task", help="task name (default mmsynth_<benchmark folder name>)")


def _build(args: argparse.Namespace) -> int:
    from mmsynth.bench.build import BuildConfig, build
    from mmsynth.bench.report import build_report
    from mmsynth.errors import UserError
    if bool(args.patterns) == bool(args.source):
        raise UserError("give generators (-g PATTERN) or a corpus (--from CORPUS), not both or neither")
    cfg = BuildConfig(out=args.out, n=args.n, seed=args.seed, patterns=args.patterns, source_corpus=args.source,
                      exclude=args.exclude, max_ratio=args.max_ratio, per_image=args.per_image,
                      patience=args.patience, if_dialogues=args.if_track,
                      if_max_instructions=args.if_max_instructions, workers=args.workers, strict=args.strict)
    meta = build(cfg)
    print(build_report(meta))
    for warning in meta["warnings"]:
        print(f"warning: {warning}", file=sys.stderr)
    print(f"wrote {args.out}/questions.jsonl, answers.jsonl, bench.json and images/")
    return 0


def _score(args: argparse.Namespace) -> int:
    from mmsynth.bench.report import bar_chart, table, write_csv
    from mmsynth.bench.score import item_rows, score_bench
    from mmsynth.errors import UserError
    from mmsynth.io import atomic_write_json, atomic_write_jsonl
    from mmsynth.llm import client_from_args
    from mmsynth.outputs import claim_folder, seal_folder
    from mmsynth.rand import check_seed
    if not 1 <= args.bootstrap <= 100_000:
        raise UserError(f"--bootstrap must be from 1 to 100,000 resamples, got {args.bootstrap}")
    check_seed(args.seed)
    out = args.out or args.predictions.with_name(args.predictions.name.removesuffix(".jsonl") + ".score")
    client = client_from_args(args, out / ".judge_cache", "--judge", temperature=0.0, max_tokens=8)
    claim_folder(out, "bench score", args.overwrite, flag="--out", keep=(".judge_cache",))   # replies stay cached
    summary, items = score_bench(args.bench, args.predictions, args.baseline, args.seed, args.bootstrap, client)
    try:
        atomic_write_json(out / "summary.json", summary)
        if items:
            atomic_write_jsonl(out / "items.jsonl", item_rows(items))
            write_csv(summary, out / "summary.csv")
            bar_chart(summary, out / "scores.png")
        seal_folder(out, "bench score", f"{args.predictions.resolve()} on {args.bench.resolve()}")
    except OSError as e:
        raise UserError(f"{out}: cannot write the scores ({e.strerror}); choose a folder with --out") from None
    if args.json:
        sys.stdout.write(json.dumps(summary, indent=2) + "\n")
    else:
        print(table(summary))
        print(f"wrote {out}/summary.json" + (", summary.csv, items.jsonl, scores.png" if items else ""))
    return 1 if args.strict and summary["problems"] else 0


def _export(args: argparse.Namespace) -> int:
    from mmsynth.bench.export import export_bench
    written = export_bench(args.bench, args.format, args.out, args.task)
    print(f"wrote {', '.join(str(p) for p in written)}")
    return 0


def run(args: argparse.Namespace) -> int:
    from mmsynth.errors import UserError
    if args.action == "build":
        return _build(args)
    if args.action == "score":
        return _score(args)
    if args.action == "export":
        return _export(args)
    raise UserError("choose an action: mmsynth bench build ..., mmsynth bench score BENCH PREDICTIONS "
                    "or mmsynth bench export BENCH --format F -o DIR")
