"""Content hashes that make a benchmark provably disjoint from a training corpus.

An image is identified by the SHA-256 of its file bytes (images are written with the
deterministic encoder of :func:`mmsynth.corpus.encode_image`, so the same picture made
twice hashes the same); a sample's content by the SHA-256 of its symbolic ``source``
(canonical JSON), which also catches the same chart drawn in another style or saved in
another image format; a question by the SHA-256 of its normalised text, its option keys
(sorted, so a reshuffled option list is the same question) and its images' hashes.
A benchmark sample sharing an image or a source with an excluded corpus is dropped whole,
which also drops every question the corpus asks about that image.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image
from tqdm import tqdm

from mmsynth.bench.extract import normalize
from mmsynth.corpus import encode_image, iter_records, require_corpus
from mmsynth.errors import UserError
from mmsynth.images import BadImage, corpus_image
from mmsynth.record import option_key


def image_bytes(img: Image.Image | Path) -> bytes:
    """The bytes an image is stored as (an image file is taken as it is)."""
    return Path(img).read_bytes() if isinstance(img, Path) else encode_image(img)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def source_hash(source: dict) -> str:
    """Identity of a sample's symbolic content (its spec), whatever the rendering."""
    return sha256(json.dumps(source, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


def question_hash(qa: dict, image_hashes: list[str]) -> str:
    """Identity of a question: normalised text + sorted option keys + the image hashes in order."""
    options = sorted(option_key(o) for o in qa.get("options") or [])
    parts = [normalize(qa["question"]), "\x1f".join(options), "\x1f".join(image_hashes)]
    return sha256("\x1e".join(parts).encode("utf-8"))


@dataclass
class ExcludedContent:
    """The image and source hashes of the corpora a benchmark must not share anything with."""
    images: set[str] = field(default_factory=set)
    specs: set[str] = field(default_factory=set)
    corpora: list[dict] = field(default_factory=list)

    def add_corpus(self, root: str | Path) -> None:
        """Hash every image and source of a corpus (records are validated on the way)."""
        root = require_corpus(root)
        n_q, cache = 0, {}
        for shard, line, rec in tqdm(iter_records(root), desc=f"hashing {root.name}", unit="rec", leave=False):
            hashes = []
            for rel in rec["images"]:
                if rel not in cache:
                    try:
                        cache[rel] = sha256(corpus_image(root, rel).read_bytes())
                    except (BadImage, OSError) as e:
                        why = e if isinstance(e, BadImage) else f"image {rel} cannot be read"
                        raise UserError(f"{root}/data/{shard}:{line}: {why}") from None
                hashes.append(cache[rel])
            self.images.update(hashes)
            self.specs.add(source_hash(rec["source"]))
            n_q += len(rec["qa"])
        self.corpora.append({"corpus": str(root), "images": len(set(cache.values())), "questions": n_q})
