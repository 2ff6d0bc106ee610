"""mmsynth llavar: OCR-grounded conversations (LLaVAR recipe) from real images, as a corpus."""
from __future__ import annotations

import argparse
import sys

from mmsynth.backend import add_backend_arguments, backend_from_args
from mmsynth.llavar.build import LlavarConfig, LlavarRun, summary
from mmsynth.llm import add_llm_arguments, client_from_args
from mmsynth.ocr import ENGINES, get_engine

NAME = "llavar"
HELP = ("OCR real images and write read-the-text, grounded and (with --llm) LLM-written conversations "
        "as a corpus (task: ocr)")
EXAMPLE = "mmsynth llavar photos/ -o out/llavar --llm http://localhost:8000 --model Qwen2.5-7B-Instruct"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("images", nargs="+", help="image files, folders of images, or corpus folders")
    p.add_argument("-o", "--output", required=True, help="corpus folder to write")
    p.add_argument("--min-words", type=int, default=3, help="keep images with at least this many words (3)")
    p.add_argument("--min-conf", type=float, default=0.4,
                   help="ignore OCR words below this confidence, in [0, 1] (0.4)")
    p.add_argument("--seed", type=int, default=0, help="seed of the question choices (0)")
    p.add_argument("--shard-size", type=int, default=100, help="images per shard (100)")
    p.add_argument("--engine", default="easyocr", choices=sorted(ENGINES), help="OCR engine (easyocr)")
    p.add_argument("--ocr-cache", default=None, help="OCR cache folder (default ~/.cache/mmsynth/ocr)")
    p.add_argument("--cpu", action="store_true", help="OCR on the CPU even if there is a GPU")
    add_llm_arguments(p)
    p.add_argument("--captions", help="captions for the LLM prompt: JSON {image: caption} or JSONL")
    p.add_argument("--resume", action="store_true", help="finish an interrupted run in OUT")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    add_backend_arguments(p, workers=1)


def run(args: argparse.Namespace) -> int:
    cfg = LlavarConfig(inputs=list(args.images), min_words=args.min_words, min_confidence=args.min_conf,
                       seed=args.seed, shard_size=args.shard_size, engine=args.engine, llm=args.llm,
                       model=args.model, captions=args.captions)
    options = {"cache_dir": args.ocr_cache}
    if args.cpu:
        options["gpu"] = False
    client = client_from_args(args, f"{args.output}/.llm_cache")
    manifest = LlavarRun(cfg, args.output, get_engine(args.engine, **options), client,
                         progress=not args.quiet).run(resume=args.resume, backend=backend_from_args(args))
    print(summary(manifest))
    if manifest["status"] == "incomplete":
        print("some LLM requests failed; rerun with --resume to retry them", file=sys.stderr)
        return 1
    return 0
