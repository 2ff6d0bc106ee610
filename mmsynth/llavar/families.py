"""Question families over an OCR result: "read the text" and grounded questions.

The source of an OCR record holds the image's size and its OCR words and lines (reading
order); every solver here reads only that, so ``mmsynth validate`` re-derives each
answer from the stored OCR and a record's answers are traceable to OCR words.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from mmsynth.errors import NotApplicable
from mmsynth.ocr import OcrResult, line_below, lone_regions
from mmsynth.questions import Solution, Solvers, load_families
from mmsynth.rand import pick

Q = Solvers()
TITLE_RATIO = 1.1  # the title line must be this much taller than any other (OCR boxes jitter by ~2 px)
MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|December|"
          "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec")
PATTERNS = {
    "date": re.compile(rf"\b(?:\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{2,4}}|"
                       rf"(?:{MONTHS})\.? \d{{1,2}},? \d{{4}}|\d{{1,2}} (?:{MONTHS})\.? \d{{4}})\b"),
    "price": re.compile(r"(?<![\w.])[$€£]\s?\d+(?:[.,]\d{2})?(?![\w])"),
    "time": re.compile(r"\b\d{1,2}:\d{2}(?:\s?[AaPp]\.?[Mm]\.?)?(?!\d)"),
    "phone number": re.compile(r"(?<!\d)(?:\+?\d{1,3}[ -])?(?:\(\d{2,4}\)[ -]?|\d{2,4}[ -])\d{3}[ -]\d{3,4}(?!\d)"),
}
PRICE_WORD = re.compile(r"^[$€£]?\d+[.,]\d{2}$|^[$€£]\d+$")


def source_from_ocr(result: OcrResult, image: str, min_confidence: float) -> dict:
    """The source of an OCR record: size, words (text, box, confidence) and lines (reading order)."""
    words = [{"text": w.text, "box": [round(v, 1) for v in w.box], "confidence": round(w.confidence, 4)}
             for w in result.words]
    index = {id(w): i for i, w in enumerate(result.words)}
    lines = [{"text": ln.text, "box": [round(v, 1) for v in ln.box], "row": ln.row,
              "words": [index[id(w)] for w in ln.words]} for ln in result.lines]
    return {"image": image, "sha256": result.sha256, "width": result.width, "height": result.height,
            "engine": result.engine, "min_confidence": min_confidence, "words": words, "lines": lines}


def _texts(src: dict) -> list[str]:
    return [ln["text"] for ln in src["lines"]]


def _others(src: dict, answer: str) -> list[str]:
    return [t for t in _texts(src) if t != answer][:5]


@Q.solve("ocr.read_text")
def _read_text(src: dict) -> Solution:
    if not src["lines"]:
        raise NotApplicable("no text")
    return Solution("\n".join(_texts(src)))


@Q.solve("ocr.title")
def _title(src: dict) -> Solution:
    lines = src["lines"]
    if len(lines) < 2:
        raise NotApplicable("one line is no title")
    heights = [ln["box"][3] - ln["box"][1] for ln in lines]
    order = sorted(range(len(lines)), key=lambda i: -heights[i])
    if heights[order[0]] < TITLE_RATIO * heights[order[1]]:
        raise NotApplicable("no line stands out")
    answer = lines[order[0]]["text"]
    return Solution(answer, rationale=f"\"{answer}\" is the tallest line ({heights[order[0]]:.0f} px; "
                    f"next {heights[order[1]]:.0f} px).", distractors=_others(src, answer))


def _unique_lines(src: dict) -> list[int]:
    texts = _texts(src)
    return [i for i, t in enumerate(texts) if texts.count(t) == 1]


@Q.bind("ocr.text_at")
def bind_text_at(src: dict, rng: np.random.Generator) -> dict:
    """A 3x3 region holding a single line (shared with ``textrich.text_at``: any source with
    ``width``, ``height`` and ``lines`` of ``text`` and ``box`` will do)."""
    alone = lone_regions([ln["box"] for ln in src["lines"]], src["width"], src["height"])
    if not alone:
        raise NotApplicable("no region holds a single line")
    return {"region": pick(rng, sorted(alone))}


@Q.solve("ocr.text_at")
def solve_text_at(src: dict, region: str) -> Solution:
    i = lone_regions([ln["box"] for ln in src["lines"]], src["width"], src["height"]).get(region)
    if i is None:
        raise NotApplicable(f"the {region} does not hold exactly one line")
    answer = src["lines"][i]["text"]
    return Solution(answer, rationale=f"The only text whose centre lies in the {region} is \"{answer}\".",
                    distractors=_others(src, answer))


def _below(src: dict, i: int) -> int | None:
    return line_below([ln["box"] for ln in src["lines"]], i)


@Q.bind("ocr.text_below")
def bind_text_below(src: dict, rng: np.random.Generator) -> dict:
    """A line with a single line right under it (shared with ``textrich.text_below``)."""
    anchors = [i for i in _unique_lines(src) if _below(src, i) is not None]
    if not anchors:
        raise NotApplicable("no line with a single line below")
    return {"anchor": src["lines"][pick(rng, anchors)]["text"]}


@Q.solve("ocr.text_below")
def solve_text_below(src: dict, anchor: str) -> Solution:
    texts = _texts(src)
    if texts.count(anchor) != 1:
        raise NotApplicable("anchor not unique")
    j = _below(src, texts.index(anchor))
    if j is None:
        raise NotApplicable("no single line below")
    return Solution(texts[j], distractors=_others(src, texts[j]))


def _end_line(src: dict, k: int) -> Solution:
    if len(src["lines"]) < 2:
        raise NotApplicable("a single line has no first or last")
    answer = src["lines"][k]["text"]
    return Solution(answer, distractors=_others(src, answer))


Q.solve("ocr.first_line")(lambda src: _end_line(src, 0))
Q.solve("ocr.last_line")(lambda src: _end_line(src, -1))


@Q.solve("ocr.count_lines")
def _count_lines(src: dict) -> Solution:
    n = len(src["lines"])
    if n < 2:
        raise NotApplicable("one line")
    return Solution(n, distractors=[n - 1, n + 1, n + 2])


def _matches(src: dict, kind: str) -> list[str]:
    return [m.group(0) for t in _texts(src) for m in PATTERNS[kind].finditer(t)]


@Q.bind("ocr.number")
def _bind_number(src: dict, rng: np.random.Generator) -> dict:
    kinds = [k for k in PATTERNS if len(_matches(src, k)) == 1]
    if not kinds:
        raise NotApplicable("no date, price, time or phone number appears exactly once")
    return {"kind": pick(rng, kinds)}


@Q.solve("ocr.number")
def _number(src: dict, kind: str) -> Solution:
    hits = _matches(src, kind)
    if len(hits) != 1:
        raise NotApplicable(f"{len(hits)} matches for {kind}")
    return Solution(hits[0], rationale=f"The only {kind} in the text is {hits[0]}.")


def priced_items(src: dict) -> dict[str, str]:
    """Item name -> price text: a line ending in a price, or a price alone right of a line in its row."""
    out: dict[str, str] = {}
    lines = src["lines"]
    for i, ln in enumerate(lines):
        words = ln["text"].split()
        if len(words) >= 2 and PRICE_WORD.match(words[-1]) and re.search(r"[A-Za-z]{2}", " ".join(words[:-1])):
            out.setdefault(" ".join(words[:-1]), words[-1])
        elif len(words) == 1 and PRICE_WORD.match(words[0]) and i > 0 and lines[i - 1]["row"] == ln["row"]:
            name = lines[i - 1]["text"]
            if re.search(r"[A-Za-z]{2}", name) and not PRICE_WORD.match(name.split()[-1]):
                out.setdefault(name, words[0])
    return out


@Q.bind("ocr.price_of")
def _bind_price(src: dict, rng: np.random.Generator) -> dict:
    items = priced_items(src)
    if not items:
        raise NotApplicable("no item with a price")
    return {"name": pick(rng, sorted(items))}


@Q.solve("ocr.price_of")
def _price_of(src: dict, name: str) -> Solution:
    items = priced_items(src)
    if name not in items:
        raise NotApplicable(f"no price for {name}")
    return Solution(items[name], distractors=[p for n, p in sorted(items.items()) if n != name][:3])


_ALL = load_families(Path(__file__).with_name("questions.yaml"), Q)
READ_TEXT = [f for f in _ALL if f.name == "ocr.read_text"]
GROUNDED = [f for f in _ALL if f.name != "ocr.read_text"]
