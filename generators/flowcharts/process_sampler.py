"""Sampler of everyday-process flowcharts: a process from ``processes.yaml`` with a random
subset of its optional elements, compiled to a chart with at least one decision."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

from generators.flowcharts.chart import Block, Branch, Loop, Step, build_chart
from mmsynth.rand import pick

IO_KEYS = ("input", "output")


@lru_cache(maxsize=None)
def processes() -> dict:
    return yaml.safe_load(Path(__file__).with_name("processes.yaml").read_text())


def to_blocks(items: list[dict], rng: np.random.Generator | None = None) -> list[Block]:
    """Blocks of a process's elements; with ``rng``, each optional element is kept with probability 1/2."""
    out: list[Block] = []
    for d in items:
        if d.get("optional") and rng is not None and rng.random() < 0.5:
            continue
        if "step" in d:
            out.append(Step("process", d["step"]))
        elif any(k in d for k in IO_KEYS):
            out.append(Step("io", d.get("input") or d["output"]))
        elif "if" in d:
            out.append(Branch(d["if"], to_blocks(d.get("on_yes", [])), to_blocks(d.get("on_no", [])),
                              yes_ends=bool(d.get("yes_ends")), no_ends=bool(d.get("no_ends"))))
        elif "while" in d or "repeat" in d:
            out.append(Loop(d.get("while") or d["repeat"], to_blocks(d["body"]), test_first="while" in d,
                            repeat_on=str(d.get("repeat_on", "Yes"))))
        else:
            raise ValueError(f"processes.yaml: unknown element {d!r}")
    return out


def sample_process(rng: np.random.Generator) -> dict:
    """One process flowchart spec: title, nodes and labelled edges."""
    name = pick(rng, sorted(processes()))
    proc = processes()[name]
    while True:
        blocks = to_blocks(proc["flow"], rng)
        if any(isinstance(b, (Branch, Loop)) for b in blocks):
            break
    chart = build_chart(blocks, start=pick(rng, ["Start", "Begin"]), end=pick(rng, ["End", "Stop", "Finish"]))
    return {"kind": "process", "process": name, "title": proc["title"], **chart}
