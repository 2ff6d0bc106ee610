"""Answer extraction: from a model's free-form output to an answer of the expected type.

Published scores move by several points with extraction details, so every rule is
explicit here and tested on the traps (trailing periods, units, ``%``, number words,
thousands separators, option letter vs option text). The steps:

1. Markdown emphasis and ``\\boxed{..}`` are unwrapped; if the text contains an answer
   marker ("The answer is", "Answer:", ... see ``words.yaml``) the rest of the line after
   the LAST marker is the answer span, else the whole output is.
2. The span is read according to the answer type:

   * numbers: number words become digits ("twelve", "one hundred and five"), thousands
     separators are dropped, units and currency signs are ignored; a span that starts with
     a number gives that number, otherwise the last number in it is taken. A number
     followed by ``%`` is read as written and divided by 100; one followed by a magnitude
     ("3.5 million", "12k") as written and multiplied out: each reading is a candidate,
     and the scorer accepts any that matches.
   * multiple choice: a bare letter ("B", "(B)", "B.", "b") or a leading letter ("B. Toys",
     "(B) Toys", "B, because") wins, because the prompt asks for the letter; then the exact
     option text; then a leading letter followed by words ("B indeed", not A or I, which
     are English words); then a numeric option equal to the number said; then the one
     option whose text occurs in the output; then a unique "(B)" / "option B" anywhere;
     the same rules then run on the copula tail ("I think it is D.") and the whole output.
   * yes/no: the first word if it is a yes/no word, else the only one of the two present.
   * short text: the span, or what it says after its last copula ("The hand is brown.").
   * lists and routes: the span (or its copula tail) split on arrows (routes) or commas,
     ";", "and" ...
   * points and boxes: the first 2 / 4 numbers of the span.
"""
from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import yaml

from mmsynth.record import OPTION_LETTERS, option_key


@functools.lru_cache(maxsize=None)
def words() -> dict:
    """The extractor's vocabulary (``words.yaml``)."""
    return yaml.safe_load(Path(__file__).with_name("words.yaml").read_text(encoding="utf-8"))


# --- spans ----------------------------------------------------------------------------------

_MARKDOWN = re.compile(r"(\*\*|__|`)")
_BOXED = re.compile(r"\\boxed\{([^{}]*)\}")
_TRAILING = " \t\r\n.。!?;:,'\"*)]}"  # what a span may end with that is not part of the answer


@functools.lru_cache(maxsize=None)
def _marker_re() -> re.Pattern:
    alts = sorted(words()["answer_markers"], key=len, reverse=True)
    return re.compile(r"(?<![\w])(?:" + "|".join(re.escape(a) for a in alts) + r")", re.IGNORECASE)


def clean(text: str) -> str:
    """The output without markdown emphasis and LaTeX boxes."""
    text = _BOXED.sub(r"\1", text)
    return _MARKDOWN.sub("", text).replace("\u2212", "-").strip()


def answer_span(text: str, multiline: bool = False) -> tuple[str, bool]:
    """The part of the output that states the answer, and whether an answer marker was found:
    after the last marker, the rest of its line (or, ``multiline``, the rest of the output)."""
    text = clean(text)
    hits = list(_marker_re().finditer(text))
    if not hits:
        return text, False
    rest = text[hits[-1].end():].lstrip(" \t:-").strip()
    return (rest if multiline else rest.split("\n", 1)[0]).strip(), True


def strip_trailing(text: str) -> str:
    """Drop trailing sentence punctuation and quotes ("Books." -> "Books"); keep a leading '('."""
    text = text.strip()
    while text and text[-1] in _TRAILING:
        if text[-1] == ")" and "(" in text:  # keep balanced parentheses: "(B)" stays
            break
        text = text[:-1].rstrip()
    return text.strip(" '\"")


# --- number words ---------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def _number_word_re() -> re.Pattern:
    w = words()
    vocab = list(w["units"]) + list(w["tens"]) + list(w["hundred"]) + list(w["scales"])
    word = r"(?:" + "|".join(sorted(vocab, key=len, reverse=True)) + r")"
    return re.compile(rf"\b{word}(?:(?:\s+|-|\s+and\s+){word})*\b", re.IGNORECASE)


def _words_value(phrase: str) -> int | None:
    """The value of a run of number words ("one hundred and five" -> 105); None if malformed."""
    w = words()
    total = current = 0
    for tok in re.split(r"[\s-]+", phrase.lower()):
        if tok == "and":
            continue
        if tok in w["units"]:
            current += w["units"][tok]
        elif tok in w["tens"]:
            current += w["tens"][tok]
        elif tok in w["hundred"]:
            current = max(current, 1) * 100
        elif tok in w["scales"]:
            total += max(current, 1) * w["scales"][tok]
            current = 0
        else:
            return None
    return total + current


def _magnitudes() -> set[int]:
    return {int(v) for v in words()["magnitude_suffixes"].values()}


