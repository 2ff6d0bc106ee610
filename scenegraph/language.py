"""Words the question templates need: articles, plurals, mass nouns, attribute types (data in ``data/``)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import inflect
import yaml

DATA = Path(__file__).with_name("data")


@lru_cache(maxsize=None)
def _nouns() -> dict:
    return yaml.safe_load((DATA / "nouns.yaml").read_text())


@lru_cache(maxsize=None)
def attribute_types() -> dict[str, dict]:
    """``{type: {"noun": "colour", "values": [...]}}`` from ``data/attributes.yaml``."""
    return yaml.safe_load((DATA / "attributes.yaml").read_text())


@lru_cache(maxsize=None)
def _type_of_word() -> dict[str, str]:
    return {v: kind for kind, d in attribute_types().items() for v in d["values"]}


def attribute_type(word: str) -> str | None:
    """The type (``color``, ``material``, ...) of an attribute word, or None when untyped."""
    return _type_of_word().get(word.lower())


def is_countable(label: str) -> bool:
    """Whether "How many <plural>" makes sense: mass nouns (grass, sky) are never counted."""
    return label.lower() not in set(_nouns()["uncountable"])


def plural(label: str) -> str:
    """English plural of a (possibly multi-word) noun phrase: the last word is inflected."""
    head, _, last = label.rpartition(" ")
    irregular = _nouns()["irregular_plurals"]
    if last in irregular:
        word = irregular[last]
    elif last.endswith(("s", "x", "z", "ch", "sh")):
        word = last + "es"
    elif last.endswith("y") and len(last) > 1 and last[-2] not in "aeiou":
        word = last[:-1] + "ies"
    else:
        word = last + "s"
    return f"{head} {word}" if head else word


@lru_cache(maxsize=1)
def _inflect() -> inflect.engine:
    return inflect.engine()


@lru_cache(maxsize=4096)
def a(phrase: str) -> str:
    """The phrase with its indefinite article: "a red cube", "an orange", "an umbrella"."""
    return _inflect().a(phrase)


def count_phrase(n: int, label: str) -> str:
    """"1 cube", "3 cubes"."""
    return f"{n} {label if n == 1 else plural(label)}"
