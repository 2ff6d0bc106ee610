"""Answer extraction: from a model's free-form output to an answer of the expected type.

Published scores move by several points with extraction details, so every rule is
explicit here, documented per answer type in ``docs/scoring.md``, and measured against a
labelled adversarial suite (``tests/data/scoring_suite.yaml``, ``perf/scoring_agreement.py``).

1. Markdown emphasis and ``\\boxed{..}`` are unwrapped; if the text contains an answer
   marker ("The answer is", "Answer:", ... see ``words.yaml``) the rest of the line after
   the LAST marker is the answer span, else the whole output is, read on its answering
   line (:func:`mmsynth.bench.reading.final_line`).
2. A self-correction takes the corrected value, a rejected candidate ("not 5") is not
   read, and two different candidates offered as alternatives are a hedge, which reads
   as no answer (:mod:`mmsynth.bench.reading`).
3. The span is read according to the answer type (numbers with durations, zero words,
   decimal commas and magnitudes; option letters, option texts and letters a question
   names; yes/no; text with its copula, qualifier and subject readings; lists; routes;
   points and boxes).
"""
from __future__ import annotations

import functools
import re
import string
from typing import Any

from mmsynth.bench import reading as rd
from mmsynth.bench.reading import Candidate
from mmsynth.bench.words import words
from mmsynth.record import option_key


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


_EURO_THOUSANDS = re.compile(r"(?<![\d.,])(\d{1,3}(?:\.\d{3})+),(\d{1,2})(?![\d,])")
_DECIMAL_COMMA = re.compile(r"(?<![\d.,])(\d+),(\d{1,2})(?![\d,])")


def decimal_commas(text: str) -> str:
    """Decimal commas read as points where unambiguous: "2,23" and "1.234,56"; "1,200" stays
    a thousands separator (three digits after the comma)."""
    text = _EURO_THOUSANDS.sub(lambda m: m.group(1).replace(".", "") + "." + m.group(2), text)
    return _DECIMAL_COMMA.sub(r"\1.\2", text)


def _readings(m: re.Match, scaled: bool = False) -> list[float]:
    """Every value a number match may mean: as written, /100 for a percent, x magnitude.
    ``scaled`` (the question states the unit scale): a magnitude is always multiplied out."""
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
        times = value * words()["magnitude_suffixes"][m.group("mag").lower()]
        out = [times] if scaled else out + [times]
    return out


@functools.lru_cache(maxsize=None)
def _duration_re() -> re.Pattern:
    units = list(words()["duration_units"]) + list(words()["duration_letters"])
    part = rf"\d+(?:\.\d+)?\s*(?:{rd._alternation(units)})\b"
    return re.compile(rf"{part}(?:\s*(?:,\s*|and\s+|,\s*and\s+)?{part}){{0,2}}", re.IGNORECASE)


_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([a-z]+)", re.IGNORECASE)


def _duration_readings(text: str) -> list[float] | None:
    """A duration ("1 hour 7 minutes", "1h 7m") in minutes, hours and seconds; one part
    ("67 minutes") also as written. None when it is not a duration ("5 m" may be metres)."""
    parts = [(float(v), u.lower()) for v, u in _DURATION_PART.findall(text)]
    long_units, letters = words()["duration_units"], words()["duration_letters"]
    if len(parts) == 1 and parts[0][1] not in long_units:
        return None
    seconds = sum(v * long_units.get(u, letters.get(u, 0)) for v, u in parts)
    converted = [seconds / 60, seconds / 3600, seconds]
    return [parts[0][0]] + converted if len(parts) == 1 else converted


@functools.lru_cache(maxsize=None)
def _zero_re() -> re.Pattern:
    w = words()
    return re.compile(rf"\b(?:{rd._alternation(w['zero_words'])})\b"
                      rf"|\bno\s+(?!(?:{rd._alternation(w['not_zero_after_no'])})\b)[a-z]+", re.IGNORECASE)


def prepare_numbers(text: str) -> str:
    """Number words as digits and decimal commas as points, before candidates are read."""
    return decimal_commas(words_to_digits(text))


