"""The evolution operators, in MMEvol's three directions, and the verifier of what they make.

* **perception**: ask about a visual detail the conversation does not cover yet;
* **reasoning**: compose questions into one that needs more steps (a sum, a difference,
  a comparison, a condition), so the answer is computed from the parts' answers;
* **interaction**: the same content in another form (multiple choice and back, judging a
  proposed answer, reasoning shown step by step).

An operator proposes one :class:`Evolution` of a record's current questions, or raises
:class:`NotApplicable`. Operators that make a new kind of question (``evolve.sum`` ...)
store the questions they build on under ``params.parts``; :func:`verify_part` re-derives
every part from the record's source with the generator's own solvers, recursively, and
then recomputes the combination. The other operators make questions of the generator's
own families, which verify as they always do. The phrasings are data
(``operators.yaml``); randomness comes from the one generator passed in.
"""
from __future__ import annotations

import copy
import functools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np
import yaml

from mmsynth.errors import NotApplicable
from mmsynth.questions import (MC_ANSWER_TYPES, QuestionFamily, Solution, answers_match, ask,
                               make_multiple_choice, verify_qa)
from mmsynth.rand import pick, shuffled
from mmsynth.record import format_answer, is_long_answer, option_key

DIRECTIONS = ("perception", "reasoning", "interaction")
FRESH_TRIES = 4   # fresh questions of one family asked before settling for another family


@dataclass
class Context:
    """What an operator sees of one record: its source, the generator's families and the
    current questions (``qa``, updated round after round)."""
    spec: dict
    families: dict[str, QuestionFamily]
    qa: list[dict]
    mc_share: float = 0.3

    def open_parts(self, answer_types: tuple[str, ...] | None = None) -> list[int]:
        """Indices of the questions without options that a composition can build on (not
        those that only ask for the reasoning to be shown)."""
        return [i for i, q in enumerate(self.qa) if not q.get("options") and q["family"] != "evolve.explain"
                and not is_long_answer(q)
                and (q["family"] in self.families or q["family"] in COMPOSITES)
                and (answer_types is None or q["answer_type"] in answer_types)]

    def choose_parts(self, rng: np.random.Generator, k: int, answer_types: tuple[str, ...] | None = None,
                     exclude: tuple[int, ...] = (), alike: bool = False) -> list[tuple[int | None, dict]]:
        """``k`` questions to build on, as ``(index, qa)``: the record's own open ones first,
        then fresh open questions of the generator's families (index None). With ``alike``,
        the others are of the first one's family where possible: two values of one chart add
        up to something meaningful, a price and a count do not."""
        own = [i for i in shuffled(rng, self.open_parts(answer_types)) if i not in exclude]
        fams = [f for f in shuffled(rng, list(self.families.values()))
                if answer_types is None or f.answer_type in answer_types]
        asked = {_identity(q) for q in self.qa}

        def fresh(fam: QuestionFamily) -> dict | None:
            try:
                qa = ask(fam, self.spec, rng, mc_share=0.0)
            except NotApplicable:
                return None
            if _identity(qa) in asked:
                return None
            asked.add(_identity(qa))
            return qa

        out: list[tuple[int | None, dict]] = []
        while len(out) < k:
            unused = [i for i in own if all(i != j for j, _ in out)]
            first = self.families.get(out[0][1]["family"]) if out else None
            if alike and first is not None:
                same = [i for i in unused if self.qa[i]["family"] == first.name]
                if same:
                    out.append((same[0], self.qa[same[0]]))
                    continue
                qa = next(filter(None, (fresh(first) for _ in range(FRESH_TRIES))), None)
                if qa:
                    out.append((None, qa))
                    continue
            if unused:
                out.append((unused[0], self.qa[unused[0]]))
                continue
            qa = next(filter(None, map(fresh, fams)), None)
            if qa is None:
                raise NotApplicable(f"fewer than {k} open questions of type {answer_types or 'any'}")
            out.append((None, qa))
        return out

    def base_family(self, i: int) -> QuestionFamily | None:
        return self.families.get(self.qa[i]["family"])


def _identity(qa: dict) -> str:
    """What a question asks, whatever its wording: its family and slots."""
    return json.dumps([qa["family"], qa.get("params")], sort_keys=True, default=str)


