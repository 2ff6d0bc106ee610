"""Batched greedy generation over a benchmark folder, for ``mmsynth bench score``.

Reads ``BENCH/questions.jsonl`` (``{"id", "images", "question", "options", ...}``), asks
each question with the prompt template the model was trained with, and writes one
``{"id": ..., "prediction": "text"}`` line per question. The instruction-following track
(``if_dialogues.jsonl``) is run turn by turn, every dialogue in one conversation with the
model's own earlier answers. Lines are appended to ``OUT.partial`` as batches finish (a
rerun continues from there) and the file is renamed to ``OUT`` when all are answered.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mmsynth.bench.build import IF_DIALOGUES
from mmsynth.bench.lines import read_lines
from mmsynth.errors import UserError
from mmsynth.images import image_problems
from mmsynth.io import atomic_write_jsonl, dumps_line
from mmsynth.record import IMAGE_TOKEN
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


@dataclass
class Job:
    """One generation: the conversation so far (ending with the question) and its images."""
    id: str
    turns: list[dict]
    images: list[Path]


def if_turn_job(dialogue: dict, k: int, done: dict[str, str], family: str, bench: Path) -> Job:
    """Turn ``k`` of an instruction-following dialogue, with the model's own earlier answers as
    history (InstructBLIP, single-turn, gets every prompt so far as one instruction, so the
    format instructions given earlier stay in force)."""
    images = dialogue.get("images", [])
    prompts = [t["prompt"] for t in dialogue["turns"][:k + 1]]
    if prompts[0].count(IMAGE_TOKEN) != len(images):
        prompts[0] = (IMAGE_TOKEN + "\n") * len(images) + prompts[0].replace(IMAGE_TOKEN, "")
    if family == "instructblip":
        turns = [{"role": "user", "content": "\n".join(prompts)}]
    else:
        turns = []
        for j, prompt in enumerate(prompts):
            turns.append({"role": "user", "content": prompt})
            if j < k:
                turns.append({"role": "assistant", "content": done[dialogue["turns"][j]["id"]]})
    return Job(dialogue["turns"][k]["id"], turns, [bench / p for p in images])


def predict(run: str | Path, bench: str | Path, out: str | Path, batch_size: int = 16,
            max_new_tokens: int = 32, progress: bool = True, device: str | None = None) -> int:
    """Write predictions for every question of ``bench`` (and every turn of its
    instruction-following track); returns how many were generated now."""
    from tqdm import tqdm

    from mmsynth.train.adapt import pick_device
    from mmsynth.train.checkpoint import load_run

    bench, out = Path(bench), Path(out)
    if not is_benchmark(bench):
        raise UserError(f"{bench}: not a benchmark folder (no questions.jsonl); build one with `mmsynth bench build`")
    questions = [q for _, q in read_lines(bench)]
    dialogues = [d for _, d in read_lines(bench, IF_DIALOGUES)] if (bench / IF_DIALOGUES).is_file() else []
    items = [(q["id"], q.get("images", [])) for q in questions] + [(d["id"], d.get("images", [])) for d in dialogues]
    bad = [(i, p, e) for i, paths in items for p, e in image_problems(bench, paths)]
    if bad:
        missing = [b for b in bad if b[2].missing]
        i, p, e = (missing or bad)[0]
        raise UserError(f"{bench}: {len(missing)} image file(s) are missing (first: {p} of {i!r})" if missing
                        else f"{bench}: {e} (of {i!r})")
    ids = [q["id"] for q in questions] + [t["id"] for d in dialogues for t in d["turns"]]
    partial = out.with_name(out.name + ".partial")
    done = read_partial(partial)
    todo = sum(i not in done for i in ids)
    bundle = load_run(run, pick_device(device)) if todo else None
    out.parent.mkdir(parents=True, exist_ok=True)
    bar = tqdm(total=len(ids), initial=len(ids) - todo, desc="predict", unit="q", disable=not progress,
               dynamic_ncols=True)
    with partial.open("a", encoding="utf-8") as f:
        if todo:
            jobs = [Job(q["id"], bench_turns(q), [bench / p for p in q.get("images", [])])
                    for q in questions if q["id"] not in done]
            generate_into(f, bundle, jobs, done, batch_size, max_new_tokens, bar)
            for k in range(max((len(d["turns"]) for d in dialogues), default=0)):   # turn by turn
                jobs = [if_turn_job(d, k, done, bundle.family, bench) for d in dialogues
                        if k < len(d["turns"]) and d["turns"][k]["id"] not in done]
                generate_into(f, bundle, jobs, done, batch_size, max_new_tokens, bar)
    bar.close()
    atomic_write_jsonl(out, ({"id": i, "prediction": done[i]} for i in ids))
    partial.unlink()
    return todo


def new_tokens(generated: Any, prompt_ids: Any) -> Any:
    """The generated continuation: models that return prompt + answer get the prompt cut off."""
    n = prompt_ids.shape[1]
    if generated.shape[1] >= n and bool((generated[:, :n] == prompt_ids).all()):
        return generated[:, n:]
    return generated


def generate_into(f: Any, bundle: Any, jobs: list[Job], done: dict[str, str], batch_size: int,
                  max_new_tokens: int, bar: Any) -> None:
    """Greedy answers to ``jobs``, batch by batch: each batch's lines are appended and synced to
    ``f`` and recorded in ``done``."""
    import torch

    encoder = Encoder(bundle, max_length=10 ** 9)
    collate = Collator.of(bundle, pad_left=True)
    model, tok = bundle.model, bundle.tokenizer
    pad = tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id
    for start in range(0, len(jobs), batch_size):
        chunk = jobs[start:start + batch_size]
        items = []
        for job in chunk:
            prompt = encoder.prompt(job.turns, job.images)
            ids = encoder.prompt_ids(prompt)
            items.append(Example(job.id, ids, [-100] * len(ids), prompt.images, prompt.qformer_text))
        batch = collate(items)
        batch.pop("labels")
        batch = {k: v.to(model.device) for k, v in batch.items()}
        if "pixel_values" in batch and model.dtype in (torch.bfloat16, torch.float16):
            batch["pixel_values"] = batch["pixel_values"].to(model.dtype)
        with torch.inference_mode():
            generated = model.generate(**batch, max_new_tokens=max_new_tokens, do_sample=False,
                                       pad_token_id=pad, eos_token_id=tok.eos_token_id)
        texts = [t.strip() for t in tok.batch_decode(new_tokens(generated, batch["input_ids"]),
                                                     skip_special_tokens=True)]
        f.write("".join(dumps_line({"id": job.id, "prediction": t}) for job, t in zip(chunk, texts)))
        f.flush()
        os.fsync(f.fileno())
        done.update({job.id: t for job, t in zip(chunk, texts)})
        bar.update(len(chunk))
