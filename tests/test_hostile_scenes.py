"""Hostile scene-graph files (issue #20): wrongly typed fields are one-line errors naming the
spot, boxes that are not finite or leave the image are clipped (or dropped when nothing of
them is inside) and counted, photos that are not images are skipped and counted."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from mmsynth.cli import main
from mmsynth.errors import UserError
from scenegraph.loaders import load_scene_set


def png(path: Path, size=(40, 30)) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, (90, 120, 200)).save(path)


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def vg(tmp_path: Path, objects: list[dict], **entry) -> Path:
    png(tmp_path / "7.jpg", (200, 100))
    return write(tmp_path / "scene_graphs.json", json.dumps([{"image_id": 7, "objects": objects, **entry}]))


def vg_obj(oid: int = 1, name: str = "car", **fields) -> dict:
    return {"object_id": oid, "x": 10, "y": 20, "w": 30, "h": 40, "names": [name]} | fields


def gqa(tmp_path: Path, **fields) -> Path:
    png(tmp_path / "5.jpg", (300, 200))
    obj = {"name": "cup", "x": 1, "y": 2, "w": 10, "h": 20} | fields
    return write(tmp_path / "sg.json", json.dumps({"5": {"width": 300, "height": 200, "objects": {"1": obj}}}))


def coco(tmp_path: Path, *annotations: dict) -> Path:
    png(tmp_path / "a.png", (20, 10))
    anns = [{"id": 10 + k, "image_id": 1, "category_id": 3, "bbox": [0, 0, 8, 10]} | a for k, a in enumerate(annotations)]
    return write(tmp_path / "c.json", json.dumps({"images": [{"id": 1, "file_name": "a.png", "width": 20, "height": 10}],
                                                  "categories": [{"id": 3, "name": "box"}], "annotations": anns}))


def provision(tmp_path: Path, boxes_json: str) -> Path:
    png(tmp_path / "images" / "k.png", (8, 6))
    text = ('{"k": {"data_path": "images/k.png", "annotation": {"width": 8, "height": 6, '
            f'"labels": ["cup", "plate"], "bboxes": {boxes_json}}}}}}}')
    write(tmp_path / "object-detection-annotations.json", text)
    return tmp_path


@pytest.mark.parametrize("make, message", [
    (lambda t: vg(t, [vg_obj(attributes=3)]), r"objects\[0\]: 'attributes' should be a list of strings, found int"),
    (lambda t: vg(t, [vg_obj(attributes=["red", 4])]), "'attributes' should be a list of strings, found a list holding int"),
    (lambda t: gqa(t, attributes=7), r"object 1: 'attributes' should be a list of strings, found int"),
    (lambda t: gqa(t, distance="far"), r"object 1: 'distance' should be a finite number >= 0, found 'far'"),
    (lambda t: coco(t, {"attributes": 5}), r"annotations\[0\]: 'attributes' should be a list of strings, found int"),
    (lambda t: coco(t, {"distance": "near"}), r"annotations\[0\]: 'distance' should be a finite number >= 0"),
    (lambda t: coco(t, {"segmentation": "polygon"}), r"annotations\[0\]: 'segmentation' should be a list of polygons"),
    (lambda t: coco(t, {"segmentation": [["a", "b", "c", "d", "e", "f"]]}), "'segmentation' should be a list of polygons"),
    (lambda t: vg(t, [vg_obj()], width="wide", height=100), "'width' should be int or float, found str"),
    (lambda t: vg(t, [vg_obj()], relationships=4), "entry 0: 'relationships' should be a list, found int"),
    (lambda t: gqa(t, relations=0.5), "object 1: 'relations' should be a list, found float"),
])
def test_wrongly_typed_scene_fields_are_one_line_errors(tmp_path, make, message):
    path = make(tmp_path)
    fmt = {"scene_graphs.json": "vg", "sg.json": "gqa", "c.json": "coco"}[path.name]
    with pytest.raises(UserError, match=message):
        load_scene_set(f"{fmt}:{path}")


def test_huge_and_infinite_boxes_are_clipped_to_the_image(tmp_path, capsys):
    # a coordinate beyond any float, and ProVision boxes of 1e400 (Infinity once parsed) and NaN
    f = vg(tmp_path / "vg", [vg_obj(1, w=10 ** 400), vg_obj(2, "tree", x=10 ** 400),
                             vg_obj(3, "dog", x=-50, y=-5, w=100, h=40)],
           relationships=[{"predicate": "near", "subject_id": 1, "object_id": 2},
                          {"predicate": "behind", "subject_id": 3, "object_id": 1}])
    s = load_scene_set(f"vg:{f}")
    (scene,) = s.scenes
    assert [(o["label"], o["box"]) for o in scene["objects"]] == [("car", [10, 20, 200, 60]),
                                                                 ("dog", [0, 0, 50, 35])]
    assert scene["relations"] == [[1, "behind", 0]]   # the relation to the dropped tree goes with it
    assert (s.boxes_clipped, s.boxes_dropped) == (2, 1)
    assert "2 box(es) clipped to their image, 1 object(s) dropped" in capsys.readouterr().err
    folder = provision(tmp_path / "pv", "[[1e400, 0, 1e400, 1e400], [-Infinity, 1, Infinity, 1e999]]")
    (scene,) = load_scene_set(f"provision:{folder}").scenes
    assert [o["box"] for o in scene["objects"]] == [[0, 1, 8, 6]]   # the first lies wholly right of the image
    folder = provision(tmp_path / "pv2", "[[NaN, 0, 4, 4], [1, 1, 4, 4]]")
    (scene,) = load_scene_set(f"provision:{folder}").scenes
    assert [o["box"] for o in scene["objects"]] == [[1, 1, 4, 4]]


def test_generate_never_asks_about_a_box_outside_the_image(tmp_path, capsys):
    f = vg(tmp_path, [vg_obj(1), vg_obj(2, "tree", x=500, y=300), vg_obj(3, "dog", x=120, w=200)])
    out = tmp_path / "out"
    assert main(["generate", "-g", "scene.region", "-g", "scene.count", "--scenes", f"vg:{f}", "-n", "4",
                 "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "1 box(es) clipped to their image, 1 object(s) dropped" in err and "Traceback" not in err
    for line in (out / "data").glob("*.jsonl"):
        for rec in map(json.loads, line.read_text().splitlines()):
            objects = [o for scene in rec["source"]["scenes"] for o in scene["objects"]]
            assert "tree" not in {o["label"] for o in objects}
            assert all(0 <= o["box"][0] <= o["box"][2] <= 200 and 0 <= o["box"][1] <= o["box"][3] <= 100
                       for o in objects)
    assert main(["validate", str(out), "-q"]) == 0


def test_photos_that_are_not_images_are_skipped_and_counted(tmp_path, capsys):
    png(tmp_path / "a.png", (20, 10))
    (tmp_path / "b.png").write_text("this is not a picture\n")
    imgs = [{"id": 1, "file_name": "a.png", "width": 20, "height": 10},
            {"id": 2, "file_name": "b.png", "width": 20, "height": 10}]
    anns = [{"id": 5, "image_id": i, "category_id": 3, "bbox": [0, 0, 8, 10]} for i in (1, 2)]
    f = write(tmp_path / "c.json", json.dumps({"images": imgs, "annotations": anns,
                                               "categories": [{"id": 3, "name": "box"}]}))
    s = load_scene_set(f"coco:{f}")
    assert [sc["id"] for sc in s.scenes] == ["1"] and s.skipped == 1
    assert "skipped 1 scene(s) whose image file does not decode as an image" in capsys.readouterr().err
    (tmp_path / "a.png").write_bytes(b"")
    f2 = write(tmp_path / "c2.json", f.read_text())
    with pytest.raises(UserError, match=r"no scene's image decodes as an image \(first: a.png\)"):
        load_scene_set(f"coco:{f2}")


def test_detections_with_a_score_that_is_not_a_number(tmp_path):
    from scenegraph.annotate.pipeline import read_detections
    f = coco(tmp_path, {"score": "high"})
    with pytest.raises(UserError, match=r"annotations\[0\]: 'score' should be a number, found str"):
        read_detections(f, tmp_path)
