"""`mmsynth llavar` on the real text photos: read-the-text and grounded conversations whose answers
are the text visibly there, LLM conversations with unsupported turns dropped, corrupt images
counted, an LLM that goes down / answers malformed JSON / garbage, and --resume."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from mmsynth.cli import main
from mmsynth.llavar.conversation import claims, parse_turns, unsupported_claims
from mmsynth.ocr import OcrEngine, Word
from mmsynth.registry import create
from mmsynth.validate import validate_corpus
from test_llm import FakeLLM
from test_ocr import one_torch_thread  # noqa: F401  (autouse: OCR on one thread here too)

from realdata import TEXT_PHOTOS

ENGLISH_REPLY = """Here is the conversation.
Question: What is the headline of this poster?
Answer: The headline reads "Reduce your risk of coronavirus infection:".
Question: Which organization made the poster?
Answer: It was made by the "World Health Organization".
Question: What does the OCR say about eggs?
Answer: Cook them thoroughly.
Question: What phone number should you call?
Answer: Call "0800 555 1234" for help.
Question: How many tips are given?
Answer: There are 5 tips."""
FRENCH_REPLY = """1. Question: Which museum does a sign point to?
Answer: One sign points to the "Musee du LOUVRE" and another to the "Eiffel Tower".
2. Question: What is written on the second sign?
Answer: Palais du LOUVRE"""


def reply_for(body: dict) -> str:
    return ENGLISH_REPLY if "coronavirus" in body["messages"][-1]["content"] else FRENCH_REPLY


@pytest.fixture(scope="module")
def photos() -> Path:
    if not (TEXT_PHOTOS / "english.png").is_file() or not (TEXT_PHOTOS / "french.jpg").is_file():
        pytest.skip(f"real text photos are absent ({TEXT_PHOTOS})")
    return TEXT_PHOTOS


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> str:
    return str(tmp_path_factory.getbasetemp() / "ocr-cache")  # shared with test_ocr in one session


@pytest.fixture(scope="module")
def bad_image(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("bad") / "corrupt.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n this is not the rest of a png")
    return str(path)


def records(out: Path) -> list[dict]:
    return [json.loads(line) for f in sorted((out / "data").glob("*.jsonl")) for line in f.read_text().splitlines()]


def by(recs: list[dict], generator: str, image: str) -> dict:
    return next(r for r in recs if r["generator"] == generator and r["source"]["image"] == image)


@pytest.fixture(scope="module")
def offline_run(photos, cache, bad_image, tmp_path_factory):
    out = tmp_path_factory.mktemp("llavar") / "c"
    rc = main(["llavar", str(photos), bad_image, "-o", str(out), "--ocr-cache", cache, "--cpu", "-q"])
    return rc, out


def test_real_photos_give_read_text_answers_with_the_visible_text(offline_run, photos):
    rc, out = offline_run
    assert rc == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["kind"] == "llavar"
    c = manifest["counts"]
    assert (c["images"], c["unreadable"], c["text_rich"], c["ocr.read_text"]) == (3, 1, 2, 2)
    recs = records(out)
    english = by(recs, "ocr.read_text", "english.png")
    lines = english["qa"][0]["answer"].splitlines()
    # checked by hand against the picture: the white headline, a tip, the WHO logo text
    assert lines[0] == "Reduce your risk of coronavirus infection:"
    assert "Thoroughly cook meat and eggs" in lines and "Clean hands with soap and water" in lines
    assert lines[-2:] == ["World Health", "Organization"]
    assert english["conversations"][1]["content"] == english["qa"][0]["answer"]
    french = by(recs, "ocr.read_text", "french.jpg")["qa"][0]["answer"]
    assert "LOUVRE" in french and "DECORATIFS" in french and "Theatre" in french  # the Paris sign post
    assert (out / english["images"][0]).read_bytes() == (photos / "english.png").read_bytes()
    assert english["task"] == "ocr" and english["conversations"][0]["content"].startswith("<image>\n")


def test_grounded_answers_are_traceable_to_ocr_words(offline_run):
    _, out = offline_run
    grounded = [r for r in records(out) if r["generator"] == "ocr.grounded"]
    assert len(grounded) == 2
    for rec in grounded:
        assert len(rec["qa"]) >= 3 and len(rec["conversations"]) == 2 * len(rec["qa"])
        words = {w["text"] for w in rec["source"]["words"]}
        for qa in rec["qa"]:
            if qa["family"] == "ocr.count_lines":   # asked as a number or as a multiple choice
                assert int(qa["answer"]) == len(rec["source"]["lines"])
            else:
                assert set(str(qa["answer"]).split()) <= words, qa
    english = next(r for r in grounded if r["source"]["image"] == "english.png")
    fam = {f.name: f for f in create("ocr.grounded").families}
    src = english["source"]
    assert fam["ocr.title"].solve(src).answer == "Reduce your risk of coronavirus infection:"  # 32 px vs 28 px
    assert fam["ocr.first_line"].solve(src).answer == "Reduce your risk of coronavirus infection:"
    assert fam["ocr.last_line"].solve(src).answer == "Organization"
    assert fam["ocr.text_below"].solve(src, anchor="World Health").answer == "Organization"
    assert fam["ocr.text_below"].solve(src, anchor="Clean hands with soap and water").answer == \
        "or alcohol-based hand rub"


def test_the_corpus_validates_and_verify_catches_tampering(offline_run):
    _, out = offline_run
    report = validate_corpus(out, progress=False)
    assert report.failures == 0 and report.rows["ocr.grounded"]["records"] == 2
    rec = by(records(out), "ocr.read_text", "english.png")
    rec["qa"][0]["answer"] = rec["qa"][0]["answer"].replace("eggs", "fish")
    assert create("ocr.read_text").verify(rec)


def test_ocr_cache_makes_a_rerun_free(offline_run, photos, cache, tmp_path):
    from mmsynth.llavar.build import LlavarConfig, LlavarRun
    from mmsynth.ocr import get_engine
    engine = get_engine("easyocr", cache_dir=cache, gpu=False)
    LlavarRun(LlavarConfig(inputs=[str(photos)]), tmp_path / "again", engine, progress=False).run()
    assert (engine.hits, engine.misses) == (2, 0)
    first, again = records(offline_run[1]), records(tmp_path / "again")
    assert [r["qa"] for r in first] == [r["qa"] for r in again]


def test_llm_down_midway_then_resume(photos, cache, bad_image, tmp_path, capsys):
    state = {"n": 0}

    def first_then_down(body: dict) -> str:
        state["n"] += 1
        srv.mode = "drop"  # the server dies after its first answer
        return reply_for(body)

    srv = FakeLLM(reply=first_then_down)
    try:
        out = tmp_path / "c"
        args = ["llavar", str(photos), bad_image, "-o", str(out), "--ocr-cache", cache, "--cpu", "-q",
                "--llm", srv.url, "--model", "m", "--retries", "1", "--shard-size", "1"]
        assert main(args) == 2
        err = capsys.readouterr().err.strip()
        assert "unreachable" in err and "--resume" in err and len(err.splitlines()) == 1
        manifest = json.loads((out / "manifest.json").read_text())
        assert manifest["status"] == "interrupted" and list(manifest["shards"]) == ["ocr-00000"]
        shard0 = (out / "data" / "ocr-00000.jsonl").read_bytes()
        assert sorted(r["generator"] for r in records(out)) == ["ocr.grounded", "ocr.llm", "ocr.read_text"]
        assert main(args) == 2  # without --resume the run is refused
        srv.mode = "ok"
        srv.reply = reply_for
        sent = len(srv.requests)
        assert main(args + ["--resume"]) == 0
        assert len(srv.requests) - sent == 1  # only the French image's request; English was finished
        assert (out / "data" / "ocr-00000.jsonl").read_bytes() == shard0
    finally:
        srv.close()
    manifest = json.loads((out / "manifest.json").read_text())
    c = manifest["counts"]
    assert manifest["status"] == "complete" and c["unreadable"] == 1 and c["ocr.llm"] == 2
    # English: 5 turns, one mentions OCR, one quotes a phone number that is not there; French: the
    # Eiffel Tower is not on the sign
    assert (c["llm_turns_kept"], c["llm_turns_unsupported"], c["llm_turns_mention_ocr"]) == (4, 2, 1)
    eng = by(records(out), "ocr.llm", "english.png")
    assert [q["answer"] for q in eng["qa"]] == [
        'The headline reads "Reduce your risk of coronavirus infection:".',
        'It was made by the "World Health Organization".', "There are 5 tips."]
    assert eng["conversations"][0]["content"] == "<image>\nWhat is the headline of this poster?"
    assert validate_corpus(out, progress=False).failures == 0
    eng["qa"][1]["answer"] = 'It was made by the "World Food Programme".'
    assert "did not see" in create("ocr.llm").verify(eng)[0]


def test_malformed_then_garbage_replies(photos, cache, tmp_path, capsys):
    srv = FakeLLM(mode="malformed")
    try:
        out = tmp_path / "c"
        args = ["llavar", str(photos / "english.png"), "-o", str(out), "--ocr-cache", cache, "--cpu", "-q",
                "--llm", srv.url, "--model", "m", "--retries", "1"]
        assert main(args) == 1  # finished, but a request failed: resumable
        assert "--resume" in capsys.readouterr().err
        manifest = json.loads((out / "manifest.json").read_text())
        assert manifest["status"] == "incomplete" and manifest["counts"]["llm_failed"] == 1
        assert len(srv.requests) == 2
        assert sorted(r["generator"] for r in records(out)) == ["ocr.grounded", "ocr.read_text"]
        srv.mode, srv.reply = "ok", lambda body: "I am sorry, I cannot describe images."
        assert main(args + ["--resume"]) == 0
        c = json.loads((out / "manifest.json").read_text())["counts"]
        assert c["llm_unparsable"] == 1 and "ocr.llm" not in c and "llm_failed" not in c
    finally:
        srv.close()


def test_filters_and_flag_errors(photos, cache, tmp_path, capsys):
    out = tmp_path / "c"
    assert main(["llavar", str(photos), "-o", str(out), "--ocr-cache", cache, "--cpu", "-q",
                 "--min-words", "40"]) == 0
    c = json.loads((out / "manifest.json").read_text())["counts"]
    assert c["not_text_rich"] == 1 and c["text_rich"] == 1  # the sign post has fewer than 40 words
    assert main(["llavar", str(photos), "-o", str(tmp_path / "d"), "--llm", "http://127.0.0.1:9"]) == 2
    assert main(["llavar", str(tmp_path / "nothing"), "-o", str(tmp_path / "e")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_parse_turns_handles_numbering_markdown_and_continuations():
    reply = ("Sure!\n**Question:** What is the title?\n**Answer:** It says \"Hello\".\n"
             "Q: Where?\nA: On the door,\nnear the top.\nQuestion: Orphan question?\n")
    assert parse_turns(reply) == [("What is the title?", 'It says "Hello".'),
                                  ("Where?", "On the door, near the top.")]
    assert parse_turns(FRENCH_REPLY)[1] == ("What is written on the second sign?", "Palais du LOUVRE")
    thinking = "<think>\nQuestion: draft?\nAnswer: draft.\n</think>\nQuestion: Real?\nAnswer: Yes."
    assert parse_turns(thinking) == [("Real?", "Yes.")]


def test_claims_and_support():
    words = [{"text": t} for t in ["Fresh", "BAKERY", "Croissant", "$2.50", "Open", "7am", "alcohol-based"]]
    assert claims("What does it cost?", 'It costs "$2.50" today.') == ["$2.50"]
    assert unsupported_claims("What does it cost?", "It costs $2.50.", words) == []
    assert unsupported_claims("What does it cost?", "It costs $3.50.", words) == ["$3.50."]
    assert unsupported_claims("Name?", 'The shop is "Fresh Bakerv".', words) == []  # an OCR-sized slip
    assert unsupported_claims("Name?", 'The shop is "Fresh Pastry".', words) == ['Fresh Pastry']
    assert unsupported_claims("What is written on the sign?", "Fresh Bakery", words) == []
    assert unsupported_claims("What is written on the sign?", "Daily Bread", words) == ["Daily", "Bread"]
    assert unsupported_claims("How many items are there?", "There are 3 items.", words) == []
    assert unsupported_claims("Is it based on alcohol?", 'Yes, "alcohol".', words) == []


def test_a_corpus_folder_is_an_input(offline_run, cache, tmp_path):
    _, corpus = offline_run  # the corpus written above: its two photos, stored once each by content
    first = records(corpus)
    stored = {r["source"]["image"]: f"c/{r['images'][0]}" for r in first}
    assert len(set(stored.values())) == 2 and all(p.startswith("c/images/shared/") for p in stored.values())
    out = tmp_path / "again"
    assert main(["llavar", str(corpus), "-o", str(out), "--ocr-cache", cache, "--cpu", "-q"]) == 0
    recs = records(out)
    assert sorted({r["source"]["image"] for r in recs}) == sorted(set(stored.values()))
    english = by(recs, "ocr.read_text", stored["english.png"])
    assert english["qa"][0]["answer"].startswith("Reduce your risk of coronavirus infection:")
    assert english["images"] == [stored["english.png"][2:]]   # the same content, the same name


def test_captions_files_and_the_prompt(tmp_path):
    from mmsynth.errors import UserError
    from mmsynth.llavar.build import load_captions
    from mmsynth.llavar.conversation import build_messages
    (tmp_path / "c.json").write_text('{"a.png": "a bakery sign"}')
    (tmp_path / "c.jsonl").write_text('{"image": "b.jpg", "caption": "a street"}\n')
    (tmp_path / "bad.json").write_text('["not", "a", "mapping"]')
    assert load_captions(str(tmp_path / "c.json")) == {"a.png": "a bakery sign"}
    assert load_captions(str(tmp_path / "c.jsonl")) == {"b.jpg": "a street"}
    with pytest.raises(UserError, match="image name -> caption"):
        load_captions(str(tmp_path / "bad.json"))
    src = {"width": 300, "height": 300, "lines": [{"text": "FRESH BAKERY", "box": [100, 10, 200, 30]},
                                                  {"text": "$2.50", "box": [10, 280, 50, 295]}]}
    msgs = build_messages(src, "a bakery sign")
    assert [m["role"] for m in msgs] == ["system", "user", "assistant", "user"]
    assert msgs[-1]["content"] == ('Text in the image:\n"FRESH BAKERY" (top-center area)\n'
                                   '"$2.50" (bottom-left area)\nCaption: a bakery sign')
    assert "Question:" in msgs[0]["content"] and "Answer:" in msgs[0]["content"]


class FixedWords(OcrEngine):
    """A stand-in engine (no model): every image reads as the same three lines."""
    name = "fixed"

    def recognise(self, image):
        h, w = image.shape[:2]
        return [Word("OPEN", (2, 2, 12, 6), 0.9), Word("DAILY", (14, 2, 30, 6), 0.9),
                Word("Coffee", (2, h - 8, 16, h - 2), 0.8), Word("$2.50", (w - 12, h - 8, w - 2, h - 2), 0.8)]


def test_phone_photos_are_stored_upright(tmp_path):
    from PIL import Image
    from mmsynth.llavar.build import LlavarConfig, LlavarRun
    photo = tmp_path / "in" / "phone.jpg"
    photo.parent.mkdir()
    exif = Image.Exif()
    exif[0x0112] = 6  # 'rotate 90 degrees clockwise to view'
    Image.new("RGB", (60, 30), "white").save(photo, exif=exif)
    LlavarRun(LlavarConfig(inputs=[str(photo.parent)], engine="fixed"), tmp_path / "c",
              FixedWords(use_cache=False), progress=False).run()
    recs = records(tmp_path / "c")
    (rel,) = {r["images"][0] for r in recs}
    assert rel.startswith("images/shared/") and rel.endswith(".png")
    stored = Image.open(tmp_path / "c" / rel)
    assert stored.size == (30, 60) == (recs[0]["source"]["width"], recs[0]["source"]["height"])
    grounded = by(recs, "ocr.grounded", "phone.jpg")
    fam = {f.name: f for f in create("ocr.grounded").families}
    assert fam["ocr.price_of"].solve(grounded["source"], name="Coffee").answer == "$2.50"
    assert validate_corpus(tmp_path / "c", progress=False).failures == 0


@pytest.mark.slow  # OCRs 8 rendered documents on the CPU
def test_llavar_over_a_textrich_corpus_reads_its_ground_truth(cache, tmp_path):
    from collections import Counter
    from generators.textrich.solvers import reading_order
    corpus = tmp_path / "docs"
    assert main(["generate", "-g", "textrich.*", "-n", "8", "-o", str(corpus), "-q", "--workers", "1"]) == 0
    out = tmp_path / "llavar"
    assert main(["llavar", str(corpus), "-o", str(out), "--ocr-cache", cache, "--cpu", "-q"]) == 0
    truth = {f"docs/{r['images'][0]}": [w["text"] for ln in reading_order(r["source"]) for w in ln["words"]]
             for f in sorted((corpus / "data").glob("*.jsonl")) for r in map(json.loads, f.read_text().splitlines())}
    read = {r["source"]["image"]: r["qa"][0]["answer"].split() for r in records(out) if r["generator"] == "ocr.read_text"}
    assert set(read) == set(truth)
    matched = sum(sum((Counter(truth[k]) & Counter(read[k])).values()) for k in truth)
    assert matched / sum(len(v) for v in truth.values()) >= 0.75
    assert validate_corpus(out, progress=False).failures == 0
