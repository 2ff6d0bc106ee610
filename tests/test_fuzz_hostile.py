"""Fuzzing the command line with hostile inputs (issue #20).

Real inputs (a generated corpus, a benchmark built from it, a predictions file, scene-graph
and detection files) are mutated by a seeded mutator: bytes (invalid UTF-8, truncation,
NULs), types (any value replaced by another type, huge numbers, infinities), nesting
(arrays 10^5 deep), paths (absolute, ``..``, missing) and symlinks (images, shards and
folders pointing at a secret file outside the inputs). Every subcommand that reads such a
file runs on each case, in process through :func:`mmsynth.cli.main`, and must end with exit
code 0, 1 or 2, never a traceback; an audit hook checks that nothing outside the inputs is
read and nothing outside the case's output folder is written. The count of cases and
command runs is printed in pytest's summary (``conftest.py``).
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import random
import re
import shutil
import sys
import time
import traceback
from pathlib import Path

import pytest

from mmsynth.cli import main

CASES = int(os.environ.get("MMSYNTH_FUZZ_CASES", 36))   # hostile cases (each runs several commands)
SEED = int(os.environ.get("MMSYNTH_FUZZ_SEED", 20))     # another seed draws other cases
SECRET = b"FUZZ-SECRET-0b7e"
DEEP = "__DEEP__"          # a mutated value to be written as arrays nested this many levels
HOSTILE_VALUES = [None, True, 0, -1, 10 ** 400, 1e308, float("inf"), float("nan"), "", "\x00", "x" * 5000,
                  [], {}, [[[]]], {"a": {"b": {}}}, "../../../etc/passwd", "/etc/passwd", "images/../../x"]


# --- the audit: what the command opened ---------------------------------------------------
CHANGES = {"os.mkdir": (0,), "os.remove": (0,), "os.rmdir": (0,), "os.rename": (0, 1), "os.replace": (0, 1),
           "os.link": (1,), "os.symlink": (1,)}   # audit event -> the arguments it changes


class Audit:
    """Every file opened while ``active``: real paths read, real paths written or created."""

    def __init__(self) -> None:
        self.active = False
        self.read: set[str] = set()
        self.written: set[str] = set()

    def hook(self, event: str, args: tuple) -> None:
        if not self.active:
            return
        if event == "open":
            path, mode, flags = args
            if not isinstance(path, (str, bytes, os.PathLike)):
                return
            real = os.path.realpath(os.fsdecode(path))
            writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or \
                (flags or 0) & (os.O_WRONLY | os.O_RDWR | os.O_CREAT)
            (self.written if writing else self.read).add(real)
        elif event in CHANGES:   # these act on a link itself, not on what it points to
            for path in (args[i] for i in CHANGES[event]):
                if isinstance(path, (str, bytes, os.PathLike)):
                    head, name = os.path.split(os.path.abspath(os.fsdecode(path)))
                    self.written.add(os.path.join(os.path.realpath(head), name))


AUDIT = Audit()
sys.addaudithook(AUDIT.hook)


CACHES = [Path(os.path.realpath(Path.home() / ".cache")), Path("/dev/null"), Path("/dev/shm")]   # libraries' own


def under(path: str, folder: Path) -> bool:
    return path == str(folder) or path.startswith(str(folder) + os.sep)


# --- the seed inputs ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def seeds(tmp_path_factory) -> Path:
    """Real inputs to mutate: a corpus, a benchmark built from it, predictions, scene files."""
    from mmsynth.bench.build import BuildConfig, build
    from mmsynth.pipeline import GenerateConfig, generate
    from PIL import Image

    root = tmp_path_factory.mktemp("fuzz-seeds")
    generate(GenerateConfig(generators=["chart.bar", "dashboard.clock"], n=4, seed=1, shard_size=2),
             root / "corpus", workers=1, progress=False)
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        build(BuildConfig(out=root / "bench", n=3, seed=2, source_corpus=root / "corpus"))
    questions = [json.loads(x) for x in (root / "bench" / "questions.jsonl").read_text().splitlines()]
    (root / "preds.jsonl").write_text("".join(json.dumps({"id": q["id"], "prediction": "1"}) + "\n" for q in questions))
    scenes = root / "scenes"
    scenes.mkdir()
    for name in ("1.jpg", "2.jpg"):
        Image.new("RGB", (60, 40), (120, 80, 40)).save(scenes / name)
    objects = [{"id": 10 + k, "image_id": 1 + k % 2, "category_id": 1 + k % 3, "bbox": [5 * k, 4, 9, 12],
                "attributes": ["red"], "distance": 1.5 + k} for k in range(6)]
    (scenes / "coco.json").write_text(json.dumps({
        "images": [{"id": 1, "file_name": "1.jpg", "width": 60, "height": 40},
                   {"id": 2, "file_name": "2.jpg", "width": 60, "height": 40}],
        "categories": [{"id": 1, "name": "cup"}, {"id": 2, "name": "plate"}, {"id": 3, "name": "fork"}],
        "annotations": objects,
        "relations": [{"image_id": 1, "subject": 10, "predicate": "left of", "object": 12}]}))
    (scenes / "gqa.json").write_text(json.dumps({"1": {"width": 60, "height": 40, "objects": {
        str(k): {"name": n, "x": 4 * k, "y": 3, "w": 8, "h": 9, "attributes": ["blue"], "relations": []}
        for k, n in enumerate(["cup", "cup", "plate"])}}}))
    (scenes / "vg.json").write_text(json.dumps([{"image_id": 2, "width": 60, "height": 40, "objects": [
        {"object_id": k, "x": 5 * k, "y": 2, "w": 7, "h": 7, "names": [n], "attributes": ["green"]}
        for k, n in enumerate(["dog", "cat", "dog"])], "relationships": []}]))
    return root


# --- mutations --------------------------------------------------------------------------------
def json_paths(obj, prefix=()):
    """Every (path, value) inside a JSON value."""
    yield prefix, obj
    items = obj.items() if isinstance(obj, dict) else enumerate(obj) if isinstance(obj, list) else ()
    for k, v in items:
        yield from json_paths(v, prefix + (k,))


def set_at(obj, path, value):
    if not path:
        return value
    target = obj
    for k in path[:-1]:
        target = target[k]
    target[path[-1]] = value
    return obj


def mutate_json(rng: random.Random, obj):
    """One value somewhere in ``obj`` replaced by a hostile one (another type, a huge number, a
    deep nesting, a path that leaves the inputs), or a key deleted."""
    paths = list(json_paths(obj))
    path, _ = rng.choice(paths)
    kind = rng.random()
    if kind < 0.15 and path:
        parent = obj
        for k in path[:-1]:
            parent = parent[k]
        del parent[path[-1]]
        return obj
    if kind < 0.25:   # written out by dumps() below: json.dumps itself cannot nest that deep
        return set_at(obj, path, f"{DEEP}{rng.choice([120, 5000])}")
    return set_at(obj, path, rng.choice(HOSTILE_VALUES))


def dumps(obj) -> str:
    """JSON text of a mutated value, with its deep-nesting markers expanded."""
    return re.sub(f'"{DEEP}(\\d+)"', lambda m: "[" * int(m[1]) + "]" * int(m[1]), json.dumps(obj, allow_nan=True))


def mutate_bytes(rng: random.Random, data: bytes) -> bytes:
    """Invalid UTF-8, a NUL, a cut, flipped bytes or a 10^5-deep line in a file's bytes."""
    kind = rng.randrange(5)
    at = rng.randrange(max(1, len(data)))
    if kind == 0:
        return data[:at] + b"\xff\xfe\xc3" + data[at:]
    if kind == 1:
        return data[:at] + b"\x00" + data[at:]
    if kind == 2:
        return data[:at]
    if kind == 3:
        b = bytearray(data)
        for _ in range(8):
            if b:
                b[rng.randrange(len(b))] = rng.randrange(256)
        return bytes(b)
    return data + b"[" * 100_000 + b"]" * 100_000 + b"\n"


