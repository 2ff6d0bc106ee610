"""Training data handling: templates, the answer-only label mask, truncation that never cuts
image tokens, length-grouped batching, bad input (missing images, wrong checkpoints).

Also home of the small hand-made corpus and benchmark the training tests use: squares of
one colour, asked "What colour is the image?", whose answers are known by construction.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("transformers")
pytest.importorskip("peft")

from PIL import Image  # noqa: E402

from mmsynth.corpus import CorpusWriter, write_image  # noqa: E402
from mmsynth.errors import UserError  # noqa: E402
from mmsynth.train import models  # noqa: E402
from mmsynth.train.data import (IGNORE, Collator, Encoder, Source, bench_turns, length_grouped_batches,  # noqa: E402
                                load_sources)
from mmsynth.train.loop import lr_factor  # noqa: E402

COLOURS = {"red": (220, 30, 30), "blue": (30, 30, 220), "green": (30, 200, 30), "yellow": (230, 220, 20)}
QUESTION = "What colour is the image?"
TINY = dict(hidden=32, layers=1, vocab_size=300)


def make_corpus(root: Path, n: int = 16, drop_image: int | None = None) -> Path:
    """A corpus of ``n`` single-colour squares (colour i % 4), one question each."""
    names = list(COLOURS)
    writer = CorpusWriter(root, shard_size=8)
    for i in range(n):
        colour, rel = names[i % 4], f"images/square/{i:04d}.png"
        if i != drop_image:
            write_image(root, rel, Image.new("RGB", (40, 40), COLOURS[colour]))
        writer.add({"id": f"square-{i}", "generator": "dashboard.square", "task": "dashboard", "images": [rel],
                    "conversations": [{"role": "user", "content": f"<image>\n{QUESTION}"},
                                      {"role": "assistant", "content": colour}],
                    "qa": [{"question": QUESTION, "answer": colour, "answer_type": "text",
                            "family": "square.colour", "skill": "perception"}],
                    "source": {"colour": colour}, "meta": {"seed": 0, "index": i}})
    writer.flush()
    return root


def make_bench(root: Path, n: int = 8, options: bool = False) -> dict[str, str]:
    """A benchmark folder in the `mmsynth bench build` format; returns id -> expected answer text."""
    names = list(COLOURS)
    (root / "images").mkdir(parents=True, exist_ok=True)
    questions, answers, expected = [], [], {}
    for i in range(n):
        colour, rel = names[(i + 1) % 4], f"images/{i:04d}.png"
        Image.new("RGB", (36, 36), COLOURS[colour]).save(root / rel)
        opts = names if options else None
        questions.append({"id": f"q{i}", "images": [rel], "question": QUESTION, "options": opts,
                          "answer_type": "choice" if opts else "text", "task": "dashboard",
                          "family": "square.colour", "skill": "perception"})
        answers.append({"id": f"q{i}", "answer": colour})
        expected[f"q{i}"] = "ABCD"[names.index(colour)] if opts else colour
    (root / "questions.jsonl").write_text("".join(json.dumps(q) + "\n" for q in questions))
    (root / "answers.jsonl").write_text("".join(json.dumps(a) + "\n" for a in answers))
    return expected


@pytest.fixture(scope="module")
def bundles() -> dict[str, models.Bundle]:
    texts = [f"USER: ASSISTANT: {QUESTION} Which is red? left How many? 2 red blue green yellow"] * 4
    return {p: models.build_tiny(p, texts, **TINY) for p in models.TINY_PRESETS}


TWO_TURNS = [{"role": "user", "content": "<image>\n<image>\nWhich is red?"},
             {"role": "assistant", "content": "left"},
             {"role": "user", "content": "How many?"},
             {"role": "assistant", "content": "2"}]


def supervised(bundle: models.Bundle, ex) -> list[str]:
    """The text of each contiguous run of supervised tokens."""
    runs: list[list[int]] = []
    for i, (t, lab) in enumerate(zip(ex.input_ids, ex.labels)):
        if lab != IGNORE:
            if not runs or ex.labels[i - 1] == IGNORE:
                runs.append([])
            runs[-1].append(t)
    return [bundle.tokenizer.decode(r) for r in runs]


def test_llava_labels_cover_exactly_the_answers(bundles):
    b = bundles["tiny-llava"]
    [ex] = Encoder(b, 512).examples(Source("r", Path("."), ["a.png", "b.png"], TWO_TURNS))
    rows = [(i, b.tokenizer.convert_ids_to_tokens(t), lab != IGNORE) for i, (t, lab) in
            enumerate(zip(ex.input_ids, ex.labels)) if t != b.image_token_id]
    print("\n".join(f"{i:4d} {tok!r:>14} {'SUPERVISED' if sup else ''}" for i, tok, sup in rows))
    # exactly the two answers with their closing </s>; the space after "ASSISTANT:" goes with the answer
    assert supervised(b, ex) == [" left</s>", " 2</s>"]
    assert all(lab in (IGNORE, t) for t, lab in zip(ex.input_ids, ex.labels))
    text = b.tokenizer.decode([t for t in ex.input_ids if t != b.image_token_id])
    assert text == ("<s>A chat between a curious human and an artificial intelligence assistant. The assistant "
                    "gives helpful, detailed, and polite answers to the human's questions. USER: \n\nWhich is "
                    "red? ASSISTANT: left</s>USER: How many? ASSISTANT: 2</s>")
    # two images of 28 px in 7 px patches: two runs of 16 image tokens where the placeholders were,
    # each followed by its newline
    img = [i for i, t in enumerate(ex.input_ids) if t == b.image_token_id]
    first = img[0]
    assert img == list(range(first, first + 16)) + list(range(first + 17, first + 33))
    assert b.tokenizer.decode(ex.input_ids[first + 16]) == "\n" == b.tokenizer.decode(ex.input_ids[first + 33])
    assert b.tokenizer.decode(ex.input_ids[:first]).endswith("questions. USER: ")


def test_instructblip_one_example_per_question_with_the_instruction_in_both_places(bundles):
    b = bundles["tiny-instructblip"]
    exs = Encoder(b, 512).examples(Source("r", Path("."), ["a.png", "b.png"], TWO_TURNS))
    assert [e.qformer_text for e in exs] == ["Which is red?", "How many?"]
    assert [supervised(b, e) for e in exs] == [[" left</s>"], [" 2</s>"]]
    for e in exs:   # image tokens first (8 queries x 2 images), then <s> and the instruction
        assert e.input_ids[:16] == [b.image_token_id] * 16
        assert e.input_ids[16] == b.tokenizer.bos_token_id
    assert b.tokenizer.decode(exs[1].input_ids[17:]) == "How many? 2</s>"


def test_truncation_keeps_image_tokens_and_refuses_when_they_cannot_fit(bundles):
    b = bundles["tiny-llava"]
    src = Source("long", Path("."), ["a.png"], [{"role": "user", "content": "<image>\nWhich is red?"},
                                                {"role": "assistant", "content": "left " * 40}])
    full = Encoder(b, 512).examples(src)[0]
    image_end = max(i for i, t in enumerate(full.input_ids) if t == b.image_token_id) + 1
    cut = Encoder(b, image_end + 12).examples(src)[0]
    assert cut.truncated and len(cut.input_ids) == image_end + 12
    assert cut.input_ids.count(b.image_token_id) == 16
    assert cut.input_ids == full.input_ids[:image_end + 12]
    with pytest.raises(UserError, match="image tokens .* never cut"):
        Encoder(b, image_end - 3).examples(src)
    with pytest.raises(UserError, match="no answer token fits"):
        Encoder(b, image_end + 1).examples(src)   # room for the prompt's tail, none for the answer


def test_collator_pads_right_for_training_left_for_generation(bundles, tmp_path):
    b = bundles["tiny-llava"]
    root = make_corpus(tmp_path / "c", n=2)
    enc = Encoder(b, 512)
    a = enc.examples(Source("a", root, ["images/square/0000.png"], [
        {"role": "user", "content": "<image>\nWhich?"}, {"role": "assistant", "content": "red"}]))[0]
    c = enc.examples(Source("c", root, ["images/square/0001.png"], [
        {"role": "user", "content": "<image>\nWhich is red? How many?"}, {"role": "assistant", "content": "2"}]))[0]
    assert len(c) > len(a)
    for pad_left in (False, True):
        batch = Collator.of(b, pad_left=pad_left)([a, c])
        gap = len(c) - len(a)
        assert batch["input_ids"].shape == (2, len(c)) and batch["pixel_values"].shape == (2, 3, 28, 28)
        row = batch["input_ids"][0].tolist()
        assert (row[gap:] if pad_left else row[:len(a)]) == a.input_ids
        assert batch["attention_mask"][0].sum() == len(a) and batch["attention_mask"][1].sum() == len(c)
        assert (batch["labels"][0] != IGNORE).sum() == sum(lab != IGNORE for lab in a.labels)


def test_llava_pads_wide_images_to_a_square_so_their_edges_are_not_cropped(bundles, tmp_path):
    """LLaVA-1.5 pads to a square before its processor's centre crop; InstructBLIP resizes
    the whole image. A wide image with red left and blue right edges keeps both."""
    wide = Image.new("RGB", (120, 40), (255, 255, 255))
    wide.paste(COLOURS["red"], (0, 0, 20, 40))
    wide.paste(COLOURS["blue"], (100, 0, 120, 40))
    wide.save(tmp_path / "wide.png")
    for preset in ("tiny-llava", "tiny-instructblip"):
        pixels = Collator.of(bundles[preset]).images([tmp_path / "wide.png"])["pixel_values"][0]
        middle_row = pixels[:, pixels.shape[1] // 2]                     # channels x width
        red_left, blue_right = middle_row[:, 0], middle_row[:, -1]
        assert red_left[0] > 0.5 and red_left[2] < -0.5, preset       # normalised (x - 0.5) / 0.5
        assert blue_right[2] > 0.5 and blue_right[0] < -0.5, preset
    square = Collator.of(bundles["tiny-llava"]).images([tmp_path / "wide.png"])["pixel_values"][0]
    assert square[:, 0].abs().max() < 0.05       # the top row is the grey (mean) padding, not the image


def test_length_grouped_batches_cover_everything_once_with_little_padding():
    lengths = [(i * 37) % 101 + 5 for i in range(400)]
    batches = length_grouped_batches(lengths, 8, seed=1, epoch=0, group_batches=10)
    flat = sorted(i for b in batches for i in b)
    assert flat == list(range(400)) and all(len(b) <= 8 for b in batches)
    assert batches == length_grouped_batches(lengths, 8, seed=1, epoch=0, group_batches=10)
    assert batches != length_grouped_batches(lengths, 8, seed=1, epoch=1, group_batches=10)
    waste = sum(max(lengths[i] for i in b) * len(b) - sum(lengths[i] for i in b) for b in batches)
    naive = [list(range(k, k + 8)) for k in range(0, 400, 8)]
    naive_waste = sum(max(lengths[i] for i in b) * len(b) - sum(lengths[i] for i in b) for b in naive)
    assert waste < naive_waste / 5


def test_lr_schedule_warms_up_then_follows_a_cosine_to_zero():
    assert [lr_factor(s, 10, 2) for s in (0, 1)] == [0.5, 1.0]
    assert lr_factor(2, 10, 2) == 1.0
    assert lr_factor(6, 10, 2) == pytest.approx(0.5)        # half way through the decay: cos(pi/2)
    assert lr_factor(10, 10, 2) == pytest.approx(0.0)


def test_benchmark_items_become_conversations_with_option_letters():
    q = {"id": "x", "images": ["i.png"], "question": "Which colour?", "options": ["red", "blue"]}
    turns = bench_turns(q, "blue")
    assert turns[0]["content"] == ("<image>\nWhich colour?\nOptions:\nA. red\nB. blue\n"
                                   "Answer with the option's letter from the given choices directly.")
    assert turns[1] == {"role": "assistant", "content": "B"}
    # a question already formatted by `bench build` (placeholder and options included) is kept as it is
    ready = {**q, "question": turns[0]["content"]}
    assert bench_turns(ready)[0]["content"] == turns[0]["content"]
    assert bench_turns({"id": "n", "images": [], "question": "How many?", "options": None,
                        "answer_type": "number"}, 3.0)[1]["content"] == "3"
    with pytest.raises(UserError, match="not one of its options"):
        bench_turns(q, "green")


def test_missing_images_are_an_error_naming_the_first(tmp_path):
    root = make_corpus(tmp_path / "c", n=6, drop_image=3)
    with pytest.raises(UserError, match=r"1 image file\(s\) are missing \(first: images/square/0003.png, "
                                        r"used by square-3 at data/shard-00000.jsonl:4\)"):
        load_sources(root)


def test_an_unreadable_image_is_an_error_before_training(tmp_path):
    root = make_corpus(tmp_path / "c", n=3)
    (root / "images/square/0002.png").write_bytes(b"not a png")
    with pytest.raises(UserError, match=r"images/square/0002.png \(used by square-2 at data/shard-00000.jsonl:3\) "
                                        r"is not a readable image"):
        load_sources(root)


def test_a_benchmark_folder_is_training_data(tmp_path):
    expected = make_bench(tmp_path / "b", n=4, options=True)
    sources = load_sources(tmp_path / "b")
    assert [s.turns[1]["content"] for s in sources] == [expected[f"q{i}"] for i in range(4)]


def test_a_llava_format_export_is_training_data(tmp_path):
    from mmsynth.cli import main
    root = make_corpus(tmp_path / "c", n=4)
    assert main(["export", str(root), "--format", "llava", "-o", str(tmp_path / "x")]) == 0
    from_export = load_sources(tmp_path / "x")
    assert load_sources(tmp_path / "x" / "llava.json") == from_export
    from_corpus = load_sources(root)
    assert [(s.id, s.images, s.turns) for s in from_export] == [(s.id, s.images, s.turns) for s in from_corpus]
    assert all((s.root / s.images[0]).is_file() for s in from_export)
    (tmp_path / "bad.json").write_text(json.dumps([{"id": "a", "image": ["i.png", "j.png"],
                                                    "conversations": [{"from": "human", "value": "<image> hi"},
                                                                      {"from": "gpt", "value": "yo"}]}]))
    with pytest.raises(UserError, match=r"bad.json\[0\]: 1 <image> placeholders for 2 images"):
        load_sources(tmp_path / "bad.json")


def test_checkpoint_folders_of_the_wrong_kind_are_refused(tmp_path):
    (tmp_path / "bert").mkdir()
    (tmp_path / "bert" / "config.json").write_text(json.dumps({"model_type": "bert"}))
    with pytest.raises(UserError, match="model type 'bert' is not supported"):
        models.load_checkpoint(tmp_path / "bert")
    (tmp_path / "empty").mkdir()
    with pytest.raises(UserError, match="no config.json"):
        models.load_checkpoint(tmp_path / "empty")
    with pytest.raises(UserError, match="no such model folder"):
        models.load_checkpoint(tmp_path / "nowhere")


def test_a_checkpoint_without_weights_is_a_clear_error(bundles, tmp_path):
    models.save_bundle(bundles["tiny-llava"], tmp_path / "ckpt")
    (tmp_path / "ckpt" / "model.safetensors").unlink()
    with pytest.raises(UserError, match=r"cannot load the llava checkpoint \(.*no file named model.safetensors"):
        models.load_checkpoint(tmp_path / "ckpt")


def test_tiny_preset_round_trips_as_a_checkpoint_folder(bundles, tmp_path):
    for name, b in bundles.items():
        models.save_bundle(b, tmp_path / name)
        again = models.load_checkpoint(tmp_path / name)
        assert again.model_type == b.model_type and again.image_token_id == b.image_token_id
        assert again.tokenizer("red blue").input_ids == b.tokenizer("red blue").input_ids
        assert again.image_token_counts([Path("x")]) == b.image_token_counts([Path("x")])