@dataclass
class Evolution:
    """A proposed question, the current questions it replaces (none: it is added), and
    whether its wording is template text that an LLM may rephrase."""
    qa: dict
    replaces: list[int] = field(default_factory=list)
    rewritable: bool = False


@dataclass
class Operator:
    name: str
    direction: str
    propose: Callable[[Context, np.random.Generator], Evolution]
    combine: Callable[[list[dict], dict], Any] | None = None   # composites: parts -> answer
    arity: int = 0


OPERATORS: dict[str, Operator] = {}
COMPOSITES: dict[str, Operator] = {}   # the operators whose questions are a family of their own


def operator(name: str, direction: str, combine: Callable[[list[dict], dict], Any] | None = None,
             arity: int = 0) -> Callable:
    """Register ``propose`` under ``name``; with ``combine``, its questions are the family ``name``."""
    def deco(fn: Callable[[Context, np.random.Generator], Evolution]) -> Callable:
        op = Operator(name, direction, fn, combine, arity)
        OPERATORS[name] = op
        if combine is not None:
            COMPOSITES[name] = op
        return fn
    return deco


@functools.lru_cache(maxsize=None)
def phrasings() -> dict[str, list[str]]:
    return yaml.safe_load(Path(__file__).with_name("operators.yaml").read_text(encoding="utf-8"))


def steps(qa: dict) -> int:
    """Reasoning steps of a question: 1, plus those of every part it is composed of."""
    if qa.get("family") not in COMPOSITES:
        return 1
    return 1 + sum(steps(p) for p in qa["params"]["parts"])


def _value(qa: dict) -> str:
    return format_answer(qa["answer"], qa["answer_type"])


def _tolerance(*parts: dict) -> float:
    return sum(float(p.get("tolerance") or 0.0) for p in parts)


def _composite(name: str, parts: list[dict], answer: Any, answer_type: str, rng: np.random.Generator,
               rationale: str, skill: str = "reasoning", tolerance: float | None = None, **params: Any) -> dict:
    """A question of the family ``name`` built on ``parts``; ``tolerance``: that of a numeric answer."""
    slots = {f"q{k + 1}": p["question"].strip() for k, p in enumerate(parts)} | params
    qa = {"question": pick(rng, phrasings()[name]).format(**slots), "answer": answer,
          "answer_type": answer_type, "options": None, "family": name, "skill": skill,
          "rationale": rationale, "params": {"parts": [copy.deepcopy(p) for p in parts], **params}}
    if tolerance:
        qa["tolerance"] = tolerance
    return qa


def _replaced(*chosen: tuple[int | None, dict]) -> list[int]:
    return [i for i, _ in chosen if i is not None]


def _number(x: float) -> int | float:
    """A computed number as JSON keeps it: integers without a fraction, others to 9 decimals."""
    x = round(float(x), 9)
    return int(x) if x.is_integer() else x


def _clearly_apart(a: dict, b: dict) -> bool:
    """The two numeric answers differ by more than the tolerances they are read to."""
    return abs(float(a["answer"]) - float(b["answer"])) > _tolerance(a, b) + 1e-9


# --- reasoning --------------------------------------------------------------------------
def _sum(parts: list[dict], params: dict) -> int | float:
    return _number(float(parts[0]["answer"]) + float(parts[1]["answer"]))


def _arithmetic(name: str, sign: str, ctx: Context, rng: np.random.Generator,
                larger_first: bool = False) -> Evolution:
    """Two numeric questions (alike where possible) combined by ``name``'s combination."""
    chosen = ctx.choose_parts(rng, 2, ("number",), alike=True)
    if larger_first:
        chosen.sort(key=lambda c: -float(c[1]["answer"]))
    a, b = (q for _, q in chosen)
    result = COMPOSITES[name].combine([a, b], {})
    qa = _composite(name, [a, b], result, "number", rng,
                    f"The first answer is {_value(a)} and the second is {_value(b)}; "
                    f"{_value(a)} {sign} {_value(b)} = {format_answer(result, 'number')}.",
                    tolerance=_tolerance(a, b))
    return Evolution(qa, _replaced(*chosen), rewritable=True)


@operator("evolve.sum", "reasoning", combine=_sum, arity=2)
def propose_sum(ctx: Context, rng: np.random.Generator) -> Evolution:
    return _arithmetic("evolve.sum", "+", ctx, rng)


