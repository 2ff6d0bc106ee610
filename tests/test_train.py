"""Training and prediction end to end on tiny models (CPU, seconds): falling loss for both
model families, resume after an interruption, predictions that answer the questions."""
from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

pytest.importorskip("transformers")
pytest.importorskip("peft")

import torch  # noqa: E402

from mmsynth.cli import main  # noqa: E402
from mmsynth.errors import UserError  # noqa: E402
from mmsynth.io import read_json  # noqa: E402
from mmsynth.train import models  # noqa: E402
from mmsynth.train.data import Collator, Encoder, corpus_texts, encode_all, load_sources  # noqa: E402
from mmsynth.train.loop import (TrainConfig, optimizer_step, supervised_columns, supervised_loss_sum,  # noqa: E402
                                train)
from mmsynth.train.predict import predict  # noqa: E402
from test_train_data import TINY, make_bench, make_corpus  # noqa: E402


def losses(run: Path) -> list[float]:
    return [json.loads(line)["loss"] for line in (run / "metrics.jsonl").read_text().splitlines()]


def config(data: Path, run: Path, model: str = "tiny-llava", **kw) -> TrainConfig:
    base = dict(max_steps=12, batch_size=8, lr=3e-3, save_every=100, tiny=TINY)
    return TrainConfig(data=str(data), model=model, out=str(run), **{**base, **kw})


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return make_corpus(tmp_path_factory.mktemp("train") / "corpus", n=32)


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """One intra-op thread: tiny models gain nothing from more, and a shared machine loses a lot."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def assert_falling(values: list[float], factor: float = 0.8) -> None:
    """Finite, and the mean of the last three steps at most ``factor`` times that of the first three."""
    assert all(math.isfinite(v) for v in values)
    assert sum(values[-3:]) / 3 < factor * sum(values[:3]) / 3, values


@pytest.mark.parametrize("preset", models.TINY_PRESETS)
def test_loss_on_supervised_columns_equals_the_full_hf_loss(corpus, preset):
    """Running the LM head only where answers are gives exactly HF's loss over all positions."""
    sources = load_sources(corpus)[:3]
    bundle = models.build_tiny(preset, corpus_texts(sources), **TINY)
    batch = Collator.of(bundle)(encode_all(sources, Encoder(bundle, 512)))
    keep = supervised_columns(batch["labels"])
    assert len(keep) < batch["labels"].shape[1] / 3    # the head runs on a few columns only
    n = int((batch["labels"][:, 1:] != -100).sum())
    with torch.no_grad():
        ours = supervised_loss_sum(bundle.model, batch, keep) / n
        theirs = bundle.model(**batch).loss
    assert float(ours) == pytest.approx(float(theirs), rel=1e-5)


def test_gradient_accumulation_equals_one_big_batch(corpus):
    """Two micro-batches of 2 give the gradient of one batch of 4 (loss normalised per token)."""
    sources = load_sources(corpus)[:4]
    grads = []
    for split in ([4], [2, 2]):
        bundle = models.build_tiny("tiny-llava", corpus_texts(sources), **TINY)
        examples = encode_all(sources, Encoder(bundle, 512))
        examples[0].labels[-3] = examples[0].input_ids[-3]   # uneven supervised counts per micro-batch
        collate = Collator.of(bundle)
        group = [collate(examples[:split[0]])] + ([collate(examples[2:])] if len(split) == 2 else [])
        params = list(bundle.model.parameters())
        seen = {}

        class Capture(torch.optim.SGD):
            def step(self, closure=None):
                seen.update({i: p.grad.clone() for i, p in enumerate(params) if p.grad is not None})
        optimizer_step(bundle.model, group, params, Capture(params, lr=0.0), torch.device("cpu"))
        grads.append(seen)
    assert grads[0].keys() == grads[1].keys() and len(grads[0]) > 10
    assert all(torch.allclose(grads[0][i], grads[1][i], atol=1e-6) for i in grads[0])


