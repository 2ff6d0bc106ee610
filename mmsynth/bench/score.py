"""``mmsynth bench score``: score a model's predictions on a benchmark.

Each question is scored in [0, 1] by its answer's metric (:mod:`mmsynth.bench.metrics`),
on its first response when a line gives several;
scores are averaged overall and per task, question family, skill and answer type, each
with a seeded percentile-bootstrap 95% interval (the samples the questions were asked
about resampled with replacement, so several questions on one image count as one draw).
With ``baselines`` the answer-prior floors are scored the same way:

* ``majority``: the family's most common answer among its other questions (for multiple
  choice, the option that is most often the answer in the family);
* ``random``: a uniformly random option (yes/no counts as two options), else an answer
  drawn from the family's other questions, seeded.

With an LLM judge (:mod:`mmsynth.bench.judge`) the questions the rules cannot decide are
also judged by a model; the rule scores stay the headline, the judge's figures sit beside.
"""
from __future__ import annotations

import zlib
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from mmsynth.bench import ifeval, metrics
from mmsynth.bench.balance import answer_key
from mmsynth.bench.build import ANSWERS, IF_ANSWERS, META
from mmsynth.bench.judge import judge
from mmsynth.bench.predictions import Predictions, read_predictions
from mmsynth.errors import UserError
from mmsynth.io import read_json, read_jsonl
from mmsynth.llm import ChatClient
from mmsynth.record import ANSWER_TYPES, OPTION_LETTERS, qa_errors

GROUPS = ("task", "family", "skill", "answer_type")


@dataclass
class Item:
    """The score of one question."""
    id: str
    task: str
    family: str
    skill: str
    answer_type: str
    metric: str
    score: float
    value: float | None
    extracted: Any
    missing: bool
    cluster: str
    judge: bool | None = None  # the LLM judge's verdict, where it was asked (``--judge``)


def load_answers(bench: str | Path, name: str = ANSWERS, required: bool = True) -> list[dict]:
    """The answer lines of a benchmark folder (ids checked unique)."""
    bench = Path(bench)
    if not (bench / META).exists():
        raise UserError(f"{bench}: not a benchmark folder (no {META}; make one with `mmsynth bench build`)")
    read_json(bench / META, expect=dict, root=bench)
    path = bench / name
    if not path.exists():
        if required:
            raise UserError(f"{path}: missing")
        return []
    rows, seen = [], set()
    for line, row in read_jsonl(path, root=bench):
        if not isinstance(row, dict) or "id" not in row or "answer" not in row or "answer_type" not in row:
            raise UserError(f"{path}:{line}: not an answer line (needs id, answer, answer_type)")
        errs = qa_errors({"question": "?", "family": "?", "skill": "perception", **row}) if \
            row["answer_type"] in ANSWER_TYPES else [f"answer_type: {row['answer_type']!r} is unknown"]
        if row.get("metric") is not None and row["metric"] not in metrics.METRICS:
            errs.append(f"metric: {row['metric']!r} is not one of {', '.join(metrics.METRICS)}")
        if errs:
            raise UserError(f"{path}:{line}: {errs[0]}")
        if row["id"] in seen:
            raise UserError(f"{path}:{line}: duplicate id {row['id']!r}")
        seen.add(row["id"])
        rows.append(row)
    return rows


def _cluster(answer: dict) -> str:
    """The sample a question was asked about (questions about one image are resampled together)."""
    origin = answer.get("origin") or {}
    if "record" in origin:
        return str(origin["record"])
    if "index" in origin:
        return f"{origin.get('generator')}-{origin.get('seed')}-{origin['index']}"
    return str(answer.get("dialogue", answer["id"]))


def score_items(answers: list[dict], responses: dict[str, list[str]]) -> list[Item]:
    """Score the first response of each answered question; unanswered ones score 0."""
    items = []
    for a in answers:
        got = responses.get(a["id"])
        s = metrics.score(a, got[0] if got else None)
        metric = a.get("metric") or metrics.metric_for(a["answer_type"], a.get("skill", ""), a.get("options"))
        items.append(Item(a["id"], a.get("task", ""), a.get("family", ""), a.get("skill", ""), a["answer_type"],
                          metric, s.score, s.value, s.extracted, got is None, _cluster(a)))
    return items


