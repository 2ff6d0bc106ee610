"""Near-duplicate questions: paraphrases of one question about the same picture.

Exact de-duplication (:func:`mmsynth.bench.hashing.question_hash`) misses a question asked
again in other words: two phrasings of a family, an evolved or LLM-rephrased copy. Within a
family, each question becomes a MinHash over the word 2-grams of its text with slot values and
numbers masked, plus tokens naming its images; a MinHash LSH index (``datasketch``) finds kept
questions whose estimated Jaccard similarity reaches the threshold, and a candidate counts as a
duplicate only when it also asks about the same images with the same slot values and has the
same answer, so one template asked about two bars is never a duplicate of itself.

The image tokens make up about half of each set, so questions about other images fall well below the
threshold and the LSH buckets stay small: the cost is linear in the corpus. For two questions
about the same images, the default threshold of 0.6 means their masked texts share about a
third of their word pairs or more (a reworded opening, an added "please").
"""
from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datasketch import MinHash, MinHashLSH

from mmsynth.curation.text import masked_words, ngrams, slot_values

DEFAULT_THRESHOLD = 0.6
NUM_PERM = 64
IMAGE_TOKENS = 8     # about as many as a question's word pairs


def content_key(qa: dict, image_hashes: list[str]) -> str:
    """What a question asks and answers, whatever its wording."""
    return json.dumps([image_hashes, qa.get("params") or {}, qa.get("answer")], sort_keys=True, default=str)


def shingles(qa: dict, image_hashes: list[str]) -> set[str]:
    toks = masked_words(qa["question"], slot_values(qa.get("params")))
    text = {" ".join(g) for g in ngrams(["^", *toks, "$"], 2)}
    images = {f"\x00img{i}:{','.join(image_hashes)}" for i in range(IMAGE_TOKENS)}
    return text | images


class NearQuestionIndex:
    """The kept questions, one LSH index per family."""

    def __init__(self, threshold: float = DEFAULT_THRESHOLD):
        if not 0 < threshold <= 1:
            raise ValueError("threshold must be in (0, 1]")
        self.threshold = threshold
        self.families: dict[str, "MinHashLSH"] = {}
        self.contents: dict[str, str] = {}

    def _minhash(self, qa: dict, image_hashes: list[str]) -> "MinHash":
        from datasketch import MinHash   # imported here: it takes half a second, and only curate needs it
        m = MinHash(num_perm=NUM_PERM, seed=1)
        m.update_batch([s.encode("utf-8") for s in sorted(shingles(qa, image_hashes))])
        return m

    def find(self, qa: dict, image_hashes: list[str]) -> bool:
        """Whether a kept question of the family is a paraphrase of this one."""
        lsh = self.families.get(qa["family"])
        if lsh is None:
            return False
        key = content_key(qa, image_hashes)
        return any(self.contents[k] == key for k in lsh.query(self._minhash(qa, image_hashes)))

    def add(self, qa: dict, image_hashes: list[str]) -> None:
        from datasketch import MinHashLSH
        lsh = self.families.setdefault(qa["family"], MinHashLSH(threshold=self.threshold, num_perm=NUM_PERM))
        name = str(len(self.contents))
        self.contents[name] = content_key(qa, image_hashes)
        lsh.insert(name, self._minhash(qa, image_hashes))
