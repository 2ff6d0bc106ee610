"""Which model is trained: the tiny presets (built from configs, nothing downloaded) and
local Hugging Face checkpoint folders (LLaVA-1.5, LLaVA-NeXT-style, InstructBLIP).

Everything downstream sees a :class:`Bundle`: the model, its processor, the model
family (which decides the prompt template and the LoRA targets) and how many
``<image>`` placeholder tokens one image expands to. A tiny preset is saved as a
regular checkpoint folder (config, weights, processor), so it is reloaded by the very
same code path as the user's real weights.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from mmsynth.errors import UserError

TINY_PRESETS = ("tiny-llava", "tiny-instructblip")
FAMILIES = {"llava": "llava", "llava_next": "llava", "instructblip": "instructblip"}
TINY_IMAGE_SIZE = 28
TINY_PATCH = 7


@dataclass
class Bundle:
    """A model with everything needed to feed it."""
    model: Any
    processor: Any
    model_type: str          # config.model_type: llava, llava_next or instructblip
    source: str              # a preset name or the checkpoint folder it came from
    _count_by_size: dict = field(default_factory=dict, repr=False)

    @property
    def family(self) -> str:
        """``llava`` (vicuna-v1 template, LLaVA-NeXT included) or ``instructblip``."""
        return FAMILIES[self.model_type]

    @property
    def tokenizer(self) -> Any:
        return self.processor.tokenizer

    @property
    def image_token_id(self) -> int:
        return int(self.model.config.image_token_index)

    def image_token_counts(self, images: list[Path]) -> list[int]:
        """How many placeholder tokens each image (a file) becomes in the LLM's input sequence."""
        cfg = self.model.config
        if self.model_type == "instructblip":
            return [int(cfg.num_query_tokens)] * len(images)
        if self.model_type == "llava":
            v = cfg.vision_config
            n = (v.image_size // v.patch_size) ** 2 + (1 if cfg.vision_feature_select_strategy == "full" else 0)
            return [n] * len(images)
        # LLaVA-NeXT: the count depends on the image's size alone (any-resolution tiling); the
        # checkpoint's own processor knows it, asked once per size on a blank image.
        from PIL import Image

        counts = []
        for p in images:
            with Image.open(p) as im:
                size = im.size
            if size not in self._count_by_size:
                ids = self.processor(text=self.processor.image_token, images=[Image.new("RGB", size)],
                                     return_tensors="pt")["input_ids"]
                self._count_by_size[size] = int((ids == self.image_token_id).sum())
            counts.append(self._count_by_size[size])
        return counts


def tiny_text_config(tokenizer: Any, hidden: int, layers: int, max_positions: int) -> dict:
    return dict(vocab_size=len(tokenizer), hidden_size=hidden, intermediate_size=hidden * 2,
                num_hidden_layers=layers, num_attention_heads=max(1, hidden // 16),
                num_key_value_heads=max(1, hidden // 16), max_position_embeddings=max_positions,
                pad_token_id=tokenizer.pad_token_id, bos_token_id=tokenizer.bos_token_id,
                eos_token_id=tokenizer.eos_token_id, tie_word_embeddings=False)


def build_tiny(preset: str, texts: Iterable[str], *, hidden: int = 64, layers: int = 2,
               image_size: int = TINY_IMAGE_SIZE, patch: int = TINY_PATCH, vocab_size: int = 1024,
               max_positions: int = 512,
               seed: int = 0) -> Bundle:
    """A small random-initialised LLaVA or InstructBLIP of the real classes, with a
    tokenizer trained on ``texts`` and an image processor with explicit sizes."""
    import torch
    from transformers import (BlipImageProcessor, CLIPImageProcessor, CLIPVisionConfig, InstructBlipConfig,
                              InstructBlipForConditionalGeneration, InstructBlipProcessor, LlamaConfig,
                              LlavaConfig, LlavaForConditionalGeneration, LlavaProcessor)

    from mmsynth.train.tokenizer import IMAGE, train_tokenizer

    if preset not in TINY_PRESETS:
        raise UserError(f"unknown preset {preset!r} (one of {', '.join(TINY_PRESETS)})")
    if patch < 1 or image_size % patch:
        raise UserError(f"tiny preset: the image side ({image_size}) must be a multiple of the patch ({patch})")
    tokenizer = train_tokenizer(texts, vocab_size)
    image_token_id = tokenizer.convert_tokens_to_ids(IMAGE)
    text = LlamaConfig(**tiny_text_config(tokenizer, hidden, layers, max_positions))
    vision = dict(hidden_size=hidden, intermediate_size=hidden * 2, num_hidden_layers=layers,
                  num_attention_heads=max(1, hidden // 16), image_size=image_size, patch_size=patch,
                  initializer_range=0.02)
    norm = dict(image_mean=[0.5, 0.5, 0.5], image_std=[0.5, 0.5, 0.5], do_convert_rgb=True)
    torch.manual_seed(seed)
    if preset == "tiny-llava":
        config = LlavaConfig(vision_config=CLIPVisionConfig(**vision, projection_dim=hidden), text_config=text,
                             image_token_index=image_token_id, vision_feature_layer=-1,
                             vision_feature_select_strategy="default",
                             image_seq_length=(image_size // patch) ** 2)
        model = LlavaForConditionalGeneration(config)
        images = CLIPImageProcessor(size={"shortest_edge": image_size},
                                    crop_size={"height": image_size, "width": image_size}, **norm)
        processor = LlavaProcessor(image_processor=images, tokenizer=tokenizer, patch_size=patch,
                                   vision_feature_select_strategy="default", image_token=IMAGE,
                                   num_additional_image_tokens=1)
    else:
        qformer = dict(vocab_size=len(tokenizer), hidden_size=hidden, num_hidden_layers=layers,
                       num_attention_heads=max(1, hidden // 16), intermediate_size=hidden * 2,
                       max_position_embeddings=max_positions, pad_token_id=tokenizer.pad_token_id,
                       hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0, cross_attention_frequency=1)
        config = InstructBlipConfig(vision_config=vision, qformer_config=qformer, text_config=text.to_dict(),
                                    num_query_tokens=8, image_token_index=image_token_id)
        model = InstructBlipForConditionalGeneration(config)
        images = BlipImageProcessor(size={"height": image_size, "width": image_size}, **norm)
        processor = InstructBlipProcessor(image_processor=images, tokenizer=tokenizer, qformer_tokenizer=tokenizer,
                                          num_query_tokens=config.num_query_tokens)
    return Bundle(model=model, processor=processor, model_type=config.model_type, source=preset)


def checkpoint_model_type(path: Path) -> str:
    """The ``model_type`` of a checkpoint folder, or a UserError saying why it is not usable."""
    cfg_path = path / "config.json"
    if not path.is_dir():
        raise UserError(f"{path}: no such model folder (or use --model {' or '.join(TINY_PRESETS)})")
    if not cfg_path.is_file():
        raise UserError(f"{path}: not a Hugging Face checkpoint folder (no config.json)")
    try:
        model_type = json.loads(cfg_path.read_text(encoding="utf-8")).get("model_type")
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise UserError(f"{cfg_path}: not valid JSON ({e})") from None
    if model_type not in FAMILIES:
        raise UserError(f"{path}: model type {model_type!r} is not supported for training "
                        f"(supported: {', '.join(sorted(FAMILIES))}: LLaVA-1.5, LLaVA-NeXT, InstructBLIP)")
    return model_type


def load_checkpoint(path: str | Path, dtype: Any = None) -> Bundle:
    """Load a local checkpoint folder (never the hub): config, weights and processor."""
    import transformers

    path = Path(path)
    model_type = checkpoint_model_type(path)
    classes = {"llava": transformers.LlavaForConditionalGeneration,
               "llava_next": transformers.LlavaNextForConditionalGeneration,
               "instructblip": transformers.InstructBlipForConditionalGeneration}
    try:
        processor = transformers.AutoProcessor.from_pretrained(path, local_files_only=True)
        model = classes[model_type].from_pretrained(path, local_files_only=True, dtype=dtype)
    except (OSError, ValueError) as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise UserError(f"{path}: cannot load the {model_type} checkpoint ({first})") from None
    if not hasattr(processor, "tokenizer") or not hasattr(processor, "image_processor"):
        raise UserError(f"{path}: the checkpoint has no processor with a tokenizer and an image processor")
    if getattr(model.config, "image_token_index", None) is None:
        raise UserError(f"{path}: the config has no image_token_index (a checkpoint saved before image "
                        "placeholder tokens); convert it with a recent transformers release")
    return Bundle(model=model, processor=processor, model_type=model_type, source=str(path))


def save_bundle(bundle: Bundle, path: str | Path) -> None:
    """Write the model and processor as a checkpoint folder that :func:`load_checkpoint` reads."""
    bundle.model.save_pretrained(path)
    bundle.processor.save_pretrained(path)
