"""Presenting benchmark figures: terminal tables, CSV, and a bar chart (matplotlib, Agg)."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from mmsynth.bench.score import GROUPS
from mmsynth.io import atomic_write_bytes, atomic_write_text
from mmsynth.plots import png_bytes, pyplot

MAX_LISTED = 10


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:5.1f}"


def score_rows(summary: dict) -> list[dict]:
    """One row per reported figure: overall, then every group, with the baselines beside."""
    bases = summary.get("baselines", {})

    def base(kind: str | None, name: str | None) -> dict[str, float | None]:
        out = {}
        for b, s in bases.items():
            out[b] = s["overall"] if kind is None else s["groups"].get(kind, {}).get(name, {}).get("score")
        return out

    rows = [{"group": "overall", "name": "all", "n": summary["n"], "score": summary["overall"],
             "ci_low": summary["overall_ci"][0], "ci_high": summary["overall_ci"][1], **base(None, None)}]
    for kind in GROUPS:
        for name, g in summary["groups"].get(kind, {}).items():
            rows.append({"group": kind, "name": name, "n": g["n"], "score": g["score"], "ci_low": g["ci"][0],
                         "ci_high": g["ci"][1], **base(kind, name)})
    return rows


def table(summary: dict) -> str:
    """The terminal report of a scored predictions file."""
    lines = []
    if "overall_ci" in summary:
        bases = list(summary.get("baselines", {}))
        rows = score_rows(summary)
        width = max(len(f"{r['group']}: {r['name']}") for r in rows)
        head = f"{'':<{width}}  {'n':>6}  {'score':>5}  {'95% CI':>13}" + "".join(f"  {b:>8}" for b in bases)
        lines += [head, "-" * len(head)]
        last = None
        for r in rows:
            if r["group"] != last and last is not None:
                lines.append("")
            last = r["group"]
            label = "overall" if r["group"] == "overall" else f"{r['group']}: {r['name']}"
            ci = f"[{_pct(r['ci_low'])},{_pct(r['ci_high'])}]"
            lines.append(f"{label:<{width}}  {r['n']:>6}  {_pct(r['score'])}  {ci:>13}"
                         + "".join(f"  {_pct(r[b]):>8}" for b in bases))
        for key, v in summary.get("metrics", {}).items():
            lines.append(f"{key}: {v:.3f}")
        missing = summary.get("missing", [])
        lines.append(f"answered {summary['answered']}/{summary['n']}; missing predictions count as wrong: "
                     f"{len(missing)}" + (f" ({', '.join(missing[:MAX_LISTED])}"
                                          f"{', ...' if len(missing) > MAX_LISTED else ''})" if missing else ""))
    if "judge" in summary:
        j = summary["judge"]
        lines.append(f"LLM judge {j['model']}: asked about {j['asked']} undecided answers, judged {j['judged']} "
                     f"(failed {j['failed']}, unparsed {j['unparsed']}); agrees with the rules on "
                     f"{_pct(j['agreement'])}%; accuracy there: rules {_pct(j['rule_accuracy'])}, judge "
                     f"{_pct(j['judge_accuracy'])}; overall with the judge's verdicts {_pct(j['overall_with_judge'])}")
    if "if_track" in summary:
        t = summary["if_track"]
        lines.append(f"instruction following: {t['turns']} turns, PIF {_pct(t['pif'])} "
                     f"[{_pct(t['pif_ci'][0])},{_pct(t['pif_ci'][1])}], answer accuracy {_pct(t['accuracy'])}, "
                     f"missing {len(t['missing'])}")
        lines.append("  " + "  ".join(f"{k} {_pct(v)}" for k, v in t["pif_n_k"].items()))
        lines.append("  by kind: " + ", ".join(f"{k} {_pct(v)}" for k, v in t["by_kind"].items()))
        lines.append("  by instructions in force: " + ", ".join(f"{k}: {_pct(v)}"
                                                                  for k, v in t["by_active_count"].items()))
    problems = summary.get("problems", [])
    if problems:
        lines.append(f"{len(problems)} problem(s) in the predictions file:")
        lines += [f"  {p}" for p in problems[:MAX_LISTED]]
        if len(problems) > MAX_LISTED:
            lines.append(f"  ... and {len(problems) - MAX_LISTED} more (all in summary.json)")
    return "\n".join(lines)


def write_csv(summary: dict, path: Path) -> None:
    rows = score_rows(summary)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    atomic_write_text(path, buf.getvalue())


def bar_chart(summary: dict, path: Path, max_bars: int = 40) -> None:
    """Scores per family (per task when there are more than ``max_bars`` families), with
    95% intervals as error bars and the baselines as markers."""
    kind = "family" if len(summary["groups"]["family"]) <= max_bars else "task"
    groups = summary["groups"][kind]
    names = list(groups)
    scores = [100 * groups[n]["score"] for n in names]
    err = [[100 * (groups[n]["score"] - groups[n]["ci"][0]) for n in names],
           [100 * (groups[n]["ci"][1] - groups[n]["score"]) for n in names]]
    fig, ax = pyplot().subplots(figsize=(max(6.0, 0.45 * len(names) + 2), 4.5))
    x = list(range(len(names)))
    ax.bar(x, scores, yerr=err, capsize=3, color="#4c72b0", label="model")
    for (b, s), marker in zip(summary.get("baselines", {}).items(), ("_", "x")):
        ax.scatter(x, [100 * (s["groups"][kind].get(n, {}).get("score") or 0) for n in names],
                   marker=marker, s=120, color="black" if marker == "_" else "#c44e52", zorder=3, label=b)
    ax.set_xticks(x)
    ax.set_xticklabels(names, rotation=60, ha="right", fontsize=8)
    ax.set_ylim(0, 100)
    ax.set_ylabel("score (%)")
    ax.set_title(f"overall {100 * summary['overall']:.1f}% "
                 f"[{100 * summary['overall_ci'][0]:.1f}, {100 * summary['overall_ci'][1]:.1f}] per {kind}")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    atomic_write_bytes(path, png_bytes(fig))


def build_report(meta: dict) -> str:
    """The figures printed after ``bench build``: counts, quotas and answer balance per family."""
    c = meta["counts"]
    lines = [f"{c['questions']} questions on {c['images']} images from {c.get('samples_offered', 0)} samples"
             + (f" (shortfall {c['shortfall']})" if c["shortfall"] else "")]
    skipped = {k: v for k, v in c.items() if k.startswith(("samples_", "questions_")) and k != "samples_offered" and v}
    if skipped:
        lines.append("skipped: " + ", ".join(f"{k} {v}" for k, v in skipped.items()))
    if meta.get("skipped_generators"):
        lines.append("skipped generators: " + "; ".join(meta["skipped_generators"]))
    for gen, err in meta.get("first_errors", {}).items():
        lines.append(f"{gen}: {c['samples_failed'][gen]} samples failed, first at {err}")
    for src in meta["exclude"]:
        lines.append(f"excluded corpus {src['corpus']}: {src['images']} images, {src['questions']} questions")
    bal = meta["balance"]
    if bal:
        width = max(len(f) for f in bal)
        lines.append(f"{'family':<{width}}  {'n':>5}  {'target':>6}  {'answers':>7}  {'top share':>9}  "
                     f"{'top/next':>8}  {'offered':>8}  {'entropy':>7}")
        targets = {k.split("/", 1)[1]: v["target"] for k, v in meta["quotas"].items()}
        for fam, f in bal.items():
            ratio = "-" if f["ratio"] is None else f"{f['ratio']:.2f}"
            offered = "-" if f["offered_ratio"] is None else f"{f['offered_ratio']:.2f}"
            lines.append(f"{fam:<{width}}  {f['n']:>5}  {targets.get(fam, 0):>6}  {f['distinct']:>7}  "
                         f"{100 * f['top_share']:>8.1f}%  {ratio:>8}  {offered:>8}  {f['entropy']:>7.2f}")
    if meta["correct_letters"]:
        lines.append("correct option letters: " + ", ".join(f"{k} {v}" for k, v in meta["correct_letters"].items()))
    if c.get("if_dialogues"):
        lines.append(f"instruction-following track: {c['if_dialogues']} dialogues, {c['if_turns']} turns")
    return "\n".join(lines)
