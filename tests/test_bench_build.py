"""`mmsynth bench build`: quotas, answer balance, determinism by seed, disjointness from an
excluded corpus (by content hash), --from CORPUS, the instruction-following track, the CLI."""
from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from mmsynth.bench import ifeval
from mmsynth.bench.build import BuildConfig, build
from mmsynth.bench.quotas import Quotas
from mmsynth.cli import main
from mmsynth.corpus import CorpusWriter, write_image, write_manifest
from mmsynth.errors import NotApplicable, UserError
from mmsynth.generator import Generator, Rendered
from mmsynth.questions import QuestionFamily, Solution
from mmsynth.rand import pick, randint, uniform
from mmsynth.record import option_key, validate_record
from mmsynth.registry import register

COLOURS = ["red", "blue", "green"]
FIXTURE = "benchtest.dots"  # outside real task prefixes, so "puzzle.*" never matches it


def _count(spec):
    n = len(spec["dots"])
    return Solution(answer=n, distractors=[n + 1, n + 2, max(0, n - 1)])


def _colour(spec):
    return Solution(answer=spec["colour"], distractors=[c for c in COLOURS if c != spec["colour"]])


def _is_red(spec):  # "no" twice as often as "yes": the balancer has to reject
    return Solution(answer="yes" if spec["colour"] == "red" else "no")


def _order(spec):
    if len(spec["dots"]) < 2:
        raise NotApplicable("one dot has no order")
    return Solution(answer=[d["name"] for d in sorted(spec["dots"], key=lambda d: d["x"])])


def _box(spec):
    xs, ys = [d["x"] for d in spec["dots"]], [d["y"] for d in spec["dots"]]
    return Solution(answer=[min(xs), min(ys), max(xs), max(ys)])


def _family(name, answer_type, solve, skill="perception"):
    return QuestionFamily(name=name, skill=skill, answer_type=answer_type, solve=solve,
                          phrasings=[f"{name} question {k}?" for k in range(3)])


@register(FIXTURE)
class DotsFixture(Generator):
    """Test-only generator: a few coloured, lettered dots on a small canvas."""
    task = "puzzle"
    questions_per_sample = (3, 5)
    mc_share = 0.4
    families = [_family("dots.count", "number", _count), _family("dots.colour", "text", _colour),
                _family("dots.is_red", "yesno", _is_red, "reasoning"), _family("dots.order", "route", _order),
                _family("dots.box", "bbox", _box)]

    def sample_spec(self, rng):
        n = randint(rng, 1, 6)
        dots = [{"name": "ABCDEF"[i], "x": round(uniform(rng, 4, 60), 1), "y": round(uniform(rng, 4, 60), 1)}
                for i in range(n)]
        return {"dots": dots, "colour": pick(rng, COLOURS)}

    def render(self, spec, style):
        img = Image.new("RGB", (64, 64), "white")
        d = ImageDraw.Draw(img)
        for dot in spec["dots"]:
            d.ellipse([dot["x"] - 3, dot["y"] - 3, dot["x"] + 3, dot["y"] + 3], fill=spec["colour"])
        return Rendered([img])


@register("benchtest.const")
class ConstFixture(DotsFixture):
    """Test-only generator with a family that always answers "yes"."""
    families = [_family("const.always_yes", "yesno", lambda spec: Solution(answer="yes")),
                _family("const.count", "number", _count)]


def make_corpus(root: Path, seed: int, indexes: range, fmt: str = "png") -> None:
    """A corpus of fixture samples written with the corpus helpers, as `mmsynth generate` would."""
    gen = DotsFixture()
    writer = CorpusWriter(root, shard_size=4)
    for i in indexes:
        sample = gen.make(seed, i)
        paths = [f"images/{FIXTURE}/{i:06d}.{fmt}"]
        write_image(root, paths[0], sample.images[0], fmt)
        rec = sample.record(f"{FIXTURE}-{seed}-{i:06d}", FIXTURE, "puzzle", paths, seed, i)
        assert validate_record(rec) == []
        writer.add(rec)
    writer.flush()
    write_manifest(root, {"status": "done", "config": {"seed": seed}})


def read_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def file_hashes(root: Path) -> set[str]:
    return {hashlib.sha256(p.read_bytes()).hexdigest() for p in (root / "images").rglob("*.png")}