def test_tiny_llava_learns_the_colours_and_predicts_them(corpus, tmp_path):
    """Full fine-tuning of the tiny preset; the trained model then names each square's colour."""
    run = tmp_path / "run"
    summary = train(config(corpus, run, max_steps=150, lr=1e-2), progress=False)
    assert summary["status"] == "complete" and summary["steps"] == 150
    assert summary["examples"] == 32 and summary["model_type"] == "llava"
    assert_falling(losses(run))
    assert (run / "loss.png").stat().st_size > 1000 and (run / "model" / "config.json").exists()
    expected = make_bench(tmp_path / "bench", n=8)
    assert predict(run, tmp_path / "bench", tmp_path / "preds.jsonl", batch_size=3, progress=False) == 8
    rows = [json.loads(line) for line in (tmp_path / "preds.jsonl").read_text().splitlines()]
    assert [r["id"] for r in rows] == [f"q{i}" for i in range(8)]
    assert {r["id"]: r["prediction"] for r in rows} == expected
    # batching with left padding changes nothing: one question at a time gives the same answers
    predict(run, tmp_path / "bench", tmp_path / "one.jsonl", batch_size=1, progress=False)
    assert (tmp_path / "one.jsonl").read_text() == (tmp_path / "preds.jsonl").read_text()


def test_tiny_instructblip_trains_with_falling_loss(corpus, tmp_path):
    run = tmp_path / "run"
    summary = train(config(corpus, run, model="tiny-instructblip", max_steps=20, lr=1e-2), progress=False)
    assert summary["model_type"] == "instructblip" and summary["steps"] == 20
    assert_falling(losses(run))
    make_bench(tmp_path / "bench", n=3)
    predict(run, tmp_path / "bench", tmp_path / "p.jsonl", progress=False)
    assert [json.loads(x)["id"] for x in (tmp_path / "p.jsonl").read_text().splitlines()] == ["q0", "q1", "q2"]


def test_llava_on_a_generated_corpus_with_lora(small_corpus, tmp_path):
    """LoRA (rank 8) on the LLM and a fully trained projector, on charts and clocks made by the pipeline.

    The tiny LLM is random, its output head frozen: LoRA can only nudge the loss, so the bar is lower."""
    run = tmp_path / "run"
    summary = train(config(small_corpus, run, lora_r=8, max_steps=16, batch_size=4, lr=1e-2), progress=False)
    assert_falling(losses(run), factor=0.98)
    adapter = json.loads((run / "adapter" / "adapter_config.json").read_text())
    assert adapter["r"] == 8 and adapter["modules_to_save"] == ["multi_modal_projector"]
    # what was trained: LoRA matrices of the LLM and the projector; the vision tower stayed frozen
    state = torch.load(sorted((run / "checkpoints").glob("*.pt"))[-1], weights_only=False)["trainable"]
    assert state and all("lora_" in n or "multi_modal_projector" in n for n in state)
    assert not any("vision_tower" in n for n in state)
    assert summary["trainable_params"] == sum(v.numel() for v in state.values())


def test_predict_and_score_end_to_end_on_a_built_benchmark(small_corpus, tmp_path):
    """Corpus -> train -> `bench build` (held out from the corpus) -> predict -> `bench score`."""
    from mmsynth.bench.build import BuildConfig, build
    from mmsynth.bench.score import score_bench

    run = tmp_path / "run"
    train(config(small_corpus, run, max_steps=3, batch_size=4), progress=False)
    bench = tmp_path / "bench"
    build(BuildConfig(out=bench, n=4, seed=11, patterns=["dashboard.clock"], exclude=[small_corpus]))
    preds = tmp_path / "preds.jsonl"
    assert predict(run, bench, preds, batch_size=4, max_new_tokens=6, progress=False) == 4
    summary, items = score_bench(bench, preds, baselines=True, n_boot=20)
    assert summary["answered"] == 4 and summary["missing"] == [] and summary["problems"] == []
    assert 0.0 <= summary["overall"] <= 1.0 and summary["baselines"]
    assert sorted(i.id for i in items) == sorted(json.loads(x)["id"] for x in preds.read_text().splitlines())


