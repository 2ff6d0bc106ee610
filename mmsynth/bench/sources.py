"""Where ``bench build`` draws samples from: registered generators or an existing corpus.

Both yield :class:`Candidate` samples with their images already encoded (the bytes that
are hashed and written). Generators are asked round-robin, sample ``index`` of run
``seed`` each, while any of their families is open. With ``workers > 1`` samples are made
ahead of need in worker processes, but consumed in exactly the order a single process
would make them, so the benchmark does not depend on the number of workers.
"""
from __future__ import annotations

import multiprocessing as mp
import sys
from collections import Counter
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from mmsynth import registry
from mmsynth.bench.hashing import image_bytes, source_hash
from mmsynth.bench.quotas import Quotas, Stratum
from mmsynth.corpus import iter_records, require_corpus
from mmsynth.describe import is_describe
from mmsynth.errors import UserError
from mmsynth.generator import ImageRef
from mmsynth.images import BadImage, record_images
from mmsynth.rand import rng_for, shuffled
from mmsynth.record import is_long_answer
from mmsynth.validate import record_problem


@dataclass
class Candidate:
    """One sample offered to the benchmark: where it came from, its encoded images, its questions,
    and the strata its source could have fed (for closing families that stop yielding)."""
    key: str
    generator: str
    task: str
    blobs: list[bytes]
    exts: list[str]
    spec_hash: str
    qa: list[dict]
    origin: dict
    strata: list[Stratum]


def encode_images(images: list[ImageRef]) -> tuple[list[bytes], list[str]]:
    """The bytes each image is stored as, and its file extension (image files keep theirs)."""
    exts = [(Path(img).suffix.lstrip(".").lower() or "png") if isinstance(img, Path) else "png" for img in images]
    return [image_bytes(img) for img in images], exts


_WORKER_GENERATORS: dict[str, Any] = {}


def make_sample(name: str, seed: int, index: int) -> tuple[str, Any]:
    """Sample ``index`` of generator ``name`` with encoded images: ``("ok", (blobs, exts, spec hash, qa))``,
    ``("user", message)`` when the generator cannot make samples here, or ``("error", message)``."""
    try:
        gen = _WORKER_GENERATORS.get(name) or _WORKER_GENERATORS.setdefault(name, registry.create(name))
        sample = gen.make(seed, index)
        blobs, exts = encode_images(sample.images)
        return "ok", (blobs, exts, source_hash(sample.source), sample.qa)
    except UserError as e:
        return "user", str(e)
    except Exception as e:  # a failing sample is skipped and counted by the caller
        return "error", f"index {index}: {type(e).__name__}: {e}"


class _Maker:
    """Makes samples inline (one worker) or ahead of need in a process pool."""

    def __init__(self, seed: int, workers: int, lookahead: int) -> None:
        self.seed, self.lookahead = seed, lookahead
        self.pool: ProcessPoolExecutor | None = None
        if workers > 1:
            ctx = mp.get_context("fork" if sys.platform.startswith("linux") else "spawn")
            self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx)
        self.futures: dict[tuple[str, int], Future] = {}

    def get(self, name: str, index: int) -> tuple[str, Any]:
        if self.pool is None:
            return make_sample(name, self.seed, index)
        for i in range(index, index + self.lookahead):
            if (name, i) not in self.futures:
                self.futures[(name, i)] = self.pool.submit(make_sample, name, self.seed, i)
        return self.futures.pop((name, index)).result()

    def forget(self, name: str) -> None:
        """Drop the samples made ahead for a generator that is no longer asked."""
        for key in [k for k in self.futures if k[0] == name]:
            self.futures.pop(key).cancel()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)


class GeneratorSource:
    """Samples of registered generators, round-robin, while any of a generator's families is open."""

    def __init__(self, patterns: list[str], seed: int, workers: int = 1) -> None:
        names = registry.resolve(patterns)
        gens = {n: registry.create(n) for n in names}
        self.skipped = [f"{n} (no question families)" for n in names if not gens[n].families]
        self.names = [n for n in names if gens[n].families]
        if not self.names:
            raise UserError(f"{', '.join(names)}: declare no question families, so no quotas can be set")
        self.tasks = {n: gens[n].task for n in self.names}
        self.seed, self.workers = seed, workers
        self.families = {n: sorted({(gens[n].task, f.name) for f in gens[n].families if not is_describe(f.name)})
                         for n in self.names}
        self.failures: Counter = Counter()
        self.first_error: dict[str, str] = {}

    def strata(self) -> list[Stratum]:
        return sorted({k for fams in self.families.values() for k in fams})

    def _drop(self, name: str, why: str, quotas: Quotas) -> None:
        """Stop using a generator; close the families no other generator asks."""
        self.skipped.append(f"{name} ({why})")
        self.names.remove(name)
        others = {k for n in self.names for k in self.families[n]}
        for k in self.families[name]:
            if k not in others:
                quotas.close(k)

    def candidates(self, quotas: Quotas) -> Iterator[Candidate]:
        index: Counter = Counter()
        maker = _Maker(self.seed, self.workers, lookahead=2 * self.workers)

        def wanted(n: str) -> bool:
            return any(quotas.is_open(k) for k in self.families[n])

        try:
            while any(wanted(n) for n in self.names):
                for n in list(self.names):
                    if not wanted(n):
                        maker.forget(n)
                        continue
                    i, index[n] = index[n], index[n] + 1
                    status, made = maker.get(n, i)
                    if status == "user":
                        self._drop(n, made, quotas)
                        maker.forget(n)
                    elif status == "error":
                        self.failures[n] += 1
                        self.first_error.setdefault(n, made)
                        quotas.observe(self.families[n], set())
                    else:
                        blobs, exts, spec, qa = made
                        yield Candidate(f"{n}-{self.seed}-{i:06d}", n, self.tasks[n], blobs, exts, spec, qa,
                                        {"generator": n, "seed": self.seed, "index": i}, self.families[n])
        finally:
            maker.close()


class CorpusSource:
    """The records of an existing corpus, in an order drawn from the seed."""

    def __init__(self, root: Path, seed: int) -> None:
        self.root = require_corpus(root)
        self.records = [rec for _, _, rec in iter_records(self.root)]
        if not self.records:
            raise UserError(f"{root}: the corpus holds no records")
        self.seed = seed
        self.skipped: list[str] = []
        self.failures: Counter = Counter()
        self.first_error: dict[str, str] = {}

    def strata(self) -> list[Stratum]:
        return sorted({(r["task"], qa["family"]) for r in self.records for qa in r["qa"] if not is_long_answer(qa)})

    def candidates(self, quotas: Quotas) -> Iterator[Candidate]:
        rng = rng_for(self.seed, 0, "bench.from-corpus")
        strata = self.strata()
        generators: dict = {}
        for rec in shuffled(rng, self.records):
            problem = record_problem(self.root, rec, generators)   # every answer recomputed from its source
            if problem:   # skipped and counted, like a failing generator sample
                self.failures[rec["generator"]] += 1
                self.first_error.setdefault(rec["generator"], f"record {rec['id']}: {problem[1]}")
                continue
            try:
                blobs, exts = encode_images(record_images(self.root, rec))
            except (BadImage, OSError) as e:
                self.failures[rec["generator"]] += 1
                self.first_error.setdefault(rec["generator"], f"record {rec['id']}: {e}")
                continue
            yield Candidate(rec["id"], rec["generator"], rec["task"], blobs, exts, source_hash(rec["source"]),
                            rec["qa"],
                            {"corpus": str(self.root), "record": rec["id"]}, strata)
        for key in quotas.target:
            quotas.close(key)
