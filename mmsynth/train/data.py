"""From corpus records (or benchmark questions with answers) to supervised token sequences.

Prompt templates:

* LLaVA (1.5 and NeXT): the vicuna-v1 conversation of LLaVA-1.5,
  ``"{system} USER: <image>\\n{q1} ASSISTANT: {a1}</s>USER: {q2} ASSISTANT: {a2}</s>"``.
  Each ``<image>`` becomes as many image tokens as the model has features per image.
* InstructBLIP: one example per question (InstructBLIP is a single-turn model): the
  instruction goes to the Q-Former and to the LLM, whose input is
  ``[image tokens] <s>{instruction} {answer}</s>`` (image tokens first, as the
  Hugging Face processor places them).

The whole text is tokenised in one pass (so every tokenizer splits it as it would at
inference) and a token is supervised exactly when its characters overlap an assistant
answer (with its closing ``</s>``); everything else is labelled -100. Sequences are cut
only after their last image token; one whose image tokens (plus one answer token)
cannot fit ``max_length`` is an error, never silently mangled.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import numpy as np

from mmsynth.bench.lines import read_lines
from mmsynth.corpus import iter_records
from mmsynth.errors import UserError
from mmsynth.generator import answer_text, question_prompt
from mmsynth.images import image_problems
from mmsynth.io import read_jsonl
from mmsynth.record import IMAGE_TOKEN, OPTION_LETTERS

IGNORE = -100
VICUNA_SYSTEM = ("A chat between a curious human and an artificial intelligence assistant. "
                 "The assistant gives helpful, detailed, and polite answers to the human's questions.")


@dataclass
class Source:
    """One training conversation before tokenisation (a corpus record or a benchmark item)."""
    id: str
    root: Path
    images: list[str]
    turns: list[dict]
    where: str = ""


@dataclass
class Example:
    """A tokenised training sequence with its images (and the Q-Former instruction for InstructBLIP)."""
    id: str
    input_ids: list[int]
    labels: list[int]
    images: list[Path]
    qformer_text: str | None = None
    truncated: bool = False

    def __len__(self) -> int:
        return len(self.input_ids)


@dataclass
class Prompt:
    """A generation prompt: the text up to where the model starts answering."""
    text: str
    images: list[Path]
    qformer_text: str | None = None


# --- reading DATA ---------------------------------------------------------------------

def is_benchmark(path: Path) -> bool:
    return (path / "questions.jsonl").is_file()


def bench_turns(question: dict, answer: Any = None) -> list[dict]:
    """The conversation a benchmark question (and its answer, when training) stands for."""
    n_images = len(question.get("images", []))
    text = question["question"]
    if text.count(IMAGE_TOKEN) != n_images:   # placeholders are ours to place, one line per image
        text = (IMAGE_TOKEN + "\n") * n_images + text.replace(IMAGE_TOKEN, "").strip()
    options = question.get("options") or []
    if not all(f"{OPTION_LETTERS[i]}. {o}" in text for i, o in enumerate(options)):
        text = question_prompt({**question, "question": text})   # the options, lettered, as in training data
    turns = [{"role": "user", "content": text}]
    if answer is not None:
        turns.append({"role": "assistant", "content": bench_answer_text(question, answer)})
    return turns


def bench_answer_text(question: dict, answer: Any) -> str:
    """The assistant text of a benchmark answer: the option letter for multiple choice."""
    options = question.get("options")
    if options and answer not in options:
        if isinstance(answer, str) and len(answer) == 1 and answer in OPTION_LETTERS[:len(options)]:
            return answer
        raise UserError(f"benchmark item {question['id']!r}: answer {answer!r} is not one of its options")
    return answer_text({**question, "answer": answer})


LLAVA_ROLES = {"human": "user", "gpt": "assistant", "system": "system"}


def llava_json(data: Path) -> Path | None:
    """The LLaVA-format JSON file DATA names (the file, or ``llava.json`` in a folder), if any."""
    if data.is_file() and data.suffix == ".json":
        return data
    return data / "llava.json" if (data / "llava.json").is_file() else None


def llava_sources(path: Path) -> Iterator[Source]:
    """Conversations of a LLaVA-1.5 instruction file (``mmsynth export --format llava``, or
    the user's own): image paths relative to the file's folder, or absolute."""
    from mmsynth.io import read_json

    entries = read_json(path)
    if not isinstance(entries, list):
        raise UserError(f"{path}: expected a JSON list of LLaVA entries")
    for k, e in enumerate(entries):
        where = f"{path.name}[{k}]"
        try:
            images = e.get("image", [])
            images = [images] if isinstance(images, str) else list(images)
            turns = [{"role": LLAVA_ROLES[t["from"]], "content": t["value"]} for t in e["conversations"]]
        except (AttributeError, KeyError, TypeError) as err:
            raise UserError(f"{where}: not a LLaVA entry ({type(err).__name__}: {err})") from None
        placeholders = sum(t["content"].count(IMAGE_TOKEN) for t in turns)
        if placeholders != len(images):
            raise UserError(f"{where}: {placeholders} {IMAGE_TOKEN} placeholders for {len(images)} images")
        if not any(t["role"] == "assistant" for t in turns):
            raise UserError(f"{where}: no gpt turn to learn from")
        yield Source(str(e.get("id", k)), path.parent, images, turns, where)


def iter_sources(data: str | Path) -> Iterator[Source]:
    """Conversations of a corpus folder, a LLaVA-format JSON export, or a benchmark folder's
    questions joined with their answers."""
    root = Path(data)
    if llava_json(root):
        yield from llava_sources(llava_json(root))
        return
    if is_benchmark(root):
        answers_path = root / "answers.jsonl"
        if not answers_path.is_file():
            raise UserError(f"{root}: a benchmark folder needs answers.jsonl to be trained on")
        answers = {}
        for line, a in read_jsonl(answers_path, expect=dict, root=root):
            if not isinstance(a.get("id"), str) or "answer" not in a:
                raise UserError(f"{answers_path}:{line}: not an answer line (needs an id string and an answer)")
            answers[a["id"]] = a["answer"]
        for line, q in read_lines(root):
            if q.get("id") not in answers:
                raise UserError(f"{root}/questions.jsonl:{line}: no answer for {q.get('id')!r} in answers.jsonl")
            yield Source(q["id"], root, list(q.get("images", [])), bench_turns(q, answers[q["id"]]),
                         f"questions.jsonl:{line}")
        return
    for shard, line, rec in iter_records(root):
        yield Source(rec["id"], root, list(rec["images"]), rec["conversations"], f"data/{shard}:{line}")


def load_sources(data: str | Path, progress: bool = False) -> list[Source]:
    """Every conversation of DATA; images that do not exist or do not open are an error naming
    the first one."""
    from tqdm import tqdm

    sources = list(tqdm(iter_sources(data), desc="read", unit="rec", disable=not progress, leave=False))
    if not sources:
        raise UserError(f"{data}: no records to train on")
    bad = [(s, p, e) for s in tqdm(sources, desc="check images", unit="rec", disable=not progress, leave=False)
           for p, e in image_problems(s.root, s.images)]
    missing = [b for b in bad if b[2].missing]
    if missing:
        s, p, _ = missing[0]
        raise UserError(f"{data}: {len(missing)} image file(s) are missing (first: {p}, used by {s.id} "
                        f"at {s.where}); nothing was trained")
    if bad:
        s, p, e = bad[0]
        raise UserError(f"{data}: {p} (used by {s.id} at {s.where}) is not a readable image ({e}); "
                        "nothing was trained")
    return sources


def corpus_texts(sources: list[Source]) -> Iterator[str]:
    """The text a tiny preset's tokenizer is trained on: the templates and every turn."""
    yield VICUNA_SYSTEM + " USER: ASSISTANT:"
    for s in sources:
        for t in s.turns:
            yield t["content"]


# --- templates ------------------------------------------------------------------------

def llava_text(turns: list[dict], eos: str, generation_prompt: bool = False) -> tuple[str, list[tuple[int, int]]]:
    """Vicuna-v1 text of a conversation and the character spans of the answers (with ``</s>``)."""
    system = next((t["content"] for t in turns if t["role"] == "system"), VICUNA_SYSTEM)
    text, spans = system + " ", []
    for t in turns:
        if t["role"] == "user":
            text += f"USER: {t['content']} ASSISTANT:"
        elif t["role"] == "assistant":
            start = len(text)
            text += f" {t['content']}{eos}"
            spans.append((start, len(text)))
    if generation_prompt and turns[-1]["role"] != "user":
        raise ValueError("a generation prompt must end with a user turn")
    return text, spans


def instructblip_pairs(turns: list[dict]) -> list[tuple[str, str]]:
    """(instruction, answer) pairs: one single-turn example per question of the conversation."""
    pairs, question = [], None
    for t in turns:
        if t["role"] == "user":
            question = t["content"].replace(IMAGE_TOKEN, "").strip()
        elif t["role"] == "assistant" and question is not None:
            pairs.append((question, t["content"]))
    return pairs


# --- tokenisation ---------------------------------------------------------------------

class Encoder:
    """Turns sources into examples (training) or prompts (generation) for one model."""

    def __init__(self, bundle: Any, max_length: int):
        self.bundle = bundle
        self.tokenizer = bundle.tokenizer
        self.max_length = max_length
        self.image_token_id = bundle.image_token_id
        self.eos = self.tokenizer.eos_token

    def examples(self, source: Source) -> list[Example]:
        paths = [source.root / p for p in source.images]
        counts = self.bundle.image_token_counts(paths)
        if self.bundle.family == "llava":
            text, spans = llava_text(source.turns, self.eos)
            return [self._example(source.id, text, spans, paths, counts, image_first=False)]
        out = []
        for k, (question, answer) in enumerate(instructblip_pairs(source.turns)):
            text = f"{question} {answer}{self.eos}"
            out.append(self._example(f"{source.id}#{k}", text, [(len(question), len(text))], paths, counts,
                                     image_first=True, qformer_text=question))
        return out

    def prompt(self, turns: list[dict], paths: list[Path]) -> Prompt:
        if self.bundle.family == "llava":
            return Prompt(llava_text(turns, self.eos, generation_prompt=True)[0], paths)
        question = instructblip_pairs(turns + [{"role": "assistant", "content": ""}])[-1][0]
        return Prompt(question, paths, qformer_text=question)

    def prompt_ids(self, prompt: Prompt) -> list[int]:
        """Token ids of a generation prompt, image tokens expanded."""
        counts = self.bundle.image_token_counts(prompt.images)
        ids, _ = self._tokens(prompt.text, [], counts, image_first=self.bundle.family == "instructblip")
        return ids

    def _tokens(self, text: str, spans: list[tuple[int, int]], counts: list[int],
                image_first: bool) -> tuple[list[int], list[int]]:
        enc = self.tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
        ids, labels = [], []
        if image_first:
            for n in counts:
                ids += [self.image_token_id] * n
        if self.tokenizer.bos_token_id is not None:
            ids.append(self.tokenizer.bos_token_id)
        labels = [IGNORE] * len(ids)
        images_seen = 0
        for tok, (a, b) in zip(enc["input_ids"], enc["offset_mapping"]):
            if tok == self.image_token_id:
                if image_first or images_seen >= len(counts):
                    raise UserError(f"more {IMAGE_TOKEN} placeholders than images in {text[:60]!r}...")
                ids += [tok] * counts[images_seen]
                labels += [IGNORE] * counts[images_seen]
                images_seen += 1
                continue
            ids.append(tok)
            labels.append(tok if any(a < e and b > s for s, e in spans) else IGNORE)
        if not image_first and images_seen != len(counts):
            raise UserError(f"{images_seen} {IMAGE_TOKEN} placeholders for {len(counts)} images")
        return ids, labels

    def _example(self, ex_id: str, text: str, spans: list[tuple[int, int]], paths: list[Path],
                 counts: list[int], image_first: bool, qformer_text: str | None = None) -> Example:
        ids, labels = self._tokens(text, spans, counts, image_first)
        truncated = len(ids) > self.max_length
        if truncated:
            image_end = max((i + 1 for i, t in enumerate(ids) if t == self.image_token_id), default=0)
            if image_end >= self.max_length:
                raise UserError(f"{ex_id}: its {sum(counts)} image tokens end at position {image_end}, "
                                f"which leaves no room for an answer within --max-length {self.max_length}; "
                                f"raise --max-length (image tokens are never cut)")
            ids, labels = ids[:self.max_length], labels[:self.max_length]
        if all(lab == IGNORE for lab in labels):
            raise UserError(f"{ex_id}: no answer token fits within --max-length {self.max_length}; "
                            f"raise --max-length")
        return Example(ex_id, ids, labels, paths, qformer_text, truncated)


def encode_all(sources: list[Source], encoder: Encoder, progress: bool = False) -> list[Example]:
    from tqdm import tqdm

    return [ex for s in tqdm(sources, desc="tokenize", unit="rec", disable=not progress, leave=False)
            for ex in encoder.examples(s)]


# --- batching -------------------------------------------------------------------------

def length_grouped_batches(lengths: list[int], batch_size: int, seed: int, epoch: int,
                           group_batches: int = 50) -> list[list[int]]:
    """Batches of similar length (little padding), in a random order fixed by ``(seed, epoch)``.

    Indices are shuffled, cut into groups of ``group_batches`` batches, sorted by length
    inside each group and split into batches; the batches are then shuffled, so a run
    neither sees data sorted by length nor wastes compute on padding.
    """
    rng = np.random.default_rng([seed, epoch])
    order = rng.permutation(len(lengths)).tolist()
    group = batch_size * group_batches
    batches: list[list[int]] = []
    for g in range(0, len(order), group):
        chunk = sorted(order[g:g + group], key=lambda i: -lengths[i])
        batches += [chunk[b:b + batch_size] for b in range(0, len(chunk), batch_size)]
    return [batches[i] for i in rng.permutation(len(batches)).tolist()]


def pad_to_square(image: Any, mean: list[float]) -> Any:
    """The image centred on a square of the processor's mean colour, as LLaVA-1.5 trains:
    its CLIP processor would otherwise crop the sides of a wide chart (or the top and
    bottom of a tall page) away, and with them the text that answers the question."""
    from PIL import Image

    w, h = image.size
    if w == h:
        return image
    side = max(w, h)
    canvas = Image.new("RGB", (side, side), tuple(int(255 * m) for m in mean))   # truncated, as LLaVA does
    canvas.paste(image, ((side - w) // 2, (side - h) // 2))
    return canvas


@dataclass
class Collator:
    """Pads a list of examples into model inputs and processes their images. It holds the
    processor, not the model, so data-loader workers get a light copy."""
    processor: Any
    family: str
    pad_left: bool = False
    square: bool = False     # pad each image to a square first (LLaVA-1.5's image_aspect_ratio="pad")

    @classmethod
    def of(cls, bundle: Any, pad_left: bool = False) -> "Collator":
        return cls(bundle.processor, bundle.family, pad_left, square=bundle.model_type == "llava")

    def images(self, paths: list[Path]) -> dict:
        from PIL import Image

        pil = []
        for p in paths:
            with Image.open(p) as im:
                rgb = im.convert("RGB")
            pil.append(pad_to_square(rgb, self.processor.image_processor.image_mean) if self.square else rgb)
        return dict(self.processor.image_processor(images=pil, return_tensors="pt"))

    def __call__(self, items: list[Example]) -> dict:
        import torch

        tok = self.processor.tokenizer
        width = max(len(e) for e in items)
        pad = tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id
        ids = torch.full((len(items), width), pad, dtype=torch.long)
        labels = torch.full((len(items), width), IGNORE, dtype=torch.long)
        mask = torch.zeros((len(items), width), dtype=torch.long)
        for i, e in enumerate(items):
            n = len(e)
            sl = slice(width - n, width) if self.pad_left else slice(0, n)
            ids[i, sl] = torch.tensor(e.input_ids)
            labels[i, sl] = torch.tensor(e.labels)
            mask[i, sl] = 1
        batch = {"input_ids": ids, "attention_mask": mask, "labels": labels}
        batch.update(self.images([p for e in items for p in e.images]))
        if self.family == "instructblip":
            texts = [e.qformer_text for e in items for _ in e.images]
            q = self.processor.qformer_tokenizer(texts, padding=True, truncation=True, max_length=128,
                                                        return_tensors="pt")
            batch["qformer_input_ids"] = q["input_ids"]
            batch["qformer_attention_mask"] = q["attention_mask"]
        return batch