def number_candidates(text: str, scaled: bool = False) -> list[Candidate]:
    """The numbers a prepared text states, in order: durations, numbers, and zero words
    ("none", "no squares"), each with its readings."""
    cands: list[Candidate] = []

    def free(a: int, b: int) -> bool:
        return all(b <= c.start or a >= c.end for c in cands)
    for m in _duration_re().finditer(text):
        r = _duration_readings(m.group(0))
        if r:
            cands.append(Candidate(m.start(), m.end(), r))
    for m in _number_re().finditer(text):
        r = _readings(m, scaled)
        if r and free(m.start(), m.end()):
            cands.append(Candidate(m.start(), m.end(), r))
    for m in _zero_re().finditer(text):
        if free(m.start(), m.end()):
            cands.append(Candidate(m.start(), m.end(), [0.0]))
    return sorted(cands, key=lambda c: c.start)


def numbers_in(text: str) -> list[list[float]]:
    """The numbers of a text in order, each as its list of readings (digits and number words)."""
    return [r for r in (_readings(m) for m in _number_re().finditer(words_to_digits(text))) if r]


def _same_value(a: object, b: object) -> bool:
    return any(abs(x - y) <= 1e-9 * max(1.0, abs(y)) for x in a for y in b)  # type: ignore[attr-defined]


_PARENTHESES = re.compile(r"\([^()]*\)")
_STARTS_WITH_NUMBER = re.compile(r"^\s*[-+$€£¥]?\s*\.?\d")


def extract_number(output: str, question: str | None = None) -> list[float]:
    """The readings of the number a model answered, or [] when it gave none or hedged.
    A question that states its unit scale ("in x1000 rpm") makes magnitudes multiply out."""
    scaled = rd.question_scale(question) is not None
    span, marked = answer_span(output)
    span = prepare_numbers(span)

    def has(t: str) -> bool:
        return bool(number_candidates(t, scaled))
    if not marked:
        span = rd.final_line(span, has, lambda line: has(line) and len(line.split()) <= 3)
    span = rd.after_correction(span, has)
    outside = _PARENTHESES.sub(lambda m: " " * len(m.group(0)), span)  # "6 circles (and 2 squares)"
    span = outside if has(outside) else span
    cands = rd.kept(span, number_candidates(span, scaled))
    if not cands:
        return []
    chosen = cands[0] if marked or _STARTS_WITH_NUMBER.match(span) else cands[-1]
    copula = list(_copula_re().finditer(span))
    if chosen is cands[0] and copula and copula[-1].start() > chosen.end:  # "2.5 hours is 150 minutes"
        chosen = next((c for c in cands if c.start >= copula[-1].end()), chosen)
    if rd.is_hedge(span, cands, chosen, numbers=True, same=_same_value):
        return []
    return list(chosen.key)  # type: ignore[call-overload]


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


_POSSESSIVE = re.compile(r"(?<=\w)['’]s\b")
_COMPASS_JOINED = re.compile(r"\b(north|south)[\s-]?(east|west)(ern|erly)?\b")


def canonical(text: str) -> str:
    """:func:`normalize`, with compass points in one spelling ("Southeast", "SE" -> "south east")."""
    norm = _COMPASS_JOINED.sub(r"\1 \2", normalize(_POSSESSIVE.sub("", text)))
    abbrev = words()["compass"].get(norm.replace(" ", ""))
    return normalize(abbrev) if abbrev and len(norm) <= 2 else norm


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


def _asked(question: str) -> set[str]:
    w = words()
    return set(canonical(question).split()) | set(w["echo_fillers"]) | set(w["copulas"]) | set(w["articles"])


def _echoes(word: str, asked: set[str]) -> bool:
    w = canonical(word)
    return not w or w in asked or w.rstrip("s") in asked or w + "s" in asked


def echoed_subject(span: str, question: str | None) -> str | None:
    """The subject of a sentence whose predicate only repeats the question ("Whitby is
    farther than Poole." for "Which is farther from Leeds, Whitby or Poole?"), else None."""
    m = _copula_re().search(span)
    if not question or not m or m.start() == 0:
        return None
    asked = _asked(question)
    said = span[m.end():].split()
    return strip_trailing(span[:m.start()]) if said and all(_echoes(w, asked) for w in said) else None


