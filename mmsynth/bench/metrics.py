"""Scoring one prediction against one answer, by the answer's metric.

Each answer in ``answers.jsonl`` names its ``metric`` (chosen at build time from the
answer type, see :func:`metric_for`); every metric gives a score in [0, 1]:

==========  ==========================================================================
relaxed     numbers: correct when ``|pred - gold| <= max(5% of |gold|, tolerance)``
            (ChartQA's relaxed accuracy, widened to a stored absolute tolerance)
option      multiple choice: the chosen option (letter or text) is the right one
exact       yes/no and short text: VQA-normalised exact match
anls        OCR text: ANLS, 1 - normalised Levenshtein distance, 0 below 0.5 similarity
set         lists: the same items, order ignored (VQA-normalised, numbers by value)
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
from dataclasses import dataclass
from typing import Any

from mmsynth.bench import extract as ex
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


def score(answer: dict, prediction: str | None) -> Scored:
    """Score a prediction (None: missing) against one ``answers.jsonl`` entry."""
    metric = answer.get("metric") or metric_for(answer["answer_type"], answer.get("skill", ""),
                                                answer.get("options"))
    if prediction is None:
        return Scored(0.0, None, 0.0 if metric in ("iou", "route") else None)
    gold = answer["answer"]
    if metric == "relaxed":
        got = ex.extract_number(prediction)
        return Scored(float(relaxed_match(got, float(gold), answer.get("tolerance"))), got[0] if got else None)
    if metric == "option":
        options = answer["options"]
        i = ex.extract_choice(prediction, options)
        right = [option_key(o) for o in options].index(option_key(gold))
        return Scored(float(i == right), options[i] if i is not None else None)
    if metric == "exact":
        if answer["answer_type"] == "yesno":
            got = ex.extract_yesno(prediction)
            return Scored(float(got == gold), got)
        readings = ex.text_readings(prediction)
        hits = [r for r in readings if ex.normalize(r) == ex.normalize(str(gold)) or _same_number(r, gold)]
        return Scored(float(bool(hits)), (hits or readings)[0])
    if metric == "anls":
        got = ex.extract_text(prediction, multiline=True)
        return Scored(anls(got, ex.strip_trailing(str(gold))), got)
    if metric == "set":
        readings = ex.list_readings(prediction)
        hits = [r for r in readings if sorted(map(item_key, r)) == sorted(map(item_key, gold))]
        return Scored(float(bool(hits)), (hits or readings)[0])
    if metric == "route":
        gold_keys = [item_key(g) for g in gold]
        got = _route_stops(ex.extract_route(prediction), gold)
        share = lcs_length(got, gold_keys) / max(len(got), len(gold_keys))
        return Scored(share, got, float(got == gold_keys))
    if metric == "point":
        got = ex.extract_numbers(prediction, 2)
        if got is None:
            return Scored(0.0, None)
        d = math.dist(got, gold)
        thr = point_threshold(gold, answer.get("tolerance"), answer.get("image_size"))
        return Scored(float(d <= thr), got, d)
    if metric == "iou":
        got = ex.extract_numbers(prediction, 4)
        if got is None:
            return Scored(0.0, None, 0.0)
        v = iou(got, gold)
        return Scored(float(v >= IOU_THRESHOLD), got, v)
    raise ValueError(f"unknown metric {metric!r} (one of {', '.join(METRICS)})")


def _same_number(text: str, gold: Any) -> bool:
    """A text answer that is a number ("12") matches a gold "12.0" by value."""
    a, b = ex.as_number(text), ex.as_number(str(gold))
    return a is not None and b is not None and abs(a - b) <= 1e-9 * max(1.0, abs(b))
