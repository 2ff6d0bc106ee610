"""``dashboard.gauge``: one gauge (speedometer, tachometer, pressure, fuel, thermometer, battery)."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from mmsynth.draw import Canvas, text_color_on
from mmsynth.generator import Generator, Rendered
from mmsynth.errors import NotApplicable
from mmsynth.questions import Solution, Solvers, load_families
from mmsynth.rand import pick, randint
from mmsynth.registry import register

from generators.dashboards import gauge_solve as gs
from generators.dashboards.gauge_draw import battery_fill_color, draw_gauge
from generators.dashboards.style import background, sample_base_style
from generators.dashboards.vocab import VOCAB

QUESTIONS = Path(__file__).with_name("questions.yaml")
KINDS = sorted(VOCAB["gauge_kinds"])
Q = Solvers()
GAUGE_SOLVERS = {
    "gauge.read_value": gs.read_value, "gauge.unit": gs.unit, "gauge.scale_max": gs.scale_max,
    "gauge.major_step": gs.major_step, "gauge.minor_count": gs.minor_count,
    "gauge.percent_of_range": gs.percent_of_range, "gauge.headroom": gs.headroom, "gauge.in_zone": gs.in_zone,
    "gauge.indicator_color": gs.indicator_color, "gauge.kind": gs.kind,
    "gauge.battery_segments": gs.battery_segments,
}


def _zone(kind: dict, lo: float, hi: float, major: float, minor: float) -> dict | None:
    if kind["zone"] == "high":
        return {"from": round(hi - major * (2 if (hi - lo) / major >= 8 else 1), 6), "to": hi, "color": "red"}
    if kind["zone"] == "low":
        return {"from": lo, "to": round(lo + minor, 6), "color": "red"}
    return None


def sample_gauge(rng: np.random.Generator, kind_name: str | None = None, label: str | None = None) -> dict:
    """A gauge spec of ``kind_name`` (random when None); the reading sits on a minor tick."""
    kind_name = kind_name or pick(rng, KINDS)
    kind = VOCAB["gauge_kinds"][kind_name]
    if kind["shape"] == "battery":
        n = pick(rng, kind["segments"])
        unit, (lo, hi, major, minor) = "%", (0, 100, round(100 / n, 6), round(100 / n, 6))
        steps = list(range(1, n + 1))
    else:
        unit = pick(rng, sorted(kind["scales"]))
        lo, hi, major, minor = pick(rng, kind["scales"][unit])
        steps = list(range(1, round((hi - lo) / minor)))
    zone = _zone(kind, lo, hi, major, minor)
    readings = [round(lo + k * minor, 6) for k in steps]
    if zone:   # inside or outside the zone by a coin, or "is it in the red?" is nearly always no
        inside = [v for v in readings if zone["from"] < v < zone["to"]]
        outside = [v for v in readings if v < zone["from"] or v > zone["to"]]
        readings = pick(rng, [g for g in (inside, outside) if g])
    value = pick(rng, readings)
    if kind["shape"] == "battery":
        color = battery_fill_color(value / 100)
    else:
        color = pick(rng, VOCAB["liquid_colors"] if kind["shape"] == "tube" else VOCAB["needle_colors"])
    g = {"kind": kind_name, "name": kind["name"], "shape": kind["shape"], "label": label or pick(rng, kind["labels"]),
         "unit": unit, "min": lo, "max": hi, "major": major, "minor": minor, "value": value,
         "zone": zone, "color": color}
    if kind["shape"] == "dial":
        g["sweep"] = kind["sweep"]
    if kind.get("tick_labels"):
        g["tick_labels"] = list(kind["tick_labels"])
    return g


def _on_gauge(fn):
    return lambda spec: fn(spec["gauge"])


for _name, _fn in GAUGE_SOLVERS.items():
    Q.solve(_name)(_on_gauge(_fn))


@Q.bind("gauge.read_value")
def _bind_label(spec: dict, rng: np.random.Generator) -> dict:
    return {"label": spec["gauge"]["label"]}


@Q.solve("gauge.read_value")
def _read_labelled(spec: dict, label: str) -> Solution:
    if label != spec["gauge"]["label"]:
        raise NotApplicable(f"no gauge {label!r}")
    return gs.read_value(spec["gauge"])


def sample_face(rng: np.random.Generator) -> dict:
    return dict(pick(rng, VOCAB["dial_faces"]))


@register("dashboard.gauge")
class GaugeGenerator(Generator):
    """Gauges: speedometer, tachometer, pressure, fuel, thermometer and battery, with warning zones."""

    task = "dashboard"
    families = load_families(QUESTIONS, Q, only=list(Q.solvers))

    def sample_spec(self, rng: np.random.Generator) -> dict:
        return {"gauge": sample_gauge(rng)}

    def sample_style(self, rng: np.random.Generator) -> dict:
        style = sample_base_style(rng, "single")
        style["face"] = sample_face(rng)
        style["margin"] = round(float(rng.uniform(0.04, 0.1)), 3)
        return style

    def render(self, spec: dict, style: dict) -> Rendered:
        w, h = style["width"], style["height"]
        c = Canvas(w, h, background(style))
        m = style["margin"] * min(w, h)
        draw_gauge(c, (m, m, w - m, h - m), spec["gauge"], style["face"], style["font"],
                   text_color_on(background(style)))
        return Rendered([c.finish(style["noise"], style["noise_seed"])], c.texts)
