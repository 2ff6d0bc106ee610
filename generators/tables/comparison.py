"""Product comparison sheets: products side by side, features ticked or crossed (the
glyphs are the data a reader must see) and specifications with units, topped by the
price row. Every product differs from the others, prices are distinct, and the
best-in-class questions ask only where one product wins outright."""
from __future__ import annotations

import numpy as np

from mmsynth.errors import NotApplicable
from mmsynth.questions import Solution, Solvers
from mmsynth.rand import pick, pick_n, randint, uniform

from generators.tables.grid import Cell, Grid
from generators.tables.kinds_vocab import kinds_vocab

C = Solvers()
TICK, CROSS = "✓", "✗"


def _spec_value(rng: np.random.Generator, d: dict) -> float:
    if "choices" in d:
        return pick(rng, d["choices"])
    v = uniform(rng, *d["range"])
    if d.get("decimals"):
        return round(v, d["decimals"])
    step = d.get("round", 1)
    return int(round(v / step) * step)


def sample_comparison_spec(rng: np.random.Generator) -> dict:
    """3 to 5 products of one line, 4 to 6 features, every spec, and prices."""
    lines = kinds_vocab()["comparison"]
    name = pick(rng, sorted(lines))
    line = lines[name]
    products = pick_n(rng, line["products"], randint(rng, 3, min(5, len(line["products"]))))
    features = pick_n(rng, line["features"], randint(rng, 4, min(6, len(line["features"]))))
    while True:
        has = [[bool(rng.random() < 0.55) for _ in products] for _ in features]
        if len({tuple(col) for col in zip(*has)}) == len(products):  # no two products alike
            break
    lo, hi = line["price"]
    prices: list[float] = []
    while len(prices) < len(products):  # shop prices end in .99, and no two are the same
        p = int(uniform(rng, lo, hi)) + 0.99
        if p not in prices:
            prices.append(p)
    specs = {k: [_spec_value(rng, d) for _ in products] for k, d in line["specs"].items()}
    return {"kind": "comparison", "theme": name, "title": pick(rng, line["title"]), "products": products,
            "features": features, "has": has, "prices": prices, "specs": specs,
            "spec_info": {k: {"unit": d["unit"], "label": d["label"], "best": d["best"], "superlative": d["superlative"]}
                          for k, d in line["specs"].items()},
            "entity": "product", "entity_plural": "products", "key": "Feature",
            "columns": [{"name": "Feature", "type": "text"}] + [{"name": p, "type": "text"} for p in products],
            "rows": [[f] + [TICK if h else CROSS for h in row] for f, row in zip(features, has)],
            "header_color": None, "thousands": True}


def price_text(v: float) -> str:
    return f"${v:,.2f}"


def _spec_text(v: float, unit: str) -> str:
    return f"{v:g} {unit}".strip()


def comparison_grid(spec: dict) -> Grid:
    header = [[Cell("")] + [Cell(p, align="center", bold=True) for p in spec["products"]]]
    body = [[Cell("Price", bold=True)] + [Cell(price_text(v), align="center", bold=True) for v in spec["prices"]]]
    for k, vals in spec["specs"].items():
        unit = spec["spec_info"][k]["unit"]
        body.append([Cell(k)] + [Cell(_spec_text(v, unit), align="center") for v in vals])
    for row in spec["rows"]:
        body.append([Cell(row[0])] + [Cell(c, align="center", role="glyph", scale=1.5) for c in row[1:]])
    return Grid(spec["title"], header, body, rule_above={1 + len(spec["specs"])})


# --- solvers -------------------------------------------------------------------------------
def _has(spec: dict, product: str, feature: str) -> bool:
    return spec["has"][spec["features"].index(feature)][spec["products"].index(product)]


@C.bind("table.cmp_has")
def _bind_has(spec: dict, rng: np.random.Generator) -> dict:
    return {"product": pick(rng, spec["products"]), "feature": pick(rng, spec["features"])}


@C.solve("table.cmp_has")
def _has_feature(spec: dict, product: str, feature: str) -> Solution:
    yes = _has(spec, product, feature)
    return Solution(answer="yes" if yes else "no", rationale=f"The {feature} row shows {TICK if yes else CROSS} "
                                                             f"under {product}.", distractors=["no" if yes else "yes"],
                    fields={"feature_text": feature.lower()})


def _tick_count(got: list[str], out_of: int, where: str, fields: dict | None = None) -> Solution:
    """A count of ticks, listed in the rationale; off-by-one and the crosses are the distractors."""
    n = len(got)
    return Solution(answer=n, rationale=f"Ticks {where}: {', '.join(got) or 'none'} ({n}).",
                    distractors=[n + 1, n - 1, out_of - n], fields=fields or {})


