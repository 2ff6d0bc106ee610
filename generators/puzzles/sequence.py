"""``puzzle.sequence``: a row of panels that follows one rule (count, rotation, size, colour or
shape cycle), a '?' panel, and four lettered options of which exactly one continues the rule."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from mmsynth.errors import NotApplicable
from mmsynth.generator import Generator, Rendered
from mmsynth.questions import Solution, Solvers, load_families
from mmsynth.rand import pick, pick_n, randint
from mmsynth.registry import register

from generators.dashboards.options import distinct_from, near_numbers
from generators.puzzles import layout
from generators.puzzles.cells import LETTERS, cell, color_of, count_in, describe, direction, make_options
from generators.puzzles.vocab import VOCAB

QUESTIONS = Path(__file__).with_name("questions.yaml")
PLAIN_SHAPES = [s for s in VOCAB["shapes"] if s not in VOCAB["oriented"]]
RULES = VOCAB["sequence_rules"]
DEFAULT_STEPS = {"count": 1, "rotate": 90}
OTHER_STEP = {"count": {1: 2, 2: 1}, "rotate": {45: 90, 90: 45}}     # the right rule with the wrong step
# Attributes a wrong option may change, per rule: the ruled attribute and the plainly visible ones.
OPTION_ATTRS = {"count_up": ("count", "color", "shape"), "count_down": ("count", "color", "shape"),
                "rotate_cw": ("angle", "color"), "rotate_ccw": ("angle", "color"),
                "grow": ("size", "color", "shape"), "shrink": ("size", "color", "shape"),
                "color_cycle": ("color", "count", "shape"), "shape_cycle": ("shape", "count", "color")}
Q = Solvers()


def _series(rule: str, rng: np.random.Generator, n: int) -> tuple[list[dict], int]:
    """``n`` cells following ``rule`` (the last is the answer) and the rule's step."""
    shape, color = pick(rng, PLAIN_SHAPES), pick(rng, VOCAB["colors"])
    if rule in ("count_up", "count_down"):
        step = pick(rng, [1, 1, 2]) if n * 2 <= 10 else 1
        start = randint(rng, 1, 9 - step * (n - 1))
        counts = [start + i * step for i in range(n)]
        return [cell(shape, color, k) for k in (counts if rule == "count_up" else counts[::-1])], step
    if rule in ("rotate_cw", "rotate_ccw"):
        step, start = pick(rng, [45, 90]), 45 * randint(rng, 0, 7)
        sign = 1 if rule == "rotate_cw" else -1
        return [cell("arrow", color, angle=(start + sign * i * step) % 360) for i in range(n)], step
    if rule in ("grow", "shrink"):
        start = randint(rng, 0, len(VOCAB["size_levels"]) - n)
        sizes = [start + i for i in range(n)]
        return [cell(shape, color, size=s) for s in (sizes if rule == "grow" else sizes[::-1])], 1
    count = randint(rng, 1, 3)
    if rule == "color_cycle":
        cycle = pick_n(rng, VOCAB["colors"], 3)
        return [cell(shape, cycle[i % 3], count) for i in range(n)], 3
    cycle = pick_n(rng, PLAIN_SHAPES, 3)
    return [cell(cycle[i % 3], color, count) for i in range(n)], 3


def sample_sequence(rng: np.random.Generator) -> dict:
    rule = pick(rng, sorted(RULES))
    shown = randint(rng, 3, 4) if rule not in ("color_cycle", "shape_cycle") else pick(rng, [4, 5])
    cells, step = _series(rule, rng, shown + 1)
    answer = cells[-1]
    preferred = [dict(cells[-2])]                       # "nothing changes" is a classic wrong choice
    options, letter = make_options(answer, preferred, rng, attrs=OPTION_ATTRS[rule])
    return {"rule": rule, "step": step, "panels": cells[:-1], "answer": answer, "options": options,
            "answer_label": letter}


def rule_text(spec: dict, rule: str | None = None) -> str:
    """The rule in words; another rule of the same kind keeps the spec's step, others their usual one."""
    rule = rule or spec["rule"]
    same_kind = rule.split("_")[0] == spec["rule"].split("_")[0]
    return RULES[rule].format(step=spec["step"] if same_kind else DEFAULT_STEPS.get(rule.split("_")[0], 1))


@Q.solve("sequence.next")
def _next(spec: dict) -> Solution:
    sized = spec["rule"] in ("grow", "shrink")
    why = ("The panels show " + "; ".join(describe(c, sized) for c in spec["panels"])
           + f". Rule: {rule_text(spec)}. So the next panel has {describe(spec['answer'], sized)}, "
           f"which is option {spec['answer_label']}.")
    letters = LETTERS[:len(spec["options"])]
    return Solution(spec["answer_label"], rationale=why, distractors=distinct_from(spec["answer_label"], letters))


@Q.solve("sequence.rule")
def _rule(spec: dict) -> Solution:
    why = "Panel by panel: " + "; ".join(describe(c) for c in spec["panels"]) + f". So {rule_text(spec)}."
    kind = spec["rule"].split("_")[0]
    wrong_step = [RULES[spec["rule"]].format(step=OTHER_STEP[kind][spec["step"]])] if kind in OTHER_STEP else []
    others = wrong_step + [rule_text(spec, r) for r in RULES if r != spec["rule"]]
    return Solution(rule_text(spec), rationale=why, distractors=distinct_from(rule_text(spec), others))


