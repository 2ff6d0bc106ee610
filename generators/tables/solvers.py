"""Question solvers over table specs: cells, counts, extremes, sums, lookups.

Every printed cell is an annotation, so numeric answers are exact
(``tolerance`` 0, ``readable_from`` "annotation"); computed answers are rounded to
two decimals and say so in the phrasing.
"""
from __future__ import annotations

import numpy as np

from mmsynth.errors import NotApplicable
from mmsynth.questions import Solution, Solvers
from mmsynth.rand import pick, pick_n, randint
from mmsynth.record import format_number as fmt

from generators.charts.sampler import vocab as chart_vocab
from generators.charts.solvers import count_solution, similar_colors

T = Solvers()
EXACT = {"readable_from": "annotation"}


def _col(spec: dict, name: str) -> int:
    for j, c in enumerate(spec["columns"]):
        if c["name"] == name:
            return j
    raise NotApplicable(f"no column {name!r}")


def _column(spec: dict, name: str) -> list:
    j = _col(spec, name)
    return [r[j] for r in spec["rows"]]


def row_names(spec: dict) -> list[str]:
    return _column(spec, spec["key"])


def _numeric(spec: dict, additive: bool = False) -> list[str]:
    return [c["name"] for c in spec["columns"] if c["type"] == "number" and (c["additive"] or not additive)]


def _text_cols(spec: dict) -> list[str]:
    return [c["name"] for c in spec["columns"] if c["type"] == "text" and c["name"] != spec["key"]]


def in_text(column: str) -> str:
    """A column name inside a sentence: 'Wind speed' -> 'wind speed', but 'IATA' stays."""
    return column.lower() if column[1:].islower() else column


def _fields(spec: dict, column: str | None = None) -> dict:
    f = {"entity": spec["entity"], "entities": spec["entity_plural"], "key": spec["key"]}
    if column is not None:
        f["col"] = in_text(column)
    return f


def _listing(spec: dict, column: str) -> str:
    return ", ".join(f"{k} {fmt(v)}" for k, v in zip(row_names(spec), _column(spec, column)))


def _quantity(col: dict, v: float) -> str:
    """A number with its unit as a question states it: '$37.50' is not a cell, so '$37.5'."""
    if col["prefix"]:
        return col["prefix"] + fmt(v)
    return f"{fmt(v)} {col['unit']}" if col["unit"] else fmt(v)


def _near(v: float, col: list) -> list:
    step = max(1, round(abs(v) * 0.1)) if float(v).is_integer() else 0.5
    return [round(v + step, 2), round(v - step, 2), round(v + 2 * step, 2)] + [c for c in col if c != v]


# --- perception ---------------------------------------------------------------------------
@T.bind("table.cell")
def _bind_cell(spec: dict, rng: np.random.Generator) -> dict:
    return {"row": pick(rng, row_names(spec)), "column": pick(rng, _numeric(spec))}


@T.solve("table.cell")
def _cell(spec: dict, row: str, column: str) -> Solution:
    v = spec["rows"][row_names(spec).index(row)][_col(spec, column)]
    return Solution(answer=v, distractors=_near(v, _column(spec, column)), fields=_fields(spec, column),
                    tolerance=0, extra=EXACT)


@T.bind("table.text_cell")
def _bind_text_cell(spec: dict, rng: np.random.Generator) -> dict:
    cols = _text_cols(spec)
    if not cols:
        raise NotApplicable("no text column besides the key")
    return {"row": pick(rng, row_names(spec)), "column": pick(rng, cols)}


@T.solve("table.text_cell")
def _text_cell(spec: dict, row: str, column: str) -> Solution:
    v = spec["rows"][row_names(spec).index(row)][_col(spec, column)]
    others = list(dict.fromkeys(c for c in _column(spec, column) if c != v))
    return Solution(answer=v, distractors=others, fields=_fields(spec, column))


@T.bind("table.row_at")
def _bind_row_at(spec: dict, rng: np.random.Generator) -> dict:
    return {"position": randint(rng, 0, len(spec["rows"]) - 1)}


@T.solve("table.row_at")
def _row_at(spec: dict, position: int) -> Solution:
    names = row_names(spec)
    f = _fields(spec)
    f["ordinal"] = chart_vocab()["ordinals"][position]
    near = [names[i] for i in (position - 1, position + 1) if 0 <= i < len(names)]
    return Solution(answer=names[position], distractors=near + [n for n in names if n != names[position]], fields=f)


