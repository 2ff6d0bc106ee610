"""The puzzle vocabularies (vocab.yaml), loaded once: shapes, colours, size levels, rule texts."""
from __future__ import annotations

from pathlib import Path

import yaml

VOCAB = yaml.safe_load(Path(__file__).with_name("vocab.yaml").read_text())
