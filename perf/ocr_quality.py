"""OCR quality and speed on the text-rich generators, whose every word is known.

Prints, per generator: character error rate (edit distance between the true and the OCR
text, words in reading order joined by spaces, over the true length), word recall and
precision (multiset overlap of words), and images per second on the CPU and, when torch
sees one, on the GPU. The cache is off so every image is really OCR'd.

    python perf/ocr_quality.py -n 3                # 3 images of each textrich.* generator
    python perf/ocr_quality.py -n 2 --threads 1    # CPU speed on one thread
"""
from __future__ import annotations

import argparse
import time
from collections import Counter

from tqdm import tqdm

from generators.textrich.solvers import reading_order
from mmsynth.ocr import cuda_available, edit_distance, get_engine
from mmsynth.registry import create, names


def truth_words(spec: dict) -> list[str]:
    return [w["text"] for ln in reading_order(spec) for w in ln["words"]]


def score(truth: list[str], seen: list[str]) -> dict:
    t, s = " ".join(truth), " ".join(seen)
    overlap = sum((Counter(truth) & Counter(seen)).values())
    return {"chars": len(t), "errors": edit_distance(t, s), "truth_words": len(truth), "seen_words": len(seen),
            "matched": overlap}


def measure(samples: list[tuple[str, object]], gpu: bool) -> tuple[dict[str, Counter], float, float]:
    """Scores per generator, images per wall-clock second, and CPU seconds (all threads) per image."""
    engine = get_engine("easyocr", use_cache=False, gpu=gpu)
    engine.reader()  # load the weights before the clock starts
    per_gen: dict[str, Counter] = {}
    wall = cpu = 0.0
    for name, sample in tqdm(samples, desc=f"ocr ({'gpu' if gpu else 'cpu'})", unit="img"):
        start, start_cpu = time.perf_counter(), time.process_time()
        words = [w.text for w in engine.read(sample.images[0])]
        wall += time.perf_counter() - start
        cpu += time.process_time() - start_cpu
        per_gen.setdefault(name, Counter()).update(score(truth_words(sample.source), words))
    return per_gen, len(samples) / wall, cpu / len(samples)


def table(per_gen: dict[str, Counter]) -> str:
    rows = [("generator", "images", "CER", "word recall", "word precision")]
    total = Counter()
    for name, c in sorted(per_gen.items()):
        total.update(c)
        rows.append(_row(name, c))
    rows.append(_row("all", total))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(v.ljust(widths[i]) if i == 0 else v.rjust(widths[i]) for i, v in enumerate(r))
                     for r in rows)


def _row(name: str, c: Counter) -> tuple[str, ...]:
    return (name, str(c["images"]), f"{c['errors'] / c['chars']:.3f}", f"{c['matched'] / c['truth_words']:.3f}",
            f"{c['matched'] / max(c['seen_words'], 1):.3f}")


def torch_threads() -> int:
    import torch
    return torch.get_num_threads()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("-n", type=int, default=3, help="images per generator (3)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("-g", "--generators", default="textrich.*", help="pattern (textrich.*)")
    p.add_argument("--threads", type=int, default=0, help="torch CPU threads (default: torch's choice)")
    args = p.parse_args()
    if args.threads:
        import torch
        torch.set_num_threads(args.threads)
    samples = [(name, create(name).make(args.seed, i)) for name in names(args.generators) for i in range(args.n)]
    per_gen, cpu_rate, cpu_seconds = measure(samples, gpu=False)
    for name in per_gen:
        per_gen[name]["images"] = args.n
    print(table(per_gen))
    pixels = sum(s.images[0].size[0] * s.images[0].size[1] for _, s in samples) / len(samples)
    print(f"\nCPU ({torch_threads()} torch threads): {cpu_rate:.2f} images/s wall-clock, {cpu_seconds:.1f} CPU-s "
          f"per image, over {len(samples)} images of {pixels / 1e3:.0f} kpx on average")
    if cuda_available():
        _, gpu_rate, _ = measure(samples, gpu=True)
        print(f"GPU: {gpu_rate:.2f} images/s")
    else:
        print("GPU: not measured (torch sees no CUDA device)")


if __name__ == "__main__":
    main()
