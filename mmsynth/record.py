"""The sample record of DESIGN.md: constants, validation and answer formatting.

A record is a plain dict (it travels as one JSON line); validation reports every
wrong field by its path, e.g. ``qa[1].answer_type: 'numeric' is not one of ...``.
"""
from __future__ import annotations

import math
from typing import Any

TASKS = ("chart", "table", "dashboard", "puzzle", "map", "flowchart", "graph",
         "floorplan", "textrich", "scene", "ocr")
ANSWER_TYPES = ("number", "choice", "yesno", "text", "list", "route", "point", "bbox")
SKILLS = ("perception", "structure", "reasoning", "ocr", "instruction")
ROLES = ("user", "assistant", "system")
IMAGE_TOKEN = "<image>"
OPTION_LETTERS = "ABCDEFGHIJ"


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def answer_errors(answer: Any, answer_type: str, options: list | None) -> list[str]:
    """Check that an answer has the JSON shape its ``answer_type`` promises."""
    errs: list[str] = []
    if answer_type == "number" and not _is_number(answer):
        errs.append(f"answer: {answer!r} is not a finite number")
    elif answer_type == "yesno" and answer not in ("yes", "no"):
        errs.append(f"answer: {answer!r} is not 'yes' or 'no'")
    elif answer_type in ("choice", "text") and not (isinstance(answer, str) and answer.strip()):
        errs.append(f"answer: {answer!r} is not a non-empty string")
    elif answer_type in ("list", "route") and not (
            isinstance(answer, list) and answer and all(isinstance(a, (str, int, float)) for a in answer)):
        errs.append(f"answer: {answer!r} is not a non-empty list")
    elif answer_type == "point" and not (isinstance(answer, list) and len(answer) == 2
                                         and all(_is_number(a) for a in answer)):
        errs.append(f"answer: {answer!r} is not [x, y]")
    elif answer_type == "bbox" and not (isinstance(answer, list) and len(answer) == 4
                                        and all(_is_number(a) for a in answer)
                                        and answer[0] <= answer[2] and answer[1] <= answer[3]):
        errs.append(f"answer: {answer!r} is not [x1, y1, x2, y2] with x1<=x2, y1<=y2")
    if options is not None:
        if not isinstance(options, list) or len(options) < 2:
            errs.append("options: must be a list of at least 2 entries or null")
        else:
            keys = [option_key(o) for o in options]
            if len(set(keys)) != len(keys):
                errs.append(f"options: duplicates in {options!r}")
            hits = keys.count(option_key(answer))
            if hits != 1:
                errs.append(f"options: the answer {answer!r} appears {hits} times in {options!r}")
    return errs


def option_key(value: Any) -> str:
    """Canonical text of an option, so that 3, 3.0 and '3' count as the same option."""
    if _is_number(value) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, list):
        return ", ".join(option_key(v) for v in value)
    return str(value).strip().lower()


def format_answer(answer: Any, answer_type: str, decimals: int | None = None) -> str:
    """The text an assistant turn gives for an answer; ``decimals`` is the precision the
    question asked for ("to two decimals": 1.5 -> "1.50")."""
    if answer_type == "number":
        if decimals is not None and isinstance(answer, (int, float)):
            return f"{float(answer):.{decimals}f}"
        return format_number(answer)
    if answer_type == "route":
        return " -> ".join(str(a) for a in answer)
    if answer_type == "list":
        return ", ".join(str(a) for a in answer)
    if answer_type in ("point", "bbox"):
        return "[" + ", ".join(f"{float(a):.2f}" for a in answer) + "]"
    return str(answer)


def is_long_answer(qa: dict) -> bool:
    """Whether a qa entry's answer is a paragraph (a computed description, an LLM-written
    instruction answer): scored by no short-answer metric, composed by no evolution operator."""
    return bool(qa.get("long_answer"))


def format_number(x: float | int) -> str:
    """Integers without a decimal point, other numbers with at most 2 decimals."""
    if float(x).is_integer():
        return str(int(x))
    return f"{x:.2f}".rstrip("0").rstrip(".")


