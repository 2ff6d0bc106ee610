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
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from mmsynth.errors import UserError
from mmsynth.io import atomic_write_json, atomic_write_jsonl, dumps_line, read_json, read_jsonl
from mmsynth.train import models
from mmsynth.train.data import (Collator, Encoder, Example, corpus_texts, encode_all, length_grouped_batches,
                                load_sources)

RUN_FILE = "run.json"
CHECKPOINTS = "checkpoints"
METRICS = "metrics.jsonl"
KEEP_CHECKPOINTS = 2
# settings that may differ on --resume: they change how the run is executed, not what it computes
RESUMABLE_CHANGES = ("out", "max_steps", "workers", "device", "compile", "grad_checkpointing", "save_every")


@dataclass
class TrainConfig:
    data: str
    model: str
    out: str
    max_steps: int | None = None
    epochs: float = 1.0
    lora_r: int | None = None          # None: 0 (full) for tiny presets, 128 for checkpoints
    lora_alpha: int | None = None      # None: 2 * r, as LLaVA-1.5
    lora_dropout: float = 0.0
    train_projector: bool = True       # with LoRA: the projector is trained fully as well
    projector_only: bool = False       # without LoRA: train the projector alone (LLaVA stage 1)
    lr: float | None = None            # None: 2e-4 LoRA, 1e-3 tiny preset or projector only, 2e-5 full
    batch_size: int = 8
    grad_accum: int = 1
    warmup_ratio: float = 0.03
    weight_decay: float = 0.0
    max_length: int | None = None
    save_every: int = 100
    seed: int = 0
    grad_checkpointing: bool = False
    compile: bool = False
    workers: int = 0
    device: str | None = None
    tiny: dict = field(default_factory=dict)  # build_tiny options (hidden, layers, image_size, vocab_size)

    def resolved(self, is_tiny: bool) -> "TrainConfig":
        """A copy with the defaults that depend on the model filled in."""
        cfg = TrainConfig(**asdict(self))
        if cfg.lora_r is None:
            cfg.lora_r = 0 if is_tiny else 128
        if cfg.lora_alpha is None:
            cfg.lora_alpha = 2 * cfg.lora_r
        if cfg.lr is None:
            cfg.lr = 2e-4 if cfg.lora_r else (1e-3 if is_tiny or cfg.projector_only else 2e-5)
        return cfg


# --- model preparation ----------------------------------------------------------------

def projector_modules(bundle: models.Bundle) -> list[str]:
    """The modules between the vision encoder and the LLM (trained fully when asked)."""
    if bundle.family == "instructblip":
        return ["qformer", "language_projection"]
    return ["multi_modal_projector"]


def lora_targets(model: Any) -> str:
    """A regex over every linear layer of the language model (not its output head, not the
    vision tower, not the projector): the LoRA targets of LLaVA-1.5, per model family."""
    import torch

    leaves = sorted({name.rsplit(".", 1)[-1] for name, m in model.named_modules()
                     if isinstance(m, torch.nn.Linear) and ".language_model." in f".{name}"
                     and not name.endswith("lm_head")})
    return rf".*language_model\..*\.({'|'.join(leaves)})"


def prepare_model(bundle: models.Bundle, cfg: TrainConfig, device: Any) -> Any:
    """Freeze, wrap with LoRA (or unfreeze everything), cast and move the model."""
    import torch

    model = bundle.model
    if bundle.model_type == "instructblip" and not model.config.use_decoder_only_language_model:
        raise UserError(f"{bundle.source}: InstructBLIP with an encoder-decoder LLM (T5) is not supported; "
                        "use a Vicuna/Llama-based InstructBLIP")
    model.config.use_cache = False
    if cfg.grad_checkpointing:
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
    bf16 = device.type == "cuda"
    if cfg.lora_r:
        from peft import LoraConfig, get_peft_model

        if bf16:   # frozen weights in bf16; buffers (RoPE frequencies) keep their fp32 precision
            for p in model.parameters():
                if p.is_floating_point():
                    p.data = p.data.to(torch.bfloat16)
        model.requires_grad_(False)
        lora = LoraConfig(r=cfg.lora_r, lora_alpha=cfg.lora_alpha, lora_dropout=cfg.lora_dropout,
                          target_modules=lora_targets(model), bias="none",
                          modules_to_save=projector_modules(bundle) if cfg.train_projector else None)
        model = get_peft_model(model, lora)
        for p in model.parameters():   # fp32 master weights for what is trained; bf16 compute via autocast
            if p.requires_grad:
                p.data = p.data.float()
        if bf16:   # under autocast, peft's cast of every LoRA input to fp32 is a wasted copy
            for m in model.modules():
                if hasattr(m, "lora_A"):
                    m.cast_input_dtype_enabled = False
    elif cfg.projector_only:      # LLaVA's stage 1 (feature alignment): only the projector learns
        model.requires_grad_(False)
        wanted = projector_modules(bundle)
        for name, module in model.named_modules():
            if name.rsplit(".", 1)[-1] in wanted:
                module.requires_grad_(True)
    else:
        model.requires_grad_(True)
    model.to(device)
    if cfg.compile:
        for layer in language_layers(model):
            layer.compile(dynamic=True)
    return model


