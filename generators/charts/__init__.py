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

from generators.charts import multi_series, reasoning  # noqa: F401  (their solvers register on Q)
from generators.charts.render_axes import render_category
from generators.charts.render_pie import render_pie
from generators.charts.render_scatter import render_scatter
from generators.charts.sampler import sample_category_spec, sample_pie_spec
from generators.charts.scatter_sampler import sample_scatter_spec
from generators.charts.scatter_solvers import S
from generators.charts.solvers import Q
from generators.charts.style import sample_chart_style

QUESTIONS = Path(__file__).with_name("questions.yaml")
SCATTER_QUESTIONS = Path(__file__).with_name("scatter_questions.yaml")
PIE = ["chart.value", "chart.category_color", "chart.label_by_color", "chart.count_categories",
       "chart.max_label", "chart.min_label", "chart.rank", "chart.difference", "chart.compare", "chart.ratio",
       "chart.pair_sum", "chart.count_above"]
SINGLE = PIE + ["chart.label_at", "chart.sum", "chart.average"]
MULTI = [n for n in SINGLE if n != "chart.category_color"] + [
    "chart.series_color", "chart.count_series", "chart.series_max", "chart.multi_hop"]
TOTALS = ["chart.total_of", "chart.total_max"]
TIME = ["chart.biggest_rise", "chart.direction"]


class ChartStyle(Generator):
    """Base of every chart kind: the chart task and the shared chart style sampler."""

    task = "chart"

    def sample_style(self, rng: np.random.Generator) -> dict:
        return sample_chart_style(rng)


class CategoryChart(ChartStyle):
    """Base of the charts whose data are values of categories, one list per series."""

    kind: ClassVar[str] = ""

    def sample_spec(self, rng: np.random.Generator) -> dict:
        return sample_category_spec(rng, self.kind)

    def render(self, spec: dict, style: dict) -> Rendered:
        return render_category(spec, style)


def category_chart(name: str, cls_name: str, kind: str, families: list[str], doc: str) -> type[CategoryChart]:
    """Register one kind of category chart: its sampler/renderer switch and its question families."""
    cls = type(cls_name, (CategoryChart,), {"__doc__": doc, "__module__": __name__, "__qualname__": cls_name,
                                            "kind": kind, "families": load_families(QUESTIONS, Q, only=families)})
    return register(name)(cls)


BarChart = category_chart("chart.bar", "BarChart", "bar", SINGLE,
                          "Vertical bar charts of one themed series, values printed or read off the axis.")
HorizontalBarChart = category_chart("chart.hbar", "HorizontalBarChart", "hbar", SINGLE,
                                    "Horizontal bar charts of one themed series, values printed or read off the axis.")
GroupedBarChart = category_chart("chart.grouped_bar", "GroupedBarChart", "grouped_bar", MULTI + TOTALS,
                                 "Grouped bar charts: several series side by side per category, with a legend.")
StackedBarChart = category_chart("chart.stacked_bar", "StackedBarChart", "stacked_bar", MULTI + TOTALS,
                                 "Stacked bar charts: series stacked per category, totals on the axis, with a legend.")
LineChart = category_chart("chart.line", "LineChart", "line", MULTI + TIME,
                           "Multi-series line charts over time (months, quarters, years, days) with a legend.")
AreaChart = category_chart("chart.area", "AreaChart", "area", MULTI + TOTALS + TIME,
                           "Stacked area charts over time with a legend.")


@register("chart.pie")
class PieChart(ChartStyle):
    """Pie charts of integer percentage shares, labelled beside the slices or in a legend."""
    families = load_families(QUESTIONS, Q, only=PIE)

    def sample_spec(self, rng: np.random.Generator) -> dict:
        return sample_pie_spec(rng, "pie")

    def render(self, spec: dict, style: dict) -> Rendered:
        return render_pie(spec, style)


@register("chart.donut")
class DonutChart(PieChart):
    """Donut charts of integer percentage shares, labelled beside the segments or in a legend."""

    def sample_spec(self, rng: np.random.Generator) -> dict:
        return sample_pie_spec(rng, "donut")


@register("chart.scatter")
class ScatterChart(ChartStyle):
    """Scatter plots of themed point groups forming clusters or rising/falling/flat trends."""
    families = load_families(SCATTER_QUESTIONS, S)

    def sample_spec(self, rng: np.random.Generator) -> dict:
        return sample_scatter_spec(rng)

    def render(self, spec: dict, style: dict) -> Rendered:
        return render_scatter(spec, style)


from generators.charts import idioms  # noqa: E402,F401  (registers the idiom kinds on the chart style above)
