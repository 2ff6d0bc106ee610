"""League standings whose every column follows from the matches: played = won + drawn +
lost, points = 3 x won + drawn, goal difference = for - against; rows are ordered by
points, then goal difference, then goals scored, and no two teams tie on all three,
so every position has one answer."""
from __future__ import annotations

import numpy as np

from mmsynth.errors import NotApplicable
from mmsynth.questions import Solution, Solvers
from mmsynth.rand import pick, pick_n, randint
from mmsynth.record import format_number as fmt

from generators.tables.grid import Cell, Grid
from generators.tables.kinds_vocab import kinds_vocab, number_column

S = Solvers()
STATS = {"won": "W", "drawn": "D", "lost": "L", "scored": "GF", "conceded": "GA"}
COLUMNS = ["Team", "P", "W", "D", "L", "GF", "GA", "GD", "Pts"]


def _team(rng: np.random.Generator, played: int, strength: float) -> dict:
    won = int(rng.binomial(played, strength))
    drawn = int(rng.binomial(played - won, 0.3))
    lost = played - won - drawn
    gf = won * randint(rng, 1, 3) + drawn * randint(rng, 0, 2) + randint(rng, 0, lost + 1)
    ga = lost * randint(rng, 1, 3) + drawn * randint(rng, 0, 2) + randint(rng, 0, won + 1)
    return {"W": won, "D": drawn, "L": lost, "GF": gf, "GA": ga}


def sample_standings_spec(rng: np.random.Generator) -> dict:
    """6 to 12 teams after the same number of matches, ranked as leagues rank them."""
    v = kinds_vocab()["standings"]
    n = randint(rng, 6, 12)
    played = randint(rng, 2 * n - 6, 2 * n - 2)
    while True:
        names = pick_n(rng, v["teams"], n)
        teams = [dict(_team(rng, played, float(rng.beta(2, 2))), Team=t) for t in names]
        for t in teams:
            t.update(P=played, GD=t["GF"] - t["GA"], Pts=3 * t["W"] + t["D"])
        keys = [(t["Pts"], t["GD"], t["GF"]) for t in teams]
        if len(set(keys)) == n:
            break
    teams.sort(key=lambda t: (t["Pts"], t["GD"], t["GF"]), reverse=True)
    columns = [{"name": "Team", "type": "text"}] + [number_column(c, additive=False) for c in COLUMNS[1:]]
    return {"kind": "standings", "theme": "league", "title": f"{pick(rng, v['leagues'])} table",
            "entity": "team", "entity_plural": "teams", "key": "Team", "columns": columns,
            "rows": [[t[c] for c in COLUMNS] for t in teams], "header_color": None, "thousands": False}


def standings_grid(spec: dict) -> Grid:
    header = [[Cell(c, align="left" if c == "Team" else "right", bold=True) for c in COLUMNS]]
    body = [[Cell(str(r[0]))] + [Cell(f"{v:+d}" if c == "GD" and v else str(v), align="right", bold=c == "Pts")
                                 for c, v in zip(COLUMNS[1:], r[1:])] for r in spec["rows"]]
    return Grid(spec["title"], header, body)


# --- solvers -------------------------------------------------------------------------------
def _value(spec: dict, team: str, col: str) -> int:
    row = next(r for r in spec["rows"] if r[0] == team)
    return row[COLUMNS.index(col)]


def _teams(spec: dict) -> list[str]:
    return [r[0] for r in spec["rows"]]


def _near(v: int, others: list[int]) -> list[int]:
    return [v + 1, v - 1, v + 3, v - 3] + [o for o in others if o != v]


def _bind_team(spec: dict, rng: np.random.Generator) -> dict:
    return {"team": pick(rng, _teams(spec))}


S.bind("table.standings_points")(_bind_team)
S.bind("table.standings_position")(_bind_team)
S.bind("table.standings_goal_difference")(_bind_team)
S.bind("table.standings_win_rate")(_bind_team)


@S.solve("table.standings_points")
def _points(spec: dict, team: str) -> Solution:
    pts = _value(spec, team, "Pts")
    return Solution(answer=pts, distractors=_near(pts, [r[-1] for r in spec["rows"]]), tolerance=0,
                    extra={"readable_from": "annotation"})


@S.bind("table.standings_stat")
def _bind_stat(spec: dict, rng: np.random.Generator) -> dict:
    return {"team": pick(rng, _teams(spec)), "stat": pick(rng, sorted(STATS))}


