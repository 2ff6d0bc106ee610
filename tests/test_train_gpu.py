"""GPU checks of the trainer: bf16 autocast over fp32 master weights, LoRA, gradient
checkpointing, torch.compile, and the throughput script's smoke run. Skipped without CUDA."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")
pytest.importorskip("peft")

pytestmark = [pytest.mark.gpu,
              pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")]

from mmsynth.train.loop import TrainConfig, train  # noqa: E402
from test_train_data import TINY, make_corpus  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def losses(run: Path) -> list[float]:
    return [json.loads(line)["loss"] for line in (run / "metrics.jsonl").read_text().splitlines()]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return make_corpus(tmp_path_factory.mktemp("gpu") / "corpus", n=32)


def test_full_training_on_gpu_learns(corpus, tmp_path):
    run = tmp_path / "run"
    train(TrainConfig(data=str(corpus), model="tiny-llava", out=str(run), max_steps=150, batch_size=8, lr=1e-2,
                      save_every=1000, tiny=TINY, workers=2), progress=False)
    values = losses(run)
    assert all(v == v for v in values) and sum(values[-5:]) / 5 < 0.2 * sum(values[:5]) / 5


@pytest.mark.parametrize("options", [dict(), dict(grad_checkpointing=True), dict(compile=True)],
                         ids=["plain", "checkpointing", "compile"])
def test_lora_bf16_variants_agree(corpus, tmp_path, options):
    """LoRA in bf16 autocast: the first steps' losses match the plain run's within bf16 noise."""
    def run(name: str, **kw) -> list[float]:
        train(TrainConfig(data=str(corpus), model="tiny-llava", out=str(tmp_path / name), max_steps=4,
                          batch_size=8, lora_r=8, tiny=TINY, **kw), progress=False)
        return losses(tmp_path / name)
    reference = run("reference")
    assert all(v == v for v in reference)
    assert run("variant", **options) == pytest.approx(reference, rel=2e-2)


def test_lora_on_gpu_freezes_bf16_weights_and_trains_fp32_masters(corpus):
    from mmsynth.train import models
    from mmsynth.train.data import corpus_texts, load_sources
    from mmsynth.train.adapt import prepare_model

    bundle = models.build_tiny("tiny-llava", corpus_texts(load_sources(corpus)), **TINY)
    cfg = TrainConfig(data="", model="", out="", lora_r=8).resolved(is_tiny=False)
    model = prepare_model(bundle, cfg, torch.device("cuda"))
    frozen = {p.dtype for p in model.parameters() if not p.requires_grad}
    trained = {p.dtype for p in model.parameters() if p.requires_grad}
    assert frozen == {torch.bfloat16} and trained == {torch.float32}
    rope = [b for n, b in model.named_buffers() if n.endswith("inv_freq")]
    assert rope and all(b.dtype == torch.float32 for b in rope)


def test_throughput_script_smoke_runs_on_gpu():
    out = subprocess.run([sys.executable, str(ROOT / "perf" / "train_throughput.py"), "--tiny", "--steps", "2",
                          "--warmup", "1", "--paths", "naive", "mmsynth"], capture_output=True, text=True,
                         timeout=600, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "mmsynth / naive:" in out.stdout
