"""Scene-graph loaders on real and hand-made files; every malformed input gets a clear error."""
from __future__ import annotations

import json
import pickle
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from mmsynth import registry
from mmsynth.errors import UserError
from scenegraph.loaders import load_scene_set, parse_scenes_option
from scenegraph.paths import resolve_inside
from scenegraph.safe_pickle import load_masks

from realdata import BASEBALL


@pytest.fixture(scope="module")
def baseball() -> Path:
    if not BASEBALL.is_dir():
        pytest.skip(f"real ProVision sample {BASEBALL} is absent")
    return BASEBALL


def _png(path: Path, size: tuple[int, int] = (40, 30)) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, (90, 120, 200)).save(path)


def _write(path: Path, obj) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj))
    return path


# --- ProVision (real sample) ---------------------------------------------------------

def test_provision_sample_merges_every_stage(baseball):
    s = {sc["id"]: sc for sc in load_scene_set(f"provision:{baseball}").scenes}
    b1 = s["baseball_1"]
    assert b1["image"] == "images/baseball_1.png"  # data_path sample_data/images/... found under the root
    assert (b1["width"], b1["height"]) == (401, 400)
    assert [o["label"] for o in b1["objects"]] == ["batter", "bat", "ball", "baseball uniform"]
    assert b1["objects"][1]["box"] == [203, 121, 348, 212]
    assert b1["objects"][1]["attributes"] == ["blue", "golden", "white", "wooden"]
    assert b1["relations"] == [[0, "wearing", 3], [0, "about to hit", 2], [0, "holding", 1]]


def test_provision_depth_is_converted_to_distance(baseball):
    """ProVision maps say higher = closer; the model stores distance (closer = smaller)."""
    scene = next(sc for sc in load_scene_set(f"provision:{baseball}").scenes if sc["id"] == "baseball_1")
    raw = np.load(baseball / "depth_masks" / "baseball_1_depth.npy")
    masks = load_masks(baseball / "seg_masks" / "baseball_1_mask.pkl", raw.shape)
    for obj, mask in zip(scene["objects"], masks):
        assert obj["distance"] == pytest.approx(float(np.median(1 - raw[mask] / 255.0)), abs=1e-3)
    bat, ball = scene["objects"][1], scene["objects"][2]
    # the bat is in front of the batter, the ball comes from far away: the raw map is brighter on the bat
    assert np.median(raw[masks[1]]) > np.median(raw[masks[2]])
    assert bat["distance"] < ball["distance"]


def test_provision_points_lie_on_one_mask_only(baseball):
    scene = next(sc for sc in load_scene_set(f"provision:{baseball}").scenes if sc["id"] == "baseball_1")
    raw = np.load(baseball / "depth_masks" / "baseball_1_depth.npy")
    masks = load_masks(baseball / "seg_masks" / "baseball_1_mask.pkl", raw.shape)
    h, w = raw.shape
    seen = 0
    for k, obj in enumerate(scene["objects"]):
        for x, y, dist in obj["points"]:
            px, py = int(x * w), int(y * h)
            assert [bool(m[py, px]) for m in masks] == [j == k for j in range(len(masks))]
            assert dist == pytest.approx(1 - raw[py, px] / 255.0, abs=1e-3)
            seen += 1
    assert seen >= 6
    assert scene["objects"][3]["points"] == []  # the uniform lies wholly inside the batter's mask


def test_real_mask_pickle_matches_scipy(baseball):
    sparse = pytest.importorskip("scipy.sparse")
    del sparse
    with open(baseball / "seg_masks" / "baseball_2_mask.pkl", "rb") as f:
        trusted = pickle.load(f)  # noqa: S301 -- a reference decode of the real file, for this comparison only
    ours = load_masks(baseball / "seg_masks" / "baseball_2_mask.pkl", (506, 770))
    assert len(ours) == len(trusted) == 8
    assert all(np.array_equal(m.toarray().astype(bool), o) for m, o in zip(trusted, ours))


# --- malicious and malformed pickles -------------------------------------------------

class _Evil:
    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        import os
        return (os.system, (f"touch {self.marker}",))


