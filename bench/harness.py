"""What every benchmark gets: a dedicated database, a real server, load clients, a report.

A benchmark is a module `bench/bench_<name>.py` with `run(ctx: BenchContext) -> BenchResult`.
Each measures its subject *and* a baseline in the same run (e.g. a raw PostgreSQL COPY into the
same table), so the ratio survives a slower or faster machine.
"""

from __future__ import annotations

import math
import os
import platform
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from bench.progress import Progress

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    target: str = ""
    note: str = ""


@dataclass
class BenchResult:
    title: str
    figures: list[Figure] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add(self, name: str, value: float, unit: str, target: str = "", note: str = "") -> None:
        self.figures.append(Figure(name, value, unit, target, note))


@dataclass
class LoadResult:
    latencies_ms: list[float]
    elapsed_s: float
    errors: int

    @property
    def rate(self) -> float:
        return len(self.latencies_ms) / self.elapsed_s if self.elapsed_s else 0.0

    def percentile(self, p: float) -> float:
        return percentile(self.latencies_ms, p)


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class BenchContext:
    full: bool
    database_url: str

    def progress(self, total: int, label: str) -> Progress:
        return Progress(total, label)

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "ewtp.settings.bench",
            "DATABASE_URL": self.database_url,
        }

    @contextmanager
    def server(self, workers: int = 3) -> Iterator[str]:
        """gunicorn with sync workers (the fastest kind on this machine) on a free port."""
        port = _free_port()
        process = subprocess.Popen(
            [
                str(REPO / ".venv" / "bin" / "gunicorn"),
                "ewtp.wsgi",
                "-w",
                str(workers),
                "-b",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
                "--backlog",
                "2048",
            ],
            cwd=REPO,
            env=self.env(),
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if requests.get(f"{url}/healthz", timeout=1).status_code == 200:
                        break
                except requests.RequestException:
                    pass  # not listening yet, or a worker still importing the app
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("gunicorn did not come up within 30 s")
                time.sleep(0.1)  # polling a server's start-up, with a deadline
            yield url
        finally:
            process.terminate()
            process.wait(timeout=30)

    def load(
        self,
        send: Callable[[requests.Session, int], requests.Response],
        *,
        total: int,
        concurrency: int,
        label: str,
        rate_per_s: float | None = None,
        ok: Callable[[requests.Response], bool] = lambda r: r.status_code < 400,
    ) -> LoadResult:
        """`total` requests from `concurrency` client threads, optionally paced to a fixed rate."""
        latencies: list[float] = []
        errors = 0
        lock = threading.Lock()
        counter = iter(range(total))
        bar = Progress(total, label)
        started = time.perf_counter()

        def client() -> None:
            nonlocal errors
            session = requests.Session()
            while True:
                with lock:
                    index = next(counter, None)
                if index is None:
                    return
                if rate_per_s:
                    due = started + index / rate_per_s
                    delay = due - time.perf_counter()
                    if delay > 0:
                        time.sleep(delay)  # pacing an open-loop load generator
                t0 = time.perf_counter()
                response = send(session, index)
                elapsed = (time.perf_counter() - t0) * 1000
                with lock:
                    latencies.append(elapsed)
                    if not ok(response):
                        errors += 1
                    bar.update()

        threads = [threading.Thread(target=client) for _ in range(concurrency)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        bar.close()
        return LoadResult(latencies, time.perf_counter() - started, errors)


def machine_line() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({cpu}), Python {sys.version.split()[0]}"
