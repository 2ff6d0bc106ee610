"""``mmsynth evolve``: evolve a corpus's instructions in rounds (after MMEvol).

Each round, every record draws one direction (perception, reasoning, interaction) and
tries that direction's operators in random order until one proposes an evolution (then
the other directions', when none of the drawn one applies). The
proposal is then eliminated if it fails a check: its answer does not recompute from the
source, its question repeats one the record has, it is longer than ``max_question_chars``
or needs more than ``max_steps`` reasoning steps. A record where no operator applies is
counted as eliminated too (``not_applicable``) and stays as it was for that round. Evolutions build on
earlier rounds' results, so three rounds can nest a comparison inside a condition.

With an LLM, each round's new template questions are rephrased (:mod:`mmsynth.evolve.rewrite`)
before the next round builds on them; answers never come from the LLM.

Output shards mirror the input shards and are written atomically; the manifest lists the
finished ones. ``--resume`` redoes only unfinished shards (LLM replies come from the
cache); a shard where an LLM request failed is written with template wording and left
unfinished, so ``--resume`` retries just those requests. Records that are corrupt, invalid,
of an unknown generator, with a missing image, or whose answers do not verify are skipped
and counted, never evolved.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from mmsynth.corpus import link_image, read_lenient
from mmsynth.describe import is_describe
from mmsynth.derive import DerivedRun
from mmsynth.errors import NotApplicable, UserError
from mmsynth.evolve.operators import DIRECTIONS, OPERATORS, Context, Evolution, Operator, steps, verify_part
from mmsynth.evolve.rewrite import build_messages, check_rewrite
from mmsynth.generator import Generator, conversation, question_prompt
from mmsynth.io import atomic_write_bytes
from mmsynth.llm import ChatClient, LLMError, LLMUnavailable
from mmsynth.plots import png_bytes, pyplot
from mmsynth.rand import check_seed, pick, rng_for, shuffled
from mmsynth.record import qa_errors
from mmsynth.validate import record_problem

MAX_LISTED = 20
MAX_ROUNDS = 100   # --max-steps stops questions deepening within a few rounds; more only burns time


@dataclass
class EvolveConfig:
    """Everything that decides a run's output; stored in the manifest and compared on resume."""
    corpus: str
    rounds: int = 3
    seed: int = 0
    directions: list[str] = field(default_factory=lambda: list(DIRECTIONS))
    max_steps: int = 4
    max_question_chars: int = 600
    llm: str | None = None
    model: str | None = None

    def check(self) -> None:
        if not 1 <= self.rounds <= MAX_ROUNDS:
            raise UserError(f"--rounds must be at least 1 and at most {MAX_ROUNDS}, got {self.rounds}")
        check_seed(self.seed)
        unknown = [d for d in self.directions if d not in DIRECTIONS]
        if unknown or not self.directions:
            raise UserError(f"unknown direction {', '.join(unknown) or '(none given)'} "
                            f"(choose from {', '.join(DIRECTIONS)})")
        if self.max_steps < 2 or self.max_question_chars < 40:
            raise UserError("--max-steps must be at least 2 and --max-question-chars at least 40")


@dataclass
class Evolving:
    """One record on its way through the rounds."""
    record: dict
    generator: Generator
    ctx: Context
    history: list[dict] = field(default_factory=list)


