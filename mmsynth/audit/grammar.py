"""English problems a rule can see in a question: the wrong indefinite article, a plural
after a count of one, a placeholder left unfilled, a doubled word, an article before a
plural noun ("a greater orders"), a month after "at" ("at Mar")."""
from __future__ import annotations

import re

import inflect

_INFLECT = inflect.engine()
# "a"/"an" in a sentence, or "A"/"An" opening one (elsewhere "A" is a name: "from A to B")
_ARTICLE = re.compile(r"(?:(?<=^)|(?<=[.?!] ))(An?) ([A-Za-z][\w-]*)|\b(an?) ([A-Za-z][\w-]*)")
# a count of one before a noun; not "which one comes", "Image 1 lacks"
_ONE = re.compile(r"(?<![\d.,])(?<!which )(?<!Which )(?<!the )(?<!each )(?<!this )(?<!that )(?<!any )"
                  r"(?<![A-Z][a-z] )(?<![A-Z][a-z][a-z] )(?<![A-Z][a-z]{3} )(?<![A-Z][a-z]{4} )"
                  r"\b(1|one|One) ([a-z]+)\b(?![.,]\d)")
_PLACEHOLDER = re.compile(r"\{[^}]*\}|<@?[a-z_|]+>|\[\[|\]\]")
_DOUBLED = re.compile(r"\b([A-Za-z]+) \1\b", re.IGNORECASE)
_AT_MONTH = re.compile(r"(?<![Ll]ooking )\bat (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|January|February|March|"
                       r"April|June|July|August|September|October|November|December)\b")
_COMPARATIVE_PLURAL = re.compile(r"\b(a|an) (greater|smaller|higher|lower|larger|bigger) ([a-z]+s)\b")
# words inflect takes for plurals that are not (or are fine after "one")
_NOT_PLURAL = {"is", "was", "has", "does", "plus", "minus", "bus", "gas", "its", "this", "his", "less", "across",
               "thus", "always", "lens", "news", "series", "species", "means", "status", "bonus", "campus", "focus",
               "canvas", "iris", "chassis", "axis", "analysis", "press", "process", "class", "glass", "grass",
               "address", "business", "boss", "loss", "cross", "pass", "miss", "dress", "chess", "access", "yes"}
_LETTER_SOUNDS_VOWEL = set("AEFHILMNORSX")


def _article_wrong(article: str, word: str) -> bool:
    if len(word) == 1:  # a letter read by its name: "an A", "a B", "an F"
        want = "an" if word.upper() in _LETTER_SOUNDS_VOWEL else "a"
        return article.lower() != want
    if word.isupper() or any(c.isdigit() for c in word):  # abbreviations and codes: leave be
        return False
    want = _INFLECT.a(word).split()[0]
    return article.lower() != want.lower()


def problems(question: str) -> list[str]:
    """The grammar problems found in one question (empty when none is seen)."""
    out = []
    for m in _ARTICLE.finditer(question):
        article, word = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        if _article_wrong(article, word):
            out.append(f"article: '{m.group(0)}'")
    for m in _ONE.finditer(question):
        word = m.group(2)
        if word in _NOT_PLURAL or not word.endswith("s"):
            continue
        single = _INFLECT.singular_noun(word)
        if single and single != word and _INFLECT.plural_noun(single) == word:
            out.append(f"plural after one: '{m.group(0)}'")
    if _PLACEHOLDER.search(question):
        out.append(f"unfilled placeholder: '{_PLACEHOLDER.search(question).group(0)}'")
    for m in _DOUBLED.finditer(question):
        out.append(f"doubled word: '{m.group(0)}'")
    for m in _COMPARATIVE_PLURAL.finditer(question):
        out.append(f"article before a plural: '{m.group(0)}'")
    for m in _AT_MONTH.finditer(question):
        out.append(f"'at' before a month: '{m.group(0)}'")
    return out
