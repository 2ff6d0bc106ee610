"""graph.family: family trees (couples, their children, in-laws marrying in) and kinship questions."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import numpy as np

from mmsynth.draw import Canvas, text_color_on
from mmsynth.errors import NotApplicable
from mmsynth.generator import Generator, Rendered
from mmsynth.questions import Solution, Solvers, load_families
from mmsynth.rand import pick, randint, shuffled
from mmsynth.registry import register

from generators.graphs.common import count_of, join_names, near_numbers, others, pick_one, pick_pair
from generators.graphs.geometry import Box, Point
from generators.graphs.kinship import (RELATIONS, ancestors_at, children, cousins, explain, family_graph,
                                       kin_term, parents, relation, siblings, spouse)
from generators.graphs.style import (draw_box, draw_polyline, legible_font, palette_colors, sample_style, snap, text_size,
                                     tint, vocab)
from generators.graphs.treelayout import layered_tree

MAX_PEOPLE = 22
MAX_GRANDCHILDREN = 7
LATEST_BIRTH = 2024
Q = Solvers()


# --- the spec -------------------------------------------------------------------------
class _Family:
    """Builds the people list of a spec: unique first names by sex, birth years that make sense
    (partners within 6 years, a first child 20-28 years after the younger parent, siblings 1-4
    years apart, so siblings never share a year)."""

    def __init__(self, rng: np.random.Generator):
        names = vocab()["first_names"]
        self.rng = rng
        self.pool = {s: shuffled(rng, names[s]) for s in ("F", "M")}
        self.people: list[dict] = []
        self.last_birth: dict[tuple[str, str], int] = {}

    def person(self, sex: str, parent_names: list[str], born: int) -> dict:
        p = {"name": self.pool[sex].pop(), "sex": sex, "born": born, "parents": sorted(parent_names),
             "spouse": None}
        self.people.append(p)
        return p

    def child(self, couple: tuple[dict, dict]) -> dict:
        key = (couple[0]["name"], couple[1]["name"])
        if key in self.last_birth:
            born = self.last_birth[key] + randint(self.rng, 1, 4)
        else:
            born = max(couple[0]["born"], couple[1]["born"]) + randint(self.rng, 20, 28)
        self.last_birth[key] = born
        return self.person(pick(self.rng, ["F", "M"]), list(key), born)

    def marry(self, p: dict) -> tuple[dict, dict]:
        s = self.person("F" if p["sex"] == "M" else "M", [], p["born"] + randint(self.rng, -6, 6))
        p["spouse"], s["spouse"] = s["name"], p["name"]
        return p, s

    def years_up_to(self, latest: int) -> None:
        """Shift every birth year back (differences kept) so that nobody is born after ``latest``."""
        excess = max(p["born"] for p in self.people) - latest
        for p in self.people:
            p["born"] -= max(0, excess)


def sample_family(rng: np.random.Generator) -> dict:
    """Three or four generations: a founding couple, 2-4 children (most married), grandchildren,
    and sometimes great-grandchildren; spouses marry in from outside the family."""
    fam = _Family(rng)
    founders = fam.marry(fam.person("M", [], randint(rng, 1915, 1935)))
    gen1 = [fam.child(founders) for _ in range(randint(rng, 2, 4))]
    couples1 = [fam.marry(c) for i, c in enumerate(gen1) if i < 2 or rng.random() < 0.7]
    gen2: list[dict] = []
    for i, couple in enumerate(couples1):
        for _ in range(randint(rng, 1 if i == 0 else 0, 3)):
            if len(gen2) < MAX_GRANDCHILDREN:
                gen2.append(fam.child(couple))
    for g2 in gen2:
        if len(fam.people) + 3 <= MAX_PEOPLE and rng.random() < 0.3:
            couple = fam.marry(g2)
            for _ in range(randint(rng, 0, 2)):
                fam.child(couple)
    fam.years_up_to(LATEST_BIRTH)
    return {"people": fam.people}


def _names(spec: dict) -> list[str]:
    return [p["name"] for p in spec["people"]]


def _blood(spec: dict) -> list[str]:
    """People born into the tree (they have parents in it)."""
    return [p["name"] for p in spec["people"] if p["parents"]]


# --- question families ----------------------------------------------------------------
def _related_pairs(g: nx.DiGraph, names: list[str]) -> list[tuple[str, str, str]]:
    return [(a, b, r) for a in names for b in names if (r := relation(g, a, b))]


@Q.bind("family.relation")
def _bind_relation(spec: dict, rng: np.random.Generator) -> dict:
    g = family_graph(spec)
    pairs = _related_pairs(g, _names(spec))
    key = pick(rng, sorted({r for _, _, r in pairs}, key=RELATIONS.index))
    a, b, _ = pick(rng, [p for p in pairs if p[2] == key])
    return {"a": a, "b": b}


@Q.solve("family.relation")
def _relation(spec: dict, a: str, b: str) -> Solution:
    g = family_graph(spec)
    key = relation(g, a, b)
    if key is None:
        raise NotApplicable(f"{a} has no simple kinship term for {b}")
    sex = g.nodes[a]["sex"]
    wrong = [kin_term(k, sex) for k in _confusable(key)]
    return Solution(kin_term(key, sex), explain(g, a, b, key), wrong)


def _confusable(key: str) -> list[str]:
    """Relations a reader might mistake ``key`` for (nearby in the tree), most likely first."""
    near = {
        "spouse": ["sibling", "sibling_in_law", "parent"], "parent": ["grandparent", "parents_sibling", "parent_in_law"],
        "child": ["grandchild", "siblings_child", "child_in_law"], "grandparent": ["parent", "great_grandparent", "parents_sibling"],
        "grandchild": ["child", "great_grandchild", "siblings_child"], "great_grandparent": ["grandparent", "parent", "parents_sibling"],
        "great_grandchild": ["grandchild", "child", "siblings_child"], "sibling": ["cousin", "sibling_in_law", "spouse"],
        "parents_sibling": ["parent", "cousin", "grandparent"], "siblings_child": ["child", "cousin", "grandchild"],
        "cousin": ["sibling", "parents_sibling", "siblings_child"], "parent_in_law": ["parent", "grandparent", "parents_sibling"],
        "child_in_law": ["child", "sibling_in_law", "siblings_child"], "sibling_in_law": ["sibling", "cousin", "spouse"],
    }
    return near[key]


@Q.bind("family.is_relation")
def _bind_is_relation(spec: dict, rng: np.random.Generator) -> dict:
    slots = _bind_relation(spec, rng)
    g = family_graph(spec)
    key = relation(g, slots["a"], slots["b"])
    asked = key if rng.random() < 0.5 else pick(rng, _confusable(key))
    return {**slots, "term": kin_term(asked, g.nodes[slots["a"]]["sex"])}


@Q.solve("family.is_relation")
def _is_relation(spec: dict, a: str, b: str, term: str) -> Solution:
    g = family_graph(spec)
    key = relation(g, a, b)
    if key is None:
        raise NotApplicable(f"{a} has no simple kinship term for {b}")
    return Solution("yes" if kin_term(key, g.nodes[a]["sex"]) == term else "no", explain(g, a, b, key))


def _unique_holders(g: nx.DiGraph, names: list[str]) -> list[tuple[str, str]]:
    """(b, term) where exactly one person in the tree is b's ``term``."""
    holders: dict[tuple[str, str], list[str]] = {}
    for a in names:
        for b in names:
            if (key := relation(g, a, b)) and key != "spouse":
                holders.setdefault((b, kin_term(key, g.nodes[a]["sex"])), []).append(a)
    return sorted(k for k, v in holders.items() if len(v) == 1)


