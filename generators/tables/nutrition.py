"""Nutrition facts labels of foods whose nutrients belong to them (each product has its
own per-serving ranges): calories follow from fat, carbohydrate and protein (9/4/4 kcal
per gram, rounded as labels round), sub-nutrients sit indented under their parent and
never exceed it, and every % daily value is computed from the reference daily values."""
from __future__ import annotations

import math

import numpy as np

from mmsynth.errors import NotApplicable
from mmsynth.questions import Solution, Solvers
from mmsynth.rand import pick, randint, uniform

from generators.tables.grid import Cell, Grid
from generators.tables.kinds_vocab import kinds_vocab, number_column

N = Solvers()
# name, unit, daily value (None: no %DV printed), indent level
NUTRIENTS = [("Total Fat", "g", 78, 0), ("Saturated Fat", "g", 20, 1), ("Trans Fat", "g", None, 1),
             ("Cholesterol", "mg", 300, 0), ("Sodium", "mg", 2300, 0), ("Total Carbohydrate", "g", 275, 0),
             ("Dietary Fiber", "g", 28, 1), ("Total Sugars", "g", None, 1), ("Added Sugars", "g", 50, 2),
             ("Protein", "g", None, 0)]
INFO = {n: (u, dv, lvl) for n, u, dv, lvl in NUTRIENTS}
PARTS = {"Total Fat": ["Saturated Fat", "Trans Fat"], "Total Carbohydrate": ["Dietary Fiber", "Total Sugars"]}


def daily_value(name: str, amount: float) -> int | None:
    dv = INFO[name][1]
    return None if dv is None else int(round(100 * amount / dv))


def sample_nutrition_spec(rng: np.random.Generator) -> dict:
    """One product's label: serving, servings per container, calories and nutrients."""
    products = kinds_vocab()["nutrition"]["products"]
    name = pick(rng, sorted(products))
    p = products[name]
    fat = randint(rng, *p["fat"])
    carb = randint(rng, *p["carb"])
    sugar = min(randint(rng, *p["sugar"]), carb)
    fiber = min(randint(rng, *p["fiber"]), carb - sugar)
    amounts = {"Total Fat": fat, "Saturated Fat": round(fat * uniform(rng, *p["sat_share"]) * 2) / 2,
               "Trans Fat": 0, "Cholesterol": 5 * round(randint(rng, *p["cholesterol"]) / 5),
               "Sodium": 5 * round(randint(rng, *p["sodium"]) / 5), "Total Carbohydrate": carb,
               "Dietary Fiber": fiber, "Total Sugars": sugar,
               "Added Sugars": int(math.floor(sugar * uniform(rng, *p["added"]))), "Protein": randint(rng, *p["protein"])}
    amounts = {k: int(v) if float(v).is_integer() else v for k, v in amounts.items()}
    calories = 10 * round((9 * fat + 4 * carb + 4 * amounts["Protein"]) / 10)
    rows = [[n, amounts[n], daily_value(n, amounts[n])] for n, *_ in NUTRIENTS]
    return {"kind": "nutrition", "theme": name, "title": "Nutrition Facts", "product": name,
            "serving": p["serving"], "servings": randint(rng, *p["servings"]), "calories": calories,
            "entity": "nutrient", "entity_plural": "nutrients", "key": "Nutrient",
            "columns": [{"name": "Nutrient", "type": "text"}, number_column("Amount", additive=False),
                        number_column("% Daily Value", additive=False)],
            "rows": rows, "header_color": None, "thousands": False}


def _amount_text(name: str, v: float) -> str:
    return f"{name} {v:g}{INFO[name][0]}"


def nutrition_grid(spec: dict) -> Grid:
    """The label: servings and calories first, then each nutrient with its amount and %DV."""
    header = [[Cell(f"{spec['servings']} servings per container", span=2), None],
              [Cell("Serving size", bold=True), Cell(spec["serving"], align="right", bold=True)],
              [Cell("Calories per serving", bold=True), Cell(str(spec["calories"]), align="right", bold=True)],
              [Cell(""), Cell("% Daily Value*", align="right", bold=True)]]
    body, indent = [], []
    for name, amount, dv in spec["rows"]:
        level = INFO[name][2]
        body.append([Cell(_amount_text(name, amount), bold=level == 0),
                     Cell("" if dv is None else f"{dv}%", align="right", bold=True)])
        indent.append(level)
    return Grid(f"{spec['title']}: {spec['product']}", header, body, indent,
                subtitle="*Percent Daily Values are based on a 2,000 calorie diet.")


# --- solvers -------------------------------------------------------------------------------
def _row(spec: dict, name: str) -> list:
    return next(r for r in spec["rows"] if r[0] == name)


@N.bind("table.nut_amount")
def _bind_amount(spec: dict, rng: np.random.Generator) -> dict:
    return {"nutrient": pick(rng, [r[0] for r in spec["rows"]])}


