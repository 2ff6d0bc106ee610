"""Where the shard-by-shard commands run their shards: in this process, a local process pool,
or a Ray cluster (``--backend ray``).

A command hands :func:`run_tasks` a *job* (a picklable callable ``job(item, tick) -> result``)
and its work items (shards). Each call writes its own output files and returns only small
stats, so records never travel through the driver; ``tick(n)`` advances the driver's progress
bar from wherever the call runs. A job is sent to each worker process once and kept there
(by its ``key``), so per-process state such as loaded generators or an OCR model is built
once per worker, not once per shard. Results come back as shards finish, in any order: a
command's output never depends on the order, only on each shard's input.
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import signal
import sys
import time
import uuid
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Protocol, Sequence

from tqdm import tqdm

from mmsynth.errors import UserError

BACKENDS = ("local", "ray")
POLL_S = 0.25
RAY_OBJECT_STORE_BYTES = 128 * 1024 * 1024   # a locally started Ray holds only small stats objects


class Job(Protocol):
    key: str

    def __call__(self, item: Any, tick: Callable[[int], None]) -> Any: ...


@dataclass
class JobBase:
    """Gives a job the ``key`` under which workers keep it."""
    key: str = field(default_factory=lambda: uuid.uuid4().hex, init=False, compare=False)


@dataclass(frozen=True)
class Backend:
    """``local`` with ``workers`` processes (1: in this process), or ``ray`` on the cluster at
    ``address`` (a local Ray of ``workers`` CPUs is started when there is none)."""
    kind: str = "local"
    workers: int = 1
    address: str | None = None

    def check(self) -> None:
        if self.kind not in BACKENDS:
            raise UserError(f"unknown backend {self.kind!r} (choose from {', '.join(BACKENDS)})")
        if self.workers < 1:
            raise UserError(f"--workers must be at least 1, got {self.workers}")
        if self.address and self.kind != "ray":
            raise UserError("--ray-address needs --backend ray")


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def add_backend_arguments(p: argparse.ArgumentParser, workers: int | None = None) -> None:
    """``--workers``, ``--backend`` and ``--ray-address`` for a command that maps over shards."""
    p.add_argument("--workers", type=int, default=workers or default_workers(),
                   help="worker processes (local), or CPUs of a Ray instance started here")
    p.add_argument("--backend", choices=BACKENDS, default="local",
                   help="run shards in local processes or as Ray tasks (default local)")
    p.add_argument("--ray-address", metavar="ADDR",
                   help="Ray cluster to join (e.g. ray://head:10001 or auto); default: start Ray here")


def backend_from_args(args: argparse.Namespace) -> Backend:
    backend = Backend(args.backend, args.workers, args.ray_address)
    backend.check()
    return backend


def run_tasks(job: Job, items: Sequence[Any], backend: Backend, bar: tqdm | None = None) -> Iterator[tuple[Any, Any]]:
    """Yield ``(item, job(item, tick))`` for every item, as they finish."""
    backend.check()
    if not items:
        return
    if backend.kind == "ray":
        yield from _run_ray(job, items, backend, bar)
    elif backend.workers == 1 or len(items) == 1:
        tick = bar.update if bar is not None else _ignore
        for item in items:
            yield item, job(item, tick)
    else:
        yield from _run_pool(job, items, backend.workers, bar)


def _ignore(n: int = 1) -> None:
    pass


# ---- local process pool -------------------------------------------------------------------------
_local: dict[str, Any] = {}


def _init_pool_worker(job: Job, counter: Any) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # the driver handles Ctrl-C and stops the pool
    _local.update(job=job, counter=counter)


def _pool_tick(n: int = 1) -> None:
    counter = _local["counter"]
    with counter.get_lock():
        counter.value += n


def _pool_call(item: Any) -> Any:
    return _local["job"](item, _pool_tick)


def _run_pool(job: Job, items: Sequence[Any], workers: int, bar: tqdm | None) -> Iterator[tuple[Any, Any]]:
    ctx = mp.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    counter = ctx.Value("q", 0)
    pool = ProcessPoolExecutor(max_workers=min(workers, len(items)), mp_context=ctx,
                               initializer=_init_pool_worker, initargs=(job, counter))
    futures: dict[Future, Any] = {pool.submit(_pool_call, item): item for item in items}
    seen = 0
    try:
        pending = set(futures)
        while pending:
            finished, pending = wait(pending, timeout=POLL_S, return_when=FIRST_COMPLETED)
            if bar is not None:
                bar.update(counter.value - seen)
            seen = counter.value
            for f in finished:
                yield futures[f], f.result()
    except BaseException:
        for p in list(getattr(pool, "_processes", {}).values()):
            p.kill()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


# ---- Ray ----------------------------------------------------------------------------------------
_ray_jobs: dict[str, Job] = {}


def _ray():
    try:
        import ray
    except ImportError:
        raise UserError("--backend ray needs Ray: pip install 'mmsynth[ray]'") from None
    return ray


def connect_ray(backend: Backend) -> bool:
    """Join the cluster at ``backend.address``, or start a local Ray of ``backend.workers`` CPUs;
    True when this call started or joined it (and so should shut it down)."""
    ray = _ray()
    if ray.is_initialized():
        return False
    env = {"env_vars": {"PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}}
    try:
        if backend.address:
            ray.init(address=backend.address, runtime_env=env, log_to_driver=True)
        else:
            ray.init(num_cpus=backend.workers, object_store_memory=RAY_OBJECT_STORE_BYTES,
                     include_dashboard=False, runtime_env=env, log_to_driver=True)
    except (ConnectionError, ValueError, RuntimeError) as e:
        where = backend.address or "a local Ray instance"
        raise UserError(f"cannot start or reach {where} ({str(e).splitlines()[0]})") from None
    return True


def _make_ray_parts(ray):
    @ray.remote(num_cpus=0)
    class Progress:
        """Samples done so far, summed from every task's ticks."""
        def __init__(self) -> None:
            self.n = 0

        def add(self, k: int) -> None:
            self.n += k

        def value(self) -> int:
            return self.n

    @ray.remote(num_cpus=1, max_retries=0)
    def call(job_box: list, item: Any, progress: Any) -> Any:
        ref = job_box[0]
        key = ref.hex()
        if key not in _ray_jobs:
            _ray_jobs.clear()   # a worker keeps the job of the current run only
            _ray_jobs[key] = ray.get(ref)
        tick = _BatchedTick(progress)
        try:
            return _ray_jobs[key](item, tick)
        finally:
            tick.flush()

    return Progress, call


