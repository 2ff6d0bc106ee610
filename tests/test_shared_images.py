"""Loaded photos are stored once per corpus (by content), or hard-linked with --images link;
rendered images stay per sample; exports copy each photo once."""
from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from mmsynth.cli import main
from mmsynth.corpus import load_records

LABELS = ["dog", "cat", "ball", "tree", "car"]


def folder_bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def photos(tmp_path_factory) -> Path:
    """500 small noisy JPEG photos and Visual Genome scene graphs of them (4 objects, 3 relations)."""
    root = tmp_path_factory.mktemp("vg")
    rng = np.random.default_rng(0)
    graphs = []
    for k in range(500):
        Image.fromarray(rng.integers(0, 255, (48, 64, 3), dtype=np.uint8)).save(root / f"{k}.jpg", quality=80)
        objects = [{"object_id": j, "names": [LABELS[(k + j) % 5]], "x": 2 + 15 * j, "y": 4 + 9 * j,
                    "w": 12, "h": 10, "attributes": ["red" if (k + j) % 2 else "blue"]} for j in range(4)]
        rels = [{"subject_id": j, "predicate": "left of", "object_id": j + 1} for j in range(3)]
        graphs.append({"image_id": k, "width": 64, "height": 48, "objects": objects, "relationships": rels})
    (root / "scene_graphs.json").write_text(json.dumps(graphs))
    return root


def generate(photos: Path, out: Path, *extra: str) -> list[dict]:
    assert main(["generate", "-g", "scene.count", "-g", "scene.relation", "-g", "scene.multi.count",
                 "-n", "1400", "--seed", "3", "--scenes", f"vg:{photos / 'scene_graphs.json'}", "-o", str(out),
                 "--workers", "2", "-q", *extra]) == 0
    return load_records(out)


def test_1400_samples_over_500_photos_take_the_photos_plus_the_records(photos, tmp_path):
    out = tmp_path / "c"
    recs = generate(photos, out)
    used = {rel for r in recs for rel in r["images"]}
    uses = sum(len(r["images"]) for r in recs)
    assert len(recs) == 1400 and uses > len(used) * 2   # photos are shared by several samples
    assert all(rel.startswith("images/shared/") for rel in used)
    originals = {(photos / f).read_bytes() for f in os.listdir(photos) if f.endswith(".jpg")}
    stored = list((out / "images").rglob("*.jpg"))
    assert len(stored) == len(used) <= 500 and all(p.read_bytes() in originals for p in stored)
    records = folder_bytes(out / "data")
    photo_bytes = sum((photos / f"{k}.jpg").stat().st_size for k in range(500))
    assert folder_bytes(out / "images") <= photo_bytes
    assert folder_bytes(out) <= photo_bytes + records + 100_000   # + logs and manifest
    assert main(["validate", str(out), "-q"]) == 0
    export = tmp_path / "llava"
    assert main(["export", str(out), "--format", "llava", "-o", str(export)]) == 0
    assert folder_bytes(export / "images") == folder_bytes(out / "images")   # each photo copied once


def test_images_link_hard_links_the_source_photos(photos, tmp_path):
    out = tmp_path / "linked"
    recs = generate(photos, out, "--images", "link")
    for rel in {rel for r in recs for rel in r["images"]}:
        assert (out / rel).stat().st_nlink >= 2   # the source file and the corpus share one inode
    photo_inodes = {(photos / f"{k}.jpg").stat().st_ino for k in range(500)}
    assert {(out / rel).stat().st_ino for r in recs for rel in r["images"]} <= photo_inodes
    assert main(["validate", str(out), "-q"]) == 0


def test_rendered_images_stay_per_sample(tmp_path):
    out = tmp_path / "synthetic"
    assert main(["generate", "-g", "scene.count", "-n", "6", "-o", str(out), "--workers", "1", "-q"]) == 0
    assert [r["images"] for r in load_records(out)] == [[f"images/scene.count/{k:06d}.png"] for k in range(6)]
