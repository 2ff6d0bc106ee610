"""The table kinds people read, each a registered generator: league standings,
financial statements (multi-level header, subtotals, negatives in parentheses),
nutrition facts labels, product comparisons (ticks and crosses) and weekly schedules
(events merged over the hours they last). Each turns its spec into a grid of cells (``grid.py``) drawn
in the table styles (grid, row rules, outer box, print rules; zebra stripes)."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np

from mmsynth.generator import Generator, Rendered
from mmsynth.questions import Solvers, load_families
from mmsynth.registry import register

from generators.tables.comparison import C, comparison_grid, sample_comparison_spec
from generators.tables.financial import F, financial_grid, sample_financial_spec
from generators.tables.grid import Grid, render_grid
from generators.tables.nutrition import N, nutrition_grid, sample_nutrition_spec
from generators.tables.schedule import W, sample_schedule_spec, schedule_grid
from generators.tables.standings import S, sample_standings_spec, standings_grid
from generators.tables.style import sample_table_style

HERE = Path(__file__).parent


class GridTable(Generator):
    """Base of the grid-drawn table kinds: the table task and style."""

    task = "table"
    to_grid: Callable[[dict], Grid]

    def sample_style(self, rng: np.random.Generator) -> dict:
        return sample_table_style(rng)

    def render(self, spec: dict, style: dict) -> Rendered:
        return render_grid(type(self).to_grid(spec), style, spec.get("header_color"))


def table_kind(name: str, doc: str, sampler: Callable[[np.random.Generator], dict], to_grid: Callable[[dict], Grid],
               questions: str, solvers: Solvers) -> type:
    cls_name = "".join(p.title() for p in name.split(".")[1].split("_")) + "Table"
    cls = type(cls_name, (GridTable,), {
        "__doc__": doc, "__module__": __name__, "__qualname__": cls_name,
        "families": load_families(HERE / questions, solvers), "to_grid": staticmethod(to_grid),
        "sample_spec": lambda self, rng: sampler(rng)})
    return register(name)(cls)


table_kind("table.standings", "League standings: played, won, drawn, lost, goals and points that agree, ranked.",
           sample_standings_spec, standings_grid, "standings.yaml", S)
table_kind("table.financial", "Income statements: years under a period header, bold subtotals, costs in parentheses.",
           sample_financial_spec, financial_grid, "financial.yaml", F)
table_kind("table.nutrition", "Nutrition facts labels: servings, calories, nutrients with sub-nutrients and % DV.",
           sample_nutrition_spec, nutrition_grid, "nutrition.yaml", N)
table_kind("table.comparison", "Product comparison sheets: prices, specifications with units, features ticked or crossed.",
           sample_comparison_spec, comparison_grid, "comparison.yaml", C)
table_kind("table.schedule", "Weekly schedules: days across, hours down, each event one cell merged over its hours.",
           sample_schedule_spec, schedule_grid, "schedule.yaml", W)
