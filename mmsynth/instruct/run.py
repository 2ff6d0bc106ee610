"""``mmsynth instruct``: per record, a seed instruction kind drawn by the seeded rng; an LLM
expands it into a concrete instruction from the image's verbalisation (its facts, computed
from the source by the describe engine) and answers it from that same verbalisation. Then:

* the instruction is dropped when it is no instruction (``bad_instruction``), or it mentions
  what the image does not hold (``instruction_unsupported``: it cannot be answered from it);
* the answer is dropped when it is empty, says it cannot be answered (``unanswerable``),
  is given away by the instruction (``reveals_answer``), or states any number, date, time,
  name or quotation the source does not support (``unsupported_number`` ...).

Kept records carry the verbalisation and the facts that were checked in ``qa.params``, so
:func:`verify_instruct` (run by ``mmsynth validate``) recomputes the verbalisation from the
source and the check from the answer. Shards, resume, caching and concurrency come from
:mod:`mmsynth.derive` and :mod:`mmsynth.llm`.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

import yaml

from mmsynth.corpus import link_image, read_lenient
from mmsynth.derive import DerivedRun
from mmsynth.describe import verbalise
from mmsynth.errors import UserError
from mmsynth.generator import conversation
from mmsynth.instruct.judge import FAMILY_PREFIX, judge
from mmsynth.io import atomic_write_bytes
from mmsynth.llm import ChatClient, LLMError, LLMUnavailable, Messages
from mmsynth.plots import png_bytes, pyplot
from mmsynth.rand import pick, rng_for
from mmsynth.validate import generator_for, record_problem

HERE = Path(__file__).parent
KINDS: dict[str, dict] = yaml.safe_load((HERE / "kinds.yaml").read_text())
PROMPTS: dict[str, dict] = yaml.safe_load((HERE / "prompts.yaml").read_text())
MAX_LISTED = 20


@dataclass
class InstructConfig:
    """Everything that decides a run's output; stored in the manifest and compared on resume."""
    corpus: str
    llm: str
    model: str
    kinds: list[str] = field(default_factory=lambda: list(KINDS))
    seed: int = 0

    def check(self) -> None:
        unknown = [k for k in self.kinds if k not in KINDS]
        if unknown or not self.kinds:
            raise UserError(f"unknown instruction kind {', '.join(unknown) or '(none given)'} "
                            f"(choose from {', '.join(KINDS)})")


@dataclass
class Pending:
    record: dict
    verbalisation: str
    kind: str
    instruction: str = ""


def fits(kind: str, task: str) -> bool:
    tasks = KINDS[kind]["tasks"]
    return tasks == "*" or task in tasks


def expand_messages(p: Pending) -> Messages:
    t = PROMPTS["expand"]
    return [{"role": "system", "content": t["system"]},
            {"role": "user", "content": t["user"].format(verbalisation=p.verbalisation, seed=KINDS[p.kind]["seed"])}]


def answer_messages(p: Pending) -> Messages:
    t = PROMPTS["answer"]
    return [{"role": "system", "content": t["system"]},
            {"role": "user", "content": t["user"].format(verbalisation=p.verbalisation, instruction=p.instruction)}]


def clean_instruction(reply: str) -> str:
    """The instruction in an LLM reply: its first paragraph, without a label or wrapping quotes."""
    text = reply.strip().split("\n\n")[0].strip()
    text = re.sub(r"^\**\s*(instruction|task|prompt)\s*:\**\s*", "", text, flags=re.I)
    if len(text) > 1 and text[0] in "\"“'" and text[-1] in "\"”'":
        text = text[1:-1].strip()
    return text


