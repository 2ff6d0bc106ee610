"""Checking a text against the source it was written from: every number, date, time, name
and quoted text it states must be supported by that source.

* **numbers** match a number of the source, or one derived from two of them (a sum, a
  difference, a ratio, a percentage change) or from one line of them (a total, a mean),
  within the rounding the text shows (``4.6`` for 4.64); a hedged number (``about 300``)
  may be rounded to its last non-zero digit. Scale words, percentages and metric units give
  a number more readings (``1.2 million``, ``25%`` = 0.25, ``1.2 km`` = 1200 m);
* **dates and times** match a date or time of the source in any common notation
  (``2016-12-10`` = ``December 10, 2016``; ``13:05`` = ``1:05 PM``);
* **names**: every capitalised word that is not common scaffolding (``Dear``, ``Overall``,
  ``Summary``: ``words.yaml``) must be a word of the source (month abbreviations expanded);
* **quoted text** must be a phrase of the source.

:func:`check` returns every fact it found with whether it is supported; the same call
runs again in ``mmsynth validate``, so a record's stored facts are re-derived, not trusted.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

W = yaml.safe_load(Path(__file__).with_name("words.yaml").read_text())
COMMON = {w.lower() for w in W["common"]}
MONTHS: dict[str, int] = W["months"]
SCALES: dict[str, float] = W["scales"]
UNITS: dict[str, float] = W["units"]
FORMAT_NOUNS = set(W["format_nouns"])
MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
HEDGES = re.compile(r"\b(about|around|roughly|approximately|approx\.?|nearly|almost|some|over|under|close to|"
                    r"just over|just under|more than|less than|up to)\s*$|~\s*$", re.I)
DATE_PATTERNS = [   # (regex, how its groups read as (year, month, day))
    (re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b"), "ymd"),
    (re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b"), "dmy|mdy"),
    (re.compile(rf"\b({MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?\b", re.I), "Mdy"),
    (re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({MONTH_RE})\.?(?:,?\s+(\d{{4}}))?\b", re.I), "dMy"),
    (re.compile(rf"\b({MONTH_RE})\.?\s+(\d{{4}})\b", re.I), "My"),
]
TIME = re.compile(r"\b(\d{1,2})(?::(\d{2})(?::(\d{2}))?(?:\s*([AaPp])\.?[Mm]\b\.?)?|\s*([AaPp])\.?[Mm]\b\.?)")
NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?:\s?(%|[A-Za-z]+\b))?")
QUOTE = re.compile(r"\"([^\"\n]{2,200})\"|“([^”\n]{2,200})”")
WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*")
ORDINAL = {"st", "nd", "rd", "th"}


@dataclass
class Checked:
    """The facts found in a text, each with whether the source supports it."""
    facts: list[dict]

    @property
    def unsupported(self) -> list[dict]:
        return [f for f in self.facts if not f["supported"]]

    def reason(self) -> str | None:
        """``unsupported_number`` etc. for the first unsupported fact; None when all hold."""
        bad = self.unsupported
        return f"unsupported_{bad[0]['type']}" if bad else None


# --- dates and times --------------------------------------------------------------------------
def _dates(text: str) -> tuple[list[tuple[str, set]], str]:
    """The dates in ``text`` as (text, readings of (year, month, day) with None where unsaid),
    and the text with them blanked out."""
    found = []
    for rx, how in DATE_PATTERNS:
        for m in rx.finditer(text):
            g = m.groups()
            if how == "ymd":
                readings = {(int(g[0]), int(g[1]), int(g[2]))}
            elif how == "dmy|mdy":
                readings = {(int(g[2]), int(g[1]), int(g[0])), (int(g[2]), int(g[0]), int(g[1]))}
            elif how == "Mdy":
                readings = {(int(g[2]) if g[2] else None, MONTHS[g[0].lower()], int(g[1]))}
            elif how == "dMy":
                readings = {(int(g[2]) if g[2] else None, MONTHS[g[1].lower()], int(g[0]))}
            else:
                readings = {(int(g[1]), MONTHS[g[0].lower()], None)}
            found.append((m.group(0), readings))
            text = text[:m.start()] + " " * len(m.group(0)) + text[m.end():]
    return found, text


def _times(text: str) -> tuple[list[tuple[str, set]], str]:
    found = []
    for m in TIME.finditer(text):
        h, mi, ap = int(m.group(1)), int(m.group(2) or 0), m.group(4) or m.group(5)
        if ap:
            readings = {((h % 12) + (12 if ap.lower() == "p" else 0)) * 60 + mi}
        else:
            readings = {h * 60 + mi, (h % 12) * 60 + mi, ((h % 12) + 12) * 60 + mi}
        found.append((m.group(0).strip(), readings))
    return found, TIME.sub(lambda m: " " * len(m.group(0)), text)


def _date_supported(readings: set, source: list[set]) -> bool:
    """A date is supported by a source date of the same month whose year and day agree
    wherever the text gives them."""
    known = set().union(*source) if source else set()
    return any(a[1] == s[1] and a[0] in (None, s[0]) and a[2] in (None, s[2]) for a in readings for s in known)


# --- numbers ----------------------------------------------------------------------------------
@dataclass
class Num:
    text: str
    readings: list[tuple[float, float]]   # (value, tolerance)
    base: float                           # the value as written, scale applied
    relative: bool = False                # said as a percentage or a multiple
    noun: str = ""                        # the word after it, singular ("cities" -> "city"), or "%"


def singular(word: str) -> str:
    w = word.lower()
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    return w[:-1] if w.endswith("s") and not w.endswith("ss") and len(w) > 2 else w


def _numbers(text: str, hedging: bool = True) -> list[Num]:
    out = []
    for m in NUMBER.finditer(text):
        raw, suffix = m.group(1), (m.group(2) or "")
        if suffix.lower() in ORDINAL:
            continue
        line_start = text.rfind("\n", 0, m.start()) + 1
        if re.fullmatch(r"\s*[-*#>]*\s*", text[line_start:m.start()]) and re.match(r"[.)]", text[m.end(1):m.end(1) + 1]):
            continue                                                   # "1." / "2)" list numbering
        before = re.findall(r"[A-Za-z]+", text[max(0, m.start() - 12):m.start()])
        if before and before[-1].lower() in FORMAT_NOUNS | {"question", "step", "tip", "option", "day", "part"}:
            continue                                                   # "Question 2", "Step 3"
        value = float(raw.replace(",", ""))
        decimals = len(raw.split(".")[1]) if "." in raw else 0
        tol = 0.5 * 10 ** -decimals
        if hedging and HEDGES.search(text[max(0, m.start() - 16):m.start()]):
            digits = raw.replace(",", "").split(".")[0]
            zeros = len(digits) - len(digits.rstrip("0")) if decimals == 0 and value else 0
            tol = max(tol, 0.5 * 10 ** zeros)
        s = suffix.lower()
        readings = [(value, tol)]
        base = value
        if s in SCALES:
            readings.append((value * SCALES[s], tol * SCALES[s]))
            base = value * SCALES[s]
        if s == "%":
            readings.append((value / 100, tol / 100))
        if s in UNITS:
            readings.append((value * UNITS[s], tol * UNITS[s]))
        after = text[m.end():m.end() + 12].lower()
        relative = s in ("%", "percent", "times", "x", "fold") or after.lstrip().startswith(("percent", "times"))
        out.append(Num(m.group(0).strip(), readings, base, relative, singular(suffix)))
    return out


def _derived(lines: list[list[float]]) -> tuple[np.ndarray, np.ndarray]:
    """What the source lets a text say, as two sorted arrays: plain values (every number, the
    total and mean of a line's numbers, the sum and difference of two numbers of one line, the
    difference of any two) and relative ones, for numbers said as a percentage or a multiple
    (ratios, shares and percentage changes of any two numbers)."""
    values = sorted({v for line in lines for v in line})
    plain, relative = set(values), set()
    for line in lines:
        if len(line) > 1:
            plain |= {sum(line), sum(line) / len(line)}
            plain |= {a + b for a, b in itertools.combinations(line, 2)}
            relative |= {100 * v / sum(line) for v in line if sum(line)}
    base = [v for v in values if v != 0][:200]
    for a, b in itertools.permutations(base, 2):
        plain.add(abs(a - b))
        relative |= {a / b, 100 * a / b, abs(100 * (a - b) / b)}
    return np.array(sorted(plain)), np.array(sorted(relative | plain))


def _counted(lines: list[list[Num]]) -> dict[str, np.ndarray]:
    """Per noun that follows numbers in the source ("5 cities", "300 mm", "47%"), the values
    a text may give with that noun: those numbers, the sum and difference of two of them, and
    the total and mean of one line's."""
    groups: dict[str, set[float]] = {}
    for line in lines:
        per: dict[str, list[float]] = {}
        for n in line:
            if n.noun and not n.noun[0].isdigit():
                per.setdefault(n.noun, []).append(n.base)
        for noun, vals in per.items():
            g = groups.setdefault(noun, set())
            g |= set(vals)
            if len(vals) > 1:
                g |= {sum(vals), sum(vals) / len(vals)}
    out = {}
    for noun, g in groups.items():
        vals = sorted(g)
        derived = g | {f(a, b) for a, b in itertools.combinations(vals, 2) for f in (lambda a, b: a + b, lambda a, b: b - a)}
        out[noun] = np.array(sorted(derived))
    return out


