"""Composable phrasing templates: one YAML line stands for many sentences.

On top of ``str.format``'s ``{slot}`` fields, a phrasing may hold groups:

* ``<a|b|c>`` one of the alternatives, chosen uniformly;
* ``<, please|>`` an optional clause (an empty alternative);
* ``<@image>`` the alternatives of the word set ``image`` (a YAML file's ``_words``).

Groups nest (``<How many {things} <are there|can you see>|Count the {things}>``).
Only ``<`` opens a group, so ``->`` outside a group stays literal; inside a group
``>`` closes it. A phrasing without ``<`` is used as written and draws nothing from
the random generator, so files that use no groups give the same output as before.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterator, Union

import numpy as np

Part = Union[str, "Group"]
Seq = tuple[Part, ...]
Group = tuple[Seq, ...]  # alternatives
_SPACE_PUNCT = re.compile(r" ([.,?!;:])")


def substitute_words(text: str, words: dict[str, list[str]], where: str) -> str:
    """Replace each ``<@name>`` by ``<alt1|alt2|...>`` of the word set ``name``."""
    out, i = [], 0
    while (j := text.find("<@", i)) >= 0:
        k = text.find(">", j)
        name = text[j + 2:k] if k > 0 else ""
        if name not in words:
            raise ValueError(f"{where}: unknown word set <@{name}> in {text!r}")
        out += [text[i:j], "<" + "|".join(words[name]) + ">"]
        i = k + 1
    return "".join(out) + text[i:]


@lru_cache(maxsize=4096)
def parse(text: str) -> Seq:
    """The template as a sequence of literal strings and groups; ValueError when unbalanced."""
    seq, end = _sequence(text, 0, top=True)
    if end != len(text):
        raise ValueError(f"unbalanced template: {text!r}")
    return seq


def _sequence(text: str, i: int, top: bool) -> tuple[Seq, int]:
    parts: list[Part] = []
    buf = []
    while i < len(text):
        c = text[i]
        if c == "<":
            if buf:
                parts.append("".join(buf))
                buf = []
            group, i = _group(text, i + 1)
            parts.append(group)
            continue
        if not top and c in "|>":
            break
        buf.append(c)
        i += 1
    if buf:
        parts.append("".join(buf))
    return tuple(parts), i


def _group(text: str, i: int) -> tuple[Group, int]:
    alts = []
    while True:
        seq, i = _sequence(text, i, top=False)
        alts.append(seq)
        if i >= len(text):
            raise ValueError(f"unclosed '<' in template: {text!r}")
        if text[i] == ">":
            return tuple(alts), i + 1
        i += 1  # past '|'


def render(text: str, rng: np.random.Generator) -> str:
    """One sentence of the template (groups chosen uniformly, left to right)."""
    if "<" not in text:
        return text
    return _tidy(_render_seq(parse(text), rng))


def _render_seq(seq: Seq, rng: np.random.Generator) -> str:
    out = []
    for part in seq:
        if isinstance(part, str):
            out.append(part)
        else:
            out.append(_render_seq(part[int(rng.integers(len(part)))], rng))
    return "".join(out)  # tidied once, whole: an alternative's edge spaces separate words


def count(text: str) -> int:
    """How many sentences the template stands for."""
    return _count_seq(parse(text))


def _count_seq(seq: Seq) -> int:
    n = 1
    for part in seq:
        if not isinstance(part, str):
            n *= sum(_count_seq(alt) for alt in part)
    return n


def expansions(text: str) -> Iterator[str]:
    """Every sentence of the template (for tests and shape counts; may be many)."""
    yield from (_tidy(s) for s in _expand_seq(parse(text)))


def _expand_seq(seq: Seq) -> Iterator[str]:
    if not seq:
        yield ""
        return
    head, rest = seq[0], seq[1:]
    heads = [head] if isinstance(head, str) else [s for alt in head for s in _expand_seq(alt)]
    for h in heads:
        for r in _expand_seq(rest):
            yield h + r


def _tidy(s: str) -> str:
    """Collapse the spaces an empty optional clause leaves, and any before punctuation."""
    return _SPACE_PUNCT.sub(r"\1", " ".join(s.split()))
