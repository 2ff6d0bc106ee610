"""Checks shared by the generator test files: every family asked as multiple choice, and
how often a yes/no family answers yes."""
import numpy as np

from mmsynth.errors import NotApplicable
from mmsynth.questions import ask
from mmsynth.rand import rng_for
from mmsynth.record import option_key
from mmsynth.registry import create


def assert_mc_forms(gen, specs) -> int:
    """Ask every family of ``gen`` as multiple choice on each spec: the answer is among distinct
    options exactly once. Returns how many multiple-choice questions were asked."""
    asked = 0
    for i, spec in enumerate(specs):
        for fam in gen.families:
            try:
                qa = ask(fam, spec, np.random.default_rng(i), mc_share=1.0)
            except NotApplicable:
                continue
            if qa["options"] is None:
                continue
            asked += 1
            keys = [option_key(o) for o in qa["options"]]
            assert keys.count(option_key(qa["answer"])) == 1, qa
            assert len(set(keys)) == len(keys), qa
            assert len(keys) >= 2
    return asked


def yes_share(generator: str, family: str, n: int = 400) -> float:
    """The share of "yes" among ``family``'s answers on ``n`` sampled specs (where it applies)."""
    gen = create(generator)
    fam = next(f for f in gen.families if f.name == family)
    answers = []
    for i in range(n):
        try:
            answers.append(ask(fam, gen.sample_spec(rng_for(0, i, generator)), np.random.default_rng(i), 0.0)["answer"])
        except NotApplicable:
            continue
    assert len(answers) >= n // 4, f"{family} applies to too few specs to measure"
    return answers.count("yes") / len(answers)

