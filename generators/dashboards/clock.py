"""``dashboard.clock``: one analog clock; many face styles, numeral styles, with or without
a second hand and minute ticks."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from mmsynth.draw import Canvas
from mmsynth.generator import Generator, Rendered
from mmsynth.questions import Solvers, load_families
from mmsynth.rand import pick, randint, weighted
from mmsynth.registry import register

from generators.dashboards import clock_solve as cs
from generators.dashboards.clock_draw import draw_clock
from generators.dashboards.style import background, sample_base_style
from generators.dashboards.vocab import VOCAB

QUESTIONS = Path(__file__).with_name("questions.yaml")
Q = Solvers()


def sample_clock(rng: np.random.Generator) -> dict:
    """A clock spec: time, numeral style, minute ticks, second hand, hand colours."""
    has_seconds = rng.random() < 0.5
    minute_ticks = has_seconds or rng.random() < 0.8
    dark = pick(rng, VOCAB["hand_colors_dark"])
    minute_color = dark if rng.random() < 0.5 else pick(rng, VOCAB["hand_colors_dark"])
    second_color = pick(rng, [c for c in VOCAB["hand_colors_second"] if c not in (dark, minute_color)])
    return {
        "hour": randint(rng, 1, 12),
        "minute": randint(rng, 0, 59) if minute_ticks else 5 * randint(rng, 0, 11),
        "second": randint(rng, 0, 59) if has_seconds else None,
        "numerals": weighted(rng, ["arabic", "roman", "quarters", "none"], [4, 3, 2, 2]),
        "minute_ticks": minute_ticks,
        "hand_colors": {"hour": dark, "minute": minute_color, "second": second_color if has_seconds else None},
    }


def bind_shift(sign: int):
    """A binder drawing a shift of 5-55 or 5-180 minutes, forward (+1) or back (-1)."""
    def bind(spec: dict, rng: np.random.Generator) -> dict:
        return {"delta": sign * pick(rng, [randint(rng, 5, 55), 5 * randint(rng, 1, 36)])}
    return bind


def _clock(spec: dict) -> dict:
    return spec["clock"]


# families without slots: the clock solver applied to the sample's clock
for _name, _fn in {"clock.read_time": cs.read_time, "clock.read_hour": cs.read_hour,
                   "clock.read_minute": cs.read_minute, "clock.read_second": cs.read_second,
                   "clock.count_hands": cs.count_hands, "clock.numerals": cs.numerals,
                   "clock.hand_angle": cs.hand_angle}.items():
    Q.solve(_name)(lambda spec, _fn=_fn: _fn(_clock(spec)))
Q.solve("clock.hand_color")(lambda spec, hand: cs.hand_color(_clock(spec), hand))
Q.solve("clock.time_after")(lambda spec, delta: cs.time_shift(_clock(spec), delta))
Q.solve("clock.time_before")(lambda spec, delta: cs.time_shift(_clock(spec), delta))
Q.solve("clock.minutes_until")(lambda spec, until: cs.minutes_until(_clock(spec), until))
Q.bind("clock.time_after")(bind_shift(+1))
Q.bind("clock.time_before")(bind_shift(-1))


@Q.bind("clock.hand_color")
def _bind_hand(spec: dict, rng: np.random.Generator) -> dict:
    return {"hand": pick(rng, [k for k, v in _clock(spec)["hand_colors"].items() if v])}


@Q.bind("clock.minutes_until")
def _bind_target(spec: dict, rng: np.random.Generator) -> dict:
    step = 1 if _clock(spec)["minute_ticks"] else 5
    ahead = step * randint(rng, 1, 300 // step)
    return {"until": (cs.clock_time(_clock(spec)) + ahead) % (12 * 60)}


@register("dashboard.clock")
class ClockGenerator(Generator):
    """Analog clocks: 7 face styles, Arabic/Roman/quarter/no numerals, optional second hand."""

    task = "dashboard"
    families = load_families(QUESTIONS, Q, only=list(Q.solvers))

    def sample_spec(self, rng: np.random.Generator) -> dict:
        return {"clock": sample_clock(rng)}

    def sample_style(self, rng: np.random.Generator) -> dict:
        style = sample_base_style(rng, "single")
        style["face"] = pick(rng, sorted(VOCAB["clock_faces"]))
        style["fill"] = round(float(rng.uniform(0.78, 0.94)), 3)
        return style

    def render(self, spec: dict, style: dict) -> Rendered:
        c = Canvas(style["width"], style["height"], background(style))
        r = min(style["width"], style["height"]) / 2 * style["fill"]
        draw_clock(c, style["width"] / 2, style["height"] / 2, r, spec["clock"], style["face"], style["font"])
        return Rendered([c.finish(style["noise"], style["noise_seed"])], c.texts)
