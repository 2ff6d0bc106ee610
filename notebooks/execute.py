"""Execute the walkthrough notebooks and save their outputs in place, so they read on GitHub.

    python notebooks/execute.py [NOTEBOOK ...]      (default: every notebook here)

Each runs in a fresh temporary folder (what it writes is thrown away), with the ``mmsynth``
of this Python on the PATH and ``MMSYNTH_REALDATA`` pointing at the real sample data.
Needs the ``dev`` extra (nbclient, ipykernel). The test suite runs the same function.
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REALDATA = HERE.parent.parent / "shared" / "realdata"


def execute(path: Path, save: bool = True, timeout: int = 900) -> None:
    """Run every cell of ``path`` (raising nbclient's CellExecutionError on the first error)."""
    import nbformat
    from nbclient import NotebookClient
    nb = nbformat.read(str(path), as_version=4)
    env_path = os.environ.get("PATH", "")
    os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env_path
    os.environ.setdefault("MMSYNTH_REALDATA", str(REALDATA))
    try:
        with tempfile.TemporaryDirectory() as work:
            NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                           resources={"metadata": {"path": work}}).execute()
    finally:
        os.environ["PATH"] = env_path
    failed = shell_failures(nb)
    if failed:
        raise RuntimeError(f"{path.name}: a shell command failed: {failed[0]}")
    if save:
        nbformat.write(nb, str(path))


def shell_failures(nb) -> list[str]:
    """Error lines printed by the cells' ``!`` commands (IPython does not stop on a failed one)."""
    found = []
    for cell in nb.cells:
        if cell.cell_type != "code" or "!" not in cell.source:
            continue
        for out in cell.get("outputs", []):
            text = out.get("text", "") if out.get("output_type") == "stream" else ""
            found += [line for line in text.splitlines()
                      if line.startswith("mmsynth") and ": error" in line or line.startswith("Traceback")]
    return found


if __name__ == "__main__":
    for name in sys.argv[1:] or sorted(p.name for p in HERE.glob("*.ipynb")):
        print("executing", name, flush=True)
        execute(HERE / name)
