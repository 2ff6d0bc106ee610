"""mmsynth generate: make a corpus from registered generators."""
from __future__ import annotations

import argparse

from mmsynth import registry
from mmsynth.backend import add_backend_arguments, backend_from_args
from mmsynth.errors import UserError
from mmsynth.pipeline import GenerateConfig, generate

NAME = "generate"
HELP = "make a corpus: images + QA records from the selected generators"
EXAMPLE = "mmsynth generate -g 'chart.*' -g 'dashboard.*' -n 200 -o out/corpus --workers 2"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("-g", "--generator", action="append", required=True, metavar="PATTERN",
                   help="generator name or shell-style pattern (repeatable), e.g. 'chart.*'")
    p.add_argument("-n", type=int, required=True, help="samples in the run (split evenly over the generators)")
    p.add_argument("-o", "--out", required=True, help="corpus folder to write")
    p.add_argument("--seed", type=int, default=0, help="run seed (default 0)")
    add_backend_arguments(p)
    p.add_argument("--per-generator", action="store_true", help="-n counts samples per generator instead")
    p.add_argument("--resume", action="store_true", help="finish an interrupted run in OUT")
    p.add_argument("--overwrite", action="store_true", help="replace the run in OUT")
    p.add_argument("--shard-size", type=int, default=50, help="samples per shard (default 50)")
    p.add_argument("--image-format", choices=("png", "jpg"), default="png")
    p.add_argument("--scenes", metavar="FORMAT:PATH",
                   help="scene graphs for scene.* generators (vg, gqa, provision, coco); synthetic if absent")
    p.add_argument("--images", choices=("copy", "link"), default="copy",
                   help="loaded photos (--scenes): stored once per corpus by content (copy, default) "
                        "or hard-linked to the source files (link)")
    p.add_argument("--image-root", metavar="DIR", help="folder that image paths in --scenes are resolved in")
    p.add_argument("--degradation", type=float, metavar="D",
                   help="camera defects of textrich.photo_* images, 0 (clean) to 1 (default: drawn per sample)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar or summary")


def run(args: argparse.Namespace) -> int:
    options = {k: v for k, v in (("scenes", args.scenes), ("image_root", args.image_root)) if v}
    if args.degradation is not None:
        if not 0 <= args.degradation <= 1:
            raise UserError(f"--degradation must be between 0 and 1, not {args.degradation:g}")
        options["degradation"] = args.degradation
    cfg = GenerateConfig(generators=registry.resolve(args.generator, generating=True), n=args.n, seed=args.seed,
                         per_generator=args.per_generator, shard_size=args.shard_size,
                         image_format=args.image_format, images=args.images,
                         options=options)
    manifest = generate(cfg, args.out, resume=args.resume, overwrite=args.overwrite,
                        progress=not args.quiet, backend=backend_from_args(args))
    return 0 if manifest["status"] == "complete" else 1