def echo_stripped(span: str, question: str | None) -> str | None:
    """The sentence without the words it repeats from the question at its start and end
    ("Hanoi is drawn in green." -> "green" for "What colour is Hanoi drawn in?")."""
    if not question:
        return None
    asked, toks = _asked(question), span.split()
    lo, hi = 0, len(toks)
    while lo < hi and _echoes(toks[lo], asked):
        lo += 1
    while hi > lo and _echoes(toks[hi - 1], asked):
        hi -= 1
    return strip_trailing(" ".join(toks[lo:hi])) if 0 < hi - lo < len(toks) else None


def _nonempty(t: str) -> bool:
    return bool(t.strip(" .,!?;:"))


def _short(t: str) -> bool:
    return len(t.split()) <= 4


def text_readings(output: str, question: str | None = None, keep_negation: bool = False,
                  multiline: bool = False) -> list[str]:
    """The ways a text answer may be read: the span, without qualifiers ("Cheesecake
    ($4.50)"), after its last copula ("The hand is brown."), and its subject when the rest
    repeats the question. Corrections are followed and rejected phrases dropped
    (``keep_negation``: the gold answer itself holds a negator)."""
    span, marked = answer_span(output, multiline)
    if not marked and not multiline:
        span = rd.final_line(span, _nonempty, _short)
    span = rd.after_correction(span, _nonempty)
    if not keep_negation:
        span = rd.drop_negated(span)
    base = strip_trailing(rd.expand_is(span))
    bare = strip_trailing(rd.strip_qualifiers(base))
    out = [base, bare, copula_tail(base), copula_tail(bare), echoed_subject(bare, question),
           echo_stripped(bare, question)]
    return list(dict.fromkeys(r for r in out if r))


_TIME = re.compile(r"\b(\d{1,2})[:.h](\d{2})\s*(?:([ap])\.?\s?m\b\.?)?", re.IGNORECASE)


def same_time(text: str, gold: str) -> bool:
    """Whether a text states the clock time ``gold`` (H:MM or HH:MM): "5:18 PM" is 17:18; a
    gold written without a leading zero and at most 12 (a dial) is read on a 12-hour clock."""
    g = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*", gold)
    found = _TIME.findall(text)
    if not g or len(found) != 1:
        return False
    h, m, half = int(found[0][0]), int(found[0][1]), found[0][2].lower()
    if half:
        h = h % 12 + (12 if half == "p" else 0)
    gh, gm = int(g.group(1)), int(g.group(2))
    dial = not g.group(1).startswith("0") and gh <= 12
    return m == gm and (h % 12 == gh % 12 if dial else h == gh)


_YES_NO_HEDGE = re.compile(r"\b(?:yes\W*(?:and|or|/|\?)\W*no|no\W*(?:and|or|/|\?)\W*yes)\b", re.IGNORECASE)


def extract_yesno(output: str) -> str | None:
    """'yes', 'no', or None when the output commits to neither or hedges ("yes and no")."""
    w = words()
    yes, no = set(w["yes_words"]), set(w["no_words"])

    def has(t: str) -> bool:
        return bool(set(normalize(t).split()) & (yes | no))
    span, marked = answer_span(output)
    if not marked:
        span = rd.final_line(span, has, lambda line: has(line) and _short(line))
    span = rd.after_correction(span, has, allow_no=False)
    if _YES_NO_HEDGE.search(span):
        return None
    toks = normalize(span).split()
    if toks and toks[0] in yes:
        return "yes"
    if toks and toks[0] in no:
        return "no"
    has_yes, has_no = bool(set(toks) & yes), bool(set(toks) & no)
    if has_yes != has_no:
        return "yes" if has_yes else "no"
    return None


def _split(span: str, separators: list[str]) -> list[str]:
    parts = [span]
    for sep in separators:
        parts = [p for part in parts for p in part.split(sep)]
    parts = [re.sub(r"^\s*(?:[-*•]|\d+[.)])\s+", "", p) for p in parts]  # bullets, numbering
    return [strip_trailing(p) for p in parts if strip_trailing(p)]


