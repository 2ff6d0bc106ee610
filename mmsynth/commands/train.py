"""mmsynth train: fine-tune LLaVA or InstructBLIP (LoRA or full) on a corpus or a benchmark's answers."""
from __future__ import annotations

import argparse

NAME = "train"
HELP = "fine-tune a LLaVA / InstructBLIP model (tiny preset or local checkpoint) on a corpus"
EXAMPLE = "mmsynth train out/corpus --model tiny-llava -o runs/tiny --max-steps 200"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("data", help="corpus folder, a LLaVA-format JSON (`mmsynth export --format llava`: llava.json "
                   "or its folder), or a benchmark folder (questions.jsonl + answers.jsonl)")
    p.add_argument("--model", required=True, metavar="tiny-llava|tiny-instructblip|PATH",
                   help="a tiny random-initialised preset, or a local Hugging Face checkpoint folder "
                        "(LLaVA-1.5, LLaVA-NeXT, InstructBLIP)")
    p.add_argument("-o", "--out", required=True, help="run folder (checkpoints, metrics, result)")
    p.add_argument("--max-steps", type=int, help="optimizer steps (default: from --epochs)")
    p.add_argument("--epochs", type=float, default=1.0, help="passes over the data (default 1)")
    p.add_argument("--lora-r", type=int, help="LoRA rank; 0 = full fine-tuning "
                   "(default: 0 for tiny presets, 128 for checkpoints)")
    p.add_argument("--lora-alpha", type=int, help="LoRA alpha (default 2 x rank)")
    p.add_argument("--lora-dropout", type=float, default=0.0, help="LoRA dropout (default 0)")
    p.add_argument("--freeze-projector", action="store_true",
                   help="with LoRA, keep the projector (Q-Former for InstructBLIP) frozen instead of training it fully")
    p.add_argument("--projector-only", action="store_true",
                   help="with --lora-r 0, train only the projector (LLaVA's feature-alignment stage)")
    p.add_argument("--lr", type=float,
                   help="peak learning rate (default 2e-4 LoRA, 1e-3 tiny or --projector-only, 2e-5 full)")
    p.add_argument("--batch-size", type=int, default=8, help="sequences per micro-batch (default 8)")
    p.add_argument("--grad-accum", type=int, default=1, help="micro-batches per optimizer step (default 1)")
    p.add_argument("--warmup-ratio", type=float, default=0.03, help="share of steps for linear warm-up")
    p.add_argument("--weight-decay", type=float, default=0.0)
    p.add_argument("--max-length", type=int, help="longest sequence in tokens, image tokens included "
                   "(default: the model's context, at most 2048); image tokens are never cut")
    p.add_argument("--save-every", type=int, default=100, help="checkpoint every N steps (default 100)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--grad-checkpointing", action="store_true", help="recompute activations (less memory)")
    p.add_argument("--compile", action="store_true", help="torch.compile the LLM's decoder layers (GPU)")
    p.add_argument("--workers", type=int, default=2, help="data loader worker processes (default 2)")
    p.add_argument("--device", help="torch device (default: cuda if available, else cpu)")
    p.add_argument("--tiny-hidden", type=int, default=64, help="tiny preset: hidden size (default 64)")
    p.add_argument("--tiny-layers", type=int, default=2, help="tiny preset: layers per tower (default 2)")
    p.add_argument("--tiny-image-size", type=int, default=28, help="tiny preset: image side in px (default 28)")
    p.add_argument("--tiny-patch", type=int, default=7, help="tiny preset: vision patch side in px (default 7)")
    p.add_argument("--tiny-vocab", type=int, default=1024, help="tiny preset: tokenizer vocabulary (default 1024)")
    p.add_argument("--resume", action="store_true", help="continue the run in -o from its last checkpoint")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")


def run(args: argparse.Namespace) -> int:
    from mmsynth.train.config import TrainConfig
    from mmsynth.train.loop import train

    cfg = TrainConfig(
        data=args.data, model=args.model, out=args.out, max_steps=args.max_steps, epochs=args.epochs,
        lora_r=args.lora_r, lora_alpha=args.lora_alpha, lora_dropout=args.lora_dropout,
        train_projector=not args.freeze_projector, projector_only=args.projector_only, lr=args.lr,
        batch_size=args.batch_size,
        grad_accum=args.grad_accum, warmup_ratio=args.warmup_ratio, weight_decay=args.weight_decay,
        max_length=args.max_length, save_every=args.save_every, seed=args.seed,
        grad_checkpointing=args.grad_checkpointing, compile=args.compile, workers=args.workers,
        device=args.device, tiny=dict(hidden=args.tiny_hidden, layers=args.tiny_layers,
                                      image_size=args.tiny_image_size, patch=args.tiny_patch,
                                      vocab_size=args.tiny_vocab))
    summary = train(cfg, resume=args.resume, progress=not args.quiet)
    result = "adapter/" if summary["config"]["lora_r"] else "model/"
    print(f"trained {summary['steps']} steps on {summary['examples']} examples "
          f"({summary['trainable_params']:,} trainable parameters); result in {args.out}/{result}, "
          f"loss curve in {args.out}/loss.png")
    return 0
