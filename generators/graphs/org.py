"""graph.org: org charts (a tree of people with names and job titles) and their questions."""
from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np

from mmsynth.draw import Canvas, bold, text_color_on
from mmsynth.errors import NotApplicable
from mmsynth.generator import Generator, Rendered
from mmsynth.questions import Solution, Solvers, load_families
from mmsynth.rand import pick, pick_n, randint, weighted
from mmsynth.registry import register

from generators.graphs.common import count_of, join_names, near_numbers, others
from generators.graphs.style import (draw_box, draw_polyline, legible_font, palette_colors, sample_style, snap, text_size,
                                     tint, vocab)
from generators.graphs.treelayout import TreeLayout, layered_tree, transposed

MAX_PER_LAYER = 7
MAX_CHILDREN = 4

Q = Solvers()


# --- the spec -------------------------------------------------------------------------
def sample_org(rng: np.random.Generator) -> dict:
    """An org tree of 8-15 people: a head, 2-4 department heads, then managers and staff."""
    v = vocab()
    n = randint(rng, 8, 15)
    depts = pick_n(rng, v["departments"], randint(rng, 2, 4))
    firsts = pick_n(rng, v["first_names"]["F"] + v["first_names"]["M"], n)
    names = [f"{f} {pick(rng, v['surnames'])}" for f in firsts]
    level: list[int] = [0] + [1] * len(depts)
    dept: list[int | None] = [None] + list(range(len(depts)))
    manager: list[int | None] = [None] + [0] * len(depts)
    while len(level) < n:
        cands = [i for i in range(len(level)) if 1 <= level[i] <= 2 and manager.count(i) < MAX_CHILDREN
                 and level.count(level[i] + 1) < MAX_PER_LAYER]
        if not cands:
            break
        p = weighted(rng, cands, [3.0 if level[i] == 1 else 1.0 for i in cands])
        level.append(level[p] + 1)
        dept.append(dept[p])
        manager.append(p)
    people = []
    for i in range(len(level)):
        if level[i] == 0:
            title = pick(rng, v["org_top_titles"])
        elif level[i] == 1:
            title = depts[dept[i]]["head"]
        else:
            key = "manager" if i in manager else "staff"
            title = pick(rng, depts[dept[i]][key])
        people.append({"name": names[i], "title": title,
                       "manager": None if manager[i] is None else names[manager[i]]})
    return {"people": people}


def org_graph(spec: dict) -> nx.DiGraph:
    """Manager -> report edges, nodes in the spec's order."""
    g = nx.DiGraph()
    for p in spec["people"]:
        g.add_node(p["name"], title=p["title"])
    for p in spec["people"]:
        if p["manager"] is not None:
            g.add_edge(p["manager"], p["name"])
    return g


def top_of(g: nx.DiGraph) -> str:
    return next(n for n in g if g.in_degree(n) == 0)


def manager_of(g: nx.DiGraph, person: str) -> str | None:
    preds = list(g.predecessors(person))
    return preds[0] if preds else None


def chain_up(g: nx.DiGraph, person: str) -> list[str]:
    """``person``, their manager, that manager's manager, ... up to the top."""
    chain = [person]
    while (m := manager_of(g, chain[-1])) is not None:
        chain.append(m)
    return chain


def _names(spec: dict) -> list[str]:
    return [p["name"] for p in spec["people"]]


# --- question families ----------------------------------------------------------------
def _pick_non_top(spec: dict, rng: np.random.Generator) -> dict:
    return {"person": pick(rng, [p["name"] for p in spec["people"] if p["manager"]])}


def _pick_manager(spec: dict, rng: np.random.Generator) -> dict:
    managers = sorted({p["manager"] for p in spec["people"] if p["manager"]}, key=_names(spec).index)
    return {"person": pick(rng, managers)}


def _with_top(spec: dict, slots: dict) -> dict:
    return {"top": top_of(org_graph(spec)), **slots}


Q.bind("org.manager")(_pick_non_top)


@Q.solve("org.manager")
def _manager(spec: dict, person: str) -> Solution:
    g = org_graph(spec)
    m = manager_of(g, person)
    chain = chain_up(g, person)
    peers = [c for c in g.successors(m) if c != person]
    wrong = others(chain[2:] + peers + list(g.successors(person)) + _names(spec), [m, person])
    return Solution(m, f"The line from {person} goes up to {m}.", wrong)


Q.bind("org.direct_reports")(_pick_manager)


@Q.solve("org.direct_reports")
def _direct_reports(spec: dict, person: str) -> Solution:
    kids = list(org_graph(spec).successors(person))
    return Solution(len(kids), f"Directly under {person}: {join_names(kids)}, {count_of(len(kids), 'person', 'people')}.",
                    near_numbers(len(kids), lo=0))