class _BatchedTick:
    """Sends progress to the driver's counter at most every ``POLL_S`` seconds."""

    def __init__(self, progress: Any):
        self.progress, self.pending, self.sent = progress, 0, time.monotonic()

    def __call__(self, n: int = 1) -> None:
        self.pending += n
        if time.monotonic() - self.sent >= POLL_S:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            self.progress.add.remote(self.pending)
            self.pending, self.sent = 0, time.monotonic()


def _run_ray(job: Job, items: Sequence[Any], backend: Backend, bar: tqdm | None) -> Iterator[tuple[Any, Any]]:
    ray = _ray()
    started = connect_ray(backend)
    Progress, call = _make_ray_parts(ray)
    progress = Progress.remote()
    job_box = [ray.put(job)]   # in a list, so tasks get the reference and fetch the job only once
    refs = {call.remote(job_box, item, progress): item for item in items}
    seen = 0
    try:
        pending = list(refs)
        while pending:
            finished, pending = ray.wait(pending, num_returns=len(pending), timeout=POLL_S, fetch_local=True)
            if bar is not None:
                done = ray.get(progress.value.remote())
                bar.update(done - seen)
                seen = done
            for ref in finished:
                yield refs[ref], _ray_result(ray, ref)
        if bar is not None:
            bar.update(bar.total - bar.n if bar.total is not None else 0)
    except BaseException:
        for ref in refs:
            ray.cancel(ref, force=True)
        raise
    finally:
        if started:
            ray.shutdown()   # takes the progress actor with it
        else:
            ray.kill(progress)


def _ray_result(ray, ref) -> Any:
    try:
        return ray.get(ref)
    except ray.exceptions.RayTaskError as e:
        cause = getattr(e, "cause", None)
        if isinstance(cause, (UserError, KeyboardInterrupt)):
            raise cause from None
        raise
