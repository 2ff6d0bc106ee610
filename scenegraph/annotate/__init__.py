"""``mmsynth scene annotate``: images + detections -> scene graphs (attributes, relations, depth).

Stages are small callables run in order on each image (:mod:`.stages`); a user brings
a detector or depth model by writing the detections/depth files, or a stage of their own.
"""