def words_to_digits(text: str) -> str:
    """Replace runs of number words by digits ("twenty-one apples" -> "21 apples")."""
    def sub(m: re.Match) -> str:
        if re.search(r"\d\s*$", text[:m.start()]) and _words_value(m.group(0)) in _magnitudes():
            return m.group(0)  # "3.5 million" is a magnitude, read by the number pattern
        v = _words_value(m.group(0))
        return m.group(0) if v is None else str(v)
    return _number_word_re().sub(sub, text)


# --- numbers --------------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def _number_re() -> re.Pattern:
    mags = sorted(words()["magnitude_suffixes"], key=len, reverse=True)
    return re.compile(
        r"(?<![\w.])(?P<sign>[-+]?)[$€£¥]?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
        r"(?:/(?P<den>\d+)(?![\d.]))?"
        r"(?P<pct>\s?(?:%|percent\b|per cent\b))?"
        r"(?:\s?(?P<mag>" + "|".join(re.escape(m) for m in mags) + r")\b)?",
        re.IGNORECASE)


def _readings(m: re.Match) -> list[float]:
    """Every value a number match may mean: as written, /100 for a percent, x magnitude."""
    value = float(m.group("num").replace(",", ""))
    if m.group("den"):
        den = float(m.group("den"))
        if den == 0:
            return []
        value /= den
    if m.group("sign") == "-":
        value = -value
    out = [value]
    if m.group("pct"):
        out.append(value / 100)
    if m.group("mag"):
        out.append(value * words()["magnitude_suffixes"][m.group("mag").lower()])
    return out


def numbers_in(text: str) -> list[list[float]]:
    """The numbers of a text in order, each as its list of readings."""
    return [r for r in (_readings(m) for m in _number_re().finditer(words_to_digits(text))) if r]


def extract_number(output: str) -> list[float]:
    """The readings of the number a model answered, or [] when it gave none."""
    span, marked = answer_span(output)
    found = numbers_in(span)
    if not found:
        return []
    if marked or re.match(r"^\s*[-+$€£¥]?\s*\.?\d", words_to_digits(span)):
        return found[0]
    return found[-1]


def extract_numbers(output: str, k: int) -> list[float] | None:
    """The first ``k`` numbers of the answer (coordinates of a point or a box), as written."""
    span, _ = answer_span(output)
    found = [r[0] for r in numbers_in(span)]
    if len(found) < k:
        found = [r[0] for r in numbers_in(clean(output))]
    return found[:k] if len(found) >= k else None


# --- text -----------------------------------------------------------------------------------

_PUNCT = re.compile(r"[;/\[\]\"{}()=+\\_\-><@`,?!*#%^&$|~:]")
_PERIOD = re.compile(r"\.(?!\d)")  # a period not before a digit: "12." -> "12", "3.5" kept
_CLOCK = re.compile(r"\b(\d{1,2}):(\d{2})\b")


def normalize(text: str, drop_articles: bool = True) -> str:
    """VQA-style normalisation: lowercase, punctuation dropped (not inside numbers), number
    words as digits, articles dropped, contractions restored, thousands separators removed,
    clock times without a leading zero."""
    w = words()
    text = words_to_digits(text.lower().replace("\n", " ").strip())
    text = _CLOCK.sub(lambda m: f"{int(m.group(1))}:{m.group(2)}", text)  # "02:05" and "2:05" alike
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)
    text = _PERIOD.sub("", _PUNCT.sub(" ", text.replace("'", "")))
    toks = text.split()
    kept = [t for t in toks if not drop_articles or t not in w["articles"]] or toks  # a lone "A" stays
    return " ".join(w["contractions"].get(t, t) for t in kept)


def extract_text(output: str, multiline: bool = False) -> str:
    """The answer span as text, without trailing punctuation (``multiline``: text read off an
    image line by line, kept whole after an answer marker)."""
    span, _ = answer_span(output, multiline)
    return strip_trailing(span)


@functools.lru_cache(maxsize=None)
def _copula_re() -> re.Pattern:
    alts = sorted(words()["copulas"], key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(a) for a in alts) + r")\s+", re.IGNORECASE)


def copula_tail(span: str) -> str | None:
    """What a sentence says its subject is: the text after its last copula, if any."""
    hits = list(_copula_re().finditer(span))
    tail = strip_trailing(span[hits[-1].end():]) if hits else ""
    return tail or None


def text_readings(output: str) -> list[str]:
    """The answer span, and what the sentence says after its last copula ("The hand is brown.")."""
    text = extract_text(output)
    tail = copula_tail(text)
    return [text, tail] if tail else [text]


def extract_yesno(output: str) -> str | None:
    """'yes', 'no', or None when the output commits to neither."""
    w = words()
    span, _ = answer_span(output)
    toks = normalize(span).split()
    if toks and toks[0] in w["yes_words"]:
        return "yes"
    if toks and toks[0] in w["no_words"]:
        return "no"
    all_toks = set(normalize(clean(output)).split())
    has_yes, has_no = bool(all_toks & set(w["yes_words"])), bool(all_toks & set(w["no_words"]))
    if has_yes != has_no:
        return "yes" if has_yes else "no"
    return None


