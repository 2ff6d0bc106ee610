"""--backend ray: the same bytes as the local backend, resume, and clear errors.

One local Ray instance (2 CPUs, a small object store) is started per test session and
shared by every test here; the commands join it instead of starting their own.
"""
import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from mmsynth import registry
from mmsynth.backend import Backend, connect_ray, run_tasks
from mmsynth.cli import main
from mmsynth.curate import CurateConfig, CurateRun
from mmsynth.errors import UserError
from mmsynth.evolve.run import EvolveConfig, EvolveRun
from mmsynth.llavar.build import LlavarConfig, LlavarRun
from mmsynth.ocr import ENGINES, OcrEngine, Word
from mmsynth.pipeline import GenerateConfig, generate
from mmsynth.record import TASKS

ray = pytest.importorskip("ray")
RAY = Backend("ray", 2)
LOCAL = Backend("local", 2)


@pytest.fixture(scope="module")
def ray_instance():
    started = connect_ray(RAY)
    yield
    if started:
        ray.shutdown()


def corpus_digest(root: Path) -> dict[str, str]:
    """sha256 of every data and image file, by relative path."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for sub in ("data", "images") for p in sorted((root / sub).rglob("*")) if p.is_file()}


def families(pattern: str = "*") -> list[str]:
    """The package's generators (not ones other tests register in this process: Ray workers lack those)."""
    return [g for g in registry.resolve([pattern], generating=True) if g.split(".")[0] in TASKS]


def test_generate_on_ray_is_byte_identical_to_local_for_every_generator(tmp_path, ray_instance):
    cfg = GenerateConfig(generators=families(), n=1, per_generator=True, seed=5, shard_size=1)
    local = generate(cfg, tmp_path / "local", backend=LOCAL, progress=False)
    remote = generate(cfg, tmp_path / "ray", backend=RAY, progress=False)
    digest = corpus_digest(tmp_path / "local")
    assert len([k for k in digest if k.startswith("data/")]) == len(cfg.generators)
    assert corpus_digest(tmp_path / "ray") == digest
    assert remote["counts"] == local["counts"] and remote["status"] == "complete"


@pytest.mark.slow
@pytest.mark.parametrize("task", sorted({g.split(".")[0] for g in families()}))
def test_500_samples_of_each_task_family_byte_identical(tmp_path, ray_instance, task):
    cfg = GenerateConfig(generators=families(f"{task}.*"), n=500, seed=11, shard_size=25)
    generate(cfg, tmp_path / "local", backend=LOCAL, progress=False)
    generate(cfg, tmp_path / "ray", backend=RAY, progress=False)
    digest = corpus_digest(tmp_path / "local")
    shards = lambda root: sorted(p.name for p in (root / "data").glob("*.jsonl"))  # noqa: E731
    assert len(shards(tmp_path / "ray")) >= 20 and shards(tmp_path / "ray") == shards(tmp_path / "local")
    assert corpus_digest(tmp_path / "ray") == digest


def test_ray_resume_redoes_only_missing_shards(tmp_path, ray_instance):
    cfg = GenerateConfig(generators=["chart.bar", "map.grid"], n=24, seed=2, shard_size=4)
    generate(cfg, tmp_path / "local", backend=LOCAL, progress=False)
    out = tmp_path / "ray"
    generate(cfg, out, backend=RAY, progress=False)
    kept = out / "data" / "chart.bar-00000.jsonl"
    before = kept.stat().st_mtime_ns
    for name in ("chart.bar-00001", "map.grid-00002"):   # as if killed before these shards were written
        (out / "data" / f"{name}.jsonl").unlink()
    for img in (out / "images" / "map.grid").glob("00001*"):
        img.unlink()
    with pytest.raises(UserError, match="--resume"):
        generate(cfg, out, backend=RAY, progress=False)
    manifest = generate(cfg, out, backend=RAY, resume=True, progress=False)
    assert manifest["shards"]["resumed"] == 4 and kept.stat().st_mtime_ns == before
    assert corpus_digest(out) == corpus_digest(tmp_path / "local")


class Failing:
    key = "failing"

    def __call__(self, item, tick):
        if item == 3:
            raise UserError("item 3: bad input")
        tick(1)
        return item * 10


def test_user_errors_in_ray_tasks_reach_the_driver_as_they_are(ray_instance):
    assert sorted(r for _, r in run_tasks(Failing(), [0, 1, 2], RAY)) == [0, 10, 20]
    with pytest.raises(UserError, match="item 3: bad input"):
        list(run_tasks(Failing(), [1, 2, 3], RAY))


