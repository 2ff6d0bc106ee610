"""mmsynth audit: finds planted ambiguity and grammar problems, counts shapes, writes HTML."""

import json
import shutil

from mmsynth.audit.grammar import problems
from mmsynth.audit.shapes import shape
from mmsynth.cli import main


def test_grammar_rules_catch_the_issue_examples_and_spare_fluent_text():
    for bad in ("Does Lemonade have a greater orders than Green Tea?", "Which city leads in rainfall at Mar?",
                "How many stations have a elevation above 662 m?", "What is the average average temperature?",
                "There is 1 bottles left.", "Which {label} is it?"):
        assert problems(bad), bad
    for good in ("Does Lemonade have more orders than Green Tea?", "Is it an F or a B?", "Which one comes first?",
                 "How many routes connect A and Z?", "Which is closer to E: A or V?", "Looking at Jan and Mar, which is higher?",
                 "In Image 1 lacks nothing.", "It is an hour away, a university town."):
        assert not problems(good), good


def test_shape_masks_slot_values_and_numbers():
    a = shape("Which city has more rain than Oslo in 2021?", [{"b": "Oslo"}])
    b = shape("Which city has more rain than New Delhi in 2022?", [{"b": "New Delhi"}])
    assert a == b == "Which city has more rain than {} in {}?"


def test_audit_finds_planted_problems_and_writes_its_page(tmp_path, small_corpus, capsys):
    corpus = tmp_path / "c"
    shutil.copytree(small_corpus, corpus)
    shard = sorted((corpus / "data").glob("chart.bar-*.jsonl"))[0]
    recs = [json.loads(line) for line in shard.read_text().splitlines()]
    qa = recs[0]["qa"][0]
    qa["question"] = "Is there a apple in the chart?"
    recs[1]["qa"][0].update(options=["7", "8", "12"], answer="8", answer_type="choice", tolerance=1)
    shard.write_text("".join(json.dumps(r) + "\n" for r in recs))
    assert main(["audit", str(corpus), "-q"]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.startswith("chart.bar"))
    _, _, ambiguous, grammar, *_ = row.split()
    assert int(ambiguous) >= 1 and int(grammar) >= 1
    assert "distinct question shapes per family" in out
    page = (corpus / "audit.html").read_text()
    assert "a apple" in page and "within the tolerance 1 of the answer" in page and "<img" in page
    assert main(["audit", str(corpus), "-q"]) == 0   # its own earlier page is replaced
