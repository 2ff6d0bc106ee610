"""Cosmetic choices drawn from the seed: answers never depend on them.

Shared by charts and tables: fonts and sizes, backgrounds, image size and aspect,
grid lines, legend position, preferred label rotation and light pixel noise.
"""
from __future__ import annotations

import numpy as np

from mmsynth.draw import FONT_FAMILIES
from mmsynth.rand import pick, randint, uniform

# Every text is drawn at least this large, so that its ink (capitals, digits) is at
# least mmsynth.draw.MIN_TEXT_PX tall.
MIN_FONT = 14
# STIX draws smaller than DejaVu at the same pixel size; this keeps it as readable.
FONT_BOOST = {"stix": 2}
SIZES = ((640, 480), (800, 500), (560, 560), (720, 540), (520, 640), (900, 520), (600, 450))
BACKGROUNDS = ((255, 255, 255), (250, 248, 240), (245, 247, 250), (242, 242, 242), (255, 253, 245))
PLOT_BACKGROUNDS = (None, None, (234, 234, 242), (248, 248, 248))
INKS = ((20, 20, 20), (50, 50, 60), (40, 40, 40))
GRID_COLORS = ((205, 205, 205), (225, 225, 225), (190, 190, 200))


def sample_base_style(rng: np.random.Generator) -> dict:
    """Font, sizes, colours and noise common to every chart and table."""
    family = pick(rng, FONT_FAMILIES)
    size = randint(rng, MIN_FONT, 18) + FONT_BOOST.get(family, 0)
    noisy = rng.random() < 0.35
    return {
        "font": family,
        "font_size": size,
        "title_size": size + randint(rng, 2, 6),
        "background": list(pick(rng, BACKGROUNDS)),
        "ink": list(pick(rng, INKS)),
        "noise": round(uniform(rng, 1.0, 4.0), 2) if noisy else 0.0,
        "noise_seed": randint(rng, 0, 2**31 - 1),
    }


def sample_chart_style(rng: np.random.Generator) -> dict:
    """The base style plus chart layout choices."""
    style = sample_base_style(rng)
    w, h = pick(rng, SIZES)
    plot_bg = pick(rng, PLOT_BACKGROUNDS)
    style.update({
        "width": w, "height": h,
        "plot_background": list(plot_bg) if plot_bg else None,
        "grid": pick(rng, ("none", "solid", "dashed", "solid")),
        "grid_color": list((255, 255, 255) if plot_bg and plot_bg[0] < 240 else pick(rng, GRID_COLORS)),
        "legend": pick(rng, ("right", "top", "bottom")),
        "rotation": pick(rng, (45, 90)),
        "rotate_first": bool(rng.random() < 0.15),
        "y_title": pick(rng, ("rotated", "top")),
        "bar_width": round(uniform(rng, 0.5, 0.8), 2),
        "line_width": randint(rng, 2, 4),
        "marker": pick(rng, ("circle", "square", "diamond")),
        "frame": pick(rng, ("box", "axes")),
        "start_angle": pick(rng, (-90, 0, -45)),
        "pie_labels": pick(rng, ("beside", "legend")),
        "donut_hole": round(uniform(rng, 0.4, 0.62), 2),
    })
    return style
