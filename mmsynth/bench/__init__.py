"""Synthetic benchmarks: build balanced held-out sets (``mmsynth bench build``) and score any
model's free-form answers on them (``mmsynth bench score``).

The benchmark folder (binding: ``mmsynth predict`` reads it)::

    BENCH/bench.json       configuration, versions, counts, quotas, answer-balance figures
    BENCH/questions.jsonl  what a model is shown, one question per line:
        {"id": "chart.bar-7-000012-q0", "images": ["images/chart.bar/chart.bar-7-000012-0.png"],
         "question": "<the prompt: question, lettered options and the instruction line>",
         "options": ["Books", "Toys", ...] or null, "answer_type": "choice",
         "task": "chart", "family": "chart.max_label", "skill": "reasoning"}
    BENCH/answers.jsonl    what scoring needs (can be withheld from the model's side):
        {"id": ..., "answer": ..., "answer_type": ..., "options": ..., "metric": "option",
         "family": ..., "skill": ..., "task": ..., "tolerance": 2.5 (if any),
         "image_size": [w, h] (points and boxes), "origin": {"generator", "seed", "index"}}
    BENCH/images/...       the images, paths relative to BENCH
    BENCH/if_dialogues.jsonl, BENCH/if_answers.jsonl   the instruction-following track
                           (see :mod:`mmsynth.bench.ifeval`)

Predictions are JSONL lines ``{"id": ..., "prediction": "free text"}``
(see :mod:`mmsynth.bench.predictions`).
"""
from __future__ import annotations

DEFAULT_SEED = 104729  # bench build's default seed; not generate's 0, so a benchmark built with defaults draws other samples
