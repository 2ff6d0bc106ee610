"""The question engine and registry, on a small generator defined here."""

import numpy as np
import pytest
import yaml

from mmsynth import registry
from mmsynth.draw import Canvas, find_overlaps, font
from mmsynth.errors import NotApplicable, UserError
from mmsynth.generator import Generator, Rendered
from mmsynth.questions import Solution, Solvers, ask, ask_many, load_families, verify_qa
from mmsynth.rand import pick, rng_for

Q = Solvers()


@Q.bind("toy.value")
def _bind(spec, rng):
    return {"label": pick(rng, spec["labels"])}


@Q.solve("toy.value")
def _value(spec, label):
    v = spec["values"][spec["labels"].index(label)]
    return Solution(v, distractors=[v, v + 1, v - 1, v + 2])


@Q.solve("toy.max")
def _max(spec):
    vals = spec["values"]
    if vals.count(max(vals)) > 1:
        raise NotApplicable("tie")
    best = spec["labels"][vals.index(max(vals))]
    return Solution(best, rationale=f"{best} has {max(vals)}", distractors=list(spec["labels"]))


FAMILIES = {
    "toy.value": {"skill": "perception", "answer_type": "number",
                  "phrasings": ["What is {label}?", "Value of {label}?", "How much is {label}?"]},
    "toy.max": {"skill": "reasoning", "answer_type": "choice",
                "phrasings": ["Which is largest?", "Which is biggest?", "Which has the most?"]},
}


@pytest.fixture(scope="module")
def families(tmp_path_factory):
    path = tmp_path_factory.mktemp("fam") / "q.yaml"
    path.write_text(yaml.safe_dump(FAMILIES))
    return {f.name: f for f in load_families(path, Q)}


def test_ask_computes_answer_and_mc_has_answer_once(families):
    spec = {"labels": ["a", "b", "c"], "values": [3, 7, 5]}
    for seed in range(40):
        qa = ask(families["toy.value"], spec, np.random.default_rng(seed), mc_share=0.5)
        expected = spec["values"][spec["labels"].index(qa["params"]["label"])]
        if qa["options"]:
            assert qa["answer_type"] == "choice" and qa["answer"] == str(expected)
            assert qa["options"].count(str(expected)) == 1  # the distractor equal to the answer was dropped
            assert len(set(qa["options"])) == len(qa["options"])
        else:
            assert qa["answer"] == expected
        assert verify_qa(families["toy.value"], spec, qa) is None


def test_not_applicable_family_is_skipped(families):
    spec = {"labels": ["a", "b"], "values": [4, 4]}
    qas = ask_many(list(families.values()), spec, np.random.default_rng(0), k=5)
    assert [q["family"] for q in qas] == ["toy.value"]


def test_verify_catches_a_tampered_answer(families):
    spec = {"labels": ["a", "b", "c"], "values": [3, 7, 5]}
    qa = ask(families["toy.max"], spec, np.random.default_rng(1), mc_share=0.0)
    assert qa["answer"] == "b" and qa["rationale"] == "b has 7"
    qa["answer"] = "c"
    assert "recomputed 'b'" in verify_qa(families["toy.max"], spec, qa)


def test_family_needs_three_phrasings(tmp_path):
    path = tmp_path / "q.yaml"
    path.write_text(yaml.safe_dump({"toy.max": {**FAMILIES["toy.max"], "phrasings": ["Which?"]}}))
    with pytest.raises(ValueError, match="at least 3 phrasings"):
        load_families(path, Q)


def test_rng_is_keyed_by_seed_index_and_name():
    a = rng_for(0, 5, "chart.bar").integers(1 << 30, size=4)
    assert (a == rng_for(0, 5, "chart.bar").integers(1 << 30, size=4)).all()
    assert not (a == rng_for(0, 6, "chart.bar").integers(1 << 30, size=4)).all()
    assert not (a == rng_for(0, 5, "chart.line").integers(1 << 30, size=4)).all()


def test_registry_patterns_and_suggestions():
    assert "chart.bar" in registry.resolve(["chart.*"])
    assert registry.resolve(["chart.bar", "chart.*"])[0] == "chart.bar"
    with pytest.raises(UserError, match="did you mean chart.bar"):
        registry.resolve(["chart.bra"])
    with pytest.raises(UserError, match="no generator matches 'nothing.*'"):
        registry.resolve(["nothing.*"])


def test_canvas_records_text_boxes_and_refuses_tiny_text():
    c = Canvas(200, 100)
    a = c.text((10, 10), "Sales", font("sans", 14))
    b = c.text((10, 60), "2024", font("sans", 14), angle=45)
    assert a.box[0] >= 10 and a.box[2] > a.box[0] and b.angle == 45
    assert find_overlaps(c.texts) == []
    assert not c.fits(a.box)
    c.text((12, 12), "Sales", font("sans", 14))
    assert len(find_overlaps(c.texts)) == 1
    with pytest.raises(ValueError, match="below the 10px minimum"):
        c.text((0, 0), "tiny", font("sans", 6))


def test_base_generator_verify_reports_unknown_family(families):
    class Toy(Generator):
        task = "chart"

        def sample_spec(self, rng):
            return {"labels": ["a"], "values": [1]}

        def render(self, spec, style):
            return Rendered([])

    Toy.families = list(families.values())
    Toy.name = "toy.gen"
    rec = {"source": {"labels": ["a"], "values": [1]}, "qa": [{"family": "nope", "answer": 1}]}
    assert "unknown family 'nope'" in Toy().verify(rec)[0]
    assert Toy().render(Toy().sample_spec(None), {}).texts == []