def test_quotas_split_evenly_and_hand_on_a_closed_familys_deficit():
    q = Quotas([("chart", "a"), ("chart", "b"), ("chart", "c"), ("map", "x")], 10)
    assert q.target == {("chart", "a"): 2, ("chart", "b"): 2, ("chart", "c"): 1, ("map", "x"): 5}
    q.take(("chart", "a"))
    q.close(("chart", "a"))  # a yields nothing more: its missing 1 goes to b or c of the same task
    assert q.target[("chart", "a")] == 1 and q.target[("chart", "b")] + q.target[("chart", "c")] == 4
    assert sum(q.target.values()) == 10


def test_build_fills_quotas_balances_answers_and_writes_the_binding_format(tmp_path):
    meta = build(BuildConfig(out=tmp_path / "b", n=40, seed=1, patterns=[FIXTURE]))
    questions, answers = read_lines(tmp_path / "b/questions.jsonl"), read_lines(tmp_path / "b/answers.jsonl")
    assert len(questions) == len(answers) == 40 and meta["counts"]["shortfall"] == 0
    assert [q["id"] for q in questions] == [a["id"] for a in answers]
    assert len({q["id"] for q in questions}) == 40
    assert Counter(q["family"] for q in questions) == {f: 8 for f in
                                                       ("dots.count", "dots.colour", "dots.is_red", "dots.order", "dots.box")}
    for q, a in zip(questions, answers):
        assert set(q) == {"id", "images", "question", "options", "answer_type", "task", "family", "skill"}
        assert q["task"] == "puzzle" and (tmp_path / "b" / q["images"][0]).is_file()
        if q["options"]:
            assert "\nA. " in q["question"] and q["question"].endswith("directly.")
            assert a["metric"] == "option" and option_key(a["answer"]) in map(option_key, q["options"])
        if q["answer_type"] == "bbox":
            assert a["metric"] == "iou" and a["image_size"] == [64, 64]
    # CLEVR rule: no answer more than 1.5x the next most common (or one ahead of it), per family
    by_family: dict[str, Counter] = {}
    for a in answers:
        by_family.setdefault(a["family"], Counter())[option_key(a["answer"])] += 1
    for fam, counts in by_family.items():
        top = counts.most_common()
        second = top[1][1] if len(top) > 1 else 0
        assert top[0][1] <= max(1.5 * second, second + 1), (fam, counts)
        assert meta["balance"][fam]["n"] == sum(counts.values())
        assert meta["balance"][fam]["distinct"] == len(counts)
    assert by_family["dots.is_red"] == {"yes": 4, "no": 4}  # offered 2:1 no:yes, accepted balanced
    assert meta["balance"]["dots.is_red"]["offered_ratio"] > 1.5
    assert meta["counts"]["questions_rejected_balance"] > 0
    letters = Counter("ABCD"[[option_key(o) for o in a["options"]].index(option_key(a["answer"]))]
                      for a in answers if a["options"])
    assert meta["correct_letters"] == dict(sorted(letters.items()))


def test_the_right_option_is_moved_so_every_letter_is_right_equally_often():
    from mmsynth.bench.build import _balance_letter
    from mmsynth.generator import question_prompt
    used: Counter = Counter()
    placed = [_balance_letter({"question": "Q?", "answer": "w", "options": ["w", "x", "y", "z"]}, used)
              for _ in range(12)]
    assert used == {"A": 3, "B": 3, "C": 3, "D": 3}
    assert [p["options"].index("w") for p in placed[:4]] == [0, 1, 2, 3]
    assert all(sorted(p["options"]) == ["w", "x", "y", "z"] for p in placed)
    assert "B. w" in question_prompt(placed[1])


def test_build_is_deterministic_by_seed_whatever_the_number_of_workers(tmp_path):
    for name, seed, workers in (("a", 4, 1), ("b", 4, 2), ("c", 5, 1)):
        build(BuildConfig(out=tmp_path / name, n=15, seed=seed, patterns=[FIXTURE], if_dialogues=3,
                          workers=workers))
    for f in ("questions.jsonl", "answers.jsonl", "bench.json", "if_dialogues.jsonl", "if_answers.jsonl"):
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes(), f
    assert file_hashes(tmp_path / "a") == file_hashes(tmp_path / "b")
    assert (tmp_path / "a/answers.jsonl").read_bytes() != (tmp_path / "c/answers.jsonl").read_bytes()


