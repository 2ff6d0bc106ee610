"""Sampler of tables: rng -> spec (plain JSON data).

A spec lists its columns (a key column of row names, text columns, numeric columns
with unit, decimals and where the unit is printed) and its rows. Values within a
numeric column are distinct, so "the highest" is always one row. How a cell reads
(units, separators) is part of the spec because questions quote it; how it looks
(borders, stripes, fonts) is style.
"""
from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import yaml

from mmsynth.rand import pick, pick_n, randint, shuffled

HEADER_COLORS = ("blue", "navy", "teal", "green", "gray", "purple", "red", "orange", "brown", "black")


@functools.lru_cache(maxsize=None)
def vocab() -> dict:
    return yaml.safe_load(Path(__file__).with_name("vocab.yaml").read_text())


def _column_values(rng: np.random.Generator, d: dict, n: int) -> list[float]:
    """``n`` distinct values on the column's grid (its ``round`` or its decimals)."""
    unit = d.get("round", 10 ** -d["decimals"])
    lo, hi = int(np.ceil(d["range"][0] / unit)), int(np.floor(d["range"][1] / unit))
    picks = rng.choice(np.arange(lo, hi + 1), size=n, replace=False)
    return [int(p * unit) if d["decimals"] == 0 else round(float(p) * unit, d["decimals"]) for p in picks]


STANDINGS_COLUMNS = ("Played", "Wins", "Draws", "Losses", "Points")
STANDING = {"unit": "", "decimals": 0, "additive": True}


def _standings(rng: np.random.Generator, d: dict, n: int) -> dict[str, list[int]]:
    """A season's results that add up: the same games played by every team, wins, draws and
    losses summing to them, points = 3 x wins + draws; teams listed by points, all distinct."""
    played = randint(rng, *d["played"])
    while True:
        wins = [randint(rng, 0, played) for _ in range(n)]
        draws = [randint(rng, 0, (played - w) // 2) for w in wins]
        points = [3 * w + dr for w, dr in zip(wins, draws)]
        if len(set(points)) == n:
            break
    order = sorted(range(n), key=lambda i: -points[i])
    return {"Played": [played] * n, "Wins": [wins[i] for i in order], "Draws": [draws[i] for i in order],
            "Losses": [played - wins[i] - draws[i] for i in order], "Points": [points[i] for i in order]}


def sample_table_spec(rng: np.random.Generator) -> dict:
    """A themed table of 4-10 rows, a key column, 1-2 text and 2-4 numeric columns."""
    themes = vocab()["themes"]
    name = pick(rng, sorted(themes))
    theme = themes[name]
    n_rows = randint(rng, 4, 10)
    rows = pick_n(rng, theme["rows"], n_rows)
    text_cols = pick_n(rng, sorted(theme["text"]), randint(rng, 1, len(theme["text"])))
    num_names = list(theme["numbers"])
    if "standings" in theme:
        standings = _standings(rng, theme["standings"], n_rows)
        num_cols = [c for c in STANDINGS_COLUMNS if c != "Played" or rng.random() < 0.5]
        num_cols += pick_n(rng, num_names, randint(rng, 0, len(num_names)))
    else:
        standings = {}
        num_cols = pick_n(rng, num_names, randint(rng, 2, min(4, len(num_names))))
        num_cols.sort(key=num_names.index)
    unit_place = pick(rng, ("header", "cell"))
    columns = [{"name": theme["key"], "type": "text"}]
    columns += [{"name": c, "type": "text"} for c in text_cols]
    for c in num_cols:
        d = STANDING if c in STANDINGS_COLUMNS else theme["numbers"][c]
        columns.append({"name": c, "type": "number", "unit": d["unit"], "prefix": d.get("prefix", ""),
                        "decimals": d["decimals"], "additive": d["additive"],
                        "unit_place": unit_place if d["unit"] else "none"})
    if rng.random() < 0.5 and not standings:  # keep the usual text-then-numbers order half of the time
        columns = columns[:1] + shuffled(rng, columns[1:])
    cells = {c: [pick(rng, theme["text"][c]) for _ in rows] for c in text_cols}
    cells.update({c: _column_values(rng, theme["numbers"][c], n_rows) for c in num_cols if c not in standings})
    cells.update({c: standings[c] for c in num_cols if c in standings})
    cells[theme["key"]] = rows
    return {
        "kind": "table", "theme": name, "title": pick(rng, theme["title"]),
        "entity": theme["entity"], "entity_plural": theme["entity_plural"], "key": theme["key"],
        "columns": columns,
        "rows": [[cells[c["name"]][r] for c in columns] for r in range(n_rows)],
        "header_color": pick(rng, HEADER_COLORS) if rng.random() < 0.6 else None,
        "thousands": rng.random() < 0.7,
    }


def cell_text(spec: dict, col: dict, value) -> str:
    """The text printed in a cell: numbers with their decimals, separators and (maybe) unit."""
    if col["type"] == "text":
        return str(value)
    sep = "," if spec["thousands"] else ""
    s = f"{value:{sep}.{col['decimals']}f}"
    if col["unit_place"] != "cell":
        return s
    if col["prefix"]:
        return s.replace("-", "-" + col["prefix"]) if s.startswith("-") else col["prefix"] + s
    return f"{s} {col['unit']}"


def header_text(col: dict) -> str:
    """A column's header: its name, plus its unit when units are not printed in the cells."""
    return f"{col['name']} ({col['unit']})" if col.get("unit_place") == "header" else col["name"]