def mutate_file(rng: random.Random, path: Path) -> str:
    """Mutate a JSON or JSONL file in place; returns what was done."""
    data = path.read_bytes()
    if rng.random() < 0.35:
        path.write_bytes(mutate_bytes(rng, data))
        return f"bytes of {path.name}"
    if path.suffix == ".jsonl":
        lines = data.decode().splitlines()
        k = rng.randrange(len(lines))
        lines[k] = dumps(mutate_json(rng, json.loads(lines[k])))
        path.write_text("\n".join(lines) + "\n")
        return f"value in {path.name}:{k + 1}"
    path.write_text(dumps(mutate_json(rng, json.loads(data))))
    return f"value in {path.name}"


def plant_symlink(rng: random.Random, root: Path, secret: Path) -> str:
    """A file or folder of the inputs replaced by a symlink to the secret outside them."""
    files = sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())
    victim = rng.choice(files)
    if rng.random() < 0.2:   # a whole folder
        victim = victim.parent
        shutil.rmtree(victim)
        victim.symlink_to(secret.parent, target_is_directory=True)
    else:
        victim.unlink()
        victim.symlink_to(secret)
    return f"symlink {victim.relative_to(root)}"


def hostile_image(rng: random.Random, root: Path) -> str:
    images = sorted(root.rglob("*.png")) + sorted(root.rglob("*.jpg"))
    victim = rng.choice(images)
    kind = rng.randrange(3)
    if kind == 0:
        victim.write_bytes(b"")
    elif kind == 1:
        victim.write_text("not an image")
    else:
        victim.unlink()
        os.mkfifo(victim)
    return f"image {victim.relative_to(root)} ({['empty', 'text', 'fifo'][kind]})"


