"""``mmsynth generate``: a parallel, sharded, resumable run.

The run is cut into shards of consecutive indices of one generator. A worker (a local
process or a Ray task, :mod:`mmsynth.backend`) makes the
samples of a shard, writes their images, then the shard's log and finally its JSONL,
atomically: a shard exists whole or not at all. Because sample *i* depends only on
``(seed, i, generator)``, a run that is killed and resumed (shards already on disk are
skipped) yields the same bytes as an uninterrupted one.
"""
from __future__ import annotations

import itertools
import re
import sys
import time
import traceback
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterator

from PIL import Image
from tqdm import tqdm

from mmsynth import registry
from mmsynth.backend import Backend, JobBase, run_tasks
from mmsynth.corpus import (DATA_DIR, IMAGE_MODES, IMAGES_DIR, MANIFEST, SHARED_DIR, SHOWN, config_diff, manifest_base,
                            read_manifest, refuse_escapes, store_shared, write_image, write_manifest)
from mmsynth.errors import CannotRun, UserError
from mmsynth.io import STORAGE_ERRNOS, StorageError, atomic_write_json, atomic_write_jsonl, read_json, read_jsonl
from mmsynth.rand import check_seed

LOGS_DIR = "logs"
MAX_SAMPLES = 10 ** 9   # samples in one run: a year of one machine's work, far past any corpus
PLAN_BATCH = 1000       # shards handed to the backend at a time


@dataclass
class GenerateConfig:
    """Everything that determines a run's output; stored in the manifest and compared on resume."""
    generators: list[str]
    n: int
    seed: int = 0
    per_generator: bool = False
    shard_size: int = 50
    image_format: str = "png"
    images: str = "copy"        # loaded photos: copied once per corpus, or hard-linked ("link")
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Shard:
    generator: str
    number: int
    start: int
    stop: int

    @property
    def name(self) -> str:
        return f"{self.generator}-{self.number:05d}"


def counts_per_generator(generators: list[str], n: int, per_generator: bool) -> dict[str, int]:
    """``n`` samples for each generator, or ``n`` in all split as evenly as possible."""
    if per_generator:
        return {g: n for g in generators}
    base, extra = divmod(n, len(generators))
    return {g: base + (1 if i < extra else 0) for i, g in enumerate(generators)}


def plan_shards(cfg: GenerateConfig) -> Iterator[Shard]:
    """The run's shards in order, made one at a time (a huge -n never builds the whole plan)."""
    for gen, count in counts_per_generator(cfg.generators, cfg.n, cfg.per_generator).items():
        for number, start in enumerate(range(0, count, cfg.shard_size)):
            yield Shard(gen, number, start, min(start + cfg.shard_size, count))


def planned_shard(cfg: GenerateConfig, name: str) -> Shard | None:
    """The shard of the plan called ``name`` (``GENERATOR-NNNNN``), or None when the plan has none."""
    gen, _, number = name.rpartition("-")
    counts = counts_per_generator(cfg.generators, cfg.n, cfg.per_generator)
    if gen not in counts or not number.isdigit() or name != f"{gen}-{int(number):05d}":
        return None
    start = int(number) * cfg.shard_size
    if start >= counts[gen]:
        return None
    return Shard(gen, int(number), start, min(start + cfg.shard_size, counts[gen]))


def total_samples(cfg: GenerateConfig) -> int:
    return cfg.n * len(cfg.generators) if cfg.per_generator else cfg.n


