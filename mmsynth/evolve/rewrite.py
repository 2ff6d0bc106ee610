"""LLM rephrasing of evolved template questions, and the checks a rephrasing must pass.

MMEvol has an LLM write the evolved instruction and its answer. Here the LLM only words
the question; the answer stays the computed one. A rewrite is accepted only if it keeps
every key term of the template (numbers, quoted text, the names the questions are about,
an asked-for answer format) and most of the content words of the questions it is built
from, and does not give the answer away; otherwise the template wording is kept and the
rejection counted.
"""
from __future__ import annotations

import functools
import re
from pathlib import Path

import yaml

from mmsynth.evolve.operators import COMPOSITES
from mmsynth.record import format_answer

NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*(?![\w])")
QUOTED = re.compile(r"\"([^\"]{1,200})\"")
THINKING = re.compile(r"<think>.*?(?:</think>|$)", re.S)
LEAD_IN = re.compile(r"^\s*(?:rewritten question|question|rewrite)\s*:\s*", re.I)
ANSWER_FORMATS = ("yes or no", "after \"answer:\"")


@functools.lru_cache(maxsize=None)
def prompt_data() -> dict:
    return yaml.safe_load(Path(__file__).with_name("prompt.yaml").read_text(encoding="utf-8"))


def build_messages(question: str) -> list[dict]:
    p = prompt_data()
    return [{"role": "system", "content": p["system"].strip()},
            {"role": "user", "content": p["example_input"].strip()},
            {"role": "assistant", "content": p["example_output"].strip()},
            {"role": "user", "content": question}]


def _part_terms(qa: dict) -> set[str]:
    """The numbers, quoted text and slot values that a question says, down through the
    questions a composite is built from (not the template's own scaffolding, such as "(1)")."""
    params = qa.get("params") or {}
    if qa.get("family") in COMPOSITES:
        out = {str(params["candidate"])} if "candidate" in params else set()
        for part in params.get("parts", []):
            out |= _part_terms(part)
        return out
    text = qa["question"]
    return (set(NUMBER.findall(text)) | set(QUOTED.findall(text))
            | {v for v in params.values() if isinstance(v, str) and v and v.lower() in text.lower()})


def base_questions(qa: dict) -> list[str]:
    """The wordings of the generator's own questions that a question is built from."""
    if qa.get("family") not in COMPOSITES:
        return [qa["question"]]
    return [t for part in (qa.get("params") or {}).get("parts", []) for t in base_questions(part)]


def content_words(text: str) -> set[str]:
    common = set(prompt_data()["common_words"])
    return {w for w in re.findall(r"[a-z]{4,}", text.lower()) if w not in common}


def key_terms(qa: dict) -> list[str]:
    """What a rewrite of ``qa["question"]`` must still say (lower case)."""
    terms = _part_terms(qa) | {f for f in ANSWER_FORMATS if f in qa["question"].lower()}
    return sorted({t.lower().strip() for t in terms if t.strip()})


def _contains(text: str, term: str) -> bool:
    return re.search(rf"(?<![\w]){re.escape(term)}(?![\w])", text) is not None


def check_rewrite(qa: dict, reply: str, max_chars: int) -> tuple[str | None, str]:
    """``(rewritten question, "")`` when the reply is acceptable, else ``(None, reason)``."""
    text = THINKING.sub("", reply).strip()
    text = LEAD_IN.sub("", " ".join(text.split())).strip().strip("\"“”").strip()
    if not text:
        return None, "empty"
    if len(text) > max_chars:
        return None, "too_long"
    low = text.lower()
    if re.search(r"\banswer\s*:\s*\S", low) and "answer:" not in qa["question"].lower():
        return None, "answers"
    if any(not _contains(low, t) for t in key_terms(qa)):
        return None, "lost_content"
    words = set().union(*(content_words(q) for q in base_questions(qa)))
    if words and len(words & content_words(text)) < prompt_data()["min_word_coverage"] * len(words):
        return None, "lost_content"
    answer = format_answer(qa["answer"], qa["answer_type"]).lower()
    if qa["answer_type"] != "yesno" and not _contains(qa["question"].lower(), answer) and _contains(low, answer):
        return None, "leaks_answer"
    return text, ""
