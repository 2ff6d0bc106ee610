"""The corpus folder of DESIGN.md: ``manifest.json``, ``data/*.jsonl`` shards, ``images/``.

Readers (validate, export, bench, train, llavar) go through :func:`iter_records`, which
names the shard and line of anything corrupt; writers write whole shards atomically.
"""
from __future__ import annotations

import hashlib
import importlib.metadata
import io
import os
import platform
import sys
from collections import Counter
from pathlib import Path
from typing import Any, Iterator

from PIL import Image

from mmsynth import __version__
from mmsynth.errors import UserError
from mmsynth.io import (atomic_write_bytes, atomic_write_json, atomic_write_jsonl, inside, read_json, read_jsonl,
                        read_jsonl_lenient)
from mmsynth.record import validate_record

MANIFEST = "manifest.json"
DATA_DIR = "data"
IMAGES_DIR = "images"
SHARED_DIR = f"{IMAGES_DIR}/shared"   # loaded photos, stored once by content
IMAGE_MODES = ("copy", "link")
TRACKED_PACKAGES = ("numpy", "pillow", "matplotlib", "networkx", "pyyaml", "torch", "transformers",
                    "peft", "easyocr", "open_clip_torch", "datasets", "webdataset")


def package_versions() -> dict[str, str]:
    """Versions of Python, mmsynth and the installed dependencies, for the manifest."""
    out = {"python": platform.python_version(), "mmsynth": __version__}
    for name in TRACKED_PACKAGES:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            pass
    return out


def command_line() -> str:
    return " ".join(["mmsynth"] + sys.argv[1:])


def require_corpus(root: str | Path) -> Path:
    """The corpus root, or a UserError saying why it is not one."""
    root = Path(root)
    if not root.is_dir():
        raise UserError(f"{root}: no such corpus folder")
    if not (root / DATA_DIR).is_dir():
        raise UserError(f"{root}: not a corpus (no {DATA_DIR}/ folder)")
    return root


def read_manifest(root: str | Path) -> dict:
    path = Path(root) / MANIFEST
    return read_json(path, expect=dict, root=root) if path.exists() else {}


def write_manifest(root: str | Path, manifest: dict) -> None:
    atomic_write_json(Path(root) / MANIFEST, manifest)


def shard_paths(root: str | Path) -> list[Path]:
    """The corpus's shards; one that is a symlink out of the corpus is an error (it is never read)."""
    shards = sorted((Path(root) / DATA_DIR).glob("*.jsonl"))
    for shard in shards:
        if inside(Path(root), shard) is None:
            raise UserError(f"{shard}: is a symlink out of the corpus {root}; it is not read")
    return shards


def iter_records(root: str | Path, validate: bool = True) -> Iterator[tuple[str, int, dict]]:
    """Yield ``(shard name, line, record)`` over every shard; a corrupt line or (with
    ``validate``) an invalid record raises UserError naming ``shard:line`` and the field."""
    root = require_corpus(root)
    for shard in shard_paths(root):
        for line, rec in read_jsonl(shard):
            if validate:
                errs = validate_record(rec)
                if errs:
                    raise UserError(f"{shard}:{line}: invalid record: {errs[0]}")
            yield shard.name, line, rec


def load_records(root: str | Path, validate: bool = True) -> list[dict]:
    return [rec for _, _, rec in iter_records(root, validate)]


def encode_image(img: Image.Image, fmt: str = "png") -> bytes:
    """Deterministic image bytes: PNG (lossless, default) or JPEG (quality 92)."""
    buf = io.BytesIO()
    if fmt == "png":
        img.save(buf, format="PNG", compress_level=3)
    elif fmt in ("jpg", "jpeg"):
        img.convert("RGB").save(buf, format="JPEG", quality=92)
    else:
        raise UserError(f"unknown image format {fmt!r} (png or jpg)")
    return buf.getvalue()


def store_shared(root: str | Path, image: Path | bytes, suffix: str, link: bool = False) -> str:
    """Store a loaded photo (a file, or the bytes made from one) once per corpus, named by its
    content: ``images/shared/<sha256><suffix>``; its path relative to ``root``. With ``link`` a
    file is hard-linked to its source instead of copied (the same file system is needed)."""
    data = image.read_bytes() if isinstance(image, Path) else image
    rel = f"{SHARED_DIR}/{hashlib.sha256(data).hexdigest()}{suffix.lower()}"
    target = Path(root) / rel
    if target.exists():
        return rel
    if link and isinstance(image, Path):
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            os.link(image, tmp)
            os.replace(tmp, target)
        except OSError as e:
            tmp.unlink(missing_ok=True)
            raise UserError(f"{image}: cannot hard-link it into {root} ({e.strerror or e}); "
                            "use --images copy") from None
    else:
        atomic_write_bytes(target, data)
    return rel


def write_image(root: str | Path, rel_path: str, img: Image.Image | Path, fmt: str = "png") -> int:
    """Write an image under the corpus root (an existing image file, a Path, is copied byte for
    byte); returns its size in bytes."""
    target = Path(root) / rel_path
    data = Path(img).read_bytes() if isinstance(img, Path) else encode_image(img, fmt)
    return atomic_write_bytes(target, data)


