"""Shared pieces of the table kinds: their vocabulary (kinds.yaml) and the column entry
every table spec carries, so the describe facts and table tools read them alike."""
from __future__ import annotations

import functools
from pathlib import Path

import yaml


@functools.lru_cache(maxsize=None)
def kinds_vocab() -> dict:
    return yaml.safe_load(Path(__file__).with_name("kinds.yaml").read_text())


def number_column(name: str, additive: bool, decimals: int = 0, unit: str = "") -> dict:
    """A numeric column as ``table.basic`` describes one (no unit printed in cells)."""
    return {"name": name, "type": "number", "unit": unit, "prefix": "", "decimals": decimals, "additive": additive,
            "unit_place": "header" if unit else "none"}