class EvolveRun(DerivedRun):
    """One ``mmsynth evolve`` run from a corpus into another corpus folder."""

    kind = "evolve"
    stops = (LLMUnavailable, KeyboardInterrupt)

    def __init__(self, cfg: EvolveConfig, out: str | Path, client: ChatClient | None = None,
                 progress: bool = True):
        if (cfg.llm is None) != (client is None):
            raise ValueError("a client is given exactly when cfg.llm names a server")
        cfg.check()
        super().__init__(cfg.corpus, out, asdict(cfg), progress)
        self.cfg, self.client = cfg, client
        self.generators: dict[str, Generator | None] = {}

    def finish(self, manifest: dict) -> None:
        plot_rounds(manifest["counts"], self.cfg.rounds, self.out / "evolution.png")

    # --- one shard ---------------------------------------------------------------------------
    def process(self, path: Path, tick: Callable[[int], None]) -> tuple[list[dict], dict]:
        counts: Counter = Counter()
        skipped: list[str] = []
        items: list[Evolving] = []
        for where, rec, problem in read_lenient(path):
            counts["lines"] += 1
            tick(1)
            if problem:
                counts["skipped.corrupt"] += 1
                skipped.append(problem)
            elif (item := self.admit(rec, where, counts, skipped)) is not None:
                items.append(item)
        finished = True
        for r in range(1, self.cfg.rounds + 1):
            pending = [(item, ev) for item in items if (ev := self.evolve_once(item, r, counts)) is not None
                       and ev.rewritable]
            if self.client is not None and pending:
                finished &= self.rewrite(pending, counts)
        records = [self.output_record(item, counts) for item in items]
        return records, {"finished": finished, "counts": dict(counts), "skipped": skipped[:MAX_LISTED]}

    def admit(self, rec: dict, where: str, counts: Counter, skipped: list[str]) -> Evolving | None:
        """The record ready to evolve (its images linked into OUT), or None, counted, when it cannot be."""
        problem = record_problem(self.source, rec, self.generators)
        if problem:
            counts[f"skipped.{problem[0]}"] += 1
            skipped.append(f"{where}: {problem[1]}")
            return None
        for rel in rec["images"]:
            link_image(self.source / rel, self.out, rel)
        counts["records"] += 1
        counts["questions_in"] += len(rec["qa"])
        counts["steps_in"] += sum(steps(q) for q in rec["qa"])
        gen = self.generators[rec["generator"]]
        families = {f.name: f for f in gen.families if not is_describe(f.name)}   # paragraphs compose into nothing
        return Evolving(rec, gen, Context(rec["source"], families, [dict(q) for q in rec["qa"]], gen.mc_share))

    # --- one evolution step ------------------------------------------------------------------
    def evolve_once(self, item: Evolving, r: int, counts: Counter) -> Evolution | None:
        """Round ``r`` for one record: the kept evolution (already applied), or None."""
        rng = rng_for(self.cfg.seed, r, f"evolve:{item.record['id']}")
        drawn = pick(rng, self.cfg.directions)
        for direction in [drawn] + shuffled(rng, [d for d in self.cfg.directions if d != drawn]):
            for op in shuffled(rng, [o for o in OPERATORS.values() if o.direction == direction]):
                try:
                    ev = op.propose(item.ctx, rng)
                except NotApplicable:
                    continue
                reason = self.eliminate(item.ctx, ev)
                self._log(item, r, direction, op.name, reason or "kept", counts)
                if reason:
                    return None
                apply(item.ctx, ev, op, r)
                return ev
        self._log(item, r, drawn, None, "not_applicable", counts)
        return None

    def eliminate(self, ctx: Context, ev: Evolution) -> str | None:
        """Why an evolution fails (MMEvol's instruction elimination), or None when it is kept."""
        if qa_errors(ev.qa):
            return "invalid"
        if verify_part(ctx.families, ctx.spec, ev.qa):
            return "unverified"
        if steps(ev.qa) > self.cfg.max_steps:
            return "too_complex"
        if len(question_prompt(ev.qa)) > self.cfg.max_question_chars:
            return "too_long"
        others = {q["question"] for i, q in enumerate(ctx.qa) if i not in ev.replaces}
        if ev.qa["question"] in others:
            return "duplicate"
        return None

    @staticmethod
    def _log(item: Evolving, r: int, direction: str, op: str | None, result: str, counts: Counter) -> None:
        item.history.append({"round": r, "direction": direction, "op": op, "result": result})
        if result == "kept":
            counts[f"kept.{op}"] += 1
            counts[f"round{r}.kept.{direction}"] += 1
        else:
            counts[f"eliminated.{result}"] += 1
            counts[f"round{r}.eliminated"] += 1

    def rewrite(self, pending: list[tuple[Evolving, Evolution]], counts: Counter) -> bool:
        """Rephrase this round's template questions; False when a request failed."""
        replies = self.client.chat_many([build_messages(ev.qa["question"]) for _, ev in pending],
                                        progress=self.progress)
        ok = True
        for (_, ev), reply in zip(pending, replies):
            if isinstance(reply, LLMError):
                counts["rewrites.failed"] += 1
                ok = False
                continue
            text, reason = check_rewrite(ev.qa, reply, self.cfg.max_question_chars)
            if text is None:
                counts[f"rewrites.rejected.{reason}"] += 1
                continue
            ev.qa["evolution"]["template"] = ev.qa["question"]
            ev.qa["question"] = text
            counts["rewrites.accepted"] += 1
        return ok

    def output_record(self, item: Evolving, counts: Counter) -> dict:
        """The output record: evolved questions and conversation, and the history in ``meta``."""
        rec = dict(item.record)
        qa = item.ctx.qa
        if any(h["result"] == "kept" for h in item.history):
            n = len(rec["images"])
            rec["qa"] = qa
            rec["conversations"] = conversation(qa, n, item.generator.image_prefix(n))
            counts["records_evolved"] += 1
        rec["meta"] = dict(rec["meta"]) | {"evolution": item.history}
        counts["questions_out"] += len(qa)
        counts["steps_out"] += sum(steps(q) for q in qa)
        return rec


