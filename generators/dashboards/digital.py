"""``dashboard.digital``: themed groups of digital readouts (thermostat, car, weather, fitness,
alarm clock, power, lab), in seven-segment or LCD-font digits."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np

from mmsynth.draw import Canvas, text_color_on
from mmsynth.errors import NotApplicable
from mmsynth.generator import Generator, Rendered
from mmsynth.questions import Solvers, load_families
from mmsynth.rand import pick, pick_n, randint, uniform
from mmsynth.registry import register

from generators.dashboards import digital_solve as ds
from generators.dashboards.digital_draw import draw_display
from generators.dashboards.style import background, sample_base_style
from generators.dashboards.vocab import VOCAB

QUESTIONS = Path(__file__).with_name("questions.yaml")
THEMES = VOCAB["digital_themes"]
ALL_UNITS = sorted({d["unit"] for t in THEMES.values() for d in t["displays"] if d["unit"]})
Q = Solvers()


def sample_number(rng: np.random.Generator, lo: float, hi: float, decimals: int) -> float:
    return round(uniform(rng, lo, hi), decimals)


def make_display(proto: dict, value: float) -> dict:
    d = {"label": proto["label"], "unit": proto["unit"], "kind": proto["kind"], "value": value,
         "decimals": proto.get("decimals", 0)}
    if d["decimals"] == 0:
        d["value"] = int(value)
    d["text"] = ds.format_value(d, d["value"])
    return d


def sample_displays(rng: np.random.Generator, theme_name: str, k: int) -> list[dict]:
    """``k`` displays of a theme, in the theme's order; ordered labels get increasing values."""
    theme = THEMES[theme_name]
    protos = theme["displays"]
    chosen = sorted(pick_n(rng, range(len(protos)), k))
    values = {}
    for i in chosen:
        p = protos[i]
        values[p["label"]] = (randint(rng, 0, 24 * 60 - 1) if p["kind"] == "time"
                              else sample_number(rng, *p["range"], p.get("decimals", 0)))
    ordered = [lab for lab in theme.get("ordered", []) if lab in values]
    for lab, v in zip(ordered, sorted(values[lab] for lab in ordered)):
        values[lab] = v
    return [make_display(protos[i], values[protos[i]["label"]]) for i in chosen]


def _labels(spec: dict, rng: np.random.Generator, kind: str | None = None) -> dict:
    options = [d["label"] for d in spec["displays"] if kind is None or d["kind"] == kind]
    if not options:
        raise NotApplicable(f"no {kind} display")
    return {"label": pick(rng, options)}


def _pair_where(same: Callable[[dict, dict], bool]):
    """A binder choosing two displays that ``same`` says can be compared."""
    def bind(spec: dict, rng: np.random.Generator) -> dict:
        ds_ = spec["displays"]
        pairs = [(a["label"], b["label"]) for a in ds_ for b in ds_ if a is not b and same(a, b)]
        if not pairs:
            raise NotApplicable("no two comparable displays")
        a, b = pick(rng, pairs)
        return {"a": a, "b": b}
    return bind


def _d(spec: dict, label: str) -> dict:
    return ds.display(spec["displays"], label)


@Q.bind("digital.lit_segments")
def _bind_digit(spec: dict, rng: np.random.Generator) -> dict:
    if not spec["segmented"]:
        raise NotApplicable("font digits have no segments")
    label = _labels(spec, rng)["label"]
    return {"label": label, "position": randint(rng, 0, len(ds.digit_positions(_d(spec, label))) - 1)}


@Q.bind("digital.highest")
def _bind_unit(spec: dict, rng: np.random.Generator) -> dict:
    units = [d["unit"] for d in spec["displays"] if d["kind"] == "number"]
    shared = sorted({u for u in units if units.count(u) >= 2})
    if not shared:
        raise NotApplicable("no two displays share a unit")
    return {"unit": pick(rng, shared)}


