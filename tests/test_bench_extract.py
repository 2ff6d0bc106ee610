"""Answer extraction and scoring on hand-written predictions, one case per trap that moves
published scores: trailing periods, units, "%", number words, thousands separators,
option letter vs option text, articles, routes, points and boxes."""
from __future__ import annotations

import pytest

from mmsynth.bench import extract as ex
from mmsynth.bench import metrics

BOOKS = ["Books", "Toys", "Games", "Food"]  # answer "Toys" is option B


def ans(answer, answer_type, options=None, **extra):
    a = {"id": "q", "answer": answer, "answer_type": answer_type, "options": options, "skill": "perception"}
    a.update(extra)
    return a


@pytest.mark.parametrize("gold,prediction,expected", [
    (12, "12", 1), (12, "12.", 1), (12, "The answer is 12.", 1), (12, "twelve", 1), (12, "Twelve.", 1),
    (12, "12 apples", 1), (12, "There are 12 bars in the chart.", 1), (12, "**Answer:** 12", 1),
    (12, "12.5", 1),  # 4.2% off: inside ChartQA's 5%
    (12, "13", 0), (12, "I count 15 bars in total, so the answer is 12.", 1),
    (12, "The answer is 12, not 15.", 1), (12, "no idea", 0), (12, "", 0),
    (1200, "1,200", 1), (1200, "$1,200.00", 1), (1200, "1.2k", 1), (1200, "one thousand two hundred", 1),
    (1234567, "1,234,567", 1), (21, "twenty-one", 1), (105, "one hundred and five", 1),
    (45, "45%", 1), (45, "45 percent", 1), (0.45, "45%", 1), (45, "0.45", 0),
    (3.5, "3.5 million", 1), (3500000, "3.5 million", 1), (3.5, "About 3.5 million people.", 1),
    (0, "0", 1), (0, "zero", 1), (0, "0.01", 0), (-5, "-5", 1), (-5, "\u22125", 1), (-5, "5", 0),
    (0.25, "1/4", 1), (7.5, "7.5 km", 1), (7.5, "7.5km.", 1), (2019, "In 2019.", 1),
])
def test_relaxed_numbers(gold, prediction, expected):
    assert metrics.score(ans(gold, "number"), prediction).score == expected


def test_a_stored_absolute_tolerance_widens_the_relaxed_match():
    assert metrics.score(ans(100, "number", tolerance=10), "108").score == 1  # 5% alone would be 105
    assert metrics.score(ans(100, "number", tolerance=10), "111").score == 0
    assert metrics.score(ans(100, "number", tolerance=0), "104").score == 1  # 5% still applies


@pytest.mark.parametrize("prediction,expected", [
    ("B", 1), ("(B)", 1), ("B.", 1), ("b", 1), ("B) Toys", 1), ("B. Toys", 1), ("The answer is B.", 1),
    ("Answer: (B)", 1), ("Option B", 1), ("Toys", 1), ("toys.", 1), ("The answer is Toys", 1),
    ("I think it's Toys, because the bar is tallest.", 1), ("A", 0), ("(A) Books", 0), ("Books or Toys", 0),
    ("A bar chart in which Toys is highest.", 1),  # "A" as an article, not a letter
    ("\\boxed{B}", 1), ("E", 0), ("", 0),
    ("B indeed.", 1), ("b, my friend, certainly.", 1), ("The answer is B, truly.", 1),  # format instructions
    ("I think so", 0), ("A indeed.", 0),  # "I" and "A" open sentences: no letter read
    ("I think it is B.", 1), ("The correct one is B, not A.", 1), ("I think it is A.", 0),
])
def test_multiple_choice_letter_or_text(prediction, expected):
    assert metrics.score(ans("Toys", "choice", BOOKS), prediction).score == expected


def test_the_letter_wins_when_options_are_letters_themselves():
    options = ["C", "A", "B", "D"]  # the answer "A" is option B
    assert metrics.score(ans("A", "choice", options), "B").score == 1
    assert metrics.score(ans("A", "choice", options), "A").score == 0


