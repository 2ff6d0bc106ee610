"""``mmsynth generate``: a parallel, sharded, resumable run.

The run is cut into shards of consecutive indices of one generator. A worker (a local
process or a Ray task, :mod:`mmsynth.backend`) makes the
samples of a shard, writes their images, then the shard's log and finally its JSONL,
atomically: a shard exists whole or not at all. Because sample *i* depends only on
``(seed, i, generator)``, a run that is killed and resumed (shards already on disk are
skipped) yields the same bytes as an uninterrupted one.
"""
from __future__ import annotations

import shutil
import sys
import time
import traceback
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

from PIL import Image
from tqdm import tqdm

from mmsynth import registry
from mmsynth.backend import Backend, JobBase, run_tasks
from mmsynth.corpus import (DATA_DIR, IMAGE_MODES, IMAGES_DIR, SHOWN, config_diff, manifest_base, read_manifest,
                            refuse_escapes, store_shared, write_image, write_manifest)
from mmsynth.errors import CannotRun, UserError
from mmsynth.io import atomic_write_json, atomic_write_jsonl, read_json

LOGS_DIR = "logs"


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


def plan_shards(cfg: GenerateConfig) -> list[Shard]:
    shards = []
    for gen, count in counts_per_generator(cfg.generators, cfg.n, cfg.per_generator).items():
        for number, start in enumerate(range(0, count, cfg.shard_size)):
            shards.append(Shard(gen, number, start, min(start + cfg.shard_size, count)))
    return shards


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

    def store(self, img: Image.Image | Path, generator: str, index: int, k: int, n_images: int) -> str:
        """Write one image of a sample; its corpus path. A rendered image belongs to its sample;
        a loaded photo (a file) is stored once per corpus by content, however many samples use it."""
        if isinstance(img, Path):
            return store_shared(self.out, img, img.suffix, link=self.cfg.images == "link")
        rel = image_path(generator, index, k, n_images, self.cfg.image_format)
        write_image(self.out, rel, img, self.cfg.image_format)
        return rel

    def __call__(self, shard: Shard, tick: Callable[[int], None]) -> dict:
        """One shard's samples, images, log and JSONL; a sample that raises is logged and skipped."""
        out, cfg = Path(self.out), self.cfg
        gen = self.generator(shard.generator)
        records, failures, questions = [], [], 0
        for index in range(shard.start, shard.stop):
            try:
                sample = gen.make(cfg.seed, index)
                paths = [self.store(img, shard.generator, index, k, len(sample.images))
                         for k, img in enumerate(sample.images)]
                records.append(sample.record(sample_id(shard.generator, cfg.seed, index), shard.generator,
                                             gen.task, paths, cfg.seed, index))
                questions += len(sample.qa)
            except UserError:
                raise
            except Exception as e:
                failures.append({"index": index, "error": f"{type(e).__name__}: {e}",
                                 "traceback": traceback.format_exc(limit=4)})
            tick(1)
        stats = {"shard": shard.name, "generator": shard.generator, "samples": len(records),
                 "questions": questions, "failures": failures}
        atomic_write_json(out / LOGS_DIR / f"{shard.name}.json", stats)
        atomic_write_jsonl(out / DATA_DIR / f"{shard.name}.jsonl", records)
        return stats


# ---- main side -------------------------------------------------------------------------
def prepare_out(out: Path, cfg: GenerateConfig, resume: bool, overwrite: bool) -> None:
    """Check that OUT may take this run; clear it with ``overwrite``. Raises UserError otherwise."""
    if out.exists() and not out.is_dir():
        raise UserError(f"{out}: exists and is not a folder")
    manifest_path = out / "manifest.json"
    if out.is_dir() and any(out.iterdir()):
        refuse_escapes(out)
        if overwrite:
            if not manifest_path.exists() and not (out / DATA_DIR).exists():
                raise UserError(f"{out}: is not empty and holds no mmsynth run; refusing to clear it")
            for sub in (DATA_DIR, IMAGES_DIR, LOGS_DIR):
                shutil.rmtree(out / sub, ignore_errors=True)
            manifest_path.unlink(missing_ok=True)
        elif not manifest_path.exists():
            raise UserError(f"{out}: is not empty and holds no mmsynth run (choose another -o)")
        else:
            old = read_manifest(out)
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


def generate(cfg: GenerateConfig, out: str | Path, workers: int = 1, resume: bool = False,
             overwrite: bool = False, progress: bool = True, backend: Backend | None = None) -> dict:
    """Run (or finish, with ``resume``) a generate job into ``out``; returns the final manifest.
    ``backend`` runs the shards elsewhere (default: ``workers`` local processes)."""
    if cfg.n <= 0:
        raise UserError(f"-n must be a positive number of samples, got {cfg.n}")
    backend = backend or Backend("local", workers)
    backend.check()
    if cfg.images not in IMAGE_MODES:
        raise UserError(f"--images must be one of {', '.join(IMAGE_MODES)}, got {cfg.images!r}")
    if cfg.shard_size <= 0:
        raise UserError(f"--shard-size must be at least 1, got {cfg.shard_size}")
    cfg = runnable(cfg)
    out = Path(out)
    prepare_out(out, cfg, resume, overwrite)
    manifest = manifest_base("generate", asdict(cfg))
    started = time.time()
    manifest["timings"] = {"started": started}
    write_manifest(out, manifest)

    shards = plan_shards(cfg)
    done = [s for s in shards if (out / DATA_DIR / f"{s.name}.jsonl").exists()]
    todo = [s for s in shards if s not in done]
    stats = {s.name: shard_log(out, s) for s in done}
    total = sum(s.stop - s.start for s in shards)
    t0 = time.perf_counter()
    bar = tqdm(total=total, initial=sum(s.stop - s.start for s in done), unit="sample", desc="generate",
               disable=not progress, dynamic_ncols=True, file=sys.stderr)
    try:
        for shard, st in run_tasks(ShardMaker(str(out), cfg), todo, backend, bar):
            stats[shard.name] = st
    except KeyboardInterrupt:
        bar.close()
        manifest.update(status="interrupted", shards={"total": len(shards), "done": len(stats)})
        write_manifest(out, manifest)
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
    made = sum(s.stop - s.start for s in todo)
    manifest.update(status="complete" if n_samples else "failed", counts=per_gen,
                    shards={"total": len(shards), "done": len(stats), "resumed": len(done)},
                    timings={"started": started, "finished": time.time(), "seconds": round(elapsed, 3),
                             "samples_per_s": round(made / elapsed, 2) if elapsed else None})
    write_manifest(out, manifest)
    if progress:
        print(_summary_table(per_gen, elapsed, made))
        failed = sum(g["failures"] for g in per_gen.values())
        if failed:
            print(f"{failed} samples failed; details in {out / LOGS_DIR}/", file=sys.stderr)
    return manifest


