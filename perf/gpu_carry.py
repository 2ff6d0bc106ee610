"""Pack into ``.whl/`` (git-ignored) what ``perf/gpu_checks.sh`` needs on a lent GPU machine
that has torch and transformers but no EasyOCR, and no network to fetch it:

* wheels of EasyOCR and of its dependencies missing there, for that machine's Python;
* EasyOCR's English weights stored in fp16, half their size, so that the wheels, the
  weights and the working tree fit one 64 MiB transfer. EasyOCR loads them into its fp32
  networks, so the GPU runs the same kernels (speed is measured exactly) and reads within
  fp16 rounding of the packaged weights.

    python perf/gpu_carry.py            # then carry .whl in the device call
"""
from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# EasyOCR's requirements that the GPU machine's image lacks (it has torch, torchvision,
# numpy, Pillow, scipy, scikit-image, opencv-python-headless, PyYAML and ninja)
WHEELS = ["easyocr==1.7.2", "python-bidi==0.6.12", "pyclipper==1.4.0", "shapely==2.2.0"]
PLATFORMS = ["manylinux_2_28_x86_64", "manylinux_2_27_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64",
             "manylinux1_x86_64"]


def download_wheels(dest: Path, python: str) -> None:
    cmd = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:",
           "--python-version", python, "--implementation", "cp", "-d", str(dest)]
    for platform in PLATFORMS:
        cmd += ["--platform", platform]
    subprocess.run(cmd + WHEELS, check=True)


def half_weights(dest: Path) -> None:
    """Each weight file of the packaged English models, with floating tensors in fp16."""
    import torch

    from mmsynth.ocr import WEIGHT_FILES, easyocr_weights_dir

    source = easyocr_weights_dir()
    dest.mkdir(parents=True, exist_ok=True)
    for name in WEIGHT_FILES:
        state = torch.load(source / name, map_location="cpu", weights_only=True)
        half = {k: v.half() if v.is_floating_point() else v for k, v in state.items()}
        torch.save(half, dest / name)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--python", default="3.12", help="the GPU machine's Python version (3.12)")
    ap.add_argument("-o", "--out", type=Path, default=ROOT / ".whl")
    args = ap.parse_args()
    download_wheels(args.out, args.python)
    half_weights(args.out / "easyocr-weights")
    size = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    print(f"{args.out}: {size / 2 ** 20:.1f} MiB (the device call carries at most 64 MiB with the tree)")


if __name__ == "__main__":
    main()