def _difference(parts: list[dict], params: dict) -> int | float:
    a, b = parts
    if float(a["answer"]) <= float(b["answer"]) or not _clearly_apart(a, b):
        raise NotApplicable("the first answer is not clearly the larger")
    return _number(float(a["answer"]) - float(b["answer"]))


@operator("evolve.difference", "reasoning", combine=_difference, arity=2)
def propose_difference(ctx: Context, rng: np.random.Generator) -> Evolution:
    return _arithmetic("evolve.difference", "-", ctx, rng, larger_first=True)


def _compare(parts: list[dict], params: dict) -> str:
    a, b = parts
    if not _clearly_apart(a, b):
        raise NotApplicable("the two answers are too close to compare")
    return "yes" if float(a["answer"]) > float(b["answer"]) else "no"


@operator("evolve.compare", "reasoning", combine=_compare, arity=2)
def propose_compare(ctx: Context, rng: np.random.Generator) -> Evolution:
    chosen = ctx.choose_parts(rng, 2, ("number",), alike=True)
    a, b = (q for _, q in chosen)
    answer = _compare([a, b], {})
    qa = _composite("evolve.compare", [a, b], answer, "yesno", rng,
                    f"The first answer is {_value(a)} and the second is {_value(b)}, so the first is "
                    f"{'greater' if answer == 'yes' else 'smaller'}.")
    return Evolution(qa, _replaced(*chosen), rewritable=True)


def _conditional(parts: list[dict], params: dict) -> Any:
    return parts[1]["answer"] if parts[0]["answer"] == "yes" else parts[2]["answer"]


@operator("evolve.conditional", "reasoning", combine=_conditional, arity=3)
def propose_conditional(ctx: Context, rng: np.random.Generator) -> Evolution:
    [(c, cond)] = ctx.choose_parts(rng, 1, ("yesno",))
    branches = ctx.choose_parts(rng, 2, exclude=(c,) if c is not None else ())
    (_, yes), (_, no) = branches
    if option_key(_value(yes)) == option_key(_value(no)) or cond["question"] in (yes["question"], no["question"]):
        raise NotApplicable("the two branches do not differ")
    chosen = yes if cond["answer"] == "yes" else no
    qa = _composite("evolve.conditional", [cond, yes, no], chosen["answer"], chosen["answer_type"], rng,
                    f"The answer to the condition is {cond['answer']}, so the question that applies is "
                    f"\"{chosen['question'].strip()}\": {_value(chosen)}.", tolerance=chosen.get("tolerance"))
    return Evolution(qa, _replaced((c, cond), *branches), rewritable=True)


# --- interaction ------------------------------------------------------------------------
def _same_answer(candidate: str, part: dict) -> bool:
    if part["answer_type"] == "number":
        try:
            return abs(float(candidate) - float(part["answer"])) <= _tolerance(part) + 1e-9
        except ValueError:
            return False
    return option_key(candidate) == option_key(_value(part))


def _judge(parts: list[dict], params: dict) -> str:
    return "yes" if _same_answer(params["candidate"], parts[0]) else "no"


@operator("evolve.judge", "interaction", combine=_judge, arity=1)
def propose_judge(ctx: Context, rng: np.random.Generator) -> Evolution:
    idx = [i for i in ctx.open_parts() if ctx.base_family(i) is not None]
    if not idx:
        raise NotApplicable("no open question of the generator's own families")
    i = pick(rng, idx)
    part, fam = ctx.qa[i], ctx.base_family(i)
    sol = fam.solve(ctx.spec, **(part.get("params") or {}))
    wrong = [w for w in (format_answer(d, part["answer_type"]) for d in sol.distractors)
             if not _same_answer(w, part)]
    if not wrong:
        raise NotApplicable(f"{fam.name}: no wrong answers to propose")
    candidate = _value(part) if rng.random() < 0.5 else pick(rng, wrong)
    answer = _judge([part], {"candidate": candidate})
    qa = _composite("evolve.judge", [part], answer, "yesno", rng,
                    f"The correct answer is {_value(part)}, so \"{candidate}\" is "
                    f"{'right' if answer == 'yes' else 'wrong'}.", skill="instruction", candidate=candidate)
    return Evolution(qa, [i], rewritable=True)


def _explain(parts: list[dict], params: dict) -> Any:
    return parts[0]["answer"]


