"""A safe interpreter of the flowchart program AST: it walks the dataclasses (no
``exec``/``eval``), with Python's integer semantics, a step budget and a value bound,
and records what questions ask about: outputs, final values, how often each statement
ran, and the variables after every pass of each loop.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from generators.flowcharts.program import (Assign, Cmp, Expr, If, Num, Output, Program, Stmt, Var,
                                           While, statements)

MAX_STEPS = 5000
MAX_VALUE = 10**9
MAX_LOG = 40


class ExecutionError(Exception):
    """The program does not finish cleanly (step budget, division by zero, unbound variable, overflow)."""


@dataclass
class Trace:
    outputs: list[int] = field(default_factory=list)
    env: dict[str, int] = field(default_factory=dict)
    runs: dict[int, int] = field(default_factory=dict)          # statement number -> executions
    passes: dict[int, list[dict[str, int]]] = field(default_factory=dict)  # while number -> env after each pass
    log: list[tuple[int, int | bool]] = field(default_factory=list)  # (statement, value) of the first events
    steps: int = 0


class _Machine:
    def __init__(self, program: Program, max_steps: int) -> None:
        self.number = {id(s): k for k, s in enumerate(statements(program.body))}
        self.max_steps = max_steps
        self.trace = Trace()

    def value(self, e: Expr | Cmp) -> int | bool:
        if isinstance(e, Num):
            return e.value
        if isinstance(e, Var):
            if e.name not in self.trace.env:
                raise ExecutionError(f"variable {e.name} is read before it is set")
            return self.trace.env[e.name]
        a, b = self.value(e.left), self.value(e.right)
        if isinstance(e, Cmp):
            return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b, "==": a == b, "!=": a != b}[e.op]
        if e.op in ("//", "%") and b == 0:
            raise ExecutionError("division by zero")
        v = {"+": a + b, "-": a - b, "*": a * b, "//": a // b if b else 0, "%": a % b if b else 0}[e.op]
        if abs(v) > MAX_VALUE:
            raise ExecutionError(f"value {v} out of range")
        return v

    def tick(self, s: Stmt) -> int:
        self.trace.steps += 1
        if self.trace.steps > self.max_steps:
            raise ExecutionError(f"no end within {self.max_steps} steps")
        k = self.number[id(s)]
        self.trace.runs[k] = self.trace.runs.get(k, 0) + 1
        return k

    def block(self, body: list[Stmt]) -> None:
        for s in body:
            self.stmt(s)

    def stmt(self, s: Stmt) -> None:
        k = self.tick(s)
        if isinstance(s, Assign):
            self.trace.env[s.target] = self.note(k, self.value(s.expr))
        elif isinstance(s, Output):
            self.trace.outputs.append(self.note(k, self.value(s.expr)))
        elif isinstance(s, If):
            self.block(s.then if self.note(k, self.value(s.cond)) else s.orelse)
        elif isinstance(s, While):
            passes = self.trace.passes.setdefault(k, [])
            while self.note(k, self.value(s.cond)):
                self.block(s.body)
                passes.append(dict(self.trace.env))
                self.tick(s)

    def note(self, k: int, value: int | bool) -> int | bool:
        """Log an event (for rationales) and pass its value through."""
        if len(self.trace.log) < MAX_LOG:
            self.trace.log.append((k, value))
        return value


def run(program: Program, inputs: dict[str, int], max_steps: int = MAX_STEPS) -> Trace:
    """Execute ``program`` on ``inputs``; raises ExecutionError when it does not finish cleanly."""
    missing = [n for n in program.inputs if n not in inputs]
    if missing:
        raise ExecutionError(f"no value for input {', '.join(missing)}")
    m = _Machine(program, max_steps)
    m.trace.env = {n: int(inputs[n]) for n in program.inputs}
    m.block(program.body)
    return m.trace
