"""``mmsynth curate``: a cleaner training corpus from a corpus, every drop counted by reason.

Records go through, in corpus order:

1. checks: schema, images present, generator known, every answer recomputes (``--no-verify``
   skips the last);
2. filters: generator patterns (``-g``, ``--drop-generator``);
3. decontamination: a record sharing an image or a symbolic source with an ``--exclude``
   corpus or benchmark folder, or whose image is a near-duplicate of an image of an
   ``--exclude-benchmark`` public benchmark (:mod:`mmsynth.curation.public`), is dropped whole;
4. de-duplication: a record repeating an earlier kept record's generator and images, exactly
   or as near-duplicate images (:mod:`mmsynth.curation.near_images`);
5. ``--budget N``: only the N records chosen for diversity among those passing steps 1-3
   (:mod:`mmsynth.curation.budget`, a first pass over the corpus);

and then question by question:

6. family patterns (``--families``, ``--drop-family``) and ``--skills``;
7. a question repeating a kept one (same normalised text, options and images), or a
   paraphrase of one (:mod:`mmsynth.curation.near_questions`);
8. a question sharing a word n-gram with a public benchmark's question;
9. ``--max-per-family``;
10. answer balancing by rejection (the benchmark's rule, :mod:`mmsynth.bench.balance`):
   within a family no answer gets more than ``--balance`` times the next most common,
   so training does not teach a family's favourite answer.

A record left without questions is dropped; one that lost some gets its conversation
rebuilt from the rest. Output shards mirror the input shards and are written atomically;
what was kept so far (the state of steps 4-10) is a function of the output alone, and the
budget's choice a function of the input, so ``--resume`` rebuilds them and yields the same
corpus as an uninterrupted run. The manifest counts every drop; ``OUT/curate.png`` shows, per family,
the share of the most common answer before and after.
"""
from __future__ import annotations

import copy
import fnmatch
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterator, NamedTuple

import numpy as np
from PIL import Image, UnidentifiedImageError
from tqdm import tqdm

from mmsynth.backend import Backend, JobBase, run_tasks
from mmsynth.bench.balance import Balancer, answer_key, distribution_figures
from mmsynth.bench.hashing import ExcludedContent, question_hash, sha256, source_hash
from mmsynth.clip import load_embedder
from mmsynth.corpus import DATA_DIR, link_image, read_lenient, shard_paths, write_manifest
from mmsynth.curation import budget, near_images, near_questions, public
from mmsynth.curation.near_images import NearImageIndex, hamming, phash
from mmsynth.curation.near_questions import NearQuestionIndex
from mmsynth.derive import DerivedRun
from mmsynth.errors import UserError
from mmsynth.generator import conversation
from mmsynth.io import atomic_write_bytes, atomic_write_jsonl, inside, read_jsonl
from mmsynth.plots import png_bytes, pyplot
from mmsynth.record import SKILLS, validate_record
from mmsynth.validate import generator_for, record_problem

MAX_LISTED = 20
PLOTTED_FAMILIES = 40
SKEW_MIN_N, SKEW_SHARE = 20, 0.5   # what the summary calls a family with a favourite answer


