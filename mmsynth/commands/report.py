"""mmsynth report: an HTML page with a corpus's distributions and a gallery."""
from __future__ import annotations

import argparse

from mmsynth.corpus import require_corpus
from mmsynth.report import write_report

NAME = "report"
HELP = "write an HTML page with a corpus's counts, distributions (plots) and a gallery with QA"
EXAMPLE = "mmsynth report out/corpus   # writes out/corpus/report.html"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("corpus", help="corpus folder")
    p.add_argument("-o", "--out", help="HTML file to write (default CORPUS/report.html)")


def run(args: argparse.Namespace) -> int:
    path = write_report(require_corpus(args.corpus), args.out)
    print(f"wrote {path}")
    return 0