def test_an_option_inside_a_longer_option_is_not_a_mention():
    options = ["Comic Books", "Books", "Toys"]
    assert metrics.score(ans("Books", "choice", options), "Books").score == 1
    assert metrics.score(ans("Books", "choice", options), "It is Comic Books.").score == 0
    assert metrics.score(ans("Comic Books", "choice", options), "It is Comic Books.").score == 1


@pytest.mark.parametrize("prediction,expected", [("twelve", 1), ("12.0", 1), ("B", 1), ("The answer is 12.", 1),
                                                 ("15", 0), ("C", 0)])
def test_numeric_options_match_by_value(prediction, expected):
    assert metrics.score(ans("12", "choice", ["10", "12", "15", "20"]), prediction).score == expected


@pytest.mark.parametrize("prediction,expected", [
    ("Yes", 1), ("yes.", 1), ("Yes, it is higher.", 1), ("True", 1), ("No", 0), ("The answer is no.", 0),
    ("It is not clear.", 0), ("No. Yes.", 0), ("Looking closely, yes", 1),
])
def test_yes_no(prediction, expected):
    assert metrics.score(ans("yes", "yesno"), prediction).score == expected


@pytest.mark.parametrize("gold,prediction,expected", [
    ("Books", "books", 1), ("Books", "Books.", 1), ("Books", "The Books", 1), ("Books", "The answer is: Books.", 1),
    ("Books", "Book", 0), ("2:04", "2:04.", 1), ("2:04", "02:04", 1), ("01:34", "1:34", 1), ("2:04", "2:40", 0),
    ("great-grandson", "Great grandson", 1), ("12.0", "12", 1), ("Feb to Mar", "feb to mar.", 1),
    ("°C", "°C", 1), ("don't know", "dont know", 1), ("A", "A", 1),
    ("brown", "The hour hand is brown.", 1), ("3:45", "The time shown is 3:45.", 1),
    ("Poole", "Whitby is farther than Poole.", 0), ("Poole", "It is not Poole.", 0),
])
def test_text_exact_match_is_vqa_normalised(gold, prediction, expected):
    assert metrics.score(ans(gold, "text"), prediction).score == expected


def test_anls_for_ocr_text():
    gold = ans("Sunrise Bakery", "text", skill="ocr")
    assert metrics.score(gold, "Sunrise Bakery").score == 1
    assert metrics.score(gold, "sunrise  bakery.").score == 1
    assert metrics.score(gold, "Sunrise Bakry").score == pytest.approx(1 - 1 / 14)
    assert metrics.score(gold, "Moonlight Cafe").score == 0  # similarity below 0.5 scores 0
    assert metrics.metric_for("text", "ocr", None) == "anls"


@pytest.mark.parametrize("prediction,expected", [
    ("Toys, Books", 1), ("Books and Toys.", 1), ("- Books\n- Toys", 1), ("Books", 0), ("Books, Toys, Food", 0),
    ("The two categories are Books and Toys.", 1), ("Books are popular, and so are Toys", 0),
])
def test_lists_compare_as_sets(prediction, expected):
    assert metrics.score(ans(["Books", "Toys"], "list"), prediction).score == expected


@pytest.mark.parametrize("prediction,expected,exact", [
    ("A -> B -> C -> D", 1.0, 1.0), ("A → B → C → D.", 1.0, 1.0), ("A, B, C, D", 1.0, 1.0),
    ("Go from A to B, then C, then D", 1.0, 1.0), ("A -> B -> D", 0.75, 0.0), ("A -> X -> B -> C -> D", 0.8, 0.0),
    ("D -> C -> B -> A", 0.25, 0.0), ("The route is A -> B -> C -> D.", 1.0, 1.0), ("nothing", 0.0, 0.0),
])
def test_routes_get_lcs_partial_credit(prediction, expected, exact):
    s = metrics.score(ans(["A", "B", "C", "D"], "route"), prediction)
    assert s.score == pytest.approx(expected) and s.value == exact