def test_malicious_pickle_is_refused_and_nothing_runs(tmp_path):
    marker = tmp_path / "pwned"
    bad = tmp_path / "evil.pkl"
    bad.write_bytes(pickle.dumps([_Evil(marker)]))
    with pytest.raises(UserError, match=r"refusing this pickle \(it names posix\.system\)"):
        load_masks(bad, (4, 4))
    assert not marker.exists()


def test_pickle_naming_builtins_eval_is_refused(tmp_path):
    marker = tmp_path / "ran"
    payload = (b"\x80\x04cbuiltins\neval\n(V__import__('pathlib').Path('" + str(marker).encode()
               + b"').touch()\ntR.")
    (tmp_path / "m.pkl").write_bytes(payload)
    with pytest.raises(UserError, match="builtins.eval"):
        load_masks(tmp_path / "m.pkl", (4, 4))
    assert not marker.exists()


def test_garbled_and_misshaped_pickles(tmp_path):
    (tmp_path / "g.pkl").write_bytes(b"\x80\x04garbage")
    with pytest.raises(UserError, match="not a readable mask pickle"):
        load_masks(tmp_path / "g.pkl", (4, 4))
    (tmp_path / "s.pkl").write_bytes(pickle.dumps([np.ones((3, 3), dtype=bool)]))
    with pytest.raises(UserError, match=r"shape \(3, 3\).*expected \(4, 4\)"):
        load_masks(tmp_path / "s.pkl", (4, 4))
    (tmp_path / "d.pkl").write_bytes(pickle.dumps({"a": 1}))
    with pytest.raises(UserError, match="expected a list of masks"):
        load_masks(tmp_path / "d.pkl", (4, 4))


def test_csr_mask_claiming_a_huge_shape_is_refused_before_allocation(tmp_path):
    sparse = pytest.importorskip("scipy.sparse")
    m = sparse.csr_matrix(np.eye(4, dtype=bool))
    m._shape = (10 ** 6, 10 ** 6)  # what a hostile or corrupt file could claim
    (tmp_path / "h.pkl").write_bytes(pickle.dumps([m]))
    with pytest.raises(UserError, match=r"mask 0 is malformed \(shape \(1000000, 1000000\), expected \(4, 4\)\)"):
        load_masks(tmp_path / "h.pkl", (4, 4))
    good = sparse.csr_matrix(np.eye(4, dtype=bool))
    good.indptr = good.indptr.copy()
    good.indptr[-1] = 9  # row pointers that do not match the column indices
    (tmp_path / "p.pkl").write_bytes(pickle.dumps([good]))
    with pytest.raises(UserError, match="mask 0 is malformed"):
        load_masks(tmp_path / "p.pkl", (4, 4))


# --- image paths ---------------------------------------------------------------------

@pytest.mark.parametrize("name", ["../outside.png", "imgs/../../outside.png", "/etc/passwd", "C:\\x.png"])
def test_paths_that_leave_the_root_are_refused(tmp_path, name):
    root = tmp_path / "root"
    _png(root / "a.png")
    _png(tmp_path / "outside.png")
    with pytest.raises(UserError, match="absolute|leave the image root"):
        resolve_inside(root, name, "scenes.json")


def test_symlink_out_of_the_root_is_refused(tmp_path):
    root = tmp_path / "root"
    _png(tmp_path / "secret.png")
    root.mkdir()
    (root / "link.png").symlink_to(tmp_path / "secret.png")
    with pytest.raises(UserError, match="outside the image root"):
        resolve_inside(root, "link.png", "scenes.json")


def test_leading_folders_the_root_stands_for_are_dropped(tmp_path):
    _png(tmp_path / "images" / "x.png")
    assert resolve_inside(tmp_path, "sample_data/images/x.png", "f") == (tmp_path / "images" / "x.png").resolve()
    assert resolve_inside(tmp_path, "sample_data/images/y.png", "f") is None


def test_escaping_image_path_in_a_scene_file(tmp_path):
    f = _write(tmp_path / "coco.json", {"images": [{"id": 1, "file_name": "../../etc/passwd", "width": 4, "height": 4}],
                                        "annotations": [], "categories": []})
    with pytest.raises(UserError, match="tries to leave the image root"):
        load_scene_set(f"coco:{f}")


