"""`bench score --judge URL --model NAME`: an LLM judge (a real HTTP server on 127.0.0.1)
for the answers the rules cannot decide, its verdict kept beside the rules', agreement
reported, replies cached, a down server a one-line error."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from mmsynth.bench.judge import verdict
from mmsynth.cli import main
from mmsynth.generator import answer_text
from conftest import read_lines
from test_llm import FakeLLM


def grader(body: dict) -> str:
    """A judge that calls an answer correct when it contains the reference answer."""
    text = body["messages"][-1]["content"]
    gold = re.search(r"Reference answer: (.*)", text).group(1)
    said = re.search(r"Model answer: (.*)", text).group(1)
    return "CORRECT" if gold.lower() in said.lower() else "WRONG."


def predictions(small_bench: Path, path: Path) -> dict[str, str]:
    """Free-form answers the rules read differently from a contains-the-answer judge."""
    preds = {}
    for k, a in enumerate(read_lines(small_bench / "answers.jsonl")):
        gold = answer_text(a)
        preds[a["id"]] = [f"{gold}", f"Maybe {gold}, or maybe not.", "I cannot tell from the image."][k % 3]
    path.write_text("".join(json.dumps({"id": i, "prediction": p}) + "\n" for i, p in preds.items()))
    return preds


def test_the_judge_decides_free_form_answers_beside_the_rules(small_bench, tmp_path, capsys):
    preds_path = tmp_path / "p.jsonl"
    preds = predictions(small_bench, preds_path)
    answers = {a["id"]: a for a in read_lines(small_bench / "answers.jsonl")}
    srv = FakeLLM(reply=grader)
    try:
        args = ["bench", "score", str(small_bench), str(preds_path), "--judge", srv.url, "--model", "judge-m", "--json"]
        assert main(args) == 0
        summary = json.loads(capsys.readouterr().out)
        items = {i["id"]: i for i in read_lines(tmp_path / "p.score" / "items.jsonl")}
        asked = [i for i in items.values() if i["answer_type"] in ("text", "list") or i["extracted"] is None]
        j = summary["judge"]
        assert j["asked"] == len(asked) == len(srv.requests) > 0 and j["judged"] == j["asked"]
        assert j["failed"] == j["unparsed"] == 0 and j["model"] == "judge-m"
        for i in items.values():  # the judge's verdict sits beside the rule score, only where asked
            expected = (answer_text(answers[i["id"]]).lower() in preds[i["id"]].lower()) if i in asked else None
            assert i["judge"] == expected, i
        rule_ok = [i["score"] == 1 for i in asked]
        agree = sum(r == i["judge"] for r, i in zip(rule_ok, asked)) / len(asked)
        assert j["agreement"] == pytest.approx(agree) and j["rule_accuracy"] == pytest.approx(sum(rule_ok) / len(asked))
        assert j["agreement"] < 1 and j["disagreements"]  # "Maybe X, or maybe not." is a hedge to the rules
        with_judge = [float(i["judge"]) if i["judge"] is not None else i["score"] for i in items.values()]
        assert j["overall_with_judge"] == pytest.approx(sum(with_judge) / len(with_judge))
        body = srv.requests[0]["body"]
        assert body["model"] == "judge-m" and body["temperature"] == 0
        assert "Reference answer:" in body["messages"][-1]["content"] and "Question:" in body["messages"][-1]["content"]
        sent = len(srv.requests)
        assert main(args) == 2  # the folder holds that output now: replacing it is asked for (issue #22)
        assert "use --overwrite to replace it" in capsys.readouterr().err and len(srv.requests) == sent
        assert main(args + ["--overwrite"]) == 0  # a rerun is answered from the cache, which --overwrite keeps
        assert json.loads(capsys.readouterr().out)["judge"]["cache_hits"] == j["asked"] and len(srv.requests) == sent
        assert main(args[:-1] + ["--overwrite"]) == 0 and "LLM judge judge-m: asked about" in capsys.readouterr().out
    finally:
        srv.close()


def test_a_down_judge_is_a_one_line_error_and_garbage_is_counted(small_bench, tmp_path, capsys):
    preds_path = tmp_path / "p.jsonl"
    predictions(small_bench, preds_path)
    srv = FakeLLM(reply=lambda body: "Hmm, hard to say.")
    try:
        assert main(["bench", "score", str(small_bench), str(preds_path), "--judge", srv.url, "--model", "m", "--json"]) == 0
        j = json.loads(capsys.readouterr().out)["judge"]
        assert j["unparsed"] == j["asked"] > 0 and j["judged"] == 0 and j["agreement"] is None
    finally:
        srv.close()
    args = ["bench", "score", str(small_bench), str(preds_path), "--judge", srv.url, "--model", "m", "--retries", "0",
            "--out", str(tmp_path / "down")]
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert "unreachable" in err and len(err.splitlines()) == 1
    assert main(["bench", "score", str(small_bench), str(preds_path), "--judge", srv.url]) == 2
    assert "--judge and --model go together" in capsys.readouterr().err


@pytest.mark.parametrize("reply,expected", [("CORRECT", True), ("correct.", True), ("WRONG", False),
                                            ("Incorrect, it says 5.", False), ("**Correct**", True),
                                            ("I think so", None), ("", None)])
def test_verdict_words(reply, expected):
    assert verdict(reply) == expected