def test_route_stops_with_names():
    gold = ans(["Kitchen", "Bedroom 1", "Hall 1"], "route")
    assert metrics.score(gold, "Kitchen -> Bedroom 1 -> Hall 1").score == 1
    assert metrics.score(gold, "the kitchen, then bedroom 1, then hall 1").score == 1
    assert metrics.score(gold, "Kitchen -> Hall 1").score == pytest.approx(2 / 3)
    letters = ans(["A", "L", "I"], "route")  # "I" is a stop and a word
    assert metrics.score(letters, "I think it is A -> L -> I.").score == 1
    assert metrics.score(letters, "The route is A -> L -> I, which is shortest.").score == 1


def test_points_by_distance():
    frac = ans([0.5, 0.5], "point")
    assert metrics.score(frac, "(0.52, 0.49)").score == 1
    assert metrics.score(frac, "[0.6, 0.5]").score == 0
    assert metrics.score(frac, "[0.6, 0.5]").value == pytest.approx(0.1)
    pixels = ans([100, 100], "point", image_size=[200, 200])  # 5% of the diagonal: 14.1 px
    assert metrics.score(pixels, "(110, 105)").score == 1
    assert metrics.score(pixels, "(120, 100)").score == 0
    assert metrics.score(ans([0.5, 0.5], "point", tolerance=0.2), "(0.6, 0.6)").score == 1
    assert metrics.score(frac, "somewhere in the middle").score == 0


def test_boxes_by_iou():
    gold = ans([0, 0, 10, 10], "bbox")
    s = metrics.score(gold, "[0, 0, 10, 10]")
    assert (s.score, s.value) == (1, 1)
    s = metrics.score(gold, "The box is [5, 0, 15, 10].")
    assert s.score == 0 and s.value == pytest.approx(50 / 150)
    s = metrics.score(gold, "(0, 0), (10, 8)")
    assert s.score == 1 and s.value == pytest.approx(0.8)
    assert metrics.score(gold, "no box").value == 0


def test_missing_prediction_scores_zero():
    for a in (ans(12, "number"), ans("Toys", "choice", BOOKS), ans(["A", "B"], "route"), ans([0, 0, 1, 1], "bbox")):
        assert metrics.score(a, None).score == 0


def test_number_word_conversion_and_spans():
    assert ex.words_to_digits("twenty-one apples and one hundred and five pears") == "21 apples and 105 pears"
    assert ex.extract_number("3 million") == [3.0, 3_000_000.0]
    assert ex.answer_span("Let me think.\nThe answer is B.\nDone.") == ("B.", True)
    assert ex.answer_span("Answer: 4. Final answer: 5") == ("5", True)
    assert ex.strip_trailing("Toys.\"") == "Toys" and ex.strip_trailing("(B)") == "(B)"
    assert ex.as_number("1,200") == 1200 and ex.as_number("12 apples") is None


def test_multiline_ocr_text_is_kept_whole_after_a_marker():
    gold = ans("Ocean Grill\nDRINKS\nHot Chocolate\n€4.50", "text", skill="ocr")
    assert metrics.score(gold, "The answer is Ocean Grill\nDRINKS\nHot Chocolate\n€4.50").score == 1
    assert metrics.score(gold, "Ocean Grill DRINKS Hot Chocolate €4.50.").score == 1
    short = ans("B", "choice", ["A", "B"])
    assert metrics.score(short, "The answer is B.\nBecause the bar is taller.").score == 1


def test_every_answer_of_a_real_corpus_scores_one_as_a_model_would_write_it(small_corpus):
    from mmsynth.corpus import iter_records
    from mmsynth.generator import answer_text
    from mmsynth.record import is_long_answer
    n = 0
    for _, _, rec in iter_records(small_corpus):
        for qa in rec["qa"]:
            if is_long_answer(qa):  # paragraphs are never benchmark questions (bench build skips them)
                continue
            gold = {**qa, "metric": metrics.metric_for(qa["answer_type"], qa["skill"], qa.get("options"))}
            text = answer_text(qa)
            for said in (text, f"{text}.", f"The answer is {text}.", f"**Answer:** {text}\nI read it off the image."):
                assert metrics.score(gold, said).score == 1, (qa, said)
            n += 1
    assert n >= 12