@Q.bind("family.who_is")
def _bind_who(spec: dict, rng: np.random.Generator) -> dict:
    choices = _unique_holders(family_graph(spec), _names(spec))
    b, term = pick(rng, choices)
    return {"b": b, "term": term}


@Q.solve("family.who_is")
def _who(spec: dict, b: str, term: str) -> Solution:
    g = family_graph(spec)
    hits = [a for a in _names(spec) if (k := relation(g, a, b)) and kin_term(k, g.nodes[a]["sex"]) == term]
    if len(hits) != 1:
        raise NotApplicable(f"{len(hits)} people are {b}'s {term}")
    a = hits[0]
    near = [x for x in _names(spec) if relation(g, x, b)] + _names(spec)
    return Solution(a, explain(g, a, b, relation(g, a, b)), others(near, [a, b]))


Q.bind("family.parents")(lambda spec, rng: {"person": pick(rng, _blood(spec))})


@Q.solve("family.parents")
def _parents(spec: dict, person: str) -> Solution:
    g = family_graph(spec)
    ps = sorted(parents(g, person), key=str.casefold)   # alphabetical, as the question asks
    couples = sorted({tuple(sorted(parents(g, x), key=str.casefold)) for x in _blood(spec)} - {tuple(ps)})
    wrong = [list(c) for c in couples]
    gp = sorted(ancestors_at(g, person, 2), key=str.casefold)
    if len(gp) >= 2:
        wrong.insert(0, gp[:2])
    return Solution(ps, f"The line of descent into {person} starts between {' and '.join(ps)}.", wrong)