def bootstrap_ci(scores: np.ndarray, seed: int, label: str, n_boot: int = 1000,
                 clusters: list[str] | None = None) -> list[float]:
    """Percentile-bootstrap 95% interval of a mean; seeded per label so groups do not interact.

    With ``clusters`` (e.g. the sample each question was asked about) whole clusters are
    resampled, so questions about one image do not pass for independent evidence."""
    if len(scores) == 0:
        return [0.0, 0.0]
    if clusters is None:
        sums, sizes = np.asarray(scores, dtype=float), np.ones(len(scores))
    else:
        _, inverse = np.unique(np.asarray(clusters), return_inverse=True)
        sums = np.bincount(inverse, weights=scores)
        sizes = np.bincount(inverse).astype(float)
    rng = np.random.default_rng([seed, zlib.crc32(label.encode())])
    means = np.empty(n_boot)
    for start in range(0, n_boot, 100):  # chunks keep memory at 100 x clusters
        idx = rng.integers(0, len(sums), size=(min(100, n_boot - start), len(sums)))
        means[start:start + len(idx)] = sums[idx].sum(axis=1) / sizes[idx].sum(axis=1)
    lo, hi = np.percentile(means, [2.5, 97.5])
    return [float(lo), float(hi)]


def summarize(items: list[Item], seed: int = 0, n_boot: int = 1000) -> dict:
    """Overall and per-group means with (cluster) bootstrap intervals, and the per-metric extras."""
    scores = np.array([i.score for i in items], dtype=float)
    clusters = [i.cluster for i in items]
    out: dict[str, Any] = {"n": len(items), "overall": float(scores.mean()) if len(items) else 0.0,
                           "overall_ci": bootstrap_ci(scores, seed, "overall", n_boot, clusters), "groups": {}}
    for g in GROUPS:
        members: dict[str, list[int]] = {}
        for k, item in enumerate(items):
            members.setdefault(getattr(item, g), []).append(k)
        out["groups"][g] = {}
        for name in sorted(members):
            s = scores[members[name]]
            out["groups"][g][name] = {"n": len(s), "score": float(s.mean()),
                                      "ci": bootstrap_ci(s, seed, f"{g}/{name}", n_boot,
                                                         [clusters[k] for k in members[name]])}
    extras = {}
    for metric, key in (("iou", "mean_iou"), ("point", "mean_point_distance"), ("route", "route_exact")):
        vals = [i.value for i in items if i.metric == metric and i.value is not None]
        if vals:
            extras[key] = float(np.mean(vals))
    out["metrics"] = extras
    return out


def _loo_count(prior: Counter, key: str, own: str) -> int:
    """A family's count of an answer, leaving out the question being predicted."""
    return prior.get(key, 0) - (key == own)


def _majority(ranked: list[tuple[str, int]], own: str) -> str:
    """The most common answer of a family once the predicted question's own answer is left
    out (ties: the smaller key); '' when the family has no other question."""
    pool = [(k, c - (k == own)) for k, c in ranked[:2]]
    pool = [kc for kc in pool if kc[1] > 0]
    return min(pool, key=lambda kc: (-kc[1], kc[0]))[0] if pool else ""