def tiny_llava_next(folder: Path, texts: list[str]) -> Path:
    """A LLaVA-NeXT-style checkpoint folder (any-resolution tiling), as a user's weights would be."""
    from transformers import (CLIPVisionConfig, LlamaConfig, LlavaNextConfig, LlavaNextForConditionalGeneration,
                              LlavaNextImageProcessor, LlavaNextProcessor)

    from mmsynth.train.tokenizer import IMAGE, train_tokenizer
    tok = train_tokenizer(texts, 300)
    grid = [[28, 56], [56, 28], [56, 56]]
    config = LlavaNextConfig(vision_config=CLIPVisionConfig(hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                                                            num_attention_heads=2, image_size=28, patch_size=7),
                             text_config=LlamaConfig(**models.tiny_text_config(tok, 32, 1, 512)),
                             image_token_index=tok.convert_tokens_to_ids(IMAGE), image_grid_pinpoints=grid)
    images = LlavaNextImageProcessor(size={"shortest_edge": 28}, crop_size={"height": 28, "width": 28},
                                     image_grid_pinpoints=grid, image_mean=[0.5] * 3, image_std=[0.5] * 3)
    LlavaNextForConditionalGeneration(config).save_pretrained(folder)
    LlavaNextProcessor(image_processor=images, tokenizer=tok, patch_size=7, vision_feature_select_strategy="default",
                       num_additional_image_tokens=1).save_pretrained(folder)
    return folder


def test_llava_next_checkpoint_with_images_of_several_shapes(tmp_path):
    """Image-token counts differ per image shape (any-resolution tiles); the model itself checks
    that every image's features meet exactly as many placeholders, in training and in prediction."""
    from PIL import Image
    root = make_corpus(tmp_path / "c", n=8)
    for i in (1, 5):   # two wide images among the squares
        Image.new("RGB", (90, 30), (220, 30, 30) if i == 1 else (30, 30, 220)).save(
            root / f"images/square/{i:04d}.png")
    ckpt = tiny_llava_next(tmp_path / "next", [" ".join(t["content"] for s in load_sources(root) for t in s.turns)])
    bundle = models.load_checkpoint(ckpt)
    assert bundle.model_type == "llava_next" and bundle.family == "llava"
    square, wide = bundle.image_token_counts([root / "images/square/0000.png", root / "images/square/0001.png"])
    assert square != wide
    summary = train(config(root, tmp_path / "run", model=str(ckpt), lora_r=4, max_steps=3, batch_size=4),
                    progress=False)
    assert summary["model_type"] == "llava_next" and (tmp_path / "run" / "adapter").is_dir()
    make_bench(tmp_path / "bench", n=3)
    Image.new("RGB", (30, 90), (30, 200, 30)).save(tmp_path / "bench/images/0001.png")
    assert predict(tmp_path / "run", tmp_path / "bench", tmp_path / "p.jsonl", batch_size=3, progress=False) == 3


@pytest.mark.parametrize("preset,prefixes", [("tiny-llava", ("model.multi_modal_projector.",)),
                                             ("tiny-instructblip", ("qformer.", "language_projection."))])
def test_projector_only_training_touches_nothing_else(corpus, tmp_path, preset, prefixes):
    """LLaVA's stage 1: only the projector (InstructBLIP: Q-Former and projection) learns."""
    run = tmp_path / "run"
    train(config(corpus, run, model=preset, projector_only=True, max_steps=2, save_every=1), progress=False)
    state = torch.load(run / "checkpoints" / "step-000002.pt", weights_only=False)["trainable"]
    assert state and all(n.startswith(prefixes) for n in state), list(state)
    assert all(any(n.startswith(p) for n in state) for p in prefixes)
    base = models.load_checkpoint(run / "base").model.state_dict()
    final = models.load_checkpoint(run / "model").model.state_dict()
    changed = {k for k in base if not torch.equal(base[k], final[k])}
    assert changed and changed <= set(state)