def _pick_parent(spec: dict, rng: np.random.Generator) -> dict:
    return {"person": pick(rng, [n for n in _names(spec) if children(family_graph(spec), n)])}


Q.bind("family.children_count")(_pick_parent)


@Q.solve("family.children_count")
def _children(spec: dict, person: str) -> Solution:
    kids = sorted(children(family_graph(spec), person))
    return Solution(len(kids), f"{person}'s children: {join_names(kids)} ({len(kids)}).", near_numbers(len(kids), lo=1))


@Q.bind("family.grandchildren_count")
def _bind_grand(spec: dict, rng: np.random.Generator) -> dict:
    g = family_graph(spec)
    return {"person": pick(rng, [n for n in _names(spec) if any(children(g, c) for c in children(g, n))])}


@Q.solve("family.grandchildren_count")
def _grandchildren(spec: dict, person: str) -> Solution:
    g = family_graph(spec)
    kids = sorted(children(g, person))
    parts = [f"{k} has {len(children(g, k))}" for k in kids]
    total = sum(len(children(g, k)) for k in kids)
    return Solution(total, f"{person}'s children: {join_names(parts)}; total {total}.",
                    [len(kids)] + near_numbers(total, lo=1))


@Q.bind("family.cousins_count")
def _bind_cousins(spec: dict, rng: np.random.Generator) -> dict:
    g = family_graph(spec)
    with_cousins = [n for n in _blood(spec) if cousins(g, n)]
    if not with_cousins:
        raise NotApplicable("nobody has first cousins")
    return {"person": pick(rng, with_cousins)}


@Q.solve("family.cousins_count")
def _cousins(spec: dict, person: str) -> Solution:
    g = family_graph(spec)
    cs = sorted(cousins(g, person))
    pars = sorted(parents(g, person))
    rationale = (f"{person}'s parents are {' and '.join(pars)}; the children of their siblings are "
                 f"{join_names(cs)}: {count_of(len(cs), 'cousin')}.")
    return Solution(len(cs), rationale, [len(siblings(g, person))] + near_numbers(len(cs)))


Q.bind("family.siblings_count")(lambda spec, rng: {"person": pick(rng, _blood(spec))})


@Q.solve("family.siblings_count")
def _siblings(spec: dict, person: str) -> Solution:
    sibs = sorted(siblings(family_graph(spec), person))
    return Solution(len(sibs), f"{person}'s siblings: {join_names(sibs)} ({len(sibs)}).", near_numbers(len(sibs)))


@Q.bind("family.spouse")
def _bind_spouse(spec: dict, rng: np.random.Generator) -> dict:
    return {"person": pick(rng, [p["name"] for p in spec["people"] if p["spouse"]])}


@Q.solve("family.spouse")
def _spouse(spec: dict, person: str) -> Solution:
    g = family_graph(spec)
    s = spouse(g, person)
    if s is None:
        raise NotApplicable(f"{person} is not married")
    near = sorted(siblings(g, person)) + sorted(parents(g, person)) + sorted(children(g, person)) + _names(spec)
    return Solution(s, None, others(near, [s, person]))


@Q.solve("family.generations")
def _generations(spec: dict) -> Solution:
    g = family_graph(spec)
    n = nx.dag_longest_path_length(g) + 1
    chain = nx.dag_longest_path(g)
    return Solution(n, f"The longest line of descent is {' -> '.join(chain)}: {n} generations.", near_numbers(n, lo=2))


def _born(spec: dict) -> dict[str, int]:
    return {p["name"]: p["born"] for p in spec["people"]}


def _dated(spec: dict, people: list[str]) -> str:
    born = _born(spec)
    return ", ".join(f"{n} {born[n]}" for n in people)


def _by_birth(spec: dict, people: set[str], what: str) -> list[str]:
    """``people`` from the earliest birth year to the latest; NotApplicable when two share the extreme years."""
    born = _born(spec)
    ranked = sorted(people, key=lambda n: born[n])
    if len(ranked) < 2 or born[ranked[0]] == born[ranked[1]] or born[ranked[-1]] == born[ranked[-2]]:
        raise NotApplicable(f"no single {what}")
    return ranked


