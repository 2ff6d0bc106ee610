"""An HTML page about a corpus: counts, distributions (plots) and a gallery with QA.

Distributions are what people look at before training: samples per generator, questions
per skill and answer type, and per question family how concentrated the answers are
(the share of the most common answer: a family where one answer dominates teaches a
prior, not a skill).
"""
from __future__ import annotations

import base64
import html
from collections import Counter, defaultdict
from pathlib import Path

from mmsynth.corpus import iter_records, read_manifest
from mmsynth.generator import answer_text
from mmsynth.images import BadImage, corpus_image
from mmsynth.io import atomic_write_text
from mmsynth.plots import png_bytes, pyplot
from mmsynth.record import format_answer, option_key


def _bar_png(counts: dict[str, float], title: str, xlabel: str) -> str:
    items = sorted(counts.items(), key=lambda kv: kv[1])
    fig, ax = pyplot().subplots(figsize=(7, max(1.8, 0.28 * len(items) + 0.8)))
    ax.barh([k for k, _ in items], [v for _, v in items], color="#4C72B0")
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.tick_params(axis="y", labelsize=8)
    return base64.b64encode(png_bytes(fig, dpi=90)).decode()


def corpus_stats(root: Path) -> dict:
    per_gen: Counter = Counter()
    skills: Counter = Counter()
    types: Counter = Counter()
    answers: dict[str, Counter] = defaultdict(Counter)
    examples: dict[str, list[dict]] = defaultdict(list)
    for _, _, rec in iter_records(root):
        per_gen[rec["generator"]] += 1
        if len(examples[rec["generator"]]) < 2:
            examples[rec["generator"]].append(rec)
        for qa in rec["qa"]:
            skills[qa["skill"]] += 1
            types[qa["answer_type"]] += 1
            answers[qa["family"]][option_key(qa["answer"])] += 1
    top_share = {f: c.most_common(1)[0][1] / sum(c.values()) for f, c in answers.items()}
    return {"per_generator": per_gen, "skills": skills, "answer_types": types, "top_share": top_share,
            "answers": answers, "examples": examples}


def _answer_html(qa: dict) -> str:
    """The answer as shown: the letter with its option text for multiple choice ("B. Toys")."""
    text = answer_text(qa)
    return f"{text}. {format_answer(qa['answer'], qa['answer_type'])}" if qa.get("options") and not qa.get("response") \
        else text


def _options_html(qa: dict) -> str:
    """A multiple-choice question's options, lettered, the right one marked."""
    if not qa.get("options"):
        return ""
    right = [option_key(o) for o in qa["options"]].index(option_key(qa["answer"]))
    items = "".join(f'<li{" class=right" if i == right else ""}>{html.escape(format_answer(o, qa["answer_type"]))}</li>'
                    for i, o in enumerate(qa["options"]))
    return f'<ol type="A" class="options">{items}</ol>'


REPORT_TITLE = "<title>mmsynth report</title>"   # also how an earlier report is recognised


def _gallery_image(root: Path, out: Path, rec: dict) -> str:
    """A gallery card's picture (relative to the report when it sits in the corpus), or why the
    record's image is refused: the page never points a browser at a file outside the corpus."""
    if not rec["images"]:
        return ""
    try:
        real = corpus_image(root, rec["images"][0])
    except BadImage as e:
        return f"<p><i>{html.escape(str(e))}</i></p>"
    src = rec["images"][0] if out.parent.resolve() == root.resolve() else real
    return f'<img src="{html.escape(str(src))}">'


def write_report(root: str | Path, out: str | Path | None = None) -> Path:
    """Write ``report.html`` (or ``out``) for the corpus at ``root``; returns its path."""
    root = Path(root)
    out = Path(out) if out else root / "report.html"
    st = corpus_stats(root)
    manifest = read_manifest(root)
    n_q = sum(st["skills"].values())
    parts = [f"<h1>mmsynth corpus: {html.escape(str(root))}</h1>",
             f"<p>{sum(st['per_generator'].values())} samples, {n_q} questions, "
             f"{len(st['per_generator'])} generators, {len(st['answers'])} question families. "
             f"Command: <code>{html.escape(manifest.get('command', '?'))}</code></p>"]
    for counts, title, xlabel in ((st["per_generator"], "Samples per generator", "samples"),
                                  (st["skills"], "Questions per skill", "questions"),
                                  (st["answer_types"], "Questions per answer type", "questions"),
                                  (st["top_share"], "Share of the most common answer, per family", "share")):
        if counts:
            parts.append(f'<img alt="{title}" src="data:image/png;base64,{_bar_png(dict(counts), title, xlabel)}">')
    parts.append("<h2>Gallery</h2>")
    for gen, recs in sorted(st["examples"].items()):
        for rec in recs:
            qa_html = "".join(f"<li>{html.escape(q['question'])}{_options_html(q)} <b>{html.escape(_answer_html(q))}</b>"
                              + (f"<br><small>{html.escape(q['rationale'])}</small>" if q.get("rationale") else "")
                              + "</li>" for q in rec["qa"])
            parts.append(f'<div class="card">{_gallery_image(root, out, rec)}<div><b>{html.escape(rec["id"])}'
                         f"</b><ul>{qa_html}</ul></div></div>")
    style = ("body{font-family:sans-serif;max-width:1100px;margin:auto}img{max-width:100%}"
             ".card{display:flex;gap:1em;border-top:1px solid #ddd;padding:.5em}.card img{width:320px}"
             ".options{margin:.2em 0}.options li.right{font-weight:bold;color:#1a7f37}")
    atomic_write_text(out, f"<!doctype html><meta charset=utf-8>{REPORT_TITLE}<style>{style}</style>"
                      + "\n".join(parts))
    return out
