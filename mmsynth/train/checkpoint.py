"""What a run folder keeps: resumable checkpoints (trainable weights, optimizer, schedule,
RNG state) and the result (a PEFT adapter or a full checkpoint), and loading it back."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from mmsynth.errors import UserError
from mmsynth.io import read_json
from mmsynth.train import models
from mmsynth.train.adapt import pick_device
from mmsynth.train.config import TrainConfig

RUN_FILE = "run.json"
CHECKPOINTS = "checkpoints"
KEEP_CHECKPOINTS = 2


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
