"""Decontamination against the public benchmarks a model will be scored on.

``--exclude-benchmark FORMAT:PATH`` reads a benchmark as it ships (its question file and its
image folder) and drops from the corpus every record whose image is a near-duplicate of a
benchmark image (:mod:`mmsynth.curation.near_images`) and every question that shares a word
n-gram with a benchmark question. The n-gram rule follows GPT-3's decontamination (13-grams
of normalised words); a benchmark question shorter than ``n`` words counts only when all of
it appears in a corpus question, and one shorter than ``MIN_WORDS`` only when the two are
the same question.

Formats, each with its usual layout (``--image-root`` overrides where images are):

========  ==================================================  ===========================
format    question file                                       images
========  ==================================================  ===========================
chartqa   ``test_human.json``: ``[{imgname, query, label}]``  ``png/`` beside the file
docvqa    ``val_v1.0.json``: ``{data: [{question, image}]}``   ``image`` relative to file
textvqa   ``TextVQA_0.5.1_val.json``: ``{data: [{question,    ``train_images/<id>.jpg``
          image_id}]}``
jsonl     one ``{question, image}`` per line                  ``image`` relative to file
========  ==================================================  ===========================
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from PIL import UnidentifiedImageError
from tqdm import tqdm

from mmsynth.curation.near_images import DEFAULT_THRESHOLD, NearImageIndex, phash
from mmsynth.curation.text import ngrams, words
from mmsynth.errors import UserError
from mmsynth.io import read_json, read_jsonl

DEFAULT_NGRAM = 13
MIN_WORDS = 8
FORMATS = ("chartqa", "docvqa", "textvqa", "jsonl")


def _chartqa(path: Path, root: Path | None) -> Iterator[tuple[str, Path | None]]:
    items = read_json(path)
    if not isinstance(items, list):
        raise UserError(f"{path}: a ChartQA file is a JSON list of {{imgname, query, label}}")
    for i, it in enumerate(items):
        yield _field(path, i, it, "query"), (root or path.parent / "png") / _field(path, i, it, "imgname")


def _vqa_data(path: Path) -> list:
    doc = read_json(path)
    if not isinstance(doc, dict) or not isinstance(doc.get("data"), list):
        raise UserError(f"{path}: expected a JSON object with a 'data' list")
    return doc["data"]


def _docvqa(path: Path, root: Path | None) -> Iterator[tuple[str, Path | None]]:
    for i, it in enumerate(_vqa_data(path)):
        yield _field(path, i, it, "question"), (root or path.parent) / _field(path, i, it, "image")


def _textvqa(path: Path, root: Path | None) -> Iterator[tuple[str, Path | None]]:
    for i, it in enumerate(_vqa_data(path)):
        image = f"{_field(path, i, it, 'image_id')}.jpg"
        yield _field(path, i, it, "question"), (root or path.parent / "train_images") / image


def _jsonl(path: Path, root: Path | None) -> Iterator[tuple[str, Path | None]]:
    for line, it in read_jsonl(path):
        image = it.get("image") if isinstance(it, dict) else None
        yield _field(path, line - 1, it, "question"), (root or path.parent) / image if isinstance(image, str) else None


READERS = {"chartqa": _chartqa, "docvqa": _docvqa, "textvqa": _textvqa, "jsonl": _jsonl}


def _field(path: Path, i: int, item: object, name: str) -> str:
    value = item.get(name) if isinstance(item, dict) else None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise UserError(f"{path}: item {i + 1} has no text field {name!r}")
    return value


def parse_spec(spec: str) -> tuple[str, Path]:
    """``FORMAT:PATH`` as given to ``--exclude-benchmark``."""
    fmt, sep, path = spec.partition(":")
    if not sep or fmt not in FORMATS:
        raise UserError(f"--exclude-benchmark {spec!r}: write FORMAT:PATH with FORMAT one of {', '.join(FORMATS)}")
    if not Path(path).is_file():
        raise UserError(f"--exclude-benchmark {spec!r}: {path} is not a file")
    return fmt, Path(path)


@dataclass
class PublicBenchmark:
    """One benchmark's image hashes and question n-grams."""
    name: str
    images: NearImageIndex
    ngram: int = DEFAULT_NGRAM
    long: set[tuple[str, ...]] = field(default_factory=set)       # n-grams of questions of n+ words
    short: dict[int, set[tuple[str, ...]]] = field(default_factory=dict)   # whole short questions by length
    exact: set[tuple[str, ...]] = field(default_factory=set)      # questions under MIN_WORDS
    figures: dict = field(default_factory=dict)

    def add_question(self, text: str) -> None:
        toks = words(text)
        if len(toks) < MIN_WORDS:
            self.exact.add(tuple(toks))
        elif len(toks) < self.ngram:
            self.short.setdefault(len(toks), set()).add(tuple(toks))
        else:
            self.long |= ngrams(toks, self.ngram)

    def question_overlaps(self, text: str) -> bool:
        toks = words(text)
        if tuple(toks) in self.exact:
            return True
        if any(ngrams(toks, n) & seen for n, seen in self.short.items() if n <= len(toks)):
            return True
        return len(toks) >= self.ngram and bool(ngrams(toks, self.ngram) & self.long)

    def image_matches(self, h: int) -> bool:
        return self.images.nearest(h) is not None


def load_benchmark(spec: str, image_root: str | None = None, ngram: int = DEFAULT_NGRAM,
                   threshold: int = DEFAULT_THRESHOLD, progress: bool = True) -> PublicBenchmark:
    """Read a public benchmark; images that are missing or unreadable are counted, not fatal
    (its questions still decontaminate)."""
    fmt, path = parse_spec(spec)
    bench = PublicBenchmark(f"{fmt}:{path.stem}", NearImageIndex(threshold), ngram)
    hashed: dict[Path, int] = {}
    missing: set[Path] = set()
    n = 0
    for question, image in tqdm(READERS[fmt](path, Path(image_root) if image_root else None),
                                desc=f"reading {fmt}", unit="q", disable=not progress, leave=False):
        n += 1
        bench.add_question(question)
        if image is None or image in hashed or image in missing:
            continue
        try:
            hashed[image] = phash(image)
            bench.images.add(hashed[image], str(image))
        except (OSError, UnidentifiedImageError, ValueError):
            missing.add(image)
    bench.figures = {"questions": n, "images": len(hashed), "images_unreadable": len(missing)}
    return bench