def language_layers(model: Any) -> list:
    """The decoder layers of the LLM (compiled one by one when ``compile`` is on)."""
    import torch

    return next(m for name, m in model.named_modules() if isinstance(m, torch.nn.ModuleList)
                and (name.endswith("language_model.layers") or name.endswith("language_model.model.layers")))


def trainable_state(model: Any) -> dict:
    return {n: p.detach().cpu() for n, p in model.named_parameters() if p.requires_grad}


def load_trainable_state(model: Any, state: dict) -> None:
    import torch

    params = dict(model.named_parameters())
    missing = [n for n, p in params.items() if p.requires_grad and n not in state]
    if missing:
        raise UserError(f"checkpoint does not match the model (missing {missing[0]}); "
                        "was the run started with other options?")
    with torch.no_grad():
        for n, v in state.items():
            params[n].copy_(v)


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


# --- schedule, checkpoints, metrics ----------------------------------------------------

def lr_factor(step: int, total: int, warmup: int) -> float:
    """Linear warm-up to 1, then cosine decay to 0 at ``total``."""
    if step < warmup:
        return (step + 1) / warmup
    progress = (step - warmup) / max(1, total - warmup)
    return 0.5 * (1.0 + math.cos(math.pi * min(1.0, progress)))


def checkpoint_paths(run: Path) -> list[Path]:
    return sorted((run / CHECKPOINTS).glob("step-*.pt"))


def save_checkpoint(run: Path, step: int, model: Any, optimizer: Any, scheduler: Any) -> None:
    """Write a checkpoint atomically (temp file, then rename) and drop all but the newest ones."""
    import torch

    path = run / CHECKPOINTS / f"step-{step:06d}.pt"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    state = {"step": step, "trainable": trainable_state(model), "optimizer": optimizer.state_dict(),
             "scheduler": scheduler.state_dict(), "torch_rng": torch.get_rng_state(),
             "cuda_rng": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else None}
    torch.save(state, tmp)
    os.replace(tmp, path)
    for old in checkpoint_paths(run)[:-KEEP_CHECKPOINTS]:
        old.unlink()


def restore_checkpoint(path: Path, model: Any, optimizer: Any, scheduler: Any) -> int:
    import torch

    state = torch.load(path, map_location="cpu", weights_only=False)
    load_trainable_state(model, state["trainable"])
    optimizer.load_state_dict(state["optimizer"])
    scheduler.load_state_dict(state["scheduler"])
    torch.set_rng_state(state["torch_rng"])
    if state.get("cuda_rng") is not None and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda_rng"])
    return int(state["step"])


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


def pick_device(name: str | None) -> Any:
    import torch

    if name:
        return torch.device(name)
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


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


def save_result(model: Any, bundle: models.Bundle, run: Path, cfg: TrainConfig) -> None:
    """The trained model in standard formats: a PEFT adapter folder, or a full checkpoint."""
    if cfg.lora_r:
        model.save_pretrained(run / "adapter")
    else:
        models.save_bundle(models.Bundle(model, bundle.processor, bundle.model_type, bundle.source), run / "model")


def load_run(run: str | Path, device: Any = None, merge: bool = True) -> models.Bundle:
    """The trained model of a run folder, ready for generation."""
    import torch

    run = Path(run)
    if not (run / RUN_FILE).is_file():
        raise UserError(f"{run}: not a training run (no {RUN_FILE}); train one with `mmsynth train`")
    info = read_json(run / RUN_FILE)
    device = device or pick_device(None)
    dtype = torch.bfloat16 if device.type == "cuda" else None
    if (run / "model" / "config.json").exists():
        bundle = models.load_checkpoint(run / "model", dtype=dtype)
    elif (run / "adapter").is_dir():
        from peft import PeftModel

        bundle = models.load_checkpoint(info["base"], dtype=dtype)
        model = PeftModel.from_pretrained(bundle.model, run / "adapter")
        bundle.model = model.merge_and_unload() if merge else model
    else:
        raise UserError(f"{run}: the run has not finished (no model/ or adapter/); "
                        "resume it with `mmsynth train ... --resume`")
    bundle.model.to(device).eval()
    return bundle
