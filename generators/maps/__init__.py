"""Map generators: road maps of towns (``map.road``) and maze-like grid maps with
lettered markers (``map.grid``), with route questions solved by networkx."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from generators.maps.grid_sampler import sample_grid_map
from generators.maps.render_grid import render_grid_map
from generators.maps.render_road import render_road_map
from generators.maps.road_sampler import sample_road_map
from generators.maps.solvers import Q
from mmsynth.draw import FONT_FAMILIES
from mmsynth.generator import Generator, Rendered
from mmsynth.questions import load_families
from mmsynth.rand import pick, randint
from mmsynth.registry import register

QUESTIONS = Path(__file__).with_name("questions.yaml")
SHARED = ["map.shortest_route", "map.route_length", "map.avoid_route", "map.degree", "map.reachable",
          "map.closer", "map.nearest", "map.within", "map.via", "map.compass"]
LANDS = ([250, 247, 238], [242, 247, 236], [255, 255, 255], [246, 243, 250], [238, 244, 246])
PAPERS = ([255, 255, 255], [250, 248, 240], [244, 246, 250])


def _common_style(rng: np.random.Generator) -> dict:
    return {"font": pick(rng, FONT_FAMILIES), "ink": pick(rng, ["black", "navy"]),
            "accent": pick(rng, ["red", "orange", "purple"]), "rose_right": bool(rng.random() < 0.7),
            "title_size": randint(rng, 18, 22),
            "noise": float(pick(rng, [0.0, 0.0, 0.0, 3.0])), "noise_seed": randint(rng, 0, 2**31 - 1)}


@register("map.road")
class RoadMap(Generator):
    """Road maps: towns, named roads with distances, a river with bridges, a lake, a compass rose."""
    task = "map"
    families = load_families(QUESTIONS, Q, only=SHARED + ["map.road_name", "map.road_length", "map.bridges",
                                                          "map.route_roads"])

    def sample_spec(self, rng: np.random.Generator) -> dict:
        return sample_road_map(rng)

    def sample_style(self, rng: np.random.Generator) -> dict:
        return {**_common_style(rng), "width": pick(rng, [760, 820, 880]), "aspect": pick(rng, [0.9, 0.95, 1.0]),
                "margin": randint(rng, 60, 80), "land": pick(rng, LANDS),
                "road_color": pick(rng, ["gray", "brown", "black", "orange"]), "road_width": randint(rng, 3, 5),
                "river_width": randint(rng, 6, 9), "town_radius": randint(rng, 6, 8),
                "town_shape": pick(rng, ["circle", "square"]),
                "town_color": pick(rng, ["red", "blue", "black", "green"]),
                "town_size": randint(rng, 14, 17), "bold_towns": bool(rng.random() < 0.5),
                "road_size": randint(rng, 12, 14)}

    def render(self, spec: dict, style: dict) -> Rendered:
        return render_road_map(spec, style)


@register("map.grid")
class GridMap(Generator):
    """Maze-like grid maps whose junctions and dead ends carry letters; routes are letter sequences."""
    task = "map"
    families = load_families(QUESTIONS, Q, only=SHARED + ["map.dead_ends"])

    def sample_spec(self, rng: np.random.Generator) -> dict:
        return sample_grid_map(rng)

    def sample_style(self, rng: np.random.Generator) -> dict:
        cell = pick(rng, [56, 64, 72])
        return {**_common_style(rng), "cell": cell, "paper": pick(rng, PAPERS),
                "floor": pick(rng, [[255, 255, 255], [250, 246, 230], [236, 244, 236]]),
                "wall_color": pick(rng, ["black", "navy", "brown", "teal"]), "wall_width": randint(rng, 3, 6),
                "marker_color": pick(rng, ["red", "blue", "purple", "green", "black"]),
                "marker_disc": bool(rng.random() < 0.5), "letter_size": int(cell * pick(rng, [0.4, 0.45, 0.5]))}

    def render(self, spec: dict, style: dict) -> Rendered:
        return render_grid_map(spec, style)
