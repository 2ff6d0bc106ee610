"""What each kind of category-layout chart is, in one place, so that the sampler, the
renderers and the solvers agree: which kinds run over time, which have several series,
which tell series apart by colour (a legend or direct labels), which stack, which read
top to bottom, and which name their marks how."""
from __future__ import annotations

TIME_KINDS = ("line", "area", "slope", "small_multiples")
MULTI_KINDS = ("grouped_bar", "stacked_bar", "line", "area", "dumbbell", "slope", "heatmap", "radar",
               "small_multiples")
LEGEND_KINDS = ("grouped_bar", "stacked_bar", "line", "area", "dumbbell", "slope", "radar")
STACKED_KINDS = ("stacked_bar", "area")
TOP_DOWN_KINDS = ("hbar", "funnel")           # categories listed from the top
UNORDERED_KINDS = ("pie", "donut", "radar")   # categories have no left-to-right order
MARKS = {"pie": "slice", "donut": "segment", "line": "point", "area": "point", "slope": "point",
         "small_multiples": "point", "lollipop": "dot", "dumbbell": "dot", "heatmap": "cell", "radar": "point",
         "funnel": "stage"}