def apply(ctx: Context, ev: Evolution, op: Operator, r: int) -> None:
    """Put an evolution into the record's questions: in place of what it replaces, else at the end."""
    ev.qa["evolution"] = {"op": op.name, "round": r}
    at = min(ev.replaces) if ev.replaces else len(ctx.qa)
    kept = [q for i, q in enumerate(ctx.qa) if i not in ev.replaces]
    kept.insert(at - sum(1 for i in ev.replaces if i < at), ev.qa)
    ctx.qa[:] = kept


def plot_rounds(counts: dict, rounds: int, path: Path) -> None:
    """Kept evolutions per round and direction, beside the eliminated ones."""
    x = np.arange(1, rounds + 1)
    fig, ax = pyplot().subplots(figsize=(6.5, 4))
    bottom = np.zeros(rounds)
    for direction, color in zip(DIRECTIONS, ("#4c72b0", "#55a868", "#dd8452")):
        kept = np.array([counts.get(f"round{r}.kept.{direction}", 0) for r in x])
        ax.bar(x, kept, bottom=bottom, color=color, label=f"kept: {direction}")
        bottom += kept
    gone = np.array([counts.get(f"round{r}.eliminated", 0) for r in x])
    ax.bar(x, gone, bottom=bottom, color="#c8c8c8", label="eliminated")
    ax.set_xticks(x)
    ax.set_xlabel("round")
    ax.set_ylabel("records")
    ax.set_title(f"evolutions per round ({counts.get('records', 0)} records)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    atomic_write_bytes(path, png_bytes(fig))


def summary(manifest: dict) -> str:
    """A few lines of figures for the terminal."""
    c = manifest["counts"]

    def group(prefix: str) -> dict[str, int]:
        return dict(sorted((k[len(prefix):], v) for k, v in c.items() if k.startswith(prefix)))

    def mean_steps(which: str) -> float:
        return c.get(f"steps_{which}", 0) / max(1, c.get(f"questions_{which}", 0))

    kept, gone, rewrites, skipped = group("kept."), group("eliminated."), group("rewrites."), group("skipped.")
    lines = [f"status {manifest['status']}: {c.get('records', 0)} records ({c.get('records_evolved', 0)} evolved), "
             f"{c.get('questions_in', 0)} -> {c.get('questions_out', 0)} questions, "
             f"mean reasoning steps {mean_steps('in'):.2f} -> {mean_steps('out'):.2f}",
             f"kept {sum(kept.values())}: {json.dumps(kept)}",
             f"eliminated {sum(gone.values())}: {json.dumps(gone)}"]
    if rewrites:
        lines.append(f"LLM rewrites: {json.dumps(rewrites)}")
    if skipped:
        lines.append(f"skipped {sum(skipped.values())} input records: {json.dumps(skipped)}")
    return "\n".join(lines)
