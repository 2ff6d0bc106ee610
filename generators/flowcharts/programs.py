"""Sampler of small programs for algorithm flowcharts: classic loop and branch shapes
(running sums, filtered counts, countdowns, Collatz, digit sums, doubling, piecewise
rules, products, subtractive GCD) with random constants, operators and variable names.

Every program is run on every input of its domain before it is accepted, so each
question about it has a terminating, bounded answer.
"""
from __future__ import annotations

import itertools
from functools import lru_cache
from pathlib import Path
from typing import Callable

import numpy as np
import yaml

from generators.flowcharts.interpreter import ExecutionError, run
from generators.flowcharts.program import (Assign, Bin, Cmp, If, Num, Output, Program, Var, While,
                                           program_to_json)
from mmsynth.rand import pick, randint

V, N = Var, Num


def B(op: str, a, b) -> Bin:
    return Bin(op, a, b)


def C(op: str, a, b) -> Cmp:
    return Cmp(op, a, b)


def inc(name: str, by: int = 1) -> Assign:
    return Assign(name, B("+", V(name), N(by)))


@lru_cache(maxsize=None)
def vocab() -> dict:
    return yaml.safe_load(Path(__file__).with_name("vocab.yaml").read_text())


Shape = Callable[[np.random.Generator, dict], tuple[Program, dict[str, list[int]]]]


def sum_loop(rng, v) -> tuple[Program, dict]:
    i, s, n = v["counter"], v["acc"], v["input"]
    term = pick(rng, [V(i), B("*", V(i), N(randint(rng, 2, 4))), B("*", V(i), V(i)),
                      B("+", V(i), N(randint(rng, 1, 3)))])
    step = pick(rng, [1, 1, 2])
    return Program([n], [Assign(s, N(pick(rng, [0, 0, 1, 5]))), Assign(i, N(pick(rng, [0, 1, 1]))),
                         While(C(pick(rng, ["<=", "<"]), V(i), V(n)),
                               [Assign(s, B("+", V(s), term)), inc(i, step)]),
                         Output(V(s))]), {n: [1, 7]}


def filter_loop(rng, v) -> tuple[Program, dict]:
    i, s, n = v["counter"], v["acc"], v["input"]
    k = randint(rng, 2, 3)
    other = pick(rng, [[], [Assign(s, B("-", V(s), N(1)))], [Assign(s, B("+", V(s), N(randint(rng, 2, 5))))]])
    return Program([n], [Assign(s, N(0)), Assign(i, N(1)),
                         While(C("<=", V(i), V(n)),
                               [If(C(pick(rng, ["==", "!="]), B("%", V(i), N(k)), N(0)),
                                   [Assign(s, B("+", V(s), V(i)))], other), inc(i)]),
                         Output(V(s))]), {n: [2, 9]}


def countdown(rng, v) -> tuple[Program, dict]:
    n, c = v["input"], v["tally"]
    d, t = randint(rng, 2, 5), randint(rng, 0, 3)
    out = pick(rng, [V(c), V(n)])
    return Program([n], [Assign(c, N(0)),
                         While(C(">", V(n), N(t)), [Assign(n, B("-", V(n), N(d))), inc(c)]),
                         Output(out)]), {n: [5, 30]}


def collatz(rng, v) -> tuple[Program, dict]:
    n, c = v["input"], v["tally"]
    return Program([n], [Assign(c, N(0)),
                         While(C("!=", V(n), N(1)),
                               [If(C("==", B("%", V(n), N(2)), N(0)),
                                   [Assign(n, B("//", V(n), N(2)))],
                                   [Assign(n, B("+", B("*", N(3), V(n)), N(1)))]),
                                inc(c)]),
                         Output(V(c))]), {n: [2, 12]}


def digits(rng, v) -> tuple[Program, dict]:
    n, s = v["input"], v["acc"]
    base = pick(rng, [10, 10, 2])
    return Program([n], [Assign(s, N(0)),
                         While(C(">", V(n), N(0)),
                               [Assign(s, B("+", V(s), B("%", V(n), N(base)))), Assign(n, B("//", V(n), N(base)))]),
                         Output(V(s))]), {n: [10, 99] if base == 10 else [3, 40]}


