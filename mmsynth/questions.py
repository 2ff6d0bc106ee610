"""The question engine: question families are data, run by one small engine.

A family is declared in a YAML file beside its generator (name, skill, answer type,
several phrasings) and backed by two small functions over the spec:

* ``bind(spec, rng) -> slots``: pick what the question is about (a category, two towns);
  raise :class:`NotApplicable` when no well-posed question exists (no unique maximum);
* ``solve(spec, **slots) -> Solution``: compute the answer, a rationale and plausible
  distractors from the spec alone.

The engine phrases the question, builds the multiple-choice form, and later re-runs
``solve`` with the stored slots (``qa.params``) to verify a record: the same code
that made an answer checks it.

YAML layout::

    chart.max_label:                # family name
      skill: reasoning              # perception | structure | reasoning | ocr | instruction
      answer_type: choice           # see mmsynth.record.ANSWER_TYPES
      mc: true                      # may be asked as multiple choice (default true)
      weight: 1.0                   # relative sampling weight (default 1)
      phrasings:                    # composable templates (mmsynth.templates):
        - "Which {label} has the <highest|largest> {measure}<@where>?"
        - ...

    _words:                         # optional word sets shared by the file's phrasings
      where: [" in the chart", ""]
    _lead: "<@lead_chart>"          # optional lead-in put in front of every question

A family may say ``lead: false`` to go without the file's lead-in. Word sets shared by
every file (``<@chart>``, ``<@lead_chart>``...) and the imperative forms some questions
are said in ("State the value of X.") live in ``mmsynth/data/phrasing.yaml``; fields are
filled by the language formatter (``{x:a}`` "an orange", ``{x:no={n}}`` "3 orders",
``{n:ord}`` "3rd"; see ``mmsynth.phrasing``).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np
import yaml

from mmsynth.errors import NotApplicable
from mmsynth.phrasing import FORMATTER, imperative, shared, with_lead
from mmsynth.rand import pick, shuffled
from mmsynth.record import ANSWER_TYPES, SKILLS, format_answer, option_key
from mmsynth.templates import count, render, substitute_words

MC_ANSWER_TYPES = ("number", "choice", "text", "list", "route")


@dataclass
class Solution:
    """What a solver computes: the answer, why (for reasoning), and wrong answers a reader might give.

    ``fields`` fill extra placeholders of the phrasings (a unit, a computed name);
    ``tolerance`` is the absolute tolerance a numeric answer is read to (None: exact);
    ``extra`` is copied into the qa entry (e.g. ``{"readable_from": "annotation"}``).
    """
    answer: Any
    rationale: str | None = None
    distractors: list = field(default_factory=list)
    fields: dict = field(default_factory=dict)
    tolerance: float | None = None
    extra: dict = field(default_factory=dict)


Binder = Callable[[dict, np.random.Generator], dict]
SolverFn = Callable[..., Solution]


class Solvers:
    """The bind/solve functions of one generator family, registered by family name."""

    def __init__(self) -> None:
        self.binders: dict[str, Binder] = {}
        self.solvers: dict[str, SolverFn] = {}

    def bind(self, name: str) -> Callable[[Binder], Binder]:
        def deco(fn: Binder) -> Binder:
            self.binders[name] = fn
            return fn
        return deco

    def solve(self, name: str) -> Callable[[SolverFn], SolverFn]:
        def deco(fn: SolverFn) -> SolverFn:
            self.solvers[name] = fn
            return fn
        return deco


@dataclass
class QuestionFamily:
    name: str
    skill: str
    answer_type: str
    phrasings: list[str]
    solve: SolverFn
    bind: Binder = field(default=None)  # type: ignore[assignment]
    mc: bool = True
    weight: float = 1.0
    lead: str | None = None
    decimals: int | None = None

    def phrase(self, rng: np.random.Generator, **values: Any) -> str:
        """One question: a phrasing rendered at random, maybe as an imperative, maybe
        after the file's lead-in, its fields filled by the language formatter."""
        text = imperative(render(pick(rng, self.phrasings), rng), rng)
        if self.lead is not None:
            text = with_lead(render(self.lead, rng), text)
        return FORMATTER.format(text, **values)

    def __post_init__(self) -> None:
        if self.bind is None:
            self.bind = _no_slots


def _no_slots(spec: dict, rng: np.random.Generator) -> dict:
    return {}


def load_families(path: str | Path, solvers: Solvers, only: list[str] | None = None) -> list[QuestionFamily]:
    """Load the families declared in a YAML file and join them with their solvers.

    ``only`` keeps a subset (a generator may use some of a shared file's families).
    Missing solvers, unknown skills or answer types, unbalanced templates, and families
    whose phrasings stand for fewer than 3 sentences are programming errors and raise
    at import time. Keys starting with ``_`` are not families (``_words``: word sets).
    """
    data = yaml.safe_load(Path(path).read_text())
    words = {**shared()["words"], **data.get("_words", {})}
    lead = _substitute_all(data["_lead"], words, f"{path}: _lead") if data.get("_lead") else None
    families = []
    for name, d in data.items():
        if name.startswith("_") or (only is not None and name not in only):
            continue
        if name not in solvers.solvers:
            raise ValueError(f"{path}: family {name} has no solver")
        if d["skill"] not in SKILLS or d["answer_type"] not in ANSWER_TYPES:
            raise ValueError(f"{path}: family {name} has a bad skill or answer_type")
        phrasings = [_substitute_all(p, words, f"{path}: {name}") for p in d["phrasings"]]
        if sum(count(p) for p in phrasings) < 3:
            raise ValueError(f"{path}: family {name} needs at least 3 phrasings")
        families.append(QuestionFamily(
            name=name, skill=d["skill"], answer_type=d["answer_type"], phrasings=phrasings,
            solve=solvers.solvers[name], bind=solvers.binders.get(name, _no_slots),
            mc=bool(d.get("mc", True)), weight=float(d.get("weight", 1.0)),
            lead=lead if d.get("lead", True) else None, decimals=d.get("decimals")))
    if only is not None:
        missing = set(only) - {f.name for f in families}
        if missing:
            raise ValueError(f"{path}: families {sorted(missing)} are not declared")
    return families


