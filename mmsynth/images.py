"""The one way to reach an image a record names: inside its corpus, a regular file, an image.

A corpus may come from someone else, so a record's image path is never trusted: a symlink
inside the corpus that leads to ``/etc/passwd``, a FIFO that would block every reader, a
zero-byte or text file saved as ``.png`` are all refused here, before any command reads,
copies or links the file. Every reader of corpus images (validate, export, curate, evolve,
bench, train) goes through :func:`corpus_image`.
"""
from __future__ import annotations

import stat
import warnings
from pathlib import Path, PurePosixPath

from PIL import Image, ImageFile

from mmsynth.errors import UserError
from mmsynth.io import inside


class BadImage(UserError):
    """An image a record names cannot be used; ``missing`` tells a missing file from a bad one."""

    def __init__(self, message: str, missing: bool = False):
        super().__init__(message)
        self.missing = missing


def corpus_image(root: str | Path, rel: str, size: tuple[int, int] | None = None, deep: bool = False) -> Path:
    """The real path of image ``rel`` of the corpus at ``root``, once it is known to be a regular
    file inside the corpus whose header decodes as an image (of ``size`` when given, as
    ``(width, height)``); ``deep`` decodes every pixel too. Raises :class:`BadImage` otherwise."""
    root = Path(root)
    pure = PurePosixPath(rel) if isinstance(rel, str) else None
    if pure is None or not rel or pure.is_absolute() or ".." in pure.parts:
        raise BadImage(f"image {rel!r} is not a relative path inside the corpus")
    path = root / rel
    if not path.exists() and not path.is_symlink():
        raise BadImage(f"missing image {rel}", missing=True)
    real = inside(root, path)
    if real is None:
        raise BadImage(f"image {rel} leads outside the corpus (a symlink); it is not read")
    try:
        mode = real.stat().st_mode
    except OSError:
        raise BadImage(f"missing image {rel} (a dangling symlink)", missing=True) from None
    if not stat.S_ISREG(mode):
        raise BadImage(f"image {rel} is not a regular file")
    found = image_size(real, deep)
    if found is None:
        raise BadImage(f"image {rel} does not decode as an image")
    if size is not None and tuple(size) != found:
        raise BadImage(f"image {rel} is {found[0]}x{found[1]}, the record says {size[0]}x{size[1]}")
    return real


def image_size(path: Path, deep: bool = False) -> tuple[int, int] | None:
    """``(width, height)`` from the file's header (every pixel decoded with ``deep``), or None
    when it is not an image PIL can read (empty, text, truncated with ``deep``, a decompression bomb)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as im:
                if deep:   # lmms-eval turns truncated loading on for the whole process on import
                    truncated, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
                    try:
                        im.load()
                    finally:
                        ImageFile.LOAD_TRUNCATED_IMAGES = truncated
                w, h = im.size
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombWarning,
            Image.DecompressionBombError):
        return None
    return (w, h) if w > 0 and h > 0 else None


def recorded_sizes(rec: dict) -> list[tuple[int, int] | None]:
    """The size each of a record's images was written at (``meta.image_sizes``), None where not recorded."""
    sizes = rec.get("meta", {}).get("image_sizes") if isinstance(rec.get("meta"), dict) else None
    ok = isinstance(sizes, list) and len(sizes) == len(rec["images"]) and all(
        isinstance(s, list) and len(s) == 2 and all(isinstance(v, int) and not isinstance(v, bool) for v in s)
        for s in sizes)
    return [tuple(s) for s in sizes] if ok else [None] * len(rec["images"])


def record_images(root: str | Path, rec: dict, deep: bool = False) -> list[Path]:
    """The checked real paths of a (schema-valid) record's images; the first bad one raises BadImage."""
    return [corpus_image(root, rel, size, deep) for rel, size in zip(rec["images"], recorded_sizes(rec))]


def image_problems(root: str | Path, rels: list) -> list[tuple[str, BadImage]]:
    """``(path, problem)`` for each of ``rels`` under ``root`` that :func:`corpus_image` refuses."""
    out = []
    for rel in rels:
        try:
            corpus_image(root, rel)
        except BadImage as e:
            out.append((rel, e))
    return out
