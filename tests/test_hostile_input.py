"""Hostile corpora (issue #20): bytes that are not UTF-8, absurd nesting, images that are
symlinks out of the corpus or not images at all. Every command ends with a one-line error
or skips and counts; none reads a file outside the corpus; none shows a traceback."""
import io
import json
import os
import shutil
import stat
from pathlib import Path

import pytest
from PIL import Image

from mmsynth.cli import main
from mmsynth.errors import UserError

SECRET = "SECRET-CANARY-7f3a"
EXPORT_FORMATS = ["llava", "sharegpt", "hf", "webdataset", "instructblip"]


def copy_corpus(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def first_shard(root: Path) -> Path:
    return sorted((root / "data").glob("*.jsonl"))[0]


def records(shard: Path) -> list[dict]:
    return [json.loads(line) for line in shard.read_text().splitlines()]


def run(capsys, *args) -> tuple[int, str]:
    code = main([str(a) for a in args])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


def files_under(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def contains_secret(root: Path) -> bool:
    return any(SECRET.encode() in p.read_bytes() for p in files_under(root) if not p.is_symlink())


@pytest.mark.parametrize("bad_line,problem", [
    (b'{"id": "x", "caf\xe9": 1}\n', "not valid UTF-8"),
    (b"[" * 100_000 + b"]" * 100_000 + b"\n", "nested deeper than 100 levels"),
])
def test_undecodable_and_deeply_nested_lines(small_corpus, tmp_path, capsys, bad_line, problem):
    root = copy_corpus(small_corpus, tmp_path / "c")
    shard = first_shard(root)
    n_lines = len(shard.read_text().splitlines())
    with shard.open("ab") as f:
        f.write(bad_line)
    where = f"{shard.name}:{n_lines + 1}: {problem}"
    code, err = run(capsys, "validate", root, "-q")
    assert code == 1 and where in err
    for fmt in EXPORT_FORMATS:
        code, err = run(capsys, "export", root, "-f", fmt, "-o", tmp_path / fmt)
        assert code == 2 and where in err and len(err.strip().splitlines()) == 1
    code, err = run(capsys, "bench", "build", "--from", root, "-n", "4", "-o", tmp_path / "bench")
    assert code == 2 and where in err
    for cmd in ("curate", "evolve"):
        assert run(capsys, cmd, root, "-o", tmp_path / cmd)[0] == 0
        manifest = json.loads((tmp_path / cmd / "manifest.json").read_text())
        counts = manifest["counts"]
        assert counts.get("dropped.corrupt", counts.get("skipped.corrupt")) == 1
        assert any(where in s for stats in manifest["shards"].values() for s in stats["skipped"])


def test_a_record_nested_beyond_the_limit_is_refused_not_crashed_on(small_corpus, tmp_path, capsys):
    root = copy_corpus(small_corpus, tmp_path / "c")
    shard = first_shard(root)
    recs = records(shard)
    nested: list = []
    for _ in range(150):   # json.loads accepts it; recursive code downstream would not
        nested = [nested]
    recs[0]["source"]["extra"] = nested
    shard.write_text("".join(json.dumps(r) + "\n" for r in recs))
    code, err = run(capsys, "validate", root, "-q")
    assert code == 1 and f"{shard.name}:1: nested deeper than 100 levels" in err


def test_manifest_of_the_wrong_type_is_one_line(small_corpus, tmp_path, capsys):
    root = copy_corpus(small_corpus, tmp_path / "c")
    (root / "manifest.json").write_text("[1, 2, 3]\n")
    code, err = run(capsys, "generate", "-g", "chart.bar", "-n", "2", "-o", root, "--resume")
    assert code == 2 and "manifest.json: expected an object, got list" in err


def plant_secret(root: Path, tmp_path: Path) -> tuple[dict, Path]:
    """Replace the first record's image with a symlink to a file outside the corpus."""
    secret = tmp_path / "outside" / "secret.png"
    secret.parent.mkdir()
    secret.write_text(SECRET)
    rec = records(first_shard(root))[0]
    image = root / rec["images"][0]
    image.unlink()
    image.symlink_to(secret)
    return rec, image


def test_images_that_are_symlinks_out_of_the_corpus_are_never_read(small_corpus, tmp_path, capsys):
    root = copy_corpus(small_corpus, tmp_path / "c")
    rec, _ = plant_secret(root, tmp_path)
    code, err = run(capsys, "validate", root, "-q")
    assert code == 1 and f"image {rec['images'][0]} leads outside the corpus" in err
    for fmt in EXPORT_FORMATS:
        for mode in ("copy", "link", "none"):
            dest = tmp_path / f"{fmt}-{mode}"
            code, err = run(capsys, "export", root, "-f", fmt, "-o", dest, "--images", mode)
            assert code == 2 and f"record {rec['id']}: image" in err and "outside the corpus" in err
            assert not contains_secret(dest)
            assert not any(p.is_symlink() and SECRET in p.read_text(errors="ignore") for p in dest.rglob("*"))
    for cmd in ("curate", "evolve"):
        assert run(capsys, cmd, root, "-o", tmp_path / cmd)[0] == 0
        counts = json.loads((tmp_path / cmd / "manifest.json").read_text())["counts"]
        assert counts.get("dropped.bad_image", counts.get("skipped.bad_image")) == 1
        assert not contains_secret(tmp_path / cmd) and not (tmp_path / cmd / rec["images"][0]).exists()
    code, _ = run(capsys, "bench", "build", "--from", root, "-n", "200", "-o", tmp_path / "bench")   # reads every record
    assert code == 0 and not contains_secret(tmp_path / "bench")
    meta = json.loads((tmp_path / "bench" / "bench.json").read_text())
    assert "outside the corpus" in json.dumps(meta["first_errors"])


@pytest.mark.parametrize("content,problem", [
    (b"", "does not decode as an image"),
    (b"hello, I am text\n", "does not decode as an image"),
    ("other-size", "is 7x5, the record says"),
])
def test_images_that_are_not_the_recorded_image_are_bad_records(small_corpus, tmp_path, capsys, content, problem):
    root = copy_corpus(small_corpus, tmp_path / "c")
    rec = records(first_shard(root))[0]
    if content == "other-size":
        buf = io.BytesIO()
        Image.new("RGB", (7, 5)).save(buf, format="PNG")
        content = buf.getvalue()
    (root / rec["images"][0]).write_bytes(content)
    code, err = run(capsys, "validate", root, "-q")
    assert code == 1 and f"image {rec['images'][0]} {problem}" in err
    code, err = run(capsys, "export", root, "-f", "llava", "-o", tmp_path / "e")
    assert code == 2 and problem in err
    assert run(capsys, "curate", root, "-o", tmp_path / "cur")[0] == 0
    assert json.loads((tmp_path / "cur" / "manifest.json").read_text())["counts"]["dropped.bad_image"] == 1


def test_a_fifo_in_place_of_an_image_is_refused_without_blocking(small_corpus, tmp_path, capsys):
    root = copy_corpus(small_corpus, tmp_path / "c")
    rec = records(first_shard(root))[0]
    (root / rec["images"][0]).unlink()
    os.mkfifo(root / rec["images"][0])
    code, err = run(capsys, "validate", root, "-q")
    assert code == 1 and f"image {rec['images'][0]} is not a regular file" in err


def test_validate_deep_decodes_every_pixel(small_corpus, tmp_path, capsys):
    root = copy_corpus(small_corpus, tmp_path / "c")
    rec = records(first_shard(root))[0]
    image = root / rec["images"][0]
    image.write_bytes(image.read_bytes()[: image.stat().st_size // 2])   # header intact, pixels cut
    assert run(capsys, "validate", root, "-q")[0] == 0
    code, err = run(capsys, "validate", root, "-q", "--deep")
    assert code == 1 and f"image {rec['images'][0]} does not decode as an image" in err


def test_output_files_follow_the_umask(tmp_path):
    from mmsynth.pipeline import GenerateConfig, generate
    old = os.umask(0o022)
    try:
        generate(GenerateConfig(generators=["chart.bar"], n=2, seed=0, shard_size=2), tmp_path / "c", workers=1,
                 progress=False)
    finally:
        os.umask(old)
    for path in files_under(tmp_path / "c"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path


def test_resume_remakes_a_shard_whose_log_is_damaged(tmp_path, capsys):
    # issue #22: --resume checks finished shards and redoes what is broken (a log that is not
    # this run's included) instead of stopping; the result is the uninterrupted run's bytes
    out, ref = tmp_path / "c", tmp_path / "ref"
    args = ["generate", "-g", "chart.bar", "-n", "4", "--shard-size", "2", "-q"]
    assert run(capsys, *args, "-o", ref)[0] == 0
    assert run(capsys, *args, "-o", out)[0] == 0
    log = sorted((out / "logs").glob("*.json"))[0]
    log.write_text(json.dumps(json.loads(log.read_text()) | {"samples": None}))
    code, err = run(capsys, *args, "-o", out, "--resume")
    assert code == 0, err
    assert json.loads(log.read_text())["samples"] == 2
    for path in files_under(ref):
        if path.name != "manifest.json":
            assert (out / path.relative_to(ref)).read_bytes() == path.read_bytes(), path


def test_a_damaged_shard_log_outside_resume_is_one_line(tmp_path):
    from mmsynth.pipeline import GenerateConfig, finished_shards, generate
    out = tmp_path / "c"
    cfg = GenerateConfig(generators=["chart.bar"], n=4, seed=0, shard_size=2)
    generate(cfg, out, workers=1, progress=False)
    log = sorted((out / "logs").glob("*.json"))[0]
    log.write_text(json.dumps(json.loads(log.read_text()) | {"samples": None}))
    with pytest.raises(UserError, match=f"not the log of shard {log.stem} of this run; delete it"):
        finished_shards(out, cfg, resume=False)
    done, broken = finished_shards(out, cfg, resume=True)
    assert list(done) == ["chart.bar-00001"] and len(broken) == 1 and log.stem in broken[0]


def test_a_deeply_nested_prediction_line_is_a_counted_problem(tmp_path):
    from mmsynth.bench.predictions import read_predictions
    path = tmp_path / "preds.jsonl"
    path.write_bytes(b'{"id": "q1", "prediction": "4"}\n' + b"[" * 100_000 + b"]" * 100_000 + b"\n")
    preds = read_predictions(path, {"q1"})
    assert preds.responses == {"q1": ["4"]} and preds.problems == [f"{path}:2: nested deeper than 100 levels"]


def test_the_report_never_points_at_a_file_outside_the_corpus(small_corpus, tmp_path, capsys):
    root = copy_corpus(small_corpus, tmp_path / "c")
    rec, _ = plant_secret(root, tmp_path)
    assert run(capsys, "report", root, "-o", tmp_path / "r.html")[0] == 0
    page = (tmp_path / "r.html").read_text()
    assert "outside" + "/secret.png" not in page and f"image {rec['images'][0]} leads outside the corpus" in page


@pytest.mark.parametrize("line,problem", [('"q"', "expected an object, got str"),
                                          ('{"id": 3, "question": "?"}', "id: missing or not a string"),
                                          ('{"id": "q", "images": "a.png", "question": "?"}', "images: not a list")])
def test_benchmark_question_lines_of_the_wrong_shape_are_one_line(tmp_path, capsys, line, problem):
    bench = tmp_path / "bench"
    bench.mkdir()
    (bench / "bench.json").write_text("{}")
    (bench / "questions.jsonl").write_text(line + "\n")
    code, err = run(capsys, "predict", tmp_path / "run", bench, "-o", tmp_path / "p.jsonl")
    assert code == 2 and f"questions.jsonl:1: {problem}" in err
