"""``puzzle.odd_one_out``: 4-6 lettered panels, all alike except one that differs in exactly
one attribute (shape, colour, count, size or direction)."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from mmsynth.errors import NotApplicable
from mmsynth.generator import Generator, Rendered
from mmsynth.questions import Solution, Solvers, load_families
from mmsynth.rand import pick, randint
from mmsynth.registry import register

from generators.dashboards.options import distinct_from, near_numbers
from generators.puzzles import layout
from generators.puzzles.cells import LETTERS, cell, color_of, count_in, describe, direction
from generators.puzzles.vocab import VOCAB

QUESTIONS = Path(__file__).with_name("questions.yaml")
PLAIN_SHAPES = [s for s in VOCAB["shapes"] if s not in VOCAB["oriented"]]
ATTRS = VOCAB["odd_attributes"]
Q = Solvers()


def _odd_variant(base: dict, attr: str, rng: np.random.Generator) -> dict:
    """``base`` changed clearly in ``attr`` alone."""
    if attr == "shape":
        return dict(base, shape=pick(rng, [s for s in PLAIN_SHAPES if s != base["shape"]]))
    if attr == "color":
        return dict(base, color=pick(rng, [c for c in VOCAB["colors"] if c != base["color"]]))
    if attr == "count":
        return dict(base, count=pick(rng, [n for n in range(1, 7) if n != base["count"]]))
    if attr == "size":
        return dict(base, size=base["size"] + 2 if base["size"] <= 2 else base["size"] - 2)
    return dict(base, angle=(base["angle"] + pick(rng, [90, 180, 270])) % 360)


def sample_odd(rng: np.random.Generator) -> dict:
    attr = pick(rng, sorted(ATTRS))
    shape = "arrow" if attr == "angle" else pick(rng, PLAIN_SHAPES)
    count = 1 if attr in ("size", "angle") else randint(rng, 1, 5)
    size = randint(rng, 1, 4) if attr == "size" else randint(rng, 3, 4)
    base = cell(shape, pick(rng, VOCAB["colors"]), count, size=size, angle=45 * randint(rng, 0, 7))
    n = randint(rng, 4, 5)
    odd_at = randint(rng, 0, n - 1)
    panels = [dict(base) for _ in range(n)]
    panels[odd_at] = _odd_variant(base, attr, rng)
    return {"attribute": attr, "panels": panels, "odd_label": LETTERS[odd_at]}


def value_text(c: dict, attr: str) -> str:
    """The attribute value in words (a direction for arrows, a number for counts)."""
    return direction(c["angle"]) if attr == "angle" else str(c[attr])


def _odd(spec: dict) -> dict:
    return spec["panels"][LETTERS.index(spec["odd_label"])]


def _common(spec: dict) -> dict:
    return next(p for i, p in enumerate(spec["panels"]) if LETTERS[i] != spec["odd_label"])


@Q.solve("odd.which")
def _which(spec: dict) -> Solution:
    attr = spec["attribute"]
    why = (f"Every panel shows {describe(_common(spec), attr == 'size')} except {spec['odd_label']}, which shows "
           f"{describe(_odd(spec), attr == 'size')}: it differs in {ATTRS[attr]}.")
    letters = LETTERS[:len(spec["panels"])]
    return Solution(spec["odd_label"], rationale=why, distractors=distinct_from(spec["odd_label"], letters))


@Q.solve("odd.attribute")
def _attribute(spec: dict) -> Solution:
    attr = spec["attribute"]
    why = f"Panel {spec['odd_label']} has {value_text(_odd(spec), attr) if attr != 'size' else 'a different size'}" \
          f" where the others have {value_text(_common(spec), attr) if attr != 'size' else 'one shared size'}."
    return Solution(ATTRS[attr], rationale=why, distractors=[v for k, v in ATTRS.items() if k != attr])


def _values(spec: dict, which: dict) -> Solution:
    attr = spec["attribute"]
    if attr == "size":
        raise NotApplicable("sizes have no names")
    v = value_text(which, attr)
    pool = {"shape": PLAIN_SHAPES, "color": VOCAB["colors"], "count": [str(n) for n in range(1, 7)],
            "angle": VOCAB["directions"]}[attr]
    other = value_text(_common(spec) if which is _odd(spec) else _odd(spec), attr)
    why = f"Panel {spec['odd_label']} has {ATTRS[attr]} {value_text(_odd(spec), attr)}; " \
          f"every other panel has {value_text(_common(spec), attr)}."
    return Solution(v, rationale=why, distractors=distinct_from(v, [other] + pool),
                    fields={"attribute_name": ATTRS[attr]})


Q.solve("odd.common_value")(lambda spec: _values(spec, _common(spec)))
Q.solve("odd.odd_value")(lambda spec: _values(spec, _odd(spec)))


def _bind_letter(spec: dict, rng: np.random.Generator) -> dict:
    return {"letter": pick(rng, LETTERS[:len(spec["panels"])])}


def _panel(spec: dict, letter: str) -> dict:
    if letter not in LETTERS[:len(spec["panels"])]:
        raise NotApplicable("no such panel")
    return spec["panels"][LETTERS.index(letter)]


Q.solve("odd.panel_count")(lambda spec, letter: count_in(_panel(spec, letter)))
Q.solve("odd.panel_color")(lambda spec, letter: color_of(_panel(spec, letter), spec["panels"]))


@Q.solve("odd.num_panels")
def _num_panels(spec: dict) -> Solution:
    n = len(spec["panels"])
    return Solution(n, distractors=near_numbers(n, (1, -1, 2), lo=2))


Q.bind("odd.panel_count")(_bind_letter)
Q.bind("odd.panel_color")(_bind_letter)


@register("puzzle.odd_one_out")
class OddOneOutPuzzle(Generator):
    """Odd-one-out: lettered panels alike but one, which differs in shape, colour, count, size or direction."""

    task = "puzzle"
    families = load_families(QUESTIONS, Q, only=list(Q.solvers))

    def sample_spec(self, rng: np.random.Generator) -> dict:
        return sample_odd(rng)

    def sample_style(self, rng: np.random.Generator) -> dict:
        return layout.sample_puzzle_style(rng)

    def render(self, spec: dict, style: dict) -> Rendered:
        c = layout.new_canvas(style)
        w, h = style["width"], style["height"]
        n = len(spec["panels"])
        gap = w * 0.03
        side = min((w * 0.94 - gap * (n - 1)) / n, h * 0.7)
        label = max(20, side * 0.2)
        boxes = layout.row_boxes(0, (h - side - label * 1.6) / 2, w, n, side, gap)
        layout.draw_panels(c, boxes, spec["panels"], layout.grid_for(spec["panels"]), style)
        layout.label_boxes(c, boxes, LETTERS[:n], style, label)
        return Rendered([c.finish(style["noise"], style["noise_seed"])], c.texts)