@T.bind("table.header_color")
def _bind_header_color(spec: dict, rng: np.random.Generator) -> dict:
    if not spec["header_color"]:
        raise NotApplicable("plain header")
    return {}


@T.solve("table.header_color")
def _header_color(spec: dict) -> Solution:
    c = spec["header_color"]
    return Solution(answer=c, distractors=similar_colors(c), fields=_fields(spec))


# --- structure ------------------------------------------------------------------------------
@T.solve("table.count_rows")
def _count_rows(spec: dict) -> Solution:
    return count_solution(len(spec["rows"]), _fields(spec), (len(spec["columns"]),))


@T.solve("table.count_columns")
def _count_columns(spec: dict) -> Solution:
    return count_solution(len(spec["columns"]), _fields(spec), (len(spec["rows"]),))


@T.bind("table.column_at")
def _bind_column_at(spec: dict, rng: np.random.Generator) -> dict:
    return {"position": randint(rng, 0, len(spec["columns"]) - 1)}


@T.solve("table.column_at")
def _column_at(spec: dict, position: int) -> Solution:
    names = [c["name"] for c in spec["columns"]]
    f = _fields(spec)
    f["ordinal"] = chart_vocab()["ordinals"][position]
    return Solution(answer=names[position], distractors=[n for n in names if n != names[position]], fields=f)


# --- reasoning ------------------------------------------------------------------------------
@T.bind("table.max_row")
def _bind_numeric(spec: dict, rng: np.random.Generator) -> dict:
    return {"column": pick(rng, _numeric(spec))}


def _extreme(spec: dict, column: str, highest: bool) -> tuple[int, str]:
    vals = _column(spec, column)
    target = max(vals) if highest else min(vals)
    if vals.count(target) != 1:
        raise NotApplicable("tie")
    i = vals.index(target)
    word = "highest" if highest else "lowest"
    return i, f"{_listing(spec, column)}. The {word} {column} is {fmt(target)} ({row_names(spec)[i]})."


def _extreme_row(spec: dict, column: str, highest: bool) -> Solution:
    i, why = _extreme(spec, column, highest)
    names = row_names(spec)
    vals = _column(spec, column)
    order = sorted(range(len(vals)), key=lambda j: vals[j], reverse=highest)
    return Solution(answer=names[i], rationale=why, distractors=[names[j] for j in order[1:]],
                    fields=_fields(spec, column))


@T.solve("table.max_row")
def _max_row(spec: dict, column: str) -> Solution:
    return _extreme_row(spec, column, True)


T.bind("table.min_row")(_bind_numeric)


@T.solve("table.min_row")
def _min_row(spec: dict, column: str) -> Solution:
    return _extreme_row(spec, column, False)


@T.bind("table.difference")
def _bind_diff(spec: dict, rng: np.random.Generator) -> dict:
    a, b = pick_n(rng, row_names(spec), 2)
    return {"a": a, "b": b, "column": pick(rng, _numeric(spec))}


@T.solve("table.difference")
def _difference(spec: dict, a: str, b: str, column: str) -> Solution:
    names, j = row_names(spec), _col(spec, column)
    va, vb = spec["rows"][names.index(a)][j], spec["rows"][names.index(b)][j]
    d = round(abs(va - vb), 2)
    return Solution(answer=d, rationale=f"{a}: {fmt(va)}, {b}: {fmt(vb)}; |{fmt(va)} - {fmt(vb)}| = {fmt(d)}.",
                    distractors=_near(d, [va, vb, round(va + vb, 2)]), fields=_fields(spec, column),
                    tolerance=0, extra=EXACT)


@T.bind("table.sum")
def _bind_additive(spec: dict, rng: np.random.Generator) -> dict:
    cols = _numeric(spec, additive=True)
    if not cols:
        raise NotApplicable("no column that adds up")
    return {"column": pick(rng, cols)}


@T.solve("table.sum")
def _sum(spec: dict, column: str) -> Solution:
    vals = _column(spec, column)
    total = round(sum(vals), 2)
    return Solution(answer=total, rationale=f"{' + '.join(fmt(v) for v in vals)} = {fmt(total)}.",
                    distractors=_near(total, [round(total - vals[0], 2), round(total - vals[-1], 2)]),
                    fields=_fields(spec, column), tolerance=0, extra=EXACT)


