"""generate loses nothing: --overwrite clears only an mmsynth run's own files, a full disk
stops the run (never counted as failed samples) and --resume makes the rest, and resume
repairs finished shards that were damaged."""
from __future__ import annotations

import errno
import json
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

import mmsynth.io
from mmsynth.cli import main
from mmsynth.errors import UserError
from mmsynth.pipeline import GenerateConfig, generate
from mmsynth.validate import validate_corpus

from test_pipeline import corpus_digest

CFG = dict(generators=["chart.bar", "dashboard.clock"], n=24, seed=5, shard_size=3)


@pytest.fixture(scope="module")
def full_run(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("full") / "c"
    generate(GenerateConfig(**CFG), out, progress=False)
    return out


# --- --overwrite -----------------------------------------------------------------------------
def test_overwrite_refuses_a_folder_that_only_looks_like_a_corpus(tmp_path, capsys):
    f = tmp_path / "f"
    (f / "data").mkdir(parents=True)
    (f / "images").mkdir()
    (f / "data" / "notes.txt").write_text("precious\n")
    assert main(["generate", "-g", "chart.bar", "-n", "3", "-o", str(f), "--overwrite", "-q"]) == 2
    assert "holds no mmsynth run" in capsys.readouterr().err
    assert (f / "data" / "notes.txt").read_text() == "precious\n"


def test_overwrite_refuses_a_run_of_another_command(tmp_path):
    f = tmp_path / "f"
    f.mkdir()
    (f / "manifest.json").write_text(json.dumps({"kind": "curate", "config": {"corpus": "x"}}))
    (f / "thesis.tex").write_text("precious")
    with pytest.raises(UserError, match="holds no generate run"):
        generate(GenerateConfig(**CFG), f, overwrite=True, progress=False)
    assert (f / "thesis.tex").read_text() == "precious" and (f / "manifest.json").exists()


def test_overwrite_removes_only_the_files_the_run_wrote(tmp_path, full_run):
    f = tmp_path / "f"
    shutil.copytree(full_run, f)
    mine = {"data/notes.txt": "notes", "images/chart.bar/my-photo.png": "photo", "images/keep/x.png": "x",
            "logs/readme.md": "read me", "paper.tex": "tex"}
    for rel, text in mine.items():
        (f / rel).parent.mkdir(parents=True, exist_ok=True)
        (f / rel).write_text(text)
    generate(GenerateConfig(**{**CFG, "generators": ["chart.line"], "n": 2}), f, overwrite=True, progress=False)
    assert {rel: (f / rel).read_text() for rel in mine} == mine
    assert sorted(p.name for p in (f / "data").glob("*.jsonl")) == ["chart.line-00000.jsonl"]
    assert not (f / "images" / "dashboard.clock").exists()
    assert sorted(p.name for p in (f / "images" / "chart.bar").iterdir()) == ["my-photo.png"]
    assert validate_corpus(f, progress=False).failures == 0


# --- a full disk -----------------------------------------------------------------------------
class SmallDisk:
    """A folder on a small filesystem: a real tmpfs where this machine lets us mount one,
    otherwise writes through :mod:`mmsynth.io` that fail with ENOSPC past a byte budget."""

    def __init__(self, root: Path, size: int, monkeypatch):
        self.root, self.size, self.monkeypatch = root, size, monkeypatch
        root.mkdir()
        self.mounted = shutil.which("mount") is not None and subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", f"mmsynth-test-{uuid.uuid4().hex[:8]}", str(root)],
            capture_output=True).returncode == 0
        if not self.mounted:
            self.used = 0
            real = mmsynth.io._write_file

            def budgeted(path: Path, data: bytes) -> None:
                if self.used + len(data) > self.size:
                    raise OSError(errno.ENOSPC, "No space left on device", str(path))
                self.used += len(data)
                real(path, data)
            monkeypatch.setattr(mmsynth.io, "_write_file", budgeted)

    def grow(self) -> None:
        if self.mounted:
            subprocess.run(["mount", "-o", "remount,size=256m", str(self.root)], check=True)
        else:
            self.size = 1 << 40

    def release(self) -> None:
        if self.mounted:
            subprocess.run(["umount", "-l", str(self.root)], check=False)


@pytest.fixture()
def small_disk(tmp_path, monkeypatch):
    disk = SmallDisk(tmp_path / "disk", 1_200_000, monkeypatch)
    yield disk
    disk.release()


def test_a_full_disk_interrupts_the_run_and_resume_makes_the_same_corpus(small_disk, full_run, capsys):
    out = small_disk.root / "c"
    args = ["generate", "-g", "chart.bar", "-g", "dashboard.clock", "-n", "24", "--seed", "5", "--shard-size", "3",
            "-o", str(out), "--workers", "1", "-q"]
    assert main(args) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no space left on device" in err[0] and "--resume" in err[0], err
    finished = sorted(p.name for p in (out / "data").glob("*.jsonl"))
    assert 0 < len(finished) < 8, "the disk filled too late (or too early) to test a resume"
    for log in (out / "logs").glob("*.json"):
        assert json.loads(log.read_text())["failures"] == []   # a full disk is no sample's fault
    small_disk.grow()
    assert main(args + ["--resume"]) == 0
    assert corpus_digest(out) == corpus_digest(full_run)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete" and sum(g["failures"] for g in manifest["counts"].values()) == 0


def test_a_full_disk_in_a_worker_process_stops_the_run_too(tmp_path, monkeypatch):
    def full(root, rel, img, fmt="png"):
        raise OSError(errno.ENOSPC, "No space left on device", str(Path(root) / rel))
    monkeypatch.setattr("mmsynth.pipeline.write_image", full)
    with pytest.raises(UserError, match="no space left on device.*--resume"):
        generate(GenerateConfig(**CFG), tmp_path / "c", workers=2, progress=False)
    assert json.loads((tmp_path / "c" / "manifest.json").read_text())["status"] == "interrupted"


# --- resume repairs ----------------------------------------------------------------------------
def test_resume_remakes_damaged_shards(tmp_path, full_run, capsys):
    out = tmp_path / "c"
    shutil.copytree(full_run, out)
    (out / "images/chart.bar/000001.png").unlink()
    (out / "images/dashboard.clock/000004.png").unlink()
    shard = out / "data/chart.bar-00001.jsonl"
    shard.write_bytes(shard.read_bytes()[: shard.stat().st_size // 2])
    img = out / "images/dashboard.clock/000000.png"
    img.write_bytes(img.read_bytes()[:100])
    (out / "logs/chart.bar-00000.json").unlink()
    args = ["generate", "-g", "chart.bar", "-g", "dashboard.clock", "-n", "24", "--seed", "5", "--shard-size", "3",
            "-o", str(out), "--workers", "1", "--resume"]
    assert main(args) == 0
    assert "4 finished shard(s) are damaged and are made again" in capsys.readouterr().err
    assert corpus_digest(out) == corpus_digest(full_run)
    assert json.loads((out / "manifest.json").read_text())["shards"]["resumed"] == 8 - 4
