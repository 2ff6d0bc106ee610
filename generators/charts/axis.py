"""Numeric axes whose ticks a reader can resolve values against.

An axis is plain data in the spec, ``{"min": 0, "max": 120, "step": 20}``; values
that are read from the axis (not annotated) lie on the half-step grid, so a reader
who snaps to the nearest half tick gets them exactly and the stated tolerance is a
quarter step.
"""
from __future__ import annotations

import math

import numpy as np

from mmsynth.rand import randint, uniform
from mmsynth.record import format_number

NICE_STEPS = (1, 2, 5)
HEADROOM = 0.15  # share of a step kept free above the highest value


def nice_step(span: float, n_ticks: int) -> float:
    """The 1/2/5 x 10^k step that divides ``span`` into the count of steps nearest ``n_ticks`` (4 to 8)."""
    exp = math.floor(math.log10(span / max(n_ticks, 1)))
    candidates = [_clean(b * 10 ** e) for e in (exp - 1, exp, exp + 1) for b in NICE_STEPS]
    def badness(step: float) -> tuple:
        count = math.ceil(span / step - 1e-9)
        return (not 4 <= count <= 8, abs(count - n_ticks))
    return min(candidates, key=badness)


def _clean(x: float) -> float | int:
    """Round away binary noise (0.30000000000000004 -> 0.3); ints stay ints."""
    x = round(float(x), 9)
    return int(x) if x.is_integer() else x


def sample_axis(rng: np.random.Generator, lo: float, hi: float, from_zero: bool = True,
                steps: tuple[int, int] = (4, 7)) -> dict:
    """An axis for data drawn from the theme range ``[lo, hi]``, with about ``steps`` steps."""
    top = uniform(rng, lo + (hi - lo) * 0.5, hi)
    bottom = 0.0 if from_zero else uniform(rng, lo, lo + (top - lo) * 0.3)
    step = nice_step(top - bottom, randint(rng, *steps))
    amin = _clean(math.floor(bottom / step) * step)
    amax = _clean(math.ceil(top / step) * step)
    return {"min": amin, "max": amax, "step": step}


def fit_axis(axis: dict, series: list[list[float]], stacked: bool = False) -> dict:
    """The axis cut down to the data: its top is the first tick a little above the highest value
    (or stack), leaving room for a printed value, and a non-zero bottom rises to the last tick below the lowest; the step
    stays, so values on the old half-step grid lie on the new one. At least two steps remain."""
    tops = [sum(col) for col in zip(*series)] if stacked else [v for s in series for v in s]
    step = axis["step"]
    amax = _clean(max(axis["min"] + 2 * step, math.ceil(max(tops) / step + HEADROOM) * step))
    amin = axis["min"]
    if amin != 0:
        low = min(v for s in series for v in s)
        amin = _clean(min(amax - 2 * step, max(amin, math.floor(low / step - 1e-9) * step)))
    return {"min": amin, "max": amax, "step": step}


def ticks(axis: dict) -> list[float]:
    """Tick values from min to max inclusive (every decade on a log axis)."""
    if axis.get("scale") == "log":
        lo, hi = round(math.log10(axis["min"])), round(math.log10(axis["max"]))
        return [_clean(10.0 ** k) for k in range(lo, hi + 1)]
    n = int(round((axis["max"] - axis["min"]) / axis["step"]))
    return [_clean(axis["min"] + i * axis["step"]) for i in range(n + 1)]


def half_grid(axis: dict, lo: float | None = None, hi: float | None = None) -> list[float]:
    """Values on the half-step grid strictly inside ``(lo, hi]`` (default: the axis range)."""
    half = axis["step"] / 2
    lo = axis["min"] if lo is None else lo
    hi = axis["max"] if hi is None else hi
    n = int(round((axis["max"] - axis["min"]) / half))
    vals = [_clean(axis["min"] + i * half) for i in range(n + 1)]
    return [v for v in vals if lo < v <= hi + 1e-9]


def read_tolerance(axis: dict) -> float:
    """How far an axis reading may be off: a quarter of a tick step."""
    return _clean(axis["step"] / 4)


def tick_label(v: float, axis: dict) -> str:
    """A tick's text: as many decimals as the step needs."""
    if axis.get("scale") == "log":
        return value_label(v)
    frac = format_number(axis["step"]).partition(".")[2]
    return f"{v:,.{len(frac)}f}"


def value_label(v: float) -> str:
    """An annotation's text (at most 2 decimals, thousands separated)."""
    s = format_number(v)
    if "." in s:
        whole, frac = s.split(".")
        return f"{int(whole):,}.{frac}"
    return f"{int(s):,}"
