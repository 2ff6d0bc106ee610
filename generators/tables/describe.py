"""The facts a table's description tells: its title, rows and columns, the extremes and total
of each numeric column, and each row's cells as printed."""
from __future__ import annotations

from pathlib import Path

from mmsynth.describe import Fact, describes, listing, plural

from generators.tables.sampler import cell_text


@describes("table.*", phrasings=Path(__file__).with_name("describe.yaml"), noun="table")
def table_facts(spec: dict) -> list[Fact]:
    cols, rows = spec["columns"], spec["rows"]
    facts = [Fact("table.overview", {"thing": "table", "title": spec["title"],
                                     "n": plural(len(rows), spec["entity"], spec["entity_plural"]),
                                     "columns": listing([c["name"] for c in cols])})]
    for j, col in enumerate(cols):
        if col["type"] != "number":
            continue
        values = [r[j] for r in rows if r[j] is not None]  # a blank cell (no % daily value) says nothing
        hi, lo = max(values), min(values)
        if values.count(hi) == 1 and values.count(lo) == 1 and hi != lo:
            facts.append(Fact("table.extremes", {
                "column": col["name"], "max_row": next(r[0] for r in rows if r[j] == hi), "max": cell_text(spec, col, hi),
                "min_row": next(r[0] for r in rows if r[j] == lo), "min": cell_text(spec, col, lo)}, col["name"]))
        if col.get("additive"):
            facts.append(Fact("table.total", {"column": col["name"], "total": cell_text(spec, col, sum(values))},
                              col["name"]))
    for r in rows:
        cells = ", ".join(f"{c['name']} {cell_text(spec, c, v)}" for c, v in zip(cols[1:], r[1:]) if v is not None)
        facts.append(Fact("table.row", {"row": r[0], "cells": cells}, str(r[0])))
    return facts
