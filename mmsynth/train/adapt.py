"""Getting a model ready to train: which weights learn (LoRA targets per model family, the
projector, or everything), in which precision, on which device."""
from __future__ import annotations

from typing import Any

from mmsynth.errors import UserError
from mmsynth.train import models
from mmsynth.train.config import TrainConfig


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


def pick_device(name: str | None) -> Any:
    import torch

    if name:
        return torch.device(name)
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")
