"""Training throughput of a LLaVA-1.5-7B-shaped model: the naive path against mmsynth's trainer.

The model is random-initialised (nothing can be downloaded) with the real shapes:
CLIP ViT-L/14 at 336 px (24 layers, 1024 wide) and a 7B Llama (32 layers, 4096 wide,
11008 MLP, 32k vocabulary). Every sample is 576 image tokens + 256 text tokens, the last
128 text tokens supervised. LoRA r=128 on every linear layer of the LLM, the projector
trained fully, in both paths. Measured side by side, one model at a time:

* ``naive``: bf16 weights, ``get_peft_model`` with its defaults (fp32 adapters, LoRA
  dropout 0.05), HF's own loss (``labels=``), ``torch.optim.AdamW`` with its defaults, SDPA,
  no gradient checkpointing.
* ``mmsynth``: the trainer's own code (``prepare_model`` and ``optimizer_step`` of
  ``mmsynth.train.loop``): bf16 autocast over fp32 master adapters (LoRA matmuls in bf16,
  no fp32 copies of activations), LoRA dropout 0 (no dropout masks kept), the LM head run
  only at supervised positions, fused AdamW, no per-micro-batch host syncs.
* ``mmsynth-compile``: the same with every decoder layer ``torch.compile``d.

Printed per path: tokens/s, peak GPU memory, and MFU = tokens/s x 4 x (non-embedding LLM
parameters) / peak (989 TFLOP/s dense bf16 on an H100 SXM); 4 x N per token is the forward
plus the input-gradient backward of frozen weights (LoRA's own FLOPs are not counted).

    python perf/train_throughput.py                          # H100: the full 7B shape, all paths
    python perf/train_throughput.py --paths naive mmsynth --steps 20
    python perf/train_throughput.py --tiny --device cpu      # smoke test of the script itself
"""
from __future__ import annotations

import argparse
import gc
import time

import torch

from mmsynth.train.adapt import lora_targets, prepare_model
from mmsynth.train.config import TrainConfig
from mmsynth.train.loop import optimizer_step
from mmsynth.train.models import Bundle

PEAK_FLOPS = 989e12
IMAGE_TOKEN = 32000


def shapes(args: argparse.Namespace) -> dict:
    if args.tiny:
        return dict(vision=dict(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
                                image_size=56, patch_size=14),
                    text=dict(hidden_size=64, intermediate_size=172, num_hidden_layers=args.layers or 2,
                              num_attention_heads=4, num_key_value_heads=4, vocab_size=32064))
    return dict(vision=dict(hidden_size=1024, intermediate_size=4096, num_hidden_layers=24, num_attention_heads=16,
                            image_size=336, patch_size=14, projection_dim=768),
                text=dict(hidden_size=4096, intermediate_size=11008, num_hidden_layers=args.layers or 32,
                          num_attention_heads=32, num_key_value_heads=32, vocab_size=32064,
                          max_position_embeddings=4096))


def build_model(args: argparse.Namespace, device: torch.device):
    """A random-initialised LLaVA-1.5 of the requested shape, created directly on the device
    in bf16 (no fp32 copy in host memory)."""
    from transformers import CLIPVisionConfig, LlamaConfig, LlavaConfig, LlavaForConditionalGeneration

    s = shapes(args)
    config = LlavaConfig(vision_config=CLIPVisionConfig(**s["vision"]), text_config=LlamaConfig(**s["text"]),
                         image_token_index=IMAGE_TOKEN, vision_feature_layer=-2,
                         vision_feature_select_strategy="default")
    config._attn_implementation = "sdpa"
    torch.manual_seed(0)
    default = torch.get_default_dtype()
    torch.set_default_dtype(torch.bfloat16 if device.type == "cuda" else torch.float32)
    try:
        with device:
            model = LlavaForConditionalGeneration(config)
    finally:
        torch.set_default_dtype(default)
    model.config.use_cache = False
    return model


