"""mmsynth ocr: words, boxes and confidences of images, one JSON line per image."""
from __future__ import annotations

import argparse
import sys

from mmsynth.io import atomic_write_jsonl
from mmsynth.ocr import ENGINES, find_images, get_engine
from mmsynth.outputs import claim_file, jsonl_with_keys

NAME = "ocr"
HELP = "read the text of images (EasyOCR, offline; cached by image hash) into a JSONL file"
EXAMPLE = "mmsynth ocr photos/ scan.png -o ocr.jsonl"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("images", nargs="+", help="image files or folders (searched recursively)")
    p.add_argument("-o", "--output", required=True, help="output JSONL: one object per image")
    p.add_argument("--overwrite", action="store_true", help="replace OUTPUT even if it is not an earlier ocr output")
    p.add_argument("--engine", default="easyocr", choices=sorted(ENGINES), help="OCR engine (default easyocr)")
    p.add_argument("--cache", default=None, help="OCR cache folder (default ~/.cache/mmsynth/ocr)")
    p.add_argument("--no-cache", action="store_true", help="OCR every image again, store nothing")
    p.add_argument("--cpu", action="store_true", help="do not use a GPU even if there is one")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")


def run(args: argparse.Namespace) -> int:
    paths = find_images(args.images)
    claim_file(args.output, NAME, jsonl_with_keys("image", "sha256", "words", "text"),
               inputs=[*args.images, *paths], overwrite=args.overwrite)
    options = {"cache_dir": args.cache, "use_cache": not args.no_cache}
    if args.cpu:
        options["gpu"] = False
    engine = get_engine(args.engine, **options)
    rows, skipped = [], 0
    for path, result, err in engine.read_many(paths, progress=not args.quiet):
        if result is None:
            skipped += 1
            print(f"skipped {err}", file=sys.stderr)
            continue
        row = {"image": str(path), **result.to_json()}
        row["lines"] = [{"text": ln.text, "box": [round(v, 1) for v in ln.box], "row": ln.row, "paragraph": k}
                        for k, para in enumerate(result.paragraphs()) for ln in para]
        row["text"] = result.text()
        rows.append(row)
    atomic_write_jsonl(args.output, rows)
    print(f"{len(rows)} images read ({engine.hits} from cache), {skipped} unreadable skipped -> {args.output}")
    return 0
