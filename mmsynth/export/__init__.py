"""Export a corpus to the layouts that training stacks read.

One module per format, each registering a function ``export(records, root, dest, opts)``
with :func:`exporter`; ``mmsynth export OUT --format F -o DEST`` runs it.
"""
from __future__ import annotations

import importlib
import os
import pkgutil
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from mmsynth.errors import UserError
from mmsynth.images import BadImage, record_images

EXPORTERS: dict[str, Callable[..., dict]] = {}


@dataclass
class ExportOptions:
    images: str = "copy"          # copy | link (symlink) | none (paths point into the corpus)
    shard_size: int = 1000        # records per webdataset tar
    push_to_hub: str | None = None


def exporter(name: str) -> Callable[[Callable[..., dict]], Callable[..., dict]]:
    def deco(fn: Callable[..., dict]) -> Callable[..., dict]:
        EXPORTERS[name] = fn
        return fn
    return deco


def formats() -> list[str]:
    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")
    return sorted(EXPORTERS)


def place_images(rec: dict, root: Path, dest: Path, mode: str) -> list[str]:
    """Copy or link a record's images under ``dest`` (same relative paths); return the paths to write.

    With ``mode == "none"`` nothing is copied and absolute paths into the corpus are returned.
    """
    out = []
    for rel, src in zip(rec["images"], image_files(rec, root)):
        if mode == "none":
            out.append(str(src))
            continue
        target = dest / rel
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            if mode == "link":
                os.symlink(src, target)
            else:
                shutil.copyfile(src, target)
        out.append(rel)
    return out


def image_files(rec: dict, root: Path) -> list[Path]:
    """The checked real paths of a record's images (regular image files inside the corpus);
    a bad one is a one-line error naming the record."""
    try:
        return record_images(root, rec)
    except BadImage as e:
        raise UserError(f"{root}: record {rec['id']}: {e}") from None


def role_turns(rec: dict) -> Iterator[tuple[str, str]]:
    """(role, content) of the user/assistant turns of a record (system turns are kept as they are)."""
    for turn in rec["conversations"]:
        yield turn["role"], turn["content"]
