"""mmsynth generate: determinism, resume after SIGKILL, failures counted, bad input refused."""
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mmsynth import registry
from mmsynth.corpus import load_records
from mmsynth.errors import UserError
from mmsynth.pipeline import GenerateConfig, counts_per_generator, generate
from mmsynth.validate import validate_corpus

GENS = ["chart.bar", "dashboard.clock"]


def corpus_digest(root: Path) -> dict[str, str]:
    """sha256 of every data and image file, by relative path."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for sub in ("data", "images") for p in sorted((root / sub).rglob("*")) if p.is_file()}


def test_counts_split_evenly():
    assert counts_per_generator(["a", "b", "c"], 10, False) == {"a": 4, "b": 3, "c": 3}
    assert counts_per_generator(["a", "b"], 5, True) == {"a": 5, "b": 5}


def test_same_seed_same_corpus_and_validate_passes(tmp_path, small_corpus):
    other = tmp_path / "again"
    generate(GenerateConfig(generators=GENS, n=12, seed=3, shard_size=4), other, workers=2, progress=False)
    assert corpus_digest(other) == corpus_digest(small_corpus)
    report = validate_corpus(small_corpus, progress=False)
    assert report.failures == 0 and sum(r["records"] for r in report.rows.values()) == 12
    manifest = json.loads((small_corpus / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["counts"]["chart.bar"]["samples"] == 6
    assert manifest["config"]["seed"] == 3 and "numpy" in manifest["versions"]


def test_different_seed_differs(tmp_path, small_corpus):
    other = tmp_path / "seed4"
    generate(GenerateConfig(generators=GENS, n=12, seed=4, shard_size=4), other, workers=1, progress=False)
    assert corpus_digest(other) != corpus_digest(small_corpus)


def test_sigkill_half_way_then_resume_gives_identical_corpus(tmp_path):
    args = ["-g", "chart.*", "-g", "dashboard.*", "-n", "60", "--seed", "1", "--shard-size", "3", "-q"]
    full, killed = tmp_path / "full", tmp_path / "killed"
    subprocess.run([sys.executable, "-m", "mmsynth", "generate", *args, "-o", str(full), "--workers", "2"],
                   check=True)
    proc = subprocess.Popen([sys.executable, "-m", "mmsynth", "generate", *args, "-o", str(killed),
                             "--workers", "2"], start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline and len(list((killed / "data").glob("*.jsonl"))) < 4:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    n_done = len(list((killed / "data").glob("*.jsonl")))
    assert 0 < n_done < len(list((full / "data").glob("*.jsonl"))), "the kill came too late to test resume"
    subprocess.run([sys.executable, "-m", "mmsynth", "generate", *args, "-o", str(killed), "--workers", "2",
                    "--resume"], check=True)
    assert corpus_digest(killed) == corpus_digest(full)
    assert json.loads((killed / "manifest.json").read_text())["shards"]["resumed"] == n_done


class Flaky(registry.get("chart.bar")):
    """A bar chart that raises on every third sample: a bug in one sample must not stop the run."""

    def make(self, seed, index):
        if index % 3 == 0:
            raise ZeroDivisionError("planted failure")
        return super().make(seed, index)


def test_failing_samples_are_logged_and_counted(tmp_path):
    registry.register("testonly.flaky")(Flaky)
    out = tmp_path / "flaky"
    manifest = generate(GenerateConfig(generators=["testonly.flaky"], n=9, shard_size=5), out, progress=False)
    assert manifest["status"] == "complete"
    assert manifest["counts"]["testonly.flaky"] == {"samples": 6, "questions": manifest["counts"][
        "testonly.flaky"]["questions"], "failures": 3}
    logged = [f for p in (out / "logs").glob("*.json") for f in json.loads(p.read_text())["failures"]]
    assert sorted(f["index"] for f in logged) == [0, 3, 6]
    assert all("planted failure" in f["error"] for f in logged)
    assert len(load_records(out)) == 6


@pytest.mark.parametrize("n", [0, -3])
def test_non_positive_n_is_refused(tmp_path, n):
    with pytest.raises(UserError, match="-n must be a positive"):
        generate(GenerateConfig(generators=GENS, n=n), tmp_path / "x", progress=False)


def test_out_holding_another_run_is_refused_then_overwritten(tmp_path, small_corpus):
    out = tmp_path / "c"
    generate(GenerateConfig(generators=GENS, n=4, seed=0), out, progress=False)
    with pytest.raises(UserError, match="holds this run already"):
        generate(GenerateConfig(generators=GENS, n=4, seed=0), out, progress=False)
    with pytest.raises(UserError, match="holds a different run"):
        generate(GenerateConfig(generators=GENS, n=4, seed=1), out, resume=True, progress=False)
    generate(GenerateConfig(generators=GENS, n=4, seed=1), out, overwrite=True, progress=False)
    assert {r["meta"]["seed"] for r in load_records(out)} == {1}


def test_foreign_folder_and_unwritable_out_are_refused(tmp_path):
    foreign = tmp_path / "home"
    foreign.mkdir()
    (foreign / "thesis.tex").write_text("precious")
    with pytest.raises(UserError, match="holds no mmsynth run"):
        generate(GenerateConfig(generators=GENS, n=2), foreign, overwrite=True, progress=False)
    assert (foreign / "thesis.tex").read_text() == "precious"
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(UserError, match="cannot write there|not a folder"):
        generate(GenerateConfig(generators=GENS, n=2), blocker / "sub", progress=False)
