"""Grid-maze graph search: the maze spec as an adjacency map, breadth-first distances, and
shortest routes as compressed moves ('right 2', 'down 3').

A maze spec: ``{"rows", "cols", "passages": [[r1, c1, r2, c2], ...], "start": [r, c],
"goal": [r, c], "markers": {"A": [r, c], ...}}``; passages join orthogonal neighbours.
"""
from __future__ import annotations

from collections import deque

from generators.puzzles.vocab import VOCAB

Cell = tuple[int, int]
MOVES = {name: tuple(d) for name, d in VOCAB["maze_moves"].items()}


def adjacency(spec: dict) -> dict[Cell, list[Cell]]:
    adj: dict[Cell, list[Cell]] = {(r, c): [] for r in range(spec["rows"]) for c in range(spec["cols"])}
    for r1, c1, r2, c2 in spec["passages"]:
        adj[(r1, c1)].append((r2, c2))
        adj[(r2, c2)].append((r1, c1))
    return adj


def distances(spec: dict, source: Cell) -> dict[Cell, int]:
    """Steps from ``source`` to every reachable cell (breadth-first search)."""
    adj = adjacency(spec)
    dist = {source: 0}
    queue = deque([source])
    while queue:
        cur = queue.popleft()
        for nxt in adj[cur]:
            if nxt not in dist:
                dist[nxt] = dist[cur] + 1
                queue.append(nxt)
    return dist


def move_name(a: Cell, b: Cell) -> str:
    d = (b[0] - a[0], b[1] - a[1])
    return next(name for name, v in MOVES.items() if v == d)


def shortest_routes(spec: dict, source: Cell, target: Cell, limit: int = 2) -> list[list[Cell]]:
    """Up to ``limit`` distinct shortest paths (enough to tell whether the shortest path is unique)."""
    to_target = distances(spec, target)
    if source not in to_target:
        return []
    adj = adjacency(spec)
    routes: list[list[Cell]] = []

    def walk(path: list[Cell]) -> None:
        if len(routes) >= limit:
            return
        cur = path[-1]
        if cur == target:
            routes.append(list(path))
            return
        for nxt in sorted(adj[cur]):
            if to_target.get(nxt, -1) == to_target[cur] - 1:
                walk(path + [nxt])

    walk([source])
    return routes


def first_moves(spec: dict, source: Cell, target: Cell) -> set[str]:
    """Directions of every first step that starts some shortest path."""
    to_target = distances(spec, target)
    if source not in to_target:
        return set()
    return {move_name(source, n) for n in adjacency(spec)[source] if to_target.get(n, -1) == to_target[source] - 1}


def compress(path: list[Cell]) -> list[str]:
    """['right 2', 'down 1', ...] for a path of cells."""
    out: list[list] = []
    for a, b in zip(path, path[1:]):
        m = move_name(a, b)
        if out and out[-1][0] == m:
            out[-1][1] += 1
        else:
            out.append([m, 1])
    return [f"{m} {n}" for m, n in out]


def dead_ends(spec: dict) -> int:
    return sum(1 for nbrs in adjacency(spec).values() if len(nbrs) == 1)
