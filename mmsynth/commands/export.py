"""mmsynth export: write a corpus in a training stack's layout."""
from __future__ import annotations

import argparse
from pathlib import Path

from mmsynth import export as exports
from mmsynth.corpus import load_records, require_corpus
from mmsynth.errors import UserError
from mmsynth.outputs import claim_folder, seal_folder

NAME = "export"
HELP = "export a corpus as llava, sharegpt (LLaMA-Factory), hf (datasets), webdataset or instructblip"
EXAMPLE = "mmsynth export out/corpus --format llava -o out/llava"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("corpus", help="corpus folder")
    p.add_argument("--format", "-f", required=True, help="llava | sharegpt | hf | webdataset | instructblip")
    p.add_argument("-o", "--out", required=True, help="destination folder")
    p.add_argument("--images", choices=("copy", "link", "none"), default="copy",
                   help="copy images (default), symlink them, or point into the corpus (json formats)")
    p.add_argument("--overwrite", action="store_true", help="replace an earlier export in OUT")
    p.add_argument("--shard-size", type=int, default=1000, help="records per webdataset tar")
    p.add_argument("--push-to-hub", metavar="REPO", help="hf format: also push to the Hub (your credentials)")


def run(args: argparse.Namespace) -> int:
    available = exports.formats()
    if args.format not in available:
        raise UserError(f"unknown format {args.format!r}; choose one of {', '.join(available)}")
    if args.shard_size <= 0:
        raise UserError("--shard-size must be positive")
    root = require_corpus(args.corpus)
    records = load_records(root)
    if not records:
        raise UserError(f"{root}: the corpus has no records")
    dest = Path(args.out)
    if dest.resolve() == root.resolve():
        raise UserError("the destination must differ from the corpus folder")
    claim_folder(dest, NAME, args.overwrite)
    opts = exports.ExportOptions(images=args.images, shard_size=args.shard_size, push_to_hub=args.push_to_hub)
    result = exports.EXPORTERS[args.format](records, root, dest, opts)
    seal_folder(dest, NAME, f"{args.format} of {root.resolve()}")
    print(f"exported {result['records']} {args.format} records to {dest}"
          + "".join(f"; {k}: {v}" for k, v in result.items() if k.startswith("skipped") and v))
    return 0