def _check_type(rec: dict, key: str, typ: type | tuple, errs: list[str], path: str = "") -> bool:
    if key not in rec:
        errs.append(f"{path}{key}: missing")
        return False
    if not isinstance(rec[key], typ) or isinstance(rec[key], bool) and typ is not bool:
        name = typ.__name__ if isinstance(typ, type) else "/".join(t.__name__ for t in typ)
        errs.append(f"{path}{key}: expected {name}, got {type(rec[key]).__name__}")
        return False
    return True


def validate_record(rec: Any) -> list[str]:
    """Return every schema error of a record as ``field.path: problem``; empty when valid."""
    if not isinstance(rec, dict):
        return [f"record: expected an object, got {type(rec).__name__}"]
    errs: list[str] = []
    for key in ("id", "generator"):
        if _check_type(rec, key, str, errs) and not rec[key]:
            errs.append(f"{key}: empty")
    if _check_type(rec, "task", str, errs) and rec["task"] not in TASKS:
        errs.append(f"task: {rec['task']!r} is not one of {', '.join(TASKS)}")
    n_images = 0
    if _check_type(rec, "images", list, errs):
        n_images = len(rec["images"])
        for i, p in enumerate(rec["images"]):
            if not isinstance(p, str) or not p or p.startswith("/") or ".." in p.split("/"):
                errs.append(f"images[{i}]: {p!r} is not a relative path inside the corpus")
    if _check_type(rec, "conversations", list, errs):
        turns = rec["conversations"]
        if not turns:
            errs.append("conversations: empty")
        placeholders = 0
        for i, t in enumerate(turns):
            p = f"conversations[{i}]."
            if not isinstance(t, dict):
                errs.append(f"conversations[{i}]: expected an object")
                continue
            if _check_type(t, "role", str, errs, p) and t["role"] not in ROLES:
                errs.append(f"{p}role: {t['role']!r} is not one of {', '.join(ROLES)}")
            if _check_type(t, "content", str, errs, p):
                count = t["content"].count(IMAGE_TOKEN)
                if count and t.get("role") != "user":
                    errs.append(f"{p}content: {IMAGE_TOKEN} outside a user turn")
                placeholders += count
        roles = [t.get("role") for t in turns if isinstance(t, dict) and t.get("role") != "system"]
        if roles and roles[0] != "user":
            errs.append("conversations: the first non-system turn must be the user's")
        if any(a == b for a, b in zip(roles, roles[1:])):
            errs.append("conversations: user and assistant turns must alternate")
        if placeholders != n_images:
            errs.append(f"conversations: {placeholders} {IMAGE_TOKEN} placeholders for {n_images} images")
    if _check_type(rec, "qa", list, errs):
        for i, qa in enumerate(rec["qa"]):
            errs += [f"qa[{i}].{e}" for e in qa_errors(qa)]
    _check_type(rec, "source", dict, errs)
    if _check_type(rec, "meta", dict, errs):
        for key in ("seed", "index"):
            if key not in rec["meta"]:
                errs.append(f"meta.{key}: missing")
    return errs


def qa_errors(qa: Any) -> list[str]:
    """Schema errors of one ``qa`` entry, without the ``qa[i].`` prefix."""
    if not isinstance(qa, dict):
        return ["expected an object"]
    errs: list[str] = []
    if _check_type(qa, "question", str, errs) and not qa["question"].strip():
        errs.append("question: empty")
    ok_type = _check_type(qa, "answer_type", str, errs)
    if ok_type and qa["answer_type"] not in ANSWER_TYPES:
        errs.append(f"answer_type: {qa['answer_type']!r} is not one of {', '.join(ANSWER_TYPES)}")
        ok_type = False
    if "answer" not in qa:
        errs.append("answer: missing")
    elif ok_type:
        options = qa.get("options")
        errs += answer_errors(qa["answer"], qa["answer_type"], options)
    if _check_type(qa, "family", str, errs) and not qa["family"]:
        errs.append("family: empty")
    if _check_type(qa, "skill", str, errs) and qa["skill"] not in SKILLS:
        errs.append(f"skill: {qa['skill']!r} is not one of {', '.join(SKILLS)}")
    if qa.get("rationale") is not None and not isinstance(qa["rationale"], str):
        errs.append("rationale: expected a string or null")
    return errs
