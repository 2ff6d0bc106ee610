"""The walkthrough notebooks run top to bottom without an error (cells raising, or a ``!mmsynth``
command printing one). Those that train a model or run OCR on the CPU take minutes: they are
marked slow, and ``.ci/run`` runs them after the default suite."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from realdata import REALDATA

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
SLOW = {"ocr_llavar.ipynb", "bench_train.ipynb"}       # OCR and training on the CPU
NEEDS_REALDATA = {"ocr_llavar.ipynb", "scene_graphs.ipynb"}

sys.path.insert(0, str(NOTEBOOKS))
from execute import execute  # noqa: E402


def test_every_notebook_is_listed_here():
    names = {p.name for p in NOTEBOOKS.glob("*.ipynb")}
    assert len(names) >= 6 and SLOW <= names and NEEDS_REALDATA <= names


@pytest.mark.parametrize("name", [pytest.param(p.name, marks=pytest.mark.slow) if p.name in SLOW else p.name
                                  for p in sorted(NOTEBOOKS.glob("*.ipynb"))])
def test_notebook_runs_without_errors(name, monkeypatch, tmp_path):
    pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    if name in NEEDS_REALDATA and not REALDATA.is_dir():
        pytest.skip(f"real sample data {REALDATA} is absent")
    monkeypatch.setenv("MMSYNTH_REALDATA", str(REALDATA))
    copy = tmp_path / name
    copy.write_bytes((NOTEBOOKS / name).read_bytes())
    execute(copy, save=False)


def test_a_failing_shell_command_fails_the_notebook(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    pytest.importorskip("nbclient")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("!mmsynth generate -g no.such.generator -n 3 -o out")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(tmp_path / "bad.ipynb"))
    with pytest.raises(RuntimeError, match="a shell command failed: mmsynth generate: error: no generator"):
        execute(tmp_path / "bad.ipynb", save=False)