def _list_span(output: str) -> tuple[str, bool]:
    span, marked = answer_span(output)
    return rd.drop_negated(rd.after_correction(span, _nonempty)), marked


def extract_list(output: str) -> list[str]:
    """The items of a list answer, in the order given."""
    span, marked = _list_span(output)
    if not marked and "\n" in span.strip():
        return _split(span, ["\n", ",", ";"])
    return _split(span, words()["list_separators"])


def list_readings(output: str, question: str | None = None) -> list[list[str]]:
    """The list as given, without qualifiers, after the last copula ("The parents are
    Kenji and Maria."), and without the words it repeats from the question."""
    span, _ = _list_span(output)
    seps = words()["list_separators"]
    bare = rd.strip_qualifiers(rd.expand_is(span))
    out = [extract_list(output), _split(bare, seps)]
    out += [_split(t, seps) for t in (copula_tail(span), copula_tail(bare), echo_stripped(bare, question)) if t]
    return [r for k, r in enumerate(out) if r and r not in out[:k]]


def extract_route(output: str) -> list[str]:
    """The stops of a route answer, in order: split on arrows if any, else like a list."""
    span, _ = _list_span(output)
    arrows = words()["route_separators"]
    if any(a in span for a in arrows):
        tail = copula_tail(span) or ""  # "I think it is A -> L -> I": the route starts after "is"
        if sum(tail.count(a) for a in arrows) == sum(span.count(a) for a in arrows):
            span = tail
        return _split(span, arrows)
    return _split(span, words()["list_separators"])


# --- multiple choice ------------------------------------------------------------------------

LETTERS = string.ascii_uppercase


def _letter_index(letter: str, n_options: int) -> int | None:
    i = LETTERS.find(letter.upper())
    return i if 0 <= i < n_options else None


_BARE_LETTER = re.compile(r"^[(\[]?(?:(?:option|choice|panel|figure|letter)\s+)?([A-Za-z])[)\]]?$", re.IGNORECASE)
_LEADING_LETTER = re.compile(r"^[(\[]?([A-Z])(?:[).:,\]]\s*|\s*[).:\]])(?=\S|$)", re.IGNORECASE)
# "B indeed." (a format instruction forced words after the letter); not A or I, which are words
_LEADING_WORD_LETTER = re.compile(r"^([B-HJ-Zb-hj-z])\s+(?=\w)")


@functools.lru_cache(maxsize=None)
def _letter_ref_re() -> re.Pattern:
    nouns = rd._alternation(words()["letter_nouns"])
    return re.compile(
        rf"\(([A-Z])\)|(?i:\b(?:{nouns})\s*[(\[]?)([A-Za-z])\b"
        r"|(?<![\w'’&-])([B-HJ-Z])(?![\w'’&-])"
        r"|(?<![\w'’&-])([AI])(?=[).:,]|\s*$|\s+(?:or|and)\s+[(\[]?[A-Z]\b)")


def _option_pattern(option: Any) -> re.Pattern:
    text = re.escape(str(option).strip()).replace(r"\ ", r"\s+")
    return re.compile(rf"(?<![\w.]){text}(?![\w]|\.\d)", re.IGNORECASE)


_ARROW_NEXT = re.compile(r"^\s*(?:->|→|=>|⟶|-->|, then|then)\s*\w", re.IGNORECASE)
_ARROW_BEFORE = re.compile(r"\w\s*(?:->|→|=>|⟶|-->)\s*$")


def option_refs(text: str, options: list[Any]) -> tuple[list[Candidate], bool]:
    """Where the text names an option, by its text (longest first) or its letter, and whether
    an option's text appears only inside a longer chain of other steps ("A -> X -> B")."""
    n, refs, embedded = len(options), [], False
    masked = text
    if not all(len(str(o).strip()) == 1 for o in options):  # letter options stand for positions
        for i in sorted(range(n), key=lambda i: -len(str(options[i]))):
            for m in _option_pattern(options[i]).finditer(masked):
                if _ARROW_NEXT.match(masked[m.end():]) or _ARROW_BEFORE.search(masked[:m.start()]):
                    embedded = True
                else:
                    refs.append(Candidate(m.start(), m.end(), i, "text"))
                masked = masked[:m.start()] + " " * (m.end() - m.start()) + masked[m.end():]
    for m in _letter_ref_re().finditer(masked):
        i = _letter_index(next(g for g in m.groups() if g), n)
        if i is not None:
            refs.append(Candidate(m.start(), m.end(), i, "bare letter" if m.group(3) or m.group(4) else "letter"))
    return sorted(refs, key=lambda c: c.start), embedded


