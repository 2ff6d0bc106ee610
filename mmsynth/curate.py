"""``mmsynth curate``: a cleaner training corpus from a corpus, every drop counted by reason.

Records go through, in corpus order:

1. checks: schema, images present, generator known, every answer recomputes (``--no-verify``
   skips the last);
2. filters: generator patterns (``-g``, ``--drop-generator``);
3. decontamination: a record sharing an image or a symbolic source with an ``--exclude``
   corpus or benchmark folder is dropped whole;
4. de-duplication: a record repeating an earlier kept record's generator and images;

and then question by question:

5. family patterns (``--families``, ``--drop-family``) and ``--skills``;
6. a question repeating a kept one (same normalised text, options and images);
7. ``--max-per-family``;
8. answer balancing by rejection (the benchmark's rule, :mod:`mmsynth.bench.balance`):
   within a family no answer gets more than ``--balance`` times the next most common,
   so training does not teach a family's favourite answer.

A record left without questions is dropped; one that lost some gets its conversation
rebuilt from the rest. Output shards mirror the input shards and are written atomically;
what was kept so far (the state of steps 4-8) is a function of the output alone, so
``--resume`` rebuilds it from the finished shards and yields the same corpus as an
uninterrupted run. The manifest counts every drop; ``OUT/curate.png`` shows, per family,
the share of the most common answer before and after.
"""
from __future__ import annotations

import fnmatch
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from tqdm import tqdm

from mmsynth.bench.balance import Balancer, answer_key, distribution_figures
from mmsynth.bench.hashing import ExcludedContent, question_hash, sha256, source_hash
from mmsynth.corpus import link_image, read_lenient, shard_paths, write_manifest
from mmsynth.derive import DerivedRun
from mmsynth.errors import UserError
from mmsynth.generator import conversation
from mmsynth.images import inside
from mmsynth.io import atomic_write_bytes, read_jsonl
from mmsynth.plots import png_bytes, pyplot
from mmsynth.record import SKILLS
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

    def check(self) -> None:
        if self.balance is not None and self.balance < 1:
            raise UserError("--balance must be at least 1 (or 0 for no balancing)")
        if self.max_per_family is not None and self.max_per_family < 1:
            raise UserError("--max-per-family must be at least 1")
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
    samples: set[str] = field(default_factory=set)
    questions: set[str] = field(default_factory=set)
    per_family: Counter = field(default_factory=Counter)

    def add_question(self, qa: dict, image_hashes: list[str]) -> None:
        self.questions.add(question_hash(qa, image_hashes))
        self.per_family[qa["family"]] += 1
        self.balancer.add(qa["family"], qa["answer"])

    def add(self, rec: dict, image_hashes: list[str]) -> None:
        """A finished output record (on resume): its sample and every question."""
        self.samples.add(sample_key(rec, image_hashes))
        for qa in rec["qa"]:
            self.add_question(qa, image_hashes)


def sample_key(rec: dict, image_hashes: list[str]) -> str:
    """A record's identity for de-duplication: its generator and images (the same source
    drawn in another style, with other questions, is not a duplicate)."""
    return rec["generator"] + ":" + ",".join(image_hashes)


def image_hashes(root: Path, rec: dict) -> list[str]:
    return [sha256((root / rel).read_bytes()) for rel in rec["images"]]


class CurateRun(DerivedRun):
    """One ``mmsynth curate`` run from a corpus into another corpus folder."""

    kind = "curate"

    def __init__(self, cfg: CurateConfig, out: str | Path, progress: bool = True):
        cfg.check()
        super().__init__(cfg.corpus, out, asdict(cfg), progress)
        self.cfg = cfg
        self.generators: dict = {}
        self.kept = Kept(Balancer(cfg.balance or 1.0))
        self.excluded = ExcludedContent()

    def prepare(self) -> None:
        self.excluded = load_excluded(self.cfg.exclude)

    def reuse(self, shard: Path) -> None:
        for _, rec in read_jsonl(shard):
            self.kept.add(rec, image_hashes(self.out, rec))

    def finish(self, manifest: dict) -> None:
        manifest["families"] = family_figures(self.source, self.out)
        write_manifest(self.out, manifest)
        plot_families(manifest["families"], self.out / "curate.png")

    def process(self, path: Path, bar: tqdm) -> tuple[list[dict], dict]:
        counts: Counter = Counter()
        skipped: list[str] = []
        out = []
        for where, rec, problem in read_lenient(path):
            counts["lines"] += 1
            bar.update(1)
            reason, detail = ("corrupt", problem) if problem else self.record_reason(rec)
            if reason is None:
                hashes = image_hashes(self.source, rec)
                reason, detail = self.content_reason(rec, hashes)
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
            self.kept.samples.add(sample_key(rec, hashes))
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

    def content_reason(self, rec: dict, hashes: list[str]) -> tuple[str | None, str]:
        """Why a whole record is dropped for what it shows (steps 3-4), or ``(None, "")``."""
        if any(h in self.excluded.images for h in hashes) or source_hash(rec["source"]) in self.excluded.specs:
            return "contaminated", "shares an image or a source with an --exclude folder"
        if sample_key(rec, hashes) in self.kept.samples:
            return "duplicate_sample", "repeats a kept sample (same generator and images)"
        return None, ""

    def curate_questions(self, rec: dict, hashes: list[str], counts: Counter) -> dict | None:
        """The record with the questions that pass steps 5-8 (None when none does)."""
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
        if cfg.max_per_family is not None and self.kept.per_family[qa["family"]] >= cfg.max_per_family:
            return "family_cap"
        if cfg.balance is not None and not self.kept.balancer.allows(qa["family"], qa["answer"]):
            return "unbalanced"
        return None


def family_figures(source: Path, out: Path) -> dict[str, dict]:
    """Per family, the answer distribution of the source corpus (every readable record) and of the output."""
    def answers(root: Path) -> dict[str, Counter]:
        per: dict[str, Counter] = defaultdict(Counter)
        for path in shard_paths(root):
            for _, rec, problem in read_lenient(path):
                if problem is None and isinstance(rec, dict):
                    for qa in rec.get("qa") or []:
                        if isinstance(qa, dict) and "family" in qa and "answer" in qa:
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

    return "\n".join([
        f"status {manifest['status']}: {c.get('records_out', 0)} of {c.get('lines', 0)} records, "
        f"{c.get('questions_out', 0)} of {c.get('questions_in', 0)} questions kept",
        f"records dropped: {dropped or 'none'}",
        f"questions dropped: {dropped_q or 'none'}",
        f"families (of {SKEW_MIN_N}+ questions) where one answer is over {SKEW_SHARE:.0%} of them: "
        f"{skewed('before')} before, {skewed('after')} after"])
