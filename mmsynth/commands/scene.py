"""mmsynth scene: scene-graph tools (``annotate``: images + detections -> scene graphs)."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from mmsynth.errors import UserError

NAME = "scene"
HELP = "scene-graph tools: annotate images + detections into scene graphs for scene.* generators"
EXAMPLE = ("mmsynth scene annotate --detections dets.json --image-root imgs/ -o scenes.json "
           "--clip-checkpoint ViT-B-32.pt --depth-dir depth/ && "
           "mmsynth generate -g 'scene.*' --scenes coco:scenes.json --image-root imgs/ -n 100 -o out")


def add_arguments(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="scene_command", metavar="ACTION", parser_class=type(p))
    a = sub.add_parser("annotate", help="fill attributes (open_clip zero-shot), relations (geometry) and depth",
                       description="Read COCO-style detections (images, annotations with bbox, categories), "
                       "run the annotation stages on each image, and write scene graphs in COCO form with "
                       "attributes, distances and relations, readable by `generate --scenes coco:OUT`.",
                       epilog=f"example:\n  {EXAMPLE}", formatter_class=argparse.RawDescriptionHelpFormatter)
    a.add_argument("--detections", required=True, help="COCO-style detections JSON (your detector's output)")
    a.add_argument("--image-root", required=True, help="folder the detections' file_name paths are inside")
    a.add_argument("-o", "--out", required=True, help="scene-graph JSON to write (COCO form)")
    a.add_argument("--overwrite", action="store_true", help="replace OUT even if it is not an earlier annotate output")
    a.add_argument("--clip-checkpoint", help="local open_clip checkpoint file for attributes (skipped if absent)")
    a.add_argument("--clip-arch", default="ViT-B-32", help="open_clip architecture of the checkpoint (default ViT-B-32)")
    a.add_argument("--attribute-types", nargs="+", default=["color", "material"],
                   help="attribute types to classify (from scenegraph/data/attributes.yaml; default color material)")
    a.add_argument("--min-confidence", type=float, default=0.35,
                   help="keep an attribute when its zero-shot probability reaches this (default 0.35)")
    a.add_argument("--device", default="auto", help="torch device for open_clip: auto (cuda if available), cpu, cuda:0, ...")
    a.add_argument("--depth-dir", help="folder of <image stem>.npy depth maps (your depth model's output)")
    a.add_argument("--depth-kind", choices=("closeness", "distance"), default="closeness",
                   help="closeness: higher = closer (inverse depth, default); distance: metric depth")
    a.add_argument("--neighbours", type=int, default=3, help="relations per object to its nearest boxes (default 3)")
    a.add_argument("--min-score", type=float, default=0.0, help="drop detections scored below this")
    a.add_argument("--stage", action="append", default=[], metavar="MODULE:FACTORY",
                   help="your own stage, run before the built-in ones (repeatable), e.g. a detector that adds "
                        "objects {label, box}; FACTORY() returns a callable stage(annotation)")
    a.add_argument("-q", "--quiet", action="store_true", help="no progress bar")


def _device(name: str) -> str:
    if name != "auto":
        return name
    import torch
    return "cuda" if torch.cuda.is_available() else "cpu"


def run(args: argparse.Namespace) -> int:
    if args.scene_command != "annotate":
        raise UserError("choose an action: annotate (see mmsynth scene --help)")
    from mmsynth.outputs import claim_file, head_contains
    from scenegraph.annotate.pipeline import ANNOTATED_BY, annotate
    from scenegraph.annotate.stages import ClipAttributeStage, DepthStage, RelationStage, load_user_stage
    root = Path(args.image_root)
    if not root.is_dir():
        raise UserError(f"--image-root {root}: not a folder")
    if args.neighbours < 1:
        raise UserError("--neighbours must be at least 1")
    claim_file(args.out, "scene annotate", head_contains(json.dumps(ANNOTATED_BY)),
               inputs=[args.detections, root], overwrite=args.overwrite)
    stages = [load_user_stage(s) for s in args.stage]  # first: a detector stage may add objects
    stages.append(RelationStage(args.neighbours))
    if args.depth_dir:
        stages.append(DepthStage(args.depth_dir, args.depth_kind))
    if args.clip_checkpoint:
        stages.append(ClipAttributeStage.from_checkpoint(args.clip_checkpoint, args.clip_arch, args.attribute_types,
                                                         min_confidence=args.min_confidence, device=_device(args.device)))
    result = annotate(Path(args.detections), root, Path(args.out), stages, args.min_score, progress=not args.quiet)
    print(f"wrote {args.out}: {len(result['images'])} images, {len(result['annotations'])} objects, "
          f"{len(result['relations'])} relations")
    return 0
