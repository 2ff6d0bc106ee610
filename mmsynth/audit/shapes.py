"""A question's shape: its text with the slot values masked, so that "Which city has the
most rain?" and "Which town has the most rain?" differ but two questions about different
cities of the same sentence do not."""
from __future__ import annotations

import re
from typing import Any, Iterable

_NUMBER = re.compile(r"(?<![A-Za-z])[-+]?\d[\d,]*(\.\d+)?")
MASK = "{}"


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v)
    elif value is not None and not isinstance(value, bool):
        s = str(value)
        if len(s) >= 1:
            yield s


def shape(question: str, values: Iterable[Any]) -> str:
    """``question`` with every value (slot, computed field, option, answer) and number masked."""
    text = question
    words = sorted({s for v in values for s in _strings(v) if s.strip()}, key=len, reverse=True)
    for w in words:
        if len(w) < 2 and not w.isalnum():
            continue
        pattern = r"(?<![A-Za-z0-9])" + re.escape(w) + r"(?![A-Za-z0-9])"
        text = re.sub(pattern, MASK, text)
    text = _NUMBER.sub(MASK, text)
    return re.sub(r"\{\}(?:[ ,]*\{\})+", MASK, text)
