"""Visual puzzle generators: sequences, 3x3 matrices, odd-one-out, shape counting, mazes.

Panels are plain data (shape, colour, count, size level, angle) drawn by one shape
module; the rules that make a puzzle live in its sampler, and the same spec answers
every question (which option completes it, what the rule is, counts, paths).
"""
