"""Relation graphs: org charts (graph.org), family trees (graph.family), directed graphs (graph.directed).

Structure and answers come from networkx; the renderers lay trees out in layers and
general graphs on a circle, and record every text box so legibility is checkable.
"""
