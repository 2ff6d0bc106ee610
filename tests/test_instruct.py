"""mmsynth instruct against a real HTTP server on loopback whose answers plant unsupported
facts: a wrong number and a name not in the image are dropped, a value rounded within
tolerance is kept; the checker's rules one by one; validate re-runs the check; a dead or
garbage-answering server; resume; the CLI."""
from __future__ import annotations

import json
import re
import shutil
import zlib

import pytest

from mmsynth.cli import main
from mmsynth.corpus import load_records
from mmsynth.describe import verbalise
from mmsynth.instruct.facts import check
from mmsynth.instruct.judge import judge
from mmsynth.instruct.run import KINDS, InstructConfig, InstructRun
from mmsynth.llm import ChatClient
from mmsynth.validate import validate_corpus
from test_llm import FakeLLM

MODES = ("wrong_number", "foreign_name", "rounded")


@pytest.fixture(scope="module")
def receipts(tmp_path_factory):
    from mmsynth.pipeline import GenerateConfig, generate
    out = tmp_path_factory.mktemp("instruct") / "c"
    generate(GenerateConfig(generators=["textrich.receipt"], n=12, seed=5, shard_size=6), out, workers=1,
             progress=False)
    return out


def mode_of(verbalisation: str) -> str:
    return MODES[zlib.crc32(verbalisation.encode()) % 3]


def planted(body: dict) -> str:
    """The loopback LLM: an instruction, then an answer built from the facts it was sent,
    with one planted fact chosen by the facts' hash."""
    user = body["messages"][-1]["content"]
    if body["messages"][0]["content"].startswith("You write instructions"):
        return "Instruction: Write a short note to the shop manager about this receipt."
    facts = user.split("Facts about the image:\n", 1)[1].split("\n\nInstruction:", 1)[0]
    title = re.search(r'headed "([^"]+)"|titled "([^"]+)"|heading "([^"]+)"', facts)
    title = next(g for g in title.groups() if g)
    total = float(re.search(r"total comes to \D*(\d+\.\d+)", facts).group(1))
    mode = mode_of(facts)
    if mode == "wrong_number":
        return f"Dear manager, the receipt from {title} comes to ${3 * total + 0.07:.2f} in all."
    if mode == "foreign_name":
        return f"Dear manager, the receipt from {title} was checked by Wellington at the till."
    return f"Dear manager, the receipt from {title} comes to ${total:.1f} in all, about ${round(total)}."


def test_planted_unsupported_facts_are_dropped_and_a_rounded_value_kept(receipts, tmp_path):
    fake = FakeLLM(reply=planted)
    out = tmp_path / "i"
    cfg = InstructConfig(corpus=str(receipts), llm=fake.url, model="m", kinds=["email"])
    m = InstructRun(cfg, out, ChatClient(fake.url, "m", cache_dir=out / ".llm_cache", retries=0),
                    progress=False).run()
    expected = {r["id"]: mode_of(verbalise(r["generator"], r["source"])) for r in load_records(receipts)}
    assert set(expected.values()) == set(MODES), "the corpus should plant every kind of fact"
    c = m["counts"]
    assert c["dropped.unsupported_number"] == sum(v == "wrong_number" for v in expected.values())
    assert c["dropped.unsupported_name"] == sum(v == "foreign_name" for v in expected.values())
    kept = load_records(out)
    assert {r["meta"]["instruct"]["from"] for r in kept} == {k for k, v in expected.items() if v == "rounded"}
    for rec in kept:
        qa = rec["qa"][0]
        assert qa["family"] == "instruct.email" and qa["long_answer"] and qa["answer_type"] == "text"
        assert qa["params"]["verbalisation"] == verbalise(rec["generator"], rec["source"])
        numbers = [f for f in qa["params"]["facts"] if f["type"] == "number"]
        assert len(numbers) == 2 and all(f["supported"] for f in numbers)
        assert rec["conversations"][1]["content"] == qa["answer"]
    assert m["status"] == "complete" and (out / "instruct.png").stat().st_size > 0
    assert validate_corpus(out, progress=False).failures == 0


def test_validate_reruns_the_fact_check(receipts, tmp_path):
    fake = FakeLLM(reply=planted)
    out = tmp_path / "i"
    InstructRun(InstructConfig(corpus=str(receipts), llm=fake.url, model="m", kinds=["email"]), out,
                ChatClient(fake.url, "m", retries=0), progress=False).run()
    bad = tmp_path / "bad"
    shutil.copytree(out, bad)
    shard = next((bad / "data").glob("*.jsonl"))
    recs = [json.loads(x) for x in shard.read_text().splitlines()]
    recs[0]["qa"][0]["answer"] = recs[0]["qa"][0]["answer"].replace("Dear manager", "Dear Wellington")
    shard.write_text("".join(json.dumps(r) + "\n" for r in recs))
    report = validate_corpus(bad, progress=False)
    assert report.failures == 1 and any("unsupported name" in p for p in report.problems)


