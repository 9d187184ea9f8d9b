"""A plain-text progress bar for long loads and imports, on stderr so stdout keeps only the
summary. Shared by the management commands of every app."""

from __future__ import annotations

import time
from collections.abc import Callable

WIDTH = 30
# Below this many rows a bar would only flicker.
THRESHOLD = 5000


class ProgressBar:
    """`update(done)` redraws at most every 1 % and every 0.2 s; `close()` ends the line.
    Silent when `total` is under the threshold, unless `force`. `write` prints without adding
    a newline (a command's `lambda text: self.stderr.write(text, ending="")`)."""

    def __init__(
        self,
        write: Callable[[str], object],
        flush: Callable[[], object],
        *,
        total: int,
        label: str,
        force: bool = False,
    ) -> None:
        self.write = write
        self.flush = flush
        self.total = max(total, 1)
        self.label = label
        self.enabled = force or total >= THRESHOLD
        self._shown_percent = -1
        self._shown_at = 0.0
        self._started = time.monotonic()

    def update(self, done: int) -> None:
        if not self.enabled:
            return
        percent = min(100, done * 100 // self.total)
        now = time.monotonic()
        if percent == self._shown_percent or (now - self._shown_at < 0.2 and percent < 100):
            return
        self._shown_percent, self._shown_at = percent, now
        filled = WIDTH * percent // 100
        bar = "#" * filled + "-" * (WIDTH - filled)
        self.write(f"\r{self.label} [{bar}] {percent:3d}% {done}/{self.total}")
        self.flush()

    def close(self) -> None:
        if self.enabled and self._shown_percent >= 0:
            elapsed = time.monotonic() - self._started
            self.write(f"  {elapsed:.1f} s\n")
            self.flush()


def count_data_lines(path: str) -> int:
    """Lines after the header: the bar's total (a quoted field over two lines counts twice,
    so the bar may end a little short of 100 %; nothing depends on it)."""
    with open(path, "rb") as raw:
        return max(sum(1 for _ in raw) - 1, 0)