# --- the commands -------------------------------------------------------------------------------
def commands(target: str, inputs: Path, out: Path, rng: random.Random) -> list[list[str]]:
    corpus, bench = inputs / "corpus", inputs / "bench"
    if target == "corpus":
        fmt = rng.choice(["llava", "sharegpt", "webdataset", "instructblip", "hf"])
        return [["validate", str(corpus), "-q"], ["show", str(corpus)],
                ["export", str(corpus), "-f", fmt, "-o", str(out / "export")],
                ["report", str(corpus), "-o", str(out / "report.html")],
                ["curate", str(corpus), "-o", str(out / "curated")],
                ["evolve", str(corpus), "-o", str(out / "evolved"), "--rounds", "1"],
                ["bench", "build", "--from", str(corpus), "-n", "3", "-o", str(out / "bench")],
                ["generate", "-g", "chart.bar", "-g", "dashboard.clock", "-n", "4", "--seed", "1",
                 "--shard-size", "2", "-o", str(corpus), "--resume"]]
    if target == "bench":
        return [["bench", "score", str(bench), str(inputs / "preds.jsonl"), "--out", str(out / "score"),
                 "--bootstrap", "10"],
                ["predict", str(inputs / "no-run"), str(bench), "-o", str(out / "p.jsonl")]]
    if target == "preds":
        return [["bench", "score", str(bench), str(inputs / "preds.jsonl"), "--out", str(out / "score"),
                 "--bootstrap", "10", "--baseline"]]
    fmt = {"coco.json": "coco", "gqa.json": "gqa", "vg.json": "vg"}[target]
    cmds = [["generate", "-g", "scene.count", "-g", "scene.relation", "--scenes", f"{fmt}:{inputs / 'scenes' / target}",
             "-n", "2", "-o", str(out / "gen"), "-q"]]
    if fmt == "coco":
        cmds.append(["scene", "annotate", "--detections", str(inputs / "scenes" / target), "--image-root",
                     str(inputs / "scenes"), "-o", str(out / "annotated.json")])
    return cmds


