"""The chart idioms people publish beyond bars, lines and pies: lollipops, dot plots of
two series (dumbbells), histograms, error bars, log-scale bars, slope charts, waterfalls,
funnels, heatmaps, radars and small multiples. Each is a registered generator in the
shared category layout, asking the shared chart families that fit its data plus the
idiom's own (``idiom_questions.yaml``)."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np

from mmsynth.generator import Rendered
from mmsynth.questions import QuestionFamily, load_families
from mmsynth.registry import register

from generators.charts import idiom_solvers  # noqa: F401  (its solvers register on Q)
from generators.charts.idioms_sampler import (sample_error_spec, sample_funnel_spec, sample_histogram_spec,
                                              sample_log_spec, sample_waterfall_spec)
from generators.charts.render_idioms import render_idiom
from generators.charts.render_shapes import render_funnel, render_heatmap, render_radar, render_small_multiples
from generators.charts.sampler import sample_category_spec
from generators.charts.solvers import Q

QUESTIONS = Path(__file__).with_name("questions.yaml")
IDIOM_QUESTIONS = Path(__file__).with_name("idiom_questions.yaml")
SINGLE = ["chart.value", "chart.category_color", "chart.label_by_color", "chart.count_categories",
          "chart.max_label", "chart.min_label", "chart.rank", "chart.difference", "chart.compare", "chart.ratio",
          "chart.pair_sum", "chart.count_above", "chart.label_at", "chart.sum", "chart.average"]
MULTI = [n for n in SINGLE if n != "chart.category_color"] + [
    "chart.series_color", "chart.count_series", "chart.series_max", "chart.multi_hop"]
CHANGES = ["chart.direction", "chart.biggest_rise", "chart.change_of", "chart.most_growth", "chart.count_rising"]


def families(shared: list[str], own: list[str] = ()) -> list[QuestionFamily]:
    """The shared chart families named, then the idiom's own."""
    out = load_families(QUESTIONS, Q, only=shared)
    return out + (load_families(IDIOM_QUESTIONS, Q, only=list(own)) if own else [])


def idiom(name: str, doc: str, sampler: Callable[[np.random.Generator], dict],
          renderer: Callable[[dict, dict], Rendered], fams: list[QuestionFamily]) -> type:
    """Register one idiom: its sampler, renderer and families, on the chart style."""
    from generators.charts import ChartStyle
    cls_name = "".join(p.title() for p in name.split(".")[1].split("_")) + "Chart"
    cls = type(cls_name, (ChartStyle,), {
        "__doc__": doc, "__module__": __name__, "__qualname__": cls_name, "families": fams,
        "sample_spec": lambda self, rng: sampler(rng), "render": lambda self, spec, style: renderer(spec, style)})
    return register(name)(cls)


def kind_sampler(kind: str) -> Callable[[np.random.Generator], dict]:
    return lambda rng: sample_category_spec(rng, kind)


idiom("chart.lollipop", "Lollipop charts: a stick and a dot per category, values printed or read off the axis.",
      kind_sampler("lollipop"), render_idiom, families(SINGLE))
idiom("chart.dot_plot", "Dot plots (dumbbells): two series as dots joined per category, with a legend.",
      kind_sampler("dumbbell"), render_idiom, families(MULTI))
idiom("chart.histogram", "Histograms of a measured quantity in equal bins (counts printed or read off the axis).",
      sample_histogram_spec, render_idiom, families(SINGLE))
idiom("chart.error_bar", "Bar charts of means with error bars, read off the axis.",
      sample_error_spec, render_idiom, families(SINGLE, ["chart.error_of", "chart.error_overlap"]))
idiom("chart.log_scale", "Bar charts on a logarithmic axis of values spanning orders of magnitude, printed.",
      sample_log_spec, render_idiom, families(SINGLE))
idiom("chart.slope", "Slope charts: each series from one time point to another, named at its end.",
      kind_sampler("slope"), render_idiom, families(MULTI, ["chart.change_of", "chart.most_growth",
                                                            "chart.count_rising"]) +
      load_families(QUESTIONS, Q, only=["chart.direction"]))
idiom("chart.waterfall", "Waterfall charts: a start value, signed changes floating on the running total, the end.",
      sample_waterfall_spec, render_idiom,
      families(["chart.value", "chart.max_label", "chart.min_label", "chart.difference", "chart.compare",
                "chart.count_categories", "chart.sum"],
               ["chart.running_total", "chart.final_value", "chart.count_decreases"]))
idiom("chart.funnel", "Funnel charts: stages top to bottom, each bar as wide as its printed count.",
      sample_funnel_spec, render_funnel,
      families(["chart.value", "chart.count_categories", "chart.label_at", "chart.difference", "chart.ratio",
                "chart.category_color", "chart.label_by_color"], ["chart.conversion", "chart.biggest_drop"]))
idiom("chart.heatmap", "Heatmaps: rows by columns of coloured cells with printed values and a colour scale.",
      kind_sampler("heatmap"), render_heatmap, families(MULTI))
idiom("chart.radar", "Radar charts: series as polygons over category spokes, read against value rings.",
      kind_sampler("radar"), render_radar, families(MULTI))
idiom("chart.small_multiples", "Small multiples: one line chart per series in a grid of panels on one value axis.",
      kind_sampler("small_multiples"), render_small_multiples,
      families(MULTI, CHANGES[2:]) + load_families(QUESTIONS, Q, only=CHANGES[:2]))
