"""Quotas per (task, question family) for ``bench build``.

``n`` questions are split evenly over the tasks, then over each task's families. A
family that yields no acceptable question for ``patience`` samples in a row is closed,
and its unfilled share goes to the live families of its task (else to all), so a family
whose answers cannot be balanced, or that rarely applies, does not starve the benchmark.
"""
from __future__ import annotations

from collections import Counter

Stratum = tuple[str, str]  # (task, family)


class Quotas:
    """Targets per (task, family); a stratum that yields nothing acceptable for ``patience``
    samples in a row is closed and its deficit handed on (to its task's strata first)."""

    def __init__(self, strata: list[Stratum], n: int, patience: int = 200) -> None:
        tasks = sorted({t for t, _ in strata})
        self.target: dict[Stratum, int] = {}
        for i, task in enumerate(tasks):
            share = n // len(tasks) + (i < n % len(tasks))
            fams = sorted(f for t, f in strata if t == task)
            for j, fam in enumerate(fams):
                self.target[(task, fam)] = share // len(fams) + (j < share % len(fams))
        self.planned = dict(self.target)  # before closed strata hand their deficits on
        self.patience = patience
        self.filled: Counter = Counter()
        self.idle: Counter = Counter()
        self.closed: set[Stratum] = set()

    def __contains__(self, key: Stratum) -> bool:
        return key in self.target

    def is_open(self, key: Stratum) -> bool:
        return key in self.target and key not in self.closed and self.filled[key] < self.target[key]

    def take(self, key: Stratum) -> None:
        self.filled[key] += 1

    def total(self) -> int:
        return sum(self.filled.values())

    def observe(self, strata: list[Stratum], viable: set[Stratum]) -> None:
        """After a sample: the open strata it could have fed but did not (``viable`` are the
        ones it had an acceptable question for) move towards closing."""
        for key in strata:
            if self.is_open(key):
                self.idle[key] = 0 if key in viable else self.idle[key] + 1
                if self.idle[key] >= self.patience:
                    self.close(key)

    def close(self, key: Stratum) -> None:
        """No more questions will come for ``key``: give its deficit to live strata (its task's first)."""
        if key in self.closed:
            return
        self.closed.add(key)
        deficit = self.target[key] - self.filled[key]
        self.target[key] = self.filled[key]
        live = [k for k in sorted(self.target) if k not in self.closed]
        heirs = [k for k in live if k[0] == key[0]] or live
        for i in range(deficit if heirs else 0):
            self.target[heirs[i % len(heirs)]] += 1

    def figures(self) -> dict[str, dict]:
        return {f"{t}/{f}": {"planned": self.planned[(t, f)], "target": self.target[(t, f)],
                             "filled": self.filled[(t, f)]}
                for t, f in sorted(self.target)}
