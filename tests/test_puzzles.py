"""Visual puzzles: hand-derived answers, independent re-solving of generated puzzles (row rules
re-checked per option, mazes re-solved with networkx), determinism, verification, legibility."""
from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from mmsynth.errors import NotApplicable
from mmsynth.rand import rng_for
from mmsynth.registry import create
from mc_checks import yes_share
from test_dashboards import CONTRACTS, assert_sample_ok

from generators.puzzles import maze_solve as ms
from generators.puzzles.cells import LETTERS, cell
from generators.puzzles.maze import maze_geometry

PUZZLES = ["puzzle.sequence", "puzzle.matrix", "puzzle.odd_one_out", "puzzle.count_shapes", "puzzle.maze"]


def solve(gen_name: str, family: str, spec: dict, **slots):
    return {f.name: f for f in create(gen_name).families}[family].solve(spec, **slots)


@pytest.mark.parametrize("contract", sorted(CONTRACTS))
@pytest.mark.parametrize("name", PUZZLES)
def test_generator_contract(name, contract):
    CONTRACTS[contract](create(name))


@settings(max_examples=12, deadline=None)
@given(name=st.sampled_from(PUZZLES), seed=st.integers(0, 2**31 - 1), index=st.integers(0, 10**6))
def test_property_any_seed_gives_a_valid_puzzle(name, seed, index):
    assert_sample_ok(create(name), seed, index)


# --- sequences ------------------------------------------------------------------------

def test_sequence_answers_by_hand():
    spec = {"rule": "count_up", "step": 1, "panels": [cell("circle", "red", n) for n in (1, 2, 3)],
            "answer": cell("circle", "red", 4), "options": [cell("circle", "red", n) for n in (3, 5, 4, 2)],
            "answer_label": "C"}
    assert solve("puzzle.sequence", "sequence.next_count", spec).answer == 4
    assert solve("puzzle.sequence", "sequence.next", spec).answer == "C"
    assert solve("puzzle.sequence", "sequence.rule", spec).answer == "the number of shapes increases by 1 each time"
    assert solve("puzzle.sequence", "sequence.option_count", spec, letter="B").answer == 5
    rot = {"rule": "rotate_cw", "step": 90, "panels": [cell("arrow", "blue", angle=a) for a in (0, 90, 180)],
           "answer": cell("arrow", "blue", angle=270), "options": [], "answer_label": "A"}
    assert solve("puzzle.sequence", "sequence.next_direction", rot).answer == "left"
    with pytest.raises(NotApplicable):
        solve("puzzle.sequence", "sequence.next_count", rot)


def test_sequence_exactly_one_option_continues_the_rule():
    gen = create("puzzle.sequence")
    for i in range(60):
        spec = gen.sample_spec(rng_for(0, i, gen.name))
        opts = spec["options"]
        assert len(opts) == 4 and sum(o == spec["answer"] for o in opts) == 1
        assert opts[LETTERS.index(spec["answer_label"])] == spec["answer"]
        p = spec["panels"]
        if spec["rule"].startswith("count"):
            steps = {b["count"] - a["count"] for a, b in zip(p, p[1:])}
            assert len(steps) == 1 and spec["answer"]["count"] - p[-1]["count"] in steps
        if spec["rule"].startswith("rotate"):
            steps = {(b["angle"] - a["angle"]) % 360 for a, b in zip(p, p[1:])}
            assert len(steps) == 1 and (spec["answer"]["angle"] - p[-1]["angle"]) % 360 in steps


# --- matrices: re-solve each generated puzzle from its rows, independently ---------------

def rows_follow(grid: list[list[dict]], rules: dict) -> bool:
    for attr, rule in rules.items():
        rows = [[c[attr] for c in row] for row in grid]
        for row in rows:
            if rule == "constant" and len(set(row)) != 1:
                return False
            if rule == "progression" and [b - a for a, b in zip(row, row[1:])] != [1, 1]:
                return False
            if rule == "distribute" and (len(set(row)) != 3 or set(row) != set(rows[0])):
                return False
    return True