@dataclass
class CurateConfig:
    """Everything that decides a run's output; stored in the manifest and compared on resume."""
    corpus: str
    generators: list[str] = field(default_factory=lambda: ["*"])
    drop_generators: list[str] = field(default_factory=list)
    families: list[str] = field(default_factory=lambda: ["*"])
    drop_families: list[str] = field(default_factory=list)
    skills: list[str] | None = None
    balance: float | None = 2.0
    max_per_family: int | None = None
    exclude: list[str] = field(default_factory=list)
    verify: bool = True
    near_duplicates: bool = True
    image_threshold: int = near_images.DEFAULT_THRESHOLD
    question_threshold: float = near_questions.DEFAULT_THRESHOLD
    exclude_benchmarks: list[str] = field(default_factory=list)
    image_root: str | None = None
    ngram: int = public.DEFAULT_NGRAM
    budget: int | None = None
    clip_checkpoint: str | None = None
    clip_arch: str = "ViT-B-32"

    def check(self) -> None:
        if self.balance is not None and self.balance < 1:
            raise UserError("--balance must be at least 1 (or 0 for no balancing)")
        if self.max_per_family is not None and self.max_per_family < 1:
            raise UserError("--max-per-family must be at least 1")
        if not 0 <= self.image_threshold < near_images.HASH_BITS // 2:
            raise UserError(f"--image-threshold must be from 0 to {near_images.HASH_BITS // 2 - 1} bits")
        if not 0 < self.question_threshold <= 1:
            raise UserError("--question-threshold must be above 0 and at most 1")
        if self.ngram < 1:
            raise UserError("--ngram must be at least 1")
        if self.budget is not None and self.budget < 1:
            raise UserError("--budget must be at least 1")
        if self.clip_checkpoint and self.budget is None:
            raise UserError("--clip-checkpoint only changes --budget's features: give --budget too")
        for spec in self.exclude_benchmarks:
            public.parse_spec(spec)
        bad = [s for s in self.skills or [] if s not in SKILLS]
        if bad:
            raise UserError(f"unknown skill {bad[0]!r} (choose from {', '.join(SKILLS)})")


def matches(name: str, keep: list[str], drop: list[str]) -> bool:
    return any(fnmatch.fnmatchcase(name, p) for p in keep) and not any(fnmatch.fnmatchcase(name, p) for p in drop)


def load_excluded(paths: list[str]) -> ExcludedContent:
    """The image and source hashes of corpora and benchmark folders (``bench.json``: its images)."""
    excluded = ExcludedContent()
    for path in map(Path, paths):
        if (path / "bench.json").is_file():
            for f in sorted((path / "images").rglob("*")):
                if inside(path, f) and f.is_file():   # never a symlink out of the benchmark folder
                    excluded.images.add(sha256(f.read_bytes()))
        else:
            excluded.add_corpus(path)
    return excluded


@dataclass
class Kept:
    """What the output holds so far: all that de-duplication, caps and balancing depend on."""
    balancer: Balancer
    image_index: dict[str, NearImageIndex] | None = None        # per generator; None: off
    near_questions: NearQuestionIndex | None = None
    image_threshold: int = near_images.DEFAULT_THRESHOLD
    samples: set[str] = field(default_factory=set)
    questions: set[str] = field(default_factory=set)
    per_family: Counter = field(default_factory=Counter)
    phashes: list[list[int]] = field(default_factory=list)       # per near-indexed record, its images

    def add_question(self, qa: dict, image_hashes: list[str]) -> None:
        self.questions.add(question_hash(qa, image_hashes))
        if self.near_questions is not None:
            self.near_questions.add(qa, image_hashes)
        self.per_family[qa["family"]] += 1
        self.balancer.add(qa["family"], qa["answer"])

    def add_sample(self, rec: dict, image_hashes: list[str], phashes: list[int]) -> None:
        self.samples.add(sample_key(rec, image_hashes))
        if self.image_index is not None and phashes:
            index = self.image_index.setdefault(rec["generator"], NearImageIndex(self.image_threshold))
            index.add(phashes[0], str(len(self.phashes)))
            self.phashes.append(phashes)

    def near_duplicate(self, rec: dict, phashes: list[int]) -> bool:
        """Whether a kept record of the same generator shows the same images, near enough."""
        index = (self.image_index or {}).get(rec["generator"])
        if index is None or not phashes:
            return False
        for _, pos in index.within(phashes[0]):
            other = self.phashes[int(index.labels[pos])]
            if len(other) == len(phashes) and all(hamming(a, b) <= self.image_threshold
                                                   for a, b in zip(phashes, other)):
                return True
        return False

    def add(self, rec: dict, image_hashes: list[str], phashes: list[int]) -> None:
        """A finished output record (on resume): its sample and every question."""
        self.add_sample(rec, image_hashes, phashes)
        for qa in rec["qa"]:
            self.add_question(qa, image_hashes)