def _within(n: Num, source: np.ndarray) -> bool:
    for v, tol in n.readings:
        lo, hi = v - tol - 1e-9 - 0.001 * abs(v), v + tol + 1e-9 + 0.001 * abs(v)
        i = np.searchsorted(source, lo)
        if i < len(source) and source[i] <= hi:
            return True
    return False


def _number_supported(n: Num, src: "Source") -> bool:
    """A number said with a noun the source counts ("22 columns") must agree with the
    source's numbers of that noun; others with any number or what derives from them."""
    if n.noun in src.counted:
        return _within(n, src.counted[n.noun]) or n.relative and _within(n, src.relative)
    return _within(n, src.relative if n.relative else src.numbers)


# --- the source -------------------------------------------------------------------------------
@dataclass
class Source:
    """What a text may state: the source's numbers (and what derives from them), dates,
    times, words and text."""
    numbers: np.ndarray
    relative: np.ndarray
    counted: dict[str, np.ndarray]
    dates: list[set]
    times: set
    words: set
    text: str


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.lower().replace("’", "'")).strip(" .,;:!?")


@lru_cache(maxsize=256)
def source_of(text: str) -> Source:
    dates, rest = _dates(text)
    times, rest = _times(rest)
    nums = [_numbers(line, hedging=False) for line in rest.splitlines()]
    lines = [[r[0] for n in line for r in n.readings] for line in nums]
    words = {w.lower().strip("'’-") for w in WORD.findall(text)}
    words |= {full for full, _ in MONTHS.items() for ab in list(words) if ab in MONTHS and MONTHS[ab] == MONTHS[full]}
    for _, readings in dates:
        words |= {name for name, m in MONTHS.items() for r in readings if r[1] == m}
    return Source(*_derived(lines), _counted(nums), [r for _, r in dates], set().union(*[r for _, r in times]) if times else set(),
                  words, _norm(text))


