"""mmsynth ocr: words, boxes and confidences of images, one JSON line per image."""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from tqdm import tqdm

from mmsynth.backend import JobBase, add_backend_arguments, backend_from_args, run_tasks
from mmsynth.io import atomic_write_jsonl
from mmsynth.ocr import ENGINES, OcrEngine, find_images, get_engine
from mmsynth.outputs import claim_file, jsonl_with_keys

NAME = "ocr"
HELP = "read the text of images (EasyOCR, offline; cached by image hash) into a JSONL file"
EXAMPLE = "mmsynth ocr photos/ scan.png -o ocr.jsonl [--backend ray]"
CHUNK = 50   # images per task


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("images", nargs="+", help="image files or folders (searched recursively)")
    p.add_argument("-o", "--output", required=True, help="output JSONL: one object per image")
    p.add_argument("--overwrite", action="store_true", help="replace OUTPUT even if it is not an earlier ocr output")
    p.add_argument("--engine", default="easyocr", choices=sorted(ENGINES), help="OCR engine (default easyocr)")
    p.add_argument("--cache", default=None, help="OCR cache folder (default ~/.cache/mmsynth/ocr)")
    p.add_argument("--no-cache", action="store_true", help="OCR every image again, store nothing")
    p.add_argument("--cpu", action="store_true", help="do not use a GPU even if there is one")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    add_backend_arguments(p, workers=1)


def run(args: argparse.Namespace) -> int:
    paths = find_images(args.images)
    claim_file(args.output, NAME, jsonl_with_keys("image", "sha256", "words", "text"),
               inputs=[*args.images, *paths], overwrite=args.overwrite)
    options = {"cache_dir": args.cache, "use_cache": not args.no_cache}
    if args.cpu:
        options["gpu"] = False
    engine = get_engine(args.engine, **options)
    chunks = [paths[i:i + CHUNK] for i in range(0, len(paths), CHUNK)]
    results: dict[int, tuple[list[dict], list[str], int]] = {}
    with tqdm(total=len(paths), desc="ocr", unit="img", disable=args.quiet) as bar:
        for chunk, result in run_tasks(OcrRows(engine), list(enumerate(chunks)), backend_from_args(args), bar):
            results[chunk[0]] = result
    rows = [row for k in sorted(results) for row in results[k][0]]
    skipped = [err for k in sorted(results) for err in results[k][1]]
    for err in skipped:
        print(f"skipped {err}", file=sys.stderr)
    atomic_write_jsonl(args.output, rows)
    hits = sum(r[2] for r in results.values())
    print(f"{len(rows)} images read ({hits} from cache), {len(skipped)} unreadable skipped -> {args.output}")
    return 0


@dataclass
class OcrRows(JobBase):
    """The job that reads one chunk of images, on any backend: its rows, the unreadable
    images and the cache hits (the OCR model loads once per worker process)."""
    engine: OcrEngine | None = None

    def __call__(self, chunk: tuple[int, list[Path]], tick: Callable[[int], None]
                 ) -> tuple[list[dict], list[str], int]:
        rows, skipped, hits = [], [], self.engine.hits
        for path, result, err in self.engine.read_many(chunk[1], progress=False):
            tick(1)
            if result is None:
                skipped.append(err)
                continue
            row = {"image": str(path), **result.to_json()}
            row["lines"] = [{"text": ln.text, "box": [round(v, 1) for v in ln.box], "row": ln.row,
                             "paragraph": k} for k, para in enumerate(result.paragraphs()) for ln in para]
            row["text"] = result.text()
            rows.append(row)
        return rows, skipped, self.engine.hits - hits