def test_build_shares_no_image_or_question_with_an_excluded_corpus(tmp_path):
    make_corpus(tmp_path / "train", seed=2, indexes=range(12))
    meta = build(BuildConfig(out=tmp_path / "b", n=20, seed=2, patterns=[FIXTURE], exclude=[tmp_path / "train"]))
    assert file_hashes(tmp_path / "b").isdisjoint(file_hashes(tmp_path / "train"))
    origins = [a["origin"]["index"] for a in read_lines(tmp_path / "b/answers.jsonl")]
    assert min(origins) >= 12  # the same seed remakes samples 0..11 exactly: all were rejected
    assert meta["counts"]["samples_excluded"] == 12
    corpus_pairs = {(qa["question"], hashlib.sha256((tmp_path / "train" / rec["images"][0]).read_bytes()).hexdigest())
                    for p in (tmp_path / "train/data").glob("*.jsonl") for rec in map(json.loads, p.read_text().splitlines())
                    for qa in rec["qa"]}
    bench_pairs = {(q["question"].split("\nOptions:")[0],
                    hashlib.sha256((tmp_path / "b" / q["images"][0]).read_bytes()).hexdigest())
                   for q in read_lines(tmp_path / "b/questions.jsonl")}
    assert len(bench_pairs) == 20 and not corpus_pairs & bench_pairs
    assert meta["exclude"] == [{"corpus": str(tmp_path / "train"), "images": 12,
                                "questions": sum(len(json.loads(l)["qa"]) for p in (tmp_path / "train/data").glob("*")
                                                 for l in p.read_text().splitlines())}]


def test_build_excludes_the_same_content_saved_in_another_image_format(tmp_path):
    make_corpus(tmp_path / "train", seed=2, indexes=range(12), fmt="jpg")
    meta = build(BuildConfig(out=tmp_path / "b", n=20, seed=2, patterns=[FIXTURE], exclude=[tmp_path / "train"]))
    assert meta["counts"]["samples_excluded_same_source"] == 12 and "samples_excluded" not in meta["counts"]
    assert min(a["origin"]["index"] for a in read_lines(tmp_path / "b/answers.jsonl")) >= 12


def test_build_excludes_a_corpus_made_by_the_real_pipeline(tmp_path, small_corpus):
    build(BuildConfig(out=tmp_path / "b", n=6, seed=3, patterns=["chart.bar", "dashboard.clock"],
                      exclude=[small_corpus]))
    assert file_hashes(tmp_path / "b").isdisjoint(file_hashes(small_corpus))
    made = {(json.loads(l)["generator"], json.loads(l)["meta"]["index"])
            for p in (small_corpus / "data").glob("*.jsonl") for l in p.read_text().splitlines()}
    taken = {(a["origin"]["generator"], a["origin"]["index"]) for a in read_lines(tmp_path / "b/answers.jsonl")}
    assert made and not made & taken


def test_build_from_a_corpus_takes_its_records(tmp_path):
    make_corpus(tmp_path / "c", seed=9, indexes=range(10))
    build(BuildConfig(out=tmp_path / "b", n=8, seed=0, source_corpus=tmp_path / "c", per_image=2))
    answers = read_lines(tmp_path / "b/answers.jsonl")
    records = {f"{FIXTURE}-9-{i:06d}" for i in range(10)}
    assert len(answers) == 8 and {a["origin"]["record"] for a in answers} <= records
    assert file_hashes(tmp_path / "b") <= file_hashes(tmp_path / "c")
    assert max(Counter(a["origin"]["record"] for a in answers).values()) <= 2


def test_if_track_dialogues_accumulate_compatible_instructions(tmp_path):
    build(BuildConfig(out=tmp_path / "b", n=20, seed=6, patterns=[FIXTURE], if_dialogues=6, if_max_instructions=3))
    dialogues = read_lines(tmp_path / "b/if_dialogues.jsonl")
    turns = {a["id"]: a for a in read_lines(tmp_path / "b/if_answers.jsonl")}
    assert len(dialogues) == 6
    for d in dialogues:
        assert (tmp_path / "b" / d["images"][0]).is_file() and len(d["turns"]) >= 2
        previous: list = []
        for t, turn in enumerate(d["turns"]):
            active = turns[turn["id"]]["instructions"]
            assert active[:len(previous)] == previous and 1 <= len(active) <= 3
            new = active[len(previous):]
            assert len(new) <= 1 and all(n["since"] == t and n["text"] in turn["prompt"] for n in new)
            kinds = [a["kind"] for a in active]
            assert len(set(kinds)) == len(kinds)
            assert not any(ifeval._conflicting(k, [o for o in kinds if o != k]) for k in kinds)
            previous = active
        assert turns[d["turns"][0]["id"]]["instructions"]  # the dialogue opens with a rule