def test_matrix_rows_follow_their_rules_and_one_option_fits():
    gen = create("puzzle.matrix")
    for i in range(60):
        spec = gen.sample_spec(rng_for(0, i, gen.name))
        assert rows_follow(spec["grid"], spec["rules"])
        fits = [LETTERS[k] for k, opt in enumerate(spec["options"])
                if rows_follow(spec["grid"][:2] + [spec["grid"][2][:2] + [opt]], spec["rules"])]
        assert fits == [spec["answer_label"]], (i, fits)


def test_matrix_answers_by_hand():
    trio = ["circle", "square", "star"]
    grid = [[cell(trio[(c + r) % 3], "red", 1 + r + c) for c in range(3)] for r in range(3)]
    spec = {"rules": {"shape": "distribute", "color": "constant", "count": "progression"}, "grid": grid,
            "options": [grid[2][1], grid[2][2], dict(grid[2][2], count=4), dict(grid[2][2], color="blue")],
            "answer_label": "B"}
    assert solve("puzzle.matrix", "matrix.missing", spec).answer == "B"
    assert solve("puzzle.matrix", "matrix.missing_count", spec).answer == 5         # row 3: 3, 4, 5
    assert solve("puzzle.matrix", "matrix.missing_shape", spec).answer == "square"  # star, circle, square
    assert solve("puzzle.matrix", "matrix.total_shapes", spec).answer == 1 + 2 + 3 + 2 + 3 + 4 + 3 + 4
    assert solve("puzzle.matrix", "matrix.attribute_rule", spec, attribute="count").answer == \
        "it increases by one along each row"
    with pytest.raises(NotApplicable):
        solve("puzzle.matrix", "matrix.cell_count", spec, row=3, col=3)


# --- odd one out --------------------------------------------------------------------------

def test_odd_one_out_differs_in_exactly_its_attribute():
    gen = create("puzzle.odd_one_out")
    for i in range(60):
        spec = gen.sample_spec(rng_for(0, i, gen.name))
        odd = spec["panels"][LETTERS.index(spec["odd_label"])]
        others = [p for k, p in enumerate(spec["panels"]) if LETTERS[k] != spec["odd_label"]]
        assert all(p == others[0] for p in others)
        assert [k for k in odd if odd[k] != others[0][k]] == [spec["attribute"]]


# --- counting ------------------------------------------------------------------------------

def item(shape, color, x):
    return {"shape": shape, "color": color, "x": x, "y": 0.5, "r": 0.05, "angle": 0}


def test_count_answers_by_hand():
    spec = {"items": [item("star", "red", 0.1), item("star", "blue", 0.2), item("circle", "red", 0.3),
                      item("star", "red", 0.4), item("square", "green", 0.5)]}
    assert solve("puzzle.count_shapes", "count.total", spec).answer == 5
    assert solve("puzzle.count_shapes", "count.of_shape", spec, shape="star").answer == 3
    assert solve("puzzle.count_shapes", "count.of_shape", spec, shape="hexagon").answer == 0
    assert solve("puzzle.count_shapes", "count.of_both", spec, shape="star", color="red").answer == 2
    assert solve("puzzle.count_shapes", "count.most_common", spec).answer == "star"
    assert solve("puzzle.count_shapes", "count.difference", spec, a="star", b="circle").answer == 2
    assert solve("puzzle.count_shapes", "count.color_of_only", spec, shape="square").answer == "green"
    assert solve("puzzle.count_shapes", "count.kinds", spec).answer == 3
    with pytest.raises(NotApplicable):
        solve("puzzle.count_shapes", "count.most_common", {"items": spec["items"][:2] + [item("circle", "red", .3),
                                                                                      item("circle", "red", .6)]})


def test_scattered_shapes_never_overlap():
    gen = create("puzzle.count_shapes")
    for i in range(30):
        items = gen.sample_spec(rng_for(0, i, gen.name))["items"]
        for k, a in enumerate(items):
            for b in items[k + 1:]:
                assert (a["x"] - b["x"]) ** 2 + (a["y"] - b["y"]) ** 2 > (2 * a["r"]) ** 2


# --- mazes ---------------------------------------------------------------------------------

