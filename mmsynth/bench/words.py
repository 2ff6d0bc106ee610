"""The answer reader's vocabulary, loaded once from ``words.yaml`` (data, not code)."""
from __future__ import annotations

import functools
from pathlib import Path

import yaml


@functools.lru_cache(maxsize=None)
def words() -> dict:
    """The extractor's vocabulary (``words.yaml``)."""
    return yaml.safe_load(Path(__file__).with_name("words.yaml").read_text(encoding="utf-8"))
