"""The loop of the commands that derive a corpus from a corpus shard by shard (``evolve``,
``curate``): output shards mirror the input shards, each written atomically; the
manifest lists the finished ones, so ``--resume`` redoes only the rest. Shards run on the
chosen backend (:mod:`mmsynth.backend`: this process, local workers or Ray)."""
from __future__ import annotations

import argparse
import sys
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, ClassVar, Iterator

from tqdm import tqdm

from mmsynth.backend import Backend, JobBase, add_backend_arguments, run_tasks
from mmsynth.corpus import DATA_DIR, claim_output, manifest_base, require_corpus, shard_paths, write_shard_manifest
from mmsynth.errors import UserError
from mmsynth.io import atomic_write_jsonl


def add_io_arguments(p: argparse.ArgumentParser, verb: str) -> None:
    """The flags every corpus-from-corpus command has: the input, -o, --resume, -q and the backend."""
    p.add_argument("corpus", help=f"corpus folder to {verb} (it is not changed)")
    p.add_argument("-o", "--output", required=True, help="corpus folder to write")
    p.add_argument("--resume", action="store_true", help="finish an interrupted run in OUT")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    add_backend_arguments(p, workers=1)


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
    def process(self, path: Path, tick: Callable[[int], None]) -> tuple[list[dict], dict]:
        """The output records of one input shard, and its stats (``finished``, ``counts``);
        ``tick(n)`` after reading n records."""

    def write_shard(self, path: Path, tick: Callable[[int], None]) -> dict:
        """Process one input shard and write its output shard; its stats."""
        records, stats = self.process(path, tick)
        atomic_write_jsonl(self.out / DATA_DIR / path.name, records)
        return stats

    def run_shards(self, todo: list[Path], backend: Backend, bar: tqdm) -> Iterator[tuple[Path, dict]]:
        """``(input shard, stats)`` as output shards are written. By default every shard is
        independent and written where it is processed, in any order."""
        yield from run_tasks(ShardWriter(self), todo, backend, bar)

    def prepare(self) -> None:
        """Before the first shard (e.g. load what must be excluded)."""

    def reuse(self, shard: Path) -> None:
        """A finished output shard of a run being resumed (e.g. rebuild state from it)."""

    def finish(self, manifest: dict) -> None:
        """After the last shard, with the manifest as written (e.g. plots)."""

    def run(self, resume: bool = False, backend: Backend | None = None) -> dict:
        backend = backend or Backend()
        backend.check()
        inputs = shard_paths(self.source)
        if not inputs:
            raise UserError(f"{self.source}: the corpus has no shards in {DATA_DIR}/")
        if self.out.resolve() == self.source.resolve():
            raise UserError(f"{self.out}: write the output to another folder than its source")
        self.prepare()
        shards = claim_output(self.out, self.kind, self.config, resume)
        manifest = manifest_base(self.kind, self.config) | {"source_corpus": str(self.source.resolve())}
        write_shard_manifest(self.out, manifest, shards, "running")   # before any output: a kill can resume
        total = sum(sum(1 for line in p.open("rb") if line.strip()) for p in inputs)
        bar = tqdm(total=total, desc=self.kind, unit="rec", disable=not self.progress)
        todo = []
        try:
            for path in inputs:
                target = self.out / DATA_DIR / path.name
                if path.stem in shards and target.exists():
                    self.reuse(target)
                    bar.update(shards[path.stem]["counts"].get("lines", 0))
                else:
                    todo.append(path)
            for path, stats in self.run_shards(todo, backend, bar):
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


@dataclass
class ShardWriter(JobBase):
    """The job that processes and writes one input shard of a run, on any backend."""
    run: DerivedRun | None = None

    def __call__(self, path: Path, tick: Callable[[int], None]) -> dict:
        return self.run.write_shard(path, tick)
