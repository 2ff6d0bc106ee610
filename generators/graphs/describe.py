"""The facts a relation graph's description tells: for a directed graph its nodes, edges
and busiest node; for an org chart who leads and who reports to whom; for a family tree
the people, the couples, the generations and the eldest."""
from __future__ import annotations

from pathlib import Path

from mmsynth.describe import Fact, describes, listing, num, plural, solved

from generators.graphs import family, org

PHRASINGS = Path(__file__).with_name("describe.yaml")


@describes("graph.directed", phrasings=PHRASINGS, noun="graph")
def directed_facts(spec: dict) -> list[Fact]:
    nodes, edges = spec["nodes"], spec["edges"]
    facts = [Fact("graph.overview", {"thing": "directed graph", "n": plural(len(nodes), "node"),
                                     "m": plural(len(edges), "arrow"), "nodes": listing(nodes)})]
    for node in nodes:
        out = [e for e in edges if e[0] == node]
        if out:
            targets = [f"{e[1]} ({num(e[2])})" if spec["weighted"] else e[1] for e in out]
            facts.append(Fact("graph.edges", {"node": node, "targets": listing(targets)}, node))
    degree = {n: sum(1 for e in edges if e[0] == n) for n in nodes}
    top = max(degree.values())
    if list(degree.values()).count(top) == 1:
        facts.append(Fact("graph.busiest", {"node": max(degree, key=degree.get), "n": plural(top, "arrow")}))
    return facts


@describes("graph.org", phrasings=PHRASINGS, noun="org chart")
def org_facts(spec: dict) -> list[Fact]:
    people = spec["people"]
    top = next(p for p in people if p["manager"] is None)
    facts = [Fact("org.overview", {"thing": "org chart", "n": plural(len(people), "person", "people"),
                                   "top": top["name"], "title": top["title"]})]
    for p in people:
        reports = [q["name"] for q in people if q["manager"] == p["name"]]
        if reports:
            facts.append(Fact("org.reports", {"manager": p["name"], "title": p["title"],
                                              "reports": listing(reports)}, p["name"]))
    most = solved(org.Q.solvers["org.most_direct_reports"], spec)
    if most is not None:
        facts.append(Fact("org.most", {"person": most}))
    return facts


@describes("graph.family", phrasings=PHRASINGS, noun="family tree")
def family_facts(spec: dict) -> list[Fact]:
    people = spec["people"]
    facts = [Fact("family.overview", {"thing": "family tree", "n": plural(len(people), "person", "people"),
                                      "names": listing([p["name"] for p in people])})]
    gens = solved(family.Q.solvers["family.generations"], spec)
    if gens is not None:
        facts.append(Fact("family.generations", {"n": plural(gens, "generation")}))
    seen: set[str] = set()
    for p in people:
        if p["spouse"] and p["name"] not in seen:
            seen |= {p["name"], p["spouse"]}
            kids = [q["name"] for q in people if p["name"] in q["parents"]]
            facts.append(Fact("family.couple" if kids else "family.couple_no_kids",
                              {"a": p["name"], "b": p["spouse"], "kids": listing(kids)}, p["name"]))
    born = sorted(people, key=lambda p: p["born"])
    if len(born) > 1 and born[0]["born"] < born[1]["born"]:
        facts.append(Fact("family.eldest", {"person": born[0]["name"], "year": born[0]["born"]}))
    return facts