def _substitute_all(text: str, words: dict[str, list[str]], where: str) -> str:
    """``text`` with word sets replaced, also those that word sets name (a few levels)."""
    for _ in range(4):
        if "<@" not in text:
            break
        text = substitute_words(text, words, where)
    count(text)  # raises on an unbalanced template
    return text


def _distinct_distractors(answer: Any, distractors: list, answer_type: str,
                          tolerance: float | None = None, decimals: int | None = None) -> list[str]:
    """Formatted distractors that differ from the answer and from each other; a numeric
    distractor within the answer's reading ``tolerance`` would also be right, so it is dropped."""
    key = option_key(format_answer(answer, answer_type, decimals))
    seen, out = {key}, []
    for d in distractors:
        if (tolerance is not None and answer_type == "number" and isinstance(d, (int, float))
                and abs(float(d) - float(answer)) <= tolerance + 1e-9):
            continue
        text = format_answer(d, answer_type, decimals)
        k = option_key(text)
        if k not in seen:
            seen.add(k)
            out.append(text)
    return out


def ask(family: QuestionFamily, spec: dict, rng: np.random.Generator, mc_share: float = 0.3,
        n_options: int = 4) -> dict:
    """One qa entry of ``family`` about ``spec``; raises NotApplicable when none is well posed."""
    slots = family.bind(spec, rng)
    sol = family.solve(spec, **slots)
    text = family.phrase(rng, **slots, **sol.fields)
    qa: dict[str, Any] = {"question": text, "answer": sol.answer, "answer_type": family.answer_type,
                          "options": None, "family": family.name, "skill": family.skill,
                          "rationale": sol.rationale, "params": slots}
    if sol.tolerance is not None:
        qa["tolerance"] = sol.tolerance
    if family.decimals is not None:
        qa["decimals"] = family.decimals
    qa.update(sol.extra)
    if family.mc and family.answer_type in MC_ANSWER_TYPES and rng.random() < mc_share:
        make_multiple_choice(qa, sol, rng, n_options)
    return qa


def make_multiple_choice(qa: dict, sol: Solution, rng: np.random.Generator, n_options: int = 4) -> bool:
    """Turn an open qa entry into multiple choice in place: the formatted answer among
    distinct distractors in random order; False (and unchanged) when there are none."""
    wrong = _distinct_distractors(sol.answer, sol.distractors, qa["answer_type"], sol.tolerance, qa.get("decimals"))
    if not wrong:
        return False
    right = format_answer(sol.answer, qa["answer_type"], qa.get("decimals"))
    qa["options"] = shuffled(rng, [right] + wrong[: n_options - 1])
    qa["answer"] = right
    qa["answer_type"] = "choice"
    return True


def ask_many(families: list[QuestionFamily], spec: dict, rng: np.random.Generator, k: int,
             mc_share: float = 0.3) -> list[dict]:
    """Up to ``k`` questions from distinct families (weighted), skipping families that do not apply."""
    order = list(families)
    weights = np.array([f.weight for f in order], dtype=float)
    chosen = [order[int(i)] for i in rng.choice(len(order), size=len(order), replace=False,
                                                 p=weights / weights.sum())]
    out, seen = [], set()
    for fam in chosen:
        if len(out) >= k:
            break
        try:
            qa = ask(fam, spec, rng, mc_share)
        except NotApplicable:
            continue
        if qa["question"] not in seen:
            seen.add(qa["question"])
            out.append(qa)
    return out


def answers_match(expected: Any, got: Any, answer_type: str) -> bool:
    """Exact agreement of a recomputed answer with a stored one (numbers to 1e-6 relative)."""
    if answer_type == "number":
        return isinstance(got, (int, float)) and math.isclose(float(expected), float(got), rel_tol=1e-6, abs_tol=1e-9)
    if answer_type in ("point", "bbox"):
        return isinstance(got, list) and len(got) == len(expected) and all(
            math.isclose(float(a), float(b), abs_tol=1e-6) for a, b in zip(expected, got))
    return expected == got


def verify_qa(family: QuestionFamily, spec: dict, qa: dict) -> str | None:
    """Recompute one qa entry from the spec; return what disagrees, or None."""
    try:
        sol = family.solve(spec, **(qa.get("params") or {}))
    except NotApplicable as e:
        return f"{family.name}: no longer applicable ({e})"
    except Exception as e:  # a solver that crashes on a stored spec is a verification failure
        return f"{family.name}: solver raised {type(e).__name__}: {e}"
    if qa.get("options"):
        right = format_answer(sol.answer, family.answer_type, qa.get("decimals"))
        if option_key(qa["answer"]) != option_key(right):
            return f"{family.name}: stored {qa['answer']!r}, recomputed {right!r}"
        if [option_key(o) for o in qa["options"]].count(option_key(right)) != 1:
            return f"{family.name}: the answer is not among the options exactly once"
        return None
    if not answers_match(sol.answer, qa["answer"], family.answer_type):
        return f"{family.name}: stored {qa['answer']!r}, recomputed {sol.answer!r}"
    return None
