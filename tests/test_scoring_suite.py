"""The scorer against the hand-labelled adversarial suites (tests/data/scoring_suite*.yaml):
at least 97% agreement with the labels and at most 1% of the wrong predictions accepted.
``perf/scoring_agreement.py`` prints the same figures beside the published scorers'."""
from __future__ import annotations

from pathlib import Path

import pytest

from mmsynth.bench.agreement import agreement, load_cases, mmsynth_accepts
from mmsynth.record import ANSWER_TYPES

DATA = Path(__file__).parent / "data"
SUITE, HELDOUT = DATA / "scoring_suite.yaml", DATA / "scoring_suite_heldout.yaml"


def test_the_suite_is_large_and_covers_every_answer_type_with_both_labels():
    cases = load_cases(SUITE)
    assert len(cases) >= 400
    for answer_type in ANSWER_TYPES:
        labels = {c.correct for c in cases if c.answer["answer_type"] == answer_type}
        assert labels == {True, False}, answer_type


@pytest.mark.parametrize("path", [SUITE, HELDOUT], ids=["suite", "heldout"])
def test_agreement_with_the_labels(path):
    cases = load_cases(path)
    a = agreement(cases, mmsynth_accepts)
    misses = [(c.answer["answer"], c.prediction, c.correct) for c in cases if mmsynth_accepts(c) != c.correct]
    assert a.agree >= 0.97, misses
    assert a.wrong_accepted <= 0.01, [m for m in misses if not m[2]]