def test_instruction_following_turns_carry_the_models_own_history():
    from mmsynth.train.predict import if_turn_job
    d = {"id": "if-1", "images": ["a.png"], "turns": [{"id": "if-1-t0", "prompt": "From now on, be brief.\nQ0?"},
                                                     {"id": "if-1-t1", "prompt": "Q1?"}]}
    done = {"if-1-t0": "A0"}
    job = if_turn_job(d, 1, done, "llava", Path("B"))
    assert job.id == "if-1-t1" and job.images == [Path("B/a.png")]
    assert job.turns == [{"role": "user", "content": "<image>\nFrom now on, be brief.\nQ0?"},
                         {"role": "assistant", "content": "A0"}, {"role": "user", "content": "Q1?"}]
    assert if_turn_job(d, 1, done, "instructblip", Path("B")).turns == [
        {"role": "user", "content": "<image>\nFrom now on, be brief.\nQ0?\nQ1?"}]


def test_predict_runs_the_instruction_following_track(small_corpus, tmp_path):
    from mmsynth.bench.build import BuildConfig, build
    from mmsynth.bench.score import score_bench

    run = tmp_path / "run"
    train(config(small_corpus, run, max_steps=1, batch_size=4), progress=False)
    bench = tmp_path / "bench"
    build(BuildConfig(out=bench, n=3, seed=2, patterns=["dashboard.clock"], if_dialogues=2))
    turns = [t["id"] for line in (bench / "if_dialogues.jsonl").read_text().splitlines()
             for t in json.loads(line)["turns"]]
    preds = tmp_path / "p.jsonl"
    assert predict(run, bench, preds, max_new_tokens=4, progress=False) == 3 + len(turns)
    ids = [json.loads(x)["id"] for x in preds.read_text().splitlines()]
    assert ids[3:] == turns
    summary, _ = score_bench(bench, preds, n_boot=10)
    assert summary["answered"] == 3 and 0.0 <= summary["if_track"]["pif"] <= 1.0


def test_resume_after_interruption_continues_exactly(corpus, tmp_path):
    straight = tmp_path / "straight"
    train(config(corpus, straight, max_steps=6, save_every=2, batch_size=4, grad_accum=2), progress=False)

    def stop_at_5(step: int, loss: float) -> None:
        if step == 5:
            raise KeyboardInterrupt

    broken = tmp_path / "broken"
    cfg = config(corpus, broken, max_steps=6, save_every=2, batch_size=4, grad_accum=2)
    with pytest.raises(KeyboardInterrupt):
        train(cfg, progress=False, on_step=stop_at_5)
    assert read_json(broken / "run.json")["status"] == "running"
    assert len(losses(broken)) == 5    # step 5 was logged but not checkpointed (every 2 steps)
    with pytest.raises(UserError, match="use --resume"):
        train(cfg, progress=False)
    train(cfg, resume=True, progress=False)   # restarts from step 4's checkpoint
    assert losses(broken) == pytest.approx(losses(straight), rel=1e-5, abs=1e-6)
    assert len(losses(broken)) == 6
    a = torch.load(straight / "checkpoints" / "step-000006.pt", weights_only=False)["trainable"]
    b = torch.load(broken / "checkpoints" / "step-000006.pt", weights_only=False)["trainable"]
    assert all(torch.allclose(a[k], b[k], atol=1e-6) for k in a)


def test_resume_refuses_other_settings(corpus, tmp_path):
    cfg = config(corpus, tmp_path / "r", max_steps=1)
    train(cfg, progress=False)
    with pytest.raises(UserError, match="other settings.*lr"):
        train(config(corpus, tmp_path / "r", max_steps=2, lr=1e-4), resume=True, progress=False)


def test_predict_resumes_a_torn_predictions_file(corpus, tmp_path):
    run = tmp_path / "run"
    train(config(corpus, run, max_steps=2), progress=False)
    make_bench(tmp_path / "bench", n=5)
    out = tmp_path / "p.jsonl"
    partial = tmp_path / "p.jsonl.partial"
    partial.write_text('{"id":"q1","prediction":"kept"}\n{"id":"q3","predi')
    assert predict(run, tmp_path / "bench", out, batch_size=2, progress=False) == 4
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == ["q0", "q1", "q2", "q3", "q4"] and rows[1]["prediction"] == "kept"
    assert not partial.exists()


