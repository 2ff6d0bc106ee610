"""Text-rich images (posters, book covers, receipts, menus, street signs, slides, forms,
product labels) whose every word's text and box are kept in ``source``; each kind also
as a photo (``textrich.photo_*``): the document warped into a camera picture, its boxes
moved with it (``photo.py``).

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
from generators.textrich.photo import render_photo, sample_photo_spec, sample_photo_style
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


class PhotoDocument(TextRichDocument):
    """Base of the photo kinds: the document's sampler placed into a camera picture on one of
    the kind's surfaces; the generator option ``degradation`` (0 = clean) fixes the defects."""

    surfaces: tuple[str, ...] = ()

    def sample_spec(self, rng: np.random.Generator) -> dict:
        return sample_photo_spec(rng, type(self).sampler)

    def sample_style(self, rng: np.random.Generator) -> dict:
        return sample_photo_style(rng, type(self).surfaces, self.options.get("degradation"))

    def render(self, spec: dict, style: dict) -> Rendered:
        return render_photo(spec, style)


def _define(name: str, sampler: Callable[[np.random.Generator], dict], doc: str,
            surfaces: tuple[str, ...]) -> type[TextRichDocument]:
    """Register a document kind, and its photo kind, with the families kinds.yaml gives it."""
    wanted = set(_KINDS["common"]) | set(_KINDS["kinds"][name])
    families = [f for f in FAMILIES if f.name in wanted]
    kind = name.split(".")[1]
    cls = type(kind.title().replace("_", ""), (TextRichDocument,),
               {"__doc__": doc, "sampler": staticmethod(sampler), "__module__": __name__, "families": families})
    photo = type("Photo" + cls.__name__, (PhotoDocument,),
                 {"__doc__": f"Photos of {doc[:1].lower()}{doc[1:]}", "sampler": staticmethod(sampler),
                  "__module__": __name__, "families": families, "surfaces": surfaces})
    register(f"textrich.photo_{kind}")(photo)
    return register(name)(cls)


Poster = _define("textrich.poster", documents.poster, "Event posters: title (sometimes tilted), date, time, venue.",
                 ("wall",))
BookCover = _define("textrich.book_cover", documents.book_cover, "Book covers: title, subtitle, author, publisher.",
                    ("wood", "desk"))
Receipt = _define("textrich.receipt", documents.receipt, "Shop receipts: items with prices, date and printed total.",
                  ("wood", "desk"))
Menu = _define("textrich.menu", documents.menu, "Restaurant menus: sections of dishes with prices.", ("wood", "desk"))
StreetSign = _define("textrich.street_sign", documents.street_sign,
                     "Signposts: a street name over tilted direction plates with distances.", ("street", "wall"))
Slide = _define("textrich.slide", documents.slide, "Presentation slides: title bar, bullets, presenter, date, number.",
                ("wall",))
Form = _define("textrich.form", documents.form, "Filled-in forms: labelled fields with values, signed date.",
               ("desk", "wood"))
ProductLabel = _define("textrich.product_label", documents.product_label,
                       "Product labels: brand, name, weight, ingredients, best-before date, price, badge.",
                       ("desk", "wood"))
