"""Composable phrasing templates: groups, optional clauses, word sets, and the engine using them."""
import numpy as np
import pytest
import yaml

from mmsynth.questions import Solution, Solvers, ask, load_families
from mmsynth.templates import count, expansions, parse, render, substitute_words


def test_groups_nest_and_expand_to_every_sentence():
    t = "<How many {x} <are there|can you see>|Count the {x}><, please|>?"
    got = set(expansions(t))
    assert got == {"How many {x} are there?", "How many {x} can you see?", "Count the {x}?",
                   "How many {x} are there, please?", "How many {x} can you see, please?", "Count the {x}, please?"}
    assert count(t) == 6
    rng = np.random.default_rng(0)
    assert {render(t, rng) for _ in range(400)} == got


def test_optional_clause_leaves_no_double_space_or_space_before_punctuation():
    assert set(expansions("Count the cubes <in the image|> .")) == {"Count the cubes in the image.", "Count the cubes."}


def test_plain_phrasing_is_used_as_written_and_draws_nothing():
    rng, ref = np.random.default_rng(5), np.random.default_rng(5)
    assert render("Is there an edge {a} -> {b}?", rng) == "Is there an edge {a} -> {b}?"
    assert rng.random() == ref.random()


def test_unbalanced_and_unknown_word_sets_are_errors():
    with pytest.raises(ValueError, match="unclosed"):
        parse("How <many|much")
    with pytest.raises(ValueError, match="unknown word set"):
        substitute_words("In the <@picture>", {}, "here")
    assert substitute_words("In the <@pic>.", {"pic": ["image", "photo"]}, "here") == "In the <image|photo>."


def test_families_load_word_sets_and_count_expansions(tmp_path):
    q = Solvers()
    q.solve("toy.one")(lambda spec: Solution(1))
    path = tmp_path / "q.yaml"
    path.write_text(yaml.safe_dump({
        "_words": {"pic": ["image", "picture", "photo"]},
        "toy.one": {"skill": "perception", "answer_type": "number", "phrasings": ["What is in the <@pic>?"]}}))
    fam = load_families(path, q)[0]
    texts = {ask(fam, {}, np.random.default_rng(s), mc_share=0)["question"] for s in range(60)}
    assert texts == {"What is in the image?", "What is in the picture?", "What is in the photo?"}
    path.write_text(yaml.safe_dump({"toy.one": {"skill": "perception", "answer_type": "number",
                                                "phrasings": ["What is <this|that>?"]}}))
    with pytest.raises(ValueError, match="at least 3 phrasings"):
        load_families(path, q)
