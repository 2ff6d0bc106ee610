"""Clock arithmetic on a 12-hour dial (and 24-hour digital displays), with the step-by-step
text a rationale needs. Times are minutes since 12:00 (dial) or 00:00 (24 h)."""
from __future__ import annotations

from typing import Callable

DIAL_MINUTES = 12 * 60
DAY_MINUTES = 24 * 60


def dial_minutes(hour: int, minute: int) -> int:
    """Minutes past 12 o'clock of a dial time (hour 1-12)."""
    return (hour % 12) * 60 + minute


def format_dial(t: int) -> str:
    """'H:MM' on a 12-hour dial, 12 for the top hour (0 -> '12:00')."""
    t %= DIAL_MINUTES
    h = t // 60
    return f"{h if h else 12}:{t % 60:02d}"


def format_24h(t: int) -> str:
    """'HH:MM' on a 24-hour display."""
    t %= DAY_MINUTES
    return f"{t // 60:02d}:{t % 60:02d}"


def shift_rationale(start: int, delta: int, cycle: int, fmt: Callable[[int], str]) -> str:
    """Why ``fmt(start + delta)`` is the answer: count minutes from the top of the cycle, add, wrap."""
    origin = "12:00" if cycle == DIAL_MINUTES else "00:00"
    op = f"+ {delta}" if delta >= 0 else f"- {-delta}"
    raw = start + delta
    end = raw % cycle
    wrap = f" ({raw} mod {cycle} = {end})" if end != raw else ""
    return (f"{fmt(start)} is {start} min after {origin}; {start} {op} = {raw} min{wrap}, "
            f"i.e. {end // 60} h {end % 60} min after {origin}, which reads {fmt(end)}.")
