"""OCR: real EasyOCR on a real photo (words, boxes, reading order, paragraphs), the disk cache,
line/paragraph grouping on hand-made boxes, unreadable inputs, and `mmsynth ocr`."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from mmsynth.cli import main
from mmsynth.errors import UserError
from mmsynth.ocr import (ENGINES, OcrEngine, UnreadableImage, Word, get_engine, group_lines, group_paragraphs,
                         line_below, region_of, split_words)
from mmsynth.registry import create

from realdata import TEXT_PHOTOS


@pytest.fixture(scope="module")
def photos() -> Path:
    if not (TEXT_PHOTOS / "english.png").is_file():
        pytest.skip(f"real text photos are absent ({TEXT_PHOTOS})")
    return TEXT_PHOTOS


@pytest.fixture(scope="module", autouse=True)
def one_torch_thread():
    """OCR on one CPU thread: the tests' budget is one core, and spinning threads only waste it."""
    torch = pytest.importorskip("torch")
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    """One OCR cache for the session (shared with test_llavar), so each real photo is OCR'd once."""
    return tmp_path_factory.getbasetemp() / "ocr-cache"


@pytest.fixture(scope="module")
def easy(cache):
    return get_engine("easyocr", cache_dir=cache, gpu=False)


def test_easyocr_reads_the_real_infographic(photos, easy):
    res = easy.read_result(photos / "english.png")
    words = res.words
    assert [w.text for w in words[:6]] == ["Reduce", "your", "risk", "of", "coronavirus", "infection:"]
    texts = {w.text for w in words}
    assert {"Thoroughly", "cook", "meat", "eggs", "World", "Health", "Organization"} <= texts
    x0, y0, x1, y1 = words[0].box  # 'Reduce' starts the white headline at about (231, 32)
    assert 220 <= x0 <= 240 and 25 <= y0 <= 40 and x1 > x0 and 55 <= y1 <= 70
    assert all(0.0 <= w.confidence <= 1.0 for w in words) and words[0].quad is not None
    lines = [ln.text for ln in res.lines]
    assert lines[0] == "Reduce your risk of coronavirus infection:"
    assert "Clean hands with soap and water" in lines and "Thoroughly cook meat and eggs" in lines
    paras = [[ln.text for ln in p] for p in res.paragraphs()]
    assert ["Clean hands with soap and water", "or alcohol-based hand rub"] in paras
    assert ["World Health", "Organization"] in paras
    assert (res.width, res.height) == Image.open(photos / "english.png").size


def test_cache_answers_a_rerun_without_ocr(photos, easy, cache):
    first = easy.read(photos / "english.png")
    again = get_engine("easyocr", cache_dir=cache, gpu=False)
    assert again.read(photos / "english.png") == first
    assert (again.hits, again.misses) == (1, 0)


@pytest.mark.slow  # another few seconds of CPU OCR; perf/ocr_quality.py measures this on every kind
def test_word_recall_on_a_rendered_receipt(easy):
    s = create("textrich.receipt").make(0, 1)
    truth = Counter(w["text"] for ln in s.source["lines"] for w in ln["words"])
    seen = Counter(w.text for w in easy.read(s.images[0]))
    recall = sum((truth & seen).values()) / sum(truth.values())
    assert recall >= 0.7, (recall, truth, seen)


def test_weights_folder_from_the_environment(monkeypatch, tmp_path):
    """MMSYNTH_EASYOCR_MODELS replaces the weights package; a folder without the weights is a
    one-line user error, and other weights get their own cache key."""
    from mmsynth.ocr import WEIGHT_FILES, easyocr_weights_dir
    packaged = easyocr_weights_dir()
    assert all((packaged / f).is_file() for f in WEIGHT_FILES)
    plain_key = get_engine("easyocr", use_cache=False).settings_key()
    monkeypatch.setenv("MMSYNTH_EASYOCR_MODELS", str(tmp_path))
    (tmp_path / WEIGHT_FILES[0]).symlink_to(packaged / WEIGHT_FILES[0])
    with pytest.raises(UserError, match="no english_g2.pth there"):
        easyocr_weights_dir()
    (tmp_path / WEIGHT_FILES[1]).symlink_to(packaged / WEIGHT_FILES[1])
    assert easyocr_weights_dir() == tmp_path
    own_key = get_engine("easyocr", use_cache=False).settings_key()
    assert own_key != plain_key and own_key.startswith(plain_key)


class CountingEngine(OcrEngine):
    """A stand-in engine that 'reads' the mean grey level, counting its calls."""
    name = "counting"
    calls = 0

    def recognise(self, image: np.ndarray) -> list[Word]:
        CountingEngine.calls += 1
        return [Word(f"grey{int(image.mean())}", (1.0, 2.0, 30.0, 12.0), 0.9)]


def test_cache_keys_on_content_and_survives_damage(tmp_path):
    CountingEngine.calls = 0
    a, b = tmp_path / "a.png", tmp_path / "b.png"
    Image.new("RGB", (40, 20), (10, 10, 10)).save(a)
    Image.new("RGB", (40, 20), (200, 200, 200)).save(b)
    eng = CountingEngine(cache_dir=tmp_path / "cache")
    assert eng.read(a)[0].text == "grey10" and eng.read(b)[0].text == "grey200"
    assert CountingEngine(cache_dir=tmp_path / "cache").read(a)[0].text == "grey10"
    assert CountingEngine.calls == 2
    copy = tmp_path / "copy.png"  # the same bytes under another name: a hit
    copy.write_bytes(a.read_bytes())
    CountingEngine(cache_dir=tmp_path / "cache").read(copy)
    assert CountingEngine.calls == 2
    for f in (tmp_path / "cache").rglob("*.json"):  # damaged entries are recomputed, not trusted
        f.write_text("{not json")
    assert CountingEngine(cache_dir=tmp_path / "cache").read(a)[0].text == "grey10"
    assert CountingEngine.calls == 3
    CountingEngine(use_cache=False).read(a)
    assert CountingEngine.calls == 4


