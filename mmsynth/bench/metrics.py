"""Scoring one prediction against one answer, by the answer's metric.

Each answer in ``answers.jsonl`` names its ``metric`` (chosen at build time from the
answer type, see :func:`metric_for`); every metric gives a score in [0, 1]:

==========  ==========================================================================
relaxed     numbers: correct when ``|pred - gold| <= max(5% of |gold|, tolerance)``
            (ChartQA's relaxed accuracy, widened to a stored absolute tolerance; a
            unit scale the question states may be multiplied out)
option      multiple choice: the chosen option (letter or text) is the right one
exact       yes/no and short text: VQA-normalised exact match (compass points and clock
            times in any spelling); a single-letter gold is read like an option letter
anls        OCR text: ANLS, 1 - normalised Levenshtein distance, 0 below 0.5 similarity,
            0 when the digits differ
set         lists: the same items, order ignored unless the question asks for an order
            (VQA-normalised, numbers by value)
route       routes: LCS(pred, gold) / max(len(pred), len(gold)), i.e. the share of the
            gold stops reproduced in order, penalised for extra stops (so listing every
            node cannot score 1); ``exact`` says whether the route is right as a whole
point       points: correct when the Euclidean distance <= the stored tolerance, else
            5% of the image diagonal (pixels) or 0.05 (coordinates in [0, 1])
iou         boxes: correct when IoU >= 0.5; the IoU itself is reported as ``value``
==========  ==========================================================================
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from mmsynth.bench import extract as ex
from mmsynth.bench import reading as rd
from mmsynth.ocr import edit_distance
from mmsynth.record import format_number, option_key

RELAXED = 0.05
ANLS_THRESHOLD = 0.5
IOU_THRESHOLD = 0.5
POINT_FRACTION = 0.05
METRICS = ("relaxed", "option", "exact", "anls", "set", "route", "point", "iou")


@dataclass
class Scored:
    """The score of one prediction, what was read from it, and a metric-specific value
    (IoU for boxes, distance for points, 1.0 for a route right as a whole)."""
    score: float
    extracted: Any
    value: float | None = None


def metric_for(answer_type: str, skill: str, options: list | None) -> str:
    """The metric an answer is scored by."""
    if options:
        return "option"
    return {"number": "relaxed", "choice": "exact", "yesno": "exact", "list": "set", "route": "route",
            "point": "point", "bbox": "iou"}.get(answer_type, "anls" if skill == "ocr" else "exact")


def relaxed_match(readings: list[float], gold: float, tolerance: float | None = None) -> bool:
    """ChartQA relaxed accuracy over every reading of the prediction."""
    allowed = max(RELAXED * abs(gold), float(tolerance or 0.0))
    return any(abs(r - gold) <= allowed + 1e-9 * max(1.0, abs(gold)) for r in readings)


def anls(pred: str, gold: str) -> float:
    """ANLS of one answer (Biten et al. 2019): case and surrounding space ignored."""
    p, g = " ".join(pred.lower().split()), " ".join(gold.lower().split())
    if not p and not g:
        return 1.0
    nl = edit_distance(p, g) / max(len(p), len(g))
    return 1.0 - nl if nl < ANLS_THRESHOLD else 0.0


def lcs_length(a: list, b: list) -> int:
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b, 1):
            cur.append(prev[j - 1] + 1 if x == y else max(prev[j], cur[j - 1]))
        prev = cur
    return prev[-1]


def item_key(x: Any) -> str:
    """How list items and route stops compare: numbers by value, text VQA-normalised."""
    value = ex.as_number(str(x))
    return format_number(value) if value is not None else ex.normalize(str(x))


def _route_stops(pred: list[str], gold: list) -> list[str]:
    """Predicted stops as gold keys where a stop names exactly one gold stop ("go from A" -> A)."""
    gold_keys = [item_key(g) for g in gold]
    spelled = {ex.normalize(str(g), drop_articles=False): k for g, k in zip(gold, gold_keys)}
    out = []
    for p in pred:
        k = item_key(p)
        if k not in gold_keys:
            text = ex.normalize(p, drop_articles=False)
            inside = {key for name, key in spelled.items() if ex.contains_phrase(text, name)}
            k = inside.pop() if len(inside) == 1 else k
        out.append(k)
    return out


def iou(a: list[float], b: list[float]) -> float:
    """Intersection over union of two [x1, y1, x2, y2] boxes (corners in any order)."""
    ax1, ax2 = sorted((a[0], a[2]))
    ay1, ay2 = sorted((a[1], a[3]))
    bx1, bx2 = sorted((b[0], b[2]))
    by1, by2 = sorted((b[1], b[3]))
    iw = max(0.0, min(ax2, bx2) - max(ax1, bx1))
    ih = max(0.0, min(ay2, by2) - max(ay1, by1))
    inter = iw * ih
    union = (ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - inter
    return inter / union if union > 0 else float(a == b)


def point_threshold(gold: list[float], tolerance: float | None, image_size: list[int] | None) -> float:
    if tolerance:
        return float(tolerance)
    if all(0.0 <= g <= 1.0 for g in gold) or not image_size:
        return POINT_FRACTION
    return POINT_FRACTION * math.hypot(*image_size)


def _relaxed(answer: dict, prediction: str) -> Scored:
    """Relaxed accuracy; a question that states its unit scale ("in x1000 rpm") also accepts
    the answer multiplied out, and reads the model's magnitudes as multiplied out."""
    gold, tol = float(answer["answer"]), float(answer.get("tolerance") or 0.0)
    scale = rd.question_scale(answer.get("question"))
    got = ex.extract_number(prediction, answer.get("question"))
    if rd.asks_exact_number(answer.get("question")) or _transposed(got, gold, scale):
        ok = any(abs(r - gold) <= 1e-9 * max(1.0, abs(gold)) for r in got)
    else:
        ok = relaxed_match(got, gold, tol) or (scale is not None and relaxed_match(got, gold * scale, tol * scale))
    return Scored(float(ok), got[0] if got else None)


