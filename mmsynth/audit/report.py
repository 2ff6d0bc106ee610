"""Gather the audit over a corpus and write ``audit.html`` (worst examples beside their
images, and plots of the shape counts and problems)."""
from __future__ import annotations

import base64
import html
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from mmsynth.audit.grammar import problems as grammar_problems
from mmsynth.audit.shapes import shape
from mmsynth.audit.uniqueness import ambiguities, road_label_problems
from mmsynth.corpus import iter_records
from mmsynth.io import atomic_write_text
from mmsynth.plots import png_bytes, pyplot
from mmsynth.record import option_key
from mmsynth.validate import generator_for

AUDIT_TITLE = "<title>mmsynth audit</title>"   # also how an earlier audit page is recognised
EXAMPLES_PER_GENERATOR = 6


@dataclass
class GeneratorAudit:
    questions: int = 0
    ambiguous: int = 0
    grammar: int = 0
    examples: list = field(default_factory=list)   # (kind, reasons, record, qa)


@dataclass
class Audit:
    generators: dict = field(default_factory=lambda: defaultdict(GeneratorAudit))
    answers: dict = field(default_factory=lambda: defaultdict(Counter))
    shapes: dict = field(default_factory=lambda: defaultdict(set))
    generator_families: dict = field(default_factory=lambda: defaultdict(set))
    grammar_kinds: Counter = field(default_factory=Counter)

    def top_share(self) -> dict[str, float]:
        return {f: c.most_common(1)[0][1] / sum(c.values()) for f, c in self.answers.items() if c}

    def shape_counts(self) -> dict[str, int]:
        return {f: len(s) for f, s in self.shapes.items()}

    def totals(self) -> dict:
        counts = sorted(self.shape_counts().values())
        return {"questions": sum(g.questions for g in self.generators.values()),
                "ambiguous": sum(g.ambiguous for g in self.generators.values()),
                "grammar": sum(g.grammar for g in self.generators.values()),
                "families": len(counts),
                "median_shapes": statistics.median(counts) if counts else 0,
                "min_shapes": counts[0] if counts else 0}


def _values(rec: dict, qa: dict, cache: dict) -> list:
    """Everything a question was filled with: slots, the solver's fields, options, answer."""
    vals = [qa.get("params") or {}, qa.get("options") or [], qa.get("answer")]
    gen = generator_for(rec["generator"], cache)
    fam = next((f for f in getattr(gen, "families", []) if f.name == qa["family"]), None)
    if fam is not None:
        try:
            vals.append(fam.solve(rec["source"], **(qa.get("params") or {})).fields)
        except Exception:  # a record the solver no longer takes: mask what the record holds
            pass
    return vals


def _record_ambiguities(rec: dict, cache: dict) -> list[str]:
    """Problems of the image as a whole: road labels that could belong to two roads."""
    if rec["generator"] != "map.road":
        return []
    from generators.maps.render_road import map_frame
    gen = generator_for(rec["generator"], cache)
    style = (rec.get("meta") or {}).get("style")
    if gen is None or not style:
        return []
    rendered = gen.render(rec["source"], style)
    return road_label_problems(rec["source"], rendered.texts, map_frame(style))


def audit_corpus(root: str | Path, progress: bool = True) -> Audit:
    audit, cache = Audit(), {}
    for _, _, rec in tqdm(iter_records(root), desc="audit", unit="rec", disable=not progress):
        g = audit.generators[rec["generator"]]
        image_problems = _record_ambiguities(rec, cache)
        for qa in rec["qa"]:
            fam = qa["family"]
            g.questions += 1
            audit.generator_families[rec["generator"]].add(fam)
            audit.answers[fam][option_key(str(qa["answer"]))] += 1
            audit.shapes[fam].add(shape(qa["question"], _values(rec, qa, cache)))
            amb = ambiguities(rec, qa) + image_problems
            gram = grammar_problems(qa["question"])
            if amb:
                g.ambiguous += 1
            if gram:
                g.grammar += 1
                audit.grammar_kinds.update(p.split(":")[0] for p in gram)
            if (amb or gram) and len(g.examples) < EXAMPLES_PER_GENERATOR:
                g.examples.append(("ambiguous" if amb else "grammar", amb + gram, rec, qa))
    return audit


