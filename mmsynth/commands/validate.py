"""mmsynth validate: schema + images + answers recomputed from the source."""
from __future__ import annotations

import argparse
import sys

from mmsynth.validate import validate_corpus

NAME = "validate"
HELP = "check a corpus: record schema, images (inside the corpus, decodable), every answer recomputed"
EXAMPLE = "mmsynth validate out/corpus"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("corpus", help="corpus folder")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.add_argument("--deep", action="store_true",
                   help="decode every image fully (default: header and size only, which is fast)")


def run(args: argparse.Namespace) -> int:
    report = validate_corpus(args.corpus, progress=not args.quiet, deep=args.deep)
    print(report.table())
    for problem in report.problems:
        print(f"  {problem}", file=sys.stderr)
    if report.failures:
        print(f"FAILED: {report.failures} problem records/lines", file=sys.stderr)
        return 1
    total = sum(r["records"] for r in report.rows.values())
    print(f"OK: {total} records valid, every answer recomputed")
    return 0
