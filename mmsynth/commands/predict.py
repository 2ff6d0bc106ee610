"""mmsynth predict: answer a benchmark's questions with a trained run, for `mmsynth bench score`."""
from __future__ import annotations

import argparse
from pathlib import Path

NAME = "predict"
HELP = "answer every question of a benchmark folder with a trained model (batched greedy decoding)"
EXAMPLE = "mmsynth predict runs/tiny out/bench -o preds.jsonl && mmsynth bench score out/bench preds.jsonl"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("run", help="run folder written by `mmsynth train`")
    p.add_argument("bench", help="benchmark folder (questions.jsonl + images/)")
    p.add_argument("-o", "--out", help="predictions file to write (JSONL: id, prediction; default: beside the "
                   "benchmark, BENCH.RUN.jsonl)")
    p.add_argument("--overwrite", action="store_true", help="replace OUT even if it is not an earlier predictions file")
    p.add_argument("--batch-size", type=int, default=16, help="questions per generation batch (default 16)")
    p.add_argument("--max-new-tokens", type=int, default=32, help="longest answer in tokens (default 32)")
    p.add_argument("--device", help="torch device (default: cuda if available, else cpu)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")


def default_out(run: Path, bench: Path) -> Path:
    """Beside the benchmark folder, named after it and the run (never the current directory)."""
    bench = bench.resolve()
    return bench.with_name(f"{bench.name}.{run.resolve().name}.jsonl")


def run(args: argparse.Namespace) -> int:
    from mmsynth.errors import UserError
    from mmsynth.outputs import claim_file, jsonl_with_keys
    from mmsynth.train.predict import predict

    if args.batch_size < 1 or args.max_new_tokens < 1:
        raise UserError("--batch-size and --max-new-tokens must be >= 1")
    args.out = args.out or str(default_out(Path(args.run), Path(args.bench)))
    inputs = [p for folder in (args.run, args.bench) if Path(folder).is_dir() for p in Path(folder).iterdir()]
    claim_file(args.out, NAME, jsonl_with_keys("id", "prediction"), inputs=[args.run, args.bench, *inputs],
               overwrite=args.overwrite)
    n = predict(args.run, args.bench, args.out, batch_size=args.batch_size, max_new_tokens=args.max_new_tokens,
                progress=not args.quiet, device=args.device)
    print(f"wrote {args.out} ({n} questions answered now)")
    return 0