SMALL_MAZE = {"rows": 2, "cols": 3, "start": [0, 0], "goal": [1, 2], "markers": {"A": [1, 0], "B": [0, 2]},
              "passages": [[0, 0, 0, 1], [0, 1, 0, 2], [0, 2, 1, 2], [1, 0, 1, 1]]}


def test_maze_answers_by_hand():
    m = SMALL_MAZE
    assert solve("puzzle.maze", "maze.path_length", m).answer == 3
    assert solve("puzzle.maze", "maze.route", m).answer == ["right 2", "down 1"]
    assert solve("puzzle.maze", "maze.first_move", m).answer == "right"
    assert solve("puzzle.maze", "maze.reachable", m, marker="A").answer == "no"
    assert solve("puzzle.maze", "maze.reachable", m, marker="B").answer == "yes"
    assert solve("puzzle.maze", "maze.count_reachable", m).answer == 1
    assert solve("puzzle.maze", "maze.distance_to_marker", m, marker="B").answer == 2
    assert solve("puzzle.maze", "maze.dead_ends", m).answer == 4
    with pytest.raises(NotApplicable):
        solve("puzzle.maze", "maze.distance_to_marker", m, marker="A")


def as_graph(spec: dict) -> nx.Graph:
    g = nx.grid_2d_graph(spec["rows"], spec["cols"])
    g.remove_edges_from(list(g.edges))
    g.add_edges_from(((a, b), (c, d)) for a, b, c, d in spec["passages"])
    return g


def test_generated_mazes_agree_with_networkx():
    gen = create("puzzle.maze")
    for i in range(40):
        spec = gen.sample_spec(rng_for(0, i, gen.name))
        g = as_graph(spec)
        s, t = tuple(spec["start"]), tuple(spec["goal"])
        assert all(abs(a - c) + abs(b - d) == 1 for a, b, c, d in spec["passages"])
        assert solve("puzzle.maze", "maze.path_length", spec).answer == nx.shortest_path_length(g, s, t)
        for marker, cellpos in spec["markers"].items():
            expect = "yes" if nx.has_path(g, s, tuple(cellpos)) else "no"
            assert solve("puzzle.maze", "maze.reachable", spec, marker=marker).answer == expect
        n_paths = sum(1 for _ in zip(range(2), nx.all_shortest_paths(g, s, t)))
        try:
            route = solve("puzzle.maze", "maze.route", spec).answer
            assert n_paths == 1 and sum(int(m.split()[1]) for m in route) == nx.shortest_path_length(g, s, t)
        except NotApplicable:
            assert n_paths == 2 or nx.shortest_path_length(g, s, t) >= 40


def test_maze_walls_drawn_exactly_where_there_is_no_passage():
    gen = create("puzzle.maze")
    rng = rng_for(0, 3, gen.name)
    spec, style = gen.sample_spec(rng), gen.sample_style(rng)
    style["noise"] = 0.0
    px = np.asarray(gen.render(spec, style).images[0]).astype(int)
    _, _, x0, y0, side = maze_geometry(spec, style)
    wall = np.array(style["wall"])
    open_pairs = {((a, b), (c, d)) for a, b, c, d in spec["passages"]}
    for r in range(spec["rows"]):
        for k in range(spec["cols"] - 1):
            # a point on the shared edge, a quarter of the way down (clear of any marker letter)
            x, y = x0 + (k + 1) * side, y0 + (r + 0.2) * side
            is_wall = np.abs(px[round(y), round(x)] - wall).sum() < 40
            assert is_wall == (((r, k), (r, k + 1)) not in open_pairs), (r, k)
    assert ms.move_name((0, 0), (1, 0)) == "down"


def test_maze_reachability_is_not_a_prior():
    """Before mazes walled markers off on purpose, 91% of "can S reach X?" were yes."""
    assert 0.4 <= yes_share("puzzle.maze", "maze.reachable") <= 0.6
    for i in range(60):   # a marker walled off never cuts off the goal
        spec = create("puzzle.maze").sample_spec(rng_for(0, i, "puzzle.maze"))
        assert tuple(spec["goal"]) in ms.distances(spec, tuple(spec["start"]))