def contains_phrase(haystack: str, needle: str) -> bool:
    """Whether ``needle`` occurs in ``haystack`` as whole words."""
    return bool(needle) and re.search(rf"(?<![\w]){re.escape(needle)}(?![\w])", haystack) is not None


def _mentioned_option(text: str, options: list[Any]) -> int | None:
    """The one option whose text the output names (by text), unless an option only appears
    inside a longer chain of steps."""
    refs, embedded = option_refs(text, options)
    named = {c.key for c in refs if c.kind == "text"}
    return named.pop() if len(named) == 1 and not embedded else None  # type: ignore[return-value]


def _numeric_option(text: str, options: list[Any]) -> int | None:
    """The option equal to the number the text states, when every option is a number."""
    values = []
    for o in options:
        found = numbers_in(str(o))
        if len(found) != 1 or as_number(str(o)) is None:
            return None
        values.append(found[0][0])
    readings = extract_number(text)
    hits = {i for i, v in enumerate(values) for r in readings if abs(v - r) <= 1e-9 * max(1.0, abs(v))}
    return hits.pop() if len(hits) == 1 else None


def _read_choice(text: str, options: list[Any]) -> int | None:
    n = len(options)
    s = strip_trailing(text)
    m = _BARE_LETTER.match(s) or _LEADING_LETTER.match(s)
    if m and _letter_index(m.group(1), n) is not None:
        return _letter_index(m.group(1), n)
    exact = [i for i, o in enumerate(options) if option_key(o) == option_key(s) or normalize(str(o)) == normalize(s)]
    if len(exact) == 1:
        return exact[0]
    m = _LEADING_WORD_LETTER.match(s)
    if m and _letter_index(m.group(1), n) is not None:
        return _letter_index(m.group(1), n)
    for finder in (_numeric_option, _mentioned_option):
        i = finder(s, options)
        if i is not None:
            return i
    letters = {c.key for c in option_refs(s, options)[0] if c.kind == "letter"}
    return letters.pop() if len(letters) == 1 else None  # type: ignore[return-value]


def extract_choice(output: str, options: list[Any]) -> int | None:
    """The index of the option a model chose, or None when it did not clearly choose one
    (no option, or two offered as alternatives: "B or C")."""
    span, marked = answer_span(output)

    def has(t: str) -> bool:
        return bool(option_refs(t, options)[0]) or _numeric_option(t, options) is not None
    if not marked:
        span = rd.final_line(span, has, lambda line: _read_choice(line, options) is not None and _short(line))
    span = rd.after_correction(span, has)
    if not any(rd.drop_negated(str(o)) != str(o) for o in options):
        span = rd.drop_negated(span)
    span = rd.expand_is(span)
    choice = None
    bare = rd.strip_qualifiers(span)
    for text in (span, copula_tail(span) or "", bare, copula_tail(bare) or ""):
        choice = _read_choice(text, options)
        if choice is not None:
            break
    if choice is None:
        return None
    refs, _ = option_refs(span, options)
    if any(rd.is_hedge(span, refs, c) for c in refs if c.key == choice):
        return None
    return choice


def extract_letter(output: str) -> str | None:
    """The letter an output names when the question names its answers by letter but lists
    no options ("Panel C", "Option D", "(B)")."""
    i = extract_choice(output, list(LETTERS))
    return None if i is None else LETTERS[i]


def as_number(text: str) -> float | None:
    """The value of a text that is one number and nothing else ("1,200", "twelve", "$3.5"), else None."""
    t = words_to_digits(strip_trailing(text))
    m = _number_re().fullmatch(t.strip())
    return _readings(m)[0] if m and _readings(m) else None
