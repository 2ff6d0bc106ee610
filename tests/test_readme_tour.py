"""The README's command-line tour runs top to bottom as written (slow: it generates,
trains a tiny model for 20 steps and predicts on CPU, a few minutes)."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"


def tour_commands() -> list[str]:
    """The lines of the first bash block after the tour's heading, comments dropped."""
    text = README.read_text(encoding="utf-8")
    block = re.search(r"## A tour of the command line.*?```bash\n(.*?)```", text, re.S).group(1)
    return [re.sub(r"\s+#.*$", "", line).strip() for line in block.splitlines() if line.strip()]


def test_the_tour_is_in_an_order_that_can_run():
    cmds = tour_commands()
    made = {"out/c", "out/bench", "out/run", "out/preds.jsonl"}
    first_made = {p: next(i for i, c in enumerate(cmds) if re.search(rf"-o {re.escape(p)}(\s|$)", c)) for p in made}
    for i, c in enumerate(cmds):
        for p in made:
            if re.search(rf"(?<!-o ){re.escape(p)}(\s|/|$)", c) and not re.search(rf"-o {re.escape(p)}(\s|$)", c):
                assert first_made[p] < i, f"{c!r} uses {p} before {cmds[first_made[p]]!r} makes it"
    assert not any("..." in c or "[" in c for c in cmds), "the tour has placeholders"


@pytest.mark.slow
def test_the_tour_runs_top_to_bottom(tmp_path):
    shim = tmp_path / "bin" / "mmsynth"
    shim.parent.mkdir()
    shim.write_text(f"#!/bin/sh\nexec {sys.executable} -m mmsynth \"$@\"\n")
    shim.chmod(0o755)
    env = {**os.environ, "PATH": f"{shim.parent}{os.pathsep}{os.environ['PATH']}",
           "PYTHONPATH": str(README.parent) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    for cmd in tour_commands():
        done = subprocess.run(["bash", "-c", cmd], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, f"{cmd}\n{done.stderr[-2000:]}"
    assert (tmp_path / "out/preds.score/summary.json").exists() and (tmp_path / "out/c/report.html").exists()
