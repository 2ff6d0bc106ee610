"""Batched greedy generation over a benchmark folder, for ``mmsynth bench score``.

Reads ``BENCH/questions.jsonl`` (``{"id", "images", "question", "options", ...}``), asks
each question with the prompt template the model was trained with, and writes one
``{"id": ..., "prediction": "text"}`` line per question. Lines are appended to
``OUT.partial`` as batches finish (a rerun continues from there) and the file is renamed
to ``OUT`` when every question is answered.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from mmsynth.errors import UserError
from mmsynth.io import atomic_write_jsonl, dumps_line, read_jsonl
from mmsynth.train.data import Collator, Encoder, Example, bench_turns, is_benchmark


def read_partial(path: Path) -> dict[str, str]:
    """Predictions already written by an interrupted run; a torn last line is dropped."""
    done: dict[str, str] = {}
    if not path.exists():
        return done
    good = 0
    with path.open("r", encoding="utf-8") as f:
        for line in f:
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                break
            done[row["id"]] = row["prediction"]
            good += len(line.encode("utf-8"))
    with path.open("r+b") as f:
        f.truncate(good)
    return done


def predict(run: str | Path, bench: str | Path, out: str | Path, batch_size: int = 16,
            max_new_tokens: int = 32, progress: bool = True, device: str | None = None) -> int:
    """Write predictions for every question of ``bench``; returns how many were generated now."""
    from tqdm import tqdm

    from mmsynth.train.loop import load_run, pick_device

    bench, out = Path(bench), Path(out)
    if not is_benchmark(bench):
        raise UserError(f"{bench}: not a benchmark folder (no questions.jsonl); build one with `mmsynth bench build`")
    questions = [q for _, q in read_jsonl(bench / "questions.jsonl")]
    missing = [(q["id"], p) for q in questions for p in q.get("images", []) if not (bench / p).is_file()]
    if missing:
        raise UserError(f"{bench}: {len(missing)} image file(s) are missing (first: {missing[0][1]} "
                        f"of {missing[0][0]!r})")
    partial = out.with_name(out.name + ".partial")
    done = read_partial(partial)
    todo = [q for q in questions if q["id"] not in done]
    bundle = load_run(run, pick_device(device)) if todo else None
    out.parent.mkdir(parents=True, exist_ok=True)
    bar = tqdm(total=len(questions), initial=len(questions) - len(todo), desc="predict", unit="q",
               disable=not progress, dynamic_ncols=True)
    with partial.open("a", encoding="utf-8") as f:
        if todo:
            generate_into(f, bundle, bench, todo, batch_size, max_new_tokens, bar)
    bar.close()
    final = read_partial(partial)
    atomic_write_jsonl(out, ({"id": q["id"], "prediction": final[q["id"]]} for q in questions))
    partial.unlink()
    return len(todo)


def new_tokens(generated: Any, prompt_ids: Any) -> Any:
    """The generated continuation: models that return prompt + answer get the prompt cut off."""
    n = prompt_ids.shape[1]
    if generated.shape[1] >= n and bool((generated[:, :n] == prompt_ids).all()):
        return generated[:, n:]
    return generated


def generate_into(f: Any, bundle: Any, bench: Path, todo: list[dict], batch_size: int, max_new_tokens: int,
                  bar: Any) -> None:
    """Greedy answers to ``todo``, batch by batch, each batch's lines appended and synced to ``f``."""
    import torch

    encoder = Encoder(bundle, max_length=10 ** 9)
    collate = Collator.of(bundle, pad_left=True)
    model, tok = bundle.model, bundle.tokenizer
    pad = tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id
    for start in range(0, len(todo), batch_size):
        chunk = todo[start:start + batch_size]
        items = []
        for q in chunk:
            prompt = encoder.prompt(bench_turns(q), [bench / p for p in q.get("images", [])])
            ids = encoder.prompt_ids(prompt)
            items.append(Example(q["id"], ids, [-100] * len(ids), prompt.images, prompt.qformer_text))
        batch = collate(items)
        batch.pop("labels")
        batch = {k: v.to(model.device) for k, v in batch.items()}
        if "pixel_values" in batch and model.dtype in (torch.bfloat16, torch.float16):
            batch["pixel_values"] = batch["pixel_values"].to(model.dtype)
        with torch.inference_mode():
            generated = model.generate(**batch, max_new_tokens=max_new_tokens, do_sample=False,
                                       pad_token_id=pad, eos_token_id=tok.eos_token_id)
        texts = tok.batch_decode(new_tokens(generated, batch["input_ids"]), skip_special_tokens=True)
        f.write("".join(dumps_line({"id": q["id"], "prediction": t.strip()})
                        for q, t in zip(chunk, texts)))
        f.flush()
        os.fsync(f.fileno())
        bar.update(len(chunk))
