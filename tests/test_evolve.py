"""mmsynth evolve: evolved answers recompute from the source (checked here by a separate
evaluator, not the verifier), elimination rules, determinism, resume, bad input, and LLM
rewriting against a real HTTP server on loopback."""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from mmsynth import registry
from mmsynth.cli import main
from mmsynth.corpus import load_records
from mmsynth.evolve import run as evolve_run
from mmsynth.evolve.operators import COMPOSITES, OPERATORS, Context, steps
from mmsynth.evolve.rewrite import check_rewrite, key_terms
from mmsynth.evolve.run import EvolveConfig, EvolveRun
from mmsynth.generator import answer_text
from mmsynth.llm import ChatClient
from mmsynth.record import format_answer, option_key
from mmsynth.validate import validate_corpus
from test_llm import FakeLLM

GENERATORS = ["chart.bar", "table.basic", "graph.family", "puzzle.maze", "flowchart.process", "scene.multi.count"]


@pytest.fixture(scope="module")
def seed_corpus(tmp_path_factory) -> Path:
    from mmsynth.pipeline import GenerateConfig, generate
    out = tmp_path_factory.mktemp("seed") / "c"
    generate(GenerateConfig(generators=GENERATORS, n=36, seed=5, shard_size=6), out, workers=1, progress=False)
    return out


