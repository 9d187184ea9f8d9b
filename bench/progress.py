"""A small terminal progress bar (stderr), so long benchmark phases show where they are."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


class Progress:
    def __init__(self, total: int, label: str, width: int = 30) -> None:
        self.total = max(total, 1)
        self.label = label
        self.width = width
        self.done = 0
        self.started = time.perf_counter()
        self._last_draw = 0.0
        self._draw(force=True)

    def update(self, n: int = 1) -> None:
        self.done = min(self.done + n, self.total)
        self._draw()

    def close(self) -> None:
        self._draw(force=True)
        sys.stderr.write("\n")
        sys.stderr.flush()

    def _draw(self, force: bool = False) -> None:
        now = time.perf_counter()
        if not force and now - self._last_draw < 0.2 and self.done < self.total:
            return
        self._last_draw = now
        elapsed = now - self.started
        fraction = self.done / self.total
        filled = int(self.width * fraction)
        rate = self.done / elapsed if elapsed > 0 else 0.0
        eta = (self.total - self.done) / rate if rate > 0 else 0.0
        bar = "#" * filled + "-" * (self.width - filled)
        sys.stderr.write(
            f"\r{self.label:<28} [{bar}] {self.done:>9,}/{self.total:,} "
            f"{rate:>10,.0f}/s  eta {eta:5.0f}s"
        )
        sys.stderr.flush()


def progress(items: Iterable[T], total: int, label: str) -> Iterator[T]:
    bar = Progress(total, label)
    try:
        for item in items:
            yield item
            bar.update()
    finally:
        bar.close()
