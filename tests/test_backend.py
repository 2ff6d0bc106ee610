"""--backend ray: the same bytes as the local backend, resume, and clear errors.

One local Ray instance (2 CPUs, a small object store) is started per test session and
shared by every test here; the commands join it instead of starting their own.
"""
import hashlib
from pathlib import Path

import pytest

from mmsynth import registry
from mmsynth.backend import Backend, connect_ray, run_tasks
from mmsynth.errors import UserError
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
    assert sum(1 for _ in (tmp_path / "ray" / "data").glob("*.jsonl")) == 20
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
