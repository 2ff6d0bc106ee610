"""Small content helpers shared by the document samplers: vocabulary, themes, dates, money."""
from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import yaml

from mmsynth.draw import luminance
from mmsynth.rand import pick, randint

FAMILIES = ("sans", "serif", "mono", "stix")
PROVISIONAL_HEIGHT = 4000  # pages grow downwards while laid out, then are cut to their content


@functools.lru_cache(maxsize=None)
def vocab() -> dict:
    return yaml.safe_load(Path(__file__).with_name("vocab.yaml").read_text())


def theme(rng: np.random.Generator, light: bool | None = None) -> dict:
    """A colour theme; ``light`` restricts it to light (paper) or dark backgrounds."""
    themes = vocab()["themes"]
    if light is not None:
        themes = [t for t in themes if (luminance(tuple(t["background"])) > 0.6) == light]
    t = pick(rng, themes)
    return {k: tuple(v) for k, v in t.items()}


def background(rng: np.random.Generator, th: dict, gradient_share: float = 0.4) -> dict:
    """A solid background, or a gentle vertical gradient that keeps the text readable."""
    c = th["background"]
    if rng.random() < gradient_share:
        d = randint(rng, 12, 30) * (1 if luminance(c) < 0.5 else -1)
        end = [int(np.clip(v + d, 0, 255)) for v in c]
        return {"type": "gradient", "colors": [list(c), end]}
    return {"type": "solid", "colors": [list(c)]}


def bold(family: str) -> str:
    return f"{family}-bold"


DOCUMENT_YEARS = (2015, 2026)   # receipts, posters, signatures: recent
BIRTH_YEARS = (1940, 2006)      # every birth date lies years before any document date


def date_text(rng: np.random.Generator, years: tuple[int, int] = DOCUMENT_YEARS) -> str:
    """A date in one of several common printed formats, its year in ``years``."""
    y, m, d = randint(rng, *years), randint(rng, 1, 12), randint(rng, 1, 28)
    fmt = pick(rng, vocab()["date_formats"])
    month = vocab()["months"][m - 1]
    return {"iso": f"{y}-{m:02d}-{d:02d}", "dmy_slash": f"{d:02d}/{m:02d}/{y}", "mdy_long": f"{month} {d}, {y}",
            "dmy_short": f"{d} {month[:3]} {y}", "dmy_dot": f"{d:02d}.{m:02d}.{y}"}[fmt]


def price(rng: np.random.Generator, lo: float, hi: float, cents: bool = True) -> float:
    """A price in ``[lo, hi]``: whole cents, or whole units/halves/.95 for menus."""
    if cents:
        return round(float(rng.integers(int(lo * 100), int(hi * 100) + 1)) / 100, 2)
    return float(randint(rng, int(lo), int(hi))) + float(pick(rng, [0.0, 0.0, 0.5, 0.95]))


def money(value: float, currency: str, cents: bool = True) -> str:
    """How a price is printed: ``$3.50``; menus may print whole units bare (``12``)."""
    if not cents and float(value).is_integer():
        return f"{currency}{int(value)}"
    return f"{currency}{value:.2f}"


def person(rng: np.random.Generator) -> str:
    v = vocab()
    return f"{pick(rng, v['first_names'])} {pick(rng, v['last_names'])}"
