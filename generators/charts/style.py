"""Cosmetic choices drawn from the seed: answers never depend on them.

Shared by charts and tables: fonts and sizes, backgrounds, image size and aspect,
grid lines, legend position, preferred label rotation and light pixel noise. Charts
draw their look from one of the visual themes of ``themes.yaml`` per sample.
"""
from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import yaml

from mmsynth.draw import FONT_FAMILIES
from mmsynth.rand import pick, randint, uniform

# Every text is drawn at least this large, so that its ink (capitals, digits) is at
# least mmsynth.draw.MIN_TEXT_PX tall.
MIN_FONT = 14
# STIX draws smaller than DejaVu at the same pixel size; this keeps it as readable.
FONT_BOOST = {"stix": 2}
SIZES = ((640, 480), (800, 500), (560, 560), (720, 540), (520, 640), (900, 520), (600, 450))
BACKGROUNDS = ((255, 255, 255), (250, 248, 240), (245, 247, 250), (242, 242, 242), (255, 253, 245))
INKS = ((20, 20, 20), (50, 50, 60), (40, 40, 40))


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


@functools.lru_cache(maxsize=None)
def themes() -> dict:
    """The visual themes of charts (themes.yaml), each modelled on a kind of real source."""
    return yaml.safe_load(Path(__file__).with_name("themes.yaml").read_text())


THEME_NAMES = ("news", "business", "spreadsheet", "scientific", "slide", "dashboard")


def _theme_choices(rng: np.random.Generator, name: str) -> dict:
    """One sample's look within a theme: every listed choice drawn once."""
    t = themes()[name]
    family = pick(rng, t["fonts"])
    size = randint(rng, *t["font_size"]) + FONT_BOOST.get(family, 0)
    plot_bg = pick(rng, t["plot_background"])
    return {
        "theme": name, "font": family, "font_size": size, "title_size": size + randint(rng, *t["title_boost"]),
        "background": list(pick(rng, t["background"])), "ink": list(pick(rng, t["ink"])),
        "plot_background": list(plot_bg) if plot_bg else None,
        "grid": pick(rng, t["grid"]), "grid_color": list(pick(rng, t["grid_color"])),
        "frame": pick(rng, t["frame"]), "ticks": pick(rng, t["ticks"]),
        "title_align": pick(rng, t["title_align"]),
        "subtitle": bool(rng.random() < t["subtitle"]),
        "source": pick(rng, t["sources"]) if rng.random() < t["source"] else "",
        "panel_letter": pick(rng, ("a", "b", "c", "A", "B")) if rng.random() < t["panel_letter"] else "",
        "legend": pick(rng, t["legend"]), "y_title": pick(rng, t["y_title"]),
    }


def sample_chart_style(rng: np.random.Generator, theme: str | None = None) -> dict:
    """The base style, a visual theme (drawn per sample unless ``theme`` names one) and
    the chart layout choices."""
    style = sample_base_style(rng)
    w, h = pick(rng, SIZES)
    style.update({
        "width": w, "height": h,
        "rotation": pick(rng, (45, 90)),
        "bar_width": round(uniform(rng, 0.5, 0.8), 2),
        "line_width": randint(rng, 2, 4),
        "marker": pick(rng, ("circle", "square", "diamond")),
        "start_angle": pick(rng, (-90, 0, -45)),
        "pie_labels": pick(rng, ("beside", "legend")),
        "donut_hole": round(uniform(rng, 0.4, 0.62), 2),
    })
    style.update(_theme_choices(rng, theme or pick(rng, THEME_NAMES)))
    return style
