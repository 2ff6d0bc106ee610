"""Reading the final answer out of a sentence the way a careful grader does.

The answer-type readers of :mod:`mmsynth.bench.extract` find candidates (numbers, option
letters, yes/no words) in a span; this module decides which span and which candidate
count:

* an output of several lines without an answer marker is read on its first line when
  that line is a bare answer, else on its last line that holds a candidate;
* a self-correction takes the corrected value: the text after the last correction cue
  ("wait", "actually", "56? No, ...") that still holds a candidate is read;
* a candidate right after a negator ("6, not 5", "rather than B") is rejected, not read;
* two different candidates joined as alternatives ("5 or 6", "B and C", "5-6") are a
  hedge, and a hedge is wrong.

The vocabularies live in ``words.yaml``.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Callable

from mmsynth.bench.words import words


@dataclass
class Candidate:
    """One answer a text may give: where it stands, what it means (readings or an index),
    and how it was named ("text", "letter", "bare letter")."""
    start: int
    end: int
    key: object
    kind: str = ""


def _alternation(phrases: list[str]) -> str:
    return "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))


@functools.lru_cache(maxsize=None)
def _cue_re(allow_no: bool) -> re.Pattern:
    cues = rf"\b(?:{_alternation(words()['correction_cues'])})\b"
    if allow_no:  # "56? No, it is 65." / "B. No, C."
        cues += r"|[?.!]\s*no\b[,.!]?"
    return re.compile(cues, re.IGNORECASE)


def after_correction(span: str, has_candidate: Callable[[str], bool], allow_no: bool = True) -> str:
    """The text after the last correction cue that still holds a candidate, or the span."""
    for m in reversed(list(_cue_re(allow_no).finditer(span))):
        rest = span[m.end():]
        if has_candidate(rest):
            return rest.lstrip(" ,.:;!-")
    return span


def final_line(span: str, has_candidate: Callable[[str], bool], bare: Callable[[str], bool]) -> str:
    """The line of a multi-line output that answers: a bare first line, else the last line
    with a candidate, else the whole span."""
    lines = [line.strip() for line in span.splitlines() if line.strip()]
    if len(lines) <= 1:
        return span
    if bare(lines[0]):
        return lines[0]
    for line in reversed(lines):
        if has_candidate(line):
            return line
    return span


@functools.lru_cache(maxsize=None)
def _negated_before_re() -> re.Pattern:
    neg = _alternation(words()["negators"])
    fillers = r"(?:(?:the|a|an|exactly|just|option|choice|letter|equal to|answer)\s+)*"
    return re.compile(rf"(?:\b|(?<=n))(?:{neg})\s+{fillers}[(\[]?$", re.IGNORECASE)


_REJECTED_AFTER = re.compile(r"^[)\]]?\s*(?:is|was|would be|seems)\s+(?:wrong|incorrect|not right)\b", re.IGNORECASE)


def is_negated(text: str, cand: Candidate) -> bool:
    """Whether the text rejects the candidate ("not 5", "rather than B", "B is wrong")."""
    return bool(_negated_before_re().search(text[:cand.start])) or bool(_REJECTED_AFTER.match(text[cand.end:]))


@functools.lru_cache(maxsize=None)
def _alternative_re(numbers: bool) -> re.Pattern:
    alts = list(words()["alternatives"]) + (list(words()["number_ranges"]) if numbers else [])
    return re.compile(rf"\s*[,;]?\s*(?:either\s+)?(?:{_alternation(alts)})?\s*(?:maybe|possibly|perhaps)?\s*[(\[]?",
                      re.IGNORECASE)


def is_hedge(text: str, cands: list[Candidate], chosen: Candidate, numbers: bool = False,
             same: Callable[[object, object], bool] = lambda a, b: a == b) -> bool:
    """Whether the chosen candidate stands next to a different one as its alternative."""
    k = cands.index(chosen)
    for other in cands[k - 1:k] + cands[k + 1:k + 2]:
        if same(other.key, chosen.key):
            continue
        lo, hi = sorted((other, chosen), key=lambda c: c.start)
        gap = text[lo.end:hi.start]
        if not gap.strip() or _alternative_re(numbers).fullmatch(gap):
            if numbers and re.search(r"\bfrom\s+\S*$", text[:lo.start], re.IGNORECASE) and "to" in gap:
                continue  # "from 10 to 12" reports a change, not two guesses
            return True
    return False


def kept(text: str, cands: list[Candidate]) -> list[Candidate]:
    """The candidates the text does not reject."""
    return [c for c in cands if not is_negated(text, c)]


@functools.lru_cache(maxsize=None)
def _negated_phrase_re() -> re.Pattern:
    neg = _alternation(words()["negators"])
    return re.compile(rf"(?:,\s*)?(?:\b|(?<=n))(?:{neg})\s+[^,;!?\n]*?(?=\s*(?:[,;!?\n]|\.(?!\d)|\bbut\b|$))(?:\s*but\b)?",
                      re.IGNORECASE)


def drop_negated(text: str) -> str:
    """The text without the phrases it rejects ("Keswick, not Northam" -> "Keswick")."""
    return re.sub(r"\s{2,}", " ", _negated_phrase_re().sub(" ", text)).strip()


@functools.lru_cache(maxsize=None)
def _contraction_re() -> re.Pattern:
    return re.compile(rf"\b({_alternation([c[:-2] for c in words()['is_contractions']])})['’]s\b", re.IGNORECASE)


def expand_is(text: str) -> str:
    """"It's green" -> "It is green", so the copula reading finds the answer."""
    return _contraction_re().sub(r"\1 is", text)


@functools.lru_cache(maxsize=None)
def _qualifier_re() -> re.Pattern:
    openers = _alternation(words()["qualifier_openers"])
    return re.compile(rf"\s*(?:\([^()]*\)|\[[^\[\]]*\]|\s[-–—]\s.*$|,\s*(?:{openers})\b.*$|\s+(?:because|since)\b.*$)",
                      re.IGNORECASE)


def strip_qualifiers(text: str) -> str:
    """The answer without what follows it to qualify it: "Cheesecake ($4.50)" -> "Cheesecake"."""
    return _qualifier_re().sub("", text).strip()


@functools.lru_cache(maxsize=None)
def _order_re() -> re.Pattern:
    return re.compile(rf"\b(?:{_alternation(words()['order_cues'])})\b", re.IGNORECASE)


def asks_order(question: str | None) -> bool:
    """Whether a list question asks for its items in order."""
    return bool(question) and bool(_order_re().search(question))


@functools.lru_cache(maxsize=None)
def _scale_re() -> re.Pattern:
    return re.compile(rf"(?<![\w]){'|'.join(re.escape(s) for s in sorted(words()['question_scales'], key=len, reverse=True))}"
                      r"(?![\w])", re.IGNORECASE)


def question_scale(question: str | None) -> float | None:
    """The unit scale a question states for its answer ("in x1000 rpm" -> 1000), if any."""
    m = _scale_re().search(question or "")
    return float(words()["question_scales"][m.group(0).lower()]) if m else None


@functools.lru_cache(maxsize=None)
def _exact_number_re() -> re.Pattern:
    return re.compile(rf"\b(?:{_alternation(words()['exact_number_cues'])})\b", re.IGNORECASE)


def asks_exact_number(question: str | None) -> bool:
    """Whether a number question asks for a label read exactly (a year), not a measurement."""
    return bool(question) and bool(_exact_number_re().search(question))
