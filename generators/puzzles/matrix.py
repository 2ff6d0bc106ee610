"""``puzzle.matrix``: Raven-style 3x3 matrices. Each attribute (shape, colour, count) follows a
row rule (constant, +1 progression, or each of three values once per row); the bottom-right
cell is missing and four lettered options offer candidates."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from mmsynth.errors import NotApplicable
from mmsynth.generator import Generator, Rendered
from mmsynth.questions import Solution, Solvers, load_families
from mmsynth.rand import pick, pick_n, randint, weighted
from mmsynth.registry import register

from generators.dashboards.options import distinct_from, near_numbers
from generators.puzzles import layout
from generators.puzzles.cells import LETTERS, cell, describe, make_options
from generators.puzzles.vocab import VOCAB

QUESTIONS = Path(__file__).with_name("questions.yaml")
PLAIN_SHAPES = [s for s in VOCAB["shapes"] if s not in VOCAB["oriented"]]
ROW_RULES = VOCAB["row_rules"]
ATTR_NAMES = VOCAB["matrix_attributes"]
Q = Solvers()


def _values(attr: str, rule: str, rng: np.random.Generator) -> list[list]:
    """The 3x3 values of one attribute under one row rule."""
    if attr == "count":
        if rule == "progression":
            return [[s + c for c in range(3)] for s in (randint(rng, 1, 4) for _ in range(3))]
        pool = list(range(1, 7))
    else:
        pool = VOCAB["colors"] if attr == "color" else PLAIN_SHAPES
    if rule == "constant":
        return [[v] * 3 for v in pick_n(rng, pool, 3)]
    trio = pick_n(rng, pool, 3)
    return [[trio[(c + r) % 3] for c in range(3)] for r in range(3)]


def sample_matrix(rng: np.random.Generator) -> dict:
    rules = {"shape": weighted(rng, ["constant", "distribute"], [1, 1]),
             "color": weighted(rng, ["constant", "distribute"], [1, 1]),
             "count": weighted(rng, ["constant", "progression", "distribute"], [1, 1.5, 1])}
    if all(r == "constant" for r in rules.values()):
        rules[pick(rng, sorted(rules))] = "distribute"
    vals = {a: _values(a, r, rng) for a, r in rules.items()}
    grid = [[cell(vals["shape"][r][c], vals["color"][r][c], vals["count"][r][c]) for c in range(3)] for r in range(3)]
    answer = grid[2][2]
    preferred = [grid[2][1], grid[1][2]]
    options, letter = make_options(answer, preferred, rng, attrs=("count", "color", "shape"))
    return {"rules": rules, "grid": grid, "options": options, "answer_label": letter}


def rule_step(spec: dict, attr: str) -> str:
    """Why the missing cell has its value of ``attr``, from the third row."""
    row = [c[attr] for c in spec["grid"][2]]
    rule = spec["rules"][attr]
    name = ATTR_NAMES[attr]
    if rule == "constant":
        return f"{name}: {ROW_RULES['constant']}; row 3 has {row[0]}, so {row[2]}"
    if rule == "progression":
        return f"{name}: {ROW_RULES['progression']}; row 3 has {row[0]}, {row[1]}, so {row[2]}"
    trio = sorted({str(c[attr]) for c in spec["grid"][0]})
    return (f"{name}: each row holds {', '.join(trio)} once; row 3 has {row[0]} and {row[1]}, "
            f"so the missing one is {row[2]}")


@Q.solve("matrix.missing")
def _missing(spec: dict) -> Solution:
    why = "; ".join(rule_step(spec, a) for a in ("shape", "color", "count")) + \
          f". The missing cell holds {describe(spec['grid'][2][2])}: option {spec['answer_label']}."
    return Solution(spec["answer_label"], rationale=why,
                    distractors=distinct_from(spec["answer_label"], LETTERS[:len(spec["options"])]))


@Q.bind("matrix.attribute_rule")
def _bind_attr(spec: dict, rng: np.random.Generator) -> dict:
    return {"attribute": pick(rng, sorted(ATTR_NAMES))}


@Q.solve("matrix.attribute_rule")
def _attribute_rule(spec: dict, attribute: str) -> Solution:
    rule = spec["rules"][attribute]
    rows = "; ".join(f"row {i + 1}: " + ", ".join(str(c[attribute]) for c in row) for i, row in enumerate(spec["grid"][:2]))
    why = f"The {ATTR_NAMES[attribute]} along the complete rows: {rows}. So {ROW_RULES[rule]}."
    return Solution(ROW_RULES[rule], rationale=why, fields={"attribute_name": ATTR_NAMES[attribute]},
                    distractors=[t for r, t in ROW_RULES.items() if r != rule])


def _missing_value(spec: dict, attr: str, pool: list) -> Solution:
    v = spec["grid"][2][2][attr]
    wrong = [spec["grid"][2][1][attr], spec["grid"][1][2][attr], spec["grid"][2][0][attr]] + pool
    return Solution(v, rationale=rule_step(spec, attr) + ".", distractors=distinct_from(v, wrong))


@Q.solve("matrix.missing_count")
def _missing_count(spec: dict) -> Solution:
    v = spec["grid"][2][2]["count"]
    sol = _missing_value(spec, "count", near_numbers(v, (1, -1, 2)))
    sol.distractors = [d for d in sol.distractors if d >= 1]
    return sol


Q.solve("matrix.missing_shape")(lambda spec: _missing_value(spec, "shape", PLAIN_SHAPES))
Q.solve("matrix.missing_color")(lambda spec: _missing_value(spec, "color", VOCAB["colors"]))


def _bind_cell(spec: dict, rng: np.random.Generator) -> dict:
    i = randint(rng, 0, 7)
    return {"row": i // 3 + 1, "col": i % 3 + 1}


def _cell(spec: dict, row: int, col: int) -> dict:
    if (row, col) == (3, 3) or not (1 <= row <= 3 and 1 <= col <= 3):
        raise NotApplicable("the missing cell or outside the grid")
    return spec["grid"][row - 1][col - 1]


@Q.solve("matrix.cell_count")
def _cell_count(spec: dict, row: int, col: int) -> Solution:
    n = _cell(spec, row, col)["count"]
    return Solution(n, distractors=near_numbers(n, (1, -1, 2), lo=1))


@Q.solve("matrix.cell_shape")
def _cell_shape(spec: dict, row: int, col: int) -> Solution:
    s = _cell(spec, row, col)["shape"]
    return Solution(s, distractors=distinct_from(s, [c["shape"] for r in spec["grid"] for c in r] + PLAIN_SHAPES))


@Q.solve("matrix.total_shapes")
def _total(spec: dict) -> Solution:
    counts = [c["count"] for i, r in enumerate(spec["grid"]) for j, c in enumerate(r) if (i, j) != (2, 2)]
    n = sum(counts)
    why = " + ".join(map(str, counts)) + f" = {n} shapes in the eight shown cells."
    return Solution(n, rationale=why, distractors=near_numbers(n, (1, -1, 2, -2, spec["grid"][2][2]["count"]), lo=1))


Q.bind("matrix.cell_count")(_bind_cell)
Q.bind("matrix.cell_shape")(_bind_cell)


@register("puzzle.matrix")
class MatrixPuzzle(Generator):
    """3x3 Raven-style matrices with row rules on shape, colour and count; four lettered options."""

    task = "puzzle"
    families = load_families(QUESTIONS, Q, only=list(Q.solvers))

    def sample_spec(self, rng: np.random.Generator) -> dict:
        return sample_matrix(rng)

    def sample_style(self, rng: np.random.Generator) -> dict:
        return layout.sample_puzzle_style(rng)

    def render(self, spec: dict, style: dict) -> Rendered:
        c = layout.new_canvas(style)
        w, h = style["width"], style["height"]
        flat = [x for row in spec["grid"] for x in row]
        cols = layout.grid_for(flat + spec["options"])
        label = max(20, h * 0.045)
        side = min(h * 0.9, w * 0.58) / 3
        x0, y0 = w * 0.03, (h - 3 * side) / 2
        boxes = [(x0 + k * side, y0 + r * side, x0 + (k + 1) * side, y0 + (r + 1) * side)
                 for r in range(3) for k in range(3)]
        layout.draw_panels(c, boxes, flat[:8] + [None], cols, style)
        right = x0 + 3 * side + w * 0.04
        oside = min((w - right - w * 0.03) / 2 * 0.85, (h * 0.9 - 2 * label * 1.6) / 2 * 0.9)
        ogap = oside * 0.15
        top = (h - 2 * (oside + label * 1.6)) / 2
        for r in range(2):
            row = layout.row_boxes(right, top + r * (oside + label * 1.7), w - w * 0.03, 2, oside, ogap)
            layout.draw_panels(c, row, spec["options"][2 * r:2 * r + 2], cols, style)
            layout.label_boxes(c, row, LETTERS[2 * r:2 * r + 2], style, label)
        return Rendered([c.finish(style["noise"], style["noise_seed"])], c.texts)