class BadImage(Exception):
    """An image that exists but does not decode: its record is dropped as ``bad_image``."""


def sample_key(rec: dict, image_hashes: list[str]) -> str:
    """A record's identity for de-duplication: its generator and images (the same source
    drawn in another style, with other questions, is not a duplicate)."""
    return rec["generator"] + ":" + ",".join(image_hashes)


def image_hashes(root: Path, rec: dict) -> list[str]:
    return [sha256((root / rel).read_bytes()) for rel in rec["images"]]


class Checked(NamedTuple):
    """What a worker found about one record: why it is dropped (steps 1-2), or its image hashes."""
    reason: str | None
    detail: str
    hashes: list[str]
    phashes: list[int]


@dataclass
class ShardChecker(JobBase):
    """The job that checks one input shard of a curate run, on any backend."""
    run: CurateRun | None = None

    def __call__(self, path: Path, tick: Callable[[int], None]) -> dict[str, Checked]:
        return self.run.check(path, tick)


class CurateRun(DerivedRun):
    """One ``mmsynth curate`` run from a corpus into another corpus folder."""

    kind = "curate"

    def __init__(self, cfg: CurateConfig, out: str | Path, progress: bool = True):
        cfg.check()
        super().__init__(cfg.corpus, out, asdict(cfg), progress)
        self.cfg = cfg
        self.generators: dict = {}
        near = cfg.near_duplicates
        self.kept = Kept(Balancer(cfg.balance or 1.0), {} if near else None,
                         NearQuestionIndex(cfg.question_threshold) if near else None, cfg.image_threshold)
        self.excluded = ExcludedContent()
        self.benchmarks: list[public.PublicBenchmark] = []
        self.phash_cache: dict[Path, int] = {}
        self.prepass: dict[str, tuple[str, str]] = {}    # where -> (reason, detail), found by the budget's pass
        self.chosen: set[str] | None = None               # where of the records the budget keeps
        self.budget_figures: dict = {}

    def prepare(self) -> None:
        self.excluded = load_excluded(self.cfg.exclude)
        self.benchmarks = [public.load_benchmark(spec, self.cfg.image_root, self.cfg.ngram, self.cfg.image_threshold,
                                                 self.progress) for spec in self.cfg.exclude_benchmarks]
        if self.cfg.budget is not None:
            self.choose_budget()

    def needs_phash(self) -> bool:
        return self.cfg.near_duplicates or bool(self.benchmarks) or self.cfg.budget is not None

    def phashes(self, root: Path, rec: dict) -> list[int]:
        if not self.needs_phash():
            return []
        out = []
        for rel in rec["images"]:
            path = root / rel
            if path not in self.phash_cache:
                try:
                    self.phash_cache[path] = phash(path)
                except (OSError, UnidentifiedImageError, ValueError, Image.DecompressionBombError) as e:
                    raise BadImage(f"image {rel} does not decode ({type(e).__name__})") from None
            out.append(self.phash_cache[path])
        return out

    def choose_budget(self) -> None:
        """The budget's first pass: every record that passes the record checks and
        decontamination is a candidate; k-center chooses among them."""
        embed = load_embedder(self.cfg.clip_checkpoint, self.cfg.clip_arch) if self.cfg.clip_checkpoint else None
        cands: list[budget.Candidate] = []
        inputs = shard_paths(self.source)
        for path in tqdm(inputs, desc="budget: features", unit="shard", disable=not self.progress):
            for where, rec, problem in read_lenient(path):
                reason, detail = ("corrupt", problem) if problem else self.record_reason(rec)
                try:
                    if reason is None:
                        reason, detail = self.contamination_reason(rec, image_hashes(self.source, rec),
                                                                   self.phashes(self.source, rec))
                except BadImage as e:
                    reason, detail = "bad_image", str(e)
                if reason is not None:
                    self.prepass[where] = (reason, detail)
                    continue
                vec = (embed([self.source / r for r in rec["images"]]) if embed
                       else np.mean([budget.phash_vector(h) for h in self.phashes(self.source, rec)], axis=0))
                cands.append(budget.Candidate(where, rec["generator"], vec, sorted({q["family"] for q in rec["qa"]}),
                                              budget.answers_of(rec)))
        self.chosen, self.budget_figures = budget.select(cands, self.cfg.budget)

    def reuse(self, shard: Path) -> None:
        for _, rec in read_jsonl(shard, root=self.out):
            self.kept.add(rec, image_hashes(self.out, rec), self.phashes(self.out, rec))

    def finish(self, manifest: dict) -> None:
        manifest["families"] = family_figures(self.source, self.out)
        if self.budget_figures:
            manifest["budget"] = self.budget_figures
        if self.benchmarks:
            manifest["public_benchmarks"] = {b.name: b.figures for b in self.benchmarks}
        write_manifest(self.out, manifest)
        plot_families(manifest["families"], self.out / "curate.png")

    def run_shards(self, todo: list[Path], backend: Backend, bar: tqdm) -> Iterator[tuple[Path, dict]]:
        """The order-free checks (verification, image hashes) run on the backend, a window of
        shards at a time; what depends on the records kept before (steps 3-10) is decided
        here, shard after shard, so the output does not depend on the backend."""
        checker = ShardChecker(self.checker())
        window = 2 * backend.workers
        for start in range(0, len(todo), window):
            part = todo[start:start + window]
            checked = dict(run_tasks(checker, part, backend, bar))
            for path in part:
                records, stats = self.decide(path, checked[path])
                atomic_write_jsonl(self.out / DATA_DIR / path.name, records)
                yield path, stats

    def checker(self) -> CurateRun:
        """A copy without what the kept records built up, to send to workers."""
        light = copy.copy(self)
        light.kept, light.phash_cache = None, {}
        return light

    def process(self, path: Path, tick: Callable[[int], None]) -> tuple[list[dict], dict]:
        return self.decide(path, self.check(path, tick))

    def check(self, path: Path, tick: Callable[[int], None]) -> dict[str, Checked]:
        """Steps 1-2 and the image hashes of one shard's records, by ``where``: the costly part,
        independent of every other record."""
        out = {}
        for where, rec, problem in read_lenient(path):
            tick(1)
            if problem or where in self.prepass or (self.chosen is not None and where not in self.chosen):
                continue
            reason, detail = self.record_reason(rec)
            hashes: list[str] = []
            phashes: list[int] = []
            if reason is None:
                try:
                    hashes, phashes = image_hashes(self.source, rec), self.phashes(self.source, rec)
                except BadImage as e:
                    reason, detail = "bad_image", str(e)
            out[where] = Checked(reason, detail, hashes, phashes)
        return out

    def decide(self, path: Path, checked: dict[str, Checked]) -> tuple[list[dict], dict]:
        """The output records of one shard given its checks, in order, updating what is kept."""
        counts: Counter = Counter()
        skipped: list[str] = []
        out = []
        for where, rec, problem in read_lenient(path):
            counts["lines"] += 1
            if where in self.prepass:
                reason, detail = self.prepass[where]
            elif self.chosen is not None and where not in self.chosen:
                reason, detail = "over_budget", "not among the --budget records chosen for diversity"
            elif problem:
                reason, detail = "corrupt", problem
            else:
                reason, detail, hashes, phashes = checked[where]
            if reason is None:
                reason, detail = self.content_reason(rec, hashes, phashes)
            if reason is None:
                rec = self.curate_questions(rec, hashes, counts)
                if rec is None:
                    reason, detail = "no_questions_left", "every question was dropped"
            if reason:
                counts[f"dropped.{reason}"] += 1
                skipped.append(f"{where}: {detail}")
                continue
            for rel in rec["images"]:
                link_image(self.source / rel, self.out, rel)
            self.kept.add_sample(rec, hashes, phashes)
            counts["records_out"] += 1
            counts["questions_out"] += len(rec["qa"])
            out.append(rec)
        return out, {"finished": True, "counts": dict(counts), "skipped": skipped[:MAX_LISTED]}

    def record_reason(self, rec: dict) -> tuple[str | None, str]:
        """Why a whole record is dropped by its checks or its generator (steps 1-2), or ``(None, "")``."""
        problem = record_problem(self.source, rec, self.generators, verify=self.cfg.verify)
        if problem:
            return problem
        if not matches(rec["generator"], self.cfg.generators, self.cfg.drop_generators):
            return "generator_filtered", f"generator {rec['generator']}"
        return None, ""

    def contamination_reason(self, rec: dict, hashes: list[str], phashes: list[int]) -> tuple[str | None, str]:
        """Why a whole record is dropped for sharing what it shows with an excluded set (step 3)."""
        if any(h in self.excluded.images for h in hashes) or source_hash(rec["source"]) in self.excluded.specs:
            return "contaminated", "shares an image or a source with an --exclude folder"
        for bench in self.benchmarks:
            if any(bench.image_matches(h) for h in phashes):
                return f"contaminated_image.{bench.name}", f"an image is a near-duplicate of one in {bench.name}"
        return None, ""

    def content_reason(self, rec: dict, hashes: list[str], phashes: list[int]) -> tuple[str | None, str]:
        """Why a whole record is dropped for what it shows (steps 3-4), or ``(None, "")``."""
        reason = self.contamination_reason(rec, hashes, phashes)
        if reason[0]:
            return reason
        if sample_key(rec, hashes) in self.kept.samples:
            return "duplicate_sample", "repeats a kept sample (same generator and images)"
        if self.kept.near_duplicate(rec, phashes):
            return "near_duplicate_sample", "its images are near-duplicates of a kept sample of its generator"
        return None, ""

    def curate_questions(self, rec: dict, hashes: list[str], counts: Counter) -> dict | None:
        """The record with the questions that pass steps 6-10 (None when none does)."""
        counts["records_in"] += 1
        kept = []
        for qa in rec["qa"]:
            counts["questions_in"] += 1
            reason = self.question_reason(qa, hashes)
            if reason:
                counts[f"dropped_questions.{reason}"] += 1
                continue
            self.kept.add_question(qa, hashes)   # a record with a question kept is always kept
            kept.append(qa)
        if not kept:
            return None
        if len(kept) < len(rec["qa"]):
            gen, n = generator_for(rec["generator"], self.generators), len(rec["images"])
            rec = rec | {"qa": kept, "conversations": conversation(kept, n, gen.image_prefix(n))}
        return rec

    def question_reason(self, qa: dict, hashes: list[str]) -> str | None:
        cfg = self.cfg
        if not matches(qa["family"], cfg.families, cfg.drop_families):
            return "family_filtered"
        if cfg.skills is not None and qa["skill"] not in cfg.skills:
            return "skill_filtered"
        if question_hash(qa, hashes) in self.kept.questions:
            return "duplicate_question"
        if self.kept.near_questions is not None and self.kept.near_questions.find(qa, hashes):
            return "near_duplicate_question"
        for bench in self.benchmarks:
            if bench.question_overlaps(qa["question"]):
                return f"contaminated_question.{bench.name}"
        if cfg.max_per_family is not None and self.kept.per_family[qa["family"]] >= cfg.max_per_family:
            return "family_cap"
        if cfg.balance is not None and not self.kept.balancer.allows(qa["family"], qa["answer"]):
            return "unbalanced"
        return None


