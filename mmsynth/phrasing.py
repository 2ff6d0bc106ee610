"""The language layer the question engine says questions with.

Templates (``mmsynth.templates``) make one YAML line stand for many sentences; this
module makes the sentences English and varies how a question is put:

* :data:`FORMATTER` fills ``{slot}`` fields with English format specs (``inflect``):
  ``{x:a}`` "an orange", ``{x:pl}`` "cities", ``{x:no={n}}`` "1 order" / "3 orders",
  ``{n:ord}`` "3rd", ``{n:ordw}`` "third", ``{n:words}`` "twenty-one", ``{x:cap}``,
  ``{x:lower}``; any other spec is Python's (``{v:.2f}``);
* :func:`imperative` says a question in an imperative form half the time
  ("What is the value of X?" -> "State the value of X."), by the shared rewrites;
* :func:`with_lead` puts a file's lead-in clause in front ("According to the chart, ...").

The shared word sets, forms and lead-able words are data: ``mmsynth/data/phrasing.yaml``.
"""
from __future__ import annotations

import re
import string
from functools import lru_cache
from pathlib import Path
from typing import Any

import inflect
import numpy as np
import yaml

from mmsynth.rand import pick

SHARED = Path(__file__).parent / "data" / "phrasing.yaml"
_INFLECT = inflect.engine()


@lru_cache(maxsize=1)
def shared() -> dict:
    """The shared phrasing data: word sets, imperative forms, words a lead-in may precede."""
    return yaml.safe_load(SHARED.read_text())


class LanguageFormatter(string.Formatter):
    """``str.format`` with English format specs (articles, plurals, ordinals, number words)."""

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec == "a":
            return _INFLECT.a(str(value))
        if format_spec == "pl":
            return _INFLECT.plural(str(value))
        if format_spec.startswith("no="):
            return _INFLECT.no(str(value), int(float(format_spec[3:])))
        if format_spec.startswith("pl="):
            return _INFLECT.plural(str(value), int(float(format_spec[3:])))
        if format_spec == "ord":
            return _INFLECT.ordinal(int(value))
        if format_spec == "ordw":
            return _INFLECT.ordinal(_INFLECT.number_to_words(int(value)))
        if format_spec == "words":
            return _INFLECT.number_to_words(int(value))
        if format_spec == "cap":
            s = str(value)
            return s[:1].upper() + s[1:]
        if format_spec == "lower":
            return str(value).lower()
        return super().format_field(value, format_spec)


FORMATTER = LanguageFormatter()


def article(noun: str) -> str:
    """``noun`` with "a" or "an" in front, as English says it."""
    return _INFLECT.a(noun)


def plural(noun: str, count: int | None = None) -> str:
    """The plural of ``noun`` (its singular when ``count`` is 1)."""
    return _INFLECT.plural(noun, count) if count is not None else _INFLECT.plural(noun)


def number_words(n: int) -> str:
    return _INFLECT.number_to_words(int(n))


def imperative(text: str, rng: np.random.Generator) -> str:
    """Half the time, a question that has an imperative form said in that form."""
    for form in shared()["forms"]:
        m = re.match(form["match"], text)
        if m:
            return m.expand(pick(rng, form["say"])) if rng.random() < 0.5 else text
    return text


def with_lead(lead: str, text: str) -> str:
    """``lead`` in front of ``text``, its first word lower-cased; the text alone where the
    lead is empty or the question does not start with a word a lead-in can precede."""
    lead = lead.strip()
    first = re.match(r"[A-Za-z]+", text)
    if not lead or not first or first.group(0).lower() not in shared()["lead_before"]:
        return text
    if lead.endswith("."):
        return f"{lead} {text}"
    return f"{lead} {text[0].lower()}{text[1:]}"