@N.solve("table.nut_amount")
def _amount(spec: dict, nutrient: str) -> Solution:
    v = _row(spec, nutrient)[1]
    unit = {"g": "grams", "mg": "milligrams"}[INFO[nutrient][0]]
    return Solution(answer=v, distractors=[r[1] for r in spec["rows"] if r[1] != v][:3] + [v + 1],
                    fields={"unit": unit, "nutrient_text": nutrient.lower()}, tolerance=0,
                    extra={"readable_from": "annotation"})


@N.bind("table.nut_dv")
def _bind_dv(spec: dict, rng: np.random.Generator) -> dict:
    return {"nutrient": pick(rng, [r[0] for r in spec["rows"] if r[2] is not None])}


@N.solve("table.nut_dv")
def _dv(spec: dict, nutrient: str) -> Solution:
    v = _row(spec, nutrient)[2]
    return Solution(answer=v, distractors=[r[2] for r in spec["rows"] if r[2] is not None and r[2] != v] + [v + 5],
                    fields={"nutrient_text": nutrient.lower()}, tolerance=0, extra={"readable_from": "annotation"})


@N.solve("table.nut_calories")
def _calories(spec: dict) -> Solution:
    c = spec["calories"]
    return Solution(answer=c, distractors=[c + 10, c - 10, c * spec["servings"]], tolerance=0,
                    extra={"readable_from": "annotation"})


@N.solve("table.nut_container")
def _container(spec: dict) -> Solution:
    c, n = spec["calories"], spec["servings"]
    if n == 1:
        raise NotApplicable("one serving: the container is the serving")
    return Solution(answer=c * n, rationale=f"{c} calories x {n} servings = {c * n}.",
                    distractors=[c, c * (n + 1), c * (n - 1)])


@N.bind("table.nut_scaled")
def _bind_scaled(spec: dict, rng: np.random.Generator) -> dict:
    return {"nutrient": pick(rng, [r[0] for r in spec["rows"] if r[1]]), "k": randint(rng, 2, 4)}


@N.solve("table.nut_scaled")
def _scaled(spec: dict, nutrient: str, k: int) -> Solution:
    v = _row(spec, nutrient)[1]
    total = round(v * k, 2)
    unit = {"g": "grams", "mg": "milligrams"}[INFO[nutrient][0]]
    return Solution(answer=total, rationale=f"{v:g} x {k} = {total:g}.", distractors=[v, round(v * (k + 1), 2), v + k],
                    fields={"unit": unit, "nutrient_text": nutrient.lower()})


@N.solve("table.nut_highest_dv")
def _highest_dv(spec: dict) -> Solution:
    dvs = [(r[2], r[0]) for r in spec["rows"] if r[2] is not None]
    best = max(dvs)
    if [d for d, _ in dvs].count(best[0]) > 1:
        raise NotApplicable("a tie")
    return Solution(answer=best[1], rationale=f"{best[1]} has the largest % Daily Value ({best[0]}%).",
                    distractors=[n for _, n in sorted(dvs, reverse=True)[1:]])


@N.bind("table.nut_rest_of")
def _bind_rest_of(spec: dict, rng: np.random.Generator) -> dict:
    return {"parent": pick(rng, sorted(PARTS))}


@N.solve("table.nut_rest_of")
def _rest_of(spec: dict, parent: str) -> Solution:
    whole = _row(spec, parent)[1]
    parts = [_row(spec, p)[1] for p in PARTS[parent]]
    rest = round(whole - sum(parts), 2)
    names = " and ".join(p.lower() for p in PARTS[parent])
    return Solution(answer=rest, rationale=f"{whole:g} - {' - '.join(f'{p:g}' for p in parts)} = {rest:g}.",
                    distractors=[whole, round(whole - parts[0], 2), round(rest + 1, 2)],
                    fields={"parent_text": parent.lower(), "parts": names})


@N.solve("table.nut_servings")
def _servings(spec: dict) -> Solution:
    n = spec["servings"]
    return Solution(answer=n, distractors=[n + 1, n - 1, n * 2])


@N.bind("table.nut_count_dv")
def _bind_count_dv(spec: dict, rng: np.random.Generator) -> dict:
    dvs = sorted({r[2] for r in spec["rows"] if r[2] is not None})
    gaps = [(a, b) for a, b in zip(dvs, dvs[1:]) if b - a >= 2]
    if not gaps:
        raise NotApplicable("no threshold")
    a, b = pick(rng, gaps)
    return {"limit": (a + b) // 2}


@N.solve("table.nut_count_dv")
def _count_dv(spec: dict, limit: int) -> Solution:
    over = [r[0] for r in spec["rows"] if r[2] is not None and r[2] > limit]
    if any(r[2] == limit for r in spec["rows"]):
        raise NotApplicable("a value on the threshold")
    n = len(over)
    return Solution(answer=n, rationale=f"Above {limit}%: {', '.join(over) or 'none'} ({n}).",
                    distractors=[n + 1, n - 1, n + 2])
