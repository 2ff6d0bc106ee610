"""Reading a benchmark folder's question lines, checked, so that a received benchmark with a
wrongly typed field is a one-line error (``file:line: field: problem``), not a crash later."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from mmsynth.bench.build import IF_DIALOGUES, QUESTIONS
from mmsynth.errors import UserError
from mmsynth.io import read_jsonl


def _is_str_list(v: Any) -> bool:
    return isinstance(v, list) and all(isinstance(x, str) for x in v)


def question_errors(q: dict) -> list[str]:
    """Problems of a ``questions.jsonl`` line (an object, as the reader ensures)."""
    errs = [] if isinstance(q.get("id"), str) and q["id"] else ["id: missing or not a string"]
    if not _is_str_list(q.get("images", [])):
        errs.append("images: not a list of paths")
    if not isinstance(q.get("question"), str):
        errs.append("question: missing or not a string")
    if q.get("options") is not None and not isinstance(q["options"], list):
        errs.append("options: not a list or null")
    return errs


def dialogue_errors(d: dict) -> list[str]:
    """Problems of an instruction-following dialogue line."""
    errs = [] if isinstance(d.get("id"), str) and d["id"] else ["id: missing or not a string"]
    if not _is_str_list(d.get("images", [])):
        errs.append("images: not a list of paths")
    turns = d.get("turns")
    if not (isinstance(turns, list) and turns and all(
            isinstance(t, dict) and isinstance(t.get("id"), str) and isinstance(t.get("prompt"), str) for t in turns)):
        errs.append("turns: not a list of {id, prompt} objects")
    return errs


def read_lines(bench: Path, name: str = QUESTIONS) -> list[tuple[int, dict]]:
    """``(line number, object)`` of each checked line of ``questions.jsonl`` (or, with
    ``name=IF_DIALOGUES``, of the instruction-following dialogues)."""
    path = bench / name
    check = dialogue_errors if name == IF_DIALOGUES else question_errors
    rows = []
    for line, row in read_jsonl(path, expect=dict, root=bench):
        errs = check(row)
        if errs:
            raise UserError(f"{path}:{line}: {errs[0]}")
        rows.append((line, row))
    return rows