@Q.bind("family.oldest_child")
def _bind_oldest(spec: dict, rng: np.random.Generator) -> dict:
    g = family_graph(spec)
    return {"person": pick_one(rng, [n for n in _names(spec) if len(children(g, n)) >= 2], "nobody has two children")}


@Q.solve("family.oldest_child")
def _oldest_child(spec: dict, person: str) -> Solution:
    kids = _by_birth(spec, children(family_graph(spec), person), "oldest child")
    return Solution(kids[0], f"{person}'s children were born: {_dated(spec, kids)}; the earliest is {kids[0]}.",
                    kids[1:][::-1])


def _dated_pairs(spec: dict) -> list[tuple[str, str]]:
    """Related people (a before b) with distinct birth years."""
    g, born = family_graph(spec), _born(spec)
    return [(a, b) for a, b, _ in _related_pairs(g, _names(spec)) if born[a] < born[b]]


@Q.bind("family.birth_gap")
def _bind_gap(spec: dict, rng: np.random.Generator) -> dict:
    return pick_pair(rng, _dated_pairs(spec), "no related pair with different birth years")


@Q.solve("family.birth_gap")
def _birth_gap(spec: dict, a: str, b: str) -> Solution:
    born = _born(spec)
    gap = born[b] - born[a]
    if gap <= 0:
        raise NotApplicable(f"{a} was not born before {b}")
    return Solution(gap, f"{b} was born in {born[b]}, {a} in {born[a]}: {born[b]} - {born[a]} = {gap}.",
                    near_numbers(gap, lo=1))


@Q.bind("family.born_before")
def _bind_before(spec: dict, rng: np.random.Generator) -> dict:
    slots = _bind_gap(spec, rng)
    return slots if rng.random() < 0.5 else {"a": slots["b"], "b": slots["a"]}


@Q.solve("family.born_before")
def _born_before(spec: dict, a: str, b: str) -> Solution:
    born = _born(spec)
    if born[a] == born[b]:
        raise NotApplicable("born in the same year")
    return Solution("yes" if born[a] < born[b] else "no", f"{a} was born in {born[a]}, {b} in {born[b]}.")


def _grandchildren(g: nx.DiGraph, person: str) -> set[str]:
    return {gc for c in children(g, person) for gc in children(g, c)}


@Q.bind("family.youngest_grandchild")
def _bind_youngest(spec: dict, rng: np.random.Generator) -> dict:
    g = family_graph(spec)
    return {"person": pick_one(rng, [n for n in _names(spec) if len(_grandchildren(g, n)) >= 2],
                               "nobody has two grandchildren")}


@Q.solve("family.youngest_grandchild")
def _youngest_grandchild(spec: dict, person: str) -> Solution:
    ranked = _by_birth(spec, _grandchildren(family_graph(spec), person), "youngest grandchild")
    return Solution(ranked[-1], f"{person}'s grandchildren were born: {_dated(spec, ranked)}; "
                    f"the latest is {ranked[-1]}.", ranked[:-1][::-1])


# --- rendering ------------------------------------------------------------------------
@dataclass
class FamilyLayout:
    """Person boxes, line-of-descent connectors, marriage lines and the legend swatches."""
    boxes: dict[str, Box]
    connectors: list[list[Point]]
    marriages: list[list[Point]]
    legend: list[tuple[str, Box, Point]]
    width: float
    height: float


def _unit_tree(spec: dict) -> tuple[str, dict[str, str | None], dict[str, list[str]]]:
    """The tree of couples: each unit is a born-in person (or the first founder) plus spouse."""
    g = family_graph(spec)
    founder = next(p["name"] for p in spec["people"] if not p["parents"])
    units: dict[str, str | None] = {}
    kids: dict[str, list[str]] = {}
    queue = [founder]
    for key in queue:
        units[key] = spouse(g, key)
        kids[key] = [n for n in _names(spec) if n in children(g, key)]
        queue += kids[key]
    return founder, units, kids


def year_text(person: dict, style: dict) -> str:
    return style["born_format"].format(person["born"])


def family_fonts(spec: dict, style: dict) -> tuple:
    """The font of names and legend, and the smaller one of birth years, each legible for its texts."""
    texts = _names(spec) + list(vocab()["sex_legend"].values())
    years = [year_text(p, style) for p in spec["people"]]
    return (legible_font(style["font"], style["font_size"], texts),
            legible_font(style["font"], style["font_size"] + 1, years))


