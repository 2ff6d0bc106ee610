"""The generators of OCR-grounded records, registered so that ``mmsynth validate`` can
re-check a ``mmsynth llavar`` corpus: each re-derives its answers from the stored OCR.

They are made from real images by ``mmsynth llavar``, never sampled by ``mmsynth generate``.
"""
from __future__ import annotations

import numpy as np

from mmsynth.errors import UserError
from mmsynth.generator import Generator, Rendered
from mmsynth.llavar.conversation import mentions_ocr, unsupported_claims
from mmsynth.llavar.families import GROUNDED, READ_TEXT
from mmsynth.registry import register


class OcrRecords(Generator):
    """Base: records about a real image's OCR; the task is ``ocr``."""

    task = "ocr"
    generates = False

    def _made_elsewhere(self) -> UserError:
        return UserError(f"{self.name} records are made from real images by `mmsynth llavar`, "
                         "not by `mmsynth generate`")

    def sample_spec(self, rng: np.random.Generator) -> dict:
        raise self._made_elsewhere()

    def render(self, spec: dict, style: dict) -> Rendered:
        raise self._made_elsewhere()


@register("ocr.read_text")
class ReadText(OcrRecords):
    """Read-the-text instructions about real images, answered with the OCR text in reading order."""
    families = READ_TEXT


@register("ocr.grounded")
class Grounded(OcrRecords):
    """Multi-turn questions about a real image's text layout (title, positions, numbers, counts)."""
    families = GROUNDED
    questions_per_sample = (3, 5)


@register("ocr.llm")
class LlmConversation(OcrRecords):
    """LLM-written conversations about a real image's text; every quoted text was seen by the OCR."""
    families = []

    def verify(self, record: dict) -> list[str]:
        """Re-check that no answer claims text the stored OCR words do not contain."""
        errors = []
        words = record["source"].get("words", [])
        for i, qa in enumerate(record.get("qa", [])):
            if qa.get("family") != "ocr.llm":
                errors.append(f"qa[{i}]: unknown family {qa.get('family')!r} for {self.name}")
                continue
            bad = unsupported_claims(qa["question"], qa["answer"], words)
            if bad:
                errors.append(f"qa[{i}]: ocr.llm: claims {bad[0]!r}, which the OCR did not see")
            elif mentions_ocr(qa["question"], qa["answer"]):
                errors.append(f"qa[{i}]: ocr.llm: mentions OCR")
        return errors