def family_figures(source: Path, out: Path) -> dict[str, dict]:
    """Per family, the answer distribution of the source corpus (every schema-valid record) and of the output."""
    def answers(root: Path) -> dict[str, Counter]:
        per: dict[str, Counter] = defaultdict(Counter)
        for path in shard_paths(root):
            for _, rec, problem in read_lenient(path):
                if problem is None and not validate_record(rec):
                    for qa in rec["qa"]:
                        per[qa["family"]][answer_key(qa["answer"])] += 1
        return per
    before, after = answers(source), answers(out)
    return {fam: {"before": distribution_figures(before[fam]), "after": distribution_figures(after[fam])}
            for fam in sorted(before)}


def plot_families(figures: dict[str, dict], path: Path) -> None:
    """The share of each family's most common answer, before and after (the families of
    ``SKEW_MIN_N`` or more questions where it was highest)."""
    fams = sorted((f for f in figures if figures[f]["before"]["n"] >= SKEW_MIN_N),
                  key=lambda f: -figures[f]["before"]["top_share"])[:PLOTTED_FAMILIES]
    fig, ax = pyplot().subplots(figsize=(7.5, max(2.5, 0.26 * len(fams) + 1.2)))
    y = np.arange(len(fams))
    ax.barh(y - 0.2, [100 * figures[f]["before"]["top_share"] for f in fams], 0.4, color="#c8c8c8", label="before")
    ax.barh(y + 0.2, [100 * figures[f]["after"]["top_share"] for f in fams], 0.4, color="#4c72b0", label="after")
    ax.set_yticks(y)
    ax.set_yticklabels(fams, fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel("share of the family's most common answer (%)")
    ax.set_title(f"answer concentration per question family ({SKEW_MIN_N}+ questions before)")
    ax.legend(fontsize=8)
    atomic_write_bytes(path, png_bytes(fig))


def summary(manifest: dict) -> str:
    c = manifest["counts"]
    dropped = {k.split(".", 1)[1]: v for k, v in sorted(c.items()) if k.startswith("dropped.")}
    dropped_q = {k.split(".", 1)[1]: v for k, v in sorted(c.items()) if k.startswith("dropped_questions.")}
    fams = manifest.get("families", {})

    def skewed(key: str) -> int:
        return sum(1 for f in fams.values() if f[key]["n"] >= SKEW_MIN_N and f[key]["top_share"] > SKEW_SHARE)

    lines = [
        f"status {manifest['status']}: {c.get('records_out', 0)} of {c.get('lines', 0)} records, "
        f"{c.get('questions_out', 0)} of {c.get('questions_in', 0)} questions kept",
        f"records dropped: {dropped or 'none'}",
        f"questions dropped: {dropped_q or 'none'}",
        f"families (of {SKEW_MIN_N}+ questions) where one answer is over {SKEW_SHARE:.0%} of them: "
        f"{skewed('before')} before, {skewed('after')} after"]
    for name, figures in manifest.get("public_benchmarks", {}).items():
        lines.append(f"{name} ({figures['questions']} questions, {figures['images']} images read, "
                     f"{figures['images_unreadable']} unreadable): {c.get(f'dropped.contaminated_image.{name}', 0)} "
                     f"records and {c.get(f'dropped_questions.contaminated_question.{name}', 0)} questions dropped")
    if "budget" in manifest:
        b = manifest["budget"]
        lines.append(f"budget {b['budget']}: {b['kept']} of {b['candidates']} candidates chosen; coverage radius / mean "
                     f"distance to the nearest kept sample {b['k_center']['radius']} / {b['k_center']['mean']} "
                     f"(a random choice: {b['random']['radius']} / {b['random']['mean']}); families covered "
                     f"{b['families']['k_center']} of {b['families']['candidates']} (random {b['families']['random']})")
    return "\n".join(lines)
