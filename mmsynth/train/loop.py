"""The training loop, nanoGPT style: one readable function from data to checkpoints.

A run folder holds:

* ``run.json``: the configuration, the base model and the status;
* ``base/``: for a tiny preset, the random-initialised model it started from;
* ``checkpoints/step-NNNNNN.pt``: trainable weights, optimizer, schedule and RNG state,
  every ``save_every`` steps (the last two are kept); ``--resume`` continues from the
  newest, on the same batches, so an interrupted run ends where an uninterrupted one does;
* ``metrics.jsonl`` (one line per optimizer step) and ``loss.png``;
* ``model/`` (full fine-tuning) or ``adapter/`` (LoRA, projector included): the result,
  in the standard Hugging Face / PEFT formats.
"""
from __future__ import annotations

import contextlib
import math
import os
import shutil
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any, Callable, Iterator

from mmsynth.errors import UserError
from mmsynth.io import atomic_write_json, atomic_write_jsonl, dumps_line, read_json, read_jsonl
from mmsynth.train import models
from mmsynth.train.adapt import pick_device, prepare_model
from mmsynth.train.checkpoint import RUN_FILE, checkpoint_paths, restore_checkpoint, save_checkpoint, save_result
from mmsynth.train.config import TrainConfig
from mmsynth.train.data import (Collator, Encoder, Example, corpus_texts, encode_all, length_grouped_batches,
                                load_sources)

METRICS = "metrics.jsonl"
# settings that may differ on --resume: they change how the run is executed, not what it computes
RESUMABLE_CHANGES = ("out", "max_steps", "workers", "device", "compile", "grad_checkpointing", "save_every")


# --- loss -----------------------------------------------------------------------------

def supervised_columns(labels: Any) -> Any:
    """Columns (positions) where some row of the batch has a supervised next token."""
    return (labels[:, 1:] != -100).any(0).nonzero().squeeze(1)


def supervised_loss_sum(model: Any, batch: dict, keep: Any) -> Any:
    """Sum of next-token cross-entropies over the supervised positions.

    The LM head runs only at the ``keep`` columns (``logits_to_keep``), not over hundreds of
    image and prompt tokens: less memory, less time. ``keep`` is computed from the labels
    on the CPU, so the step does not wait for the GPU to find it.
    """
    import torch.nn.functional as F

    inputs = {k: v for k, v in batch.items() if k != "labels"}
    try:
        logits = model(**inputs, logits_to_keep=keep).logits
    except TypeError as e:                              # a model class without logits_to_keep
        if "logits_to_keep" not in str(e):
            raise
        logits = model(**inputs).logits
    if logits.shape[1] == batch["labels"].shape[1]:    # a model that ignores logits_to_keep
        logits = logits[:, keep]
    targets = batch["labels"][:, 1:][:, keep]
    return F.cross_entropy(logits.float().reshape(-1, logits.shape[-1]), targets.reshape(-1),
                           ignore_index=-100, reduction="sum")


def optimizer_step(model: Any, group: list[dict], params: list, optimizer: Any,
                   device: Any) -> tuple[float, int, float]:
    """One optimizer step over a group of micro-batches (gradient accumulation).

    The loss is the mean over every supervised token of the group, whatever micro-batch it
    sits in (each micro-batch's sum is divided by the group's count), so accumulating
    gives the same gradient as one big batch. Compute runs in bf16 autocast on GPU, with
    fp32 master weights. Returns (loss, tokens seen, gradient norm before clipping).
    """
    import torch

    n_sup = sum(int((b["labels"][:, 1:] != -100).sum()) for b in group)
    tokens = sum(int(b["attention_mask"].sum()) for b in group)
    autocast = (torch.autocast("cuda", dtype=torch.bfloat16) if device.type == "cuda"
                else contextlib.nullcontext())
    loss_total = torch.zeros((), device=device)
    for batch in group:
        keep = supervised_columns(batch["labels"]).to(device, non_blocking=True)
        batch = {k: v.to(device, non_blocking=True) for k, v in batch.items()}
        with autocast:
            loss_sum = supervised_loss_sum(model, batch, keep)
        (loss_sum / n_sup).backward()
        loss_total += loss_sum.detach()
    grad_norm = torch.nn.utils.clip_grad_norm_(params, 1.0)
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)
    return float(loss_total) / n_sup, tokens, float(grad_norm)


# --- schedule and metrics -------------------------------------------------------------