def layout_family(spec: dict, style: dict) -> FamilyLayout:
    fnt, year_font = family_fonts(spec, style)
    legend_h = fnt.size * 2.2
    size = {p["name"]: (max(text_size(fnt, p["name"])[0], text_size(year_font, year_text(p, style))[0]) + 20,
                        fnt.size * 1.3 + year_font.size * 1.3 + 12) for p in spec["people"]}
    gap = style["marriage_gap"]
    root, units, kids = _unit_tree(spec)
    sizes, drop, attach = {}, {}, {}
    for key, sp in units.items():
        w, h = size[key]
        sizes[key] = (w + gap + size[sp][0], h) if sp else (w, h)
        drop[key] = (w + gap / 2, h / 2) if sp else (w / 2, h)
        attach[key] = w / 2
    lay = layered_tree(root, kids, sizes, style["hgap"], style["vgap"], margin=20, drop=drop, attach=attach)
    shift = legend_h
    boxes, marriages = {}, []
    for key, (x0, y0, x1, y1) in lay.boxes.items():
        w, h = size[key]
        boxes[key] = (x0, y0 + shift, x0 + w, y0 + shift + h)
        sp = units[key]
        if sp:
            boxes[sp] = (x0 + w + gap, y0 + shift, x1, y0 + shift + h)
            marriages.append([(x0 + w, y0 + shift + h / 2), (x0 + w + gap, y0 + shift + h / 2)])
    connectors = [[(x, y + shift) for x, y in pts] for pts in lay.connectors]
    legend, x = [], 20.0
    for sex in ("M", "F"):
        label = vocab()["sex_legend"][sex]
        sw = (x, 20 - fnt.size * 0.5, x + fnt.size, 20 + fnt.size * 0.5)
        legend.append((sex, sw, (sw[2] + 6, 20)))
        x = sw[2] + 6 + text_size(fnt, label)[0] + 18
    return FamilyLayout(boxes, connectors, marriages, legend, max(lay.width, x), lay.height + shift)


def render_family(spec: dict, style: dict) -> Rendered:
    lay = layout_family(spec, style)
    fnt, year_font = family_fonts(spec, style)
    colors = palette_colors(style)
    sex_color = {"M": colors[0], "F": colors[1]}
    canvas = Canvas(int(lay.width + 0.999), int(lay.height + 0.999))
    line = (90, 90, 90)
    lw = style["line_width"]
    for pts in lay.connectors:
        draw_polyline(canvas, pts, line, lw)
    for (a, b) in lay.marriages:
        for off in ((-2.5, 2.5) if style["double_marriage_line"] else (0,)):
            canvas.draw.line([(a[0], a[1] + off), (b[0], b[1] + off)], fill=line, width=max(1, lw - 1))
    for sex, sw, at in lay.legend:
        canvas.draw.rectangle(sw, fill=tint(sex_color[sex], style["tint"]), outline=sex_color[sex], width=2)
        canvas.text(snap(at), vocab()["sex_legend"][sex], fnt, (40, 40, 40), anchor="lm", role="legend")
    for p in spec["people"]:
        box = lay.boxes[p["name"]]
        fill = tint(sex_color[p["sex"]], style["tint"])
        draw_box(canvas, box, fill, sex_color[p["sex"]], 2, style["rounded"])
        cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        ink = text_color_on(fill)
        canvas.text(snap((cx, cy - year_font.size * 0.65)), p["name"], fnt, ink, anchor="mm", role="node")
        canvas.text(snap((cx, cy + fnt.size * 0.65)), year_text(p, style), year_font, ink, anchor="mm", role="year")
    return Rendered([canvas.finish(style["noise"], style["noise_seed"])], canvas.texts)


@register("graph.family")
class FamilyTree(Generator):
    """Family trees over three or four generations, with spouses and birth years, for kinship questions."""
    task = "graph"
    families = load_families(Path(__file__).with_name("questions_family.yaml"), Q)

    def sample_spec(self, rng: np.random.Generator) -> dict:
        return sample_family(rng)

    def sample_style(self, rng: np.random.Generator) -> dict:
        return {**sample_style(rng), "marriage_gap": randint(rng, 18, 34),
                "double_marriage_line": bool(rng.random() < 0.5), "born_format": pick(rng, ["born {}", "b. {}"])}

    def render(self, spec: dict, style: dict) -> Rendered:
        return render_family(spec, style)
