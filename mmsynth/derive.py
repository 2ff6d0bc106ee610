"""The loop of the commands that derive a corpus from a corpus shard by shard (``evolve``,
``curate``): output shards mirror the input shards, each written atomically; the
manifest lists the finished ones, so ``--resume`` redoes only the rest."""
from __future__ import annotations

import argparse
import sys
from abc import ABC, abstractmethod
from pathlib import Path
from typing import ClassVar

from tqdm import tqdm

from mmsynth.corpus import DATA_DIR, claim_output, manifest_base, require_corpus, shard_paths, write_shard_manifest
from mmsynth.errors import UserError
from mmsynth.io import atomic_write_jsonl


def add_io_arguments(p: argparse.ArgumentParser, verb: str) -> None:
    """The flags every corpus-from-corpus command has: the input, -o, --resume and -q."""
    p.add_argument("corpus", help=f"corpus folder to {verb} (it is not changed)")
    p.add_argument("-o", "--output", required=True, help="corpus folder to write")
    p.add_argument("--resume", action="store_true", help="finish an interrupted run in OUT")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")


def report(manifest: dict, lines: list[str]) -> int:
    """Print a finished run's figures; the exit code is 1, with the hint to resume, when some
    LLM requests failed and left the run incomplete."""
    print("\n".join(lines))
    if manifest["status"] == "incomplete":
        print("some LLM requests failed; rerun with --resume to retry them", file=sys.stderr)
        return 1
    return 0


class DerivedRun(ABC):
    """Subclasses set ``kind`` and implement :meth:`process`; the hooks are optional."""

    kind: ClassVar[str] = ""
    stops: ClassVar[tuple[type[BaseException], ...]] = (KeyboardInterrupt,)   # leave the run "interrupted"

    def __init__(self, corpus: str, out: str | Path, config: dict, progress: bool = True):
        self.source = require_corpus(corpus)
        self.out, self.config, self.progress = Path(out), config, progress

    @abstractmethod
    def process(self, path: Path, bar: tqdm) -> tuple[list[dict], dict]:
        """The output records of one input shard, and its stats (``finished``, ``counts``)."""

    def prepare(self) -> None:
        """Before the first shard (e.g. load what must be excluded)."""

    def reuse(self, shard: Path) -> None:
        """A finished output shard of a run being resumed (e.g. rebuild state from it)."""

    def finish(self, manifest: dict) -> None:
        """After the last shard, with the manifest as written (e.g. plots)."""

    def run(self, resume: bool = False) -> dict:
        inputs = shard_paths(self.source)
        if not inputs:
            raise UserError(f"{self.source}: the corpus has no shards in {DATA_DIR}/")
        if self.out.resolve() == self.source.resolve():
            raise UserError(f"{self.out}: write the output to another folder than its source")
        self.prepare()
        shards = claim_output(self.out, self.kind, self.config, resume)
        manifest = manifest_base(self.kind, self.config) | {"source_corpus": str(self.source.resolve())}
        total = sum(sum(1 for line in p.open("rb") if line.strip()) for p in inputs)
        bar = tqdm(total=total, desc=self.kind, unit="rec", disable=not self.progress)
        try:
            for path in inputs:
                target = self.out / DATA_DIR / path.name
                if path.stem in shards and target.exists():
                    self.reuse(target)
                    bar.update(shards[path.stem]["counts"].get("lines", 0))
                    continue
                records, stats = self.process(path, bar)
                atomic_write_jsonl(target, records)
                shards[path.stem] = stats
                write_shard_manifest(self.out, manifest, shards, "running")
        except self.stops:
            write_shard_manifest(self.out, manifest, shards, "interrupted")
            raise
        finally:
            bar.close()
        unfinished = [k for k, v in shards.items() if not v["finished"]]
        manifest = write_shard_manifest(self.out, manifest, shards, "incomplete" if unfinished else "complete")
        self.finish(manifest)
        return manifest
