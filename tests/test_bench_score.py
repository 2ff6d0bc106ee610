"""`mmsynth bench score` on a hand-written benchmark: malformed prediction files reported by
file:line, missing predictions counted wrong, per-group scores, bootstrap intervals,
answer-prior baselines, the instruction-following checkers and PIF / PIF-N-K."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from mmsynth.bench import ifeval
from mmsynth.bench.score import baseline_predictions, bootstrap_ci, load_answers, score_bench
from mmsynth.cli import main
from mmsynth.errors import UserError

BOOKS = ["Books", "Toys", "Games", "Food"]


def _a(qid, answer, answer_type, family, task, options=None, skill="reasoning"):
    from mmsynth.bench.metrics import metric_for
    return {"id": qid, "answer": answer, "answer_type": answer_type, "options": options, "family": family,
            "task": task, "skill": skill, "metric": metric_for(answer_type, skill, options)}


ANSWERS = [
    _a("q1", 12, "number", "f.count", "chart", skill="perception"),
    _a("q2", "Toys", "choice", "f.pick", "chart", BOOKS),
    _a("q3", "yes", "yesno", "f.yn", "map"), _a("q4", "no", "yesno", "f.yn", "map"),
    _a("q5", ["A", "B", "C", "D"], "route", "f.route", "map"),
    _a("q6", [0, 0, 10, 10], "bbox", "f.box", "scene", skill="perception"),
    _a("q7", "yes", "yesno", "f.yn", "map"), _a("q8", "yes", "yesno", "f.yn", "map"),
]
LOWER = {"kind": "lowercase", "args": {}, "text": "Use only lowercase letters.", "since": 0}
SHORT = {"kind": "max_words", "args": {"n": 3}, "text": "Answer in at most 3 words.", "since": 1}
IF_ANSWERS = [
    {**_a("if-0-t0", 12, "number", "f.count", "chart"), "dialogue": "if-0", "turn": 0, "instructions": [LOWER]},
    {**_a("if-0-t1", "yes", "yesno", "f.yn", "chart"), "dialogue": "if-0", "turn": 1, "instructions": [LOWER, SHORT]},
]


def write_jsonl(path: Path, rows) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows))
    return path


@pytest.fixture()
def bench(tmp_path) -> Path:
    b = tmp_path / "bench"
    b.mkdir()
    (b / "bench.json").write_text(json.dumps({"format": "mmsynth-bench/1"}))
    write_jsonl(b / "answers.jsonl", ANSWERS)
    write_jsonl(b / "if_answers.jsonl", IF_ANSWERS)
    return b


def messy_predictions(path: Path) -> Path:
    return write_jsonl(path, [
        "\ufeff" + json.dumps({"id": "q1", "prediction": "twelve"}),  # a BOM, as Windows editors write
        "not json",
        "[1, 2]",
        {"prediction": "x"},
        {"id": "q2", "prediction": None},
        {"id": "q1", "prediction": "13"},
        {"id": "zzz", "prediction": "x"},
        "",
        {"id": "q3", "prediction": "Yes."},
        {"id": "q5", "prediction": "A -> B -> D"},
        {"id": "q6", "prediction": "[0, 0, 10, 8]"},
        {"id": "q7", "prediction": "No"},
    ])


def test_malformed_lines_are_reported_by_file_and_line_and_missing_ones_count_wrong(bench, tmp_path):
    p = messy_predictions(tmp_path / "p.jsonl")
    summary, items = score_bench(bench, p)
    assert summary["problems"] == [
        f"{p}:2: not valid JSON (Expecting value at column 1)",
        f"{p}:3: expected an object, got list",
        f"{p}:4: no 'id'",
        f"{p}:5: id 'q2' has no 'prediction' string (or 'predictions' list of strings)",
        f"{p}:6: duplicate id 'q1' (first on line 1, which is scored)",
        f"{p}:7: unknown id 'zzz'",
    ]
    assert summary["missing"] == ["q2", "q4", "q8"] and summary["answered"] == 5
    # q1 twelve=1, q3 yes=1, q5 LCS 3/4, q6 IoU 0.8 >= 0.5, q7 wrong; q2, q4, q8 missing
    assert summary["overall"] == pytest.approx(3.75 / 8)
    assert summary["groups"]["task"]["chart"]["score"] == pytest.approx(0.5)
    assert summary["groups"]["task"]["map"]["score"] == pytest.approx(1.75 / 5)
    assert summary["groups"]["family"]["f.yn"]["n"] == 4
    assert summary["groups"]["skill"]["perception"]["score"] == 1.0
    assert summary["groups"]["answer_type"]["route"]["score"] == 0.75
    assert summary["metrics"] == {"mean_iou": pytest.approx(0.8), "route_exact": 0.0}
    assert {i.id: i.extracted for i in items}["q1"] == 12.0
    lo, hi = summary["overall_ci"]
    assert 0 <= lo <= summary["overall"] <= hi <= 1
    assert "if_track" not in summary  # no turn of that track was predicted


def test_baselines_use_the_family_prior_without_the_question_itself(bench, tmp_path):
    preds = baseline_predictions(load_answers(bench), seed=0)
    # f.yn answers yes, no, yes, yes: leaving each out, the majority is "yes" every time
    assert [preds["majority"][q] for q in ("q3", "q4", "q7", "q8")] == [["yes"]] * 4
    assert preds["majority"]["q1"] == [""]  # a family of one question has no prior
    assert preds["majority"]["q2"] == ["A"]  # no option was ever an answer: the first
    assert all(p[0] in "ABCD" for p in [preds["random"]["q2"]])
    assert all(preds["random"][q][0] in ("yes", "no") for q in ("q3", "q4", "q7", "q8"))
    assert baseline_predictions(load_answers(bench), seed=0) == preds
    summary, _ = score_bench(bench, messy_predictions(tmp_path / "p.jsonl"), baselines=True)
    assert summary["baselines"]["majority"]["groups"]["family"]["f.yn"]["score"] == 0.75
    assert summary["baselines"]["majority"]["overall"] == pytest.approx(3 / 8)
    assert 0 <= summary["baselines"]["random"]["overall"] <= 1


def test_bootstrap_interval_is_seeded_and_about_the_normal_width():
    scores = np.array([1.0, 0.0] * 500)
    a, b = bootstrap_ci(scores, 0, "x"), bootstrap_ci(scores, 0, "x")
    assert a == b and a[0] < 0.5 < a[1]
    assert 0.05 < a[1] - a[0] < 0.075  # 2 * 1.96 * sqrt(0.25 / 1000) = 0.062
    assert bootstrap_ci(np.ones(7), 0, "y") == [1.0, 1.0]
    # 1000 questions asked 10 at a time about 100 images that are all right or all wrong:
    # only 100 independent draws, so the interval is about sqrt(10) times wider
    clustered = bootstrap_ci(np.repeat([1.0, 0.0] * 50, 10), 0, "x", clusters=[str(k // 10) for k in range(1000)])
    assert 0.17 < clustered[1] - clustered[0] < 0.22  # 2 * 1.96 * sqrt(0.25 / 100) = 0.196


@pytest.mark.parametrize("kind,args,response,expected", [
    ("max_words", {"n": 5}, "The answer is twelve.", True),
    ("max_words", {"n": 5}, "There are exactly twelve bars here.", False),
    ("min_words", {"n": 8}, "I count twelve bars in this chart overall.", True),
    ("min_words", {"n": 8}, "Twelve.", False),
    ("end_word", {"word": "indeed"}, "It is twelve indeed. Books win, indeed!", True),
    ("end_word", {"word": "indeed"}, "\"It is twelve indeed.\"", True),
    ("end_word", {"word": "indeed"}, "It is twelve indeed. Books win.", False),
    ("start_letter", {"letter": "S"}, "Surely twelve. Some say so.", True),
    ("start_letter", {"letter": "S"}, "surely twelve.", True),
    ("start_letter", {"letter": "S"}, "Surely twelve. Others disagree.", False),
    ("include_number", {"n": 42}, "The answer is B, and 42.", True),
    ("include_number", {"n": 42}, "The answer is 420.", False),
    ("include_number", {"n": 42}, "It is 4.2 or 42.5", False),
    ("lowercase", {}, "the answer is b.", True),
    ("lowercase", {}, "The answer is b.", False),
    ("uppercase", {}, "THE ANSWER IS B.", True),
    ("uppercase", {}, "THE ANSWER is B.", False),
    ("no_commas", {}, "Twelve bars.", True),
    ("no_commas", {}, "Twelve, I think.", False),
    ("quoted", {}, "\"Twelve.\"", True),
    ("quoted", {}, "\u201cTwelve.\u201d", True),
    ("quoted", {}, "Twelve.", False),
    ("quoted", {}, "\"Twelve.", False),
    ("end_phrase", {"phrase": "That is all."}, "Twelve. That is all.  ", True),
    ("end_phrase", {"phrase": "That is all."}, "Twelve. That is all", False),
])
def test_instruction_checkers(kind, args, response, expected):
    assert ifeval.follows(response, {"kind": kind, "args": args}) is expected


def test_every_instruction_kind_has_a_checker_and_formats_its_phrasings():
    kinds = ifeval.catalogue()["kinds"]
    assert set(kinds) == set(ifeval.CHECKERS)
    rng = np.random.default_rng(0)
    for _ in range(50):
        ins = ifeval.sample_instruction(rng, [])
        assert "{" not in ins["text"] and ins["kind"] in kinds
    assert ifeval.sample_instruction(rng, list(kinds)) is None


def test_pif_and_pif_n_k_on_hand_written_responses(bench, tmp_path):
    p = write_jsonl(tmp_path / "if.jsonl", [
        {"id": "if-0-t0", "predictions": ["twelve", "Twelve"]},            # follows: yes, no
        {"id": "if-0-t1", "predictions": ["yes it is", "yes, this has too many words"]},  # 2/2, 1/2
    ])
    summary, items = score_bench(bench, p)
    t = summary["if_track"]
    assert t["pif"] == pytest.approx((0.5 + 0.75) / 2)
    assert t["pif_n_k"] == {"PIF-2-1": 1.0, "PIF-2-2": 0.0}
    assert t["by_kind"] == {"lowercase": 0.75, "max_words": 0.5}
    assert t["by_active_count"] == {"1": 0.5, "2": 0.75}
    assert t["accuracy"] == 1.0 and t["missing"] == []  # the first responses answer 12 and yes
    assert summary["overall"] == t["pif"] and items == []


def test_cli_writes_table_csv_json_and_chart(bench, tmp_path, capsys):
    p = messy_predictions(tmp_path / "preds.jsonl")
    assert main(["bench", "score", str(bench), str(p), "--baseline"]) == 0
    out = capsys.readouterr().out
    assert "overall" in out and "majority" in out and "missing predictions count as wrong: 3 (q2, q4, q8)" in out
    assert f"{p}:2: not valid JSON" in out
    rows = list(csv.DictReader((tmp_path / "preds.score/summary.csv").open()))
    assert rows[0]["group"] == "overall" and rows[0]["n"] == "8" and float(rows[0]["score"]) == 3.75 / 8
    assert float(rows[0]["majority"]) == 3 / 8
    with Image.open(tmp_path / "preds.score/scores.png") as im:
        assert im.format == "PNG" and im.size[0] > 300
    items = [json.loads(line) for line in (tmp_path / "preds.score/items.jsonl").read_text().splitlines()]
    assert [i["id"] for i in items if i["missing"]] == ["q2", "q4", "q8"]
    assert main(["bench", "score", str(bench), str(p), "--json", "--out", str(tmp_path / "o")]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert 0 <= summary["overall"] <= 1 and (tmp_path / "o/summary.json").is_file()
    assert main(["bench", "score", str(bench), str(p), "--strict", "--out", str(tmp_path / "o"), "--overwrite"]) == 1
    assert main(["bench"]) == 2 and "choose an action" in capsys.readouterr().err


@pytest.mark.parametrize("setup,fragment", [
    (lambda b, t: (t / "nobench", write_jsonl(t / "p.jsonl", [])), "not a benchmark folder"),
    (lambda b, t: (b, t / "absent.jsonl"), "absent.jsonl: no such file"),
    (lambda b, t: (b, write_jsonl(t / "p.jsonl", [{"id": "x", "prediction": "1"}])), "no prediction matches"),
])
def test_user_mistakes_are_one_line_errors(bench, tmp_path, capsys, setup, fragment):
    b, p = setup(bench, tmp_path)
    with pytest.raises(UserError, match=fragment):
        score_bench(b, p)
    assert main(["bench", "score", str(b), str(p)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and fragment in err[0]


def test_a_corrupt_answers_file_is_named_by_line(bench, tmp_path):
    write_jsonl(bench / "answers.jsonl", [ANSWERS[0], {"id": "q9", "answer": "x", "answer_type": "number"}])
    with pytest.raises(UserError, match=r"answers.jsonl:2: answer: 'x' is not a finite number"):
        load_answers(bench)
    write_jsonl(bench / "answers.jsonl", [ANSWERS[0], {**ANSWERS[1], "metric": "fuzzy"}])
    with pytest.raises(UserError, match=r"answers.jsonl:2: metric: 'fuzzy' is not one of"):
        load_answers(bench)
    write_jsonl(bench / "answers.jsonl", [ANSWERS[0], ANSWERS[0]])
    with pytest.raises(UserError, match=r"answers.jsonl:2: duplicate id 'q1'"):
        load_answers(bench)


def comply(instructions: list[dict]) -> str:
    """A response written to follow every instruction given (to prove the combination can be followed)."""
    k = {i["kind"]: i["args"] for i in instructions}
    words = [k["start_letter"]["letter"] + "ay" if "start_letter" in k else "The", "12"]
    if "include_number" in k:
        words.append(str(k["include_number"]["n"]))
    while "min_words" in k and len(words) + ("end_word" in k) < k["min_words"]["n"]:
        words.append("yes")
    if "end_word" in k:
        words.append(k["end_word"]["word"])
    text = " ".join(words) + "."
    if "end_phrase" in k:
        text += " " + k["end_phrase"]["phrase"]
    text = text.lower() if "lowercase" in k else text.upper() if "uppercase" in k else text
    return f'"{text}"' if "quoted" in k else text


def test_every_combination_the_sampler_allows_can_be_followed():
    import itertools
    kinds = ifeval.catalogue()["kinds"]
    checked = 0
    for size in (1, 2, 3):
        for combo in itertools.combinations(sorted(kinds), size):
            if any(ifeval._conflicting(c, [o for o in combo if o != c]) for c in combo):
                continue
            arg_sets = [[dict(zip(kinds[c]["args"], values)) for values in
                         itertools.product(*kinds[c]["args"].values())] for c in combo]
            for args in itertools.product(*arg_sets):
                instructions = [{"kind": c, "args": a} for c, a in zip(combo, args)]
                response = comply(instructions)
                assert all(ifeval.follows(response, i) for i in instructions), (instructions, response)
                checked += 1
    assert checked > 1000


def test_random_baseline_draws_another_questions_answer():
    answers = [_a("t1", "Oslo", "text", "f.city", "map"), _a("t2", "Rome", "text", "f.city", "map"),
               _a("t3", "Oslo", "text", "f.city", "map")]
    for seed in range(5):
        preds = baseline_predictions(answers, seed)
        assert preds["random"]["t2"] == ["oslo"]  # both other questions answer Oslo
        assert preds["random"]["t1"] in (["rome"], ["oslo"])
        assert preds["majority"] == {"t1": ["oslo"], "t2": ["oslo"], "t3": ["oslo"]}
    assert baseline_predictions(answers[:1], 0)["random"] == {"t1": [""]}