def lr_factor(step: int, total: int, warmup: int) -> float:
    """Linear warm-up to 1, then cosine decay to 0 at ``total``."""
    if step < warmup:
        return (step + 1) / warmup
    progress = (step - warmup) / max(1, total - warmup)
    return 0.5 * (1.0 + math.cos(math.pi * min(1.0, progress)))


def plot_loss(run: Path) -> None:
    """``loss.png``: training loss per optimizer step."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [r for _, r in read_jsonl(run / METRICS)] if (run / METRICS).exists() else []
    if not rows:
        return
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.plot([r["step"] for r in rows], [r["loss"] for r in rows], lw=1)
    ax.set_xlabel("step")
    ax.set_ylabel("loss (supervised tokens)")
    ax.set_title(run.name)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    tmp = run / ".loss.tmp.png"
    fig.savefig(tmp, dpi=100)
    plt.close(fig)
    os.replace(tmp, run / "loss.png")


# --- the run --------------------------------------------------------------------------

def open_run(cfg: TrainConfig, resume: bool) -> tuple[Path, dict | None]:
    """Create the run folder, or check that ``--resume`` continues the same configuration."""
    run = Path(cfg.out)
    if (run / RUN_FILE).exists() and read_json(run / RUN_FILE).get("status") == "preparing":
        shutil.rmtree(run / "base", ignore_errors=True)    # stopped before its first step: start afresh
        (run / RUN_FILE).unlink()
    if (run / RUN_FILE).exists():
        previous = read_json(run / RUN_FILE)
        if not resume:
            raise UserError(f"{run}: a run already exists there (use --resume to continue it, or another -o)")
        same = {k: v for k, v in asdict(cfg).items() if k not in RESUMABLE_CHANGES}
        old = {k: v for k, v in previous["config"].items() if k in same}
        diff = [k for k in same if k in old and old[k] != same[k]]
        if diff:
            raise UserError(f"{run}: --resume with other settings than the run was started with ({diff[0]}: "
                            f"{old[diff[0]]!r} then, {same[diff[0]]!r} now)")
        return run, previous
    if run.exists() and any(run.iterdir()) and not resume:
        raise UserError(f"{run}: folder exists and is not a run; choose an empty or new -o")
    run.mkdir(parents=True, exist_ok=True)
    atomic_write_json(run / RUN_FILE, {"config": asdict(cfg), "status": "preparing"})
    return run, None


def load_bundle(cfg: TrainConfig, run: Path, texts: Any, device: Any) -> models.Bundle:
    """The model to train: a tiny preset is built once and saved to ``RUN/base`` (a resumed
    run reloads it from there), a checkpoint folder is loaded as it is."""
    import torch

    if cfg.model in models.TINY_PRESETS:
        base = run / "base"
        if not (base / "config.json").exists():
            models.save_bundle(models.build_tiny(cfg.model, texts, seed=cfg.seed, **cfg.tiny), base)
        return models.load_checkpoint(base)
    dtype = torch.bfloat16 if device.type == "cuda" and (cfg.lora_r or 0) > 0 else None
    return models.load_checkpoint(cfg.model, dtype=dtype)


def train(cfg: TrainConfig, resume: bool = False, progress: bool = True,
          on_step: Callable[[int, float], None] | None = None) -> dict:
    """Train and return the run summary. ``on_step(step, loss)`` is called after every
    optimizer step (used to stop a run early, e.g. in tests of resuming)."""
    import torch
    from tqdm import tqdm

    is_tiny = cfg.model in models.TINY_PRESETS
    if not is_tiny:
        models.checkpoint_model_type(Path(cfg.model))   # a wrong folder fails before any work
    cfg = cfg.resolved(is_tiny)
    if cfg.batch_size < 1 or cfg.grad_accum < 1 or cfg.save_every < 1 or cfg.lora_r < 0:
        raise UserError("--batch-size, --grad-accum and --save-every must be >= 1, --lora-r >= 0")
    if cfg.projector_only and cfg.lora_r:
        raise UserError("--projector-only trains the projector alone: use it with --lora-r 0")
    sources = load_sources(cfg.data, progress)
    run, previous = open_run(cfg, resume)
    device = pick_device(cfg.device)
    torch.manual_seed(cfg.seed)
    bundle = load_bundle(cfg, run, corpus_texts(sources), device)
    max_length = cfg.max_length or min(2048, int(getattr(bundle.model.config.get_text_config(),
                                                         "max_position_embeddings", 2048)))
    examples = encode_all(sources, Encoder(bundle, max_length), progress)
    model = prepare_model(bundle, cfg, device)

    micro_per_epoch = math.ceil(len(examples) / cfg.batch_size)
    steps_per_epoch = max(1, micro_per_epoch // cfg.grad_accum)
    total = cfg.max_steps or max(1, math.ceil(cfg.epochs * steps_per_epoch))
    warmup = max(1, round(cfg.warmup_ratio * total))
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=cfg.lr, weight_decay=cfg.weight_decay, betas=(0.9, 0.999),
                                  fused=device.type == "cuda")
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: lr_factor(s, total, warmup))

    step = 0
    ckpts = checkpoint_paths(run) if resume else []
    if ckpts:
        step = restore_checkpoint(ckpts[-1], model, optimizer, scheduler)
    metrics = [r for _, r in read_jsonl(run / METRICS)] if (run / METRICS).exists() else []
    atomic_write_jsonl(run / METRICS, [r for r in metrics if r["step"] <= step])
    n_params = sum(p.numel() for p in params)
    atomic_write_json(run / RUN_FILE, {
        "config": asdict(cfg), "model_type": bundle.model_type,
        "base": str((run / "base").resolve()) if is_tiny else str(Path(cfg.model).resolve()),
        "examples": len(examples), "truncated": sum(e.truncated for e in examples),
        "max_length": max_length, "total_steps": total, "trainable_params": n_params,
        "status": "running", "started": (previous or {}).get("started", time.time())})

    collate = Collator.of(bundle)
    model.train()
    if progress:
        mode = f"LoRA r={cfg.lora_r}" if cfg.lora_r else ("projector only" if cfg.projector_only else "full")
        tqdm.write(f"{bundle.model_type} ({mode}, {n_params:,} trainable parameters) on {device}: "
                   f"{len(examples)} examples ({sum(e.truncated for e in examples)} truncated to {max_length} "
                   f"tokens), {total} steps of {cfg.batch_size} x {cfg.grad_accum}"
                   + (f", resuming after step {step}" if step else ""))
    bar = tqdm(total=total, initial=step, desc="train", unit="step", disable=not progress, dynamic_ncols=True)
    stream = micro_batches(examples, cfg, collate, step * cfg.grad_accum, pin_memory=device.type == "cuda")
    with open(run / METRICS, "a", encoding="utf-8") as log:
        while step < total:
            t0 = time.perf_counter()
            group = [next(stream) for _ in range(cfg.grad_accum)]
            loss, tokens, grad_norm = optimizer_step(model, group, params, optimizer, device)
            scheduler.step()
            step += 1
            dt = time.perf_counter() - t0
            row = {"step": step, "loss": loss, "lr": scheduler.get_last_lr()[0],
                   "grad_norm": grad_norm, "tokens": tokens, "tokens_per_s": tokens / dt, "time": time.time()}
            log.write(dumps_line(row))
            log.flush()
            bar.update(1)
            bar.set_postfix(loss=f"{row['loss']:.4f}", tok_s=f"{row['tokens_per_s']:.0f}")
            if step % cfg.save_every == 0 or step == total:
                save_checkpoint(run, step, model, optimizer, scheduler)
                plot_loss(run)
            if on_step:
                on_step(step, row["loss"])
    bar.close()
    save_result(model, bundle, run, cfg)
    plot_loss(run)
    summary = read_json(run / RUN_FILE)
    summary.update(status="complete", steps=step, finished=time.time())
    atomic_write_json(run / RUN_FILE, summary)
    return summary


def batch_order(lengths: list[int], batch_size: int, seed: int, start_micro: int) -> Iterator[list[int]]:
    """Index batches forever, epoch after epoch, from micro-batch ``start_micro`` on.

    The order is fixed by ``(seed, epoch)``, so a resumed run sees exactly the batches the
    interrupted one would have seen next.
    """
    epoch, skip = 0, start_micro
    while True:
        batches = length_grouped_batches(lengths, batch_size, seed, epoch)
        yield from batches[skip:]
        skip = max(0, skip - len(batches))
        epoch += 1


def micro_batches(examples: list[Example], cfg: TrainConfig, collate: Collator, start_micro: int,
                  pin_memory: bool) -> Iterator[dict]:
    """Collated micro-batches from one DataLoader for the whole run: its workers load and
    process the images of the next batches while the model trains on this one."""
    from torch.utils.data import DataLoader

    order = batch_order([len(e) for e in examples], cfg.batch_size, cfg.seed, start_micro)
    loader = DataLoader(examples, batch_sampler=order, collate_fn=collate, num_workers=cfg.workers,
                        pin_memory=pin_memory, prefetch_factor=4 if cfg.workers else None)
    return iter(loader)
