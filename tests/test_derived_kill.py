"""`curate` and `evolve` killed with SIGKILL at any moment, even before their first shard,
resume to the very bytes of an uninterrupted run."""
from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mmsynth.cli import main
from mmsynth.pipeline import GenerateConfig, generate

# The child runs the real command; each input shard waits a little first, so the test can
# kill it at a chosen moment (the work itself is untouched).
CHILD = """
import sys, time
from mmsynth.derive import DerivedRun
from mmsynth.cli import main
real = DerivedRun.process
def slowed(self, path, bar):
    time.sleep(0.4)
    return real(self, path, bar)
DerivedRun.process = slowed
sys.exit(main(sys.argv[1:]))
"""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("kill") / "c"
    generate(GenerateConfig(generators=["chart.bar", "dashboard.clock", "map.grid"], n=15, seed=2, shard_size=3),
             out, progress=False)
    return out


def digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for sub in ("data", "images") for p in sorted((root / sub).rglob("*")) if p.is_file()}


def kill_when(args: list[str], ready, timeout: float = 60) -> None:
    proc = subprocess.Popen([sys.executable, "-c", CHILD, *args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + timeout
    while time.time() < deadline and proc.poll() is None and not ready():
        time.sleep(0.005)
    assert proc.poll() is None, "the run ended before the moment to kill it"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def shards_written(out: Path) -> int:
    return len(list((out / "data").glob("*.jsonl"))) if (out / "data").is_dir() else 0


MOMENTS = {
    "claimed": lambda out: (out / "data").is_dir(),           # before the manifest or any shard
    "before_first_shard": lambda out: (out / "manifest.json").exists(),
    "after_one_shard": lambda out: shards_written(out) >= 1,
    "after_three_shards": lambda out: shards_written(out) >= 3,
}


@pytest.mark.slow
@pytest.mark.parametrize("command", [["curate", "--balance", "1.5"], ["evolve", "--rounds", "2"]])
def test_kill_at_any_moment_then_resume_gives_the_same_corpus(command, corpus, tmp_path):
    full = tmp_path / "full"
    assert main([command[0], str(corpus), "-o", str(full), "-q", *command[1:]]) == 0
    for moment, ready in MOMENTS.items():
        out = tmp_path / moment
        args = [command[0], str(corpus), "-o", str(out), "-q", *command[1:]]
        kill_when(args, lambda: ready(out))
        assert main(args + ["--resume"]) == 0, moment
        assert digest(out) == digest(full), moment
