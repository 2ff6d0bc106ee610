"""Kinship in a family tree: which relation person A holds to person B, from the graph alone.

The family is a networkx DiGraph of parent -> child edges whose nodes carry ``sex`` and
``spouse``. :func:`relation` names A's relation to B ("A is B's aunt") by a neutral key
(``parents_sibling``); :func:`kin_term` turns it into the gendered English word.
"""
from __future__ import annotations

import networkx as nx

from generators.graphs.style import vocab

RELATIONS = ("spouse", "parent", "child", "grandparent", "grandchild", "great_grandparent",
             "great_grandchild", "sibling", "parents_sibling", "siblings_child", "cousin",
             "parent_in_law", "child_in_law", "sibling_in_law")


def family_graph(spec: dict) -> nx.DiGraph:
    """Parent -> child edges; node attributes ``sex`` and ``spouse`` (None when unmarried)."""
    g = nx.DiGraph()
    for p in spec["people"]:
        g.add_node(p["name"], sex=p["sex"], spouse=p["spouse"])
    for p in spec["people"]:
        for parent in p["parents"]:
            g.add_edge(parent, p["name"])
    return g


def parents(g: nx.DiGraph, x: str) -> set[str]:
    return set(g.predecessors(x))


def children(g: nx.DiGraph, x: str) -> set[str]:
    return set(g.successors(x))


def siblings(g: nx.DiGraph, x: str) -> set[str]:
    """People sharing at least one parent with ``x``."""
    return {s for p in parents(g, x) for s in g.successors(p)} - {x}


def spouse(g: nx.DiGraph, x: str) -> str | None:
    return g.nodes[x]["spouse"]


def ancestors_at(g: nx.DiGraph, x: str, k: int) -> set[str]:
    """Ancestors exactly ``k`` generations above ``x``."""
    level = {x}
    for _ in range(k):
        level = {p for y in level for p in g.predecessors(y)}
    return level


def cousins(g: nx.DiGraph, x: str) -> set[str]:
    """First cousins: children of a sibling of one of ``x``'s parents."""
    return {c for p in parents(g, x) for s in siblings(g, p) for c in children(g, s)} - siblings(g, x) - {x}


def _siblings_and_their_spouses(g: nx.DiGraph, x: str) -> set[str]:
    sibs = siblings(g, x)
    return sibs | {spouse(g, s) for s in sibs if spouse(g, s)}


def relation(g: nx.DiGraph, a: str, b: str) -> str | None:
    """The relation A holds to B (a key of RELATIONS), or None when it has no simple name."""
    if a == b:
        return None
    sb = spouse(g, b)
    checks = (
        ("spouse", sb == a),
        ("parent", a in parents(g, b)),
        ("child", b in parents(g, a)),
        ("grandparent", a in ancestors_at(g, b, 2)),
        ("grandchild", b in ancestors_at(g, a, 2)),
        ("great_grandparent", a in ancestors_at(g, b, 3)),
        ("great_grandchild", b in ancestors_at(g, a, 3)),
        ("sibling", a in siblings(g, b)),
        ("parents_sibling", any(a in _siblings_and_their_spouses(g, p) for p in parents(g, b))),
        ("siblings_child", any(b in _siblings_and_their_spouses(g, p) for p in parents(g, a))),
        ("cousin", a in cousins(g, b)),
        ("parent_in_law", sb is not None and a in parents(g, sb)),
        ("child_in_law", spouse(g, a) is not None and spouse(g, a) in children(g, b)),
        ("sibling_in_law", (sb is not None and a in siblings(g, sb))
         or (spouse(g, a) is not None and spouse(g, a) in siblings(g, b))),
    )
    return next((key for key, holds in checks if holds), None)


def kin_term(key: str, sex: str) -> str:
    """The English word for relation ``key`` held by a person of ``sex`` ('M' or 'F')."""
    return vocab()["kin_terms"][key][sex]


def explain(g: nx.DiGraph, a: str, b: str, key: str) -> str:
    """One sentence of why A holds relation ``key`` to B, naming the linking people."""
    sa, sb = spouse(g, a), spouse(g, b)
    pa, pb = sorted(parents(g, a)), sorted(parents(g, b))
    why = {   # lazily: only the entry for ``key`` holds for this pair
        "spouse": lambda: f"{a} and {b} are joined by the marriage line",
        "parent": lambda: f"{a} is one of {b}'s parents",
        "child": lambda: f"{b} is one of {a}'s parents",
        "grandparent": lambda: f"{a} is a parent of {b}'s parent {_via(g, a, b)}",
        "grandchild": lambda: f"{b} is a parent of {a}'s parent {_via(g, b, a)}",
        "great_grandparent": lambda: f"{a} is three generations above {b}",
        "great_grandchild": lambda: f"{a} is three generations below {b}",
        "sibling": lambda: f"{a} and {b} share the parents {' and '.join(pa)}",
        "parents_sibling": lambda: _aunt_link(g, a, b),
        "siblings_child": lambda: _aunt_link(g, b, a),
        "cousin": lambda: next(f"{a}'s parent {x} and {b}'s parent {y} are siblings"
                               for x in pa for y in pb if x in siblings(g, y)),
        "parent_in_law": lambda: f"{a} is a parent of {b}'s spouse {sb}",
        "child_in_law": lambda: f"{a} is married to {sa}, a child of {b}",
        "sibling_in_law": lambda: (f"{a} is a sibling of {b}'s spouse {sb}" if sb and a in siblings(g, sb)
                                   else f"{a} is married to {sa}, a sibling of {b}"),
    }[key]()
    return f"{why}, so {a} is {b}'s {kin_term(key, g.nodes[a]['sex'])}."


def _aunt_link(g: nx.DiGraph, a: str, b: str) -> str:
    """How ``a`` is a sibling, or a sibling's spouse, of one of ``b``'s parents."""
    for p in sorted(parents(g, b)):
        if a in siblings(g, p):
            return f"{a} is a sibling of {b}'s parent {p}"
        sa = spouse(g, a)
        if sa is not None and sa in siblings(g, p):
            return f"{a} is married to {sa}, a sibling of {b}'s parent {p}"
    raise ValueError(f"{a} is not an aunt or uncle of {b}")


def _via(g: nx.DiGraph, top: str, bottom: str) -> str:
    return next(iter(sorted(children(g, top) & parents(g, bottom))), "")
