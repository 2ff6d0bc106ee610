"""Income statements as companies print them: line items under a multi-level header
("Year ended 31 December" over two or three years), costs as negative amounts in
parentheses, and bold subtotals that are exactly the sums of the lines above them
(gross profit, operating profit, profit before tax, net profit)."""
from __future__ import annotations

import numpy as np

from mmsynth.errors import NotApplicable
from mmsynth.questions import Solution, Solvers
from mmsynth.rand import pick, pick_n, randint, uniform
from mmsynth.record import format_number as fmt

from generators.tables.grid import Cell, Grid
from generators.tables.kinds_vocab import kinds_vocab, number_column

F = Solvers()
SUBTOTALS = ("Gross profit", "Operating profit", "Profit before tax", "Net profit")
MARGINS = {"gross": "Gross profit", "operating": "Operating profit", "net": "Net profit"}


def amount(v: int) -> str:
    """An amount as statements print it: thousands separated, negatives in parentheses."""
    return f"({abs(v):,})" if v < 0 else f"{v:,}"


def _year_lines(rng: np.random.Generator, revenue: int, operating: list[str], shares: dict) -> list[tuple[str, int]]:
    """One year's lines, each cost a share of revenue with a little noise; subtotals summed."""
    def cost(name: str) -> int:
        return -int(round(revenue * shares[name] * uniform(rng, 0.92, 1.08)))
    lines = [("Revenue", revenue), ("Cost of sales", cost("Cost of sales"))]
    lines.append(("Gross profit", sum(v for _, v in lines)))
    lines += [(name, cost(name)) for name in operating]
    lines.append(("Operating profit", lines[2][1] + sum(v for n, v in lines[3:])))
    fin_in, fin_cost = int(revenue * uniform(rng, 0.001, 0.01)), cost("Finance costs")
    lines += [("Finance income", fin_in), ("Finance costs", fin_cost)]
    pbt = lines[-3][1] + fin_in + fin_cost
    lines.append(("Profit before tax", pbt))
    tax = -int(round(max(pbt, 0) * uniform(rng, 0.18, 0.3)))
    lines += [("Income tax", tax), ("Net profit", pbt + tax)]
    return lines


def sample_financial_spec(rng: np.random.Generator) -> dict:
    """An income statement of one fictional company over two or three years."""
    v = kinds_vocab()["financial"]
    years = [str(y) for y in pick(rng, v["years"])]
    operating = sorted(pick_n(rng, v["operating"], randint(rng, 2, 3)), key=v["operating"].index)
    shares = {"Cost of sales": uniform(rng, 0.45, 0.7), "Finance costs": uniform(rng, 0.005, 0.03)}
    shares.update({n: uniform(rng, 0.04, 0.14) for n in operating})
    revenue = randint(rng, 8_000, 900_000)
    per_year = []
    for _ in years:
        per_year.append(_year_lines(rng, revenue, operating, shares))
        revenue = int(revenue * (1 + rng.normal(0.05, 0.1)))
    items = [name for name, _ in per_year[0]]
    columns = [{"name": "Item", "type": "text"}] + [number_column(y, additive=False) for y in years]
    return {"kind": "financial", "theme": "income_statement", "title": f"{pick(rng, v['companies'])}",
            "statement": pick(rng, v["statements"]), "currency": pick(rng, v["currencies"]),
            "period": "Year ended 31 December", "entity": "line item", "entity_plural": "line items", "key": "Item",
            "columns": columns, "rows": [[name] + [ly[i][1] for ly in per_year] for i, name in enumerate(items)],
            "header_color": None, "thousands": True}


def financial_grid(spec: dict) -> Grid:
    years = [c["name"] for c in spec["columns"][1:]]
    header = [[Cell("")] + [Cell(spec["period"], align="center", bold=True, span=len(years))] + [None] * (len(years) - 1),
              [Cell("")] + [Cell(y, align="right", bold=True) for y in years]]
    body, rules = [], set()
    for i, row in enumerate(spec["rows"]):
        sub = row[0] in SUBTOTALS
        if sub:
            rules.add(i)
        body.append([Cell(row[0], bold=sub)] + [Cell(amount(v), align="right", bold=sub) for v in row[1:]])
    indent = [0 if r[0] in SUBTOTALS or r[0] == "Revenue" else 1 for r in spec["rows"]]
    return Grid(f"{spec['title']}: {spec['statement'].lower()}", header, body, indent, rules,
                subtitle=spec["currency"])


# --- solvers -------------------------------------------------------------------------------
def _years(spec: dict) -> list[str]:
    return [c["name"] for c in spec["columns"][1:]]


def _get(spec: dict, item: str, year: str) -> int:
    row = next(r for r in spec["rows"] if r[0] == item)
    return row[1 + _years(spec).index(year)]


def _items(spec: dict) -> list[str]:
    return [r[0] for r in spec["rows"]]


def _costs(spec: dict) -> list[str]:
    return [r[0] for r in spec["rows"] if r[0] not in SUBTOTALS and r[0] not in ("Revenue", "Finance income")]


EXACT = {"readable_from": "annotation"}


@F.bind("table.fin_value")
def _bind_value(spec: dict, rng: np.random.Generator) -> dict:
    return {"item": pick(rng, _items(spec)), "year": pick(rng, _years(spec))}