# --- the text ---------------------------------------------------------------------------------
def _names(text: str) -> list[str]:
    """Capitalised words that may name something: not common scaffolding, not placeholders."""
    text = re.sub(r"\[[^\]]*\]|\{[^}]*\}|<[^>]*>|https?://\S+|#\w+", " ", text)
    out = []
    for sentence in re.split(r"(?<=[.!?:;])\s+|\n+", text):
        words = WORD.findall(sentence)
        for k, w in enumerate(words):
            w = re.sub(r"['’]s$", "", w).strip("'’-")
            if not w or not w[0].isupper() or w.lower() in COMMON:
                continue
            if k == 0 and (w.lower().endswith(("ly", "ing", "ed")) or len(w) <= 2):
                continue                                                # an opener: "Interestingly"
            for part in w.split("-"):
                if part and part.lower() not in COMMON and part not in out:
                    out.append(part)
    return out


def check(text: str, source_text: str, small_numbers_ok: bool = False) -> Checked:
    """Every fact ``text`` states, each marked supported or not by ``source_text``.
    ``small_numbers_ok`` lets numbers up to 10 and format requests ("in 3 sentences") pass,
    as an instruction may say how long an answer should be."""
    src = source_of(source_text)
    facts: list[dict] = []
    quotes = [q1 or q2 for q1, q2 in QUOTE.findall(text)]
    for q in quotes:
        facts.append({"type": "quote", "text": q, "supported": _norm(q) in src.text})
    dates, rest = _dates(text)
    for t, readings in dates:
        facts.append({"type": "date", "text": t, "supported": _date_supported(readings, src.dates)})
    times, rest = _times(rest)
    for t, readings in times:
        facts.append({"type": "time", "text": t, "supported": bool(readings & src.times)})
    for n in _numbers(rest):
        if small_numbers_ok and (n.base <= 10 or n.noun in FORMAT_NOUNS | {singular(w) for w in FORMAT_NOUNS}):
            continue
        facts.append({"type": "number", "text": n.text, "supported": _number_supported(n, src)})
    for w in _names(rest):
        facts.append({"type": "name", "text": w, "supported": w.lower() in src.words})
    return Checked(facts)
