"""Question families over scene graphs: single-image (single.py) and multi-image (multi.py)."""
