"""Files `mmsynth bench export` copies next to an exported task (they run inside the harness)."""
