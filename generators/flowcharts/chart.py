"""Flowchart graphs: a tiny block language (steps, branches, loops) compiled to nodes and
labelled edges, shared by everyday processes and by compiled programs.

A chart is plain data: ``{"nodes": [{"id", "kind", "text"[, "ref"]}], "edges": [{"src",
"dst", "label"}]}``, with kinds ``start``, ``end``, ``process``, ``decision`` and ``io``;
``ref`` ties a node to the program statement it shows.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from generators.flowcharts.program import If, Output, Program, Stmt, While, node_text, statements

SHAPES = {"start": "oval", "end": "oval", "process": "rectangle", "decision": "diamond", "io": "parallelogram"}


@dataclass
class Step:
    kind: str            # process | io
    text: str
    ref: int | None = None


@dataclass
class Branch:
    text: str
    yes: list = field(default_factory=list)
    no: list = field(default_factory=list)
    yes_ends: bool = False  # the yes branch stops the whole flow (goes to End)
    no_ends: bool = False
    ref: int | None = None


@dataclass
class Loop:
    """``test_first``: a while loop (decision, then body); else a repeat-until (body, then decision).
    ``repeat_on`` is the answer that runs the body again."""
    text: str
    body: list
    test_first: bool = True
    repeat_on: str = "Yes"
    ref: int | None = None


Block = Step | Branch | Loop


class _Builder:
    def __init__(self) -> None:
        self.nodes: dict[str, dict] = {}
        self.edges: list[dict] = []

    def node(self, kind: str, text: str, ref: int | None) -> str:
        nid = f"t{len(self.nodes)}"
        self.nodes[nid] = {"id": nid, "kind": kind, "text": text} | ({"ref": ref} if ref is not None else {})
        return nid

    def edge(self, src: str, dst: str, label: str = "") -> None:
        self.edges.append({"src": src, "dst": dst, "label": label})

    def block(self, blocks: list[Block], nxt: str, end: str) -> str:
        """Compile ``blocks`` so that they continue at ``nxt``; return the entry node."""
        entry = nxt
        for b in reversed(blocks):
            entry = self.one(b, entry, end)
        return entry

    def one(self, b: Block, nxt: str, end: str) -> str:
        if isinstance(b, Step):
            n = self.node(b.kind, b.text, b.ref)
            self.edge(n, nxt)
            return n
        if isinstance(b, Branch):
            d = self.node("decision", b.text, b.ref)
            self.edge(d, self.block(b.yes, end if b.yes_ends else nxt, end), "Yes")
            self.edge(d, self.block(b.no, end if b.no_ends else nxt, end), "No")
            return d
        stop = "No" if b.repeat_on == "Yes" else "Yes"
        d = self.node("decision", b.text, b.ref)
        if b.test_first:
            self.edge(d, self.block(b.body, d, end), b.repeat_on)
            self.edge(d, nxt, stop)
            return d
        entry = self.block(b.body, d, end)
        self.edge(d, entry, b.repeat_on)
        self.edge(d, nxt, stop)
        return entry


def build_chart(blocks: list[Block], start: str = "Start", end: str = "End") -> dict:
    """Compile blocks into a chart whose node ids follow the flow (n0 is Start)."""
    bld = _Builder()
    e = bld.node("end", end, None)
    s = bld.node("start", start, None)
    bld.edge(s, bld.block(blocks, e, e))
    # renumber in flow order (depth first from Start, edges in their order) for stable, readable ids
    succ: dict[str, list[str]] = {}
    for ed in bld.edges:
        succ.setdefault(ed["src"], []).append(ed["dst"])
    order: list[str] = []
    stack = [s]
    while stack:
        n = stack.pop()
        if n in order:
            continue
        order.append(n)
        stack += reversed(succ.get(n, []))
    order += [n for n in bld.nodes if n not in order]
    new = {old: f"n{i}" for i, old in enumerate(order)}
    nodes = [dict(bld.nodes[o], id=new[o]) for o in order]
    edges = [{"src": new[x["src"]], "dst": new[x["dst"]], "label": x["label"]} for x in bld.edges]
    edges.sort(key=lambda x: (int(x["src"][1:]), x["label"] != "Yes", int(x["dst"][1:])))
    return {"nodes": nodes, "edges": edges}


def program_blocks(program: Program) -> list[Block]:
    """The blocks of a program: one node per statement, inputs first, decisions for if/while."""
    number = {id(s): k for k, s in enumerate(statements(program.body))}

    def conv(body: list[Stmt]) -> list[Block]:
        out: list[Block] = []
        for s in body:
            k = number[id(s)]
            if isinstance(s, If):
                out.append(Branch(node_text(s), conv(s.then), conv(s.orelse), ref=k))
            elif isinstance(s, While):
                out.append(Loop(node_text(s), conv(s.body), ref=k))
            else:
                out.append(Step("io" if isinstance(s, Output) else "process", node_text(s), ref=k))
        return out

    return [Step("io", f"Input {name}") for name in program.inputs] + conv(program.body)


def digraph(chart: dict) -> nx.DiGraph:
    """The chart as a networkx DiGraph (node attrs kind/text, edge attr label)."""
    g = nx.DiGraph()
    for n in chart["nodes"]:
        g.add_node(n["id"], **n)
    for e in chart["edges"]:
        g.add_edge(e["src"], e["dst"], label=e["label"])
    return g