def _split(span: str, separators: list[str]) -> list[str]:
    parts = [span]
    for sep in separators:
        parts = [p for part in parts for p in part.split(sep)]
    parts = [re.sub(r"^\s*(?:[-*•]|\d+[.)])\s+", "", p) for p in parts]  # bullets, numbering
    return [strip_trailing(p) for p in parts if strip_trailing(p)]


def extract_list(output: str) -> list[str]:
    """The items of a list answer, in the order given."""
    span, marked = answer_span(output)
    if not marked and "\n" in span.strip():
        return _split(span, ["\n", ",", ";"])
    return _split(span, words()["list_separators"])


def list_readings(output: str) -> list[list[str]]:
    """The list as given, and the list after the last copula ("The parents are Kenji and Maria.")."""
    span, _ = answer_span(output)
    tail = copula_tail(span)
    return [extract_list(output)] + ([_split(tail, words()["list_separators"])] if tail else [])


def extract_route(output: str) -> list[str]:
    """The stops of a route answer, in order: split on arrows if any, else like a list."""
    span, _ = answer_span(output)
    arrows = words()["route_separators"]
    if any(a in span for a in arrows):
        tail = copula_tail(span) or ""  # "I think it is A -> L -> I": the route starts after "is"
        if sum(tail.count(a) for a in arrows) == sum(span.count(a) for a in arrows):
            span = tail
        return _split(span, arrows)
    return _split(span, words()["list_separators"])


# --- multiple choice ------------------------------------------------------------------------

def _letter_index(letter: str, n_options: int) -> int | None:
    i = OPTION_LETTERS.find(letter.upper())
    return i if 0 <= i < n_options else None


_BARE_LETTER = re.compile(r"^[(\[]?(?:option\s+|choice\s+)?([A-Ja-j])[)\]]?$", re.IGNORECASE)
_LEADING_LETTER = re.compile(r"^[(\[]?([A-J])(?:[).:,\]]\s*|\s*[).:\]])(?=\S|$)", re.IGNORECASE)
# "B indeed." (a format instruction forced words after the letter); not A or I, which are words
_LEADING_WORD_LETTER = re.compile(r"^([B-HJb-hj])\s+(?=\w)")
_LEADING_LETTER_ALT = re.compile(r"^(?:option|choice)\s+([A-J])\b", re.IGNORECASE)
_ANY_LETTER = re.compile(r"\(([A-J])\)|\b(?:option|choice)\s+([A-J])\b")


def contains_phrase(haystack: str, needle: str) -> bool:
    """Whether ``needle`` occurs in ``haystack`` as whole words."""
    return bool(needle) and re.search(rf"(?<![\w]){re.escape(needle)}(?![\w])", haystack) is not None


def _mentioned_option(text: str, options: list[Any]) -> int | None:
    """The one option whose normalised text occurs in ``text``; options inside a longer
    mentioned option ("Books" inside "Comic Books") do not count."""
    norm = normalize(text)
    keys = [normalize(str(o)) for o in options]
    hits = [i for i, k in enumerate(keys) if contains_phrase(norm, k)]
    hits = [i for i in hits if not any(j != i and keys[i] != keys[j] and contains_phrase(keys[j], keys[i])
                                       for j in hits)]
    return hits[0] if len(hits) == 1 else None


def _numeric_option(text: str, options: list[Any]) -> int | None:
    """The option equal to the number the text states, when every option is a number."""
    values = []
    for o in options:
        found = numbers_in(str(o))
        if len(found) != 1:
            return None
        values.append(found[0][0])
    readings = extract_number(text)
    hits = {i for i, v in enumerate(values) for r in readings if abs(v - r) <= 1e-9 * max(1.0, abs(v))}
    return hits.pop() if len(hits) == 1 else None


def extract_choice(output: str, options: list[Any]) -> int | None:
    """The index of the option a model chose, or None when it did not clearly choose one."""
    n = len(options)
    span, _ = answer_span(output)
    for text in (span, copula_tail(span) or "", clean(output)):
        s = strip_trailing(text)
        m = _BARE_LETTER.match(s) or _LEADING_LETTER.match(s) or _LEADING_LETTER_ALT.match(s)
        if m and _letter_index(m.group(1), n) is not None:
            return _letter_index(m.group(1), n)
        exact = [i for i, o in enumerate(options) if option_key(o) == option_key(s)
                 or normalize(str(o)) == normalize(s)]
        if len(exact) == 1:
            return exact[0]
        m = _LEADING_WORD_LETTER.match(s)
        if m and _letter_index(m.group(1), n) is not None:
            return _letter_index(m.group(1), n)
        for finder in (_numeric_option, _mentioned_option):
            i = finder(s, options)
            if i is not None:
                return i
        letters = {g for m in _ANY_LETTER.finditer(s) for g in m.groups() if g}
        idx = {_letter_index(g, n) for g in letters} - {None}
        if len(idx) == 1:
            return idx.pop()
    return None


def as_number(text: str) -> float | None:
    """The value of a text that is one number and nothing else ("1,200", "twelve", "$3.5"), else None."""
    t = words_to_digits(strip_trailing(text))
    m = _number_re().fullmatch(t.strip())
    return _readings(m)[0] if m and _readings(m) else None