@pytest.mark.parametrize("backend, message", [(Backend("spark"), "unknown backend"),
                                              (Backend("local", 0), "--workers"),
                                              (Backend("local", 1, "auto"), "--ray-address needs")])
def test_bad_backend_settings_are_refused(backend, message):
    with pytest.raises(UserError, match=message):
        backend.check()


@pytest.fixture(scope="module")
def source_corpus(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("backend") / "src"
    generate(GenerateConfig(generators=["chart.bar", "dashboard.clock"], n=20, seed=4, shard_size=5),
             out, backend=LOCAL, progress=False)
    return out


def derived_runs(source: Path) -> dict:
    return {"curate": lambda out: CurateRun(CurateConfig(corpus=str(source), balance=1.5), out, progress=False),
            "evolve": lambda out: EvolveRun(EvolveConfig(corpus=str(source), rounds=2), out, progress=False)}


@pytest.mark.parametrize("kind", ["curate", "evolve"])
def test_corpus_from_corpus_on_ray_is_byte_identical_and_resumes(source_corpus, tmp_path, ray_instance, kind):
    make = derived_runs(source_corpus)[kind]
    local = make(tmp_path / "local").run(backend=LOCAL)
    remote = make(tmp_path / "ray").run(backend=RAY)
    assert remote["counts"] == local["counts"] and remote["status"] == "complete"
    assert remote["counts"]["lines"] == 20
    digest = corpus_digest(tmp_path / "local")
    assert corpus_digest(tmp_path / "ray") == digest
    last = sorted((tmp_path / "ray" / "data").glob("*.jsonl"))[-1]   # as if killed before the last shard
    last.unlink()
    manifest = make(tmp_path / "ray").run(resume=True, backend=RAY)
    assert manifest["counts"] == local["counts"] and corpus_digest(tmp_path / "ray") == digest


class GreyWords(OcrEngine):
    """A stand-in OCR engine (no model): words that depend on the pixels."""
    name = "grey"

    def recognise(self, image: np.ndarray) -> list[Word]:
        h, w = image.shape[:2]
        return [Word("OPEN", (2, 2, 12, 6), 0.9), Word(f"grey{int(image.mean())}", (14, 2, 30, 6), 0.9),
                Word("Coffee", (2, h - 8, 16, h - 2), 0.8), Word("$2.50", (w - 12, h - 8, w - 2, h - 2), 0.8)]


@pytest.fixture(scope="module")
def grey_photos(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("photos")
    for k in range(10):
        Image.new("RGB", (60, 30), (20 * k, 10 + k, 200 - 15 * k)).save(folder / f"p{k:02d}.png")
    return folder


@pytest.mark.slow
def test_llavar_on_ray_is_byte_identical_and_resumes(grey_photos, tmp_path, ray_instance):
    def run(out: Path, backend: Backend, resume: bool = False) -> dict:
        cfg = LlavarConfig(inputs=[str(grey_photos)], shard_size=3)
        return LlavarRun(cfg, out, GreyWords(use_cache=False), progress=False).run(resume, backend)

    local = run(tmp_path / "local", LOCAL)
    remote = run(tmp_path / "ray", RAY)
    assert local["counts"]["ocr.read_text"] == 10 and remote["counts"] == local["counts"]
    digest = corpus_digest(tmp_path / "local")
    assert corpus_digest(tmp_path / "ray") == digest
    (tmp_path / "ray" / "data" / "ocr-00001.jsonl").unlink()
    assert run(tmp_path / "ray", RAY, resume=True)["status"] == "complete"
    assert corpus_digest(tmp_path / "ray") == digest


def test_ocr_command_on_ray_writes_the_same_rows(grey_photos, tmp_path, ray_instance, monkeypatch):
    monkeypatch.setitem(ENGINES, "grey", GreyWords)
    outs = {}
    for backend in ("local", "ray"):
        outs[backend] = tmp_path / f"{backend}.jsonl"
        assert main(["ocr", str(grey_photos), "-o", str(outs[backend]), "--engine", "grey", "--no-cache",
                     "--backend", backend, "--workers", "2", "-q"]) == 0
    rows = [json.loads(line) for line in outs["local"].read_text().splitlines()]
    assert [Path(r["image"]).name for r in rows] == [f"p{k:02d}.png" for k in range(10)]
    assert outs["ray"].read_bytes() == outs["local"].read_bytes()
