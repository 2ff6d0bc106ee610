"""The generator contract: sampler -> spec, renderer -> images, question families -> qa.

A generator is deterministic in ``(seed, index)``: :meth:`Generator.make` draws every
random choice from ``rng_for(seed, index, name)``. It never knows where its output
goes; the pipeline writes the images and the record.

To add one, subclass, set ``task`` and ``families``, implement ``sample_spec`` and
``render``, and decorate with ``@register("task.kind")`` in a module of the
``generators`` (or ``scenegraph``) package.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from PIL import Image

from mmsynth import __version__
from mmsynth.draw import TextBox
from mmsynth.images import image_size
from mmsynth.evolve.operators import verify_part
from mmsynth.instruct.judge import is_instruct, verify_instruct
from mmsynth.questions import QuestionFamily, ask_many
from mmsynth.rand import randint, rng_for
from mmsynth.record import IMAGE_TOKEN, OPTION_LETTERS, format_answer

ImageRef = Image.Image | Path


@dataclass
class Rendered:
    """What a renderer returns: the images and every text it drew (with boxes)."""
    images: list[ImageRef]
    texts: list[TextBox] = field(default_factory=list)


@dataclass
class Sample:
    """A generated sample before it is written: the record minus image paths, plus the images."""
    source: dict
    images: list[ImageRef]
    qa: list[dict]
    conversations: list[dict]
    style: dict
    texts: list[TextBox] = field(default_factory=list)

    def record(self, sample_id: str, generator: str, task: str, image_paths: list[str],
               seed: int, index: int) -> dict:
        meta = {"seed": seed, "index": index, "style": self.style, "version": __version__}
        sizes = [_size(img) for img in self.images]
        if all(sizes):   # readers check each image file against the size it was written at
            meta["image_sizes"] = [list(size) for size in sizes]
        return {"id": sample_id, "generator": generator, "task": task, "images": image_paths,
                "conversations": self.conversations, "qa": self.qa, "source": self.source, "meta": meta}


def _size(img: ImageRef | str) -> tuple[int, int] | None:
    """The size an image is written at: a drawn image's, or an image file's own (None when unknown)."""
    if isinstance(img, Image.Image):
        return img.size
    return image_size(img) if isinstance(img, Path) else None


def question_prompt(qa: dict) -> str:
    """The user-turn text of a qa entry: the question, and lettered options when it has them."""
    if not qa.get("options"):
        return qa["question"]
    lines = [qa["question"], "Options:"]
    lines += [f"{OPTION_LETTERS[i]}. {o}" for i, o in enumerate(qa["options"])]
    lines.append("Answer with the option's letter from the given choices directly.")
    return "\n".join(lines)


def answer_text(qa: dict) -> str:
    """The assistant-turn text of a qa entry: its ``response`` when it says more than the
    answer (reasoning shown step by step), the option letter for multiple choice, else the answer."""
    if qa.get("response"):
        return qa["response"]
    if qa.get("options"):
        return OPTION_LETTERS[qa["options"].index(qa["answer"])]
    return format_answer(qa["answer"], qa["answer_type"], qa.get("decimals"))


def conversation(qa_list: list[dict], n_images: int, image_prefix: str | None = None) -> list[dict]:
    """A multi-turn conversation asking each qa in turn; the image placeholders open the first turn."""
    prefix = image_prefix if image_prefix is not None else (IMAGE_TOKEN + "\n") * n_images
    turns = []
    for i, qa in enumerate(qa_list):
        turns.append({"role": "user", "content": (prefix if i == 0 else "") + question_prompt(qa)})
        turns.append({"role": "assistant", "content": answer_text(qa)})
    return turns


class Generator(ABC):
    """Base class. Subclasses set ``task`` and ``families`` and implement the sampler and renderer."""

    name: ClassVar[str] = ""
    task: ClassVar[str] = ""
    families: ClassVar[list[QuestionFamily]] = []
    questions_per_sample: ClassVar[tuple[int, int]] = (3, 5)
    generates: ClassVar[bool] = True  # False: verifies records that another command makes
    mc_share: ClassVar[float] = 0.3

    def __init__(self, **options: Any) -> None:
        self.options = options

    # --- the three parts -------------------------------------------------------------
    @abstractmethod
    def sample_spec(self, rng: np.random.Generator) -> dict:
        """The symbolic content of one sample, as plain JSON-serialisable data."""

    def sample_style(self, rng: np.random.Generator) -> dict:
        """Cosmetic choices (fonts, palette, size, noise); answers never depend on them."""
        return {}

    @abstractmethod
    def render(self, spec: dict, style: dict) -> Rendered:
        """Draw the spec; deterministic in ``(spec, style)``."""

    # --- driven by the pipeline ------------------------------------------------------
    def make(self, seed: int, index: int) -> Sample:
        """Sample ``index`` of a run seeded ``seed``; the same arguments give the same sample."""
        rng = rng_for(seed, index, self.name)
        spec = self.sample_spec(rng)
        style = self.sample_style(rng)
        rendered = self.render(spec, style)
        k = randint(rng, *self.questions_per_sample)
        qa = ask_many(self.families, spec, rng, k, self.mc_share)
        if not qa:
            raise RuntimeError(f"{self.name}: no question family applies to sample {index}")
        return Sample(source=spec, images=rendered.images, qa=qa,
                      conversations=conversation(qa, len(rendered.images), self.image_prefix(len(rendered.images))),
                      style=style, texts=rendered.texts)

    def image_prefix(self, n_images: int) -> str | None:
        """How the image placeholders open the first user turn (None: one ``<image>`` line each)."""
        return None

    def verify(self, record: dict) -> list[str]:
        """Recompute every answer of a record from its ``source`` (those of evolved questions
        too, part by part; the fact check of LLM-written instruction answers); return the disagreements."""
        by_name = {f.name: f for f in self.families}
        errors = []
        for i, qa in enumerate(record.get("qa", [])):
            if is_instruct(qa):
                err = verify_instruct(self.name, record["source"], qa)
            else:
                err = verify_part(by_name, record["source"], qa)
            if err:
                errors.append(f"qa[{i}]: {err}")
        return errors

    @classmethod
    def can_generate(cls) -> bool:
        """False for generators that only verify records made elsewhere (e.g. by ``mmsynth llavar``)."""
        return cls.generates

    @classmethod
    def describe(cls) -> dict:
        """Name, task, docstring summary and question families, for ``mmsynth list``."""
        doc = (cls.__doc__ or "").strip().splitlines()
        return {"name": cls.name, "task": cls.task, "description": doc[0] if doc else "",
                "families": [{"name": f.name, "skill": f.skill, "answer_type": f.answer_type}
                             for f in cls.families]}