@S.solve("table.standings_stat")
def _stat(spec: dict, team: str, stat: str) -> Solution:
    v = _value(spec, team, STATS[stat])
    noun = "matches" if stat in ("won", "drawn", "lost") else "goals"
    return Solution(answer=v, distractors=_near(v, [_value(spec, team, c) for c in STATS.values()]),
                    fields={"noun": noun}, tolerance=0, extra={"readable_from": "annotation"})


@S.solve("table.standings_position")
def _position(spec: dict, team: str) -> Solution:
    i = _teams(spec).index(team) + 1
    return Solution(answer=i, rationale=f"Counting the rows from the top, {team} is number {i}.",
                    distractors=[i + 1, i - 1, i + 2], fields={})


@S.solve("table.standings_goal_difference")
def _goal_difference(spec: dict, team: str) -> Solution:
    gf, ga = _value(spec, team, "GF"), _value(spec, team, "GA")
    return Solution(answer=gf - ga, rationale=f"{gf} scored minus {ga} conceded is {gf - ga}.",
                    distractors=[ga - gf, gf + ga, gf - ga + 1], tolerance=0, extra={"readable_from": "annotation"})


@S.bind("table.standings_gap")
def _bind_gap(spec: dict, rng: np.random.Generator) -> dict:
    a, b = sorted(pick_n(rng, range(len(spec["rows"])), 2))
    return {"a": spec["rows"][a][0], "b": spec["rows"][b][0]}


@S.solve("table.standings_gap")
def _gap(spec: dict, a: str, b: str) -> Solution:
    pa, pb = _value(spec, a, "Pts"), _value(spec, b, "Pts")
    d = abs(pa - pb)
    return Solution(answer=d, rationale=f"{a} {pa}, {b} {pb}: {d} points apart.",
                    distractors=_near(d, [pa, pb]), tolerance=0, extra={"readable_from": "annotation"})


EXTREMES = {"won the most matches": ("W", True), "lost the fewest matches": ("L", False),
            "scored the most goals": ("GF", True), "conceded the fewest goals": ("GA", False),
            "drawn the most matches": ("D", True)}


@S.bind("table.standings_most")
def _bind_most(spec: dict, rng: np.random.Generator) -> dict:
    return {"record": pick(rng, sorted(EXTREMES))}


@S.solve("table.standings_most")
def _most(spec: dict, record: str) -> Solution:
    col, highest = EXTREMES[record]
    vals = [_value(spec, t, col) for t in _teams(spec)]
    best = max(vals) if highest else min(vals)
    if vals.count(best) != 1:
        raise NotApplicable("a tie")
    team = _teams(spec)[vals.index(best)]
    return Solution(answer=team, rationale=f"{team} has {best} in the {col} column; no other team has as many."
                    if highest else f"{team} has {best} in the {col} column; every other team has more.",
                    distractors=[t for t in _teams(spec) if t != team])


@S.bind("table.standings_count_above")
def _bind_count_above(spec: dict, rng: np.random.Generator) -> dict:
    pts = sorted({r[-1] for r in spec["rows"]})
    gaps = [(a, b) for a, b in zip(pts, pts[1:]) if b - a >= 2]
    if not gaps:
        raise NotApplicable("no threshold between two point totals")
    a, b = pick(rng, gaps)
    return {"limit": (a + b) // 2 if (a + b) // 2 > a else a + 1}


@S.solve("table.standings_count_above")
def _count_above(spec: dict, limit: int) -> Solution:
    above = [r[0] for r in spec["rows"] if r[-1] > limit]
    if any(r[-1] == limit for r in spec["rows"]):
        raise NotApplicable("a team sits on the threshold")
    n = len(above)
    return Solution(answer=n, rationale=f"Above {limit} points: {', '.join(above) or 'none'} ({n}).",
                    distractors=[n + 1, n - 1, n + 2])


@S.bind("table.standings_above")
def _bind_above(spec: dict, rng: np.random.Generator) -> dict:
    return {"team": pick(rng, _teams(spec)[1:])}


@S.solve("table.standings_above")
def _above(spec: dict, team: str) -> Solution:
    teams = _teams(spec)
    i = teams.index(team)
    return Solution(answer=teams[i - 1], distractors=[t for t in teams[max(0, i - 3):i + 2] if t != teams[i - 1]])


@S.solve("table.standings_win_rate")
def _win_rate(spec: dict, team: str) -> Solution:
    w, p = _value(spec, team, "W"), _value(spec, team, "P")
    rate = round(100 * w / p, 1)
    return Solution(answer=rate, rationale=f"{w} wins in {p} matches: {w} / {p} = {fmt(rate)}%.",
                    distractors=[round(100 * _value(spec, team, 'D') / p, 1), round(rate + 5, 1), round(100 - rate, 1)],
                    tolerance=0.1, extra={"readable_from": "annotation"})
