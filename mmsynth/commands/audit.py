"""mmsynth audit: questions with more than one valid answer, grammar problems, answer
concentration and distinct question shapes per family, printed and written as HTML."""
from __future__ import annotations

import argparse

from mmsynth.audit.report import AUDIT_TITLE, audit_corpus, summary_lines, write_audit_html
from mmsynth.corpus import MANIFEST, require_corpus, shard_paths
from mmsynth.outputs import claim_file, head_contains

NAME = "audit"
HELP = "find ambiguous questions, grammar problems, dominant answers and few phrasings in a corpus"
EXAMPLE = "mmsynth audit out/corpus   # prints a table per generator, writes out/corpus/audit.html"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("corpus", help="corpus folder")
    p.add_argument("-o", "--out", help="HTML file to write (default CORPUS/audit.html)")
    p.add_argument("--overwrite", action="store_true", help="replace OUT even if it is not an earlier audit")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")


def run(args: argparse.Namespace) -> int:
    root = require_corpus(args.corpus)
    out = claim_file(args.out or root / "audit.html", NAME, head_contains(AUDIT_TITLE),
                     inputs=[root, root / MANIFEST, *shard_paths(root)], overwrite=args.overwrite)
    audit = audit_corpus(root, progress=not args.quiet)
    print("\n".join(summary_lines(audit)))
    print(f"wrote {write_audit_html(audit, root, out)}")
    return 0
