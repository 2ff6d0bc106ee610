"""The sample record: validation names the wrong field; answers are formatted predictably."""
import copy

import pytest

from mmsynth.record import format_answer, option_key, validate_record

GOOD = {
    "id": "chart.bar-0-000001", "generator": "chart.bar", "task": "chart",
    "images": ["images/chart.bar/000001.png"],
    "conversations": [{"role": "user", "content": "<image>\nWhich is highest?"},
                      {"role": "assistant", "content": "Books"}],
    "qa": [{"question": "Which is highest?", "answer": "Books", "answer_type": "choice",
            "options": ["Books", "Toys", "Games"], "family": "chart.max_label", "skill": "reasoning",
            "rationale": "Books 92 > Toys 71 > Games 12"}],
    "source": {"labels": ["Books", "Toys", "Games"]}, "meta": {"seed": 0, "index": 1},
}


def broken(path, value):
    rec = copy.deepcopy(GOOD)
    obj = rec
    for key in path[:-1]:
        obj = obj[key]
    if value is KeyError:
        del obj[path[-1]]
    else:
        obj[path[-1]] = value
    return rec


def test_valid_record_has_no_errors():
    assert validate_record(GOOD) == []


@pytest.mark.parametrize("path,value,expected", [
    (("task",), "movie", "task: 'movie' is not one of"),
    (("id",), KeyError, "id: missing"),
    (("images", 0), "/etc/passwd", "images[0]: '/etc/passwd' is not a relative path"),
    (("images", 0), "../x.png", "images[0]"),
    (("qa", 0, "answer_type"), "numeric", "qa[0].answer_type: 'numeric' is not one of"),
    (("qa", 0, "skill"), "magic", "qa[0].skill"),
    (("qa", 0, "answer"), "Cars", "qa[0].options: the answer 'Cars' appears 0 times"),
    (("qa", 0, "options"), ["Books", "books", "Toys"], "qa[0].options: duplicates"),
    (("conversations", 0, "content"), "no image here", "conversations: 0 <image> placeholders for 1 images"),
    (("conversations", 1, "role"), "user", "conversations: user and assistant turns must alternate"),
    (("meta",), {"seed": 0}, "meta.index: missing"),
])
def test_each_wrong_field_is_named(path, value, expected):
    errs = validate_record(broken(path, value))
    assert any(e.startswith(expected) for e in errs), errs


@pytest.mark.parametrize("answer_type,answer,ok", [
    ("number", 3.5, True), ("number", "3.5", False), ("number", float("nan"), False), ("number", True, False),
    ("yesno", "yes", True), ("yesno", "Yes", False),
    ("route", ["A", "B"], True), ("route", [], False),
    ("point", [0.1, 0.2], True), ("point", [0.1], False),
    ("bbox", [0.1, 0.2, 0.3, 0.4], True), ("bbox", [0.3, 0.2, 0.1, 0.4], False),
])
def test_answer_shapes(answer_type, answer, ok):
    rec = broken(("qa", 0, "answer_type"), answer_type)
    rec["qa"][0]["answer"] = answer
    rec["qa"][0]["options"] = None
    assert (validate_record(rec) == []) is ok


def test_format_answer_and_option_keys():
    assert format_answer(12.0, "number") == "12"
    assert format_answer(2.50, "number") == "2.5"
    assert format_answer(["A", "C", "D"], "route") == "A -> C -> D"
    assert format_answer([0.123, 0.5], "point") == "[0.12, 0.50]"
    assert option_key(3) == option_key(3.0) == option_key("3")
    assert option_key(" Books ") == option_key("books")
