"""Checks every generator's tests share: a record made as the pipeline makes it, and the
determinism / verification round trip (a tampered answer must fail)."""
from __future__ import annotations

import json

from mmsynth.record import validate_record
from mmsynth.registry import create


def record_of(name: str, seed: int, index: int) -> tuple[dict, object]:
    gen = create(name)
    sample = gen.make(seed, index)
    rec = sample.record(f"{name}-{seed}-{index}", name, gen.task, ["images/x.png"], seed, index)
    return json.loads(json.dumps(rec)), sample


def assert_deterministic_and_verified(name: str, n: int = 15) -> list[dict]:
    """Same (seed, index), same record and pixels; n records verify; a tampered one does not."""
    a, sa = record_of(name, 4, 2)
    b, sb = record_of(name, 4, 2)
    assert a == b and sa.images[0].tobytes() == sb.images[0].tobytes()
    gen = create(name)
    records = []
    for i in range(n):
        rec, _ = record_of(name, 1, i)
        assert validate_record(rec) == [] and gen.verify(rec) == [], (i, gen.verify(rec))
        records.append(rec)
    tampered = json.loads(json.dumps(records[-1]))
    tampered["qa"][0]["answer"] = "definitely wrong" if isinstance(tampered["qa"][0]["answer"], str) else -12345
    assert gen.verify(tampered)
    return records
