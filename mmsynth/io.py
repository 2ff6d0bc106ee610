"""Atomic file writes and JSONL reading with precise error locations."""
from __future__ import annotations

import errno
import functools
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Iterable, Iterator

from mmsynth.errors import UserError


class StorageError(UserError):
    """Writing an output failed (disk full, quota, read-only, I/O error). It is never a sample's
    fault: runs stop as interrupted, keep their finished work, and ``--resume`` makes the rest."""

    @classmethod
    def of(cls, path: str | Path, e: OSError) -> "StorageError":
        reason = {errno.ENOSPC: "no space left on device", errno.EDQUOT: "disk quota exceeded"}.get(
            e.errno, (e.strerror or str(e)).lower())
        return cls(f"{path}: cannot write ({reason})")


STORAGE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EIO})


def _write_file(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600; a shared corpus must follow the umask
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def atomic_write_bytes(path: str | Path, data: bytes) -> int:
    """Write ``data`` to ``path`` so that readers see the old file or the whole new one, never a part;
    returns the number of bytes written. A failed write raises :class:`StorageError` (one line)."""
    path = Path(path)
    try:
        _write_file(path, data)
    except OSError as e:
        raise StorageError.of(path, e) from None
    return len(data)


@functools.cache
def _umask() -> int:
    """The process umask (read once: setting it is the only way to read it, and it is process-wide)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def atomic_write_text(path: str | Path, text: str) -> int:
    return atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_json(path: str | Path, obj: Any) -> None:
    atomic_write_text(path, json.dumps(obj, indent=2, ensure_ascii=False) + "\n")


def dumps_line(obj: Any) -> str:
    """One JSONL line (compact, key order kept, UTF-8)."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n"


def atomic_write_jsonl(path: str | Path, rows: Iterable[Any]) -> None:
    atomic_write_text(path, "".join(dumps_line(r) for r in rows))


MAX_DEPTH = 100
"""The deepest nesting of arrays and objects a JSON input may have. Records, manifests and
scene graphs nest a few dozen levels at most; deeper input is hostile or broken and would
make recursive code (validation, hashing, solvers) fail with RecursionError."""


def _depth_exceeds(obj: Any, limit: int) -> bool:
    """Whether ``obj`` nests arrays/objects deeper than ``limit`` (iterative: no recursion)."""
    stack = [(obj, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        if depth > limit:
            return True
        stack.extend((c, depth + 1) for c in children if isinstance(c, (dict, list)))
    return False


def _type_name(expect: type | tuple[type, ...]) -> str:
    names = {dict: "an object", list: "an array", str: "a string"}
    kinds = expect if isinstance(expect, tuple) else (expect,)
    return " or ".join(names.get(k, k.__name__) for k in kinds)


class JsonProblem(ValueError):
    """Why a JSON document is unusable, and the line of the document where it is (when known)."""

    def __init__(self, problem: str, line: int | None = None):
        super().__init__(problem)
        self.line = line


def parse_json(data: bytes | str, expect: type | tuple[type, ...] | None = None) -> Any:
    """Parse one JSON document; every way it can be unusable (bytes that are not UTF-8, broken
    JSON, nesting beyond :data:`MAX_DEPTH`, a top-level value of the wrong type) raises
    :class:`JsonProblem` with a short problem text (the caller adds ``file:line``)."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")  # a BOM (Windows editors) is not an error
        except UnicodeDecodeError as e:
            raise JsonProblem(f"not valid UTF-8 (byte {e.start + 1})", data.count(b"\n", 0, e.start) + 1) from None
    try:
        obj = json.loads(data)
    except json.JSONDecodeError as e:
        raise JsonProblem(f"not valid JSON ({e.msg} at column {e.colno})", e.lineno) from None
    except RecursionError:
        raise JsonProblem(f"nested deeper than {MAX_DEPTH} levels") from None
    if (data.count("[") + data.count("{") > MAX_DEPTH) and _depth_exceeds(obj, MAX_DEPTH):
        raise JsonProblem(f"nested deeper than {MAX_DEPTH} levels")
    if expect is not None and (not isinstance(obj, expect) or isinstance(obj, bool) and bool not in
                               (expect if isinstance(expect, tuple) else (expect,))):
        raise JsonProblem(f"expected {_type_name(expect)}, got {type(obj).__name__}")
    return obj


def inside(root: Path, path: Path) -> Path | None:
    """The real path of ``path`` (symlinks followed) when it lies inside ``root``'s real path, else None."""
    real = Path(path).resolve()
    return real if real.is_relative_to(Path(root).resolve()) else None


def _open_lines(path: Path, root: str | Path | None = None):
    """``path`` opened for reading; with ``root``, only when it lies inside ``root`` (a file of a
    folder received from someone else must not be a symlink to a file elsewhere)."""
    if root is not None and inside(Path(root), path) is None:
        raise UserError(f"{path}: is a symlink out of {root}; it is not read")
    try:
        return path.open("rb")
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UserError(f"{path}: is a folder, not a file") from None
    except OSError as e:
        raise UserError(f"{path}: cannot read ({e.strerror or e})") from None


def read_jsonl_lenient(path: str | Path, expect: type | tuple[type, ...] | None = None,
                       root: str | Path | None = None) -> Iterator[tuple[int, Any, str | None]]:
    """Yield ``(line_number, object, None)`` per good non-empty line and ``(line_number, None,
    problem)`` per unusable one, reading on after it (for commands that skip and count bad lines)."""
    path = Path(path)
    with _open_lines(path, root) as f:
        for n, raw in enumerate(f, 1):
            if not raw.strip():
                continue
            try:
                yield n, parse_json(raw, expect), None
            except JsonProblem as e:
                yield n, None, str(e)


def read_jsonl(path: str | Path, expect: type | tuple[type, ...] | None = None,
               root: str | Path | None = None) -> Iterator[tuple[int, Any]]:
    """Yield ``(line_number, object)``; the first unusable line raises UserError naming file and line.
    With ``root``, a file that resolves outside that folder is refused unread."""
    for n, obj, problem in read_jsonl_lenient(path, expect, root):
        if problem:
            raise UserError(f"{path}:{n}: {problem}")
        yield n, obj


def read_json(path: str | Path, expect: type | tuple[type, ...] | None = None, root: str | Path | None = None) -> Any:
    """One JSON file; anything unusable (see :func:`parse_json`) raises UserError naming the file.
    With ``root``, a file that resolves outside that folder is refused unread."""
    path = Path(path)
    with _open_lines(path, root) as f:
        try:
            data = f.read()
        except OSError as e:
            raise UserError(f"{path}: cannot read ({e.strerror or e})") from None
    try:
        return parse_json(data, expect)
    except JsonProblem as e:
        raise UserError(f"{path}:{e.line}: {e}" if e.line else f"{path}: {e}") from None