@Q.solve("sequence.next_count")
def _next_count(spec: dict) -> Solution:
    if not spec["rule"].startswith("count"):
        raise NotApplicable("not a count sequence")
    counts = [c["count"] for c in spec["panels"]]
    n = spec["answer"]["count"]
    sign = "+" if spec["rule"] == "count_up" else "-"
    why = f"Counts {', '.join(map(str, counts))} change by {sign}{spec['step']}; {counts[-1]} {sign} {spec['step']} = {n}."
    return Solution(n, rationale=why, distractors=near_numbers(n, (1, -1, 2, -2), lo=1))


@Q.solve("sequence.next_direction")
def _next_direction(spec: dict) -> Solution:
    if not spec["rule"].startswith("rotate"):
        raise NotApplicable("not a rotation sequence")
    dirs = [direction(c["angle"]) for c in spec["panels"]]
    ans = direction(spec["answer"]["angle"])
    why = f"The arrow points {', '.join(dirs)}: {rule_text(spec)}, so next it points {ans}."
    last = spec["panels"][-1]["angle"]
    wrong = [direction(last), direction((2 * spec["answer"]["angle"] - last) % 360),
             direction(spec["answer"]["angle"] + 180)] + VOCAB["directions"]
    return Solution(ans, rationale=why, distractors=distinct_from(ans, wrong))


def _panel_slot(spec: dict, rng: np.random.Generator) -> dict:
    return {"k": randint(rng, 1, len(spec["panels"]))}


def _panel(spec: dict, k: int) -> dict:
    if not 1 <= k <= len(spec["panels"]):
        raise NotApplicable("no such panel")
    return spec["panels"][k - 1]


Q.solve("sequence.panel_count")(lambda spec, k: count_in(_panel(spec, k)))
Q.solve("sequence.panel_color")(lambda spec, k: color_of(_panel(spec, k), spec["panels"]))


@Q.solve("sequence.shape")
def _shape(spec: dict) -> Solution:
    if spec["rule"] == "shape_cycle":
        raise NotApplicable("several shapes")
    s = spec["panels"][0]["shape"]
    return Solution(s, distractors=distinct_from(s, VOCAB["shapes"]))


@Q.solve("sequence.num_panels")
def _num_panels(spec: dict) -> Solution:
    n = len(spec["panels"])
    return Solution(n, distractors=near_numbers(n, (1, -1, 2, len(spec["options"]) - n), lo=1))


@Q.bind("sequence.option_count")
def _bind_option(spec: dict, rng: np.random.Generator) -> dict:
    return {"letter": pick(rng, LETTERS[:len(spec["options"])])}


@Q.solve("sequence.option_count")
def _option_count(spec: dict, letter: str) -> Solution:
    if letter not in LETTERS[:len(spec["options"])]:
        raise NotApplicable("no such option")
    return count_in(spec["options"][LETTERS.index(letter)])


Q.bind("sequence.panel_count")(_panel_slot)
Q.bind("sequence.panel_color")(_panel_slot)


def render_row_and_options(spec: dict, style: dict, shown: list[dict | None], numbers: list[str]) -> Rendered:
    """Top: the numbered panels (None shows '?'); bottom: the lettered options."""
    c = layout.new_canvas(style)
    w, h = style["width"], style["height"]
    cols = layout.grid_for([x for x in shown if x] + spec["options"])
    gap = w * 0.025
    side = min((w * 0.94 - gap * (len(shown) - 1)) / len(shown), h * 0.34)
    label = max(20, side * 0.2)
    top = layout.row_boxes(0, h * 0.05, w, len(shown), side, gap)
    layout.draw_panels(c, top, shown, cols, style)
    layout.label_boxes(c, top, numbers, style, label)
    osides = min(side, (w * 0.8 - gap * 3) / 4)
    bottom = layout.row_boxes(0, h * 0.95 - osides - label * 1.6, w, len(spec["options"]), osides, gap * 2)
    layout.draw_panels(c, bottom, spec["options"], cols, style)
    layout.label_boxes(c, bottom, LETTERS[:len(spec["options"])], style, label)
    return Rendered([c.finish(style["noise"], style["noise_seed"])], c.texts)


@register("puzzle.sequence")
class SequencePuzzle(Generator):
    """Sequence puzzles: count, rotation, size, colour-cycle and shape-cycle progressions with lettered options."""

    task = "puzzle"
    families = load_families(QUESTIONS, Q, only=list(Q.solvers))

    def sample_spec(self, rng: np.random.Generator) -> dict:
        return sample_sequence(rng)

    def sample_style(self, rng: np.random.Generator) -> dict:
        return layout.sample_puzzle_style(rng)

    def render(self, spec: dict, style: dict) -> Rendered:
        n = len(spec["panels"])
        return render_row_and_options(spec, style, spec["panels"] + [None], [str(i + 1) for i in range(n)] + [""])
