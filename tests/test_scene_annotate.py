"""mmsynth scene annotate: geometry relations, depth from a given map, user stages, and its
output feeding the generators (zero-shot attributes: test_scene_annotate_clip.py)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from mmsynth import cli, registry
from mmsynth.record import validate_record
from scenegraph.annotate.geometry import relation, relations
from scenegraph.annotate.stages import ImageAnnotation
from scenegraph.loaders import load_scene_set

from realdata import BASEBALL


@pytest.mark.parametrize("a, b, expected", [
    ([10, 10, 20, 20], [0, 0, 100, 100], "inside"),
    ([0, 0, 100, 100], [10, 10, 20, 20], "overlapping"),
    ([0, 0, 50, 50], [30, 0, 80, 50], "overlapping"),
    ([0, 0, 40, 40], [50, 5, 90, 45], "next to"),        # level, a gap of 10 < half the mean width
    ([0, 0, 20, 20], [200, 0, 220, 20], "left of"),
    ([200, 0, 220, 20], [0, 0, 20, 20], "right of"),
    ([0, 0, 20, 20], [5, 100, 25, 120], "above"),         # y grows downwards in images
    ([5, 100, 25, 120], [0, 0, 20, 20], "below"),
])
def test_geometry_decides_one_relation(a, b, expected):
    assert relation(a, b) == expected


def test_relations_link_nearest_boxes_both_ways():
    boxes = [[0, 0, 10, 10], [12, 0, 22, 10], [300, 300, 310, 310]]
    rels = relations(boxes, neighbours=1)
    assert [0, "next to", 1] in rels and [1, "next to", 0] in rels
    assert [2, "below", 1] in rels and [1, "above", 2] in rels
    assert len({(s, o) for s, _, o in rels}) == len(rels)  # one predicate per ordered pair


@pytest.fixture
def baseball_detections(tmp_path) -> tuple[Path, Path]:
    """The real ProVision detections rewritten as COCO detections, depth maps under the output folder."""
    if not BASEBALL.is_dir():
        pytest.skip(f"real ProVision sample {BASEBALL} is absent")
    det = json.loads((BASEBALL / "object-detection-annotations.json").read_text())
    labels = sorted({lab for e in det.values() for lab in e["annotation"]["labels"]})
    images, anns = [], []
    for k, (key, e) in enumerate(sorted(det.items())):
        a = e["annotation"]
        images.append({"id": k, "file_name": f"{key}.png", "width": a["width"], "height": a["height"]})
        for (x1, y1, x2, y2), lab, score in zip(a["bboxes"], a["labels"], a["det_scores"]):
            anns.append({"id": len(anns), "image_id": k, "category_id": labels.index(lab) + 1,
                         "bbox": [x1, y1, x2 - x1, y2 - y1], "score": score})
    (tmp_path / "depth").mkdir()
    for key in det:
        shutil.copy(BASEBALL / "depth_masks" / f"{key}_depth.npy", tmp_path / "depth" / f"{key}.npy")
    dets = tmp_path / "dets.json"
    dets.write_text(json.dumps({"images": images, "annotations": anns,
                                "categories": [{"id": i + 1, "name": n} for i, n in enumerate(labels)]}))
    return dets, tmp_path


def test_annotate_cli_on_real_images_feeds_the_generators(baseball_detections, capsys):
    dets, tmp = baseball_detections
    out = tmp / "scenes.json"
    rc = cli.main(["scene", "annotate", "--detections", str(dets), "--image-root", str(BASEBALL / "images"),
                   "-o", str(out), "--depth-dir", str(tmp / "depth"), "--min-score", "0.1", "-q"])
    assert rc == 0, capsys.readouterr().err
    assert "wrote" in capsys.readouterr().out
    scenes = {s["id"]: s for s in load_scene_set(f"coco:{out}", BASEBALL / "images").scenes}
    b1 = scenes["0"]
    assert [o["label"] for o in b1["objects"]] == ["batter", "bat", "ball"]  # uniform (score 0.06) dropped
    # by hand: the bat (x 203-348, y 121-212) and the ball (366-389, 176-198) are level, 18 px apart
    assert [1, "next to", 2] in b1["relations"] and [2, "next to", 1] in b1["relations"]
    raw = np.load(BASEBALL / "depth_masks" / "baseball_1_depth.npy")
    assert b1["objects"][2]["distance"] == pytest.approx(1 - np.median(raw[181:194, 371:384]) / 255, abs=0.01)
    gen = registry.create("scene.relation", scenes=f"coco:{out}", image_root=str(BASEBALL / "images"))
    for i in range(3):
        s = gen.make(0, i)
        rec = s.record(f"r{i}", gen.name, "scene", ["images/x.png"], 0, i)
        assert validate_record(rec) == [] and gen.verify(json.loads(json.dumps(rec))) == []


@pytest.mark.parametrize("argv, message", [
    (["--image-root", "/no/such/dir"], "not a folder"),
    (["--clip-checkpoint", "/no/such.pt"], "no such file"),
    (["--depth-dir", "/no/such/dir"], "not a folder"),
    (["--stage", "nomodule"], "expected module:factory"),
    (["--stage", "no_such_module_xyz:f"], "cannot import"),
])
def test_annotate_user_errors(baseball_detections, capsys, argv, message):
    dets, tmp = baseball_detections
    base = {"--detections": str(dets), "--image-root": str(BASEBALL / "images"), "-o": str(tmp / "o.json")}
    for k in range(0, len(argv), 2):
        base[argv[k]] = argv[k + 1]
    rc = cli.main(["scene", "annotate", "-q"] + [x for kv in base.items() for x in kv])
    assert rc == 2 and message in capsys.readouterr().err


def toy_detector():
    """A user stage standing in for a detector: it adds a "scoreboard" box to every image
    (named as test_scene_annotate:toy_detector in the test below)."""
    def stage(ann: ImageAnnotation) -> None:
        ann.objects.append({"label": "scoreboard", "box": [0, 0, 30, 20]})
    return stage


def test_user_detector_stage_adds_objects_that_the_builtin_stages_see(baseball_detections):
    dets, tmp = baseball_detections
    out = tmp / "s.json"
    rc = cli.main(["scene", "annotate", "--detections", str(dets), "--image-root", str(BASEBALL / "images"),
                   "-o", str(out), "--stage", "test_scene_annotate:toy_detector", "--min-score", "0.5", "-q"])
    assert rc == 0
    data = json.loads(out.read_text())
    board = next(c["id"] for c in data["categories"] if c["name"] == "scoreboard")
    added = [a for a in data["annotations"] if a["category_id"] == board]
    assert len(added) == 2 and len({a["id"] for a in data["annotations"]}) == len(data["annotations"])
    # the relation stage ran after the detector: the scoreboard is related to its neighbours
    assert any(r["subject"] == added[0]["id"] for r in data["relations"])
    scenes = load_scene_set(f"coco:{out}", BASEBALL / "images").scenes
    assert all("scoreboard" in [o["label"] for o in s["objects"]] for s in scenes)
