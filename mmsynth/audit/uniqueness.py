"""Independent checks that a question has one valid answer as seen in the image.

These do not call the generators' solvers: they recompute from the record's source (and,
for road maps, from the pixels where the renderer put each label) whether a distractor
or another label is also a valid answer. Each check returns the reasons it finds; an
empty list means no second answer was found.
"""
from __future__ import annotations

import math
import re
from typing import Callable

from mmsynth.record import option_key

Check = Callable[[dict, dict], list[str]]
SEEN_MARGIN = 0.015      # two bar/line values closer than this share of the axis look equal
LABEL_MARGIN_PX = 6.0    # a road label must be this much nearer its own road than any other
LABEL_RATIO = 1.5        # ... and this many times nearer


def _number(text) -> float | None:
    try:
        return float(str(text).replace(",", "").replace("$", "").replace("€", "").replace("£", "").split()[0])
    except (ValueError, IndexError):
        return None


def options_check(rec: dict, qa: dict) -> list[str]:
    """Two options that read the same, or a numeric option within the answer's tolerance."""
    opts = qa.get("options") or []
    if not opts:
        return []
    keys = [option_key(o) for o in opts]
    out = []
    if len(set(keys)) != len(keys):
        out.append("two options read the same")
    tol = qa.get("tolerance")
    ans = _number(qa["answer"])
    if tol is not None and ans is not None:
        for o in opts:
            v = _number(o)
            if option_key(o) != option_key(qa["answer"]) and v is not None and abs(v - ans) <= float(tol) + 1e-9:
                out.append(f"option {o!r} is within the tolerance {tol} of the answer {qa['answer']!r}")
    return out


# --- charts --------------------------------------------------------------------------
_VERTICAL = re.compile(r"\bfrom the (top|bottom)\b|\bcounting from the (top|bottom)\b", re.IGNORECASE)


def _series_values(src: dict, series: str | None) -> list[float] | None:
    if "series" not in src or "categories" not in src:
        return None
    if series is not None:
        for s in src["series"]:
            if s["name"] == series:
                return [float(v) for v in s["values"]]
        return None
    if len(src["series"]) == 1:
        return [float(v) for v in src["series"][0]["values"]]
    return [float(sum(vals)) for vals in zip(*(s["values"] for s in src["series"]))]


def _seen_margin(src: dict) -> float:
    if src.get("annotated"):
        return 1e-9
    axis = src.get("axis") or {}
    span = float(axis.get("max", 0)) - float(axis.get("min", 0))
    return SEEN_MARGIN * span if span > 0 else 1e-9


def _extreme_check(values: list[float], labels: list[str], answer: str, highest: bool, margin: float) -> list[str]:
    best = max(values) if highest else min(values)
    near = [lab for lab, v in zip(labels, values) if abs(v - best) < margin]
    if len(near) > 1:
        return [f"{', '.join(near)} look equally {'high' if highest else 'low'} ({best:g} within {margin:g})"]
    if option_key(near[0]) != option_key(answer):
        return [f"the independent check finds {near[0]!r}, not {answer!r}"]
    return []


def chart_check(rec: dict, qa: dict) -> list[str]:
    src, fam, params = rec["source"], qa["family"], qa.get("params") or {}
    out = []
    from generators.charts.kinds import TOP_DOWN_KINDS  # the layouts whose categories run downwards
    if _VERTICAL.search(qa["question"]) and not (src.get("kind") in TOP_DOWN_KINDS and fam == "chart.label_at"):
        out.append("'from the top/bottom' names no order on this chart (positions or values?)")
    if fam in ("chart.max_label", "chart.min_label") and "series" in params:
        vals = _series_values(src, params.get("series"))
        if vals is not None:
            out += _extreme_check(vals, src["categories"], str(qa["answer"]), fam.endswith("max_label"),
                                  _seen_margin(src))
    if fam == "chart.compare" and {"a", "b"} <= set(params):
        vals = _series_values(src, params.get("series"))
        if vals is not None and params["a"] in src["categories"] and params["b"] in src["categories"]:
            va, vb = vals[src["categories"].index(params["a"])], vals[src["categories"].index(params["b"])]
            if abs(va - vb) < _seen_margin(src):
                out.append(f"{params['a']} and {params['b']} look equal ({va:g} vs {vb:g})")
    return out


# --- tables and documents ------------------------------------------------------------
def table_check(rec: dict, qa: dict) -> list[str]:
    src, fam, params = rec["source"], qa["family"], qa.get("params") or {}
    if fam not in ("table.max_row", "table.min_row") or "column" not in params:
        return []
    names = [c["name"] for c in src["columns"]]
    if params["column"] not in names:
        return []
    j = names.index(params["column"])
    vals = [float(r[j]) for r in src["rows"]]
    return _extreme_check(vals, [str(r[0]) for r in src["rows"]], str(qa["answer"]), fam == "table.max_row", 1e-9)


def textrich_check(rec: dict, qa: dict) -> list[str]:
    src, fam = rec["source"], qa["family"]
    if fam not in ("textrich.most_expensive", "textrich.cheapest") or not src.get("items"):
        return []
    vals = [float(i["value"]) for i in src["items"]]
    return _extreme_check(vals, [i["name"] for i in src["items"]], str(qa["answer"]),
                          fam == "textrich.most_expensive", 1e-9)


# --- road maps: which label belongs to which road, from the pixels ---------------------
def _point_segment(p, a, b) -> float:
    dx, dy = b[0] - a[0], b[1] - a[1]
    L2 = dx * dx + dy * dy
    t = 0.0 if L2 == 0 else max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / L2))
    return math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy)


def road_label_problems(spec: dict, texts: list, to_pixels: Callable[[float, float], tuple[float, float]]) -> list[str]:
    """Road labels (name over distance) that are not clearly nearer their own road than any other."""
    pos = {t["name"]: to_pixels(t["x"], t["y"]) for t in spec["towns"]}
    segs = {r["name"]: (pos[r["a"]], pos[r["b"]]) for r in spec["roads"]}
    edge = [t for t in texts if t.role == "edge"]
    out = []
    for name_box, km_box in zip(edge[::2], edge[1::2]):
        if name_box.text not in segs:
            continue
        x0 = min(name_box.box[0], km_box.box[0])
        y0 = min(name_box.box[1], km_box.box[1])
        x1 = max(name_box.box[2], km_box.box[2])
        y1 = max(name_box.box[3], km_box.box[3])
        c = ((x0 + x1) / 2, (y0 + y1) / 2)
        own = _point_segment(c, *segs[name_box.text])
        for other, seg in segs.items():
            if other == name_box.text:
                continue
            d = _point_segment(c, *seg)
            if d < own * LABEL_RATIO + LABEL_MARGIN_PX:
                out.append(f"the label '{name_box.text} / {km_box.text}' is {own:.0f} px from its road and "
                           f"{d:.0f} px from {other}")
    return out


CHECKS: dict[str, Check] = {"chart": chart_check, "table": table_check, "textrich": textrich_check}


def ambiguities(rec: dict, qa: dict) -> list[str]:
    """Why ``qa`` of ``rec`` may have more than one valid answer (empty: none found)."""
    out = options_check(rec, qa)
    check = CHECKS.get(rec["generator"].split(".")[0])
    if check is not None:
        out += check(rec, qa)
    return out
