"""The settings of a training run (what ``mmsynth train``'s flags fill in)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


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
