"""``dashboard.panel``: 2-4 instruments (clocks, gauges, digital displays) on one panel, with
questions that combine them (which gauge is fullest, time-zone offsets, differences)."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from mmsynth.draw import Canvas, text_color_on
from mmsynth.errors import NotApplicable
from mmsynth.generator import Generator, Rendered
from mmsynth.questions import Solution, Solvers, load_families
from mmsynth.rand import pick, pick_n, randint, shuffled
from mmsynth.record import format_number
from mmsynth.registry import register

from generators.dashboards import clock_solve as cs
from generators.dashboards import digital_solve as ds
from generators.dashboards import gauge_solve as gs
from generators.dashboards.clock import sample_clock
from generators.dashboards.clock_draw import draw_clock
from generators.dashboards.digital import THEMES, sample_displays
from generators.dashboards.digital_draw import draw_display
from generators.dashboards.drawutil import place_texts
from generators.dashboards.gauge import sample_face, sample_gauge
from generators.dashboards.gauge_draw import draw_gauge
from generators.dashboards.options import distinct_from, near_numbers
from generators.dashboards.style import background, sample_base_style
from generators.dashboards.timeutil import DIAL_MINUTES
from generators.dashboards.vocab import VOCAB

QUESTIONS = Path(__file__).with_name("questions.yaml")
TYPE_NAMES = VOCAB["instrument_types"]
MIN_CELL = (360, 380)         # pixels a cell needs for legible tick labels and numerals
Q = Solvers()


# --- sampling ----------------------------------------------------------------------------

def _world_clocks(rng: np.random.Generator, n: int) -> list[dict]:
    """Clocks of ``n`` cities at one instant: same minute, hours shifted by the cities' offsets."""
    utc = randint(rng, 0, 24 * 60 - 1)
    base = sample_clock(rng)
    out = []
    for city in pick_n(rng, sorted(VOCAB["cities"]), n):
        local = (utc + 60 * VOCAB["cities"][city]) % DIAL_MINUTES
        clock = dict(base, hour=(local // 60) or 12, minute=local % 60)
        out.append({"type": "clock", "label": city, "clock": clock})
    return out


def _unique_label(label: str, used: set[str]) -> str:
    n = 2
    out = label
    while out in used:
        out, n = f"{label} {n}", n + 1
    used.add(out)
    return out


def sample_panel(rng: np.random.Generator) -> dict:
    theme_name = pick(rng, sorted(VOCAB["panel_themes"]))
    theme = VOCAB["panel_themes"][theme_name]
    counts = {k: randint(rng, *theme[k]) for k in ("clocks", "gauges", "displays")}
    if sum(counts.values()) < 2:                    # a panel combines at least two instruments
        counts["gauges"] += 1
    while sum(counts.values()) > 4:                 # and at most four; the last gauge stays
        counts[pick(rng, [k for k, v in counts.items() if v > (1 if k == "gauges" else 0)])] -= 1
    used: set[str] = set()
    items = _world_clocks(rng, counts["clocks"]) if theme_name == "world_clocks" else [
        {"type": "clock", "label": "LOCAL TIME", "clock": sample_clock(rng)} for _ in range(counts["clocks"])]
    used.update(i["label"] for i in items)
    for _ in range(counts["gauges"]):
        g = sample_gauge(rng, pick(rng, theme["kinds"]))
        g["label"] = _unique_label(g["label"], used)
        items.append({"type": "gauge", "label": g["label"], "gauge": g})
    for _ in range(counts["displays"]):
        d = sample_displays(rng, pick(rng, sorted(THEMES)), 1)[0]
        d["label"] = _unique_label(d["label"], used)
        items.append({"type": "display", "label": d["label"], "display": d, "segmented": rng.random() < 0.7,
                      "color": pick(rng, VOCAB["digit_colors"])})
    n = len(items)
    return {"theme": theme_name, "columns": 2 if n in (2, 4) else 3, "instruments": shuffled(rng, items)}


# --- solvers -------------------------------------------------------------------------------

def instrument(spec: dict, label: str) -> dict:
    for it in spec["instruments"]:
        if it["label"] == label:
            return it
    raise NotApplicable(f"no instrument {label!r}")


def of_type(spec: dict, typ: str) -> list[dict]:
    return [it for it in spec["instruments"] if it["type"] == typ]


def _bind_label(typ: str | None, number_only: bool = False):
    def bind(spec: dict, rng: np.random.Generator) -> dict:
        items = [it for it in spec["instruments"] if typ is None or it["type"] == typ]
        if number_only:
            items = [it for it in items if it["display"]["kind"] == "number"]
        if not items:
            raise NotApplicable(f"no {typ}")
        return {"label": pick(rng, items)["label"]}
    return bind


@Q.solve("panel.count_instruments")
def _count(spec: dict) -> Solution:
    n = len(spec["instruments"])
    return Solution(n, distractors=near_numbers(n, (1, -1, 2, -2), lo=1))


@Q.bind("panel.count_type")
def _bind_type(spec: dict, rng: np.random.Generator) -> dict:
    return {"type": pick(rng, sorted(TYPE_NAMES))}


@Q.solve("panel.count_type")
def _count_type(spec: dict, type: str) -> Solution:  # noqa: A002 - the slot's name in the record
    n = len(of_type(spec, type))
    why = "Instruments: " + ", ".join(f"{it['label']} ({TYPE_NAMES[it['type']]})" for it in spec["instruments"]) \
        + f"; {n} {TYPE_NAMES[type]}(s)."
    return Solution(n, rationale=why, distractors=near_numbers(n, (1, -1, 2, len(spec["instruments"]) - n), lo=0),
                    fields={"type_name": TYPE_NAMES[type]})


Q.bind("panel.read_gauge")(_bind_label("gauge"))
Q.solve("panel.read_gauge")(lambda spec, label: gs.read_value(instrument(spec, label)["gauge"]))
Q.bind("panel.read_clock")(_bind_label("clock"))
Q.solve("panel.read_clock")(lambda spec, label: cs.read_time(instrument(spec, label)["clock"]))
Q.bind("panel.read_display")(_bind_label("display", number_only=True))
Q.solve("panel.read_display")(lambda spec, label: ds.read_number(instrument(spec, label)["display"]))


def fraction(g: dict) -> float:
    return (g["value"] - g["min"]) / (g["max"] - g["min"])


@Q.solve("panel.fullest")
def _fullest(spec: dict) -> Solution:
    gauges = sorted((it["gauge"] for it in of_type(spec, "gauge")), key=lambda g: -fraction(g))
    if len(gauges) < 2 or fraction(gauges[0]) - fraction(gauges[1]) < 0.1:   # clear even at read tolerance
        raise NotApplicable("fewer than two gauges, or no clear leader")
    why = "; ".join(f"{g['label']}: {format_number(g['value'])} of {format_number(g['min'])}-{format_number(g['max'])}"
                    f" = {fraction(g) * 100:.0f}%" for g in gauges) + f". Highest: {gauges[0]['label']}."
    return Solution(gauges[0]["label"], rationale=why, distractors=[g["label"] for g in gauges[1:]])


@Q.bind("panel.gauge_difference")
def _bind_same_unit(spec: dict, rng: np.random.Generator) -> dict:
    gauges = [it["gauge"] for it in of_type(spec, "gauge") if it["gauge"]["kind"] not in gs.PERCENT_KINDS]
    pairs = [(a["label"], b["label"]) for i, a in enumerate(gauges) for b in gauges[i + 1:] if a["unit"] == b["unit"]]
    if not pairs:
        raise NotApplicable("no two gauges share a unit")
    a, b = pick(rng, pairs)
    return {"a": a, "b": b}


@Q.solve("panel.gauge_difference")
def _gauge_difference(spec: dict, a: str, b: str) -> Solution:
    ga, gb = instrument(spec, a)["gauge"], instrument(spec, b)["gauge"]
    d = round(abs(ga["value"] - gb["value"]), 6)
    why = f"{a} reads {gs.reading(ga)} and {b} reads {gs.reading(gb)}: " \
          f"|{format_number(ga['value'])} - {format_number(gb['value'])}| = {format_number(d)} {ga['unit']}."
    m = max(ga["minor"], gb["minor"])
    return Solution(d, rationale=why, tolerance=gs.tolerance(ga) + gs.tolerance(gb), fields={"unit": ga["unit"]},
                    distractors=near_numbers(d, (m, -m, 2 * m, ga["major"], -ga["major"]), lo=0)
                    + [round(ga["value"] + gb["value"], 6)])


@Q.bind("panel.clock_offset")
def _bind_clocks(spec: dict, rng: np.random.Generator) -> dict:
    clocks = of_type(spec, "clock")
    if len(clocks) < 2:
        raise NotApplicable("fewer than two clocks")
    a, b = pick_n(rng, [c["label"] for c in clocks], 2)
    return {"a": a, "b": b}


@Q.solve("panel.clock_offset")
def _clock_offset(spec: dict, a: str, b: str) -> Solution:
    ca, cb = instrument(spec, a)["clock"], instrument(spec, b)["clock"]
    ta, tb = cs.clock_time(ca), cs.clock_time(cb)
    diff = (tb - ta) % DIAL_MINUTES
    if diff % 60:
        raise NotApplicable("the clocks are not whole hours apart")
    h = diff // 60
    why = f"{a} shows {cs.read_time(ca).answer} and {b} shows {cs.read_time(cb).answer}; " \
          f"forward from {a} to {b}: ({tb} - {ta}) mod {DIAL_MINUTES} = {diff} min = {h} h."
    return Solution(h, rationale=why, distractors=near_numbers(h, (1, -1, 12 - 2 * h, 2), 0, 11))


@Q.solve("panel.in_zone_which")
def _in_zone(spec: dict) -> Solution:
    zoned = [it["gauge"] for it in of_type(spec, "gauge") if it["gauge"].get("zone")]
    try:
        inside = [g for g in zoned if gs.in_zone(g).answer == "yes"]
    except NotApplicable:
        raise NotApplicable("a reading sits on a zone edge") from None
    if len(inside) != 1 or len(zoned) < 2:
        raise NotApplicable("not exactly one gauge in its zone")
    g = inside[0]
    why = f"{g['label']} reads {gs.reading(g)}, inside its {g['zone']['color']} zone " \
          f"{format_number(g['zone']['from'])}-{format_number(g['zone']['to'])}; the other gauges are outside theirs."
    return Solution(g["label"], rationale=why,
                    distractors=distinct_from(g["label"], [x["label"] for x in spec["instruments"]]))


@Q.bind("panel.position")
def _bind_cell(spec: dict, rng: np.random.Generator) -> dict:
    i = randint(rng, 0, len(spec["instruments"]) - 1)
    return {"row": i // spec["columns"] + 1, "col": i % spec["columns"] + 1}


@Q.solve("panel.position")
def _position(spec: dict, row: int, col: int) -> Solution:
    i = (row - 1) * spec["columns"] + (col - 1)
    if not 0 <= i < len(spec["instruments"]) or col > spec["columns"]:
        raise NotApplicable("no instrument there")
    label = spec["instruments"][i]["label"]
    return Solution(label, distractors=distinct_from(label, [it["label"] for it in spec["instruments"]]))


Q.bind("panel.kind_of")(_bind_label(None))


@Q.solve("panel.kind_of")
def _kind_of(spec: dict, label: str) -> Solution:
    it = instrument(spec, label)
    name = it["gauge"]["name"] if it["type"] == "gauge" else TYPE_NAMES[it["type"]]
    others = [it2["gauge"]["name"] for it2 in of_type(spec, "gauge")] + list(TYPE_NAMES.values()) + gs.KIND_NAMES
    return Solution(name, distractors=distinct_from(name, [o for o in others if o != "gauge"]))


# --- the generator -----------------------------------------------------------------------

@register("dashboard.panel")
class PanelGenerator(Generator):
    """Dashboards of 2-4 instruments: world-clock walls, vehicle clusters, plant panels, mixes."""

    task = "dashboard"
    families = load_families(QUESTIONS, Q, only=list(Q.solvers))

    def sample_spec(self, rng: np.random.Generator) -> dict:
        return sample_panel(rng)

    def sample_style(self, rng: np.random.Generator) -> dict:
        style = sample_base_style(rng, "panel")
        style.update(clock_face=pick(rng, sorted(VOCAB["clock_faces"])), face=sample_face(rng),
                     lcd=list(pick(rng, VOCAB["lcd_backgrounds"])), ghost=rng.random() < 0.5,
                     tile_shift=pick(rng, [-18, 14, 0]))
        return style

    def render(self, spec: dict, style: dict) -> Rendered:
        cols = spec["columns"]
        rows = -(-len(spec["instruments"]) // cols)
        w, h = max(style["width"], cols * MIN_CELL[0]), max(style["height"], rows * MIN_CELL[1])
        bg = background(style)
        c = Canvas(w, h, bg)
        m = min(w, h) * 0.03
        cw, ch = (w - 2 * m) / cols, (h - 2 * m) / rows
        tile = tuple(max(0, min(255, v + style["tile_shift"])) for v in bg)
        ink = text_color_on(tile)
        for i, it in enumerate(spec["instruments"]):
            r, k = divmod(i, cols)
            x0, y0 = m + k * cw, m + r * ch
            c.draw.rounded_rectangle((x0 + 4, y0 + 4, x0 + cw - 4, y0 + ch - 4), radius=10, fill=tile)
            box = (x0 + cw * 0.06, y0 + ch * 0.05, x0 + cw * 0.94, y0 + ch * 0.95)
            self._draw_instrument(c, box, it, style, ink)
        return Rendered([c.finish(style["noise"], style["noise_seed"])], c.texts)

    @staticmethod
    def _draw_instrument(c: Canvas, box: tuple, it: dict, style: dict, ink: tuple) -> None:
        x0, y0, x1, y1 = box
        if it["type"] == "gauge":
            draw_gauge(c, box, it["gauge"], style["face"], style["font"], ink)
        elif it["type"] == "clock":
            band = (y1 - y0) * 0.14
            place_texts(c, [(((x0 + x1) / 2, y0 + band / 2), it["label"])], style["font"], int(band * 0.62), ink,
                        "label")
            r = min(x1 - x0, y1 - y0 - band) / 2
            draw_clock(c, (x0 + x1) / 2, y0 + band + (y1 - y0 - band) / 2, r * 0.97, it["clock"],
                       style["clock_face"], style["font"])
        else:
            dh = min(y1 - y0, (x1 - x0) * 0.55)
            top = y0 + (y1 - y0 - dh) / 2
            draw_display(c, (x0, top, x1, top + dh), it["display"], it, style, ink)