VERBAL = """- This bar chart, titled "Sales by shop", shows sales for 3 shops.
- Books has the highest sales (92 units), and Games the lowest (40.64 units).
- Books 92 units, Toys 71 units, Games 40.64 units.
- It is dated 13 Dec 2018; doors open 10:00 AM."""


@pytest.mark.parametrize("text, reason", [
    ("Books sold 92 units, 21 more than Toys.", None),                 # a difference of two values
    ("Games sold about 41 units, Books roughly 90.", None),           # hedged rounding
    ("Games sold 40.6 units.", None),                                  # rounding to the digits shown
    ("Sales totalled 203.64 units.", None),                            # a line's total
    ("Books sold 93 units.", "unsupported_number"),
    ("Games sold 41.7 units.", "unsupported_number"),
    ("Books outsold Toys in Tokyo.", "unsupported_name"),
    ('The chart is called "Sales by town".', "unsupported_quote"),
    ('The chart is called "Sales by shop".', None),
    ("It was printed on December 13, 2018 and doors open at 10 am.", None),
    ("It was printed on 14 December 2018.", "unsupported_date"),
    ("Doors open at 11:00.", "unsupported_time"),
    ("Dear Team,\n\nOverall, Books lead.\n\nBest regards,\n[Your Name]", None),
])
def test_checker_rules(text, reason):
    assert check(text, VERBAL).reason() == reason


@pytest.mark.parametrize("instruction, answer, reason", [
    ("Write a tweet about the sales of Books.", "Books led with 92 units!", None),
    ("Compare the sales of Books with those in Paris.", "Books led.", "instruction_unsupported"),
    ("Summarise it.", "Books led.", "bad_instruction"),
    ("Summarise the chart in 3 sentences.", "Books led with 92 units, Toys 71 and Games 40.64.", None),
    ("Explain why Books led with 92 units while Games sold 40.64 units.",
     "Books led with 92 units while Games sold 40.64 units.", "reveals_answer"),
    ("Write an email about the sales of Toys.", "The sales of Toys are not provided.", "unanswerable"),
    ("Write an email about the sales of Toys.", "   ", "empty_answer"),
])
def test_instruction_rules(instruction, answer, reason):
    assert judge(instruction, answer, VERBAL)[0] == reason


def test_kinds_are_data_and_cover_every_task():
    from mmsynth.record import TASKS
    assert len(KINDS) >= 12
    for task in set(TASKS) - {"ocr"}:
        assert sum(k["tasks"] == "*" or task in k["tasks"] for k in KINDS.values()) >= 6


def test_garbage_server_leaves_the_run_resumable(receipts, tmp_path, capsys):
    fake = FakeLLM(mode="malformed")
    out = tmp_path / "i"
    args = ["instruct", str(receipts), "-o", str(out), "--llm", fake.url, "--model", "m", "--retries", "0",
            "--kinds", "email", "-q"]
    assert main(args) == 1
    m = json.loads((out / "manifest.json").read_text())
    assert m["status"] == "incomplete" and m["counts"]["failed.llm"] > 0
    assert "--resume" in capsys.readouterr().err
    fake.mode, fake.reply = "ok", planted
    assert main(args + ["--resume"]) == 0
    m = json.loads((out / "manifest.json").read_text())
    assert m["status"] == "complete" and m["counts"]["records_out"] > 0
    assert "dropped unsupported_number" in capsys.readouterr().out


def test_dead_server_and_mistakes_are_one_line_errors(receipts, tmp_path, capsys):
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    assert main(["instruct", str(receipts), "-o", str(tmp_path / "i"), "--llm", f"http://127.0.0.1:{port}",
                 "--model", "m", "--retries", "0", "-q"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "127.0.0.1" in err
    assert main(["instruct", str(receipts), "-o", str(tmp_path / "j")]) == 2
    assert "--llm" in capsys.readouterr().err
    assert main(["instruct", str(receipts), "-o", str(tmp_path / "k"), "--llm", "http://x", "--model", "m",
                 "--kinds", "poem"]) == 2
    assert "unknown instruction kind poem" in capsys.readouterr().err
