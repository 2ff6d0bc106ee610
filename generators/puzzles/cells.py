"""Panel cells as data: describing them in words, and the near-miss variants used as wrong options."""
from __future__ import annotations

import numpy as np

from mmsynth.questions import Solution
from mmsynth.rand import pick, shuffled

from generators.dashboards.options import distinct_from, near_numbers
from generators.puzzles.vocab import VOCAB

LETTERS = VOCAB["option_letters"]
SIZE_NAMES = ["tiny", "small", "medium", "large", "very large", "huge"]


def direction(angle: int) -> str:
    return VOCAB["directions"][(angle // 45) % 8]


def describe(cell: dict, with_size: bool = False) -> str:
    """'3 red circles', '1 blue arrow pointing left', '1 large green square'."""
    noun = cell["shape"] + ("es" if cell["shape"] == "cross" and cell["count"] != 1 else
                            "s" if cell["count"] != 1 else "")
    size = f"{SIZE_NAMES[cell['size']]} " if with_size else ""
    text = f"{cell['count']} {size}{cell['color']} {noun}"
    if cell["shape"] in VOCAB["oriented"]:
        text += f" pointing {direction(cell['angle'])}"
    return text


def cell(shape: str, color: str, count: int = 1, size: int = 3, angle: int = 0) -> dict:
    return {"shape": shape, "color": color, "count": count, "size": size, "angle": angle}


ALL_ATTRS = ("count", "color", "shape", "angle", "size")


def variants(answer: dict, rng: np.random.Generator, attrs: tuple[str, ...] = ALL_ATTRS) -> list[dict]:
    """Cells that differ from ``answer`` in one of ``attrs``: the wrong options a hasty reader picks.

    Only attributes that vary visibly in the puzzle are listed, so no wrong option differs
    from the answer by a detail the puzzle never asked the reader to look at.
    """
    out = []
    if "count" in attrs:
        out += [dict(answer, count=answer["count"] + d) for d in (1, -1, 2) if 1 <= answer["count"] + d <= 9]
    if "color" in attrs:
        out.append(dict(answer, color=pick(rng, [c for c in VOCAB["colors"] if c != answer["color"]])))
    if "angle" in attrs and answer["shape"] in VOCAB["oriented"]:
        out += [dict(answer, angle=(answer["angle"] + d) % 360) for d in (45, 90, 180, 315)]
    if "shape" in attrs and answer["shape"] not in VOCAB["oriented"]:
        out.append(dict(answer, shape=pick(rng, [s for s in VOCAB["shapes"]
                                                 if s != answer["shape"] and s not in VOCAB["oriented"]])))
    if "size" in attrs:
        out += [dict(answer, size=answer["size"] + d) for d in (1, -1, 2)
                if 0 <= answer["size"] + d < len(VOCAB["size_levels"])]
    return shuffled(rng, out)


def make_options(answer: dict, preferred: list[dict], rng: np.random.Generator, n: int = 4,
                 attrs: tuple[str, ...] = ALL_ATTRS) -> tuple[list[dict], str]:
    """``n`` distinct option cells (the answer once; ``preferred`` wrong ones first) and the answer's letter."""
    wrong: list[dict] = []
    for w in preferred + variants(answer, rng, attrs):
        if w != answer and w not in wrong:
            wrong.append(w)
    opts = shuffled(rng, [answer] + wrong[: n - 1])
    return opts, LETTERS[opts.index(answer)]


def count_in(c: dict) -> Solution:
    """How many shapes one panel holds (near counts as distractors)."""
    return Solution(c["count"], distractors=near_numbers(c["count"], (1, -1, 2), lo=1))


def color_of(c: dict, panels: list[dict]) -> Solution:
    """The colour of one panel (the puzzle's other colours first as distractors)."""
    return Solution(c["color"], distractors=distinct_from(c["color"], [p["color"] for p in panels] + VOCAB["colors"]))
