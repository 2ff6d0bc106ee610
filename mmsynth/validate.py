"""Check a corpus: every record's schema, that its images are images inside the corpus, and that every answer
recomputes from its source with the generator's own solvers."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from mmsynth import registry
from mmsynth.corpus import read_lenient, require_corpus, shard_paths
from mmsynth.errors import UserError
from mmsynth.images import BadImage, record_images
from mmsynth.record import validate_record

COLUMNS = ("records", "questions", "schema", "images", "answers")


@dataclass
class Report:
    """Counts per generator and the first problems found (``where: what``)."""
    rows: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(lambda: dict.fromkeys(COLUMNS, 0)))
    problems: list[str] = field(default_factory=list)
    corrupt: int = 0

    @property
    def failures(self) -> int:
        return self.corrupt + sum(r["schema"] + r["images"] + r["answers"] for r in self.rows.values())

    def add_problem(self, where: str, what: str) -> None:
        self.problems.append(f"{where}: {what}")

    def table(self) -> str:
        head = ("generator",) + COLUMNS
        rows = [head] + [(g,) + tuple(str(r[c]) for c in COLUMNS) for g, r in sorted(self.rows.items())]
        widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
        lines = ["  ".join(c.ljust(widths[i]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(r))
                 for r in rows]
        lines.insert(1, "-" * len(lines[0]))
        lines.append("(schema, images, answers: records with schema errors, images missing, outside the"
                     " corpus or not decodable, answers that do not recompute)")
        return "\n".join(lines)


def validate_corpus(root: str | Path, progress: bool = True, max_problems: int = 50, deep: bool = False) -> Report:
    """Check every line of every shard; ``deep`` decodes every image fully instead of its header."""
    root = require_corpus(root)
    report = Report()
    generators: dict[str, object] = {}
    seen_ids: dict[str, str] = {}
    shards = shard_paths(root)
    if not shards:
        raise UserError(f"{root}: the corpus has no shards in data/")
    for shard in tqdm(shards, desc="validate", unit="shard", disable=not progress):
        for where, rec, problem in read_lenient(shard):
            if problem:  # a corrupt line: count it, name it, go on with the next line
                report.corrupt += 1
                report.problems.append(problem)
            else:
                _check_record(root, where, rec, report, generators, seen_ids, deep)
    del report.problems[max_problems:]
    return report


def _check_record(root: Path, where: str, rec: dict, report: Report, generators: dict, seen_ids: dict,
                  deep: bool) -> None:
    gen_name = rec.get("generator") if isinstance(rec, dict) else None
    row = report.rows[gen_name if isinstance(gen_name, str) else "?"]
    row["records"] += 1
    errs = validate_record(rec)
    if errs:
        row["schema"] += 1
        report.add_problem(where, errs[0])
        return
    row["questions"] += len(rec["qa"])
    if rec["id"] in seen_ids:
        row["schema"] += 1
        report.add_problem(where, f"id {rec['id']!r} repeats {seen_ids[rec['id']]}")
    seen_ids[rec["id"]] = where
    try:
        record_images(root, rec, deep)
    except BadImage as e:
        row["images"] += 1
        report.add_problem(where, str(e))
    if gen_name not in generators:
        try:
            generators[gen_name] = registry.create(gen_name)
        except UserError as e:
            generators[gen_name] = None
            report.add_problem(where, f"cannot verify: {e}")
    gen = generators[gen_name]
    if gen is None:
        row["answers"] += 1
        return
    bad = gen.verify(rec)
    if bad:
        row["answers"] += 1
        report.add_problem(where, bad[0])


def generator_for(name: str, cache: dict) -> object | None:
    """The generator registered as ``name`` (None when there is none), made once per ``cache``."""
    if name not in cache:
        try:
            cache[name] = registry.create(name)
        except UserError:
            cache[name] = None
    return cache[name]


def record_problem(root: Path, rec: dict, generators: dict, verify: bool = True) -> tuple[str, str] | None:
    """Why a record cannot be taken into a derived corpus, as ``(reason, detail)``: ``invalid``
    (schema), ``unknown_generator``, ``unverified`` (an answer does not recompute),
    ``missing_image`` or ``bad_image`` (outside the corpus, not a file, not an image); None when it can."""
    errs = validate_record(rec)
    if errs:
        return "invalid", errs[0]
    gen = generator_for(rec["generator"], generators)
    if gen is None:
        return "unknown_generator", f"unknown generator {rec['generator']!r}"
    bad = gen.verify(rec) if verify else []
    if bad:
        return "unverified", bad[0]
    try:
        record_images(root, rec)
    except BadImage as e:
        return ("missing_image" if e.missing else "bad_image"), str(e)
    return None
