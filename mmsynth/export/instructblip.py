"""InstructBLIP / LAVIS-style records: one {image, text_input, text_output} per question.

InstructBLIP takes one image, so multi-image records are skipped and counted.
"""
from __future__ import annotations

import json
from pathlib import Path

from mmsynth.export import ExportOptions, exporter, place_images
from mmsynth.generator import answer_text, question_prompt
from mmsynth.io import atomic_write_text


@exporter("instructblip")
def export(records: list[dict], root: Path, dest: Path, opts: ExportOptions) -> dict:
    rows, skipped = [], 0
    for rec in records:
        if len(rec["images"]) != 1:
            skipped += 1
            continue
        image = place_images(rec, root, dest, opts.images)[0]
        for i, qa in enumerate(rec["qa"]):
            rows.append({"id": f"{rec['id']}-q{i}", "image": image, "text_input": question_prompt(qa),
                         "text_output": answer_text(qa)})
    atomic_write_text(dest / "instructblip.json", json.dumps(rows, ensure_ascii=False, indent=1))
    return {"file": str(dest / "instructblip.json"), "records": len(rows), "skipped_multi_image": skipped}