Q.bind("org.total_reports")(_pick_manager)


@Q.solve("org.total_reports")
def _total_reports(spec: dict, person: str) -> Solution:
    g = org_graph(spec)
    kids = list(g.successors(person))
    below = nx.descendants(g, person)
    parts = [f"{k} ({len(nx.descendants(g, k))} below)" for k in kids]
    rationale = (f"{person} has {count_of(len(kids), 'direct report')}: {join_names(parts)}; "
                 f"{len(kids)} + {len(below) - len(kids)} = {len(below)}.")
    return Solution(len(below), rationale, [len(kids)] + near_numbers(len(below), lo=1))


@Q.bind("org.depth")
def _bind_depth(spec: dict, rng: np.random.Generator) -> dict:
    return _with_top(spec, _pick_non_top(spec, rng))


@Q.solve("org.depth")
def _depth(spec: dict, person: str, top: str) -> Solution:
    chain = chain_up(org_graph(spec), person)
    if chain[-1] != top:
        raise NotApplicable(f"{top} is not the head of the chart")
    return Solution(len(chain) - 1, " -> ".join(chain) + f": {count_of(len(chain) - 1, 'step')}.", near_numbers(len(chain) - 1, lo=1))


@Q.bind("org.lowest_common_manager")
def _bind_lcm(spec: dict, rng: np.random.Generator) -> dict:
    g = org_graph(spec)
    names = [n for n in _names(spec) if manager_of(g, n)]
    pairs = [(a, b) for a in names for b in names
             if a < b and b not in nx.descendants(g, a) and a not in nx.descendants(g, b)
             and manager_of(g, a) != manager_of(g, b)]
    if not pairs:
        raise NotApplicable("no two people in different teams")
    a, b = pick(rng, pairs)
    return {"a": a, "b": b} if rng.random() < 0.5 else {"a": b, "b": a}


@Q.solve("org.lowest_common_manager")
def _lcm(spec: dict, a: str, b: str) -> Solution:
    g = org_graph(spec)
    lcm = nx.lowest_common_ancestor(g, a, b)
    ca, cb = chain_up(g, a), chain_up(g, b)
    rationale = (f"{a}'s line: {' -> '.join(ca)}; {b}'s line: {' -> '.join(cb)}; "
                 f"the first name on both is {lcm}.")
    wrong = others([manager_of(g, a), manager_of(g, b)] + ca + cb, [lcm, a, b])
    return Solution(lcm, rationale, wrong)


@Q.bind("org.chain_of_command")
def _bind_chain(spec: dict, rng: np.random.Generator) -> dict:
    g = org_graph(spec)
    deep = [n for n in _names(spec) if len(chain_up(g, n)) >= 3]
    if not deep:
        raise NotApplicable("no person two levels below the top")
    return {"person": pick(rng, deep), "top": top_of(g)}


@Q.solve("org.chain_of_command")
def _chain(spec: dict, person: str, top: str) -> Solution:
    g = org_graph(spec)
    chain = chain_up(g, person)
    if chain[-1] != top:
        raise NotApplicable(f"{top} is not the head of the chart")
    wrong = [chain[:1] + chain[2:], [chain[0]] + list(reversed(chain[1:-1])) + [chain[-1]]]
    return Solution(chain, "Follow each manager line upward: " + " -> ".join(chain) + ".",
                    [w for w in wrong if w != chain])


@Q.bind("org.reports_under")
def _bind_under(spec: dict, rng: np.random.Generator) -> dict:
    g = org_graph(spec)
    a = pick(rng, [n for n in _names(spec) if len(chain_up(g, n)) >= 3])
    above = chain_up(g, a)[2:]
    not_above = [n for n in _names(spec) if n not in chain_up(g, a) and manager_of(g, n)]
    pool = above if (rng.random() < 0.5 or not not_above) else not_above
    return {"a": a, "b": pick(rng, pool)}


@Q.solve("org.reports_under")
def _under(spec: dict, a: str, b: str) -> Solution:
    chain = chain_up(org_graph(spec), a)
    yes = b in chain[1:]
    return Solution("yes" if yes else "no", f"{a}'s chain of command: {' -> '.join(chain)}; "
                    f"{b} is {'' if yes else 'not '}on it.")


@Q.solve("org.most_direct_reports")
def _most(spec: dict) -> Solution:
    g = org_graph(spec)
    counts = sorted(((g.out_degree(n), n) for n in _names(spec)), key=lambda t: -t[0])
    if counts[0][0] == counts[1][0]:
        raise NotApplicable("tie for the most direct reports")
    parts = ", ".join(f"{n} {c}" for c, n in counts if c)
    return Solution(counts[0][1], f"Direct reports: {parts}.", [n for c, n in counts[1:4]])


