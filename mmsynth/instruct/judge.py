"""The drop rules of ``mmsynth instruct`` and the verifier of its records: the same
:func:`judge` decides at generation time and again in ``mmsynth validate``."""
from __future__ import annotations

import re

from mmsynth.describe import verbalise
from mmsynth.instruct.facts import W, check

FAMILY_PREFIX = "instruct."
MAX_INSTRUCTION_CHARS = 600


def _grams(text: str, n: int = 5) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}


def reveals(instruction: str, answer: str, run: int = 10) -> bool:
    """Whether the instruction gives the answer away: a short answer inside it, a run of
    ``run`` words of the answer in it, or half of the answer's word 5-grams."""
    grams = _grams(answer)
    if not grams:
        return " ".join(re.findall(r"\w+", answer.lower())) in " ".join(re.findall(r"\w+", instruction.lower()))
    return bool(_grams(answer, run) & _grams(instruction, run)) or len(grams & _grams(instruction)) >= 0.5 * len(grams)


def judge(instruction: str, answer: str, verbalisation: str) -> tuple[str | None, list[dict]]:
    """Why an instruction and its answer are dropped (None: kept), and the answer's checked facts."""
    if len(instruction.split()) < 4 or len(instruction) > MAX_INSTRUCTION_CHARS:
        return "bad_instruction", []
    if check(instruction, verbalisation, small_numbers_ok=True).unsupported:
        return "instruction_unsupported", []
    answer = answer.strip()
    if not answer:
        return "empty_answer", []
    if any(p in answer.lower() for p in W["unanswerable"]):
        return "unanswerable", []
    if reveals(instruction, answer):
        return "reveals_answer", []
    checked = check(answer, verbalisation + "\n" + instruction)
    return checked.reason(), checked.facts


def verify_instruct(generator: str, spec: dict, qa: dict) -> str | None:
    """Re-run the checks of an instruct qa on its record's source; what fails, or None."""
    params = qa.get("params") or {}
    verbal = verbalise(generator, spec)
    if verbal is None or verbal != params.get("verbalisation"):
        return f"{qa['family']}: the stored verbalisation is not the source's"
    reason, facts = judge(qa.get("question", ""), qa.get("answer", ""), verbal)
    if reason:
        return f"{qa['family']}: {reason.replace('_', ' ')}"
    if facts != params.get("facts"):
        return f"{qa['family']}: the checked facts differ from the stored ones"
    return None


def is_instruct(qa: dict) -> bool:
    return str(qa.get("family", "")).startswith(FAMILY_PREFIX)
