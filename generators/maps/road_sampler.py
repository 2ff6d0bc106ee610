"""Sampler of road maps: towns on a 100x100 plane, straight named roads with distances,
a river that only bridges cross (sometimes none, which splits the map) and a lake.

Roads are kept planar, clear of other towns and lakes, and well apart in angle at each
town, so that the renderer always has room for every label.
"""
from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

from generators.maps.geometry import (angle_between, distance_to_polyline, point_segment_distance,
                                      polyline_crossings, segments_cross)
from mmsynth.rand import pick, pick_n, randint, uniform

MIN_TOWN_GAP = 24.0      # map units between towns
MAX_ROAD = 48.0          # longest road
MIN_ROAD_ANGLE = 35.0    # degrees between two roads leaving one town
TOWN_CLEARANCE = 8.0     # a road passes no other town closer than this
RIVER_CLEARANCE = 8.0    # towns keep off the river
MAX_DEGREE = 4


@lru_cache(maxsize=None)
def vocab() -> dict:
    return yaml.safe_load(Path(__file__).with_name("vocab.yaml").read_text())


def _river(rng: np.random.Generator) -> list[list[float]]:
    """A wiggly river crossing the map from north to south (or west to east)."""
    base = uniform(rng, 35, 65)
    amp, phase, freq = uniform(rng, 4, 10), uniform(rng, 0, 2 * math.pi), uniform(rng, 1.0, 2.2)
    pts = []
    for t in np.linspace(-2, 102, 9):
        across = base + amp * math.sin(freq * 2 * math.pi * t / 100 + phase)
        pts.append([round(float(across), 2), round(float(t), 2)])
    if rng.random() < 0.5:
        pts = [[p[1], p[0]] for p in pts]
    return pts


def _lake(rng: np.random.Generator) -> dict:
    return {"cx": round(uniform(rng, 25, 75), 2), "cy": round(uniform(rng, 25, 75), 2),
            "rx": round(uniform(rng, 6, 10), 2), "ry": round(uniform(rng, 4, 8), 2)}


def in_lake(p: tuple[float, float], lake: dict, grow: float = 0.0) -> bool:
    return ((p[0] - lake["cx"]) / (lake["rx"] + grow)) ** 2 + ((p[1] - lake["cy"]) / (lake["ry"] + grow)) ** 2 <= 1.0


def segment_hits_lake(a, b, lake: dict, grow: float = 5.0) -> bool:
    return any(in_lake((a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])), lake, grow)
               for t in np.linspace(0, 1, 41))


def _towns(rng: np.random.Generator, n: int, river, lake) -> list[list[float]]:
    pts: list[list[float]] = []
    for _ in range(4000):
        if len(pts) == n:
            break
        p = [round(uniform(rng, 6, 94), 2), round(uniform(rng, 6, 94), 2)]
        if any(math.dist(p, q) < MIN_TOWN_GAP for q in pts):
            continue
        if river and distance_to_polyline(p, river) < RIVER_CLEARANCE:
            continue
        if lake and in_lake(p, lake, grow=6.0):
            continue
        pts.append(p)
    return pts


def _road_ok(a: int, b: int, pos, roads, river, lake, bridges_left: int) -> bool:
    pa, pb = pos[a], pos[b]
    if math.dist(pa, pb) > MAX_ROAD:
        return False
    if any(point_segment_distance(pos[k], pa, pb) < TOWN_CLEARANCE for k in range(len(pos)) if k not in (a, b)):
        return False
    for (c, d) in roads:
        if segments_cross(pa, pb, pos[c], pos[d]):
            return False
        for end, other in ((a, b), (b, a)):
            if end in (c, d):
                far = d if c == end else c
                if angle_between(pos[end], pos[other], pos[far]) < MIN_ROAD_ANGLE:
                    return False
    if sum(a in r for r in roads) >= MAX_DEGREE or sum(b in r for r in roads) >= MAX_DEGREE:
        return False
    if lake and segment_hits_lake(pa, pb, lake):
        return False
    if river:
        crossings = polyline_crossings(pa, pb, river)
        if crossings > 1 or (crossings == 1 and bridges_left <= 0):
            return False
    return True


def _road_names(rng: np.random.Generator, n: int) -> list[str]:
    styles = vocab()["road_styles"]
    if rng.random() < 0.5:
        lo, hi = styles["codes"]["numbers"]
        nums = pick_n(rng, list(range(lo, hi + 1)), n)
        return [f"{pick(rng, styles['codes']['prefixes'])}{k}" for k in nums]
    return pick_n(rng, styles["names"], n)


def sample_road_map(rng: np.random.Generator) -> dict:
    """One road map spec (see the module docstring); resamples until every town has a road."""
    v = vocab()
    while True:
        river = _river(rng) if rng.random() < 0.75 else None
        lake = _lake(rng) if rng.random() < 0.4 else None
        n = randint(rng, 6, 9)
        pos = _towns(rng, n, river, lake)
        if len(pos) < 5:
            continue
        n = len(pos)
        bridges_left = randint(rng, 0, 3) if river else 0
        pairs = sorted(((i, j) for i in range(n) for j in range(i + 1, n)),
                       key=lambda ij: math.dist(pos[ij[0]], pos[ij[1]]))
        roads: list[tuple[int, int]] = []
        for a, b in pairs:
            if rng.random() < 0.82 and _road_ok(a, b, pos, roads, river, lake, bridges_left):
                roads.append((a, b))
                if river and polyline_crossings(pos[a], pos[b], river):
                    bridges_left -= 1
        if any(not any(i in r for r in roads) for i in range(n)) or len(roads) < n - 1:
            continue
        break
    names = pick_n(rng, v["towns"], n)
    scale = uniform(rng, 0.6, 1.6)   # km per map unit
    road_names = _road_names(rng, len(roads))
    spec = {
        "kind": "road", "unit": "km", "title": pick(rng, v["map_titles"]),
        "towns": [{"name": names[i], "x": pos[i][0], "y": pos[i][1]} for i in range(n)],
        "roads": [{"name": road_names[k], "a": names[a], "b": names[b],
                   "km": max(2, int(round(math.dist(pos[a], pos[b]) * scale * uniform(rng, 1.0, 1.3))))}
                  for k, (a, b) in enumerate(roads)],
        "rivers": [{"name": pick(rng, v["rivers"]), "points": river}] if river else [],
        "lakes": [dict(lake, name=pick(rng, v["lakes"]))] if lake else [],
    }
    return spec
