"""Floor plans of homes (floorplan.home) and offices (floorplan.office).

A rectangular footprint is split recursively into rooms; doors form a tree from the
room the entrance opens into; windows sit on exterior walls; a north arrow fixes the
compass. Questions (areas, adjacency, door routes, directions, counts) are answered
from the spec's decimetre-exact geometry.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from mmsynth.generator import Generator, Rendered
from mmsynth.questions import load_families
from mmsynth.registry import register

from generators.floorplans.render import render_plan, sample_plan_style
from generators.floorplans.sampler import sample_plan
from generators.floorplans.solvers import Q

QUESTIONS = Path(__file__).with_name("questions.yaml")
OFFICE_FAMILIES = ["floorplan.area", "floorplan.largest_room", "floorplan.smallest_room", "floorplan.adjacent",
                   "floorplan.door_between", "floorplan.route", "floorplan.count_type", "floorplan.direction",
                   "floorplan.doors_of", "floorplan.windows_of", "floorplan.total_area",
                   "floorplan.nearest_of_type", "floorplan.entrance_room"]


class _FloorPlan(Generator):
    kind = ""
    task = "floorplan"

    def sample_spec(self, rng: np.random.Generator) -> dict:
        return sample_plan(rng, self.kind)

    def sample_style(self, rng: np.random.Generator) -> dict:
        return sample_plan_style(rng)

    def render(self, spec: dict, style: dict) -> Rendered:
        return render_plan(spec, style)


@register("floorplan.home")
class HomePlan(_FloorPlan):
    """Floor plans of homes: living room, kitchen, bedrooms, bathrooms, doors, windows, north arrow."""
    kind = "home"
    families = load_families(QUESTIONS, Q)


@register("floorplan.office")
class OfficePlan(_FloorPlan):
    """Floor plans of offices: reception, open office, meeting rooms, private offices, restrooms."""
    kind = "office"
    families = load_families(QUESTIONS, Q, only=OFFICE_FAMILIES)
