"""mmsynth curate: what it keeps is unchanged and valid, the balancing invariant holds,
duplicates and benchmark content are dropped, filters and caps apply, runs resume to the
same corpus, and bad input is counted."""
from __future__ import annotations

import json
import shutil
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from mmsynth.bench.balance import answer_key
from mmsynth.bench.hashing import sha256
from mmsynth.cli import main
from mmsynth.corpus import load_records
from mmsynth.curate import CurateConfig, CurateRun
from mmsynth.generator import answer_text
from mmsynth.validate import validate_corpus
from test_evolve import wrong_answer

GENERATORS = ["puzzle.maze", "dashboard.gauge", "chart.bar", "graph.directed"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    from mmsynth.pipeline import GenerateConfig, generate
    out = tmp_path_factory.mktemp("seed") / "c"
    generate(GenerateConfig(generators=GENERATORS, n=80, seed=2, shard_size=10), out, workers=1, progress=False)
    return out


def curate(corpus: Path, out: Path, **kw) -> dict:
    return CurateRun(CurateConfig(corpus=str(corpus), **kw), out, progress=False).run()


def shard_bytes(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((root / "data").glob("*.jsonl"))}


def test_kept_questions_are_unchanged_and_families_balanced(corpus, tmp_path):
    m = curate(corpus, tmp_path / "o", balance=1.5)
    source = {r["id"]: r for r in load_records(corpus)}
    out = load_records(tmp_path / "o")
    assert validate_corpus(tmp_path / "o", progress=False).failures == 0
    per_family: dict[str, Counter] = defaultdict(Counter)
    for rec in out:
        original = source[rec["id"]]["qa"]
        assert all(qa in original for qa in rec["qa"])
        assert [t["content"] for t in rec["conversations"] if t["role"] == "assistant"] == \
            [answer_text(q) for q in rec["qa"]]
        assert rec["conversations"][0]["content"].startswith("<image>\n")
        for qa in rec["qa"]:
            per_family[qa["family"]][answer_key(qa["answer"])] += 1
    for fam, counts in per_family.items():
        (_, top), *rest = counts.most_common() or [(None, 0)]
        runner_up = rest[0][1] if rest else 0
        assert top <= max(1.5 * runner_up, runner_up + 1), (fam, counts)
    c = m["counts"]
    assert c["dropped_questions.unbalanced"] > 0
    assert c["questions_out"] == sum(len(r["qa"]) for r in out)
    assert c["questions_in"] == c["questions_out"] + sum(v for k, v in c.items() if k.startswith("dropped_questions."))
    before, after = m["families"]["maze.reachable"]["before"], m["families"]["maze.reachable"]["after"]
    assert after["top_share"] < before["top_share"]
    assert (tmp_path / "o" / "curate.png").read_bytes()[:4] == b"\x89PNG"


def test_without_balancing_a_clean_corpus_passes_whole(corpus, tmp_path):
    m = curate(corpus, tmp_path / "o", balance=None)
    assert m["counts"]["records_out"] == 80
    assert sorted(load_records(tmp_path / "o"), key=lambda r: r["id"]) == \
        sorted(load_records(corpus), key=lambda r: r["id"])


def test_duplicates_and_benchmark_content_are_dropped(corpus, tmp_path):
    from mmsynth.bench.build import BuildConfig, build
    src = tmp_path / "src"
    shutil.copytree(corpus, src)
    first = sorted((src / "data").glob("*.jsonl"))[0]
    shutil.copy(first, src / "data" / "zz-copy.jsonl")                        # 10 records twice
    build(BuildConfig(out=tmp_path / "bench", n=15, seed=0, source_corpus=corpus))
    bench_images = {sha256(p.read_bytes()) for p in (tmp_path / "bench" / "images").rglob("*") if p.is_file()}
    m = curate(src, tmp_path / "o", balance=None, exclude=[str(tmp_path / "bench")])
    c = m["counts"]
    out = load_records(tmp_path / "o")
    ids = [r["id"] for r in out]
    assert len(ids) == len(set(ids))
    for rec in out:
        assert all(sha256((tmp_path / "o" / p).read_bytes()) not in bench_images for p in rec["images"])
    in_bench = [any(sha256((src / p).read_bytes()) in bench_images for p in r["images"]) for r in load_records(src)]
    copies = in_bench[-10:]                                                  # the records of zz-copy.jsonl
    assert c["dropped.contaminated"] == sum(in_bench) >= 15                 # the benchmark's samples, and copies
    assert c["dropped.duplicate_sample"] == 10 - sum(copies)
    assert c["records_out"] == 90 - sum(in_bench) - (10 - sum(copies))


def test_filters_and_caps(corpus, tmp_path):
    m = curate(corpus, tmp_path / "o", balance=None, generators=["chart.*", "puzzle.*"],
               drop_families=["maze.route", "chart.value"], skills=["reasoning", "structure"], max_per_family=5)
    out = load_records(tmp_path / "o")
    fams = Counter(q["family"] for r in out for q in r["qa"])
    assert {r["generator"] for r in out} == {"chart.bar", "puzzle.maze"}
    assert "maze.route" not in fams and "chart.value" not in fams and max(fams.values()) <= 5
    assert all(q["skill"] in ("reasoning", "structure") for r in out for q in r["qa"])
    c = m["counts"]
    assert c["dropped.generator_filtered"] == 40
    assert c["dropped_questions.family_cap"] > 0 and c["dropped_questions.skill_filtered"] > 0


def test_interrupted_run_resumes_to_the_same_corpus(corpus, tmp_path, monkeypatch):
    curate(corpus, tmp_path / "whole")
    calls = {"n": 0}
    real = CurateRun.decide

    def flaky(self, *args):
        calls["n"] += 1
        if calls["n"] == 4:
            raise KeyboardInterrupt
        return real(self, *args)

    monkeypatch.setattr(CurateRun, "decide", flaky)
    with pytest.raises(KeyboardInterrupt):
        curate(corpus, tmp_path / "o")
    monkeypatch.setattr(CurateRun, "decide", real)
    assert json.loads((tmp_path / "o" / "manifest.json").read_text())["status"] == "interrupted"
    assert main(["curate", str(corpus), "-o", str(tmp_path / "o"), "-q"]) == 2
    assert main(["curate", str(corpus), "-o", str(tmp_path / "o"), "--resume", "-q"]) == 0
    assert shard_bytes(tmp_path / "o") == shard_bytes(tmp_path / "whole")


def test_bad_records_are_counted_and_unverified_ones_dropped(corpus, tmp_path):
    src = tmp_path / "src"
    shutil.copytree(corpus, src)
    shard = sorted((src / "data").glob("*.jsonl"))[0]
    recs = [json.loads(x) for x in shard.read_text().splitlines()]
    recs[1]["qa"][0]["answer"] = wrong_answer(recs[1]["qa"][0])   # unverified, not invalid
    shard.write_text("{oops\n" + "".join(json.dumps(r) + "\n" for r in recs))
    c = curate(src, tmp_path / "o", balance=None)["counts"]
    assert (c["dropped.corrupt"], c["dropped.unverified"], c["records_out"]) == (1, 1, 79)
    c = curate(src, tmp_path / "o2", balance=None, verify=False)["counts"]
    assert c["records_out"] == 80 and "dropped.unverified" not in c


@pytest.mark.parametrize("args, message", [
    (["--balance", "0.5"], "--balance must be at least 1"),
    (["--skills", "juggling"], "unknown skill 'juggling'"),
    (["--max-per-family", "0"], "--max-per-family must be at least 1"),
    (["--exclude", "/nonexistent/bench"], "no such corpus folder"),
])
def test_cli_mistakes_are_one_line_errors(corpus, tmp_path, capsys, args, message):
    assert main(["curate", str(corpus), "-o", str(tmp_path / "o")] + args) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1


def test_cli_prints_figures(corpus, tmp_path, capsys):
    assert main(["curate", str(corpus), "-o", str(tmp_path / "o"), "-q"]) == 0
    out = capsys.readouterr().out
    assert "of 80 records" in out and "where one answer is over 50% of them" in out
