"""``mmsynth llavar``: OCR-grounded instruction data from real images, as a corpus.

Images are OCR'd (cached by content hash), the text-rich ones kept (enough confident
words), and each gives up to three records: ``ocr.read_text`` (read the text, answered
with the OCR text in reading order), ``ocr.grounded`` (questions about the layout,
answered from the OCR words) and, with ``--llm``, ``ocr.llm`` (the LLaVAR recipe:
a text-only LLM writes a conversation; turns that quote text the OCR did not see are
dropped and counted).

The images are cut into shards of consecutive images. A shard's records are written
atomically after its images; the manifest lists finished shards with their counts. A
rerun with ``--resume`` skips finished shards and redoes the rest; OCR results and LLM
replies come from their caches, so nothing is paid for twice. A shard where an LLM
request failed is written but left unfinished, so ``--resume`` retries just those requests.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

from tqdm import tqdm

from mmsynth.backend import Backend, JobBase, run_tasks
from mmsynth.corpus import (DATA_DIR, CorpusWriter, claim_output, encode_image, iter_records, manifest_base,
                            store_shared, write_shard_manifest)
from mmsynth.errors import UserError
from mmsynth.generator import Sample, conversation
from mmsynth.io import read_json, read_jsonl
from mmsynth.llavar.conversation import build_messages, mentions_ocr, parse_turns, unsupported_claims
from mmsynth.llavar.families import GROUNDED, READ_TEXT, source_from_ocr
from mmsynth.llm import ChatClient, LLMError, LLMUnavailable
from mmsynth.ocr import OcrEngine, exif_turned, find_images, load_image
from mmsynth.questions import ask, ask_many
from mmsynth.rand import randint, rng_for


@dataclass
class LlavarConfig:
    """Everything that decides a run's output; stored in the manifest and compared on resume."""
    inputs: list[str]
    min_words: int = 3
    min_confidence: float = 0.4
    seed: int = 0
    shard_size: int = 100
    engine: str = "easyocr"
    llm: str | None = None
    model: str | None = None
    captions: str | None = None


@dataclass(frozen=True)
class InputImage:
    index: int
    name: str   # how the record's source names it (path under the input folder, or corpus/path)
    path: Path


def collect_images(inputs: list[str]) -> list[InputImage]:
    """The images of files, folders (recursive) and corpus folders (the images their records use)."""
    found: list[tuple[str, Path]] = []
    for inp in inputs:
        p = Path(inp)
        if p.is_dir() and (p / DATA_DIR).is_dir():
            seen = set()
            for _, _, rec in iter_records(p, validate=False):
                for rel in rec.get("images", []) if isinstance(rec, dict) else []:
                    if isinstance(rel, str) and rel not in seen:
                        seen.add(rel)
                        found.append((f"{p.name}/{rel}", p / rel))
        elif p.is_dir():
            found += [(str(f.relative_to(p)), f) for f in find_images([p])]
        else:
            found += [(f.name, f) for f in find_images([p])]
    return [InputImage(i, name, path) for i, (name, path) in enumerate(found)]


def load_captions(path: str | None) -> dict[str, str]:
    """Captions by image name: a JSON object, or JSONL lines ``{"image": ..., "caption": ...}``."""
    if not path:
        return {}
    if str(path).endswith(".jsonl"):
        out = {}
        for line, row in read_jsonl(path):
            if not (isinstance(row, dict) and isinstance(row.get("image"), str) and isinstance(row.get("caption"), str)):
                raise UserError(f"{path}:{line}: expected {{\"image\": ..., \"caption\": ...}}")
            out[row["image"]] = row["caption"]
        return out
    data = read_json(path)
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise UserError(f"{path}: expected a JSON object of image name -> caption")
    return data


