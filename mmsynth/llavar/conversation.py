"""LLM-written conversations about an image's text (the LLaVAR recipe): the prompt, the
parser of ``Question: ... / Answer: ...`` replies, and the check that every answer that
quotes text quotes text the OCR actually saw.
"""
from __future__ import annotations

import functools
import re
from pathlib import Path

import yaml

from mmsynth.ocr import edit_distance, region_of

QUOTED = re.compile(r"[\"“”]([^\"“”]{1,200})[\"“”]|(?<![\w])'([^']{2,200})'(?![\w])")
TURN = re.compile(r"^\s*(?:\d+[.)]\s*)?(?:\*\*)?(question|answer|q|a)(?:\*\*)?\s*[:：](?:\*\*)?\s*(.*)$", re.I)
OCR_MENTION = re.compile(r"\bOCR\b|optical character|text recogni[sz]|recogni[sz]ed text", re.I)
READING_QUESTION = re.compile(r"\b(say|says|written|write|read|reads|text|title|name|named|called|word|words|"
                              r"label|heading|spell)\b", re.I)
THINKING = re.compile(r"<think>.*?(?:</think>|$)", re.S)  # reasoning models' scratchpad, never turns
SHORT_ANSWER_WORDS = 8


@functools.lru_cache(maxsize=None)
def prompt_data() -> dict:
    return yaml.safe_load(Path(__file__).with_name("prompt.yaml").read_text())


def describe_text(src: dict) -> str:
    """The image's text for the prompt: one quoted line per OCR line, with its coarse position."""
    rows = [f"\"{ln['text']}\" ({region_of(ln['box'], src['width'], src['height'])})" for ln in src["lines"]]
    return "Text in the image:\n" + "\n".join(rows)


def build_messages(src: dict, caption: str | None = None) -> list[dict]:
    """The chat request: system recipe, one worked example, then this image's text (and caption)."""
    p = prompt_data()
    user = describe_text(src) + (f"\nCaption: {caption.strip()}" if caption else "")
    return [{"role": "system", "content": p["system"].strip()},
            {"role": "user", "content": p["example_input"].strip()},
            {"role": "assistant", "content": p["example_output"].strip()},
            {"role": "user", "content": user}]


def parse_turns(reply: str) -> list[tuple[str, str]]:
    """``Question:``/``Answer:`` pairs from a reply; lines between belong to the open part;
    a question without an answer, text before the first question and ``<think>`` blocks are ignored."""
    turns: list[list[str]] = []
    part = None
    for raw in THINKING.sub("", reply).splitlines():
        m = TURN.match(raw)
        if m:
            part = "q" if m.group(1).lower() in ("question", "q") else "a"
            if part == "q":
                turns.append([m.group(2).strip(), ""])
            elif turns and not turns[-1][1]:
                turns[-1][1] = m.group(2).strip()
            else:
                part = None  # an answer without its question
        elif part and turns and raw.strip():
            idx = 0 if part == "q" else 1
            turns[-1][idx] = (turns[-1][idx] + " " + raw.strip()).strip()
    return [(q, a) for q, a in turns if q and a]


def _norm(token: str) -> str:
    return re.sub(r"^[^\w$€£]+|[^\w%]+$", "", token.lower()).lstrip("$€£")


def ocr_vocabulary(words: list[dict]) -> set[str]:
    """Normalised OCR tokens, with hyphenated words also split into their parts."""
    vocab: set[str] = set()
    for w in words:
        for tok in w["text"].split():
            vocab.add(_norm(tok))
            vocab.update(_norm(p) for p in re.split(r"[-/]", tok))
    vocab.discard("")
    return vocab


def token_supported(token: str, vocab: set[str]) -> bool:
    """Seen by the OCR: exactly, or (words of 4+ letters) within an OCR-sized spelling slip."""
    t = _norm(token)
    if not t or t in vocab:
        return True
    if any(c.isdigit() for c in t) or len(t) < 4:
        return False
    slack = max(1, len(t) // 5)
    return any(abs(len(v) - len(t)) <= slack and edit_distance(t, v) <= slack for v in vocab)


def claims(question: str, answer: str) -> list[str]:
    """The pieces of an answer that say what is written: quoted spans, data-like numbers
    (prices, dates, times, long numbers), and, for a short answer to a reading question,
    its words other than filler."""
    out = [a or b for a, b in QUOTED.findall(answer)]
    unquoted = QUOTED.sub(" ", answer)
    out += [t for t in unquoted.split() if any(c.isdigit() for c in t)
            and (len(_norm(t)) >= 3 or re.search(r"[.:/$€£]\d", t))]
    tokens = unquoted.split()
    if not out and READING_QUESTION.search(question) and len(tokens) <= SHORT_ANSWER_WORDS:
        filler = set(prompt_data()["filler_words"])
        out += [t for t in tokens if _norm(t) not in filler]
    return out


def unsupported_claims(question: str, answer: str, words: list[dict]) -> list[str]:
    """The claims of an answer that contain a token the OCR did not see."""
    vocab = ocr_vocabulary(words)
    return [c for c in claims(question, answer) if not all(token_supported(t, vocab) for t in c.split())]


def mentions_ocr(question: str, answer: str) -> bool:
    return bool(OCR_MENTION.search(question) or OCR_MENTION.search(answer))
