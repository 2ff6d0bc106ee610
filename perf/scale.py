"""How mmsynth scales: samples/s on 1 and 2 local workers and on Ray with 1 and 2 CPUs, whether
the two backends write the same bytes, peak RSS of generate and curate at growing N, and the
scene engine's QA/s (``perf/scene_engine.py``) when that benchmark is present.

    PYTHONPATH=. python perf/scale.py                       # defaults: -n 200, sizes 1000,10000
    PYTHONPATH=. python perf/scale.py --sizes 1000,10000,100000 --skip-throughput

Peak RSS is measured in a fresh process per run (``ru_maxrss`` of that process alone), with
one worker so that everything the run holds is in that process.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mmsynth.backend import Backend, connect_ray  # noqa: E402
from mmsynth.pipeline import GenerateConfig, generate  # noqa: E402

RSS_CHILD = """
import resource, sys, time
from mmsynth.cli import main
t = time.perf_counter()
rc = main(sys.argv[1:])
now = next(int(ln.split()[1]) for ln in open("/proc/self/status") if ln.startswith("VmRSS:"))
print(f"RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss} {now} {time.perf_counter() - t:.1f} {rc}")
"""


def digest(root: Path) -> str:
    h = hashlib.sha256()
    for sub in ("data", "images"):
        for p in sorted((root / sub).rglob("*")):
            if p.is_file():
                h.update(str(p.relative_to(root)).encode() + p.read_bytes())
    return h.hexdigest()


def throughput(generators: list[str], n: int, work: Path) -> None:
    """samples/s of the same run on four backends, side by side, and byte identity."""
    import ray
    cfg = GenerateConfig(generators=generators, n=n, seed=0, shard_size=max(1, n // 20))
    rows, digests = [], {}
    runs = [("local", 1), ("local", 2), ("ray", 1), ("ray", 2)]
    for kind, cpus in runs:
        out = work / f"{kind}{cpus}"
        backend = Backend(kind, cpus)
        startup = 0.0
        if kind == "ray":
            t = time.perf_counter()
            connect_ray(backend)
            startup = time.perf_counter() - t
        t = time.perf_counter()
        generate(cfg, out, backend=backend, progress=False)
        elapsed = time.perf_counter() - t
        if kind == "ray":
            ray.shutdown()
        digests[(kind, cpus)] = digest(out)
        rows.append((f"{kind}, {cpus} {'worker' if kind == 'local' else 'CPU'}{'s' if cpus > 1 else ''}",
                     n / elapsed, startup))
    print(f"\n## samples/s: {', '.join(generators)}, n={n} (same run on each backend)")
    print("| backend | samples/s | Ray start-up s (not in samples/s) |")
    print("| --- | --- | --- |")
    for name, rate, startup in rows:
        print(f"| {name} | {rate:.1f} | {startup:.1f} |")
    same = len(set(digests.values())) == 1
    print(f"\nbyte-identical data/ and images/ across all four runs: {'yes' if same else 'NO'}")


def peak_rss(argv: list[str]) -> tuple[float, float, float, int]:
    """(peak RSS in MiB, RSS at the end in MiB, seconds, exit code) of one mmsynth command in a
    fresh process (the end figure shows growth that an import-time peak would hide)."""
    proc = subprocess.run([sys.executable, "-c", RSS_CHILD, *argv], capture_output=True, text=True,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("RSS ")), None)
    if line is None:
        raise SystemExit(f"mmsynth {' '.join(argv)} failed:\n{proc.stderr[-2000:]}")
    _, peak, end, secs, rc = line.split()
    return int(peak) / 1024, int(end) / 1024, float(secs), int(rc)


def memory(generators: list[str], sizes: list[int], work: Path) -> None:
    print(f"\n## peak RSS, one worker: generate {', '.join(generators)} and curate of its output")
    print("| N | generate peak MiB | at the end | s | curate peak MiB | at the end | s |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    first = None
    for n in sizes:
        corpus, curated = work / f"rss{n}", work / f"rss{n}-curated"
        gen_args = ["generate", *sum((["-g", g] for g in generators), []), "-n", str(n), "-o", str(corpus),
                    "--workers", "1", "--shard-size", "200", "-q"]
        g_mib, g_end, g_s, _ = peak_rss(gen_args)
        c_mib, c_end, c_s, _ = peak_rss(["curate", str(corpus), "-o", str(curated), "-q"])
        first = first or (g_mib, c_mib)
        print(f"| {n} | {g_mib:.0f} ({g_mib / first[0] - 1:+.0%}) | {g_end:.0f} | {g_s:.0f} | "
              f"{c_mib:.0f} ({c_mib / first[1] - 1:+.0%}) | {c_end:.0f} | {c_s:.0f} |", flush=True)


def scene_engine() -> None:
    script = ROOT / "perf" / "scene_engine.py"
    print("\n## scene engine QA/s on VG-sized graphs")
    if not script.is_file():
        print("perf/scene_engine.py is not in this tree: skipped")
        return
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    print(proc.stdout.strip() or proc.stderr[-2000:])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-g", "--generator", action="append", help="generators (default puzzle.*)")
    ap.add_argument("-n", type=int, default=200, help="samples per throughput run (200)")
    ap.add_argument("--sizes", default="1000,10000", help="N of the peak-RSS runs (1000,10000)")
    ap.add_argument("--skip-throughput", action="store_true")
    ap.add_argument("--skip-memory", action="store_true")
    ap.add_argument("--skip-scene", action="store_true")
    args = ap.parse_args()
    from mmsynth import registry
    generators = registry.resolve(args.generator or ["puzzle.*"], generating=True)
    with tempfile.TemporaryDirectory(prefix="mmsynth-scale-") as tmp:
        if not args.skip_throughput:
            throughput(generators, args.n, Path(tmp))
        if not args.skip_memory:
            memory(generators, [int(s) for s in args.sizes.split(",")], Path(tmp))
    if not args.skip_scene:
        scene_engine()
    print(json.dumps({"cpu_count": __import__("os").cpu_count()}))


if __name__ == "__main__":
    main()
