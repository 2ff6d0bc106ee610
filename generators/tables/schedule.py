"""Weekly schedules with merged cells: days across, hourly slots down, and each event a
cell merged over the hours it lasts (a two-hour workshop is one tall cell). An event
name is used at most once a day, so "the Yoga class on Tuesday" names one cell, and
questions need the merge (how long, when it ends, what is on at 11:00)."""
from __future__ import annotations

import numpy as np

from mmsynth.errors import NotApplicable
from mmsynth.questions import Solution, Solvers
from mmsynth.rand import pick, pick_n, randint

from generators.tables.grid import Cell, Grid
from generators.tables.kinds_vocab import kinds_vocab

W = Solvers()
FILLS = ("blue", "green", "orange", "purple", "teal", "pink", "olive", "cyan", "yellow", "gray")


def hour_text(h: int) -> str:
    return f"{h:02d}:00"


def sample_schedule_spec(rng: np.random.Generator) -> dict:
    """Per day, events of one to three hours laid in order with free hours between."""
    v = kinds_vocab()["schedule"]
    name = pick(rng, sorted(v["timetables"]))
    t = v["timetables"][name]
    start, hours = pick(rng, t["start"]), pick(rng, t["hours"])
    days = v["days"][:randint(rng, 4, 5)]
    events = []
    for day in days:
        names = pick_n(rng, t["events"], len(t["events"]))
        slot = 0
        while slot < hours:
            if rng.random() < 0.3:
                slot += 1
                continue
            length = min(hours - slot, randint(rng, 1, 3))
            events.append({"day": day, "name": names.pop(), "start": start + slot, "hours": length})
            slot += length
    colors = dict(zip(t["events"], pick_n(rng, FILLS, len(t["events"]))))
    return {"kind": "schedule", "theme": name, "title": pick(rng, t["title"]), "days": days, "first_hour": start,
            "hours": hours, "events": events, "colors": {e["name"]: colors[e["name"]] for e in events},
            "entity": "time slot", "entity_plural": "time slots", "key": "Time",
            "columns": [{"name": "Time", "type": "text"}] + [{"name": d, "type": "text"} for d in days],
            "rows": [[hour_text(start + i)] + [_at(events, d, start + i) or "" for d in days] for i in range(hours)],
            "header_color": None, "thousands": False}


def _at(events: list[dict], day: str, hour: int) -> str | None:
    for e in events:
        if e["day"] == day and e["start"] <= hour < e["start"] + e["hours"]:
            return e["name"]
    return None


def schedule_grid(spec: dict) -> Grid:
    days, first = spec["days"], spec["first_hour"]
    header = [[Cell("Time", bold=True)] + [Cell(d, align="center", bold=True) for d in days]]
    body: list[list[Cell | None]] = [[Cell(hour_text(first + i))] + [Cell("") for _ in days]
                                     for i in range(spec["hours"])]
    for e in spec["events"]:
        i, j = e["start"] - first, 1 + days.index(e["day"])
        body[i][j] = Cell(e["name"], align="center", down=e["hours"], fill=spec["colors"][e["name"]])
        for k in range(1, e["hours"]):
            body[i + k][j] = None
    return Grid(spec["title"], header, body)


# --- solvers -------------------------------------------------------------------------------
def _event(spec: dict, day: str, name: str) -> dict:
    return next(e for e in spec["events"] if e["day"] == day and e["name"] == name)


def _bind_event(spec: dict, rng: np.random.Generator) -> dict:
    e = pick(rng, spec["events"])
    return {"day": e["day"], "event": e["name"]}


for _family in ("table.sch_duration", "table.sch_start", "table.sch_end"):
    W.bind(_family)(_bind_event)


@W.bind("table.sch_at")
def _bind_at(spec: dict, rng: np.random.Generator) -> dict:
    e = pick(rng, spec["events"])
    return {"day": e["day"], "time": hour_text(e["start"] + randint(rng, 0, e["hours"] - 1))}


@W.solve("table.sch_at")
def _what_at(spec: dict, day: str, time: str) -> Solution:
    hour = int(time[:2])
    name = _at(spec["events"], day, hour)
    if name is None:
        raise NotApplicable("nothing on")
    e = _event(spec, day, name)
    return Solution(answer=name, rationale=f"On {day}, {name} runs from {hour_text(e['start'])} to "
                                           f"{hour_text(e['start'] + e['hours'])}, which covers {time}.",
                    distractors=[x["name"] for x in spec["events"] if x["day"] == day and x["name"] != name])


@W.solve("table.sch_duration")
def _duration(spec: dict, day: str, event: str) -> Solution:
    n = _event(spec, day, event)["hours"]
    return Solution(answer=n, rationale=f"The {event} cell on {day} spans {n} hourly row(s).",
                    distractors=[n + 1, n - 1, n + 2])


@W.solve("table.sch_start")
def _start(spec: dict, day: str, event: str) -> Solution:
    e = _event(spec, day, event)
    return Solution(answer=hour_text(e["start"]), distractors=[hour_text(e["start"] + d) for d in (1, -1, 2)])


@W.solve("table.sch_end")
def _end(spec: dict, day: str, event: str) -> Solution:
    e = _event(spec, day, event)
    end = e["start"] + e["hours"]
    return Solution(answer=hour_text(end), rationale=f"It starts at {hour_text(e['start'])} and lasts "
                                                    f"{e['hours']} hour(s), so it ends at {hour_text(end)}.",
                    distractors=[hour_text(end - 1), hour_text(e["start"]), hour_text(end + 1)])


@W.bind("table.sch_count_day")
def _bind_day(spec: dict, rng: np.random.Generator) -> dict:
    return {"day": pick(rng, spec["days"])}


W.bind("table.sch_free")(_bind_day)


@W.solve("table.sch_count_day")
def _count_day(spec: dict, day: str) -> Solution:
    names = [e["name"] for e in spec["events"] if e["day"] == day]
    n = len(names)
    return Solution(answer=n, rationale=f"On {day}: {', '.join(names) or 'nothing'} ({n}).",
                    distractors=[n + 1, n - 1, sum(e["hours"] for e in spec["events"] if e["day"] == day)])


@W.solve("table.sch_free")
def _free(spec: dict, day: str) -> Solution:
    busy = sum(e["hours"] for e in spec["events"] if e["day"] == day)
    n = spec["hours"] - busy
    return Solution(answer=n, rationale=f"{spec['hours']} hourly slots, {busy} booked: {n} free.",
                    distractors=[busy, n + 1, n - 1])


@W.solve("table.sch_busiest")
def _busiest(spec: dict) -> Solution:
    busy = [sum(e["hours"] for e in spec["events"] if e["day"] == d) for d in spec["days"]]
    if busy.count(max(busy)) > 1:
        raise NotApplicable("a tie")
    day = spec["days"][busy.index(max(busy))]
    return Solution(answer=day, rationale=", ".join(f"{d} {b} h" for d, b in zip(spec["days"], busy)) + ".",
                    distractors=[d for d in spec["days"] if d != day])


@W.bind("table.sch_week_hours")
def _bind_week_hours(spec: dict, rng: np.random.Generator) -> dict:
    return {"event": pick(rng, sorted({e["name"] for e in spec["events"]}))}


@W.solve("table.sch_week_hours")
def _week_hours(spec: dict, event: str) -> Solution:
    found = [e for e in spec["events"] if e["name"] == event]
    n = sum(e["hours"] for e in found)
    return Solution(answer=n, rationale=" + ".join(f"{e['hours']} ({e['day']})" for e in found) + f" = {n} hours.",
                    distractors=[len(found), n + 1, n - 1])
