"""The zero-shot attribute stage on a real open_clip model (random init: nothing is downloaded)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from scenegraph.annotate.stages import ClipAttributeStage, ImageAnnotation
from scenegraph.language import attribute_types

BASEBALL = Path(__file__).resolve().parents[2] / "shared" / "realdata" / "provision_baseball"
# a deliberately small CLIP (2-layer towers, width 64): the stage's plumbing is what is tested,
# and a full-size text tower costs minutes on a shared CPU
TINY_CLIP = {"embed_dim": 64,
             "vision_cfg": {"image_size": 64, "layers": 2, "width": 64, "patch_size": 16, "head_width": 32},
             "text_cfg": {"context_length": 77, "vocab_size": 49408, "width": 64, "heads": 2, "layers": 2}}


def test_open_clip_stage_labels_real_crops_deterministically(tmp_path):
    open_clip = pytest.importorskip("open_clip")
    if not BASEBALL.is_dir():
        pytest.skip(f"real ProVision sample {BASEBALL} is absent")
    (tmp_path / "mmsynth-tiny-clip.json").write_text(json.dumps(TINY_CLIP))
    open_clip.add_model_config(tmp_path / "mmsynth-tiny-clip.json")
    model, _, preprocess = open_clip.create_model_and_transforms("mmsynth-tiny-clip", pretrained=None)
    tokenizer = open_clip.get_tokenizer("mmsynth-tiny-clip")
    stage = ClipAttributeStage(model, preprocess, tokenizer, ["color", "material"], min_confidence=0.0)

    def run() -> list[list[str]]:
        objs = [{"label": "bat", "box": [203, 121, 348, 212]}, {"label": "ball", "box": [366, 176, 389, 198]}]
        ann = ImageAnnotation("b1", BASEBALL / "images" / "baseball_1.png", 401, 400, objs)
        stage(ann)
        return [o["attributes"] for o in ann.objects]

    first = run()
    assert first == run()
    for attrs in first:  # with no confidence bar, exactly one colour and one material per object
        assert len(attrs) == 2
        assert attrs[0] in attribute_types()["color"]["values"]
        assert attrs[1] in attribute_types()["material"]["values"]
