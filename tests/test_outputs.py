"""Nothing the user did not ask to replace is overwritten: every single-file ``-o`` refuses an
unrelated existing file (unless --overwrite), one of its own inputs, and a folder, each with
one line; an earlier output of the same command is replaced."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from mmsynth.cli import main
from mmsynth.ocr import ENGINES, OcrEngine, Word
from mmsynth.pipeline import GenerateConfig, generate

from test_bench_score import bench, messy_predictions  # noqa: F401 (bench is a fixture)


class GreyEngine(OcrEngine):
    """A stand-in OCR engine that 'reads' the mean grey level."""
    name = "grey"

    def recognise(self, image: np.ndarray) -> list[Word]:
        return [Word(f"grey{int(image.mean())}", (1.0, 2.0, 30.0, 12.0), 0.9)]


@pytest.fixture()
def photos(tmp_path, monkeypatch) -> Path:
    monkeypatch.setitem(ENGINES, "grey", GreyEngine)
    folder = tmp_path / "photos"
    folder.mkdir()
    for k, grey in enumerate((10, 200)):
        Image.new("RGB", (40, 20), (grey, grey, grey)).save(folder / f"p{k}.png")
    return folder


def ocr(*args: str) -> int:
    return main(["ocr", *map(str, args), "--engine", "grey", "--no-cache", "-q"])


def one_error_line(capsys) -> str:
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "Traceback" not in err, err
    return err


def test_ocr_refuses_to_write_over_its_input_image(photos, capsys):
    photo = photos / "p0.png"
    before = photo.read_bytes()
    assert ocr(photo, "-o", photo) == 2
    assert "is one of the inputs" in one_error_line(capsys)
    assert photo.read_bytes() == before
    assert ocr(photo, "-o", photo, "--overwrite") == 2   # --overwrite never makes an input an output
    assert photo.read_bytes() == before


def test_ocr_refuses_an_unrelated_file_unless_overwrite(photos, tmp_path, capsys):
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n")
    assert ocr(photos, "-o", notes) == 2
    assert "is not an earlier output of `mmsynth ocr`" in one_error_line(capsys)
    assert notes.read_text() == "my notes\n"
    assert ocr(photos, "-o", notes, "--overwrite") == 0
    assert [json.loads(line)["words"][0]["text"] for line in notes.read_text().splitlines()] == ["grey10", "grey200"]


def test_ocr_replaces_its_own_earlier_output(photos, tmp_path):
    out = tmp_path / "ocr.jsonl"
    assert ocr(photos / "p0.png", "-o", out) == 0
    assert ocr(photos, "-o", out) == 0
    assert len(out.read_text().splitlines()) == 2


def test_ocr_into_a_folder_is_one_line(photos, tmp_path, capsys):
    folder = tmp_path / "some_dir"
    folder.mkdir()
    assert ocr(photos, "-o", folder) == 2
    assert "is a folder" in one_error_line(capsys)
    assert ocr(photos, "-o", photos) == 2   # the input folder itself
    assert "is a folder" in one_error_line(capsys)


# --- the same rule for every subcommand that writes one file ------------------------------------
def _ocr_case(tmp_path: Path, monkeypatch) -> tuple[list[str], Path]:
    monkeypatch.setitem(ENGINES, "grey", GreyEngine)
    img = tmp_path / "in.png"
    Image.new("RGB", (40, 20), (9, 9, 9)).save(img)
    return ["ocr", str(img), "--engine", "grey", "--no-cache", "-q", "-o"], img


def _predict_case(tmp_path: Path, monkeypatch) -> tuple[list[str], Path]:
    bench, run = tmp_path / "bench", tmp_path / "run"
    bench.mkdir()
    run.mkdir()
    (bench / "questions.jsonl").write_text(json.dumps({"id": "q1", "question": "2+2?", "images": []}) + "\n")
    return ["predict", str(run), str(bench), "-q", "-o"], bench / "questions.jsonl"


def _report_case(tmp_path: Path, monkeypatch, corpus: Path) -> tuple[list[str], Path]:
    return ["report", str(corpus), "-o"], sorted((corpus / "data").glob("*.jsonl"))[0]


def _annotate_case(tmp_path: Path, monkeypatch) -> tuple[list[str], Path]:
    root = tmp_path / "imgs"
    root.mkdir()
    Image.new("RGB", (40, 30)).save(root / "a.png")
    dets = tmp_path / "dets.json"
    dets.write_text(json.dumps({"images": [{"id": 1, "file_name": "a.png", "width": 40, "height": 30}],
                                "annotations": [], "categories": []}))
    return ["scene", "annotate", "--detections", str(dets), "--image-root", str(root), "-q", "-o"], dets


CASES = {"ocr": _ocr_case, "predict": _predict_case, "report": _report_case, "scene annotate": _annotate_case}


@pytest.fixture(params=sorted(CASES))
def case(request, tmp_path, monkeypatch, small_corpus):
    make = CASES[request.param]
    args, an_input = make(tmp_path, monkeypatch, small_corpus) if request.param == "report" else \
        make(tmp_path, monkeypatch)
    return request.param, args, an_input


def test_every_single_file_output_refuses_what_it_was_not_asked_to_replace(case, tmp_path, capsys):
    name, args, an_input = case
    notes = tmp_path / "notes.txt"
    notes.write_text("precious\n")
    assert main(args + [str(notes)]) == 2, name
    assert f"not an earlier output of `mmsynth {name}`" in one_error_line(capsys)
    assert notes.read_text() == "precious\n"

    before = an_input.read_bytes()
    for extra in ([], ["--overwrite"]):
        assert main(args + [str(an_input), *extra]) == 2, name
        assert "is one of the inputs" in one_error_line(capsys)
    assert an_input.read_bytes() == before

    assert main(args + [str(tmp_path)]) == 2, name
    assert "is a folder" in one_error_line(capsys)


@pytest.mark.parametrize("name", ["ocr", "report", "scene annotate"])
def test_single_file_outputs_rerun_over_their_own_output(name, tmp_path, monkeypatch, small_corpus):
    make = CASES[name]
    args, _ = make(tmp_path, monkeypatch, small_corpus) if name == "report" else make(tmp_path, monkeypatch)
    out = tmp_path / "out.file"
    assert main(args + [str(out)]) == 0
    first = out.read_bytes()
    assert main(args + [str(out)]) == 0
    assert out.read_bytes() == first


# --- folder outputs: exports and scores -----------------------------------------------------------
EXPORT_FILES = {"llava": "llava.json", "sharegpt": "sharegpt.json", "instructblip": "instructblip.json",
                "webdataset": "shard-000000.tar", "hf": "state.json"}


@pytest.mark.parametrize("fmt", sorted(EXPORT_FILES))
def test_an_export_never_replaces_or_mixes_with_another_without_overwrite(fmt, small_corpus, tmp_path, capsys):
    if fmt == "hf":
        pytest.importorskip("datasets")
    dest = tmp_path / "dest"
    dest.mkdir()
    (dest / EXPORT_FILES[fmt]).write_text("someone else's file")
    assert main(["export", str(small_corpus), "-f", fmt, "-o", str(dest), "--overwrite"]) == 2
    assert "holds no mmsynth output" in one_error_line(capsys)
    assert (dest / EXPORT_FILES[fmt]).read_text() == "someone else's file"

    fresh = tmp_path / "fresh"
    assert main(["export", str(small_corpus), "-f", fmt, "-o", str(fresh)]) == 0
    first = {p.relative_to(fresh): p.read_bytes() for p in fresh.rglob("*") if p.is_file()}
    capsys.readouterr()
    assert main(["export", str(small_corpus), "-f", fmt, "-o", str(fresh)]) == 2
    assert "holds an earlier `mmsynth export` output" in one_error_line(capsys)
    assert main(["export", str(small_corpus), "-f", fmt, "-o", str(fresh), "--overwrite"]) == 0
    assert {p.relative_to(fresh): p.read_bytes() for p in fresh.rglob("*") if p.is_file()} == first


def test_overwrite_replaces_an_export_of_another_corpus_whole(small_corpus, tmp_path):
    """Exporting corpus A over an export of corpus B leaves nothing of B: every image llava.json
    names is A's."""
    other = tmp_path / "b"
    generate(GenerateConfig(generators=["chart.bar"], n=4, seed=9), other, progress=False)
    dest = tmp_path / "dest"
    assert main(["export", str(other), "-f", "llava", "-o", str(dest)]) == 0
    assert main(["export", str(small_corpus), "-f", "llava", "-o", str(dest), "--overwrite"]) == 0
    entries = json.loads((dest / "llava.json").read_text())
    for e in entries:
        assert (dest / e["image"]).read_bytes() == (small_corpus / e["image"]).read_bytes()
    written = {str(p.relative_to(dest)) for p in (dest / "images").rglob("*") if p.is_file()}
    assert written == {e["image"] for e in entries}


def test_bench_score_out_follows_the_folder_rule(bench, tmp_path, capsys):
    preds = messy_predictions(tmp_path / "p.jsonl")
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "summary.json").write_text("my own summary")
    assert main(["bench", "score", str(bench), str(preds), "--out", str(mine), "--overwrite"]) == 2
    assert "holds no mmsynth output" in one_error_line(capsys)
    assert (mine / "summary.json").read_text() == "my own summary"
    out = tmp_path / "scores"
    assert main(["bench", "score", str(bench), str(preds), "--out", str(out)]) == 0
    first = (out / "summary.json").read_bytes()
    capsys.readouterr()
    assert main(["bench", "score", str(bench), str(preds), "--out", str(out)]) == 2
    assert "holds an earlier `mmsynth bench score` output" in one_error_line(capsys)
    assert main(["bench", "score", str(bench), str(preds), "--out", str(out), "--overwrite"]) == 0
    assert (out / "summary.json").read_bytes() == first