def make_case(rng: random.Random, seeds: Path, case_dir: Path, secret: Path) -> tuple[str, str]:
    """Copy the seed inputs into ``case_dir/in`` and mutate one of them; returns (target, what)."""
    inputs = case_dir / "in"
    shutil.copytree(seeds, inputs, symlinks=True)
    target = rng.choice(["corpus"] * 5 + ["bench", "preds", "coco.json", "gqa.json", "vg.json"])
    home = {"corpus": inputs / "corpus", "bench": inputs / "bench", "preds": inputs}.get(target, inputs / "scenes")
    how = rng.random()
    if target == "preds":
        return target, mutate_file(rng, inputs / "preds.jsonl")
    if how < 0.2 and target in ("corpus", "bench"):
        return target, plant_symlink(rng, home, secret)
    if how < 0.3:
        return target, hostile_image(rng, home)
    files = sorted(p for p in home.rglob("*.json*") if p.is_file())
    if target not in ("corpus", "bench"):
        files = [home / target]
    return target, mutate_file(rng, rng.choice(files))


def test_fuzz_every_command_with_hostile_inputs(seeds, tmp_path, record_property):
    secret = tmp_path / "outside" / "secret.png"
    secret.parent.mkdir()
    secret.write_bytes(SECRET)
    runs = 0
    for case in range(CASES):
        rng = random.Random(SEED * 1000 + case)
        case_dir = tmp_path / f"case{case:03d}"
        target, what = make_case(rng, seeds, case_dir, secret)
        out = case_dir / "out"
        out.mkdir()
        for argv in commands(target, case_dir / "in", out, rng):
            label = f"case {case} ({what}): mmsynth {' '.join(argv)}"
            stderr = io.StringIO()
            AUDIT.read.clear()
            AUDIT.written.clear()
            AUDIT.active = True
            t0 = time.perf_counter()
            try:
                with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(stderr):
                    try:
                        code = main(argv)
                    except SystemExit as e:   # argparse
                        code = e.code
            except Exception as e:   # a traceback the user would have seen
                where = "".join(traceback.format_tb(e.__traceback__)[-3:])
                pytest.fail(f"{label}: {type(e).__name__}: {e}\n{where}")
            finally:
                AUDIT.active = False
            runs += 1
            if os.environ.get("FUZZ_TIMES"):
                sys.__stderr__.write(f"{time.perf_counter() - t0:6.2f}s {code} {label[:160]}\n")
            assert code in (0, 1, 2), f"{label}: exit {code}\n{stderr.getvalue()[-2000:]}"
            assert "Traceback" not in stderr.getvalue(), f"{label}:\n{stderr.getvalue()[-3000:]}"
            outside_reads = [p for p in AUDIT.read if under(p, secret.parent)]
            assert not outside_reads, f"{label}: read {outside_reads}"
            inputs_written = [p for p in AUDIT.written
                              if under(p, tmp_path) and not under(p, out) and not _own_resume(argv, p, case_dir)]
            assert not inputs_written, f"{label}: wrote {sorted(inputs_written)[:3]}"
            elsewhere = [p for p in AUDIT.written if not under(p, tmp_path) and not any(under(p, c) for c in CACHES)]
            assert not elsewhere, f"{label}: wrote {sorted(elsewhere)[:3]}"
            leaked = [p for p in out.rglob("*") if p.is_file() and SECRET in p.read_bytes()]
            assert not leaked, f"{label}: copied the secret into {leaked}"
    record_property("fuzz_cases", CASES)
    record_property("fuzz_command_runs", runs)
    print(f"fuzz: {CASES} hostile cases, {runs} command runs")


def _own_resume(argv: list[str], path: str, case_dir: Path) -> bool:
    """``generate --resume`` on the mutated corpus writes into that corpus: its own output."""
    return "--resume" in argv and under(path, Path(os.path.realpath(case_dir / "in" / "corpus")))
