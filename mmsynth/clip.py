"""open_clip from a local checkpoint (never downloaded), for whatever needs image embeddings."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from mmsynth.errors import UserError


def load_open_clip(checkpoint: str | Path, arch: str) -> tuple[Any, Any, Any]:
    """``(model, preprocess, tokenizer)`` of open_clip ``arch`` with weights from a local file."""
    path = Path(checkpoint)
    if not path.is_file():
        raise UserError(f"--clip-checkpoint {path}: no such file (a local open_clip checkpoint is needed)")
    try:
        import open_clip
    except ImportError:
        raise UserError("--clip-checkpoint needs open_clip: pip install 'mmsynth[clip]'") from None
    try:
        model, _, preprocess = open_clip.create_model_and_transforms(arch, pretrained=str(path))
    except Exception as e:  # torch raises several types for a file that is not a matching checkpoint
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise UserError(f"--clip-checkpoint {path}: does not load into {arch} ({first})") from None
    return model.eval(), preprocess, open_clip.get_tokenizer(arch)


def load_embedder(checkpoint: str | Path, arch: str) -> Callable[[list[Path]], np.ndarray]:
    """A function from image files to the unit-length mean of their CLIP image embeddings."""
    import torch
    model, preprocess, _ = load_open_clip(checkpoint, arch)

    def embed(paths: list[Path]) -> np.ndarray:
        images = []
        for p in paths:
            with Image.open(p) as im:
                images.append(preprocess(im.convert("RGB")))
        with torch.no_grad():
            feats = model.encode_image(torch.stack(images)).float()
        feats = feats / feats.norm(dim=-1, keepdim=True)
        v = feats.mean(0).numpy()
        return v / max(float(np.linalg.norm(v)), 1e-9)
    return embed
