"""Photo-like text-rich images (issue 15): a document warped into a camera picture keeps
exact answers: every box follows the warp (the drawn ink sits inside its warped box),
``text_at`` regions are those of the photo, the clean setting only places the page, and
the degradation changes pixels but never the spec or the answers."""
from __future__ import annotations

import numpy as np
import pytest

from mmsynth.registry import create, names

from gen_checks import assert_deterministic_and_verified, record_of

from generators.textrich.layout import render_page
from generators.textrich.photo import apply, homography, warp_box

PHOTOS = [f"textrich.photo_{k}" for k in ("receipt", "menu", "street_sign", "poster", "book_cover", "slide", "form",
                                          "product_label")]


def test_at_least_ten_textrich_kinds():
    assert len(names("textrich.*")) >= 10 and set(PHOTOS) <= set(names("textrich.*"))


@pytest.mark.parametrize("name", PHOTOS)
def test_deterministic_and_verified(name):
    assert_deterministic_and_verified(name, n=6)


def test_homography_maps_the_corners():
    src = [(0, 0), (100, 0), (100, 50), (0, 50)]
    dst = [(10, 12), (115, 5), (120, 70), (8, 60)]
    h = homography(src, dst)
    assert np.allclose(apply(h, np.array(src, dtype=float)), dst)
    assert warp_box(h, [0, 0, 100, 50]) == [8.0, 5.0, 120.0, 70.0]


@pytest.mark.parametrize("name", ["textrich.photo_receipt", "textrich.photo_poster", "textrich.photo_street_sign"])
def test_the_drawn_page_follows_the_stored_warp(name):
    """On the clean setting the photo's pixel at H(p) is the flat page's pixel at p, for
    points p across the page: the image is warped by exactly the homography that moved
    every stored box, so the boxes sit where their words are drawn."""
    gen = create(name, degradation=0)
    for i in range(3):
        sample = gen.make(3, i)
        spec = sample.source
        photo = np.asarray(sample.images[0].convert("RGB"), dtype=float)
        flat = np.asarray(render_page(spec["page"], {"noise": 0.0}).images[0].convert("RGB"), dtype=float)
        pw, ph = spec["page"]["width"], spec["page"]["height"]
        rng = np.random.default_rng(i)
        pts = np.c_[rng.uniform(0.1, 0.9, 400) * pw, rng.uniform(0.1, 0.9, 400) * ph]
        at = np.rint(apply(np.array(spec["homography"]), pts)).astype(int)
        diff = np.abs(photo[at[:, 1], at[:, 0]] - flat[pts[:, 1].astype(int), pts[:, 0].astype(int)]).mean()
        assert diff < 12, diff
        for t in sample.texts:
            assert t.box[0] >= 0 and t.box[1] >= 0 and t.box[2] <= spec["width"] and t.box[3] <= spec["height"]


def test_degradation_is_style_only():
    clean = create("textrich.photo_menu", degradation=0).make(1, 2)
    rough = create("textrich.photo_menu", degradation=1).make(1, 2)
    assert clean.source == rough.source and clean.qa == rough.qa
    a = np.asarray(clean.images[0], dtype=np.int16)
    b = np.asarray(rough.images[0], dtype=np.int16)
    assert a.shape == b.shape and np.abs(a - b).mean() > 2
    assert clean.style["degradation"] == 0 and rough.style["degradation"] == 1


def test_text_at_asks_about_the_photo():
    for i in range(10):
        rec, _ = record_of("textrich.photo_poster", 5, i)
        for qa in rec["qa"]:
            if qa["family"] == "textrich.text_at":
                line = next(ln for ln in rec["source"]["lines"] if ln["text"] == qa["answer"])
                cx = (line["box"][0] + line["box"][2]) / 2 / rec["source"]["width"]
                col = qa["params"]["region"]
                assert ("left" not in col or cx < 1 / 3) and ("right" not in col or cx > 2 / 3)