@operator("evolve.explain", "interaction", combine=_explain, arity=1)
def propose_explain(ctx: Context, rng: np.random.Generator) -> Evolution:
    idx = [i for i in ctx.open_parts() if ctx.qa[i].get("rationale") and ctx.qa[i]["family"] != "evolve.explain"]
    if not idx:
        raise NotApplicable("no open question with a rationale to show")
    i = pick(rng, idx)
    part = ctx.qa[i]
    qa = _composite("evolve.explain", [part], part["answer"], part["answer_type"], rng, part["rationale"],
                    skill=part["skill"], tolerance=_tolerance(part) if part["answer_type"] == "number" else None)
    qa["response"] = f"{part['rationale'].strip()}\nAnswer: {_value(part)}"
    return Evolution(qa, [i])


@operator("evolve.multiple_choice", "interaction")
def propose_multiple_choice(ctx: Context, rng: np.random.Generator) -> Evolution:
    """An open question of the generator's families, asked with computed distractors as options."""
    idx = [i for i in ctx.open_parts(MC_ANSWER_TYPES) if (f := ctx.base_family(i)) is not None and f.mc]
    for i in shuffled(rng, idx):
        part, fam = ctx.qa[i], ctx.base_family(i)
        qa = copy.deepcopy(part)
        if make_multiple_choice(qa, fam.solve(ctx.spec, **(part.get("params") or {})), rng):
            qa.pop("tolerance", None)
            return Evolution(qa, [i])
    raise NotApplicable("no open question with distractors")


@operator("evolve.open_ended", "interaction")
def propose_open_ended(ctx: Context, rng: np.random.Generator) -> Evolution:
    """A multiple-choice question asked open-ended: the answer as the solver computes it."""
    idx = [i for i, q in enumerate(ctx.qa) if q.get("options") and q["family"] in ctx.families]
    if not idx:
        raise NotApplicable("no multiple-choice question of the generator's families")
    i = pick(rng, idx)
    part, fam = ctx.qa[i], ctx.families[ctx.qa[i]["family"]]
    sol: Solution = fam.solve(ctx.spec, **(part.get("params") or {}))
    qa = copy.deepcopy(part) | {"options": None, "answer": sol.answer, "answer_type": fam.answer_type}
    if sol.tolerance is not None:
        qa["tolerance"] = sol.tolerance
    return Evolution(qa, [i])


# --- perception -------------------------------------------------------------------------
@operator("evolve.new_detail", "perception")
def propose_new_detail(ctx: Context, rng: np.random.Generator) -> Evolution:
    """A perception question of a family the conversation does not ask yet."""
    asked = {q["family"] for q in ctx.qa}
    fresh = [f for f in ctx.families.values() if f.skill == "perception" and f.name not in asked]
    texts = {q["question"] for q in ctx.qa}
    for fam in shuffled(rng, fresh):
        try:
            qa = ask(fam, ctx.spec, rng, ctx.mc_share)
        except NotApplicable:
            continue
        if qa["question"] not in texts:
            return Evolution(qa)
    raise NotApplicable("no perception family left to ask")


# --- verification -----------------------------------------------------------------------
def verify_part(families: dict[str, QuestionFamily], spec: dict, qa: dict) -> str | None:
    """Recompute a question (of the generator's families, or composed by an operator) from
    the source; return what disagrees, or None."""
    name = qa.get("family")
    if name in COMPOSITES:
        return _verify_composite(COMPOSITES[name], families, spec, qa)
    if name not in families:
        return f"unknown family {name!r} (not one of this generator's)"
    return verify_qa(families[name], spec, qa)


def _verify_composite(op: Operator, families: dict[str, QuestionFamily], spec: dict, qa: dict) -> str | None:
    parts = (qa.get("params") or {}).get("parts")
    if not isinstance(parts, list) or len(parts) != op.arity or not all(isinstance(p, dict) for p in parts):
        return f"{op.name}: params.parts must list {op.arity} questions"
    for k, part in enumerate(parts):
        err = verify_part(families, spec, part)
        if err:
            return f"{op.name}: part {k + 1}: {err}"
    try:
        expected = op.combine(parts, qa["params"])
    except (NotApplicable, KeyError, TypeError, ValueError) as e:
        return f"{op.name}: not well posed ({e})"
    if not answers_match(expected, qa.get("answer"), qa.get("answer_type", "")):
        return f"{op.name}: stored {qa.get('answer')!r}, recomputed {expected!r}"
    return None