def shard_count(cfg: GenerateConfig) -> int:
    return sum(-(-count // cfg.shard_size)
               for count in counts_per_generator(cfg.generators, cfg.n, cfg.per_generator).values())


def image_path(generator: str, index: int, k: int, n_images: int, fmt: str) -> str:
    ext = "jpg" if fmt in ("jpg", "jpeg") else "png"
    suffix = "" if n_images == 1 else f"_{k}"
    return f"{IMAGES_DIR}/{generator}/{index:06d}{suffix}.{ext}"


def sample_id(generator: str, seed: int, index: int) -> str:
    return f"{generator}-{seed}-{index:06d}"


# ---- worker side -----------------------------------------------------------------------
@dataclass
class ShardMaker(JobBase):
    """Makes, writes and logs shards of one run wherever it runs (this process, a pool
    worker, a Ray task); generators are built once per process."""
    out: str = ""
    cfg: GenerateConfig | None = None
    _generators: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def generator(self, name: str):
        if name not in self._generators:
            self._generators[name] = registry.create(name, **self.cfg.options)
        return self._generators[name]

    def store(self, img: Image.Image | Path, generator: str, index: int, k: int, n_images: int,
              sizes: dict[str, int]) -> str:
        """Write one image of a sample; its corpus path (a rendered image's size goes into
        ``sizes``, which the shard's log keeps for ``--resume`` to check). A rendered image belongs to its sample;
        a loaded photo (a file) is stored once per corpus by content, however many samples use it."""
        if isinstance(img, Path):   # named by its sha256; --resume checks that it exists
            return store_shared(self.out, img, img.suffix, link=self.cfg.images == "link")
        rel = image_path(generator, index, k, n_images, self.cfg.image_format)
        sizes[rel] = write_image(self.out, rel, img, self.cfg.image_format)
        return rel

    def __call__(self, shard: Shard, tick: Callable[[int], None]) -> dict:
        """One shard's samples, images, log and JSONL; a sample that raises is logged and skipped.
        A write that fails (a full disk) stops the run with a :class:`StorageError`: it is
        never a sample's failure."""
        out, cfg = Path(self.out), self.cfg
        gen = self.generator(shard.generator)
        records, failures, questions, sizes = [], [], 0, {}
        for index in range(shard.start, shard.stop):
            try:
                sample = gen.make(cfg.seed, index)
                paths = [self.store(img, shard.generator, index, k, len(sample.images), sizes)
                         for k, img in enumerate(sample.images)]
                records.append(sample.record(sample_id(shard.generator, cfg.seed, index), shard.generator,
                                             gen.task, paths, cfg.seed, index))
                questions += len(sample.qa)
            except UserError:
                raise
            except OSError as e:
                if e.errno in STORAGE_ERRNOS:   # the disk's fault, not the sample's
                    raise StorageError.of(e.filename or out, e) from None
                failures.append(_failure(index, e))
            except Exception as e:
                failures.append(_failure(index, e))
            tick(1)
        stats = {"shard": shard.name, "generator": shard.generator, "samples": len(records),
                 "questions": questions, "failures": failures, "image_bytes": sizes}
        atomic_write_json(out / LOGS_DIR / f"{shard.name}.json", stats)
        atomic_write_jsonl(out / DATA_DIR / f"{shard.name}.jsonl", records)
        return stats


def _failure(index: int, e: Exception) -> dict:
    return {"index": index, "error": f"{type(e).__name__}: {e}", "traceback": traceback.format_exc(limit=4)}


def shard_problem(out: Path, shard: Shard) -> str | None:
    """Why a finished shard on disk cannot be kept (a log that is not this run's, see
    :func:`shard_log`; a record that does not parse; a record count other than the logged one;
    a missing image, or one whose size is not the one logged), or None when it is whole."""
    try:
        stats = shard_log(out, shard)
        rows = [rec for _, rec in read_jsonl(out / DATA_DIR / f"{shard.name}.jsonl", root=out)]
    except UserError as e:
        return str(e)
    if stats["samples"] != len(rows):
        return f"{DATA_DIR}/{shard.name}.jsonl: {len(rows)} records, its log says {stats['samples']}"
    sizes = stats.get("image_bytes", {})
    sizes = sizes if isinstance(sizes, dict) else {}
    for rec in rows:
        images = rec.get("images") if isinstance(rec, dict) else None
        if not isinstance(images, list) or not all(isinstance(rel, str) for rel in images):
            return f"{DATA_DIR}/{shard.name}.jsonl: a record without a list of image paths"
        for rel in images:
            if not (out / rel).is_file():
                return f"{rel}: image is missing"
            if rel in sizes and (out / rel).stat().st_size != sizes[rel]:
                return f"{rel}: {(out / rel).stat().st_size} bytes, {sizes[rel]} were written"
    return None


def finished_shards(out: Path, cfg: GenerateConfig, resume: bool = True) -> tuple[dict[str, dict], list[str]]:
    """The stats of the shards on disk that are whole, and what is wrong with the others. With
    ``resume`` the damaged ones are left out (and so made again); otherwise a damaged shard log
    is a one-line error (:func:`shard_log`)."""
    done, broken = {}, []
    for path in sorted((out / DATA_DIR).glob("*.jsonl")):
        shard = planned_shard(cfg, path.stem)
        if shard is None:
            continue
        if not resume:
            done[shard.name] = shard_log(out, shard)
            continue
        problem = shard_problem(out, shard)
        if problem:
            broken.append(problem)
        else:
            done[shard.name] = shard_log(out, shard)
    return done, broken


# ---- main side -------------------------------------------------------------------------
def prepare_out(out: Path, cfg: GenerateConfig, resume: bool, overwrite: bool) -> None:
    """Check that OUT may take this run; with ``overwrite``, clear the generate run it holds
    (only the files that run wrote). Raises UserError otherwise."""
    if out.exists() and not out.is_dir():
        raise UserError(f"{out}: exists and is not a folder")
    if out.is_dir() and any(out.iterdir()):
        refuse_escapes(out)
        if not (out / MANIFEST).exists():
            raise UserError(f"{out}: is not empty and holds no mmsynth run "
                            f"({'refusing to clear it' if overwrite else 'choose another -o'})")
        old = read_manifest(out)
        if overwrite:
            clear_run(out, old)
        else:
            if old.get("kind") != "generate" or old.get("config") != asdict(cfg):
                diff = config_diff(old.get("config"), asdict(cfg)) if old.get("kind") == "generate" \
                    else f"of `mmsynth {old.get('kind', '?')}`"
                raise UserError(f"{out}: holds a different run ({diff}); use --overwrite to replace it or another -o")
            if not resume:
                state = old.get("status", "unknown")
                raise UserError(f"{out}: holds this run already (status {state}); use --resume to finish it"
                                " or --overwrite to start again")
    try:
        for sub in (DATA_DIR, IMAGES_DIR, LOGS_DIR):
            (out / sub).mkdir(parents=True, exist_ok=True)
            for stale in (out / sub).rglob(".*.tmp"):  # left by a killed writer
                stale.unlink()
        probe = out / ".write-probe"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as e:
        raise UserError(f"{out}: cannot write there ({e.strerror or e})") from None


def run_files(out: Path, generators: list[str]) -> Iterator[Path]:
    """The files a generate run of ``generators`` writes into OUT (shards, logs, images, what a
    killed writer leaves), found by their names: nothing else in the folder matches."""
    tmp = r"(\..+\.[^.]+\.tmp)"
    for gen in generators:
        name = re.escape(gen)
        for folder, pattern in ((out / DATA_DIR, rf"{name}-\d{{5,}}\.jsonl"),
                                (out / LOGS_DIR, rf"{name}-\d{{5,}}\.json"),
                                (out / IMAGES_DIR / gen, r"\d{6,}(_\d+)?\.(png|jpg)")):
            if folder.is_dir():
                yield from (p for p in folder.iterdir()
                            if p.is_file() and re.fullmatch(f"({pattern})|{tmp}", p.name))
    shared = out / SHARED_DIR   # loaded photos, named by their sha256
    if shared.is_dir():
        yield from (p for p in shared.iterdir()
                    if p.is_file() and re.fullmatch(rf"([0-9a-f]{{64}}(\.\w+)?)|{tmp}", p.name))


def clear_run(out: Path, manifest: dict) -> None:
    """Remove the generate run whose manifest is ``manifest`` from OUT: the files it wrote, and
    the folders they leave empty; anything else stays."""
    config = manifest.get("config")
    gens = config.get("generators") if isinstance(config, dict) else None
    if manifest.get("kind") != "generate" or not isinstance(gens, list) \
            or not all(isinstance(g, str) and g and "/" not in g and g not in (".", "..") for g in gens):
        raise UserError(f"{out}: holds no generate run (its manifest says {manifest.get('kind', 'nothing')!r}); "
                        "refusing to clear it, choose another -o")
    for path in list(run_files(out, gens)):
        path.unlink()
    for folder in [out / IMAGES_DIR / g for g in gens] + [out / SHARED_DIR] + [out / sub for sub in (DATA_DIR, IMAGES_DIR, LOGS_DIR)]:
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    (out / MANIFEST).unlink()


def _summary_table(per_gen: dict[str, dict], elapsed: float, made: int) -> str:
    """The per-generator table, and the speed of this invocation (``made`` samples in ``elapsed``)."""
    rows = [("generator", "samples", "questions", "failures")]
    rows += [(g, str(s["samples"]), str(s["questions"]), str(s["failures"])) for g, s in sorted(per_gen.items())]
    total = [sum(s[k] for s in per_gen.values()) for k in ("samples", "questions", "failures")]
    rows.append(("total", *map(str, total)))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join(c.ljust(widths[0]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(r)) for r in rows]
    lines.insert(1, "-" * len(lines[0]))
    lines.insert(len(lines) - 1, "-" * len(lines[0]))
    if made and elapsed > 0:
        lines.append(f"{elapsed:.1f} s, {made / elapsed:.1f} samples/s")
    else:
        lines.append("every shard was finished already; nothing was made now")
    return "\n".join(lines)


def shard_log(out: Path, shard: Shard) -> dict:
    """The log of a finished shard, checked to be one this run wrote (a resumed folder may have
    been edited); a damaged one is a one-line error saying how to redo that shard."""
    path = out / LOGS_DIR / f"{shard.name}.json"
    log = read_json(path, expect=dict, root=out)
    ok = (log.get("generator") == shard.generator and isinstance(log.get("failures"), list)
          and all(isinstance(log.get(k), int) and not isinstance(log.get(k), bool) for k in ("samples", "questions")))
    if not ok:
        raise UserError(f"{path}: not the log of shard {shard.name} of this run; delete it and "
                        f"{DATA_DIR}/{shard.name}.jsonl, then rerun with --resume to make that shard again")
    return log


def runnable(cfg: GenerateConfig) -> GenerateConfig:
    """``cfg`` with only the generators that can run with its options (creating each in the
    parent, so bad options fail fast); those that cannot are named on stderr, with why. The
    same command always keeps the same ones, so ``--resume`` finds the same configuration."""
    why: dict[str, str] = {}
    for name in cfg.generators:
        try:
            registry.create(name, **cfg.options)
        except CannotRun as e:
            why[name] = str(e)
    skipped = [f"{name} ({reason})" for name, reason in why.items()]
    if len(skipped) == len(cfg.generators):
        raise UserError(f"no selected generator can run here: {'; '.join(skipped[:SHOWN])}"
                        + (f"; and {len(skipped) - SHOWN} more" if len(skipped) > SHOWN else ""))
    if skipped:
        print(f"mmsynth generate: skipping {len(skipped)} generator(s) that cannot run here: "
              + "; ".join(skipped[:SHOWN]) + (f"; and {len(skipped) - SHOWN} more" if len(skipped) > SHOWN else ""),
              file=sys.stderr)
    return replace(cfg, generators=[n for n in cfg.generators if n not in why])


def check_config(cfg: GenerateConfig) -> None:
    """One-line refusals of flags that cannot make a run, before anything is planned or written."""
    if not 0 < cfg.n <= MAX_SAMPLES:
        raise UserError(f"-n must be a positive number of samples, at most {MAX_SAMPLES:,}; got {cfg.n}")
    if total_samples(cfg) > MAX_SAMPLES:
        raise UserError(f"-n {cfg.n} per generator makes {total_samples(cfg):,} samples, "
                        f"more than {MAX_SAMPLES:,} in one run")
    check_seed(cfg.seed)
    if cfg.shard_size <= 0:
        raise UserError(f"--shard-size must be at least 1, got {cfg.shard_size}")


def generate(cfg: GenerateConfig, out: str | Path, workers: int = 1, resume: bool = False,
             overwrite: bool = False, progress: bool = True, backend: Backend | None = None) -> dict:
    """Run (or finish, with ``resume``) a generate job into ``out``; returns the final manifest.
    ``backend`` runs the shards elsewhere (default: ``workers`` local processes).

    Resuming checks the finished shards and makes again those that are damaged. A write that
    fails (a full disk) stops the run as interrupted with one line; ``--resume`` makes the rest."""
    check_config(cfg)
    backend = backend or Backend("local", workers)
    backend.check()
    if cfg.images not in IMAGE_MODES:
        raise UserError(f"--images must be one of {', '.join(IMAGE_MODES)}, got {cfg.images!r}")
    cfg = runnable(cfg)   # also creates each generator here, so bad options fail fast in the parent
    out = Path(out)
    prepare_out(out, cfg, resume, overwrite)
    manifest = manifest_base("generate", asdict(cfg))
    started = time.time()
    manifest["timings"] = {"started": started}
    write_manifest(out, manifest)

    n_shards = shard_count(cfg)
    stats, broken = finished_shards(out, cfg, resume)
    if broken and progress:
        print(f"{len(broken)} finished shard(s) are damaged and are made again (first: {broken[0]})",
              file=sys.stderr)
    n_resumed = len(stats)
    resumed_samples = sum(st["samples"] + len(st["failures"]) for st in stats.values())
    todo = (s for s in plan_shards(cfg) if s.name not in stats)
    total = total_samples(cfg)
    t0 = time.perf_counter()
    bar = tqdm(total=total, initial=resumed_samples, unit="sample", desc="generate",
               disable=not progress, dynamic_ncols=True, file=sys.stderr)
    maker = ShardMaker(str(out), cfg)
    try:
        while batch := list(itertools.islice(todo, PLAN_BATCH)):   # the plan is read a slice at a time
            for shard, st in run_tasks(maker, batch, backend, bar):
                stats[shard.name] = st
    except (KeyboardInterrupt, StorageError) as e:
        bar.close()
        manifest.update(status="interrupted", shards={"total": n_shards, "done": len(stats)})
        try:
            write_manifest(out, manifest)
        except StorageError:
            pass   # the manifest on disk still says "running", which resumes just as well
        if isinstance(e, StorageError):
            raise StorageError(f"{e}; the run is interrupted and its finished shards are kept: "
                               "free some space, then rerun with --resume") from None
        raise
    bar.close()
    elapsed = time.perf_counter() - t0
    per_gen: dict[str, dict] = {g: {"samples": 0, "questions": 0, "failures": 0} for g in cfg.generators}
    for st in stats.values():
        g = per_gen[st["generator"]]
        g["samples"] += st["samples"]
        g["questions"] += st["questions"]
        g["failures"] += len(st["failures"])
    n_samples = sum(g["samples"] for g in per_gen.values())
    made = total - resumed_samples
    manifest.update(status="complete" if n_samples else "failed", counts=per_gen,
                    shards={"total": n_shards, "done": len(stats), "resumed": n_resumed},
                    timings={"started": started, "finished": time.time(), "seconds": round(elapsed, 3),
                             "samples_per_s": round(made / elapsed, 2) if elapsed else None})
    write_manifest(out, manifest)
    if progress:
        print(_summary_table(per_gen, elapsed, made))
        failed = sum(g["failures"] for g in per_gen.values())
        if failed:
            print(f"{failed} samples failed; details in {out / LOGS_DIR}/", file=sys.stderr)
    return manifest


