"""The small program language of algorithm flowcharts: a dataclass AST, its JSON form
(stored in the sample's ``source``) and the text each node shows in the chart.

Expressions: integers, variables, ``+ - * // %`` and comparisons. Statements: assignment,
output, if/else, while. There is no parser: programs are built as ASTs by the sampler
and stored as JSON, so no generated text is ever executed.
"""
from __future__ import annotations

from dataclasses import dataclass, field

ARITH = ("+", "-", "*", "//", "%")
COMPARE = ("<", "<=", ">", ">=", "==", "!=")
_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "//": 2, "%": 2}


@dataclass
class Num:
    value: int


@dataclass
class Var:
    name: str


@dataclass
class Bin:
    op: str
    left: "Expr"
    right: "Expr"


@dataclass
class Cmp:
    op: str
    left: "Expr"
    right: "Expr"


Expr = Num | Var | Bin


@dataclass
class Assign:
    target: str
    expr: Expr


@dataclass
class Output:
    expr: Expr


@dataclass
class If:
    cond: Cmp
    then: list["Stmt"]
    orelse: list["Stmt"] = field(default_factory=list)


@dataclass
class While:
    cond: Cmp
    body: list["Stmt"]


Stmt = Assign | Output | If | While


@dataclass
class Program:
    inputs: list[str]
    body: list[Stmt]


# --- JSON form ---------------------------------------------------------------------------
def expr_to_json(e: Expr | Cmp) -> dict:
    if isinstance(e, Num):
        return {"num": e.value}
    if isinstance(e, Var):
        return {"var": e.name}
    key = "cmp" if isinstance(e, Cmp) else "bin"
    return {key: e.op, "left": expr_to_json(e.left), "right": expr_to_json(e.right)}


def expr_from_json(d: dict) -> Expr | Cmp:
    if "num" in d:
        return Num(int(d["num"]))
    if "var" in d:
        return Var(str(d["var"]))
    if d.get("bin") in ARITH:
        return Bin(d["bin"], expr_from_json(d["left"]), expr_from_json(d["right"]))
    if d.get("cmp") in COMPARE:
        return Cmp(d["cmp"], expr_from_json(d["left"]), expr_from_json(d["right"]))
    raise ValueError(f"not an expression: {d!r}")


def stmt_to_json(s: Stmt) -> dict:
    if isinstance(s, Assign):
        return {"assign": s.target, "expr": expr_to_json(s.expr)}
    if isinstance(s, Output):
        return {"output": expr_to_json(s.expr)}
    if isinstance(s, If):
        return {"if": expr_to_json(s.cond), "then": [stmt_to_json(x) for x in s.then],
                "else": [stmt_to_json(x) for x in s.orelse]}
    return {"while": expr_to_json(s.cond), "body": [stmt_to_json(x) for x in s.body]}


def stmt_from_json(d: dict) -> Stmt:
    if "assign" in d:
        return Assign(str(d["assign"]), expr_from_json(d["expr"]))
    if "output" in d:
        return Output(expr_from_json(d["output"]))
    if "if" in d:
        return If(expr_from_json(d["if"]), [stmt_from_json(x) for x in d["then"]],
                  [stmt_from_json(x) for x in d.get("else", [])])
    if "while" in d:
        return While(expr_from_json(d["while"]), [stmt_from_json(x) for x in d["body"]])
    raise ValueError(f"not a statement: {d!r}")


def program_to_json(p: Program) -> dict:
    return {"inputs": list(p.inputs), "body": [stmt_to_json(s) for s in p.body]}


def program_from_json(d: dict) -> Program:
    return Program([str(x) for x in d["inputs"]], [stmt_from_json(s) for s in d["body"]])


# --- statement numbering and node text ---------------------------------------------------
def statements(body: list[Stmt]) -> list[Stmt]:
    """Every statement in pre-order; a statement's index here is its number in traces and charts."""
    out: list[Stmt] = []
    for s in body:
        out.append(s)
        if isinstance(s, If):
            out += statements(s.then) + statements(s.orelse)
        elif isinstance(s, While):
            out += statements(s.body)
    return out


def expr_text(e: Expr | Cmp, parent: int = 0) -> str:
    """Infix text with only the parentheses precedence needs."""
    if isinstance(e, Num):
        return str(e.value)
    if isinstance(e, Var):
        return e.name
    if isinstance(e, Cmp):
        return f"{expr_text(e.left)} {e.op} {expr_text(e.right)}"
    prec = _PRECEDENCE[e.op]
    s = f"{expr_text(e.left, prec)} {e.op} {expr_text(e.right, prec + 1)}"
    return f"({s})" if prec < parent else s


def node_text(s: Stmt) -> str:
    if isinstance(s, Assign):
        return f"{s.target} = {expr_text(s.expr)}"
    if isinstance(s, Output):
        return f"Output {expr_text(s.expr)}"
    return f"{expr_text(s.cond)}?"


def variables(p: Program) -> list[str]:
    """Every variable the program reads or writes, in order of first appearance."""
    seen = list(p.inputs)

    def visit(e) -> None:
        if isinstance(e, Var) and e.name not in seen:
            seen.append(e.name)
        elif isinstance(e, (Bin, Cmp)):
            visit(e.left)
            visit(e.right)

    for s in statements(p.body):
        if isinstance(s, Assign) and s.target not in seen:
            seen.append(s.target)
        visit(s.expr if isinstance(s, (Assign, Output)) else s.cond)
    return seen
