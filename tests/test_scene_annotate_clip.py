"""The zero-shot attribute stage: its logic with a transparent stand-in model, and its plumbing
on a real open_clip model (random init: nothing is downloaded)."""
from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from mmsynth.errors import UserError
from scenegraph.annotate.stages import ClipAttributeStage, ImageAnnotation

torch = pytest.importorskip("torch")
from scenegraph.language import attribute_types

from realdata import BASEBALL  # noqa: E402
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
    # the same weights through a local checkpoint file, as `scene annotate --clip-checkpoint` loads them
    torch.save(model.state_dict(), tmp_path / "tiny.pt")
    stage = ClipAttributeStage.from_checkpoint(tmp_path / "tiny.pt", "mmsynth-tiny-clip", ["color", "material"],
                                               min_confidence=0.0)
    assert run() == first
    (tmp_path / "bad.pt").write_bytes(b"not a checkpoint")
    with pytest.raises(UserError, match="does not load into mmsynth-tiny-clip"):
        ClipAttributeStage.from_checkpoint(tmp_path / "bad.pt", "mmsynth-tiny-clip", ["color"])
    for attrs in first:  # with no confidence bar, exactly one colour and one material per object
        assert len(attrs) == 2
        assert attrs[0] in attribute_types()["color"]["values"]
        assert attrs[1] in attribute_types()["material"]["values"]


# --- zero-shot attributes, with a model whose features are the crop's mean colour ----

RGB = {"red": (1.0, 0.0, 0.0), "green": (0.0, 1.0, 0.0), "blue": (0.0, 0.0, 1.0)}


class _MeanColourModel(torch.nn.Module):
    """encode_image: the crop's mean RGB; encode_text: the RGB of the colour a prompt names."""

    def __init__(self, scale: float = 100.0) -> None:
        super().__init__()
        self.logit_scale = torch.tensor(np.log(scale))

    def encode_image(self, x: torch.Tensor) -> torch.Tensor:
        return x.mean(dim=(2, 3)) + 1e-3

    def encode_text(self, prompts: list[str]) -> torch.Tensor:
        return torch.tensor([next((RGB[c] for c in RGB if f" {c} " in p), (0.3, 0.3, 0.3)) for p in prompts]) + 1e-3


def _preprocess(img: Image.Image) -> torch.Tensor:
    return torch.from_numpy(np.asarray(img.resize((8, 8)), dtype=np.float32) / 255).permute(2, 0, 1)


def test_zero_shot_stage_picks_the_best_prompt_per_crop(tmp_path):
    img = np.zeros((20, 60, 3), dtype=np.uint8)
    img[:, :20] = (220, 10, 10)
    img[:, 20:40] = (10, 200, 10)
    img[:, 40:] = (10, 10, 230)
    Image.fromarray(img).save(tmp_path / "a.png")
    objs = [{"label": "block", "box": [2, 2, 18, 18]}, {"label": "block", "box": [22, 2, 38, 18]},
            {"label": "block", "box": [42, 2, 58, 18]}]
    ann = ImageAnnotation(1, tmp_path / "a.png", 60, 20, objs)
    ClipAttributeStage(_MeanColourModel(), _preprocess, lambda p: p, ["color"], min_confidence=0.2)(ann)
    assert [o["attributes"] for o in ann.objects] == [["red"], ["green"], ["blue"]]
    # an unsure model (flat softmax over the colour words) adds nothing under the confidence bar
    for o in ann.objects:
        o["attributes"] = []
    ClipAttributeStage(_MeanColourModel(scale=1.0), _preprocess, lambda p: p, ["color"], min_confidence=0.2)(ann)
    assert all(o["attributes"] == [] for o in ann.objects)