class InstructRun(DerivedRun):
    """One ``mmsynth instruct`` run from a corpus into another corpus folder."""

    kind = "instruct"
    stops = (LLMUnavailable, KeyboardInterrupt)

    def __init__(self, cfg: InstructConfig, out: str | Path, client: ChatClient, progress: bool = True):
        cfg.check()
        super().__init__(cfg.corpus, out, asdict(cfg), progress)
        self.cfg, self.client = cfg, client
        self.generators: dict = {}

    def process(self, path: Path, tick: Callable[[int], None]) -> tuple[list[dict], dict]:
        counts: Counter = Counter()
        skipped: list[str] = []
        items = [p for where, rec, problem in read_lenient(path)
                 if (p := self.admit(where, rec, problem, counts, skipped, tick)) is not None]
        finished = True
        expansions = self.client.chat_many([expand_messages(p) for p in items])
        asked = []
        for p, reply in zip(items, expansions):
            if isinstance(reply, LLMError):
                counts["failed.llm"] += 1
                finished = False
                continue
            p.instruction = clean_instruction(reply)
            asked.append(p)
        answers = self.client.chat_many([answer_messages(p) for p in asked])
        records, dropped = [], []
        for p, reply in zip(asked, answers):
            if isinstance(reply, LLMError):
                counts["failed.llm"] += 1
                finished = False
                continue
            reason, facts = judge(p.instruction, reply, p.verbalisation)
            if reason:
                counts[f"dropped.{reason}"] += 1
                counts[f"kind.{p.kind}.dropped"] += 1
                dropped.append({"record": p.record["id"], "kind": p.kind, "reason": reason,
                                "instruction": p.instruction, "answer": reply[:500]})
                continue
            counts[f"kind.{p.kind}.kept"] += 1
            counts["records_out"] += 1
            records.append(self.output_record(p, reply.strip(), facts))
        return records, {"finished": finished, "counts": dict(counts), "skipped": skipped[:MAX_LISTED],
                         "dropped": dropped[:MAX_LISTED]}

    def admit(self, where: str, rec: dict | None, problem: str | None, counts: Counter, skipped: list[str],
              tick: Callable[[int], None]) -> Pending | None:
        """The record ready to be asked about, or None, counted, when it cannot be."""
        counts["lines"] += 1
        tick(1)
        if problem:
            counts["skipped.corrupt"] += 1
            skipped.append(problem)
            return None
        bad = record_problem(self.source, rec, self.generators)
        if bad:
            counts[f"skipped.{bad[0]}"] += 1
            skipped.append(f"{where}: {bad[1]}")
            return None
        verbal = verbalise(rec["generator"], rec["source"])
        kinds = [k for k in self.cfg.kinds if fits(k, rec["task"])]
        if verbal is None or not kinds:
            counts["skipped.no_verbalisation" if verbal is None else "skipped.no_kind"] += 1
            return None
        kind = pick(rng_for(self.cfg.seed, 0, f"instruct:{rec['id']}"), kinds)
        counts["records_in"] += 1
        counts[f"kind.{kind}.offered"] += 1
        return Pending(rec, verbal, kind)

    def output_record(self, p: Pending, answer: str, facts: list[dict]) -> dict:
        rec = dict(p.record)
        for rel in rec["images"]:
            link_image(self.source / rel, self.out, rel)
        qa = {"question": p.instruction, "answer": answer, "answer_type": "text", "options": None,
              "family": FAMILY_PREFIX + p.kind, "skill": "instruction", "rationale": None,
              "params": {"kind": p.kind, "verbalisation": p.verbalisation, "facts": facts}, "long_answer": True}
        n = len(rec["images"])
        gen = generator_for(rec["generator"], self.generators)
        rec["id"] = f"{rec['id']}-instruct"
        rec["qa"] = [qa]
        rec["conversations"] = conversation([qa], n, gen.image_prefix(n))
        rec["meta"] = dict(rec["meta"]) | {"instruct": {"from": p.record["id"], "model": self.cfg.model}}
        return rec

    def finish(self, manifest: dict) -> None:
        atomic_write_bytes(self.out / "instruct.png", plot_counts(manifest["counts"]))


def kind_rows(counts: dict) -> list[tuple[str, int, int, int]]:
    """(kind, offered, kept, dropped) for every kind that was offered."""
    return [(k, counts.get(f"kind.{k}.offered", 0), counts.get(f"kind.{k}.kept", 0),
             counts.get(f"kind.{k}.dropped", 0)) for k in KINDS if counts.get(f"kind.{k}.offered")]


def drop_rows(counts: dict) -> list[tuple[str, int]]:
    return sorted(((k.split(".", 1)[1], v) for k, v in counts.items() if k.startswith("dropped.")),
                  key=lambda t: -t[1])


def plot_counts(counts: dict) -> bytes:
    """Kept and dropped per instruction kind, and the drops per reason."""
    kinds, reasons = kind_rows(counts), drop_rows(counts)
    fig, (a, b) = pyplot().subplots(1, 2, figsize=(11, max(3, 0.3 * len(kinds) + 1.5)))
    names = [k for k, *_ in kinds]
    a.barh(names, [r[2] for r in kinds], color="#4c8c4a", label="kept")
    a.barh(names, [r[3] for r in kinds], left=[r[2] for r in kinds], color="#c44e52", label="dropped")
    a.invert_yaxis()
    a.set_xlabel("instructions")
    a.set_title("per instruction kind")
    a.legend()
    b.barh([r for r, _ in reasons] or ["(none)"], [n for _, n in reasons] or [0], color="#c44e52")
    b.invert_yaxis()
    b.set_xlabel("answers dropped")
    b.set_title("per drop reason")
    fig.tight_layout()
    return png_bytes(fig)


def summary(manifest: dict) -> str:
    """The figures a user reads after a run: per kind and per drop reason."""
    c = manifest["counts"]
    lines = [f"{manifest['status']}: {c.get('records_in', 0)} records asked, {c.get('records_out', 0)} kept, "
             f"{sum(n for _, n in drop_rows(c))} dropped, {c.get('failed.llm', 0)} LLM failures",
             f"{'kind':16} {'offered':>7} {'kept':>5} {'dropped':>7}"]
    lines += [f"{k:16} {o:>7} {kept:>5} {d:>7}" for k, o, kept, d in kind_rows(c)]
    lines += [f"dropped {r}: {n}" for r, n in drop_rows(c)]
    skipped = {k: v for k, v in c.items() if k.startswith("skipped.")}
    if skipped:
        lines.append("skipped: " + ", ".join(f"{k.split('.', 1)[1]} {v}" for k, v in sorted(skipped.items())))
    return "\n".join(lines)