def image_tokens(model) -> int:
    v = model.config.vision_config
    return (v.image_size // v.patch_size) ** 2


def batch(model, batch_size: int, text_tokens: int) -> dict:
    """One synthetic batch (on the CPU): <s>, 5 prompt tokens, the image tokens, the rest of
    the text; the last half of the text is the supervised answer."""
    n_img = image_tokens(model)
    g = torch.Generator().manual_seed(1)
    text = torch.randint(3, 32000, (batch_size, text_tokens), generator=g)
    ids = torch.cat([text[:, :6], torch.full((batch_size, n_img), IMAGE_TOKEN), text[:, 6:]], dim=1)
    ids[:, 0] = 1
    labels = torch.full_like(ids, -100)
    labels[:, -(text_tokens // 2):] = ids[:, -(text_tokens // 2):]
    size = model.config.vision_config.image_size
    pixels = torch.randn((batch_size, 3, size, size), generator=g)
    return {"input_ids": ids, "attention_mask": torch.ones_like(ids), "labels": labels, "pixel_values": pixels}


def llm_flop_params(model) -> int:
    """Parameters of the LLM whose FLOPs count: its layers and its output head (not the embedding table)."""
    lm = model.model.language_model
    return sum(p.numel() for n, p in lm.named_parameters() if "embed_tokens" not in n) + \
        model.lm_head.weight.numel()


def naive_setup(model, args):
    from peft import LoraConfig, get_peft_model

    cfg = LoraConfig(r=args.lora_r, lora_alpha=2 * args.lora_r, lora_dropout=0.05, target_modules=lora_targets(model),
                     modules_to_save=["multi_modal_projector"])
    model = get_peft_model(model, cfg)
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=2e-4)

    def step(b: dict) -> None:
        model(**b).loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
    return model, step


def mmsynth_setup(model, args, device, compile_layers: bool):
    cfg = TrainConfig(data="", model="", out="", lora_r=args.lora_r, lora_alpha=2 * args.lora_r,
                      lora_dropout=0.0, compile=compile_layers).resolved(is_tiny=False)
    model = prepare_model(Bundle(model, None, "llava", "perf"), cfg, device)
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=2e-4, fused=device.type == "cuda")

    def step(b: dict) -> None:
        optimizer_step(model, [b], params, optimizer, device)
    return model, step


def measure(path: str, args: argparse.Namespace, device: torch.device) -> dict:
    model = build_model(args, device)
    flop_params = llm_flop_params(model)
    batch_size = args.batch if path == "naive" else (args.mmsynth_batch or args.batch)
    if path == "naive":
        model, step = naive_setup(model, args)
    else:
        model, step = mmsynth_setup(model, args, device, compile_layers=path == "mmsynth-compile")
    model.train()
    cpu_batch = batch(model.get_base_model(), batch_size, args.text_tokens)
    # the naive path gets its batch on the device, ready; mmsynth's step moves it itself, as in training
    b = cpu_batch if path != "naive" else {k: v.to(device) for k, v in cpu_batch.items()}
    if path == "naive" and device.type == "cuda":
        b["pixel_values"] = b["pixel_values"].to(torch.bfloat16)
    tokens = int(cpu_batch["attention_mask"].sum())
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats()
    for _ in range(args.warmup):
        step(b)
    sync(device)
    t0 = time.perf_counter()
    for _ in range(args.steps):
        step(b)
    sync(device)
    dt = time.perf_counter() - t0
    tps = tokens * args.steps / dt
    peak = torch.cuda.max_memory_allocated() / 2 ** 30 if device.type == "cuda" else float("nan")
    del model, step, b
    gc.collect()
    if device.type == "cuda":
        torch.cuda.empty_cache()
    return {"path": path, "batch": batch_size, "tokens_per_s": tps, "peak_gib": peak,
            "mfu": tps * 4 * flop_params / PEAK_FLOPS, "llm_params": flop_params}


def sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--paths", nargs="+", default=["naive", "mmsynth", "mmsynth-compile"],
                    choices=["naive", "mmsynth", "mmsynth-compile"])
    ap.add_argument("--batch", type=int, default=4, help="sequences per step (default 4, both paths)")
    ap.add_argument("--mmsynth-batch", type=int, help="another batch size for mmsynth's paths")
    ap.add_argument("--text-tokens", type=int, default=256)
    ap.add_argument("--lora-r", type=int, default=128)
    ap.add_argument("--layers", type=int, help="LLM layers (default 32; fewer for a quick look)")
    ap.add_argument("--steps", type=int, default=10, help="timed steps per path")
    ap.add_argument("--warmup", type=int, default=3, help="untimed steps first (compilation, allocator)")
    ap.add_argument("--tiny", action="store_true", help="a tiny shape, to smoke-test the script on a CPU")
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    args = ap.parse_args()
    device = torch.device(args.device)
    if device.type == "cuda":
        print(f"device: {torch.cuda.get_device_name()}, torch {torch.__version__}")
    import transformers
    print(f"transformers {transformers.__version__}; {args.text_tokens} text tokens per sample; "
          f"LoRA r={args.lora_r}; {args.steps} timed steps after {args.warmup} warm-up steps")
    rows = []
    for path in args.paths:
        row = measure(path, args, device)
        rows.append(row)
        print(f"{row['path']:>16}: batch {row['batch']:2d}  {row['tokens_per_s']:10,.0f} tokens/s  "
              f"peak {row['peak_gib']:6.1f} GiB  MFU {100 * row['mfu']:5.1f}%", flush=True)
    base = next((r for r in rows if r["path"] == "naive"), None)
    if base:
        for r in rows:
            if r is not base:
                print(f"{r['path']} / naive: {r['tokens_per_s'] / base['tokens_per_s']:.2f}x tokens/s, "
                      f"{r['peak_gib'] - base['peak_gib']:+.1f} GiB")
    print(f"(LLM parameters counted for MFU: {rows[0]['llm_params'] / 1e9:.2f} B; "
          f"peak {PEAK_FLOPS / 1e12:.0f} TFLOP/s)")


if __name__ == "__main__":
    main()
