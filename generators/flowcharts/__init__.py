"""Flowchart generators: everyday processes (``flowchart.process``) and algorithms compiled
from small programs (``flowchart.algorithm``), drawn with a collision-free layered layout."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from generators.flowcharts.process_sampler import sample_process
from generators.flowcharts.program_solvers import Q  # the structure families and the program families
from generators.flowcharts.programs import sample_program
from generators.flowcharts.render import render_fitted
from generators.flowcharts.solvers import chart_of
from mmsynth.draw import FONT_FAMILIES, palettes, rgb
from mmsynth.generator import Generator, Rendered
from mmsynth.questions import load_families
from mmsynth.rand import pick, randint
from mmsynth.registry import register

QUESTIONS = Path(__file__).with_name("questions.yaml")
STRUCTURE = ["flow.next_step", "flow.previous_step", "flow.branch", "flow.decision_count", "flow.shortest_steps",
             "flow.shape_count", "flow.shape_of", "flow.repeatable", "flow.skippable"]
PAPERS = ([255, 255, 255], [252, 250, 244], [246, 248, 252])


def _tint(c: tuple[int, int, int], amount: float) -> list[int]:
    """``c`` mixed with white (amount 0: white, 1: the colour), for light box fills."""
    return [int(round(255 - (255 - v) * amount)) for v in c]


def _style(rng: np.random.Generator) -> dict:
    names = pick(rng, sorted(palettes().values()))
    kinds = ("start", "process", "decision", "io")
    amount = pick(rng, [0.18, 0.3, 0.45])
    fills = {k: _tint(rgb(names[i % len(names)]), amount) for i, k in enumerate(kinds)}
    fills["end"] = fills["start"]
    if rng.random() < 0.25:
        fills = {k: [255, 255, 255] for k in fills}
    return {"font": pick(rng, FONT_FAMILIES), "node_size": randint(rng, 15, 18), "label_size": randint(rng, 12, 14),
            "title_size": randint(rng, 17, 21), "wrap": randint(rng, 14, 20), "fills": fills,
            "paper": pick(rng, PAPERS), "ink": pick(rng, ["black", "navy"]),
            "label_color": pick(rng, ["black", "red", "blue", "teal"]), "line_width": randint(rng, 1, 3),
            "gap_x": randint(rng, 30, 48), "gap_y": randint(rng, 48, 64), "margin": randint(rng, 20, 36),
            "noise": float(pick(rng, [0.0, 0.0, 0.0, 3.0])), "noise_seed": randint(rng, 0, 2**31 - 1)}


class _Flowchart(Generator):
    task = "flowchart"

    def sample_style(self, rng: np.random.Generator) -> dict:
        return _style(rng)

    def render(self, spec: dict, style: dict) -> Rendered:
        return render_fitted(chart_of(spec), spec["title"], style)[0]


@register("flowchart.process")
class ProcessFlowchart(_Flowchart):
    """Everyday processes (tea, ATM, returns...) with start/end, steps, decisions, input/output and loops."""
    families = load_families(QUESTIONS, Q, only=STRUCTURE + ["flow.fixed_answers"])

    def sample_spec(self, rng: np.random.Generator) -> dict:
        return sample_process(rng)


@register("flowchart.algorithm")
class AlgorithmFlowchart(_Flowchart):
    """Small programs (loops, branches, variables) drawn as flowcharts; answers come from running them."""
    families = load_families(QUESTIONS, Q, only=STRUCTURE + [
        "algo.output", "algo.iterations", "algo.decision_checks", "algo.executions", "algo.final_value",
        "algo.value_after_pass", "algo.variable_count"])

    def sample_spec(self, rng: np.random.Generator) -> dict:
        return sample_program(rng)
