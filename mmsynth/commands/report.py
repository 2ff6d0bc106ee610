"""mmsynth report: an HTML page with a corpus's distributions and a gallery."""
from __future__ import annotations

import argparse

from pathlib import Path

from mmsynth.corpus import MANIFEST, require_corpus, shard_paths
from mmsynth.outputs import claim_file, head_contains
from mmsynth.report import REPORT_TITLE, write_report

NAME = "report"
HELP = "write an HTML page with a corpus's counts, distributions (plots) and a gallery with QA"
EXAMPLE = "mmsynth report out/corpus   # writes out/corpus/report.html"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("corpus", help="corpus folder")
    p.add_argument("-o", "--out", help="HTML file to write (default CORPUS/report.html)")
    p.add_argument("--overwrite", action="store_true", help="replace OUT even if it is not an earlier report")


def run(args: argparse.Namespace) -> int:
    root = require_corpus(args.corpus)
    out = claim_file(args.out or root / "report.html", NAME, head_contains(REPORT_TITLE),
                     inputs=[root, root / MANIFEST, *shard_paths(root)], overwrite=args.overwrite)
    path = write_report(root, out)
    print(f"wrote {path}")
    return 0
