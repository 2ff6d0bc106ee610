"""`mmsynth bench export`: an lmms-eval task that the real lmms-eval loads and scores with
mmsynth's scorer, and a VLMEvalKit TSV read back with its documented columns."""
from __future__ import annotations

import base64
import json
from pathlib import Path

import pandas as pd
import pytest

from mmsynth.bench import metrics
from mmsynth.cli import main
from mmsynth.generator import answer_text
from mmsynth.record import OPTION_LETTERS

from conftest import read_lines


def test_lmms_eval_loads_the_task_and_scores_with_mmsynths_scorer(small_bench, tmp_path, monkeypatch):
    tasks = pytest.importorskip("lmms_eval.tasks")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    out = tmp_path / "lmms"
    assert main(["bench", "export", str(small_bench), "--format", "lmms-eval", "-o", str(out), "--task", "synth"]) == 0
    assert {p.name for p in out.iterdir()} == {"synth.yaml", "synth.jsonl", "utils.py"}
    manager = tasks.TaskManager(include_path=str(out), include_defaults=False)
    task = tasks.get_task_dict(["synth"], manager)["synth"]
    docs = list(task.test_docs())
    questions, answers = read_lines(small_bench / "questions.jsonl"), {a["id"]: a for a in read_lines(small_bench / "answers.jsonl")}
    assert [d["id"] for d in docs] == [q["id"] for q in questions]
    for doc, q in zip(docs, questions):
        gold = answers[q["id"]]
        assert task.doc_to_text(doc) == q["question"]
        images = task.doc_to_visual(doc)
        assert [im.size for im in images] == [(gold["image_size"] if "image_size" in gold else im.size) for im in images]
        assert len(images) == len(q["images"])
        right = task.process_results(doc, [f"The answer is {answer_text(gold)}."])
        assert right == {"mmsynth_score": 1.0, "mmsynth_accuracy": 1.0}
        for said in ("I cannot tell.", "It is either 1 or 2."):
            got = task.process_results(doc, [said])
            assert got["mmsynth_score"] == metrics.score(gold, said).score  # the same scorer as `small_bench score`
    assert any(task.process_results(d, ["I cannot tell."])["mmsynth_accuracy"] == 0 for d in docs)


def test_vlmevalkit_tsv_has_the_documented_columns(small_bench, tmp_path):
    out = tmp_path / "vlm"
    assert main(["bench", "export", str(small_bench), "--format", "vlmevalkit", "-o", str(out)]) == 0
    table = pd.read_csv(out / f"mmsynth_{small_bench.name}.tsv", sep="\t")  # how VLMEvalKit loads a custom TSV
    assert list(table.columns[:7]) == ["index", "image", "question", "A", "B", "C", "D"]
    assert {"answer", "category"} <= set(table.columns)
    questions, answers = read_lines(small_bench / "questions.jsonl"), {a["id"]: a for a in read_lines(small_bench / "answers.jsonl")}
    assert len(table) == len(questions) and list(table["index"]) == list(range(len(questions)))
    n_mc = 0
    for (_, row), q in zip(table.iterrows(), questions):
        gold = answers[q["id"]]
        assert base64.b64decode(row["image"]) == (small_bench / q["images"][0]).read_bytes()
        assert row["category"] == q["family"] and "Options:" not in row["question"]
        if gold.get("options"):
            n_mc += 1
            letters = OPTION_LETTERS[:len(gold["options"])]
            assert [str(row[c]) for c in letters] == [str(o) for o in gold["options"]]
            assert row[row["answer"]] == row[OPTION_LETTERS[gold["options"].index(gold["answer"])]]
        else:
            assert all(pd.isna(row[c]) for c in "ABCD") and str(row["answer"]) == answer_text(gold)
    assert n_mc and n_mc < len(table)


def test_export_errors_are_one_line(tmp_path, capsys):
    assert main(["bench", "export", str(tmp_path), "--format", "vlmevalkit", "-o", str(tmp_path / "o")]) == 2
    assert "not a benchmark folder" in capsys.readouterr().err
