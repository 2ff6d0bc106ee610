"""Resolve image paths named in input files inside one image root, never outside it."""
from __future__ import annotations

from pathlib import Path, PurePosixPath

from mmsynth.errors import UserError


def resolve_inside(root: Path, name: str, where: str) -> Path | None:
    """The existing file ``name`` (relative) under ``root``, or None when it is not there.

    ``name`` may carry leading folders the root already stands for
    (``sample_data/images/x.png`` under a root that *is* the images folder): those are
    dropped one at a time until a file is found. Absolute paths, ``..`` steps and
    symlinks that lead out of the root raise UserError.
    """
    if not isinstance(name, str) or not name.strip():
        raise UserError(f"{where}: image path {name!r} is empty or not a string")
    norm = name.replace("\\", "/")
    pure = PurePosixPath(norm)
    if pure.is_absolute() or (len(norm) > 1 and norm[1] == ":"):
        raise UserError(f"{where}: image path {name!r} is absolute; paths must be relative to the image root")
    if ".." in pure.parts:
        raise UserError(f"{where}: image path {name!r} tries to leave the image root")
    real_root = root.resolve()
    parts = pure.parts
    for start in range(len(parts)):
        candidate = (root.joinpath(*parts[start:])).resolve()
        if not candidate.is_relative_to(real_root):
            raise UserError(f"{where}: image path {name!r} leads outside the image root {root}")
        if candidate.is_file():
            return candidate
    return None
