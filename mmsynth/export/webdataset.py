"""WebDataset tar shards: per sample ``KEY.json`` (the record) and ``KEY.png`` (or ``KEY.N.png``).

Keys replace the dots of record ids (webdataset splits a member name at its first dot).
"""
from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path, PurePosixPath

from mmsynth.export import ExportOptions, exporter, image_files
from mmsynth.io import atomic_write_bytes


def sample_key(record_id: str) -> str:
    return record_id.replace(".", "_")


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = 0
    info.mode = 0o644
    tar.addfile(info, io.BytesIO(data))


def _write_shard(path: Path, records: list[dict], root: Path) -> None:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for rec in records:
            key = sample_key(rec["id"])
            for k, (rel, src) in enumerate(zip(rec["images"], image_files(rec, root))):
                ext = PurePosixPath(rel).suffix.lstrip(".")
                _add(tar, f"{key}.{ext}" if len(rec["images"]) == 1 else f"{key}.{k}.{ext}", src.read_bytes())
            _add(tar, f"{key}.json", json.dumps(rec, ensure_ascii=False).encode())
    atomic_write_bytes(path, buf.getvalue())


@exporter("webdataset")
def export(records: list[dict], root: Path, dest: Path, opts: ExportOptions) -> dict:
    shards = []
    for n, start in enumerate(range(0, len(records), opts.shard_size)):
        path = dest / f"shard-{n:06d}.tar"
        _write_shard(path, records[start:start + opts.shard_size], root)
        shards.append(path.name)
    pattern = f"shard-{{000000..{len(shards) - 1:06d}}}.tar" if shards else ""
    return {"shards": shards, "records": len(records), "urls": str(dest / pattern)}
