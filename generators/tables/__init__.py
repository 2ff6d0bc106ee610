"""Table generators: themed tables of text and numeric columns in several visual
styles (borders, stripes, header colours, alignment, units in headers or cells)."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from mmsynth.generator import Generator, Rendered
from mmsynth.questions import load_families
from mmsynth.registry import register

from generators.tables.render import render_table
from generators.tables.sampler import sample_table_spec
from generators.tables.solvers import T
from generators.tables.style import sample_table_style


@register("table.basic")
class BasicTable(Generator):
    """Rendered tables with a key column, text and numeric columns, and varied styles."""

    task = "table"
    families = load_families(Path(__file__).with_name("questions.yaml"), T)

    def sample_spec(self, rng: np.random.Generator) -> dict:
        return sample_table_spec(rng)

    def sample_style(self, rng: np.random.Generator) -> dict:
        return sample_table_style(rng)

    def render(self, spec: dict, style: dict) -> Rendered:
        return render_table(spec, style)


from generators.tables import kinds  # noqa: E402,F401  (registers the grid-drawn table kinds)
