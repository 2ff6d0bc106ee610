"""Instruction-following track (MMMT-IF, Epstein et al. 2024): multi-turn dialogues about one
image where global format instructions are inserted between the questions and stay in
force for every later turn; each instruction is checked by code.

Files (in the benchmark folder, written by ``bench build --if-track``)::

    if_dialogues.jsonl   what a model is shown, one dialogue per line:
        {"id": "if-00003", "images": ["images/..png"],
         "turns": [{"id": "if-00003-t0", "prompt": "From now on ...\\nWhat is ...?"}, ...]}
      Run the turns in order in ONE conversation (the images before the first prompt,
      the model's own earlier answers kept in the history).
    if_answers.jsonl     one line per turn, what scoring needs:
        {"id": "if-00003-t0", "dialogue": "if-00003", "turn": 0,
         "instructions": [{"kind": "max_words", "args": {"n": 8}, "text": "...", "since": 0}],
         "answer": ..., "answer_type": ..., "options": ..., "metric": ..., ...}
      ``instructions`` lists every instruction in force at that turn.

Predictions for the track are lines of the ordinary predictions file keyed by turn id:
``{"id": "if-00003-t0", "prediction": "text"}``, or ``{"id": ..., "predictions": [N texts]}``
for N sampled responses (needed for PIF-N-K).

Metrics:
* PIF of a response: the fraction of the instructions in force that it follows; PIF of
  the track: the mean over turns (and responses).
* PIF-N-K: the fraction of turns where at least K of the N responses follow every
  instruction in force (N = the fewest responses given for any turn).
"""
from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any, Callable

import numpy as np
import yaml

from mmsynth.bench.metrics import metric_for
from mmsynth.generator import question_prompt
from mmsynth.rand import pick, pick_n

Checker = Callable[..., bool]
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)]*\s+|\n+")
_QUOTES = "\"'“”‘’«»"


@functools.lru_cache(maxsize=None)
def catalogue() -> dict:
    """The instruction kinds (``instructions.yaml``)."""
    return yaml.safe_load(Path(__file__).with_name("instructions.yaml").read_text(encoding="utf-8"))


def sentences(text: str) -> list[str]:
    """The sentences of a response: split after . ! ? and at line breaks; bullets dropped."""
    parts = [re.sub(r"^\s*(?:[-*•]|\d+[.)])\s+", "", p) for p in _SENTENCE_END.split(text.strip())]
    return [p.strip() for p in parts if p.strip(" " + _QUOTES)]


def word_count(text: str) -> int:
    return len(re.findall(r"[^\W_]+(?:['’-][^\W_]+)*", text))


def _last_word(sentence: str) -> str:
    found = re.findall(r"[^\W_]+", sentence)
    return found[-1].lower() if found else ""


def _first_letter(sentence: str) -> str:
    m = re.search(r"[^\W\d_]", sentence)
    return m.group(0).upper() if m else ""


CHECKERS: dict[str, Checker] = {
    "max_words": lambda r, n: word_count(r) <= n,
    "min_words": lambda r, n: word_count(r) >= n,
    "end_word": lambda r, word: bool(sentences(r)) and all(_last_word(s) == word.lower() for s in sentences(r)),
    "start_letter": lambda r, letter: bool(sentences(r)) and all(_first_letter(s) == letter.upper()
                                                                 for s in sentences(r)),
    "include_number": lambda r, n: re.search(rf"(?<![\d.]){n}(?![\d]|\.\d)", r) is not None,
    "lowercase": lambda r: r == r.lower(),  # as IFEval: a reply without letters follows both
    "uppercase": lambda r: r == r.upper(),
    "no_commas": lambda r: "," not in r and "，" not in r,
    "quoted": lambda r: len(r.strip()) >= 2 and r.strip()[0] in "\"“" and r.strip()[-1] in "\"”",
    "end_phrase": lambda r, phrase: r.rstrip().endswith(phrase),
}


def follows(response: str, instruction: dict) -> bool:
    """Whether a response follows one instruction ``{"kind": ..., "args": {...}}``."""
    return bool(CHECKERS[instruction["kind"]](response, **instruction.get("args", {})))


