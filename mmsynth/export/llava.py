"""LLaVA-1.5 instruction JSON: a list of {id, image, conversations: [{from: human|gpt, value}]}."""
from __future__ import annotations

import json
from pathlib import Path

from mmsynth.export import ExportOptions, exporter, place_images, role_turns
from mmsynth.io import atomic_write_text

ROLE_TO_FROM = {"user": "human", "assistant": "gpt", "system": "system"}


def llava_entry(rec: dict, images: list[str]) -> dict:
    entry: dict = {"id": rec["id"]}
    if images:
        entry["image"] = images[0] if len(images) == 1 else images
    entry["conversations"] = [{"from": ROLE_TO_FROM[r], "value": c} for r, c in role_turns(rec)]
    return entry


@exporter("llava")
def export(records: list[dict], root: Path, dest: Path, opts: ExportOptions) -> dict:
    entries = [llava_entry(r, place_images(r, root, dest, opts.images)) for r in records]
    atomic_write_text(dest / "llava.json", json.dumps(entries, ensure_ascii=False, indent=1))
    return {"file": str(dest / "llava.json"), "records": len(entries)}
