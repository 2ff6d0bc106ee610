"""The dashboard vocabularies (vocab.yaml), loaded once: clock faces, gauge kinds, display
themes, cities, colour names."""
from __future__ import annotations

from pathlib import Path

import yaml

VOCAB = yaml.safe_load(Path(__file__).with_name("vocab.yaml").read_text())