def _conflicting(kind: str, active: list[str]) -> bool:
    kinds = catalogue()["kinds"]
    return any(kind == a or a in kinds[kind]["conflicts"] or kind in kinds[a]["conflicts"] for a in active)


def sample_instruction(rng: np.random.Generator, active: list[str]) -> dict | None:
    """A new instruction compatible with the active kinds (None when none is left)."""
    kinds = catalogue()["kinds"]
    free = [k for k in sorted(kinds) if not _conflicting(k, active)]
    if not free:
        return None
    kind = pick(rng, free)
    args = {name: pick(rng, values) for name, values in sorted(kinds[kind]["args"].items())}
    return {"kind": kind, "args": args, "text": pick(rng, kinds[kind]["phrasings"]).format(**args)}


def build_dialogue(rng: np.random.Generator, dialogue_id: str, images: list[str], qa_list: list[dict],
                   max_instructions: int = 3) -> tuple[dict, list[dict]]:
    """One dialogue over the questions of a sample and its per-turn answer lines.

    An instruction opens the dialogue; up to ``max_instructions - 1`` more are inserted
    before later turns (at most one per turn); all stay in force to the end.
    """
    n_turns = len(qa_list)
    later = sorted(pick_n(rng, range(1, n_turns), min(max_instructions - 1, n_turns - 1))) if n_turns > 1 else []
    active: list[dict] = []
    turns, answers = [], []
    for t, qa in enumerate(qa_list):
        prompt = question_prompt(qa)
        if t == 0 or t in later:
            new = sample_instruction(rng, [a["kind"] for a in active])
            if new is not None:
                active.append({**new, "since": t})
                announce = pick(rng, catalogue()["announce"]).format(rule=new["text"])
                prompt = announce + "\n" + prompt
        turn_id = f"{dialogue_id}-t{t}"
        turns.append({"id": turn_id, "prompt": prompt})
        answers.append({"id": turn_id, "dialogue": dialogue_id, "turn": t,
                        "instructions": [dict(a) for a in active], **answer_fields(qa)})
    return {"id": dialogue_id, "images": images, "turns": turns}, answers


def answer_fields(qa: dict) -> dict[str, Any]:
    """What scoring needs of a qa entry (shared by the question track and this one)."""
    out = {"answer": qa["answer"], "answer_type": qa["answer_type"], "options": qa.get("options"),
           "metric": metric_for(qa["answer_type"], qa["skill"], qa.get("options")),
           "family": qa["family"], "skill": qa["skill"], "question": qa["question"]}
    if qa.get("tolerance") is not None:
        out["tolerance"] = qa["tolerance"]
    return out


def turn_results(instructions: list[dict], responses: list[str]) -> list[list[bool]]:
    """For each response, whether it follows each instruction in force."""
    return [[follows(r, ins) for ins in instructions] for r in responses]


def pif_summary(turns: list[tuple[list[dict], list[str] | None]]) -> dict:
    """PIF, PIF-N-K (K = 1..N) and per-kind follow rates over ``(instructions, responses)``
    turns; a turn without responses (missing prediction) follows nothing. ``per_turn``
    holds each turn's PIF (for confidence intervals)."""
    n_resp = min((len(r) for _, r in turns if r), default=0)
    per_turn, all_ok, kinds, by_count = [], [], {}, {}
    for instructions, responses in turns:
        results = turn_results(instructions, responses) if responses else [[False] * len(instructions)]
        pif = float(np.mean([np.mean(r) for r in results])) if instructions else 1.0
        per_turn.append(pif)
        all_ok.append(sum(all(r) for r in results[:n_resp]) if responses else 0)
        for j, ins in enumerate(instructions):
            kinds.setdefault(ins["kind"], []).extend(r[j] for r in results)
        by_count.setdefault(len(instructions), []).append(pif)
    out = {"turns": len(turns), "pif": float(np.mean(per_turn)) if per_turn else 0.0, "responses_per_turn": n_resp,
           "pif_n_k": {f"PIF-{n_resp}-{k}": float(np.mean([a >= k for a in all_ok]))
                       for k in range(1, n_resp + 1)},
           "by_kind": {k: float(np.mean(v)) for k, v in sorted(kinds.items())},
           "by_active_count": {str(k): float(np.mean(v)) for k, v in sorted(by_count.items())},
           "per_turn": per_turn}
    return out