def test_unreadable_images_are_reported_not_fatal(tmp_path):
    bad, good = tmp_path / "bad.jpg", tmp_path / "good.png"
    bad.write_bytes(b"\xff\xd8\xff\xe0 truncated jpeg")
    Image.new("RGB", (40, 20)).save(good)
    eng = CountingEngine(use_cache=False)
    with pytest.raises(UnreadableImage, match="bad.jpg"):
        eng.read(bad)
    out = list(eng.read_many([bad, good, tmp_path / "missing.png"], progress=False))
    assert [r is not None for _, r, _ in out] == [False, True, False]
    assert "not a readable image" in out[0][2] and "cannot read" in out[2][2]

    class Choking(CountingEngine):
        def recognise(self, image: np.ndarray) -> list[Word]:
            raise RuntimeError("input too small for the detector")
    (_, res, err), = Choking(use_cache=False).read_many([good], progress=False)
    assert res is None and "OCR failed (RuntimeError: input too small" in err


def w(text: str, x0: float, y0: float, x1: float, y1: float) -> Word:
    return Word(text, (x0, y0, x1, y1), 0.9)


def test_lines_rows_columns_and_paragraphs_from_hand_boxes():
    words = [w("Total", 10, 100, 60, 120), w("9.99", 300, 102, 340, 121),  # one row, far apart: two lines
             w("Fresh", 10, 10, 70, 40), w("Market", 80, 12, 170, 41),      # title row
             w("Milk", 10, 60, 50, 80), w("2.50", 300, 61, 340, 80),
             w("Eggs", 10, 82, 50, 98)]
    lines = group_lines(words)
    assert [(ln.text, ln.row) for ln in lines] == [("Fresh Market", 0), ("Milk", 1), ("2.50", 1), ("Eggs", 2),
                                                    ("Total", 3), ("9.99", 3)]
    # the taller title stands alone; the left column is one paragraph, each far-right price its own
    # (9.99 starts 22 px under 2.50, more than a line height)
    paras = [[ln.text for ln in p] for p in group_paragraphs(lines)]
    assert paras == [["Fresh Market"], ["Milk", "Eggs", "Total"], ["2.50"], ["9.99"]]


def test_split_words_cuts_the_quad_by_characters():
    parts = split_words("ab cd", ((0, 0), (50, 0), (50, 10), (0, 10)), 0.8)
    assert [p.text for p in parts] == ["ab", "cd"]
    assert parts[0].box == pytest.approx((0, 0, 20, 10)) and parts[1].box == pytest.approx((30, 0, 50, 10))
    assert all(p.confidence == 0.8 for p in parts)


def test_region_and_line_below():
    assert region_of((0, 0, 10, 10), 300, 300) == "top-left area"
    assert region_of((140, 140, 160, 160), 300, 300) == "center area"
    assert region_of((250, 280, 290, 299), 300, 300) == "bottom-right area"
    boxes = [(10, 10, 100, 30), (10, 40, 80, 60), (10, 70, 80, 90), (200, 40, 260, 60)]
    assert line_below(boxes, 0) == 1 and line_below(boxes, 1) == 2 and line_below(boxes, 2) is None
    assert line_below([(0, 0, 100, 10), (0, 20, 40, 30), (50, 21, 90, 31)], 0) is None  # two side by side


def test_unknown_engine_is_a_user_error():
    with pytest.raises(UserError, match="unknown OCR engine"):
        get_engine("tesseract-9000")


def test_ocr_command_writes_words_boxes_confidences(photos, cache, tmp_path, capsys):
    bad = tmp_path / "broken.png"
    bad.write_bytes(b"nope")
    out = tmp_path / "ocr.jsonl"
    assert main(["ocr", str(photos / "english.png"), str(bad), "-o", str(out), "--cache", str(cache), "--cpu",
                 "-q"]) == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == 1 and rows[0]["image"].endswith("english.png")
    assert rows[0]["words"][0]["text"] == "Reduce" and len(rows[0]["words"][0]["box"]) == 4
    assert rows[0]["text"].splitlines()[0] == "Reduce your risk of coronavirus infection:"
    para = {ln["text"]: ln["paragraph"] for ln in rows[0]["lines"]}
    assert para["World Health"] == para["Organization"] != para["Reduce your risk of coronavirus infection:"]
    assert "1 unreadable skipped" in capsys.readouterr().out


def test_engines_plug_in(monkeypatch, tmp_path):
    monkeypatch.setitem(ENGINES, "counting", CountingEngine)
    assert isinstance(get_engine("counting", cache_dir=tmp_path), CountingEngine)


@pytest.mark.gpu
def test_easyocr_on_the_gpu_reads_the_same_words(photos, easy):
    torch = pytest.importorskip("torch")
    if not torch.cuda.is_available():
        pytest.skip("torch sees no CUDA device")
    gpu = get_engine("easyocr", use_cache=False, gpu=True)
    cpu_words = [w.text for w in easy.read(photos / "english.png")]
    gpu_words = [w.text for w in gpu.read(photos / "english.png")]
    assert gpu_words[:6] == ["Reduce", "your", "risk", "of", "coronavirus", "infection:"]
    assert len(set(gpu_words) ^ set(cpu_words)) <= 3  # kernels may differ in the last digit, not the text
