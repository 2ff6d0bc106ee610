"""End to end: `mmsynth generate -g 'scene.*'` on the synthetic default and on the real ProVision
sample (real image files copied into the corpus), then `mmsynth validate` recomputes every answer."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from mmsynth import cli
from mmsynth.corpus import load_records

from realdata import BASEBALL


def _generate_and_validate(capsys, out: Path, *args: str) -> list[dict]:
    rc = cli.main(["generate", *args, "-o", str(out), "--workers", "1", "-q"])
    assert rc == 0, capsys.readouterr().err
    assert cli.main(["validate", str(out), "-q"]) == 0, capsys.readouterr().err
    return load_records(out)


def test_generate_and_validate_synthetic(tmp_path, capsys):
    recs = _generate_and_validate(capsys, tmp_path / "c", "-g", "scene.*", "-n", "15", "--seed", "4")
    assert {r["generator"] for r in recs} >= {"scene.count", "scene.multi.has", "scene.depth.points"}
    multi = next(r for r in recs if r["generator"].startswith("scene.multi."))
    assert len(multi["images"]) >= 2
    assert multi["conversations"][0]["content"].startswith("Image 1: <image>\nImage 2: <image>\n")
    with Image.open(tmp_path / "c" / recs[0]["images"][0]) as im:
        assert im.size == (recs[0]["source"]["scenes"][0]["width"], recs[0]["source"]["scenes"][0]["height"])


def test_generate_and_validate_on_real_scene_graphs(tmp_path, capsys):
    if not BASEBALL.is_dir():
        pytest.skip(f"real ProVision sample {BASEBALL} is absent")
    recs = _generate_and_validate(capsys, tmp_path / "c", "-g", "scene.depth.*", "-g", "scene.relation",
                                  "-g", "scene.multi.common", "-n", "8", "--scenes", f"provision:{BASEBALL}",
                                  "--image-root", str(BASEBALL))
    for r in recs:
        for rel, scene in zip(r["images"], r["source"]["scenes"]):
            # the corpus holds the real photograph, byte for byte
            assert (tmp_path / "c" / rel).read_bytes() == (BASEBALL / scene["image"]).read_bytes()
    manifest = json.loads((tmp_path / "c" / "manifest.json").read_text())
    assert manifest["status"] == "complete"


def test_bad_scenes_option_is_one_line(tmp_path, capsys):
    rc = cli.main(["generate", "-g", "scene.count", "-n", "2", "-o", str(tmp_path / "c"), "--scenes", "vg:/nope.json"])
    err = capsys.readouterr().err
    assert rc == 2 and "does not exist" in err and len(err.strip().splitlines()) == 1
