"""One check shared by the generator test files: every family asked as multiple choice."""
import numpy as np

from mmsynth.errors import NotApplicable
from mmsynth.questions import ask
from mmsynth.record import option_key


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
