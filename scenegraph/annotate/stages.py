"""Annotation stages: each takes an :class:`ImageAnnotation` and fills in part of it.

Built in: :class:`RelationStage` (box geometry), :class:`DepthStage` (a given ``.npy``
depth map per image) and :class:`ClipAttributeStage` (zero-shot attributes of crops with
open_clip, from a local checkpoint). A user stage is any callable ``stage(annotation)``,
named on the command line as ``module:factory`` (the factory is called without arguments);
user stages run before the built-in ones, so a detector stage can add objects
(``{"label", "box"}``) and a depth-model stage can set ``distance``.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Protocol

import numpy as np
from PIL import Image

from mmsynth.clip import load_open_clip
from mmsynth.errors import UserError
from scenegraph.annotate.geometry import relations
from scenegraph.depth import distance_from_closeness, object_distance
from scenegraph.language import attribute_types
from scenegraph.loaders.coco import polygon_mask
from scenegraph.loaders.common import load_npy

CROP_PAD = 0.05


@dataclass
class ImageAnnotation:
    """One image being annotated: its file, size and objects (label, box[, attributes, distance])."""
    image_id: Any
    path: Path
    width: int
    height: int
    objects: list[dict]
    relations: list[list] = field(default_factory=list)
    extra: dict = field(default_factory=dict)

    def image(self) -> Image.Image:
        with Image.open(self.path) as im:
            return im.convert("RGB")


class Stage(Protocol):
    def __call__(self, ann: ImageAnnotation) -> None: ...


class RelationStage:
    """Relations between nearby objects, decided by box geometry."""

    def __init__(self, neighbours: int = 3) -> None:
        self.neighbours = neighbours

    def __call__(self, ann: ImageAnnotation) -> None:
        ann.relations = relations([o["box"] for o in ann.objects], self.neighbours)


class DepthStage:
    """Per-object camera distance from ``<depth_dir>/<image stem>.npy`` (median over the
    object's polygon mask when it has one, else over the centre of its box).

    ``kind="closeness"`` for inverse-depth maps (higher = closer, e.g. MiDaS or Depth
    Anything outputs, ProVision's uint8 maps), ``"distance"`` for metric depth.
    """

    def __init__(self, depth_dir: str | Path, kind: str = "closeness") -> None:
        if kind not in ("closeness", "distance"):
            raise UserError(f"--depth-kind {kind!r}: use closeness (higher = closer) or distance")
        self.dir, self.kind = Path(depth_dir), kind
        if not self.dir.is_dir():
            raise UserError(f"--depth-dir {self.dir}: not a folder")

    def __call__(self, ann: ImageAnnotation) -> None:
        path = self.dir / f"{ann.path.stem}.npy"
        if not path.is_file():
            raise UserError(f"{ann.path.name}: no depth map {path}")
        arr = load_npy(path, f"depth for {ann.path.name}")
        if arr.shape != (ann.height, ann.width):
            raise UserError(f"{path}: depth map is {arr.shape[1]}x{arr.shape[0]}, image is {ann.width}x{ann.height}")
        dist = arr.astype(np.float32) if self.kind == "distance" else distance_from_closeness(arr)
        for o in ann.objects:
            d = object_distance(dist, polygon_mask(o.get("segmentation"), ann.width, ann.height), o["box"])
            o["distance"] = None if d is None else round(d, 4)
        ann.extra["depth_map"] = {"path": str(path), "kind": self.kind}


class ClipAttributeStage:
    """Zero-shot attributes of each object's crop: per attribute type (colour, material, ...),
    the value whose prompt "a photo of a {value} {label}" scores best, kept when its
    probability over the type's values reaches ``min_confidence``."""

    def __init__(self, model: Any, preprocess: Callable, tokenizer: Callable, types: list[str],
                 min_confidence: float = 0.35, batch_size: int = 32, device: str = "cpu") -> None:
        unknown = [t for t in types if t not in attribute_types()]
        if unknown:
            raise UserError(f"unknown attribute type(s) {unknown}; known: {', '.join(attribute_types())}")
        self.device = device
        self.model, self.preprocess, self.tokenizer = model.eval().to(device), preprocess, tokenizer
        self.types, self.min_confidence, self.batch_size = types, min_confidence, batch_size
        self._text: dict[tuple[str, str], Any] = {}

    @classmethod
    def from_checkpoint(cls, checkpoint: str | Path, arch: str, types: list[str], **kw: Any) -> "ClipAttributeStage":
        """Load open_clip ``arch`` with weights from a local file (never downloads)."""
        model, preprocess, tokenizer = load_open_clip(checkpoint, arch)
        return cls(model, preprocess, tokenizer, types, **kw)

    def _text_features(self, label: str, kind: str):
        import torch
        if (label, kind) not in self._text:
            prompts = [f"a photo of a {v} {label}" for v in attribute_types()[kind]["values"]]
            with torch.no_grad():
                feats = self.model.encode_text(_to(self.tokenizer(prompts), self.device))
            self._text[(label, kind)] = feats / feats.norm(dim=-1, keepdim=True)
        return self._text[(label, kind)]

    def __call__(self, ann: ImageAnnotation) -> None:
        import torch
        if not ann.objects:
            return
        img = ann.image()
        crops = [self.preprocess(img.crop(_padded(o["box"], ann.width, ann.height))) for o in ann.objects]
        feats = []
        with torch.no_grad():
            for k in range(0, len(crops), self.batch_size):
                f = self.model.encode_image(torch.stack(crops[k:k + self.batch_size]).to(self.device))
                feats.append(f / f.norm(dim=-1, keepdim=True))
        image_feats = torch.cat(feats)
        scale = float(self.model.logit_scale.detach().exp()) if hasattr(self.model, "logit_scale") else 100.0
        for o, f in zip(ann.objects, image_feats):
            attrs = list(o.get("attributes") or [])
            for kind in self.types:
                probs = (scale * f @ self._text_features(o["label"], kind).T).softmax(-1)
                best = int(probs.argmax())
                value = attribute_types()[kind]["values"][best]
                if float(probs[best]) >= self.min_confidence and value not in attrs:
                    attrs.append(value)
            o["attributes"] = attrs


def _to(tokens: Any, device: str) -> Any:
    """Tokenizer output on ``device`` (open_clip tokenizers return tensors)."""
    return tokens.to(device) if hasattr(tokens, "to") else tokens


def _padded(box: list[float], width: int, height: int) -> tuple[int, int, int, int]:
    x1, y1, x2, y2 = box
    px, py = (x2 - x1) * CROP_PAD, (y2 - y1) * CROP_PAD
    return (max(0, int(x1 - px)), max(0, int(y1 - py)), min(width, int(np.ceil(x2 + px))),
            min(height, int(np.ceil(y2 + py))))


def load_user_stage(spec: str) -> Stage:
    """A stage from ``module:factory``; the factory is called without arguments."""
    module, sep, name = spec.partition(":")
    if not sep or not module or not name:
        raise UserError(f"--stage {spec!r}: expected module:factory")
    try:
        factory = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as e:
        raise UserError(f"--stage {spec!r}: cannot import ({e})") from None
    stage = factory()
    if not callable(stage):
        raise UserError(f"--stage {spec!r}: the factory did not return a callable stage")
    return stage