def _digits(x: float) -> str:
    return "".join(sorted(format_number(abs(x)).replace(".", "").replace("0", "")))


def _transposed(readings: list[float], gold: float, scale: float | None) -> bool:
    """Whether the number read has the gold's digits in another order or place ("2.32" or
    "15.40" for 2.23 and 15.04): a misread, not an estimate, so ChartQA's 5% does not apply."""
    targets = [gold] + ([gold * scale] if scale else [])
    return bool(readings) and all(abs(readings[0] - t) > 1e-9 * max(1.0, abs(t)) for t in targets) \
        and _digits(readings[0]) == _digits(gold)


def _option(answer: dict, prediction: str) -> Scored:
    options = answer["options"]
    i = ex.extract_choice(prediction, options)
    right = [option_key(o) for o in options].index(option_key(answer["answer"]))
    return Scored(float(i == right), options[i] if i is not None else None)


def _exact(answer: dict, prediction: str) -> Scored:
    """Yes/no, a letter the question names, or short text (VQA-normalised, compass points
    and clock times in any spelling), on every reading of the prediction."""
    gold = str(answer["answer"])
    if answer["answer_type"] == "yesno":
        got = ex.extract_yesno(prediction)
        return Scored(float(got == gold), got)
    if re.fullmatch(r"[A-Z]", gold):
        letter = ex.extract_letter(prediction)
        return Scored(float(letter == gold), letter)
    readings = ex.text_readings(prediction, answer.get("question"), keep_negation=rd.drop_negated(gold) != gold)
    want = ex.canonical(gold)
    hits = [r for r in readings if ex.canonical(r) == want or _same_number(r, gold) or ex.same_time(r, gold)]
    return Scored(float(bool(hits)), (hits or readings or [""])[0])


def _anls(answer: dict, prediction: str) -> Scored:
    """ANLS on the best reading of the prediction; a reading whose digits differ from the
    gold's scores 0 (a changed digit changes an ID, a price, a date)."""
    gold = ex.strip_trailing(str(answer["answer"]))
    digits = re.findall(r"\d", gold)
    readings = ex.text_readings(prediction, answer.get("question"), multiline=True)
    scored = [(anls(r, gold) if re.findall(r"\d", r) == digits else 0.0, r) for r in readings]
    best = max(scored, key=lambda sr: sr[0], default=(0.0, ""))
    return Scored(best[0], best[1])


def _set(answer: dict, prediction: str) -> Scored:
    """Lists: the same items; in the same order when the question asks for an order."""
    gold = [item_key(g) for g in answer["answer"]]
    ordered = rd.asks_order(answer.get("question"))
    readings = ex.list_readings(prediction, answer.get("question"))
    hits = [r for r in readings if ([item_key(x) for x in r] == gold if ordered
                                    else sorted(map(item_key, r)) == sorted(gold))]
    return Scored(float(bool(hits)), (hits or readings or [[]])[0])


def _route(answer: dict, prediction: str) -> Scored:
    gold = answer["answer"]
    gold_keys = [item_key(g) for g in gold]
    got = _route_stops(ex.extract_route(prediction), gold)
    share = lcs_length(got, gold_keys) / max(len(got), len(gold_keys))
    return Scored(share, got, float(got == gold_keys))


def _point(answer: dict, prediction: str) -> Scored:
    got = ex.extract_numbers(prediction, 2)
    if got is None:
        return Scored(0.0, None)
    d = math.dist(got, answer["answer"])
    thr = point_threshold(answer["answer"], answer.get("tolerance"), answer.get("image_size"))
    return Scored(float(d <= thr), got, d)


def _iou(answer: dict, prediction: str) -> Scored:
    got = ex.extract_numbers(prediction, 4)
    if got is None:
        return Scored(0.0, None, 0.0)
    v = iou(got, answer["answer"])
    return Scored(float(v >= IOU_THRESHOLD), got, v)


SCORERS = {"relaxed": _relaxed, "option": _option, "exact": _exact, "anls": _anls, "set": _set,
           "route": _route, "point": _point, "iou": _iou}


def score(answer: dict, prediction: str | None) -> Scored:
    """Score a prediction (None: missing) against one ``answers.jsonl`` entry."""
    metric = answer.get("metric") or metric_for(answer["answer_type"], answer.get("skill", ""),
                                                answer.get("options"))
    if metric not in SCORERS:
        raise ValueError(f"unknown metric {metric!r} (one of {', '.join(METRICS)})")
    if prediction is None:
        return Scored(0.0, None, 0.0 if metric in ("iou", "route") else None)
    return SCORERS[metric](answer, prediction)


def accepted(answer: dict, scored: Scored) -> bool:
    """Whether a score counts the prediction as right: the route as a whole, ANLS at its
    threshold, every other metric at 1."""
    metric = answer.get("metric") or metric_for(answer["answer_type"], answer.get("skill", ""), answer.get("options"))
    if metric == "route":
        return scored.value == 1.0
    return scored.score >= (ANLS_THRESHOLD if metric == "anls" else 1.0)


def _same_number(text: str, gold: Any) -> bool:
    """A text answer that is a number ("12") matches a gold "12.0" by value."""
    a, b = ex.as_number(text), ex.as_number(str(gold))
    return a is not None and b is not None and abs(a - b) <= 1e-9 * max(1.0, abs(b))
