"""Chart generators: bars (vertical, horizontal, grouped, stacked), lines, areas,
pies and donuts, and scatter plots, drawn with PIL from themed data.

Each chart kind is a small class tying the shared sampler, renderer and question
families together; the families a kind asks are listed explicitly so that
``mmsynth list`` shows what each generator can ask.
"""
from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import numpy as np

from mmsynth.generator import Generator, Rendered
from mmsynth.questions import load_families
from mmsynth.registry import register

from generators.charts.render_axes import render_category
from generators.charts.sampler import sample_category_spec
from generators.charts.solvers import Q
from generators.charts.style import sample_chart_style

QUESTIONS = Path(__file__).with_name("questions.yaml")
SINGLE = ["chart.value", "chart.category_color", "chart.label_by_color", "chart.label_at",
          "chart.count_categories", "chart.max_label", "chart.min_label", "chart.rank", "chart.difference",
          "chart.compare", "chart.ratio", "chart.sum", "chart.average", "chart.count_above"]
MULTI = SINGLE + ["chart.series_color", "chart.count_series", "chart.series_max", "chart.multi_hop"]
TOTALS = ["chart.total_of", "chart.total_max"]
TIME = ["chart.biggest_rise", "chart.direction"]


class CategoryChart(Generator):
    """Base of the charts whose data are values of categories, one list per series."""

    task = "chart"
    kind: ClassVar[str] = ""

    def sample_spec(self, rng: np.random.Generator) -> dict:
        return sample_category_spec(rng, self.kind)

    def sample_style(self, rng: np.random.Generator) -> dict:
        return sample_chart_style(rng)

    def render(self, spec: dict, style: dict) -> Rendered:
        return render_category(spec, style)


@register("chart.bar")
class BarChart(CategoryChart):
    """Vertical bar charts of one themed series, values printed or read off the axis."""
    kind = "bar"
    families = load_families(QUESTIONS, Q, only=SINGLE)


@register("chart.hbar")
class HorizontalBarChart(CategoryChart):
    """Horizontal bar charts of one themed series, values printed or read off the axis."""
    kind = "hbar"
    families = load_families(QUESTIONS, Q, only=SINGLE)


@register("chart.grouped_bar")
class GroupedBarChart(CategoryChart):
    """Grouped bar charts: several series side by side per category, with a legend."""
    kind = "grouped_bar"
    families = load_families(QUESTIONS, Q, only=MULTI + TOTALS)


@register("chart.stacked_bar")
class StackedBarChart(CategoryChart):
    """Stacked bar charts: series stacked per category, totals on the axis, with a legend."""
    kind = "stacked_bar"
    families = load_families(QUESTIONS, Q, only=MULTI + TOTALS)


@register("chart.line")
class LineChart(CategoryChart):
    """Multi-series line charts over time (months, quarters, years, days) with a legend."""
    kind = "line"
    families = load_families(QUESTIONS, Q, only=MULTI + TIME)


@register("chart.area")
class AreaChart(CategoryChart):
    """Stacked area charts over time with a legend."""
    kind = "area"
    families = load_families(QUESTIONS, Q, only=MULTI + TOTALS + TIME)
