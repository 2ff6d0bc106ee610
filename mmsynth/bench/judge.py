"""An optional LLM judge for the answers the rules cannot decide (``bench score --judge``).

Free-form answers (text and list types) and answers in which the rules found no candidate
at all are sent, with the question and the reference answer, to an OpenAI-compatible
model (:mod:`mmsynth.llm`: cached, concurrent, retried); its verdict is kept beside the
rule verdict, never instead of it. The summary reports how often the two agree, the
accuracy each gives on the judged questions, and the overall score with the judge's
verdicts in place of the rules' on those questions.
"""
from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import yaml

from mmsynth.bench import metrics
from mmsynth.generator import answer_text
from mmsynth.llm import ChatClient, LLMError

FREE_FORM = ("text", "list")
MAX_LISTED = 20


@functools.lru_cache(maxsize=None)
def prompt() -> dict:
    """The judge's prompt and verdict words (``judge.yaml``)."""
    return yaml.safe_load(Path(__file__).with_name("judge.yaml").read_text(encoding="utf-8"))


def needs_judge(answer: dict, extracted: Any, missing: bool) -> bool:
    """Whether the rules leave a question undecided: a free-form answer, or nothing read."""
    return not missing and (answer["answer_type"] in FREE_FORM or extracted is None)


def messages(answer: dict, prediction: str) -> list[dict[str, str]]:
    p = prompt()
    user = p["user"].format(question=answer.get("question") or "(not stored in this benchmark)",
                            gold=answer_text(answer), prediction=prediction)
    return [{"role": "system", "content": p["system"]}, {"role": "user", "content": user}]


def verdict(reply: str) -> bool | None:
    """CORRECT -> True, WRONG -> False, anything else -> None (counted as unparsed)."""
    first = re.findall(r"[a-z]+", reply.lower())[:1]
    p = prompt()
    if first and first[0] in p["correct_words"]:
        return True
    if first and first[0] in p["wrong_words"]:
        return False
    return None


def judge(answers: list[dict], items: list, responses: dict[str, list[str]], client: ChatClient) -> dict:
    """Ask the judge about the undecided questions; set ``item.judge`` and return the figures."""
    by_id = {a["id"]: a for a in answers}
    asked = [i for i in items if needs_judge(by_id[i.id], i.extracted, i.missing)]
    replies = client.chat_many([messages(by_id[i.id], responses[i.id][0]) for i in asked], progress=True,
                               desc="judge")
    failed = unparsed = 0
    for item, reply in zip(asked, replies):
        if isinstance(reply, LLMError):
            failed += 1
            continue
        item.judge = verdict(reply)
        unparsed += item.judge is None
    judged = [i for i in asked if i.judge is not None]
    rule = [metrics.accepted(by_id[i.id], metrics.Scored(i.score, i.extracted, i.value)) for i in judged]
    agree = [r == i.judge for r, i in zip(rule, judged)]
    with_judge = [float(i.judge) if i.judge is not None else i.score for i in items]
    return {"model": client.model, "asked": len(asked), "judged": len(judged), "failed": failed,
            "unparsed": unparsed, "requests_sent": client.requests_sent, "cache_hits": client.cache_hits,
            "agreement": sum(agree) / len(judged) if judged else None,
            "rule_accuracy": sum(rule) / len(judged) if judged else None,
            "judge_accuracy": sum(i.judge for i in judged) / len(judged) if judged else None,
            "overall_with_judge": sum(with_judge) / len(items) if items else 0.0,
            "disagreements": [i.id for r, i in zip(rule, judged) if r != i.judge][:MAX_LISTED]}
