"""``puzzle.maze``: rectangular grid mazes with a start S, a goal G and lettered markers; answers
(shortest path length, reachability, first move, route) come from breadth-first search."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from mmsynth.draw import Canvas, bold, rgb
from mmsynth.errors import NotApplicable
from mmsynth.generator import Generator, Rendered
from mmsynth.questions import Solution, Solvers, load_families
from mmsynth.rand import pick, randint, shuffled
from mmsynth.registry import register

from generators.dashboards.drawutil import place_texts
from generators.dashboards.options import distinct_from, near_numbers
from generators.puzzles import layout
from generators.puzzles import maze_solve as ms
from generators.puzzles.vocab import VOCAB

QUESTIONS = Path(__file__).with_name("questions.yaml")
Q = Solvers()


def _carve(rng: np.random.Generator, rows: int, cols: int) -> set[tuple]:
    """A perfect maze (spanning tree) by randomised depth-first search; passages as sorted cell pairs."""
    seen = {(0, 0)}
    stack = [(0, 0)]
    passages = set()
    while stack:
        r, c = stack[-1]
        nbrs = [(r + dr, c + dc) for dr, dc in ms.MOVES.values()
                if 0 <= r + dr < rows and 0 <= c + dc < cols and (r + dr, c + dc) not in seen]
        if not nbrs:
            stack.pop()
            continue
        nxt = pick(rng, nbrs)
        passages.add(tuple(sorted([(r, c), nxt])))
        seen.add(nxt)
        stack.append(nxt)
    return passages


def _walls(rows: int, cols: int, passages: set[tuple]) -> list[tuple]:
    pairs = [((r, c), (r + dr, c + dc)) for r in range(rows) for c in range(cols) for dr, dc in ((0, 1), (1, 0))
             if r + dr < rows and c + dc < cols]
    return [p for p in pairs if p not in passages]


SHUT_AWAY_SHARE = 0.8   # mazes that try to wall a marker off; a try succeeds about 60% of the time


def sample_maze(rng: np.random.Generator) -> dict:
    rows, cols = randint(rng, 4, 9), randint(rng, 5, 12)
    passages = _carve(rng, rows, cols)
    for wall in shuffled(rng, _walls(rows, cols, passages))[: randint(rng, 0, rows * cols // 8)]:
        passages.add(wall)                                  # loops: more than one way round
    cells = shuffled(rng, [(r, c) for r in range(rows) for c in range(cols)])
    start, goal = cells[0], cells[1]
    markers = {m: list(cells[2 + i]) for i, m in enumerate(VOCAB["maze_markers"][: randint(rng, 1, 3)])}
    spec = {"rows": rows, "cols": cols, "start": list(start), "goal": list(goal), "markers": markers}
    for cut in shuffled(rng, sorted(passages))[: randint(rng, 0, 3)]:   # doors closed: some cells cut off
        if _keeps_goal(spec, passages - {cut}):
            passages.discard(cut)
    if rng.random() < SHUT_AWAY_SHARE:   # else "can S reach it?" is nearly always yes
        _shut_away(spec, passages, pick(rng, sorted(markers)))
    spec["passages"] = [[*a, *b] for a, b in sorted(passages)]
    return spec


def _reach(spec: dict, passages: set[tuple]) -> dict:
    return ms.distances(dict(spec, passages=[[*a, *b] for a, b in sorted(passages)]), tuple(spec["start"]))


def _keeps_goal(spec: dict, passages: set[tuple]) -> bool:
    return tuple(spec["goal"]) in _reach(spec, passages)


def _shut_away(spec: dict, passages: set[tuple], marker: str) -> None:
    """Close the first door on the way back from ``marker`` to S that cuts the marker off
    but not the goal (none: the maze stays as it is)."""
    def other_end(door: tuple, cell: tuple) -> tuple:
        return door[0] if door[1] == cell else door[1]

    target, dist = tuple(spec["markers"][marker]), _reach(spec, passages)
    cell = target
    while cell in dist and dist[cell] > 0:
        back = next(d for d in sorted(passages) if cell in d and dist.get(other_end(d, cell)) == dist[cell] - 1)
        trial = passages - {back}
        if target not in _reach(spec, trial) and _keeps_goal(spec, trial):
            passages.discard(back)
            return
        cell = other_end(back, cell)


def _start(spec: dict) -> tuple[int, int]:
    return tuple(spec["start"])


def _marker(spec: dict, marker: str) -> tuple[int, int]:
    if marker not in spec["markers"]:
        raise NotApplicable(f"no marker {marker}")
    return tuple(spec["markers"][marker])


def _route_text(spec: dict, target: tuple) -> str:
    routes = ms.shortest_routes(spec, _start(spec), target, limit=1)
    return ", ".join(ms.compress(routes[0])) if routes else "none"


@Q.solve("maze.path_length")
def _path_length(spec: dict) -> Solution:
    d = ms.distances(spec, _start(spec))[tuple(spec["goal"])]
    why = f"Breadth-first search from S; one shortest route: {_route_text(spec, tuple(spec['goal']))} = {d} steps."
    return Solution(d, rationale=why, distractors=near_numbers(d, (2, -2, 1, -1, 4), lo=1))


def _bind_marker(spec: dict, rng: np.random.Generator) -> dict:
    return {"marker": pick(rng, sorted(spec["markers"]))}


@Q.solve("maze.reachable")
def _reachable(spec: dict, marker: str) -> Solution:
    dist = ms.distances(spec, _start(spec))
    target = _marker(spec, marker)
    if target in dist:
        why = f"A route exists: {_route_text(spec, target)} ({dist[target]} steps)."
        return Solution("yes", rationale=why)
    why = f"Breadth-first search from S reaches {len(dist)} of {spec['rows'] * spec['cols']} cells; {marker} is not among them."
    return Solution("no", rationale=why)


@Q.solve("maze.distance_to_marker")
def _distance(spec: dict, marker: str) -> Solution:
    dist = ms.distances(spec, _start(spec))
    target = _marker(spec, marker)
    if target not in dist:
        raise NotApplicable("marker unreachable")
    d = dist[target]
    why = f"Shortest route from S to {marker}: {_route_text(spec, target)} = {d} steps."
    return Solution(d, rationale=why, distractors=near_numbers(d, (2, -2, 1, -1), lo=1))


@Q.solve("maze.count_reachable")
def _count_reachable(spec: dict) -> Solution:
    dist = ms.distances(spec, _start(spec))
    ok = [m for m, cell in sorted(spec["markers"].items()) if tuple(cell) in dist]
    n = len(ok)
    why = "Reachable from S: " + (", ".join(ok) if ok else "none") + \
          f"; not reachable: {', '.join(m for m in sorted(spec['markers']) if m not in ok) or 'none'}."
    return Solution(n, rationale=why, distractors=near_numbers(n, (1, -1, 2), 0, len(spec["markers"])))


@Q.solve("maze.first_move")
def _first_move(spec: dict) -> Solution:
    moves = ms.first_moves(spec, _start(spec), tuple(spec["goal"]))
    if len(moves) != 1:
        raise NotApplicable("the first step of a shortest route is not unique")
    m = moves.pop()
    why = f"The shortest route from S to G is {_route_text(spec, tuple(spec['goal']))}; it starts {m}."
    return Solution(m, rationale=why, distractors=distinct_from(m, list(ms.MOVES)))


@Q.solve("maze.nearest_marker")
def _nearest(spec: dict) -> Solution:
    dist = ms.distances(spec, _start(spec))
    ranked = sorted((dist[tuple(c)], m) for m, c in spec["markers"].items() if tuple(c) in dist)
    if len(ranked) < 2 or ranked[0][0] == ranked[1][0]:
        raise NotApplicable("fewer than two reachable markers, or a tie")
    why = "Steps from S: " + ", ".join(f"{m} {d}" for d, m in ranked) + f"; nearest is {ranked[0][1]}."
    return Solution(ranked[0][1], rationale=why, distractors=[m for _, m in ranked[1:]] + sorted(spec["markers"]))


@Q.solve("maze.route")
def _route(spec: dict) -> Solution:
    routes = ms.shortest_routes(spec, _start(spec), tuple(spec["goal"]), limit=2)
    if len(routes) != 1 or len(routes[0]) > 40:
        raise NotApplicable("the shortest route is not unique, or too long to list")
    moves = ms.compress(routes[0])
    wrong = [[f"{m.split()[0]} {int(m.split()[1]) + 1}" if i == k else m for i, m in enumerate(moves)]
             for k in range(len(moves))]
    if len(moves) > 1:
        wrong.append(moves[1:] + moves[:1])
    why = f"Breadth-first search finds one shortest route from S to G, {len(routes[0]) - 1} steps: {', '.join(moves)}."
    return Solution(moves, rationale=why, distractors=[w for w in wrong if w != moves])


@Q.bind("maze.size")
def _bind_dim(spec: dict, rng: np.random.Generator) -> dict:
    return {"dimension": pick(rng, ["rows", "columns"])}


@Q.solve("maze.size")
def _size(spec: dict, dimension: str) -> Solution:
    n = spec["rows"] if dimension == "rows" else spec["cols"]
    return Solution(n, distractors=near_numbers(n, (1, -1, 2), lo=2))


@Q.solve("maze.dead_ends")
def _dead_ends(spec: dict) -> Solution:
    if spec["rows"] * spec["cols"] > 36:
        raise NotApplicable("too many cells to count dead ends by eye")
    n = ms.dead_ends(spec)
    return Solution(n, rationale=f"Cells with exactly one opening: {n}.", distractors=near_numbers(n, (1, -1, 2), lo=0))


@Q.bind("maze.reachable")
def _bind_reachable(spec: dict, rng: np.random.Generator) -> dict:
    """A shut-away marker when there is one (the sampler makes one in about half the mazes),
    so that "yes" is not the answer nine times in ten."""
    dist = ms.distances(spec, _start(spec))
    away = [m for m in sorted(spec["markers"]) if _marker(spec, m) not in dist]
    return {"marker": pick(rng, away or sorted(spec["markers"]))}


Q.bind("maze.distance_to_marker")(_bind_marker)

MARK_COLORS = {"S": "green", "G": "red"}
MIN_CELL_PX = 34.0


def maze_geometry(spec: dict, style: dict) -> tuple[int, int, float, float, float]:
    """Image width and height, the grid's top-left corner and the cell side, in pixels."""
    rows, cols = spec["rows"], spec["cols"]
    cell = max(MIN_CELL_PX, min(style["width"] * 0.92 / cols, style["height"] * 0.92 / rows))
    w, h = max(style["width"], int(cell * cols / 0.92)), max(style["height"], int(cell * rows / 0.92))
    return w, h, (w - cell * cols) / 2, (h - cell * rows) / 2, cell