@C.bind("table.cmp_count_features")
def _bind_count_features(spec: dict, rng: np.random.Generator) -> dict:
    return {"product": pick(rng, spec["products"])}


@C.solve("table.cmp_count_features")
def _count_features(spec: dict, product: str) -> Solution:
    return _tick_count([f for f in spec["features"] if _has(spec, product, f)], len(spec["features"]),
                       f"under {product}")


@C.bind("table.cmp_count_products")
def _bind_count_products(spec: dict, rng: np.random.Generator) -> dict:
    return {"feature": pick(rng, spec["features"])}


@C.solve("table.cmp_count_products")
def _count_products(spec: dict, feature: str) -> Solution:
    return _tick_count([p for p in spec["products"] if _has(spec, p, feature)], len(spec["products"]),
                       f"for {feature}", {"feature_text": feature.lower()})


@C.solve("table.cmp_most_features")
def _most_features(spec: dict) -> Solution:
    counts = [sum(_has(spec, p, f) for f in spec["features"]) for p in spec["products"]]
    best = max(counts)
    if counts.count(best) > 1:
        raise NotApplicable("a tie")
    p = spec["products"][counts.index(best)]
    return Solution(answer=p, rationale=", ".join(f"{q} {c}" for q, c in zip(spec["products"], counts)) + " ticks.",
                    distractors=[q for q in spec["products"] if q != p])


@C.bind("table.cmp_price")
def _bind_price(spec: dict, rng: np.random.Generator) -> dict:
    return {"product": pick(rng, spec["products"])}


@C.solve("table.cmp_price")
def _price(spec: dict, product: str) -> Solution:
    v = spec["prices"][spec["products"].index(product)]
    return Solution(answer=v, distractors=[p for p in spec["prices"] if p != v] + [round(v + 10, 2)], tolerance=0,
                    extra={"readable_from": "annotation"})


@C.bind("table.cmp_cheapest_with")
def _bind_cheapest_with(spec: dict, rng: np.random.Generator) -> dict:
    return {"feature": pick(rng, spec["features"])}


@C.solve("table.cmp_cheapest_with")
def _cheapest_with(spec: dict, feature: str) -> Solution:
    got = [(spec["prices"][i], p) for i, p in enumerate(spec["products"]) if _has(spec, p, feature)]
    if not got:
        raise NotApplicable("no product has it")
    price, p = min(got)
    return Solution(answer=p, rationale=f"With {feature}: " + ", ".join(f"{q} {price_text(v)}" for v, q in got)
                    + f"; the cheapest is {p}.", distractors=[q for q in spec["products"] if q != p],
                    fields={"feature_text": feature.lower()})


@C.bind("table.cmp_price_gap")
def _bind_price_gap(spec: dict, rng: np.random.Generator) -> dict:
    a, b = pick_n(rng, range(len(spec["products"])), 2)
    a, b = (a, b) if spec["prices"][a] > spec["prices"][b] else (b, a)
    return {"a": spec["products"][a], "b": spec["products"][b]}


@C.solve("table.cmp_price_gap")
def _price_gap(spec: dict, a: str, b: str) -> Solution:
    pa, pb = spec["prices"][spec["products"].index(a)], spec["prices"][spec["products"].index(b)]
    d = round(pa - pb, 2)
    return Solution(answer=d, rationale=f"{price_text(pa)} - {price_text(pb)} = {d:g}.",
                    distractors=[round(pa + pb, 2), round(d + 10, 2), -d], tolerance=0,
                    extra={"readable_from": "annotation"})


@C.bind("table.cmp_best_spec")
def _bind_best_spec(spec: dict, rng: np.random.Generator) -> dict:
    return {"spec_name": pick(rng, sorted(spec["specs"]))}


@C.solve("table.cmp_best_spec")
def _best_spec(spec: dict, spec_name: str) -> Solution:
    vals, info = spec["specs"][spec_name], spec["spec_info"][spec_name]
    best = max(vals) if info["best"] == "most" else min(vals)
    if vals.count(best) > 1:
        raise NotApplicable("a tie")
    p = spec["products"][vals.index(best)]
    return Solution(answer=p, rationale=", ".join(f"{q} {_spec_text(v, info['unit'])}" for q, v in
                                                  zip(spec["products"], vals)) + ".",
                    distractors=[q for q in spec["products"] if q != p],
                    fields={"superlative": info["superlative"], "label": info["label"]})
