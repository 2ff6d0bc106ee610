"""An `mmsynth instruct` run over a corpus of every generator (4 records each, 212 in all)
against a loopback chat server, the tests' FakeLLM, that plays a careful LLM: it writes each
kind's instruction and answers with facts copied from the verbalisation it was sent, and
plants a known share of mistakes (a wrong number, a name not in the image, a value rounded
within tolerance, a refusal, an instruction that gives the answer away). Prints the counts
per instruction kind and per drop reason, how many planted mistakes were caught, and how many
faithful answers the checker dropped (its false positives).

    python perf/instruct_loopback.py [--out /tmp/instruct-perf]
"""
from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
import zlib
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from test_llm import FakeLLM  # the loopback server the tests use

from mmsynth import registry
from mmsynth.describe import verbalise
from mmsynth.instruct.run import KINDS, InstructConfig, InstructRun, summary
from mmsynth.llm import ChatClient
from mmsynth.pipeline import GenerateConfig, generate
from mmsynth.validate import validate_corpus

PLANTS = {"wrong_number": 0.15, "foreign_name": 0.10, "rounded": 0.10, "refusal": 0.05, "reveal": 0.05}
INSTRUCTIONS = {   # what the simulated LLM asks, per kind
    "audience": "Describe this image for a new colleague who has not seen it.",
    "summarise": "Give a short summary of the main points of this image.",
    "compare": "Compare the two most prominent items shown in this image.",
    "trend": "Explain the overall pattern in the data shown here.",
    "email": "Write a short email to a colleague reporting what this image shows.",
    "report": "Write a brief report for a manager on what this image shows.",
    "social": "Write a tweet of at most 280 characters about this image.",
    "advice": "Give one practical recommendation that follows from this image.",
    "quiz": "Make a quiz of 2 questions, with answers, about this image.",
    "route": "Plan a way through the places shown and explain it.",
    "critique": "Critique the design of this chart: what is clear and what could improve?",
    "explain_steps": "Explain the process shown step by step for someone following it.",
    "story": "Write a very short story that uses the things shown in this image.",
    "question_answer": "Which two facts of this image together say the most about it?",
}


# a value to round: 40.64 (not a date's 17.01.2022) or a count or amount of 20 or more before a word
ROUNDABLE = re.compile(r"(?<![\w.,])(\d+\.\d\d|[2-9]\d|[1-9]\d{2,})(?![\d.,])(?=[^\d.,]|$)")


def _round(m: re.Match) -> str:
    """40.64 -> 40.6; 47 -> about 50 (a hedged round number)."""
    v = float(m.group(1))
    return f"{v:.1f}" if "." in m.group(1) else f"about {round(v, -1 if v < 1000 else -2):.0f}"


FORMATS = {   # how the simulated LLM lays out a faithful answer, per kind ({told}: the facts it repeats)
    "email": "Dear colleague,\n\n{told}\n\nBest regards,\n[Your Name]",
    "social": "{told} #data #insights",
    "quiz": "Q1: What does the image show? A: {first}\nQ2: What else does it show? A: {rest}",
    "report": "Report\n\n{told}\n\nConclusion: the figures above are all the image shows.",
    "story": "Once upon a time, someone looked closely at this image. {told} The end.",
    "advice": "My recommendation rests on these facts: {told}",
    "route": "Here is the way through. {told}",
    "explain_steps": "Follow these steps. {told}",
}


def plant_of(facts: str) -> str | None:
    """The mistake planted in the answer about these facts (None: a faithful answer)."""
    r = random.Random(zlib.crc32(facts.encode())).random()
    for name, share in PLANTS.items():
        if r < share:
            break
        r -= share
    else:
        return None
    told = _told(facts)
    if name == "wrong_number" and not re.search(r"\d", told) or name == "rounded" and not ROUNDABLE.search(told):
        return None        # nothing to change: the answer stays faithful
    return name


def _told(facts: str) -> str:
    """What a faithful answer says: the first three facts."""
    return " ".join(x[2:] for x in facts.splitlines()[:3])


def llm(body: dict) -> str:
    user = body["messages"][-1]["content"]
    facts = user.split("Facts about the image:\n", 1)[1].split("\n\n", 1)[0]
    answer = _told(facts)
    plant = plant_of(facts)
    if body["messages"][0]["content"].startswith("You write instructions"):
        kind = next(k for k, v in KINDS.items() if v["seed"] in user)
        ask = INSTRUCTIONS[kind]
        return f"Instruction: {ask} {answer}" if plant == "reveal" else ask
    if plant == "wrong_number" and re.search(r"\d", answer):
        answer = re.sub(r"\d+(\.\d+)?", lambda m: str(int(float(m.group(0)) * 3 + 7)), answer, count=1)
    elif plant == "foreign_name":
        answer += " Wellington checked these figures."
    elif plant == "rounded":
        answer = ROUNDABLE.sub(_round, answer, count=1)
    elif plant == "refusal":
        answer = "The exact figures are not provided in the image."
    kind = next(k for k, v in KINDS.items() if INSTRUCTIONS[k] in user)
    first, _, rest = answer.partition(". ")
    return FORMATS.get(kind, "Here is what the image shows. {told}").format(told=answer, first=first, rest=rest)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--out", default="/tmp/instruct-perf")
    p.add_argument("--per-generator", type=int, default=4, help="records per generator (4: 204 in all)")
    args = p.parse_args()
    root = Path(args.out)
    corpus, out = root / "corpus", root / "instruct"
    names = [n for n in registry.names("*") if registry.get(n).can_generate()]
    if not (corpus / "manifest.json").exists():
        generate(GenerateConfig(generators=names, n=args.per_generator, seed=0, per_generator=True), corpus, workers=2, progress=False)
    shutil.rmtree(out, ignore_errors=True)
    fake = FakeLLM(reply=llm)
    m = InstructRun(InstructConfig(corpus=str(corpus), llm=fake.url, model="loopback"), out,
                    ChatClient(fake.url, "loopback", concurrency=8, retries=0), progress=False).run()
    fake.close()
    print(summary(m))
    planted, caught = Counter(), Counter()
    sent = {}
    for rec in (json.loads(x) for f in sorted((corpus / "data").glob("*.jsonl")) for x in f.read_text().splitlines()):
        sent[rec["id"]] = plant_of(verbalise(rec["generator"], rec["source"]))
    kept = {json.loads(x)["meta"]["instruct"]["from"] for f in (out / "data").glob("*.jsonl")
            for x in f.read_text().splitlines()}
    for rid, plant in sent.items():
        planted[plant or "faithful"] += 1
        caught[plant or "faithful"] += rid not in kept
    print("\nplanted       records  dropped")
    for k in ["faithful", *PLANTS]:
        print(f"{k:13} {planted[k]:>7} {caught[k]:>8}")
    print(f"validate on the output: {validate_corpus(out, progress=False).failures} failures")
    print("\none kept example per kind:")
    shown = set()
    for f in sorted((out / "data").glob("*.jsonl")):
        for rec in map(json.loads, f.read_text().splitlines()):
            qa = rec["qa"][0]
            if qa["params"]["kind"] not in shown:
                shown.add(qa["params"]["kind"])
                print(json.dumps({"kind": qa["params"]["kind"], "generator": rec["generator"],
                                  "instruction": qa["question"], "answer": qa["answer"],
                                  "facts_checked": len(qa["params"]["facts"])}))


if __name__ == "__main__":
    main()
