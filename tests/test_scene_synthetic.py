"""The synthetic renderer's scene graph is exact: depth, occlusion, masks, relations."""
from __future__ import annotations

import numpy as np
import pytest

from mmsynth.rand import rng_for
from scenegraph.synthetic.raycast import FLOOR, cast
from scenegraph.synthetic.world import camera, predicate, relations, sample_scene, scene_graph, vocab


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


def test_relations_follow_the_floor_layout():
    a, b = _sphere(-2.0, 7.0), _sphere(1.0, 7.5)
    assert predicate(a, b) == "left of" and predicate(b, a) == "right of"
    c = _sphere(-1.8, 11.0)
    assert predicate(a, c) == "in front of" and predicate(c, a) == "behind"
    rels = relations([a, b, c])
    assert len({(s, o) for s, _, o in rels}) == len(rels)  # one predicate per ordered pair
    assert all([o, {"left of": "right of", "right of": "left of", "in front of": "behind",
                    "behind": "in front of"}[p], s] in rels for s, p, o in rels)


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