# --- Visual Genome -------------------------------------------------------------------

def _vg(tmp_path: Path) -> Path:
    _png(tmp_path / "VG_100K" / "7.jpg", (200, 100))
    _write(tmp_path / "attributes.json", [{"image_id": 7, "attributes": [{"object_id": 11, "attributes": ["red"]}]}])
    return _write(tmp_path / "scene_graphs.json", [{
        "image_id": 7,
        "objects": [{"object_id": 11, "x": 10, "y": 20, "w": 30, "h": 40, "names": ["car"]},
                    {"object_id": 12, "x": 100, "y": 20, "w": 50, "h": 40, "names": ["tree"], "attributes": ["tall"]}],
        "relationships": [{"predicate": "next to", "subject_id": 11, "object_id": 12},
                          {"predicate": "behind", "subject": {"object_id": 12}, "object": {"object_id": 11}}]}])


def test_visual_genome_with_attributes_merged(tmp_path):
    f = _vg(tmp_path)
    (scene,) = load_scene_set(f"vg:{f}").scenes
    assert scene["image"] == "VG_100K/7.jpg"
    assert (scene["width"], scene["height"]) == (200, 100)  # read from the image header
    assert scene["objects"][0] == {"label": "car", "box": [10, 20, 40, 60], "attributes": ["red"],
                                   "distance": None, "points": []}
    assert scene["objects"][1]["attributes"] == ["tall"]
    assert scene["relations"] == [[0, "next to", 1], [1, "behind", 0]]


@pytest.mark.parametrize("graphs, message", [
    ({"image_id": 1}, "expected a list of scene graphs"),
    ([{"objects": []}], "entry 0: missing 'image_id'"),
    ([{"image_id": 1, "objects": [{"object_id": 1, "x": 0, "y": 0, "w": 5, "h": 5}]}], "no 'names'"),
    ([{"image_id": 1, "objects": [{"object_id": 1, "x": 0, "y": 0, "w": "5", "h": 5, "names": ["a"]}]}],
     "'w' should be int or float"),
    ([{"image_id": 1, "objects": [{"object_id": 1, "x": 0, "y": 0, "w": 5, "h": 5, "names": ["a"]}],
       "relationships": [{"predicate": "on", "subject_id": 1, "object_id": 9}]}], "object id not in this image"),
])
def test_malformed_visual_genome(tmp_path, graphs, message):
    f = _write(tmp_path / "scene_graphs.json", graphs)
    with pytest.raises(UserError, match=message):
        load_scene_set(f"vg:{f}")


def test_not_json_names_file_and_line(tmp_path):
    (tmp_path / "scene_graphs.json").write_text('[{"image_id": 1,\n "objects": [}]')
    with pytest.raises(UserError, match=r"scene_graphs.json:2: not valid JSON"):
        load_scene_set(f"vg:{tmp_path / 'scene_graphs.json'}")


# --- GQA -----------------------------------------------------------------------------

def test_gqa_scene_graph(tmp_path):
    _png(tmp_path / "images" / "2370.jpg", (300, 200))
    f = _write(tmp_path / "sg.json", {"2370": {"width": 300, "height": 200, "objects": {
        "5": {"name": "cup", "x": 1, "y": 2, "w": 10, "h": 20, "attributes": ["white"],
              "relations": [{"name": "to the left of", "object": "6"}]},
        "6": {"name": "plate", "x": 50, "y": 2, "w": 30, "h": 20, "attributes": [], "relations": []}}}})
    (scene,) = load_scene_set(f"gqa:{f}").scenes
    assert scene["image"] == "images/2370.jpg"
    assert [o["label"] for o in scene["objects"]] == ["cup", "plate"]
    assert scene["relations"] == [[0, "to the left of", 1]]


