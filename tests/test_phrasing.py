"""The language layer of the question engine: English format specs, lead-ins, imperatives."""

import numpy as np
import pytest
import yaml

from mmsynth.phrasing import FORMATTER
from mmsynth.questions import Solution, Solvers, ask, load_families
from mmsynth.templates import render


def test_spaces_at_the_edge_of_an_alternative_separate_words():
    rng = np.random.default_rng(0)
    got = {render("Which has the {m}< in the chart|>? It is <the |>top", rng) for _ in range(60)}
    assert got == {"Which has the {m} in the chart? It is the top", "Which has the {m}? It is top",
                   "Which has the {m} in the chart? It is top", "Which has the {m}? It is the top"}


@pytest.mark.parametrize("template,values,expected", [
    ("Is there {x:a}?", {"x": "orange"}, "Is there an orange?"),
    ("Is there {x:a}?", {"x": "university"}, "Is there a university?"),
    ("{x:no={n}}", {"x": "order", "n": 1}, "1 order"),
    ("{x:no={n}}", {"x": "order", "n": 3}, "3 orders"),
    ("the {n:ord} city", {"n": 2}, "the 2nd city"),
    ("the {n:ordw} city", {"n": 3}, "the third city"),
    ("{n:words} cities", {"n": 21}, "twenty-one cities"),
    ("{x:pl}", {"x": "city"}, "cities"),
    ("{v:.2f}", {"v": 2}, "2.00"),
])
def test_language_formatter_speaks_english(template, values, expected):
    assert FORMATTER.format(template, **values) == expected


def _family(tmp_path, data):
    q = Solvers()
    q.solvers["toy.value"] = lambda spec, label: Solution(spec[label])
    q.binders["toy.value"] = lambda spec, rng: {"label": "apple"}
    path = tmp_path / "q.yaml"
    path.write_text(yaml.safe_dump(data))
    (fam,) = load_families(path, q)
    return fam


def test_lead_ins_shared_word_sets_and_imperatives(tmp_path):
    fam = _family(tmp_path, {
        "_words": {"amount": ["value", "amount"]},
        "_lead": "<@lead_chart>",
        "toy.value": {"skill": "perception", "answer_type": "number",
                      "phrasings": ["What is the <@amount> of {label:a}< here|>?"]},
    })
    texts = {ask(fam, {"apple": 3}, np.random.default_rng(s), mc_share=0)["question"] for s in range(1500)}
    assert "What is the value of an apple?" in texts
    assert any(t.startswith("According to the graph, ") for t in texts)
    assert "Looking at the figure, what is the amount of an apple here?" in texts
    assert any(t.startswith(("State the", "Give the", "Tell me the")) and t.endswith(".") for t in texts)
    assert not any("{" in t or "<" in t or "  " in t or " ," in t for t in texts)


def test_a_family_can_go_without_the_lead_in(tmp_path):
    fam = _family(tmp_path, {
        "_lead": "<@lead_chart>",
        "toy.value": {"skill": "perception", "answer_type": "number", "lead": False,
                      "phrasings": ["How big is {label}?", "How large is {label}?", "Size of {label}?"]},
    })
    texts = {ask(fam, {"apple": 3}, np.random.default_rng(s), mc_share=0)["question"] for s in range(100)}
    assert texts == {"How big is apple?", "How large is apple?", "Size of apple?"}
