"""``puzzle.count_shapes``: shapes of a few kinds and colours scattered without overlap;
questions count them by kind and colour and compare the counts."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from mmsynth.errors import NotApplicable
from mmsynth.generator import Generator, Rendered
from mmsynth.questions import Solution, Solvers, load_families
from mmsynth.rand import pick, pick_n, randint, uniform
from mmsynth.registry import register

from generators.dashboards.options import distinct_from, near_numbers
from generators.puzzles import layout
from generators.puzzles.shapes import draw_shape
from generators.puzzles.vocab import VOCAB

QUESTIONS = Path(__file__).with_name("questions.yaml")
PLAIN_SHAPES = [s for s in VOCAB["shapes"] if s not in VOCAB["oriented"]]
Q = Solvers()


def plural(shape: str) -> str:
    return shape + ("es" if shape == "cross" else "s")


def sample_scatter(rng: np.random.Generator) -> dict:
    """5-18 shapes at non-overlapping positions in the unit square (x, y, radius)."""
    kinds = pick_n(rng, PLAIN_SHAPES, randint(rng, 2, 4))
    colors = pick_n(rng, VOCAB["colors"], randint(rng, 2, 4))
    n = randint(rng, 5, 18)
    r = 0.055 if n > 12 else 0.07
    items: list[dict] = []
    tries = 0
    while len(items) < n and tries < 5000:
        tries += 1
        x, y = uniform(rng, r, 1 - r), uniform(rng, r, 1 - r)
        if all((x - it["x"]) ** 2 + (y - it["y"]) ** 2 > (2.3 * r) ** 2 for it in items):
            items.append({"shape": pick(rng, kinds), "color": pick(rng, colors), "x": round(x, 4), "y": round(y, 4),
                          "r": r, "angle": 0})
    return {"items": items}


def counts_by(spec: dict, key: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for it in spec["items"]:
        out[it[key]] = out.get(it[key], 0) + 1
    return out


@Q.solve("count.total")
def _total(spec: dict) -> Solution:
    n = len(spec["items"])
    return Solution(n, distractors=near_numbers(n, (1, -1, 2, -2), lo=1))


def _bind_key(key: str, present_only: bool = True):
    def bind(spec: dict, rng: np.random.Generator) -> dict:
        pool = sorted(counts_by(spec, key)) if present_only or rng.random() < 0.8 else \
            (PLAIN_SHAPES if key == "shape" else VOCAB["colors"])
        return {key: pick(rng, pool)}
    return bind


@Q.solve("count.of_shape")
def _of_shape(spec: dict, shape: str) -> Solution:
    n = counts_by(spec, "shape").get(shape, 0)
    return Solution(n, distractors=near_numbers(n, (1, -1, 2), lo=0), fields={"shapes": plural(shape)})


@Q.solve("count.of_color")
def _of_color(spec: dict, color: str) -> Solution:
    n = counts_by(spec, "color").get(color, 0)
    return Solution(n, distractors=near_numbers(n, (1, -1, 2), lo=0))


@Q.bind("count.of_both")
def _bind_both(spec: dict, rng: np.random.Generator) -> dict:
    it = pick(rng, spec["items"])
    return {"shape": it["shape"], "color": it["color"]}


@Q.solve("count.of_both")
def _of_both(spec: dict, shape: str, color: str) -> Solution:
    n = sum(1 for it in spec["items"] if it["shape"] == shape and it["color"] == color)
    n_shape = counts_by(spec, "shape").get(shape, 0)
    n_color = counts_by(spec, "color").get(color, 0)
    why = f"There are {n_shape} {plural(shape)} and {n_color} {color} shapes; {n} of them are both."
    return Solution(n, rationale=why, distractors=distinct_from(n, [n_shape, n_color, n + 1, max(0, n - 1)]),
                    fields={"shapes": plural(shape)})


@Q.solve("count.most_common")
def _most_common(spec: dict) -> Solution:
    ranked = sorted(counts_by(spec, "shape").items(), key=lambda kv: (-kv[1], kv[0]))
    if len(ranked) < 2 or ranked[0][1] == ranked[1][1]:
        raise NotApplicable("tie for the most common shape")
    why = ", ".join(f"{plural(k)}: {v}" for k, v in ranked) + f"; the most common is the {ranked[0][0]}."
    return Solution(ranked[0][0], rationale=why, distractors=[k for k, _ in ranked[1:]] + PLAIN_SHAPES)


@Q.bind("count.difference")
def _bind_pair(spec: dict, rng: np.random.Generator) -> dict:
    counts = counts_by(spec, "shape")
    pairs = [(a, b) for a in counts for b in counts if counts[a] > counts[b]]
    if not pairs:
        raise NotApplicable("all kinds equally common")
    a, b = pick(rng, sorted(pairs))
    return {"a": a, "b": b}


@Q.solve("count.difference")
def _difference(spec: dict, a: str, b: str) -> Solution:
    counts = counts_by(spec, "shape")
    na, nb = counts.get(a, 0), counts.get(b, 0)
    d = na - nb
    why = f"{na} {plural(a)} - {nb} {plural(b)} = {d}."
    return Solution(d, rationale=why, distractors=near_numbers(d, (1, -1, 2, na + nb - d), lo=0),
                    fields={"a_plural": plural(a), "b_plural": plural(b)})


@Q.solve("count.color_of_only")
def _color_of_only(spec: dict, shape: str) -> Solution:
    found = [it for it in spec["items"] if it["shape"] == shape]
    if len(found) != 1:
        raise NotApplicable("not exactly one of this shape")
    col = found[0]["color"]
    return Solution(col, distractors=distinct_from(col, sorted(counts_by(spec, "color")) + VOCAB["colors"]))


@Q.bind("count.color_of_only")
def _bind_single(spec: dict, rng: np.random.Generator) -> dict:
    singles = sorted(k for k, v in counts_by(spec, "shape").items() if v == 1)
    if not singles:
        raise NotApplicable("no shape appears exactly once")
    return {"shape": pick(rng, singles)}


@Q.solve("count.kinds")
def _kinds(spec: dict) -> Solution:
    n = len(counts_by(spec, "shape"))
    why = "Kinds present: " + ", ".join(sorted(counts_by(spec, "shape"))) + f" ({n})."
    return Solution(n, rationale=why, distractors=near_numbers(n, (1, -1, 2), lo=1))


Q.bind("count.of_shape")(_bind_key("shape", present_only=False))
Q.bind("count.of_color")(_bind_key("color", present_only=False))


@register("puzzle.count_shapes")
class CountShapesPuzzle(Generator):
    """Shape counting: 5-18 scattered shapes of 2-4 kinds and colours; counts, comparisons, most common."""

    task = "puzzle"
    families = load_families(QUESTIONS, Q, only=list(Q.solvers))

    def sample_spec(self, rng: np.random.Generator) -> dict:
        return sample_scatter(rng)

    def sample_style(self, rng: np.random.Generator) -> dict:
        return layout.sample_puzzle_style(rng)

    def render(self, spec: dict, style: dict) -> Rendered:
        c = layout.new_canvas(style)
        w, h = style["width"], style["height"]
        side = min(w, h) * 0.94
        x0, y0 = (w - side) / 2, (h - side) / 2
        c.draw.rectangle((x0, y0, x0 + side, y0 + side), fill=tuple(style["tile"]), outline=(60, 60, 60),
                         width=style["frame"])
        for it in spec["items"]:
            draw_shape(c, it["shape"], x0 + it["x"] * side, y0 + it["y"] * side, it["r"] * side, it["color"],
                       it["angle"])
        return Rendered([c.finish(style["noise"], style["noise_seed"])], c.texts)
