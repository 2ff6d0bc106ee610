"""A Hugging Face ``datasets`` dataset (``save_to_disk``): images as the ``Image`` feature and
messages in the structured chat layout that transformers' chat templates and TRL's
vision SFT read (``{"type": "image"}`` / ``{"type": "text", "text": ...}`` parts).
"""
from __future__ import annotations

import json
from pathlib import Path

from mmsynth.errors import UserError
from mmsynth.export import ExportOptions, exporter, image_files, role_turns
from mmsynth.record import IMAGE_TOKEN


def structured_content(role: str, content: str) -> list[dict]:
    """Split a turn at its ``<image>`` placeholders into image and text parts, in order."""
    parts: list[dict] = []
    pieces = content.split(IMAGE_TOKEN)
    for i, piece in enumerate(pieces):
        if i > 0:
            parts.append({"type": "image", "text": None})
        text = piece.strip("\n") if role == "user" else piece
        if text:
            parts.append({"type": "text", "text": text})
    return parts


def _rows(records: list[dict], root: Path):
    for rec in records:
        images = [{"bytes": src.read_bytes(), "path": rel} for rel, src in zip(rec["images"], image_files(rec, root))]
        yield {"id": rec["id"], "generator": rec["generator"], "task": rec["task"], "images": images,
               "messages": [{"role": r, "content": structured_content(r, c)} for r, c in role_turns(rec)],
               "qa": json.dumps(rec["qa"], ensure_ascii=False), "source": json.dumps(rec["source"], ensure_ascii=False)}


@exporter("hf")
def export(records: list[dict], root: Path, dest: Path, opts: ExportOptions) -> dict:
    try:
        import datasets
    except ImportError:
        raise UserError("the hf format needs the `datasets` package: pip install 'mmsynth[export]'") from None
    part = {"type": datasets.Value("string"), "text": datasets.Value("string")}
    features = datasets.Features({
        "id": datasets.Value("string"), "generator": datasets.Value("string"), "task": datasets.Value("string"),
        "images": datasets.Sequence(datasets.Image()),
        "messages": [{"role": datasets.Value("string"), "content": [part]}],
        "qa": datasets.Value("string"), "source": datasets.Value("string"),
    })
    ds = datasets.Dataset.from_list(list(_rows(records, root)), features=features)
    ds.save_to_disk(str(dest))
    if opts.push_to_hub:
        ds.push_to_hub(opts.push_to_hub)
    return {"path": str(dest), "records": len(ds)}