@pytest.mark.parametrize("graphs, message", [
    ([], "expected an object mapping image ids"),
    ({"1": {"width": 3, "height": 3}}, "missing 'objects'"),
    ({"1": {"width": 3, "height": 3, "objects": {"5": {"name": "a", "x": 0, "y": 0, "w": 1, "h": 1,
                                                       "relations": [{"name": "on", "object": "9"}]}}}},
     "refers to object 9"),
    ({"1": {"height": 3, "objects": {}}}, "missing 'width'"),
    ({"1": {"width": 10 ** 7, "height": 3, "objects": {}}}, "image size 10000000 x 3 is not plausible"),
])
def test_malformed_gqa(tmp_path, graphs, message):
    f = _write(tmp_path / "sg.json", graphs)
    with pytest.raises(UserError, match=message):
        load_scene_set(f"gqa:{f}")


# --- ProVision malformed -------------------------------------------------------------

def _provision(tmp_path: Path, attrs: list, masks_id: str | None = None) -> Path:
    _png(tmp_path / "images" / "k.png", (8, 6))
    entry = lambda ann: {"k": {"data_path": "sample_data/images/k.png", "annotation": ann}}  # noqa: E731
    _write(tmp_path / "object-detection-annotations.json",
           entry({"width": 8, "height": 6, "labels": ["a", "b"], "bboxes": [[0, 0, 4, 4], [4, 0, 8, 6]]}))
    _write(tmp_path / "image-attributes-annotations.json", entry({"attributes": attrs}))
    if masks_id:
        _write(tmp_path / "segmentation-annotations.json", entry({"seg_mask_id": masks_id}))
    return tmp_path


def test_provision_attribute_count_mismatch(tmp_path):
    with pytest.raises(UserError, match="1 attribute lists for 2 detected objects"):
        load_scene_set(f"provision:{_provision(tmp_path, [['red']])}")


def test_provision_mask_path_cannot_escape(tmp_path):
    with pytest.raises(UserError, match="leave the image root"):
        load_scene_set(f"provision:{_provision(tmp_path, [[], []], masks_id='../../x.pkl')}")


def test_provision_malicious_mask_file(tmp_path):
    folder = _provision(tmp_path, [[], []], masks_id="m.pkl")
    marker = tmp_path / "pwned"
    (folder / "seg_masks").mkdir()
    (folder / "seg_masks" / "m.pkl").write_bytes(pickle.dumps([_Evil(marker)]))
    with pytest.raises(UserError, match="refusing this pickle"):
        load_scene_set(f"provision:{folder}")
    assert not marker.exists()


def test_provision_depth_map_of_the_wrong_size(tmp_path):
    folder = _provision(tmp_path, [[], []])
    _write(folder / "depth-estimation-annotations.json",
           {"k": {"data_path": "k.png", "annotation": {"depth_mask_id": "k.npy"}}})
    (folder / "depth_masks").mkdir()
    np.save(folder / "depth_masks" / "k.npy", np.zeros((5, 5), dtype=np.uint8))
    with pytest.raises(UserError, match="depth map is 5x5, image is 8x6"):
        load_scene_set(f"provision:{folder}")
    (folder / "depth_masks" / "k.npy").unlink()
    with pytest.raises(UserError, match="depth_masks/k.npy does not exist"):
        load_scene_set(f"provision:{folder}")


def test_provision_relation_out_of_range(tmp_path):
    folder = _provision(tmp_path, [[], []])
    _write(folder / "relation-annotations-parsed.json",
           {"k": {"data_path": "k.png", "annotation": {"relations": [[0, "on", 5]]}}})
    with pytest.raises(UserError, match=r"relation \[0, 'on', 5\] is not \[subject index"):
        load_scene_set(f"provision:{folder}")


def test_provision_without_detections(tmp_path):
    with pytest.raises(UserError, match="no object-detection-annotations.json"):
        load_scene_set(f"provision:{tmp_path}")


# --- COCO ----------------------------------------------------------------------------