class CorpusWriter:
    """Writes records shard by shard into a corpus folder (for commands that build corpora
    from other inputs, such as ``llavar``). Each shard appears atomically or not at all."""

    def __init__(self, root: str | Path, shard_size: int = 500):
        self.root = Path(root)
        self.shard_size = shard_size
        (self.root / DATA_DIR).mkdir(parents=True, exist_ok=True)
        self._buffer: list[dict] = []
        self._shard = 0

    def write_shard(self, name: str, records: list[dict]) -> Path:
        path = self.root / DATA_DIR / f"{name}.jsonl"
        atomic_write_jsonl(path, records)
        return path

    def add(self, record: dict, prefix: str = "shard") -> None:
        self._buffer.append(record)
        if len(self._buffer) >= self.shard_size:
            self.flush(prefix)

    def flush(self, prefix: str = "shard") -> None:
        if self._buffer:
            self.write_shard(f"{prefix}-{self._shard:05d}", self._buffer)
            self._buffer = []
            self._shard += 1


def manifest_base(command: str, config: dict[str, Any]) -> dict:
    return {"command": command_line(), "kind": command, "config": config, "versions": package_versions(),
            "status": "running"}


SHOWN = 3  # list members named in a configuration difference; the rest are counted


def _brief(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _list_diff(key: str, old: list, new: list) -> str:
    gone, added = [v for v in old if v not in new], [v for v in new if v not in old]
    parts = [f"{len(items)} {where} only ({', '.join(map(str, items[:SHOWN]))}{', ...' if len(items) > SHOWN else ''})"
             for items, where in ((gone, "there"), (added, "here")) if items]
    return f"{key}: {'; '.join(parts) or 'same members in another order'} ({len(old)} there, {len(new)} here)"


def config_diff(old: object, new: dict) -> str:
    """What differs between the configuration of the run in a folder and this one, in one short
    line: at most two settings; a list names how many members differ and shows a few."""
    if not isinstance(old, dict):
        return "no configuration of this command there"
    diffs = [_list_diff(k, old[k], v) if isinstance(v, list) and isinstance(old.get(k), list)
             else f"{k}: {_brief(old.get(k))} there, {_brief(v)} here"
             for k, v in new.items() if old.get(k) != v]
    diffs += [f"{k}: {_brief(old[k])} there, not set here" for k in old if k not in new]
    more = f"; and {len(diffs) - 2} more setting(s)" if len(diffs) > 2 else ""
    return "; ".join(diffs[:2]) + more or "same configuration"


def refuse_escapes(out: Path) -> None:
    """Raise UserError when a folder inside ``out`` (an output being resumed or replaced) is a
    symlink leading out of it: writing through it would write outside the output folder."""
    pending = [out]
    while pending:
        with os.scandir(pending.pop()) as entries:
            for entry in entries:
                if not entry.is_dir():
                    continue
                if entry.is_symlink() and inside(out, Path(entry.path)) is None:
                    raise UserError(f"{entry.path}: is a symlink out of {out}; refusing to write through it")
                if not entry.is_symlink():
                    pending.append(entry.path)


def claim_output(out: Path, kind: str, config: dict, resume: bool) -> dict:
    """Check that OUT may take a shard-by-shard run of ``kind`` with ``config`` (a new or
    empty folder, or this very run with ``resume``); return the finished shards of a run
    being resumed."""
    if out.exists() and not out.is_dir():
        raise UserError(f"{out}: exists and is not a folder")
    if out.is_dir() and not _only_empty_folders(out):
        refuse_escapes(out)
        old = read_manifest(out)
        if not old:
            raise UserError(f"{out}: is not empty and holds no mmsynth run (choose another -o)")
        if old.get("kind") != kind:
            raise UserError(f"{out}: holds a different run (of `mmsynth {old.get('kind', '?')}`); choose another -o")
        if old.get("config") != config:
            raise UserError(f"{out}: holds a different run ({config_diff(old.get('config'), config)}); "
                            "choose another -o")
        if not resume:
            raise UserError(f"{out}: holds this run already (status {old.get('status', 'unknown')}); "
                            "use --resume to finish it")
        return {k: v for k, v in old.get("shards", {}).items() if v.get("finished")}
    try:
        (out / DATA_DIR).mkdir(parents=True, exist_ok=True)
        (out / IMAGES_DIR).mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise UserError(f"{out}: cannot write there ({e.strerror or e})") from None
    return {}


def _only_empty_folders(out: Path) -> bool:
    """Whether OUT holds nothing but what a run killed right after claiming it leaves: empty
    ``data/`` and ``images/``, and a manifest's temporary file (such a folder is as good as empty)."""
    return all((p.name in (DATA_DIR, IMAGES_DIR) and p.is_dir() and not p.is_symlink() and not any(p.iterdir()))
               or (p.name.startswith(f".{MANIFEST}.") and p.name.endswith(".tmp")) for p in out.iterdir())


def write_shard_manifest(out: Path, manifest: dict, shards: dict, status: str) -> dict:
    """Write the manifest of a shard-by-shard run: its status, every shard's stats, and the
    totals of their ``counts``."""
    totals: Counter = Counter()
    for stats in shards.values():
        totals.update(stats["counts"])
    manifest.update(status=status, counts=dict(sorted(totals.items())), shards=dict(sorted(shards.items())))
    write_manifest(out, manifest)
    return manifest


def read_lenient(path: Path) -> Iterator[tuple[str, Any, str | None]]:
    """``(where, record, problem)`` per non-empty line; a line that is not usable JSON (see
    :func:`mmsynth.io.parse_json`) has a problem and no record, and the lines after it are still read."""
    for n, rec, problem in read_jsonl_lenient(path):
        where = f"{DATA_DIR}/{path.name}:{n}"
        yield where, rec, problem and f"{where}: {problem}"


def link_image(src: Path, out: Path, rel: str) -> None:
    """Hard-link an image into the output corpus (copy it where links are not possible)."""
    target = out / rel
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, target)
    except OSError:
        write_image(out, rel, src)