def doubling(rng, v) -> tuple[Program, dict]:
    n, p, c = v["input"], v["prod"], v["tally"]
    k = randint(rng, 2, 3)
    return Program([n], [Assign(p, N(1)), Assign(c, N(0)),
                         While(C(pick(rng, ["<", "<="]), V(p), V(n)), [Assign(p, B("*", V(p), N(k))), inc(c)]),
                         Output(pick(rng, [V(c), V(p)]))]), {n: [2, 60]}


def branches(rng, v) -> tuple[Program, dict]:
    n, y = v["input"], v["result"]
    t, a, b = randint(rng, 3, 8), randint(rng, 2, 4), randint(rng, 1, 9)
    inner = If(C("==", B("%", V(n), N(2)), N(0)), [Assign(y, B("//", V(n), N(2)))], [Assign(y, B("+", V(n), N(b)))])
    body = [If(C(pick(rng, [">", ">="]), V(n), N(t)), [Assign(y, B("*", V(n), N(a)))],
               [inner] if rng.random() < 0.5 else [Assign(y, B("-", N(t), V(n)))])]
    if rng.random() < 0.5:
        body.append(If(C(">", V(y), N(randint(rng, 10, 20))), [Assign(y, B("-", V(y), N(10)))]))
    return Program([n], body + [Output(V(y))]), {n: [0, 12]}


def factorial(rng, v) -> tuple[Program, dict]:
    n, f, i = v["input"], v["prod"], v["counter"]
    return Program([n], [Assign(f, N(1)), Assign(i, N(pick(rng, [1, 2]))),
                         While(C("<=", V(i), V(n)), [Assign(f, B("*", V(f), V(i))), inc(i)]),
                         Output(V(f))]), {n: [1, 7]}


def gcd(rng, v) -> tuple[Program, dict]:
    a, b = v["pair"]
    return Program([a, b], [While(C("!=", V(a), V(b)),
                                  [If(C(">", V(a), V(b)), [Assign(a, B("-", V(a), V(b)))],
                                      [Assign(b, B("-", V(b), V(a)))])]),
                            Output(V(a))]), {a: [2, 24], b: [2, 24]}


SHAPES: dict[str, Shape] = {"sum_loop": sum_loop, "filter_loop": filter_loop, "countdown": countdown,
                            "collatz": collatz, "digits": digits, "doubling": doubling, "branches": branches,
                            "factorial": factorial, "gcd": gcd}


def _names(rng: np.random.Generator) -> dict:
    voc = vocab()
    counter, acc = pick(rng, voc["counters"]), pick(rng, voc["accumulators"])
    tally, prod, result = pick(rng, voc["tallies"]), pick(rng, voc["products"]), pick(rng, voc["results"])
    inp = pick(rng, [x for x in voc["inputs"] if x not in (counter, acc, tally, prod, result)])
    return {"counter": counter, "acc": acc, "tally": tally, "prod": prod, "result": result, "input": inp,
            "pair": pick(rng, voc["pairs"])}


def domain_inputs(domain: dict[str, list[int]]) -> list[dict[str, int]]:
    """Every input assignment of a domain (the product of the inclusive ranges)."""
    names = list(domain)
    return [dict(zip(names, vals)) for vals in itertools.product(*(range(lo, hi + 1) for lo, hi in domain.values()))]


def sample_program(rng: np.random.Generator) -> dict:
    """One algorithm flowchart spec: the program (JSON AST), its input domain and a title."""
    while True:
        shape = pick(rng, sorted(SHAPES))
        program, domain = SHAPES[shape](rng, _names(rng))
        try:
            for inputs in domain_inputs(domain):
                run(program, inputs)
        except ExecutionError:
            continue
        return {"kind": "algorithm", "shape": shape, "title": pick(rng, vocab()["algorithm_titles"][shape]),
                "program": program_to_json(program), "domain": domain}