Q.bind("org.title_of")(lambda spec, rng: {"person": pick(rng, _names(spec))})


@Q.solve("org.title_of")
def _title(spec: dict, person: str) -> Solution:
    titles = {p["name"]: p["title"] for p in spec["people"]}
    return Solution(titles[person], None, others(titles.values(), [titles[person]]))


Q.bind("org.peers")(_pick_non_top)


@Q.solve("org.peers")
def _peers(spec: dict, person: str) -> Solution:
    g = org_graph(spec)
    m = manager_of(g, person)
    peers = [c for c in g.successors(m) if c != person]
    return Solution(len(peers), f"{m} manages {count_of(g.out_degree(m), 'person', 'people')}; without {person}: "
                    f"{join_names(peers)} = {len(peers)}.", [len(peers) + 1] + near_numbers(len(peers)))


@Q.bind("org.level_count")
def _bind_level(spec: dict, rng: np.random.Generator) -> dict:
    g = org_graph(spec)
    levels = sorted({d for d in nx.shortest_path_length(g, top_of(g)).values() if d >= 2})
    if not levels:
        raise NotApplicable("the chart is only two levels deep")
    return {"level": pick(rng, levels), "top": top_of(g)}


@Q.solve("org.level_count")
def _level(spec: dict, level: int, top: str) -> Solution:
    depth = nx.shortest_path_length(org_graph(spec), top)
    at = [n for n, d in depth.items() if d == level]
    return Solution(len(at), f"{level} levels below {top}: {join_names(at)} ({len(at)}).", near_numbers(len(at)))


# --- rendering ------------------------------------------------------------------------
def org_fonts(spec: dict, style: dict) -> tuple:
    """Bold names and smaller titles, each at least legible for every text it draws."""
    return (legible_font(bold(style["font"]), style["font_size"], [p["name"] for p in spec["people"]]),
            legible_font(style["font"], style["font_size"] - 2, [p["title"] for p in spec["people"]]))


def layout_org(spec: dict, style: dict) -> TreeLayout:
    """The layered layout of the chart's boxes (one box per person, name over title), top-down or
    left-to-right as the style says."""
    name_font, title_font = org_fonts(spec, style)
    g = org_graph(spec)
    sizes = {}
    for p in spec["people"]:
        w = max(text_size(name_font, p["name"])[0], text_size(title_font, p["title"])[0])
        sizes[p["name"]] = (w + 20, name_font.size * 1.3 + title_font.size * 1.3 + 12)
    children = {n: list(g.successors(n)) for n in g}
    if style["orientation"] == "right":
        flipped = {n: (h, w) for n, (w, h) in sizes.items()}
        return transposed(layered_tree(top_of(g), children, flipped, style["hgap"], style["vgap"], margin=20))
    return layered_tree(top_of(g), children, sizes, style["hgap"], style["vgap"], margin=20)


def render_org(spec: dict, style: dict) -> Rendered:
    lay = layout_org(spec, style)
    name_font, title_font = org_fonts(spec, style)
    colors = palette_colors(style)
    canvas = Canvas(int(lay.width + 0.999), int(lay.height + 0.999))
    line = (90, 90, 90)
    for pts in lay.connectors:
        draw_polyline(canvas, pts, line, style["line_width"])
    depth = nx.shortest_path_length(org_graph(spec), top_of(org_graph(spec)))
    for p in spec["people"]:
        box = lay.boxes[p["name"]]
        base = colors[depth[p["name"]] % len(colors)] if style["color_by_level"] else colors[0]
        fill = tint(base, style["tint"])
        draw_box(canvas, box, fill, base, max(1, style["line_width"]), style["rounded"])
        cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        ink = text_color_on(fill)
        canvas.text(snap((cx, cy - title_font.size * 0.65)), p["name"], name_font, ink, anchor="mm", role="node")
        canvas.text(snap((cx, cy + name_font.size * 0.65)), p["title"], title_font, ink, anchor="mm", role="title")
    return Rendered([canvas.finish(style["noise"], style["noise_seed"])], canvas.texts)


@register("graph.org")
class OrgChart(Generator):
    """Org charts: a tree of people with names and job titles, laid out in layers."""
    task = "graph"
    families = load_families(Path(__file__).with_name("questions_org.yaml"), Q)

    def sample_spec(self, rng: np.random.Generator) -> dict:
        return sample_org(rng)

    def sample_style(self, rng: np.random.Generator) -> dict:
        return {**sample_style(rng), "color_by_level": bool(rng.random() < 0.6),
                "orientation": pick(rng, ["down", "down", "right"])}

    def render(self, spec: dict, style: dict) -> Rendered:
        return render_org(spec, style)