def baseline_predictions(answers: list[dict], seed: int) -> dict[str, dict[str, list[str]]]:
    """The prediction texts of the majority and random answer-prior baselines.

    The prior of a question is its family's answers without its own (leave-one-out), so a
    baseline never sees the answer it is scored on. Answers are compared by their canonical
    key (:func:`answer_key`), which every metric reads back (numbers as digits, lists
    comma-separated)."""
    pools: dict[str, list[str]] = {}
    for a in answers:
        pools.setdefault(a.get("family", ""), []).append(answer_key(a["answer"]))
    priors = {fam: Counter(keys) for fam, keys in pools.items()}
    ranked = {fam: sorted(c.items(), key=lambda kv: (-kv[1], kv[0])) for fam, c in priors.items()}
    rng = np.random.default_rng([seed, zlib.crc32(b"bench.random-baseline")])
    majority, random = {}, {}
    position: Counter = Counter()
    for a in answers:
        fam, options, own = a.get("family", ""), a.get("options"), answer_key(a["answer"])
        mine, position[fam] = position[fam], position[fam] + 1
        if options:
            counts = [_loo_count(priors[fam], answer_key(o), own) for o in options]
            majority[a["id"]] = [OPTION_LETTERS[counts.index(max(counts))]]
            random[a["id"]] = [OPTION_LETTERS[int(rng.integers(len(options)))]]
            continue
        majority[a["id"]] = [_majority(ranked[fam], own)]
        if a["answer_type"] == "yesno":
            random[a["id"]] = [("yes", "no")[int(rng.integers(2))]]
        elif len(pools[fam]) > 1:  # another question's answer: skip over the question's own slot
            r = int(rng.integers(len(pools[fam]) - 1))
            random[a["id"]] = [pools[fam][r + (r >= mine)]]
        else:
            random[a["id"]] = [""]
    return {"majority": majority, "random": random}


def _if_turns(if_answers: list[dict], responses: dict[str, list[str]]) -> list[tuple[list[dict], list[str] | None]]:
    return [(a["instructions"], responses.get(a["id"])) for a in if_answers]


def score_bench(bench: str | Path, predictions: str | Path, baselines: bool = False, seed: int = 0,
                n_boot: int = 1000, judge_client: ChatClient | None = None) -> tuple[dict, list[Item]]:
    """The summary (JSON-ready) and per-question items of a predictions file on a benchmark;
    with ``judge_client``, the LLM judge's verdicts on the undecided questions beside the rules'."""
    answers = load_answers(bench)
    if_answers = load_answers(bench, IF_ANSWERS, required=False)
    q_ids, if_ids = {a["id"] for a in answers}, {a["id"] for a in if_answers}
    preds: Predictions = read_predictions(predictions, q_ids | if_ids)
    has_q, has_if = bool(q_ids & preds.responses.keys()), bool(if_ids & preds.responses.keys())
    if not has_q and not has_if:
        first = preds.problems[0] if preds.problems else f"{predictions}: empty"
        raise UserError(f"no prediction matches a question of {bench} ({first})")
    summary: dict[str, Any] = {"bench": str(bench), "predictions": str(predictions),
                               "prediction_lines": preds.lines, "problems": preds.problems}
    items: list[Item] = []
    if has_q:
        items = score_items(answers, preds.responses)
        summary.update(summarize(items, seed, n_boot))
        summary["answered"] = sum(not i.missing for i in items)
        summary["missing"] = [i.id for i in items if i.missing]
        if judge_client is not None:
            summary["judge"] = judge(answers, items, preds.responses, judge_client)
        if baselines:
            summary["baselines"] = {name: summarize(score_items(answers, resp), seed, n_boot)
                                    for name, resp in baseline_predictions(answers, seed).items()}
    if has_if:
        turns = _if_turns(if_answers, preds.responses)
        pif = ifeval.pif_summary(turns)
        per_turn = np.array(pif.pop("per_turn"))
        pif["pif_ci"] = bootstrap_ci(per_turn, seed, "pif", n_boot, [a["dialogue"] for a in if_answers])
        if_items = score_items(if_answers, preds.responses)
        pif["accuracy"] = float(np.mean([i.score for i in if_items]))
        pif["missing"] = [i.id for i in if_items if i.missing]
        summary["if_track"] = pif
        if not has_q:
            summary["overall"] = pif["pif"]
    return summary, items


def item_rows(items: list[Item]) -> list[dict]:
    return [asdict(i) for i in items]
