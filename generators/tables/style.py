"""Table style drawn from the seed: the shared base style plus borders, stripes,
alignment, padding and margins. Answers never depend on it."""
from __future__ import annotations

import numpy as np

from mmsynth.rand import pick, randint

from generators.charts.style import sample_base_style

LINE_COLORS = ((120, 120, 120), (60, 60, 60), (170, 170, 180), (30, 30, 30))


def sample_table_style(rng: np.random.Generator) -> dict:
    style = sample_base_style(rng)
    style.update({
        "borders": pick(rng, ("grid", "rows", "outer", "rules")),
        "line_color": list(pick(rng, LINE_COLORS)),
        "line_width": randint(rng, 1, 2),
        "stripes": bool(rng.random() < 0.5),
        "num_align": pick(rng, ("right", "center", "right")),
        "text_align": pick(rng, ("left", "center", "left")),
        "pad_x": randint(rng, 8, 16),
        "pad_y": randint(rng, 4, 10),
        "margin": randint(rng, 16, 48),
        "center": bool(rng.random() < 0.5),
        "min_width": pick(rng, (0, 480, 640, 800)),
        "min_height": pick(rng, (0, 360, 480)),
    })
    return style
