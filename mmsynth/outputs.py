"""The one rule for what a command may write over: nothing the user did not ask to replace.

A single-file output (``ocr -o``, ``predict -o``, ``report -o``, ``scene annotate -o``) may
replace a missing or empty file, or a previous output of the same command (recognised by
its content); anything else needs ``--overwrite``. It is never one of the command's
inputs, and never a folder. Writers then write through a temporary file and a rename
(:mod:`mmsynth.io`), so the old file stays whole until the new one is.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Callable, Iterable

from mmsynth.errors import UserError
from mmsynth.io import atomic_write_json

HEAD_BYTES = 1 << 20   # what a recogniser may read of an existing file


def same_path(a: Path, b: Path) -> bool:
    """Whether two paths name the same file or folder (links and ``..`` resolved)."""
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def first_json_line(path: Path) -> object:
    """The first line of a file parsed as JSON, or None when it is not JSON (or too long to read)."""
    with path.open("rb") as f:
        line = f.readline(HEAD_BYTES)
    try:
        return json.loads(line.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None


def jsonl_with_keys(*keys: str) -> Callable[[Path], bool]:
    """A recogniser: the file's first line is a JSON object with (at least) these keys."""
    def recognise(path: Path) -> bool:
        row = first_json_line(path)
        return isinstance(row, dict) and all(k in row for k in keys)
    return recognise


def head_contains(marker: str) -> Callable[[Path], bool]:
    """A recogniser: the file's first few kilobytes contain ``marker`` (a signature its writer puts there)."""
    def recognise(path: Path) -> bool:
        with path.open("rb") as f:
            return marker.encode("utf-8") in f.read(4096)
    return recognise


def claim_file(path: str | Path, command: str, recognise: Callable[[Path], bool], *,
               inputs: Iterable[str | Path] = (), overwrite: bool = False, flag: str = "-o") -> Path:
    """Check that ``path`` may take the output of ``command``; return it. Raises UserError (one
    line) for a folder, for one of the ``inputs``, or for an existing file that is neither
    empty nor recognised as an earlier output of ``command`` (unless ``overwrite``)."""
    path = Path(path)
    if path.is_dir():
        raise UserError(f"{flag} {path}: is a folder; give the name of the file to write")
    for given in inputs:
        if same_path(path, Path(given)):
            raise UserError(f"{flag} {path}: is one of the inputs; choose another output file")
    if path.exists() and not path.is_file():
        raise UserError(f"{flag} {path}: exists and is not a regular file")
    if path.exists() and not overwrite:
        try:
            own = path.stat().st_size == 0 or recognise(path)
        except OSError as e:
            raise UserError(f"{flag} {path}: cannot read the existing file ({e.strerror or e})") from None
        if not own:
            raise UserError(f"{flag} {path}: exists and is not an earlier output of `mmsynth {command}`; "
                            "use --overwrite to replace it or choose another file")
    if path.parent.exists() and not path.parent.is_dir():
        raise UserError(f"{flag} {path}: {path.parent} is not a folder")
    return path


# --- folders that hold one command's output (exports, scores) --------------------------------------
FOLDER_MARK = ".mmsynth-output.json"


def claim_folder(dest: str | Path, command: str, overwrite: bool = False, flag: str = "-o",
                 keep: tuple[str, ...] = ()) -> Path:
    """Make ``dest`` ready to take the output of ``command``: a new or empty folder, or, with
    ``overwrite``, one that holds an earlier output of ``command`` (removed whole first).
    A folder holding anything else is refused with one line, whatever the flags. The folder is
    marked as ``command``'s (status running) before anything is written into it. Entries named
    in ``keep`` (a cache of paid-for work, such as the judge's replies) survive the replacement."""
    dest = Path(dest)
    if dest.exists() and not dest.is_dir():
        raise UserError(f"{flag} {dest}: exists and is not a folder")
    if dest.is_dir() and any(p.name not in keep for p in dest.iterdir()):
        mark = _read_mark(dest)
        if mark.get("command") != command:
            what = f"an output of `mmsynth {mark['command']}`" if mark.get("command") else "no mmsynth output"
            raise UserError(f"{flag} {dest}: is not empty and holds {what}; choose another folder")
        if not overwrite:
            raise UserError(f"{flag} {dest}: holds an earlier `mmsynth {command}` output "
                            f"({mark.get('about', 'unfinished')}); use --overwrite to replace it or choose another folder")
        _remove_output(dest, mark, keep)
    try:
        dest.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise UserError(f"{flag} {dest}: cannot create the folder ({e.strerror or e})") from None
    atomic_write_json(dest / FOLDER_MARK, {"command": command, "status": "running"})
    return dest


def seal_folder(dest: Path, command: str, about: str) -> None:
    """Mark ``dest`` as holding a finished output of ``command``, listing what it wrote."""
    files = sorted(p.name for p in dest.iterdir() if p.name != FOLDER_MARK)
    atomic_write_json(dest / FOLDER_MARK, {"command": command, "status": "complete", "about": about,
                                           "files": files})


def _read_mark(dest: Path) -> dict:
    path = dest / FOLDER_MARK
    if not path.is_file():
        return {}
    try:
        mark = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return {}
    return mark if isinstance(mark, dict) and isinstance(mark.get("command"), str) else {}


def _remove_output(dest: Path, mark: dict, keep: tuple[str, ...] = ()) -> None:
    """Remove what an earlier output wrote: the entries its mark lists, or, for one that was
    interrupted (the folder was empty when it began), everything in the folder."""
    listed = mark.get("files") if mark.get("status") == "complete" else None
    names = listed if isinstance(listed, list) else [p.name for p in dest.iterdir()]
    for name in names:
        path = dest / name
        if not isinstance(name, str) or "/" in name or name in ("", ".", "..", *keep) or not path.exists():
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    (dest / FOLDER_MARK).unlink(missing_ok=True)
    left = sorted(p.name for p in dest.iterdir() if p.name not in keep)
    if left:
        raise UserError(f"{dest}: holds other files besides the earlier output ({', '.join(left[:3])}); "
                        "choose another folder")
