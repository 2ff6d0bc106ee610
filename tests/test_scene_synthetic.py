"""The synthetic renderer's scene graph is exact: depth, occlusion, masks, relations."""
from __future__ import annotations

import numpy as np
import pytest

from mmsynth.rand import rng_for
from scenegraph.synthetic.raycast import FLOOR, cast
from scenegraph import model as M
from scenegraph.relations import FAILS, HOLDS, UNSURE
from scenegraph.synthetic.world import camera, sample_scene, scene_graph, vocab


def _layout(*objects: dict) -> dict:
    v = vocab()
    return {"objects": list(objects), "camera": dict(v["camera"]), "width": 160, "height": 120,
            "light": [-0.4, 0.8, -0.4]}


def _sphere(x: float, z: float, size: str = "large", color: str = "red") -> dict:
    return {"shape": "sphere", "color": color, "material": "rubber", "size": size,
            "extent": vocab()["sizes"][size], "x": x, "z": z, "rot": 0.0}


def test_depth_map_is_the_exact_ray_distance():
    layout = _layout(_sphere(0.0, 8.0))
    cam = camera(layout)
    c = cast(layout["objects"], cam)
    rays = cam.rays()
    # floor pixels: distance along the ray to the plane y = 0
    floor = c.labels == FLOOR
    expected = cam.height / -rays[..., 1][floor]
    assert np.allclose(c.distance[floor], np.minimum(expected, 1e3), rtol=1e-5)
    # sphere pixels: the near root of |o + t d - centre| = r
    r = vocab()["sizes"]["large"]
    centre = np.array([0.0, r, 8.0])
    hit = c.labels == 0
    p = cam.origin + c.distance[hit][:, None] * rays[hit]
    assert np.allclose(np.linalg.norm(p - centre, axis=1), r, atol=1e-4)


def test_occlusion_hides_the_farther_object_and_orders_distances():
    near, far = _sphere(0.0, 6.0, "large", "red"), _sphere(0.0, 9.0, "large", "blue")
    layout = _layout(far, near)
    alone = cast([far], camera(layout)).labels == 0
    c = cast(layout["objects"], camera(layout))
    visible_far = c.labels == 0
    assert visible_far.sum() < alone.sum()            # partly hidden
    assert not (visible_far & (c.labels == 1)).any()  # masks never overlap
    scene = scene_graph(layout, "t", c)
    far_obj, near_obj = scene["objects"]
    assert near_obj["distance"] < far_obj["distance"]
    # the visible box of the far sphere is what the mask spans
    ys, xs = np.nonzero(visible_far)
    assert far_obj["box"] == [xs.min(), ys.min(), xs.max() + 1, ys.max() + 1]


def test_relations_are_computed_for_every_pair_with_margins():
    a, b, c = _sphere(-2.0, 7.0), _sphere(1.0, 7.5), _sphere(-3.0, 11.0)
    scene = scene_graph(_layout(a, b, c), "t")
    assert scene["relations"] == []  # nothing sparse is stored: the engine derives every pair
    rel = M.relations(scene)
    assert rel.value(0, "left of", 1) == HOLDS and rel.value(1, "right of", 0) == HOLDS
    assert rel.value(0, "right of", 1) == FAILS
    assert rel.value(0, "in front of", 2) == HOLDS and rel.value(2, "behind", 0) == HOLDS
    # a and c stand almost in one line from the camera: left/right between them is not clear
    assert rel.value(0, "left of", 2) in (UNSURE, FAILS) and rel.value(2, "left of", 0) in (UNSURE, FAILS)
    assert rel.axis_answer(0, 2, "horizontal") is None
    assert rel.value(0, "near", 1) == FAILS and "above" not in rel.table  # nothing is above anything on a floor


def test_a_mostly_hidden_object_is_never_named_and_its_twin_needs_more_than_its_label():
    near, hidden = _sphere(0.0, 6.0, "large", "red"), _sphere(0.3, 7.5, "small", "blue")
    scene = scene_graph(_layout(hidden, near), "t")
    assert scene["objects"][0]["visible"] < 0.1 and scene["objects"][0]["pixels"] < 20  # the 12 px cube
    assert M.names(scene)[0] is None and 0 not in M.unique_regions(scene)
    assert M.names(scene)[1] not in (None, "sphere")  # "sphere" alone could mean the hidden one too


def test_size_words_only_where_they_hold_visually():
    far_large, near_small = _sphere(-1.5, 11.5, "large", "red"), _sphere(1.5, 5.2, "small", "blue")
    scene = scene_graph(_layout(far_large, near_small), "t")
    for o in scene["objects"]:  # the far large sphere looks no bigger than the near small one
        assert "large" not in o["attributes"] and "small" not in o["attributes"] and o["unclear"] == ["size"]
    big, small = _sphere(-1.5, 6.0, "large", "red"), _sphere(1.5, 6.0, "small", "blue")
    scene = scene_graph(_layout(big, small), "t")
    assert [o["attributes"][0] for o in scene["objects"]] == ["large", "small"]


@pytest.mark.parametrize("index", range(4))
def test_sampled_scenes_keep_every_object_visible_and_inside(index):
    layout, scene = sample_scene(rng_for(9, index, "t"), "s")
    assert len(scene["objects"]) == len(layout["objects"]) >= 2
    c = cast(layout["objects"], camera(layout))
    for k, obj in enumerate(scene["objects"]):
        assert (c.labels == k).sum() >= 80
        for x, y, dist in obj["points"]:
            px, py = int(x * layout["width"]), int(y * layout["height"])
            assert c.labels[py, px] == k and dist == pytest.approx(float(c.distance[py, px]), abs=1e-3)
