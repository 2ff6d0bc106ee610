"""Computed descriptions: a ``<task>.describe`` question family for every generator whose
answer is a paragraph (a caption, a detailed description or a bullet summary) written
from the sample's source, not by a model.

A generator folder declares its facts in a small ``describe.py``: an *extractor*
``spec -> [Fact]`` decorated with :func:`describes`, and a ``describe.yaml`` beside it
with several phrasings per fact key. The first fact is the overview; the others are
grouped by key (range, extremes, trend, one comparison...). For each question the
seeded rng picks a style, which groups to tell and one fact and one phrasing of each;
those choices are the question's ``params``, so ``mmsynth validate`` recomputes the
paragraph exactly from the stored source. :func:`verbalise` tells every fact in its
first phrasing: the text that ``mmsynth instruct`` gives an LLM and checks answers against.

:func:`attach` (run once the generator modules are imported) adds the family to every
registered generator that an extractor's patterns match.
"""
from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np
import yaml

from mmsynth.errors import NotApplicable
from mmsynth.questions import QuestionFamily, Solution
from mmsynth.rand import pick, pick_n, randint
from mmsynth.record import format_number

ENGINE = yaml.safe_load(Path(__file__).with_name("describe.yaml").read_text())
STYLES: dict[str, dict] = ENGINE["styles"]


@dataclass(frozen=True)
class Fact:
    """One statement about the source: the phrasing group ``key`` filled with ``slots``;
    ``id`` tells apart facts of one key (which pair is compared)."""
    key: str
    slots: dict = field(default_factory=dict)
    id: str = ""

    @property
    def fid(self) -> str:
        return f"{self.key}:{self.id}" if self.id else self.key


Extractor = Callable[[dict], list[Fact]]


@dataclass
class Describer:
    """The facts of the generators matched by ``patterns`` and how each is phrased."""
    patterns: tuple[str, ...]
    extract: Extractor
    phrasings: dict[str, list[str]]
    noun: str

    def facts(self, spec: dict) -> list[Fact]:
        facts = self.extract(spec)
        if not facts:
            raise NotApplicable("nothing to describe")
        return facts

    def say(self, fact: Fact, wording: int = 0) -> str:
        templates = self.phrasings[fact.key]
        text = templates[wording % len(templates)].format(**fact.slots)
        return text[:1].upper() + text[1:]


_DESCRIBERS: list[Describer] = []


def describes(*patterns: str, phrasings: str | Path, noun: str) -> Callable[[Extractor], Extractor]:
    """Decorator: ``extract(spec) -> [Fact]`` describes the generators matching ``patterns``;
    ``phrasings`` is its YAML (fact key -> at least 3 phrasings), ``noun`` what the image is."""
    table = yaml.safe_load(Path(phrasings).read_text())
    short = [k for k, v in table.items() if len(v) < 3]
    if short:
        raise ValueError(f"{phrasings}: fact keys {short} need at least 3 phrasings")

    def deco(fn: Extractor) -> Extractor:
        _DESCRIBERS.append(Describer(tuple(patterns), fn, table, noun))
        return fn
    return deco


def describer_for(name: str) -> Describer | None:
    """The describer of generator ``name`` (the first whose patterns match), or None."""
    for d in _DESCRIBERS:
        if any(fnmatch.fnmatchcase(name, p) for p in d.patterns):
            return d
    return None


def verbalise(name: str, spec: dict) -> str | None:
    """Every fact of ``spec`` in its first phrasing, one per line; None when generator
    ``name`` has no describer or nothing to say."""
    d = describer_for(name)
    if d is None:
        return None
    try:
        facts = d.facts(spec)
    except NotApplicable:
        return None
    lines = []
    for f in facts:
        line = "- " + d.say(f)
        if line not in lines:
            lines.append(line)
    return "\n".join(lines)


# --- the family ---------------------------------------------------------------------------
def _groups(facts: list[Fact]) -> list[list[Fact]]:
    """Facts after the overview grouped by key, in the order they were extracted."""
    groups: dict[str, list[Fact]] = {}
    for f in facts[1:]:
        groups.setdefault(f.key, []).append(f)
    return list(groups.values())


def _bind(d: Describer) -> Callable[[dict, np.random.Generator], dict]:
    def bind(spec: dict, rng: np.random.Generator) -> dict:
        facts = d.facts(spec)
        style = pick(rng, sorted(STYLES))
        lo, hi = STYLES[style]["groups"]
        groups = _groups(facts)
        k = min(len(groups), randint(rng, lo, hi))
        chosen_groups = sorted(pick_n(rng, range(len(groups)), k)) if k else []
        chosen = [facts[0]] + [pick(rng, groups[g]) for g in chosen_groups]
        wording = [randint(rng, 0, len(d.phrasings[f.key]) - 1) for f in chosen]
        return {"style": style, "facts": [f.fid for f in chosen], "wording": wording}
    return bind


def _solve(d: Describer) -> Callable[..., Solution]:
    def solve(spec: dict, style: str, facts: list[str], wording: list[int]) -> Solution:
        by_id = {f.fid: f for f in d.facts(spec)}
        missing = [fid for fid in facts if fid not in by_id]
        if missing or style not in STYLES or len(wording) != len(facts):
            raise NotApplicable(f"facts {missing} do not hold for this source")
        sentences = [d.say(by_id[fid], w) for fid, w in zip(facts, wording)]
        text = STYLES[style]["join"].join(STYLES[style]["item"].format(s) for s in sentences)
        thing = by_id[facts[0]].slots.get("thing", d.noun)
        return Solution(answer=text, fields={"style_name": STYLES[style]["name"], "thing": thing},
                        extra={"long_answer": True})
    return solve


def family(d: Describer, task: str) -> QuestionFamily:
    """The ``<task>.describe`` family of one describer: open text, never multiple choice."""
    return QuestionFamily(name=f"{task}.describe", skill="perception", answer_type="text",
                          phrasings=list(ENGINE["questions"]), solve=_solve(d), bind=_bind(d),
                          mc=False, weight=float(ENGINE["weight"]))


def is_describe(family_name: str) -> bool:
    """Whether a family name is a computed-description family (a paragraph, not a short answer)."""
    return family_name.endswith(".describe")


def attach(classes: dict[str, Any]) -> None:
    """Add the describe family to every generating class an extractor matches (once)."""
    for name, cls in classes.items():
        d = describer_for(name)
        if d is None or not cls.generates:
            continue
        if any(is_describe(f.name) for f in cls.families):
            continue
        cls.families = [*cls.families, family(d, cls.task)]


# --- helpers the extractors share -----------------------------------------------------------
def num(x: float | int) -> str:
    """A number as the image shows it: integers bare, others with at most 2 decimals."""
    return format_number(x)


def listing(items: list[str], conj: str = "and") -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {conj} " + items[-1]


def plural(n: int, one: str, many: str | None = None) -> str:
    """``1 town``, ``3 towns``."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def solved(solver: Callable[..., Solution], spec: dict, **slots: Any) -> Any:
    """The answer a generator's own solver gives, or None where its question is not well posed
    (a tie, too few points): a fact reuses the code that answers the short questions."""
    try:
        return solver(spec, **slots).answer
    except NotApplicable:
        return None