@F.solve("table.fin_value")
def _value(spec: dict, item: str, year: str) -> Solution:
    v = _get(spec, item, year)
    others = [_get(spec, item, y) for y in _years(spec)]
    return Solution(answer=v, distractors=[-v] + [o for o in others if o != v] + [v + 100, v - 100],
                    tolerance=0, extra=EXACT)


@F.bind("table.fin_change")
def _bind_change(spec: dict, rng: np.random.Generator) -> dict:
    a, b = sorted(pick_n(rng, range(len(_years(spec))), 2))
    return {"item": pick(rng, ["Revenue", *SUBTOTALS]), "y1": _years(spec)[a], "y2": _years(spec)[b]}


@F.solve("table.fin_change")
def _change(spec: dict, item: str, y1: str, y2: str) -> Solution:
    a, b = _get(spec, item, y1), _get(spec, item, y2)
    return Solution(answer=b - a, rationale=f"{item}: {amount(b)} in {y2} minus {amount(a)} in {y1} = {b - a:,}.",
                    distractors=[a - b, b + a, b - a + 1000], tolerance=0, extra=EXACT)


@F.bind("table.fin_growth")
def _bind_growth(spec: dict, rng: np.random.Generator) -> dict:
    i = randint(rng, 1, len(_years(spec)) - 1)
    return {"y1": _years(spec)[i - 1], "y2": _years(spec)[i]}


@F.solve("table.fin_growth")
def _growth(spec: dict, y1: str, y2: str) -> Solution:
    a, b = _get(spec, "Revenue", y1), _get(spec, "Revenue", y2)
    g = round(100 * (b - a) / a, 1)
    return Solution(answer=g, rationale=f"({b:,} - {a:,}) / {a:,} = {fmt(g)}%.",
                    distractors=[-g, round(g + 2, 1), round(100 * (b - a) / b, 1)], tolerance=0.1, extra=EXACT)


@F.bind("table.fin_margin")
def _bind_margin(spec: dict, rng: np.random.Generator) -> dict:
    return {"margin": pick(rng, sorted(MARGINS)), "year": pick(rng, _years(spec))}


@F.solve("table.fin_margin")
def _margin(spec: dict, margin: str, year: str) -> Solution:
    p, r = _get(spec, MARGINS[margin], year), _get(spec, "Revenue", year)
    m = round(100 * p / r, 1)
    others = [round(100 * _get(spec, n, year) / r, 1) for n in MARGINS.values() if n != MARGINS[margin]]
    return Solution(answer=m, rationale=f"{MARGINS[margin]} {amount(p)} / revenue {r:,} = {fmt(m)}%.",
                    distractors=others + [round(m + 3, 1)], tolerance=0.1, extra=EXACT)


@F.bind("table.fin_largest_cost")
def _bind_largest_cost(spec: dict, rng: np.random.Generator) -> dict:
    return {"year": pick(rng, _years(spec))}


@F.solve("table.fin_largest_cost")
def _largest_cost(spec: dict, year: str) -> Solution:
    costs = {c: -_get(spec, c, year) for c in _costs(spec)}
    ranked = sorted(costs, key=costs.get, reverse=True)
    if costs[ranked[0]] == costs[ranked[1]]:
        raise NotApplicable("a tie")
    return Solution(answer=ranked[0], rationale=f"The largest amount in parentheses in {year} is {ranked[0]} "
                                                f"({costs[ranked[0]]:,}).", distractors=ranked[1:])


@F.bind("table.fin_count_negative")
def _bind_count_negative(spec: dict, rng: np.random.Generator) -> dict:
    return {"year": pick(rng, _years(spec))}


@F.solve("table.fin_count_negative")
def _count_negative(spec: dict, year: str) -> Solution:
    neg = [i for i in _items(spec) if _get(spec, i, year) < 0]
    n = len(neg)
    return Solution(answer=n, rationale=f"In parentheses in {year}: {', '.join(neg)} ({n}).",
                    distractors=[n + 1, n - 1, len(_items(spec)) - n])


@F.bind("table.fin_best_year")
def _bind_best_year(spec: dict, rng: np.random.Generator) -> dict:
    return {"item": pick(rng, ["Revenue", *SUBTOTALS])}


@F.solve("table.fin_best_year")
def _best_year(spec: dict, item: str) -> Solution:
    vals = [_get(spec, item, y) for y in _years(spec)]
    if vals.count(max(vals)) > 1:
        raise NotApplicable("a tie")
    year = _years(spec)[vals.index(max(vals))]
    return Solution(answer=year, rationale=", ".join(f"{y}: {amount(v)}" for y, v in zip(_years(spec), vals)) + ".",
                    distractors=[y for y in _years(spec) if y != year])


@F.bind("table.fin_operating_costs")
def _bind_operating_costs(spec: dict, rng: np.random.Generator) -> dict:
    return {"year": pick(rng, _years(spec))}


@F.solve("table.fin_operating_costs")
def _operating_costs(spec: dict, year: str) -> Solution:
    items = _items(spec)
    lines = items[items.index("Gross profit") + 1:items.index("Operating profit")]
    total = sum(-_get(spec, i, year) for i in lines)
    return Solution(answer=total, rationale=" + ".join(f"{-_get(spec, i, year):,}" for i in lines) + f" = {total:,}.",
                    distractors=[total + 1000, -total, -_get(spec, "Cost of sales", year)], tolerance=0, extra=EXACT)
