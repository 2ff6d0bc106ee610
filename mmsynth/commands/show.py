"""mmsynth show: print one record of a corpus with its image paths."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from mmsynth.corpus import iter_records
from mmsynth.errors import UserError

NAME = "show"
HELP = "print one record of a corpus (the first, or --id) with its image paths"
EXAMPLE = "mmsynth show out/corpus --id chart.bar-0-000003"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("corpus", help="corpus folder")
    p.add_argument("--id", help="record id (default: the first record)")
    p.add_argument("--no-source", action="store_true", help="leave out the symbolic source")


def run(args: argparse.Namespace) -> int:
    root = Path(args.corpus)
    for shard, line, rec in iter_records(root, validate=False):
        if args.id is None or rec.get("id") == args.id:
            shown = {k: v for k, v in rec.items() if not (args.no_source and k == "source")}
            print(json.dumps(shown, indent=2, ensure_ascii=False))
            print(f"# {shard}:{line}")
            for p in rec.get("images", []):
                path = (root / p).resolve()
                print(f"# image: {path}{'' if path.exists() else '  (missing)'}")
            return 0
    raise UserError(f"no record with id {args.id!r} in {root}" if args.id else f"{root}: the corpus is empty")