@Q.bind("digital.time_after")
def _bind_shift(spec: dict, rng: np.random.Generator) -> dict:
    return {**_labels(spec, rng, "time"), "n": pick(rng, [randint(rng, 5, 59), 5 * randint(rng, 2, 60)])}


def _lit(spec: dict, label: str, position: int):
    if not spec["segmented"]:
        raise NotApplicable("font digits have no segments")
    return ds.lit_count(_d(spec, label), position)


Q.bind("digital.read_number")(lambda spec, rng: _labels(spec, rng, "number"))
Q.solve("digital.read_number")(lambda spec, label: ds.read_number(_d(spec, label)))
Q.bind("digital.read_time")(lambda spec, rng: _labels(spec, rng, "time"))
Q.solve("digital.read_time")(lambda spec, label: ds.read_time(_d(spec, label)))
Q.bind("digital.unit")(_labels)
Q.solve("digital.unit")(lambda spec, label: ds.unit(_d(spec, label), ALL_UNITS))
Q.solve("digital.count_displays")(lambda spec: ds.count_displays(spec["displays"]))
Q.solve("digital.lit_segments")(_lit)
Q.bind("digital.count_digits")(_labels)
Q.solve("digital.count_digits")(lambda spec, label: ds.count_digits(_d(spec, label)))
Q.bind("digital.difference")(_pair_where(lambda a, b: a["kind"] == b["kind"] == "number" and a["unit"] == b["unit"]))
Q.solve("digital.difference")(lambda spec, a, b: ds.difference(_d(spec, a), _d(spec, b)))
Q.solve("digital.highest")(lambda spec, unit: ds.highest(spec["displays"], unit))
Q.bind("digital.minutes_between")(_pair_where(lambda a, b: a["kind"] == b["kind"] == "time"))
Q.solve("digital.minutes_between")(lambda spec, a, b: ds.minutes_between(_d(spec, a), _d(spec, b)))
Q.solve("digital.time_after")(lambda spec, label, n: ds.time_after(_d(spec, label), n))
Q.solve("digital.digit_color")(lambda spec: ds.digit_color(spec["color"]))


@register("dashboard.digital")
class DigitalGenerator(Generator):
    """Digital readouts: 1-4 labelled seven-segment or LCD-font displays of a themed device."""

    task = "dashboard"
    families = load_families(QUESTIONS, Q, only=list(Q.solvers))

    def sample_spec(self, rng: np.random.Generator) -> dict:
        theme = pick(rng, sorted(THEMES))
        k = randint(rng, 1, len(THEMES[theme]["displays"]))
        return {"theme": theme, "displays": sample_displays(rng, theme, k),
                "segmented": rng.random() < 0.7, "color": pick(rng, VOCAB["digit_colors"])}

    def sample_style(self, rng: np.random.Generator) -> dict:
        style = sample_base_style(rng, "wide")
        style["lcd"] = list(pick(rng, VOCAB["lcd_backgrounds"]))
        style["ghost"] = rng.random() < 0.5
        style["columns"] = pick(rng, [1, 2])
        return style

    def render(self, spec: dict, style: dict) -> Rendered:
        w, h = style["width"], style["height"]
        c = Canvas(w, h, background(style))
        n = len(spec["displays"])
        cols = 2 if n >= 3 else min(style["columns"], n)
        rows = -(-n // cols)
        m = min(w, h) * 0.04
        cw, ch = (w - 2 * m) / cols, (h - 2 * m) / rows
        ch = min(ch, cw * 0.5)
        top = (h - rows * ch) / 2
        for i, d in enumerate(spec["displays"]):
            r, k = divmod(i, cols)
            box = (m + k * cw + cw * 0.03, top + r * ch + ch * 0.03, m + (k + 1) * cw - cw * 0.03,
                   top + (r + 1) * ch - ch * 0.03)
            draw_display(c, box, d, spec, style, text_color_on(background(style)))
        return Rendered([c.finish(style["noise"], style["noise_seed"])], c.texts)