def summary_lines(audit: Audit) -> list[str]:
    """The per-generator table the command prints."""
    share, shapes = audit.top_share(), audit.shape_counts()
    lines = [f"{'generator':28} {'questions':>9} {'ambiguous':>9} {'grammar':>7} {'top answer':>10} {'shapes min/med':>14}"]
    for name in sorted(audit.generators):
        g = audit.generators[name]
        fams = audit.generator_families[name]
        top = max((share[f] for f in fams), default=0.0)
        counts = sorted(shapes[f] for f in fams) or [0]
        lines.append(f"{name:28} {g.questions:9d} {g.ambiguous:9d} {g.grammar:7d} {top:10.0%} "
                     f"{counts[0]:6d}/{statistics.median(counts):<7g}")
    t = audit.totals()
    lines.append(f"total: {t['questions']} questions, {t['ambiguous']} ambiguous, {t['grammar']} with grammar "
                 f"problems; {t['families']} families, distinct question shapes per family: median "
                 f"{t['median_shapes']:g}, min {t['min_shapes']}")
    return lines


def _plot(audit: Audit) -> str:
    counts = audit.shape_counts()
    fig, (ax1, ax2) = pyplot().subplots(1, 2, figsize=(11, 3.6))
    ax1.hist(list(counts.values()), bins=30, color="#4C72B0")
    ax1.axvline(15, color="#C44E52", linestyle="--", label="target median 15")
    ax1.set_xlabel("distinct question shapes in the family")
    ax1.set_ylabel("families")
    ax1.legend()
    gens = sorted(audit.generators, key=lambda n: audit.generators[n].ambiguous + audit.generators[n].grammar)[-20:]
    ax2.barh(gens, [audit.generators[n].ambiguous for n in gens], color="#C44E52", label="ambiguous")
    ax2.barh(gens, [audit.generators[n].grammar for n in gens], left=[audit.generators[n].ambiguous for n in gens],
             color="#DD8452", label="grammar")
    ax2.set_xlabel("questions")
    ax2.tick_params(axis="y", labelsize=7)
    ax2.legend()
    return base64.b64encode(png_bytes(fig, dpi=90)).decode()


def write_audit_html(audit: Audit, root: Path, out: Path) -> Path:
    """The page: totals, the plot, the per-generator table, the worst examples with images."""
    parts = [f"<!doctype html><html><head><meta charset='utf-8'>{AUDIT_TITLE}<style>"
             "body{font-family:sans-serif;margin:20px} .card{display:flex;gap:12px;margin:10px 0;"
             "border-bottom:1px solid #ddd;padding-bottom:8px} .card img{max-width:360px;max-height:300px}"
             "pre{background:#f6f6f6;padding:8px}</style></head><body>",
             f"<h1>Audit of {html.escape(str(root))}</h1>",
             f'<img alt="shapes and problems" src="data:image/png;base64,{_plot(audit)}">',
             "<pre>" + html.escape("\n".join(summary_lines(audit))) + "</pre>"]
    if audit.grammar_kinds:
        parts.append("<p>Grammar problems by kind: " + html.escape(", ".join(
            f"{k} {v}" for k, v in audit.grammar_kinds.most_common())) + "</p>")
    parts.append("<h2>Worst examples</h2>")
    for name in sorted(audit.generators):
        for kind, reasons, rec, qa in audit.generators[name].examples:
            imgs = "".join(f'<img src="{html.escape(_image_src(root, out, p))}">' for p in rec["images"][:2])
            parts.append(f"<div class='card'>{imgs}<div><b>{html.escape(rec['id'])}</b> ({kind})<br>"
                         f"{html.escape(qa['question'])} <b>{html.escape(str(qa['answer']))}</b>"
                         + (f"<br>options: {html.escape(', '.join(map(str, qa['options'])))}" if qa.get("options") else "")
                         + "<ul>" + "".join(f"<li>{html.escape(r)}</li>" for r in reasons) + "</ul></div></div>")
    parts.append("</body></html>")
    atomic_write_text(out, "\n".join(parts))
    return out


def _image_src(root: Path, out: Path, rel: str) -> str:
    return rel if out.parent.resolve() == root.resolve() else str((root / rel).resolve())