@pytest.fixture(scope="module")
def evolved(seed_corpus, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("evo") / "e"
    EvolveRun(EvolveConfig(corpus=str(seed_corpus)), out, progress=False).run()
    return out


def shard_bytes(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((root / "data").glob("*.jsonl"))}


def recompute(families: dict, spec: dict, qa: dict):
    """The answer of a question, computed from scratch: base questions by their family's
    solver, evolved ones from their parts' recomputed answers (not their stored ones)."""
    name, params = qa["family"], qa.get("params") or {}
    if name in COMPOSITES:
        parts = params["parts"]
        got = [recompute(families, spec, p) for p in parts]
        if name == "evolve.sum":
            return got[0] + got[1]
        if name == "evolve.difference":
            assert got[0] > got[1]
            return got[0] - got[1]
        if name == "evolve.compare":
            assert got[0] != got[1]
            return "yes" if got[0] > got[1] else "no"
        if name == "evolve.conditional":
            return got[1] if got[0] == "yes" else got[2]
        if name == "evolve.judge":
            right = format_answer(got[0], parts[0]["answer_type"])
            return "yes" if option_key(params["candidate"]) == option_key(right) else "no"
        if name == "evolve.explain":
            return got[0]
        raise AssertionError(name)
    fam = families[name]
    answer = fam.solve(spec, **params).answer
    return format_answer(answer, fam.answer_type) if qa.get("options") else answer


def same(a, b) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def test_every_evolved_answer_recomputes_from_the_source(evolved):
    records = load_records(evolved)
    seen_ops, composites = set(), 0
    for rec in records:
        families = {f.name: f for f in registry.create(rec["generator"]).families}
        for qa in rec["qa"]:
            assert same(recompute(families, rec["source"], qa), qa["answer"]), (rec["id"], qa)
            if "evolution" in qa:
                seen_ops.add(qa["evolution"]["op"])
            composites += qa["family"] in COMPOSITES
    assert seen_ops == set(OPERATORS), f"operators never kept: {set(OPERATORS) - seen_ops}"
    assert composites > len(records) / 2
    report = validate_corpus(evolved, progress=False)
    assert report.failures == 0, report.problems[:3]


def test_evolution_makes_questions_deeper_and_keeps_conversations_in_step(seed_corpus, evolved):
    before = {r["id"]: r for r in load_records(seed_corpus)}
    after = load_records(evolved)
    assert [r["id"] for r in after] == sorted(before, key=[r["id"] for r in after].index)
    mean = lambda recs: np.mean([steps(q) for r in recs for q in r["qa"]])  # noqa: E731
    assert mean(before.values()) == 1 and mean(after) > 1.3
    for rec in after:
        assert len(rec["meta"]["evolution"]) == 3
        assert rec["source"] == before[rec["id"]]["source"] and rec["images"] == before[rec["id"]]["images"]
        assistant = [t["content"] for t in rec["conversations"] if t["role"] == "assistant"]
        assert assistant == [answer_text(q) for q in rec["qa"]]
        first = rec["conversations"][0]["content"]
        assert first.count("<image>") == len(rec["images"])
        assert first.startswith(before[rec["id"]]["conversations"][0]["content"].split("<image>")[0])
        for qa in rec["qa"]:
            if qa["family"] == "evolve.explain":
                assert answer_text(qa) == f"{qa['rationale'].strip()}\nAnswer: {format_answer(qa['answer'], qa['answer_type'])}"
        for f in rec["images"]:
            assert (evolved / f).read_bytes() == (seed_corpus / f).read_bytes()


def test_evolving_is_deterministic_and_the_seed_matters(seed_corpus, evolved, tmp_path):
    EvolveRun(EvolveConfig(corpus=str(seed_corpus)), tmp_path / "again", progress=False).run()
    assert shard_bytes(tmp_path / "again") == shard_bytes(evolved)
    EvolveRun(EvolveConfig(corpus=str(seed_corpus), seed=1), tmp_path / "other", progress=False).run()
    assert shard_bytes(tmp_path / "other") != shard_bytes(evolved)


def test_tampered_evolved_answers_and_parts_fail_validation(evolved, tmp_path):
    import shutil
    bad = tmp_path / "bad"
    shutil.copytree(evolved, bad)
    hits, first = 0, None                  # two tampered records, each failing once
    for shard in sorted((bad / "data").glob("*.jsonl")):
        recs = [json.loads(line) for line in shard.read_text().splitlines()]
        for rec in recs:
            for qa in rec["qa"]:
                if qa["family"] == "evolve.sum" and hits == 0:
                    qa["answer"] += 1                                    # the combination
                    hits, first = hits + 1, rec["id"]
                elif qa["family"] in ("evolve.compare", "evolve.difference") and hits == 1 and rec["id"] != first:
                    part = qa["params"]["parts"][1]
                    part["answer"] = part["answer"] + 100               # a part's stored answer
                    hits += 1
        shard.write_text("".join(json.dumps(r) + "\n" for r in recs))
    assert hits == 2, "the corpus should hold a sum, then a comparison or difference"
    report = validate_corpus(bad, progress=False)
    assert sum(r["answers"] for r in report.rows.values()) == 2
    assert any("evolve.sum: stored" in p for p in report.problems)
    assert any("part 2" in p for p in report.problems)


def test_elimination_rules_hold_and_are_counted(seed_corpus, tmp_path):
    m = EvolveRun(EvolveConfig(corpus=str(seed_corpus), max_steps=2, max_question_chars=120),
                  tmp_path / "e", progress=False).run()
    c = m["counts"]
    assert c["eliminated.too_complex"] > 0 and c["eliminated.too_long"] > 0
    for rec in load_records(tmp_path / "e"):
        for qa in rec["qa"]:
            if "evolution" in qa:
                assert steps(qa) <= 2 and len(answer_text(qa)) > 0
        results = [h["result"] for h in rec["meta"]["evolution"]]
        kept_here = sum(1 for q in rec["qa"] if "evolution" in q)
        assert kept_here <= results.count("kept")
    assert sum(v for k, v in c.items() if k.startswith(("kept.", "eliminated."))) == 3 * c["records"]


def test_directions_restrict_the_operators(seed_corpus, tmp_path):
    EvolveRun(EvolveConfig(corpus=str(seed_corpus), directions=["reasoning"], rounds=1), tmp_path / "r",
              progress=False).run()
    ops = {h["op"] for r in load_records(tmp_path / "r") for h in r["meta"]["evolution"] if h["op"]}
    assert ops and ops <= {n for n, o in OPERATORS.items() if o.direction == "reasoning"}


def test_operators_on_a_spec_with_ties_refuse_rather_than_guess():
    from mmsynth.errors import NotApplicable
    gen = registry.create("chart.bar")
    rng = np.random.default_rng(0)
    spec = gen.sample_spec(rng)
    fam = {f.name: f for f in gen.families}
    base = dict(question="q", options=None, skill="perception", rationale=None)
    equal = [dict(base, family="chart.value", answer_type="number", answer=5, params={"label": "x"}),
             dict(base, family="chart.value", answer_type="number", answer=5, params={"label": "y"})]
    ctx = Context(spec, {"chart.value": fam["chart.value"]}, equal)
    with pytest.raises(NotApplicable):   # 5 vs 5: neither larger, and no fresh question may stand in
        OPERATORS["evolve.compare"].combine(equal, {})
    with pytest.raises(NotApplicable):
        OPERATORS["evolve.difference"].combine(equal, {})
    assert ctx.open_parts(("number",)) == [0, 1]


def test_interrupted_run_resumes_to_the_same_corpus(seed_corpus, evolved, tmp_path, monkeypatch):
    out = tmp_path / "e"
    calls = {"n": 0}
    real = EvolveRun.process

    def flaky(self, path, bar):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real(self, path, bar)

    monkeypatch.setattr(EvolveRun, "process", flaky)
    with pytest.raises(KeyboardInterrupt):
        EvolveRun(EvolveConfig(corpus=str(seed_corpus)), out, progress=False).run()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "interrupted" and len(manifest["shards"]) == 2
    monkeypatch.setattr(EvolveRun, "process", real)
    assert main(["evolve", str(seed_corpus), "-o", str(out), "-q"]) == 2     # holds a run: needs --resume
    assert main(["evolve", str(seed_corpus), "-o", str(out), "--resume", "-q"]) == 0
    assert shard_bytes(out) == shard_bytes(evolved)
    assert json.loads((out / "manifest.json").read_text())["status"] == "complete"


def wrong_answer(qa: dict):
    """An answer of the right form that does not recompute (so the record is unverified, not invalid)."""
    if qa.get("options"):
        return next(o for o in qa["options"] if o != qa["answer"])
    if qa["answer_type"] == "yesno":
        return "no" if qa["answer"] == "yes" else "yes"
    if qa["answer_type"] == "number":
        return qa["answer"] + 1
    return "definitely wrong"


def test_bad_records_are_skipped_and_counted(seed_corpus, tmp_path):
    import shutil
    src = tmp_path / "src"
    shutil.copytree(seed_corpus, src)
    shard = sorted((src / "data").glob("*.jsonl"))[0]
    lines = shard.read_text().splitlines()
    recs = [json.loads(x) for x in lines]
    recs[1]["generator"] = "chart.nope"
    recs[2]["qa"][0]["answer"] = wrong_answer(recs[2]["qa"][0])
    recs[3]["images"] = ["images/none.png"]
    recs[3]["conversations"][0]["content"] = recs[3]["conversations"][0]["content"]
    recs[4]["task"] = "poetry"
    shard.write_text(lines[0] + "\n{not json\n" + "".join(json.dumps(r) + "\n" for r in recs[1:]))
    m = EvolveRun(EvolveConfig(corpus=str(src)), tmp_path / "e", progress=False).run()
    c = m["counts"]
    assert (c["skipped.corrupt"], c["skipped.unknown_generator"], c["skipped.unverified"],
            c["skipped.missing_image"], c["skipped.invalid"]) == (1, 1, 1, 1, 1)
    assert c["records"] == 36 - 4
    assert validate_corpus(tmp_path / "e", progress=False).failures == 0


@pytest.mark.parametrize("args, message", [
    (["evolve", "/nonexistent/corpus", "-o", "OUT"], "no such corpus folder"),
    (["evolve", "SEED", "-o", "OUT", "--directions", "sideways"], "unknown direction sideways"),
    (["evolve", "SEED", "-o", "OUT", "--rounds", "0"], "--rounds must be at least 1"),
    (["evolve", "SEED", "-o", "SEED"], "another folder than its source"),
    (["evolve", "SEED", "-o", "OUT", "--llm", "http://127.0.0.1:9"], "--llm and --model go together"),
])
def test_cli_mistakes_are_one_line_errors(seed_corpus, tmp_path, capsys, args, message):
    args = [str(seed_corpus) if a == "SEED" else str(tmp_path / "o") if a == "OUT" else a for a in args]
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1


def test_cli_prints_figures_and_writes_the_plot(seed_corpus, tmp_path, capsys):
    assert main(["evolve", str(seed_corpus), "-o", str(tmp_path / "e"), "--rounds", "2", "-q"]) == 0
    out = capsys.readouterr().out
    assert "status complete: 36 records" in out and "mean reasoning steps 1.00 ->" in out
    assert (tmp_path / "e" / "evolution.png").read_bytes()[:4] == b"\x89PNG"


# --- LLM rewriting ---------------------------------------------------------------------
def _template_of(body: dict) -> str:
    return body["messages"][-1]["content"]


def test_key_terms_skip_template_scaffolding():
    part = {"question": "What is the value of Books?", "family": "chart.value", "params": {"label": "Books"},
            "answer": 12, "answer_type": "number"}
    other = {"question": "How many bars are taller than 40?", "family": "chart.count_above",
             "params": {"threshold": 40}, "answer": 3, "answer_type": "number"}
    qa = {"question": "Answer two questions about the image and add the answers. (1) What is the value of "
                      "Books? (2) How many bars are taller than 40? What is the sum?",
          "family": "evolve.sum", "params": {"parts": [part, other]}, "answer": 15, "answer_type": "number"}
    assert key_terms(qa) == ["40", "books"]
    good = "What do you get if you add the number of bars taller than 40 to the value of Books?"
    assert check_rewrite(qa, good, 600) == (good, "")
    assert check_rewrite(qa, "What is the value of Books plus the number of tall bars?", 600) == (None, "lost_content")
    assert check_rewrite(qa, "Books plus bars over 40: is it 15?", 600) == (None, "leaks_answer")
    assert check_rewrite(qa, "<think>hmm</think>\n", 600) == (None, "empty")
    assert check_rewrite(qa, good, 40) == (None, "too_long")
    assert check_rewrite(qa, f"Rewritten question: \"{good}\"", 600) == (good, "")


def test_llm_rewrites_are_checked_and_answers_stay_computed(seed_corpus, evolved, tmp_path):
    def reply(body):
        t = _template_of(body)
        if "add the answers" in t:       # a faithful rewrite: the template minus its scaffolding
            return "Rewritten question: " + t.replace("Answer two questions about the image and add the answers. ",
                                                      "Add up: ").replace(" What is the sum?", "")
        return "Sure! What is it?"      # drops the content: must be rejected
    fake = FakeLLM(reply=reply)
    out = tmp_path / "e"
    client = ChatClient(fake.url, "m", cache_dir=out / ".llm_cache", retries=0)
    m = EvolveRun(EvolveConfig(corpus=str(seed_corpus), llm=fake.url, model="m"), out, client,
                  progress=False).run()
    c = m["counts"]
    assert c["rewrites.accepted"] > 0 and c["rewrites.rejected.lost_content"] > 0
    assert m["status"] == "complete"
    plain = {r["id"]: r for r in load_records(evolved)}
    rewritten = 0
    for rec in load_records(out):
        for qa, ref in zip(rec["qa"], plain[rec["id"]]["qa"]):
            assert qa["answer"] == ref["answer"]          # the LLM never decides an answer
            template = qa.get("evolution", {}).get("template")
            if template:
                rewritten += 1
                assert qa["question"].startswith("Add up: ") and template.startswith("Answer two questions")
            elif qa.get("evolution", {}).get("round") == 3:
                assert qa["question"] == ref["question"]
    assert rewritten > 0
    assert validate_corpus(out, progress=False).failures == 0
    n = len(fake.requests)                               # a rerun pays for nothing: every reply is cached
    again = tmp_path / "again"
    client = ChatClient(fake.url, "m", cache_dir=out / ".llm_cache", retries=0)
    EvolveRun(EvolveConfig(corpus=str(seed_corpus), llm=fake.url, model="m"), again, client, progress=False).run()
    assert len(fake.requests) == n and shard_bytes(again) == shard_bytes(out)


def test_llm_failures_leave_the_run_resumable(seed_corpus, tmp_path, capsys):
    fake = FakeLLM(mode="fail")
    out = tmp_path / "e"
    args = ["evolve", str(seed_corpus), "-o", str(out), "--llm", fake.url, "--model", "m", "--retries", "0", "-q"]
    assert main(args) == 1
    m = json.loads((out / "manifest.json").read_text())
    assert m["status"] == "incomplete" and m["counts"]["rewrites.failed"] > 0
    assert validate_corpus(out, progress=False).failures == 0        # template wording, still right
    assert "--resume" in capsys.readouterr().err
    fake.mode = "ok"
    fake.reply = lambda body: _template_of(body)                      # a rewrite that changes nothing is fine
    assert main(args + ["--resume"]) == 0
    m = json.loads((out / "manifest.json").read_text())
    assert m["status"] == "complete" and "rewrites.failed" not in m["counts"]


def test_llm_server_down_is_one_line_and_keeps_finished_shards(seed_corpus, tmp_path, capsys):
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    out = tmp_path / "e"
    assert main(["evolve", str(seed_corpus), "-o", str(out), "--llm", f"http://127.0.0.1:{port}", "--model", "m",
                 "--retries", "0", "-q"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "127.0.0.1" in err
    assert json.loads((out / "manifest.json").read_text())["status"] == "interrupted"


def test_bench_build_takes_evolved_questions(evolved, tmp_path):
    from mmsynth.bench.build import BuildConfig, build
    build(BuildConfig(out=tmp_path / "b", n=20, seed=0, source_corpus=evolved))
    answers = [json.loads(x) for x in (tmp_path / "b" / "answers.jsonl").read_text().splitlines()]
    assert any(a["family"].startswith("evolve.") for a in answers)


def test_evolve_module_reads_its_phrasings_for_every_composite():
    from mmsynth.evolve.operators import phrasings
    assert set(COMPOSITES) == set(phrasings())
    assert all(len(v) >= 3 for v in phrasings().values())
    assert evolve_run.DIRECTIONS == ("perception", "reasoning", "interaction")