def test_build_refuses_to_overwrite_and_reports_impossible_requests(tmp_path):
    build(BuildConfig(out=tmp_path / "b", n=3, seed=0, patterns=[FIXTURE]))
    with pytest.raises(UserError, match="already holds a benchmark"):
        build(BuildConfig(out=tmp_path / "b", n=3, seed=0, patterns=[FIXTURE]))
    with pytest.raises(UserError, match="did you mean"):
        build(BuildConfig(out=tmp_path / "x", n=3, patterns=["benchtest.dot"]))
    with pytest.raises(UserError, match="cannot create the benchmark folder"):
        build(BuildConfig(out=Path("/dev/null/x"), n=3, patterns=[FIXTURE]))
    with pytest.raises(UserError, match="must be at least 1"):
        build(BuildConfig(out=tmp_path / "y", n=3, patterns=[FIXTURE], workers=0))


def test_a_family_with_one_possible_answer_stops_at_one_and_its_quota_moves_on(tmp_path):
    meta = build(BuildConfig(out=tmp_path / "b", n=10, seed=0, patterns=["benchtest.const"],
                             patience=30))
    assert meta["quotas"]["puzzle/const.always_yes"] == {"planned": 5, "target": 1, "filled": 1}
    assert meta["quotas"]["puzzle/const.count"]["filled"] == 9 and meta["counts"]["shortfall"] == 0


def test_cli_build_then_score_end_to_end(tmp_path, capsys):
    bench = tmp_path / "bench"
    assert main(["bench", "build", "-g", FIXTURE, "-n", "10", "-o", str(bench), "--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert "10 questions on 10 images" in out and "dots.is_red" in out and "top/next" in out
    answers = read_lines(bench / "answers.jsonl")
    from mmsynth.generator import answer_text
    preds = tmp_path / "p.jsonl"
    preds.write_text("".join(json.dumps({"id": a["id"], "prediction": f"The answer is {answer_text(a)}."}) + "\n"
                             for a in answers))
    assert main(["bench", "score", str(bench), str(preds), "--json", "--baseline"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["overall"] == 1.0 and summary["missing"] == [] and summary["problems"] == []
    assert 0 <= summary["baselines"]["majority"]["overall"] < 1
    scores = {p.name for p in (tmp_path / "p.score").iterdir() if not p.name.startswith(".")}
    assert scores == {"summary.json", "summary.csv", "items.jsonl", "scores.png"}
    assert main(["bench", "build", "-g", FIXTURE, "--from", str(bench), "-n", "1", "-o", str(tmp_path / "x")]) == 2
    assert "not both or neither" in capsys.readouterr().err


def test_families_starved_by_exclude_warn_and_fail_with_strict(tmp_path, capsys):
    """The README trap: a benchmark drawn with the training corpus's seed gets every
    sample of some families excluded; it must say so, and --strict must refuse."""
    make_corpus(tmp_path / "train", seed=5, indexes=range(40))
    args = ["bench", "build", "-g", FIXTURE, "-g", "benchtest.const", "-n", "10", "--seed", "5",
            "--exclude", str(tmp_path / "train"), "--patience", "20"]
    assert main(args + ["-o", str(tmp_path / "b")]) == 0
    err = capsys.readouterr().err
    assert "5 families lost most of their quota to --exclude" in err and "dots.count 0/1" in err
    assert "generated with the same --seed 5" in err
    meta = json.loads((tmp_path / "b/bench.json").read_text())
    assert {c["family"] for c in meta["collapsed"]} == {"dots.count", "dots.colour", "dots.is_red", "dots.order",
                                                        "dots.box"}
    assert main(args + ["-o", str(tmp_path / "s"), "--strict"]) == 2
    assert "lost most of their quota" in capsys.readouterr().err
    assert not (tmp_path / "s/bench.json").exists() and not (tmp_path / "s/images").exists()
    other_seed = [a if a != "5" else "6" for a in args]
    assert main(other_seed + ["-o", str(tmp_path / "ok"), "--strict"]) == 0  # another seed is fine


def test_build_help_documents_the_seed_and_its_default_differs_from_generate(capsys):
    from mmsynth.bench import DEFAULT_SEED
    with pytest.raises(SystemExit):
        main(["bench", "build", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "--seed SEED run seed of the generators" in out and f"default {DEFAULT_SEED}, not generate's 0" in out
    assert DEFAULT_SEED != 0 and BuildConfig(out=Path("x"), n=1).seed == DEFAULT_SEED
