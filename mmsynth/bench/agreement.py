"""Agreement of a scorer with labelled verdicts: the labelled adversarial suite
(``tests/data/scoring_suite.yaml``) and the LLM judge's verdicts beside the rules'.

A suite file is a YAML list of gold answer entries (as in ``answers.jsonl``), each with
the predictions a careful grader accepts (``correct``) and rejects (``wrong``).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import yaml

from mmsynth.bench import metrics


@dataclass
class Case:
    """One labelled prediction."""
    answer: dict
    prediction: str
    correct: bool


def load_cases(path: str | Path) -> list[Case]:
    """The labelled predictions of a suite file, with each gold entry's metric filled in."""
    out = []
    for group in yaml.safe_load(Path(path).read_text(encoding="utf-8")):
        answer = {k: v for k, v in group.items() if k not in ("correct", "wrong")}
        answer.setdefault("skill", "perception")
        answer.setdefault("options", None)
        answer["metric"] = metrics.metric_for(answer["answer_type"], answer["skill"], answer["options"])
        out += [Case(answer, str(p), True) for p in group.get("correct", [])]
        out += [Case(answer, str(p), False) for p in group.get("wrong", [])]
    return out


def mmsynth_accepts(case: Case) -> bool:
    """Whether mmsynth's rules accept a prediction."""
    return metrics.accepted(case.answer, metrics.score(case.answer, case.prediction))


@dataclass
class Agreement:
    n: int
    agree: float          # share of cases where the scorer's verdict is the label
    wrong_accepted: float  # share of the wrong predictions the scorer accepts
    right_rejected: float  # share of the correct predictions the scorer rejects


def agreement(cases: list[Case], accepts: Callable[[Case], bool | None]) -> Agreement | None:
    """How a scorer's verdicts (None: the scorer does not apply) agree with the labels."""
    verdicts = [(c.correct, v) for c in cases if (v := accepts(c)) is not None]
    if not verdicts:
        return None
    wrong = [v for label, v in verdicts if not label]
    right = [v for label, v in verdicts if label]
    return Agreement(len(verdicts), sum(label == v for label, v in verdicts) / len(verdicts),
                     sum(wrong) / len(wrong) if wrong else 0.0,
                     sum(not v for v in right) / len(right) if right else 0.0)