def test_coco_with_extensions(tmp_path):
    _png(tmp_path / "a.png", (20, 10))
    closeness = np.zeros((10, 20), dtype=np.uint8)
    closeness[:, :10] = 200  # left half near, right half far
    np.save(tmp_path / "a_depth.npy", closeness)
    f = _write(tmp_path / "c.json", {
        "images": [{"id": 1, "file_name": "a.png", "width": 20, "height": 10,
                    "depth_map": {"path": "a_depth.npy", "kind": "closeness"}}],
        "categories": [{"id": 3, "name": "box"}, {"id": 4, "name": "ball"}],
        "annotations": [
            {"id": 10, "image_id": 1, "category_id": 3, "bbox": [0, 0, 8, 10], "attributes": ["red"],
             "segmentation": [[0, 0, 8, 0, 8, 10, 0, 10]]},
            {"id": 11, "image_id": 1, "category_id": 4, "bbox": [12, 0, 8, 10]}],
        "relations": [{"image_id": 1, "subject": 10, "predicate": "left of", "object": 11}]})
    (scene,) = load_scene_set(f"coco:{f}").scenes
    box, ball = scene["objects"]
    assert box["label"] == "box" and box["attributes"] == ["red"] and ball["box"] == [12, 0, 20, 10]
    assert box["distance"] == pytest.approx(1 - 200 / 255, abs=1e-3) and ball["distance"] == pytest.approx(1.0)
    assert box["points"] and not ball["points"]  # points only where a mask exists
    assert scene["relations"] == [[0, "left of", 1]]


@pytest.mark.parametrize("data, message", [
    ({"images": [], "annotations": []}, "missing 'categories'"),
    ({"images": [], "categories": [], "annotations": [{"image_id": 1, "category_id": 9, "bbox": [0, 0, 1, 1]}]},
     "category_id 9 is not in categories"),
    ({"images": [{"id": 1, "file_name": "a.png", "width": 4, "height": 4}], "categories": [{"id": 1, "name": "a"}],
      "annotations": [{"image_id": 1, "category_id": 1, "bbox": [0, 0, -1, 1]}]}, "negative box size"),
    ({"images": [{"id": 1, "file_name": "a.png", "width": 4, "height": 4}], "categories": [],
      "annotations": [], "relations": [{"image_id": 1, "subject": 1, "predicate": "on", "object": 2}]},
     "must be annotation ids"),
])
def test_malformed_coco(tmp_path, data, message):
    _png(tmp_path / "a.png", (4, 4))
    f = _write(tmp_path / "c.json", data)
    with pytest.raises(UserError, match=message):
        load_scene_set(f"coco:{f}")


# --- missing images and the --scenes option ------------------------------------------

def test_missing_images_are_skipped_and_counted(tmp_path, capsys):
    _png(tmp_path / "a.png", (4, 4))
    imgs = [{"id": 1, "file_name": "a.png", "width": 4, "height": 4},
            {"id": 2, "file_name": "gone.png", "width": 4, "height": 4}]
    f = _write(tmp_path / "c.json", {"images": imgs, "annotations": [], "categories": []})
    s = load_scene_set(f"coco:{f}")
    assert [sc["id"] for sc in s.scenes] == ["1"] and s.skipped == 1
    assert "skipped 1 scene(s)" in capsys.readouterr().err


def test_all_images_missing_is_an_error(tmp_path):
    f = _write(tmp_path / "c.json", {"images": [{"id": 1, "file_name": "gone.png", "width": 4, "height": 4}],
                                     "annotations": [], "categories": []})
    with pytest.raises(UserError, match=r"no scene has its image under .*\(first: gone.png\)"):
        load_scene_set(f"coco:{f}")


@pytest.mark.parametrize("value, message", [
    ("vg", "expected FORMAT:PATH"), ("clevr:/tmp", "unknown format 'clevr'"),
    ("vg:/no/such/file.json", "does not exist")])
def test_scenes_option_errors(value, message):
    with pytest.raises(UserError, match=message):
        parse_scenes_option(value)


def test_generator_options_fail_fast(tmp_path):
    with pytest.raises(UserError, match="unknown format"):
        registry.create("scene.count", scenes="pdf:x")
    with pytest.raises(UserError, match="--image-root needs --scenes"):
        registry.create("scene.count", image_root=str(tmp_path))
    _png(tmp_path / "a.png", (4, 4))
    f = _write(tmp_path / "c.json", {"images": [{"id": 1, "file_name": "a.png", "width": 4, "height": 4}],
                                     "annotations": [], "categories": []})
    with pytest.raises(UserError, match="shows 2 images per sample but .* has 1 usable scene"):
        registry.create("scene.multi.count", scenes=f"coco:{f}")