def test_cli_errors_are_one_line(corpus, tmp_path, capsys):
    bad = tmp_path / "bert"
    bad.mkdir()
    (bad / "config.json").write_text('{"model_type": "bert"}')
    assert main(["train", str(corpus), "--model", str(bad), "-o", str(tmp_path / "r"), "-q"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "model type 'bert' is not supported" in err
    assert not (tmp_path / "r").exists()    # nothing started on a wrong model
    assert main(["predict", str(tmp_path), str(tmp_path), "-o", str(tmp_path / "p.jsonl"), "-q"]) == 2
    assert "not a benchmark folder" in capsys.readouterr().err
    make_bench(tmp_path / "bench", n=1)
    assert main(["predict", str(tmp_path), str(tmp_path / "bench"), "-o", str(tmp_path / "p.jsonl"), "-q"]) == 2
    assert "not a training run" in capsys.readouterr().err


def test_cli_trains_and_predicts(corpus, tmp_path, capsys):
    run = tmp_path / "run"
    assert main(["train", str(corpus), "--model", "tiny-instructblip", "-o", str(run), "--max-steps", "2",
                 "--tiny-hidden", "32", "--tiny-layers", "1", "--tiny-vocab", "300", "--workers", "0", "-q"]) == 0
    assert "trained 2 steps on 32 examples" in capsys.readouterr().out
    make_bench(tmp_path / "bench", n=2, options=True)
    assert main(["predict", str(run), str(tmp_path / "bench"), "-o", str(tmp_path / "p.jsonl"), "-q"]) == 0
    assert len((tmp_path / "p.jsonl").read_text().splitlines()) == 2


def test_missing_images_stop_training_before_it_starts(tmp_path):
    root = make_corpus(tmp_path / "c", n=4, drop_image=1)
    with pytest.raises(UserError, match="missing"):
        train(config(root, tmp_path / "r"), progress=False)
    assert not (tmp_path / "r").exists()


def test_a_run_that_failed_while_preparing_can_be_started_again(corpus, tmp_path):
    """A --max-length too short for the image tokens stops the run before step 1; the same
    command with a fixed setting then simply starts (no --resume, no leftover folder to delete)."""
    with pytest.raises(UserError, match="image tokens"):
        train(config(corpus, tmp_path / "r", max_length=10, max_steps=1), progress=False)
    assert train(config(corpus, tmp_path / "r", max_steps=1), progress=False)["status"] == "complete"


@pytest.mark.slow
def test_resume_after_a_real_kill(corpus, tmp_path):
    """SIGKILL the CLI mid-run (after its first checkpoint), resume: the losses are those of an
    uninterrupted run."""
    import os
    import signal
    import subprocess
    import sys
    import time

    def command(out: Path, *extra: str) -> list[str]:
        return [sys.executable, "-m", "mmsynth", "train", str(corpus), "--model", "tiny-llava", "-o", str(out),
                "--max-steps", "40", "--save-every", "5", "--batch-size", "4", "--tiny-hidden", "32",
                "--tiny-layers", "1", "--tiny-vocab", "300", "--workers", "0", "-q", *extra]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    subprocess.run(command(tmp_path / "straight"), check=True, env=env, capture_output=True)
    proc = subprocess.Popen(command(tmp_path / "killed"), env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.time() + 300
    while not list((tmp_path / "killed" / "checkpoints").glob("step-*.pt")) and time.time() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert len(losses(tmp_path / "killed")) < 40
    subprocess.run(command(tmp_path / "killed", "--resume"), check=True, env=env, capture_output=True)
    assert losses(tmp_path / "killed") == pytest.approx(losses(tmp_path / "straight"), rel=1e-5, abs=1e-6)
