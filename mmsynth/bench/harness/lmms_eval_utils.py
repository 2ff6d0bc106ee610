"""lmms-eval task functions for a benchmark exported by ``mmsynth bench export --format lmms-eval``.

Each document carries the benchmark's prompt, its image paths and its ``answers.jsonl``
entry (as JSON); predictions are scored by mmsynth's own scorer (docs/scoring.md), so the
figures match ``mmsynth bench score``.
"""
import json

from PIL import Image

from mmsynth.bench.metrics import accepted, score


def doc_to_visual(doc):
    return [Image.open(path).convert("RGB") for path in doc["images"]]


def doc_to_text(doc, lmms_eval_specific_kwargs=None):
    kwargs = lmms_eval_specific_kwargs or {}
    return f"{kwargs.get('pre_prompt', '')}{doc['question']}{kwargs.get('post_prompt', '')}"


def doc_to_target(doc):
    return doc["target"]


def process_results(doc, results):
    gold = json.loads(doc["answer"])
    scored = score(gold, results[0] if results else None)
    return {"mmsynth_score": scored.score, "mmsynth_accuracy": float(accepted(gold, scored))}
