"""Reading a predictions file, reporting every malformed line by ``file:line``.

A predictions file is JSONL, one line per question: ``{"id": ..., "prediction": "free text"}``
(or ``"predictions": [...]`` with several sampled responses, used by the
instruction-following track). Nothing in it stops scoring: a line that is not JSON, has
no id or no text, repeats an id (the first one counts) or names an id the benchmark does
not have is reported and skipped; questions without a prediction count as wrong.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from mmsynth.errors import UserError
from mmsynth.io import JsonProblem, parse_json


@dataclass
class Predictions:
    responses: dict[str, list[str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    lines: int = 0


def _texts(obj: dict) -> list[str] | None:
    """The response texts of a line (numbers are taken as their text), or None if it has none."""
    def text(v: object) -> str | None:
        if isinstance(v, str):
            return v
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return str(v)
        return None
    if "prediction" in obj:
        t = text(obj["prediction"])
        return [t] if t is not None else None
    if isinstance(obj.get("predictions"), list) and obj["predictions"]:
        ts = [text(v) for v in obj["predictions"]]
        return ts if all(t is not None for t in ts) else None
    return None


def read_predictions(path: str | Path, known_ids: set[str]) -> Predictions:
    """Read a predictions file against the ids of a benchmark."""
    path = Path(path)
    try:
        raw_lines = path.read_bytes().split(b"\n")
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except OSError as e:
        raise UserError(f"{path}: cannot read ({e.strerror})") from None
    out = Predictions()
    first_line: dict[str, int] = {}
    for n, raw in enumerate(raw_lines, 1):
        if not raw.strip():
            continue
        out.lines += 1
        where = f"{path}:{n}"
        try:
            obj = parse_json(raw, expect=dict)
        except JsonProblem as e:
            out.problems.append(f"{where}: {e}")
            continue
        qid = obj.get("id")
        if not isinstance(qid, (str, int)) or isinstance(qid, bool) or qid == "":
            out.problems.append(f"{where}: no 'id'")
            continue
        qid = str(qid)
        texts = _texts(obj)
        if texts is None:
            out.problems.append(f"{where}: id {qid!r} has no 'prediction' string (or 'predictions' list of strings)")
            continue
        if qid not in known_ids:
            out.problems.append(f"{where}: unknown id {qid!r}")
            continue
        if qid in first_line:
            out.problems.append(f"{where}: duplicate id {qid!r} (first on line {first_line[qid]}, which is scored)")
            continue
        first_line[qid] = n
        out.responses[qid] = texts
    return out
