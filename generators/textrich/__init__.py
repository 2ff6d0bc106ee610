"""Text-rich images (posters, book covers, receipts, menus, street signs, slides, forms,
product labels) whose every word's text and box are kept in ``source``.

The layout is part of the spec (questions ask what is written where), so the sampler
places and measures every word and the renderer only draws them; the questions
(title, prices, totals, dates, fields, positions, counts, all text in reading order)
are computed from that ground truth.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np
import yaml

from generators.textrich import documents
from generators.textrich.layout import render_page
from generators.textrich.solvers import FAMILIES
from mmsynth.generator import Generator, Rendered
from mmsynth.rand import randint, uniform
from mmsynth.registry import register


class TextRichDocument(Generator):
    """Base of the text-rich generators: a document sampler, the shared renderer and families."""

    task = "textrich"
    families = FAMILIES
    sampler: Callable[[np.random.Generator], dict]

    def sample_spec(self, rng: np.random.Generator) -> dict:
        return type(self).sampler(rng)

    def sample_style(self, rng: np.random.Generator) -> dict:
        noisy = rng.random() < 0.5
        return {"noise": round(uniform(rng, 2.0, 7.0), 2) if noisy else 0.0, "noise_seed": randint(rng, 0, 2**31 - 1)}

    def render(self, spec: dict, style: dict) -> Rendered:
        return render_page(spec, style)


_KINDS = yaml.safe_load(Path(__file__).with_name("kinds.yaml").read_text())


def _define(name: str, sampler: Callable[[np.random.Generator], dict], doc: str) -> type[TextRichDocument]:
    """Register a document kind with the families kinds.yaml gives it."""
    wanted = set(_KINDS["common"]) | set(_KINDS["kinds"][name])
    cls = type(name.split(".")[1].title().replace("_", ""), (TextRichDocument,),
               {"__doc__": doc, "sampler": staticmethod(sampler), "__module__": __name__,
                "families": [f for f in FAMILIES if f.name in wanted]})
    return register(name)(cls)


Poster = _define("textrich.poster", documents.poster, "Event posters: title (sometimes tilted), date, time, venue.")
BookCover = _define("textrich.book_cover", documents.book_cover, "Book covers: title, subtitle, author, publisher.")
Receipt = _define("textrich.receipt", documents.receipt, "Shop receipts: items with prices, date and printed total.")
Menu = _define("textrich.menu", documents.menu, "Restaurant menus: sections of dishes with prices.")
StreetSign = _define("textrich.street_sign", documents.street_sign,
                     "Signposts: a street name over tilted direction plates with distances.")
Slide = _define("textrich.slide", documents.slide, "Presentation slides: title bar, bullets, presenter, date, number.")
Form = _define("textrich.form", documents.form, "Filled-in forms: labelled fields with values, signed date.")
ProductLabel = _define("textrich.product_label", documents.product_label,
                       "Product labels: brand, name, weight, ingredients, best-before date, price, badge.")
