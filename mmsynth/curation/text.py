"""Words of a question, as the near-duplicate and n-gram checks compare them."""
from __future__ import annotations

import re

_WORD = re.compile(r"[a-z0-9]+(?:[.'][a-z0-9]+)*")
SLOT = "<slot>"
NUMBER = "<num>"


def words(text: str) -> list[str]:
    """Lower-case word tokens, punctuation dropped (a decimal point or an apostrophe inside a
    word stays), and the ``<image>`` placeholders of a conversation removed."""
    return _WORD.findall(text.replace("<image>", " ").lower())


def masked_words(text: str, slot_values: list[str]) -> list[str]:
    """The words with every slot value (what a template filled in) and every number masked,
    so that one template asked about two things reads the same."""
    toks = words(text)
    for value in sorted({v for v in slot_values if v}, key=len, reverse=True):
        vt = words(value)
        if not vt:
            continue
        out, i = [], 0
        while i < len(toks):
            if toks[i:i + len(vt)] == vt:
                out.append(SLOT)
                i += len(vt)
            else:
                out.append(toks[i])
                i += 1
        toks = out
    return [NUMBER if t[0].isdigit() else t for t in toks]


def slot_values(params: object) -> list[str]:
    """Every scalar inside a question's ``params``, as text."""
    if isinstance(params, dict):
        return [v for x in params.values() for v in slot_values(x)]
    if isinstance(params, (list, tuple)):
        return [v for x in params for v in slot_values(x)]
    return [] if params is None or isinstance(params, bool) else [str(params)]


def ngrams(toks: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(toks[i:i + n]) for i in range(len(toks) - n + 1)}
