"""Dashboard generators: analog clocks, gauges, digital readouts and combined panels.

Each instrument is a plain-data spec; one drawing module per instrument draws it into a
box of a :class:`mmsynth.draw.Canvas`, so a panel reuses the single-instrument renderers
and the single-instrument solvers.
"""
