"""Unbounded work from one flag is refused with one line before anything is planned or
materialised: huge -n, --rounds, bench -n, negative seeds, a mask pickle that repeats one
array."""
from __future__ import annotations

import json
import pickle
import resource
import subprocess
import sys
import time

import numpy as np
import pytest

from mmsynth.errors import UserError
from scenegraph.safe_pickle import load_masks

MEMORY_CAP = 3 * 2 ** 30


def _capped() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def run_capped(code: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run Python code with 3 GiB of address space and a time limit (so a plan that would
    fill memory fails here instead of taking the machine)."""
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout,
                          preexec_fn=_capped)


def cli(*args: str) -> subprocess.CompletedProcess:
    """``mmsynth ARGS`` in a capped process; a command that runs on instead of refusing fails."""
    code = f"import sys; from mmsynth.cli import main; sys.exit(main({list(map(str, args))!r}))"
    try:
        return run_capped(code, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail(f"mmsynth {' '.join(map(str, args))} ran on instead of refusing")


def refused(proc: subprocess.CompletedProcess, message: str) -> None:
    assert proc.returncode == 2, proc.stderr[-2000:]
    err = proc.stderr.strip()
    assert "\n" not in err and "Traceback" not in err and message in err, err


def test_a_huge_n_is_one_line_before_anything_is_planned(tmp_path):
    refused(cli("generate", "-g", "chart.bar", "-n", "99999999999999999999", "-o", tmp_path / "x", "-q"),
            "-n must be a positive number of samples, at most")
    assert not (tmp_path / "x").exists()


def test_a_billion_samples_are_planned_lazily(tmp_path):
    """A run of 10**9 samples (20 million shards) starts at once in little memory: the first
    shard is made, then the run is interrupted."""
    code = f"""
import mmsynth.pipeline as p
def stop(self, shard, tick):
    raise KeyboardInterrupt
p.ShardMaker.__call__ = stop
try:
    p.generate(p.GenerateConfig(generators=["chart.bar", "chart.line"], n=10**9), {str(tmp_path / 'big')!r},
               progress=False)
except KeyboardInterrupt:
    print("interrupted")
"""
    t0 = time.perf_counter()
    proc = run_capped(code)
    assert proc.returncode == 0 and "interrupted" in proc.stdout, proc.stderr[-2000:]
    assert time.perf_counter() - t0 < 60
    manifest = json.loads((tmp_path / "big" / "manifest.json").read_text())
    assert manifest["status"] == "interrupted" and manifest["shards"]["total"] == 20_000_000


@pytest.mark.parametrize("args, message", [
    (["generate", "-g", "chart.bar", "-n", "3", "--seed", "-1"], "--seed must be a whole number from 0 up, got -1"),
    (["bench", "build", "-g", "chart.bar", "-n", "3", "--seed", "-1"], "--seed must be a whole number from 0 up"),
    (["bench", "build", "-g", "chart.bar", "-n", str(10 ** 20)], "-n must be from 1 to 1,000,000 questions"),
])
def test_flags_that_cannot_make_a_run_are_one_line(args, message, tmp_path):
    out = tmp_path / "out"
    refused(cli(*args, "-o", out), message)
    assert not out.exists()


@pytest.mark.parametrize("args, message", [
    (["--rounds", "1000000"], "--rounds must be at least 1 and at most 100"),
    (["--seed", "-1"], "--seed must be a whole number from 0 up"),
])
def test_evolve_flags_that_cannot_make_a_run_are_one_line(args, message, small_corpus, tmp_path):
    out = tmp_path / "out"
    refused(cli("evolve", small_corpus, "-o", out, "-q", *args), message)
    assert not out.exists()


def test_bench_score_seed_and_bootstrap_are_checked(tmp_path):
    bench = tmp_path / "b"
    bench.mkdir()
    for args, message in ((["--seed", "-1"], "--seed must be a whole number"),
                          (["--bootstrap", str(10 ** 12)], "--bootstrap must be from 1 to 100,000")):
        refused(cli("bench", "score", bench, tmp_path / "p.jsonl", *args), message)


def test_a_pickle_repeating_one_mask_is_refused_before_it_is_expanded(tmp_path):
    mask = np.ones((200, 200), dtype=bool)
    path = tmp_path / "m.pkl"
    path.write_bytes(pickle.dumps([mask] * 100_000))
    assert path.stat().st_size < 500_000   # 100,000 references to one 40 KB array
    t0 = time.perf_counter()
    with pytest.raises(UserError, match="holds 100,000 masks for 3 objects"):
        load_masks(path, (200, 200), 3)
    with pytest.raises(UserError, match=r"100,000 masks of 200x200 would take 3\.7 GiB \(at most 1\)"):
        load_masks(path, (200, 200))
    assert time.perf_counter() - t0 < 5


def test_bench_build_from_a_corpus_recomputes_every_answer(small_corpus, tmp_path):
    """A tampered answer never becomes gold: the record is dropped and counted."""
    import shutil

    from mmsynth.bench.build import BuildConfig, build
    src = tmp_path / "src"
    shutil.copytree(small_corpus, src)
    shard = sorted((src / "data").glob("*.jsonl"))[0]
    recs = [json.loads(line) for line in shard.read_text().splitlines()]
    qa = next(q for q in recs[0]["qa"] if q["answer_type"] == "number" and not q.get("options"))
    qa["answer"] += 1000
    shard.write_text("".join(json.dumps(r) + "\n" for r in recs))
    meta = build(BuildConfig(out=tmp_path / "bench", n=40, source_corpus=src))
    assert meta["counts"]["samples_failed"] == {recs[0]["generator"]: 1}
    answers = [json.loads(line) for line in (tmp_path / "bench" / "answers.jsonl").read_text().splitlines()]
    assert answers and all(a["origin"]["record"] != recs[0]["id"] for a in answers)