@register("puzzle.maze")
class MazePuzzle(Generator):
    """Grid mazes with start, goal and markers; path length, reachability, first move and route by BFS."""

    task = "puzzle"
    families = load_families(QUESTIONS, Q, only=list(Q.solvers))

    def sample_spec(self, rng: np.random.Generator) -> dict:
        return sample_maze(rng)

    def sample_style(self, rng: np.random.Generator) -> dict:
        style = layout.sample_puzzle_style(rng)
        style["wall"] = list(pick(rng, [(20, 20, 20), (30, 50, 90), (90, 40, 30)]))
        return style

    def render(self, spec: dict, style: dict) -> Rendered:
        rows, cols = spec["rows"], spec["cols"]
        w, h, x0, y0, cell = maze_geometry(spec, style)
        c = Canvas(w, h, tuple(style["background"]))
        c.draw.rectangle((x0, y0, x0 + cell * cols, y0 + cell * rows), fill=tuple(style["tile"]))
        wall, width = tuple(style["wall"]), max(2, round(cell * 0.08))
        open_pairs = {((a, b), (d, e)) for a, b, d, e in spec["passages"]}
        for r in range(rows):
            for k in range(cols):
                if k + 1 < cols and ((r, k), (r, k + 1)) not in open_pairs:
                    x = x0 + (k + 1) * cell
                    c.draw.line([(x, y0 + r * cell), (x, y0 + (r + 1) * cell)], fill=wall, width=width)
                if r + 1 < rows and ((r, k), (r + 1, k)) not in open_pairs:
                    y = y0 + (r + 1) * cell
                    c.draw.line([(x0 + k * cell, y), (x0 + (k + 1) * cell, y)], fill=wall, width=width)
        c.draw.rectangle((x0, y0, x0 + cell * cols, y0 + cell * rows), outline=wall, width=width + 1)
        marks = {"S": spec["start"], "G": spec["goal"], **spec["markers"]}
        for name, (r, k) in marks.items():
            color = rgb(MARK_COLORS.get(name, "blue"))
            place_texts(c, [((x0 + (k + 0.5) * cell, y0 + (r + 0.5) * cell), name)], bold(style["font"]),
                        int(cell * 0.6), color, "marker")
        return Rendered([c.finish(style["noise"], style["noise_seed"])], c.texts)