class LlavarRun:
    """One ``mmsynth llavar`` run into a corpus folder."""

    def __init__(self, cfg: LlavarConfig, out: str | Path, engine: OcrEngine, client: ChatClient | None = None,
                 progress: bool = True):
        if (cfg.llm is None) != (client is None):
            raise ValueError("a client is given exactly when cfg.llm names a server")
        if cfg.min_words < 1 or not 0 <= cfg.min_confidence <= 1 or cfg.shard_size < 1:
            raise UserError("--min-words and --shard-size must be >= 1 and --min-conf in [0, 1]")
        self.cfg, self.out, self.engine, self.client, self.progress = cfg, Path(out), engine, client, progress
        self.captions = load_captions(cfg.captions)

    def run(self, resume: bool = False, backend: Backend | None = None) -> dict:
        """Run (or finish) into ``out``; shards of images run on ``backend`` (default: here)."""
        backend = backend or Backend()
        backend.check()
        images = collect_images(self.cfg.inputs)
        if not images:
            raise UserError(f"no images found in {', '.join(self.cfg.inputs)}")
        shards = claim_output(self.out, "llavar", asdict(self.cfg), resume)
        manifest = manifest_base("llavar", asdict(self.cfg))
        size = self.cfg.shard_size
        chunks = [(f"ocr-{number:05d}", images[start:start + size])
                  for number, start in enumerate(range(0, len(images), size))]
        done = [c for c in chunks if c[0] in shards and (self.out / DATA_DIR / f"{c[0]}.jsonl").exists()]
        todo = [c for c in chunks if c not in done]
        bar = tqdm(total=len(images), initial=sum(len(c[1]) for c in done), desc="llavar", unit="img",
                   disable=not self.progress)
        try:
            for (name, _), stats in run_tasks(ChunkWriter(self), todo, backend, bar):
                shards[name] = stats
                self._write(manifest, shards, "running")
        except (LLMUnavailable, KeyboardInterrupt):
            self._write(manifest, shards, "interrupted")
            raise
        finally:
            bar.close()
        unfinished = [k for k, v in shards.items() if not v["finished"]]
        return self._write(manifest, shards, "incomplete" if unfinished else "complete")

    def _write(self, manifest: dict, shards: dict, status: str) -> dict:
        return write_shard_manifest(self.out, manifest, shards, status)

    # --- one shard ---------------------------------------------------------------------------
    def write_chunk(self, name: str, chunk: list[InputImage], tick: Callable[[int], None]) -> dict:
        """Process one shard of images and write its records; its stats."""
        records, stats = self.process(chunk, tick)
        CorpusWriter(self.out).write_shard(name, records)
        return stats

    def process(self, chunk: list[InputImage], tick: Callable[[int], None]) -> tuple[list[dict], dict]:
        counts: Counter = Counter(images=len(chunk))
        skipped: list[str] = []
        kept: list[tuple[InputImage, dict, str]] = []
        results = self.engine.read_many([c.path for c in chunk], progress=False)
        for item, (_, result, err) in zip(chunk, results):
            tick(1)
            if result is None:
                counts["unreadable"] += 1
                skipped.append(err or item.name)
                continue
            filtered = result.filtered(self.cfg.min_confidence)
            if len(filtered.words) < self.cfg.min_words:
                counts["not_text_rich"] += 1
                skipped.append(f"{item.name}: {len(filtered.words)} words of confidence >= "
                               f"{self.cfg.min_confidence} (needs {self.cfg.min_words})")
                continue
            src = source_from_ocr(filtered, item.name, self.cfg.min_confidence)
            caption = self.captions.get(item.name) or self.captions.get(item.path.name)
            if caption:
                src["caption"] = caption
            if exif_turned(item.path):  # store the pixels the OCR boxes refer to: the upright image
                rel = store_shared(self.out, encode_image(load_image(item.path)[0]), ".png")
            else:   # the photo itself, once per corpus however many records and inputs show it
                rel = store_shared(self.out, item.path, item.path.suffix)
            kept.append((item, src, rel))
        counts["text_rich"] = len(kept)
        records = []
        for item, src, rel in kept:
            records += self.offline_records(item, src, rel, counts)
        finished = True
        if self.client is not None and kept:
            llm_records, finished = self.llm_records(kept, counts)
            records += llm_records
        records.sort(key=lambda r: (r["meta"]["index"], r["generator"]))
        return records, {"finished": finished, "counts": dict(counts), "skipped": skipped}

    def _record(self, generator: str, item: InputImage, src: dict, rel: str, qa: list[dict],
                turns: list[dict] | None = None) -> dict:
        sample = Sample(source=src, images=[rel], qa=qa, conversations=turns or conversation(qa, 1), style={})
        return sample.record(f"{generator}-{self.cfg.seed}-{item.index:06d}", generator, "ocr", [rel],
                             self.cfg.seed, item.index)

    def offline_records(self, item: InputImage, src: dict, rel: str, counts: Counter) -> list[dict]:
        """The read-the-text record, and the grounded conversation when a family applies."""
        rng = rng_for(self.cfg.seed, item.index, "ocr.read_text")
        out = [self._record("ocr.read_text", item, src, rel, [ask(READ_TEXT[0], src, rng, mc_share=0.0)])]
        rng = rng_for(self.cfg.seed, item.index, "ocr.grounded")
        qa = ask_many(GROUNDED, src, rng, randint(rng, 3, 5), mc_share=0.2)
        counts["ocr.read_text"] += 1
        if qa:
            out.append(self._record("ocr.grounded", item, src, rel, qa))
            counts["ocr.grounded"] += 1
            counts["grounded_questions"] += len(qa)
        return out

    def llm_records(self, kept: list[tuple[InputImage, dict, str]], counts: Counter) -> tuple[list[dict], bool]:
        """LLM conversations for the kept images; turns claiming unseen text are dropped."""
        replies = self.client.chat_many([build_messages(src, src.get("caption")) for _, src, _ in kept],
                                        progress=self.progress)
        out, finished = [], True
        for (item, src, rel), reply in zip(kept, replies):
            if isinstance(reply, LLMError):
                counts["llm_failed"] += 1
                finished = False
                continue
            turns = parse_turns(reply)
            if not turns:
                counts["llm_unparsable"] += 1
                continue
            qa = []
            for q, a in turns:
                if mentions_ocr(q, a):
                    counts["llm_turns_mention_ocr"] += 1
                elif unsupported_claims(q, a, src["words"]):
                    counts["llm_turns_unsupported"] += 1
                else:
                    qa.append({"question": q, "answer": a, "answer_type": "text", "options": None,
                               "family": "ocr.llm", "skill": "ocr", "rationale": None, "params": {}})
            counts["llm_turns_kept"] += len(qa)
            if qa:
                rec = self._record("ocr.llm", item, src, rel, qa)
                rec["meta"]["llm"] = {"model": self.client.model, "turns_parsed": len(turns)}
                out.append(rec)
                counts["ocr.llm"] += 1
        return out, finished


@dataclass
class ChunkWriter(JobBase):
    """The job that makes and writes one shard of a llavar run, on any backend."""
    run: LlavarRun | None = None

    def __call__(self, chunk: tuple[str, list[InputImage]], tick: Callable[[int], None]) -> dict:
        return self.run.write_chunk(*chunk, tick)


def summary(manifest: dict) -> str:
    """One paragraph of counts for the terminal."""
    return f"status {manifest['status']}: " + json.dumps(manifest["counts"], sort_keys=True)
