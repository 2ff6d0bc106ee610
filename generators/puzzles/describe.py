"""The facts a puzzle's description tells: what it shows (shapes, panels, a grid, a maze),
the rule it follows and its solution, each from the puzzle's own solvers."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

from mmsynth.describe import Fact, describes, listing, plural, solved

from generators.puzzles import count_shapes, matrix, maze, odd_one_out, sequence
from generators.puzzles.cells import describe as cell_text

PHRASINGS = Path(__file__).with_name("describe.yaml")


def _counts(items: list[dict], key: str) -> str:
    """``8 pentagons and 7 hexagons`` (by shape) or ``6 orange and 2 gray`` (by colour)."""
    counts = Counter(it[key] for it in items)
    return listing([f"{n} {count_shapes.plural(name) if key == 'shape' and n > 1 else name}"
                    for name, n in sorted(counts.items(), key=lambda t: (-t[1], t[0]))])


@describes("puzzle.count_shapes", phrasings=PHRASINGS, noun="picture")
def count_facts(spec: dict) -> list[Fact]:
    items = spec["items"]
    return [Fact("puzzle.shapes_overview", {"thing": "picture of shapes", "n": plural(len(items), "shape")}),
            Fact("puzzle.by_shape", {"counts": _counts(items, "shape")}),
            Fact("puzzle.by_color", {"counts": _counts(items, "color")})]


@describes("puzzle.maze", phrasings=PHRASINGS, noun="maze")
def maze_facts(spec: dict) -> list[Fact]:
    facts = [Fact("puzzle.maze_overview", {"thing": "maze", "rows": spec["rows"], "cols": spec["cols"]})]
    if spec.get("markers"):
        facts.append(Fact("puzzle.maze_markers", {"markers": listing(sorted(spec["markers"]))}))
    steps = solved(maze.Q.solvers["maze.path_length"], spec)
    if steps is not None:
        facts.append(Fact("puzzle.maze_path", {"n": plural(steps, "step")}))
    return facts


@describes("puzzle.odd_one_out", phrasings=PHRASINGS, noun="puzzle")
def odd_facts(spec: dict) -> list[Fact]:
    return [Fact("puzzle.odd_overview", {"thing": "odd-one-out puzzle", "n": plural(len(spec["panels"]), "panel")}),
            Fact("puzzle.odd_answer", {"label": solved(odd_one_out.Q.solvers["odd.which"], spec),
                                       "attribute": solved(odd_one_out.Q.solvers["odd.attribute"], spec)})]


@describes("puzzle.sequence", phrasings=PHRASINGS, noun="puzzle")
def sequence_facts(spec: dict) -> list[Fact]:
    sized = spec["rule"] in ("grow", "shrink")
    return [Fact("puzzle.sequence_overview", {"thing": "sequence puzzle", "n": plural(len(spec["panels"]), "panel"),
                                              "k": plural(len(spec["options"]), "option")}),
            Fact("puzzle.sequence_panels", {"panels": listing([cell_text(c, sized) for c in spec["panels"]])}),
            Fact("puzzle.rule", {"rule": solved(sequence.Q.solvers["sequence.rule"], spec)}),
            Fact("puzzle.answer", {"label": solved(sequence.Q.solvers["sequence.next"], spec),
                                   "cell": cell_text(spec["answer"], sized)})]


@describes("puzzle.matrix", phrasings=PHRASINGS, noun="puzzle")
def matrix_facts(spec: dict) -> list[Fact]:
    facts = [Fact("puzzle.matrix_overview", {"thing": "matrix puzzle", "k": plural(len(spec["options"]), "option")})]
    for attr in ("shape", "color", "count"):
        rule = solved(matrix.Q.solvers["matrix.attribute_rule"], spec, attribute=attr)
        if rule is not None:
            facts.append(Fact("puzzle.matrix_rule", {"attribute": matrix.ATTR_NAMES[attr], "rule": rule}, attr))
    facts.append(Fact("puzzle.answer", {"label": solved(matrix.Q.solvers["matrix.missing"], spec),
                                        "cell": cell_text(spec["grid"][2][2])}))
    return facts
