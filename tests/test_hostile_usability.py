"""Faults a new user meets (issue #20): partial runs that say what they skipped, outputs
beside their inputs, sane summaries, no library noise, short errors, help with examples."""
from __future__ import annotations

import json
import sys
import types
import warnings
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from mmsynth import registry
from mmsynth.cli import main
from mmsynth.pipeline import GenerateConfig


def one_scene_gqa(tmp_path: Path) -> Path:
    """A GQA file of one image with enough objects for single-image questions."""
    Image.new("RGB", (300, 200), (200, 200, 200)).save(tmp_path / "5.jpg")
    objects = {str(k): {"name": name, "x": 10 + 45 * k, "y": 20 + 5 * k, "w": 30, "h": 40, "attributes": [colour],
                        "relations": [{"name": "to the left of", "object": str(k + 1)}] if k < 5 else []}
               for k, (name, colour) in enumerate([("cup", "red"), ("cup", "blue"), ("plate", "white"),
                                                   ("fork", "silver"), ("cup", "green"), ("bowl", "white")])}
    path = tmp_path / "sg.json"
    path.write_text(json.dumps({"5": {"width": 300, "height": 200, "objects": objects}}))
    return path


def test_generators_a_scene_file_cannot_feed_are_skipped_and_named(tmp_path, capsys):
    scenes = f"gqa:{one_scene_gqa(tmp_path)}"
    out = tmp_path / "out"
    code = main(["generate", "-g", "scene.count", "-g", "scene.multi.*", "--scenes", scenes, "-n", "2", "-o", str(out),
                 "-q"])
    err = capsys.readouterr().err
    multi = registry.resolve(["scene.multi.*"])
    assert code == 0, err
    assert f"skipping {len(multi)} generator(s) that cannot run here: scene.multi." in err
    assert "images per sample but" in err and "has 1 usable scene(s)" in err and len(err.strip().splitlines()) == 1
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["config"]["generators"] == ["scene.count"] and manifest["counts"]["scene.count"]["samples"] == 2
    # the same command resumes the same run; only multi-image generators is an error
    assert main(["generate", "-g", "scene.count", "-g", "scene.multi.*", "--scenes", scenes, "-n", "2", "-o",
                 str(out), "-q", "--resume"]) == 0
    capsys.readouterr()
    assert main(["generate", "-g", "scene.multi.*", "--scenes", scenes, "-n", "2", "-o", str(tmp_path / "o2")]) == 2
    err = capsys.readouterr().err
    assert "no selected generator can run here: scene.multi." in err and len(err.strip().splitlines()) == 1


def test_resuming_a_finished_run_reports_no_speed(tmp_path, capsys):
    out = str(tmp_path / "c")
    assert main(["generate", "-g", "chart.bar", "-n", "2", "-o", out]) == 0
    capsys.readouterr()
    assert main(["generate", "-g", "chart.bar", "-n", "2", "-o", out, "--resume"]) == 0
    text = capsys.readouterr().out
    assert "samples/s" not in text and "every shard was finished already; nothing was made now" in text


def test_a_different_run_error_counts_the_generators_that_differ(tmp_path, capsys):
    every = registry.resolve(["*"], generating=True)
    out = tmp_path / "c"
    (out / "data").mkdir(parents=True)
    old = GenerateConfig(generators=every, n=len(every))
    (out / "manifest.json").write_text(json.dumps({"kind": "generate", "config": asdict(old), "status": "complete"}))
    assert main(["generate", "-g", "chart.bar", "-g", "chart.pie", "-n", "5", "-o", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and len(err) < 400, err
    assert f"generators: {len(every) - 2} there only (" in err and f"({len(every)} there, 2 here)" in err
    assert "n: " in err


def test_scene_annotate_help_has_an_example(capsys):
    with pytest.raises(SystemExit):
        main(["scene", "annotate", "--help"])
    assert "example:\n  mmsynth scene annotate --detections" in capsys.readouterr().out


def test_predict_writes_beside_the_benchmark_by_default(tmp_path, monkeypatch):
    import mmsynth.train.predict as predict_module
    written = {}
    monkeypatch.setattr(predict_module, "predict", lambda run, bench, out, **kw: written.setdefault("out", out) and 0)
    (tmp_path / "runs" / "tiny").mkdir(parents=True)
    (tmp_path / "bench").mkdir()
    monkeypatch.chdir(tmp_path / "runs")
    assert main(["predict", str(tmp_path / "runs" / "tiny"), str(tmp_path / "bench")]) == 0
    assert Path(written["out"]) == tmp_path / "bench.tiny.jsonl"


def test_ocr_shows_no_torch_warnings(tmp_path, monkeypatch):
    import mmsynth.ocr as ocr

    class NoisyReader:   # says what EasyOCR's torch calls say on a CPU-only machine
        def __init__(self, *args, **kwargs):
            warnings.warn_explicit("torch.quantize_per_tensor ... are deprecated", UserWarning, "rnn.py", 162,
                                   module="torch.ao.nn.quantized.dynamic.modules.rnn")

        def readtext(self, image, **kwargs):
            warnings.warn_explicit("'pin_memory' argument is set as true but no accelerator is found", UserWarning,
                                   "dataloader.py", 759, module="torch.utils.data.dataloader")
            return [([(0, 0), (40, 0), (40, 10), (0, 10)], "HELLO", 0.9)]

    monkeypatch.setitem(sys.modules, "easyocr", types.SimpleNamespace(Reader=NoisyReader))
    monkeypatch.setattr(ocr, "easyocr_weights_dir", lambda: tmp_path)
    monkeypatch.setattr(ocr, "_READERS", {})
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        words = ocr.EasyOcrEngine(use_cache=False, gpu=False).recognise(np.zeros((10, 40, 3), dtype=np.uint8))
    assert [w.text for w in words] == ["HELLO"]
    assert [str(w.message) for w in seen] == []


def test_bench_score_writes_beside_the_predictions_by_default(small_corpus, tmp_path, monkeypatch, capsys):
    from mmsynth.bench.build import BuildConfig, build
    build(BuildConfig(out=tmp_path / "bench", n=3, seed=2, source_corpus=small_corpus))
    questions = [json.loads(x) for x in (tmp_path / "bench" / "questions.jsonl").read_text().splitlines()]
    preds = tmp_path / "preds" / "model.jsonl"
    preds.parent.mkdir()
    preds.write_text("".join(json.dumps({"id": q["id"], "prediction": "1"}) + "\n" for q in questions))
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    assert main(["bench", "score", str(tmp_path / "bench"), str(preds), "--bootstrap", "10"]) == 0
    assert (tmp_path / "preds" / "model.score" / "summary.json").is_file()
    assert list((tmp_path / "elsewhere").iterdir()) == []