T.bind("table.average")(_bind_numeric)


@T.solve("table.average")
def _average(spec: dict, column: str) -> Solution:
    vals = _column(spec, column)
    total = round(sum(vals), 2)
    mean = round(total / len(vals), 2)
    return Solution(answer=mean, rationale=f"({' + '.join(fmt(v) for v in vals)}) / {len(vals)} = "
                    f"{fmt(total)} / {len(vals)} = {fmt(mean)}.",
                    distractors=_near(mean, [float(np.median(vals)), round(total / (len(vals) - 1), 2)]),
                    fields=_fields(spec, column), tolerance=0.01, extra=EXACT)


@T.bind("table.count_above")
def _bind_count_above(spec: dict, rng: np.random.Generator) -> dict:
    column = pick(rng, _numeric(spec))
    vals = sorted(_column(spec, column))
    k = randint(rng, 0, len(vals) - 2)
    mid = (vals[k] + vals[k + 1]) / 2
    whole = round(mid)
    return {"column": column, "threshold": whole if vals[k] < whole < vals[k + 1] else round(mid, 2)}


@T.solve("table.count_above")
def _count_above(spec: dict, column: str, threshold: float) -> Solution:
    vals = _column(spec, column)
    hits = [k for k, v in zip(row_names(spec), vals) if v > threshold]
    n = len(hits)
    f = _fields(spec, column)
    f["limit"] = _quantity(spec["columns"][_col(spec, column)], threshold)
    return count_solution(n, f, (len(vals) - n,),
                          f"{_listing(spec, column)}. Above {fmt(threshold)}: {', '.join(hits) or 'none'} ({n}).")


@T.bind("table.lookup")
def _bind_lookup(spec: dict, rng: np.random.Generator) -> dict:
    cols = _text_cols(spec)
    if not cols:
        raise NotApplicable("no text column to look up")
    return {"column": pick(rng, _numeric(spec)), "target": pick(rng, cols), "highest": bool(rng.random() < 0.5)}


@T.solve("table.lookup")
def _lookup(spec: dict, column: str, target: str, highest: bool) -> Solution:
    i, why = _extreme(spec, column, highest)
    v = spec["rows"][i][_col(spec, target)]
    f = _fields(spec, column)
    f.update(word="highest" if highest else "lowest", target_col=in_text(target))
    others = list(dict.fromkeys(x for x in _column(spec, target) if x != v))
    return Solution(answer=v, rationale=f"{why} Its {target} is {v}.", distractors=others, fields=f)


@T.bind("table.filter_count")
def _bind_filter(spec: dict, rng: np.random.Generator) -> dict:
    cols = _text_cols(spec)
    if not cols:
        raise NotApplicable("no text column to filter on")
    column = pick(rng, cols)
    return {"column": column, "value": pick(rng, _column(spec, column))}


@T.solve("table.filter_count")
def _filter_count(spec: dict, column: str, value: str) -> Solution:
    vals = _column(spec, column)
    hits = [k for k, v in zip(row_names(spec), vals) if v == value]
    n = len(hits)
    return count_solution(n, _fields(spec, column), (len(vals) - n,),
                          f"Rows with {column} {value}: {', '.join(hits)} ({n}).")


@T.bind("table.filtered_max")
def _bind_filtered_max(spec: dict, rng: np.random.Generator) -> dict:
    slots = _bind_filter(spec, rng)
    slots["measure"] = pick(rng, _numeric(spec))
    return slots


@T.solve("table.filtered_max")
def _filtered_max(spec: dict, column: str, value: str, measure: str) -> Solution:
    names, j, m = row_names(spec), _col(spec, column), _col(spec, measure)
    rows = [(r[m], names[i]) for i, r in enumerate(spec["rows"]) if r[j] == value]
    if len(rows) < 2:
        raise NotApplicable("fewer than two rows match")
    rows.sort(reverse=True)
    f = _fields(spec, measure)
    f["filter_col"] = in_text(column)
    listed = ", ".join(f"{n} {fmt(v)}" for v, n in rows)
    why = f"Rows with {column} {value}: {listed}. The highest {measure} is {rows[0][1]}."
    return Solution(answer=rows[0][1], rationale=why,
                    distractors=[n for _, n in rows[1:]] + [n for n in names if n not in {x for _, x in rows}],
                    fields=f)
