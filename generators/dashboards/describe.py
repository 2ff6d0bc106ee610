"""The facts a dashboard's description tells: each instrument and its reading (a clock's
time, a gauge's value, scale and warning zone, a display's number and unit)."""
from __future__ import annotations

from pathlib import Path

from mmsynth.describe import Fact, describes, listing, num, plural

from generators.dashboards import clock_solve, gauge_solve
from generators.dashboards.vocab import VOCAB

PHRASINGS = Path(__file__).with_name("describe.yaml")


def _display(d: dict) -> str:
    return f"{d['text']} {d['unit']}".strip() if d.get("unit") else d["text"]


def clock_facts(clock: dict, label: str, key: str) -> list[Fact]:
    facts = [Fact("dashboard.clock", {"label": label, "time": clock_solve.read_time(clock).answer}, key)]
    if clock.get("second") is not None:
        facts.append(Fact("dashboard.seconds", {"label": label, "second": clock["second"]}, key))
    facts.append(Fact("dashboard.numerals", {"label": label, "numerals": clock_solve.numerals(clock).answer}, key))
    return facts


def gauge_facts(g: dict, key: str) -> list[Fact]:
    facts = [Fact("dashboard.gauge", {"name": g["name"], "label": g["label"], "reading": gauge_solve.reading(g)}, key),
             Fact("dashboard.scale", {"name": g["name"], "lo": num(g["min"]), "hi": num(g["max"]), "unit": g["unit"]}, key)]
    if g.get("zone"):
        z = g["zone"]
        inside = z["from"] <= g["value"] <= z["to"]
        facts.append(Fact("dashboard.zone_in" if inside else "dashboard.zone_out",
                          {"name": g["name"], "label": g["label"], "color": z["color"], "lo": num(z["from"]), "hi": num(z["to"])}, key))
    return facts


@describes("dashboard.clock", phrasings=PHRASINGS, noun="clock")
def single_clock(spec: dict) -> list[Fact]:
    return [Fact("dashboard.clock_overview", {"thing": "analog clock"})] + clock_facts(spec["clock"], "the clock", "")


@describes("dashboard.gauge", phrasings=PHRASINGS, noun="gauge")
def single_gauge(spec: dict) -> list[Fact]:
    g = spec["gauge"]
    return [Fact("dashboard.gauge_overview", {"thing": g["name"], "label": g["label"]})] + gauge_facts(g, "")


@describes("dashboard.digital", phrasings=PHRASINGS, noun="display")
def digital(spec: dict) -> list[Fact]:
    ds = spec["displays"]
    facts = [Fact("dashboard.digital_overview", {"thing": "digital display", "n": plural(len(ds), "readout"),
                                                 "labels": listing([d["label"] for d in ds])})]
    return facts + [Fact("dashboard.display", {"label": d["label"], "value": _display(d)}, d["label"]) for d in ds]


@describes("dashboard.panel", phrasings=PHRASINGS, noun="dashboard")
def panel(spec: dict) -> list[Fact]:
    ins = spec["instruments"]
    kinds = [VOCAB["instrument_types"][i["type"]] for i in ins]
    facts = [Fact("dashboard.panel_overview", {"thing": "dashboard", "n": plural(len(ins), "instrument"),
                                               "labels": listing([f"{i['label']} ({k})" for i, k in zip(ins, kinds)])})]
    for i in ins:
        if i["type"] == "clock":
            facts += clock_facts(i["clock"], i["label"], i["label"])
        elif i["type"] == "gauge":
            facts += gauge_facts(i["gauge"], i["label"])
        else:
            facts.append(Fact("dashboard.display", {"label": i["label"], "value": _display(i["display"])}, i["label"]))
    return facts
