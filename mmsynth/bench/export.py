"""``mmsynth bench export``: a benchmark in the formats evaluation harnesses read.

* ``lmms-eval``: ``DIR/<task>.yaml`` (a ``generate_until`` task over a local JSON dataset),
  ``DIR/utils.py`` (doc_to_visual / doc_to_text / process_results, scoring with mmsynth's
  scorer) and ``DIR/<task>.jsonl`` (one document per question: prompt, absolute image
  paths, the answer entry as JSON). Run with ``lmms-eval --include_path DIR --tasks <task>``.
* ``vlmevalkit``: ``DIR/<task>.tsv`` in VLMEvalKit's custom-dataset layout: ``index``,
  ``image`` (base64; a list of them for several images), ``question`` (without the
  options), ``A``..``D`` (more letters where a question has more options, empty for
  open questions), ``answer`` (the letter, or the answer text), ``category`` (the family).
"""
from __future__ import annotations

import base64
import csv
import io
import json
import re
import shutil
from pathlib import Path

from mmsynth.bench.build import ANSWERS, QUESTIONS
from mmsynth.bench.score import load_answers
from mmsynth.errors import UserError
from mmsynth.generator import answer_text
from mmsynth.io import atomic_write_jsonl, atomic_write_text, read_jsonl
from mmsynth.record import OPTION_LETTERS

FORMATS = ("lmms-eval", "vlmevalkit")
UTILS = Path(__file__).with_name("harness") / "lmms_eval_utils.py"


def task_name(bench: Path, name: str | None) -> str:
    """A task name harnesses accept: letters, digits and underscores."""
    raw = name or f"mmsynth_{bench.resolve().name}"
    return re.sub(r"\W+", "_", raw).strip("_").lower() or "mmsynth_bench"


def _rows(bench: Path) -> list[tuple[dict, dict]]:
    """(question line, answer entry) pairs of a benchmark, in the questions' order."""
    answers = {a["id"]: a for a in load_answers(bench)}
    questions = [q for _, q in read_jsonl(bench / QUESTIONS)]
    missing = [q["id"] for q in questions if q["id"] not in answers]
    if missing:
        raise UserError(f"{bench}/{ANSWERS}: no answer for question {missing[0]!r} ({len(missing)} in all)")
    for q in questions:
        for rel in q["images"]:
            if not (bench / rel).is_file():
                raise UserError(f"{bench}/{QUESTIONS}: question {q['id']!r} names a missing image {rel}")
    return [(q, answers[q["id"]]) for q in questions]


def _bare_question(q: dict, a: dict) -> str:
    """The question without its lettered options and instruction line (VLMEvalKit adds its own)."""
    return a.get("question") or q["question"].split("\nOptions:")[0]


def _lmms_eval_yaml(task: str, data: Path) -> str:
    return "\n".join([
        f"task: {task}",
        "dataset_path: json",
        "dataset_kwargs:",
        f"  data_files: {{test: {json.dumps(str(data))}}}",
        "test_split: test",
        "output_type: generate_until",
        "doc_to_visual: !function utils.doc_to_visual",
        "doc_to_text: !function utils.doc_to_text",
        "doc_to_target: !function utils.doc_to_target",
        "process_results: !function utils.process_results",
        "generation_kwargs:",
        "  max_new_tokens: 64",
        "  temperature: 0",
        "  do_sample: false",
        "metric_list:",
        "  - metric: mmsynth_score",
        "    aggregation: mean",
        "    higher_is_better: true",
        "  - metric: mmsynth_accuracy",
        "    aggregation: mean",
        "    higher_is_better: true",
        "lmms_eval_specific_kwargs:",
        "  default:",
        '    pre_prompt: ""',
        '    post_prompt: ""',
        "metadata:",
        "  version: 1.0",
        ""])


def export_lmms_eval(bench: Path, out: Path, task: str) -> list[Path]:
    docs = [{"id": q["id"], "question": q["question"], "images": [str((bench / rel).resolve()) for rel in q["images"]],
             "answer": json.dumps(a, sort_keys=True), "target": answer_text(a), "task": q.get("task", ""),
             "family": q.get("family", ""), "skill": q.get("skill", ""), "answer_type": q.get("answer_type", "")}
            for q, a in _rows(bench)]
    data = (out / f"{task}.jsonl").resolve()
    atomic_write_jsonl(data, docs)
    atomic_write_text(out / f"{task}.yaml", _lmms_eval_yaml(task, data))
    shutil.copyfile(UTILS, out / "utils.py")
    return [out / f"{task}.yaml", out / "utils.py", data]


def _image_cell(bench: Path, rels: list[str]) -> str:
    b64 = [base64.b64encode((bench / rel).read_bytes()).decode() for rel in rels]
    return b64[0] if len(b64) == 1 else str(b64)


def export_vlmevalkit(bench: Path, out: Path, task: str) -> list[Path]:
    rows = _rows(bench)
    n_letters = max([4] + [len(a.get("options") or []) for _, a in rows])
    letters = list(OPTION_LETTERS[:n_letters])
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(["index", "image", "question", *letters, "answer", "category", "l2-category", "id"])
    for k, (q, a) in enumerate(rows):
        options = [str(o) for o in (a.get("options") or [])]
        writer.writerow([k, _image_cell(bench, q["images"]), _bare_question(q, a),
                         *(options + [""] * (n_letters - len(options))), answer_text(a),
                         q.get("family", ""), q.get("task", ""), q["id"]])
    path = out / f"{task}.tsv"
    atomic_write_text(path, buf.getvalue())
    return [path]


def export_bench(bench: str | Path, fmt: str, out: str | Path, name: str | None = None) -> list[Path]:
    """Write benchmark ``bench`` for harness ``fmt`` into folder ``out``; the files written."""
    bench, out = Path(bench), Path(out)
    if fmt not in FORMATS:
        raise UserError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    task = task_name(bench, name)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise UserError(f"{out}: cannot create the folder ({e.strerror})") from None
    return (export_lmms_eval if fmt == "lmms-eval" else export_vlmevalkit)(bench, out, task)
