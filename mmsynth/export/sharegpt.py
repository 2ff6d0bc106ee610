"""ShareGPT-style multimodal JSON as LLaMA-Factory reads it: {messages: [{role, content}], images}.

A ``dataset_info.json`` beside it registers the dataset for LLaMA-Factory under the
name ``mmsynth`` (``dataset: mmsynth``, ``dataset_dir: DEST``).
"""
from __future__ import annotations

import json
from pathlib import Path

from mmsynth.export import ExportOptions, exporter, place_images, role_turns
from mmsynth.io import atomic_write_json, atomic_write_text

DATASET_INFO = {
    "mmsynth": {
        "file_name": "sharegpt.json",
        "formatting": "sharegpt",
        "columns": {"messages": "messages", "images": "images"},
        "tags": {"role_tag": "role", "content_tag": "content", "user_tag": "user",
                 "assistant_tag": "assistant", "system_tag": "system"},
    }
}


@exporter("sharegpt")
def export(records: list[dict], root: Path, dest: Path, opts: ExportOptions) -> dict:
    rows = []
    for rec in records:
        images = place_images(rec, root, dest, opts.images)
        rows.append({"id": rec["id"], "messages": [{"role": r, "content": c} for r, c in role_turns(rec)],
                     "images": images})
    atomic_write_text(dest / "sharegpt.json", json.dumps(rows, ensure_ascii=False, indent=1))
    atomic_write_json(dest / "dataset_info.json", DATASET_INFO)
    return {"file": str(dest / "sharegpt.json"), "records": len(rows)}
