"""Run benchmarks and write their figures to BENCHMARKS.md.

    .venv/bin/python -m bench                 # every benchmark, quick sizes
    .venv/bin/python -m bench search --full   # one benchmark at the sizes the issues ask for
    make bench ARGS="tracking_ingest"

Benchmarks run against a dedicated database (DATABASE_URL's name + "_bench"), created and
migrated here; they are never part of the test suite.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import subprocess
import sys
import time
from datetime import UTC, datetime

import bench
from bench.harness import REPO, BenchContext, BenchResult, machine_line

REPORT = REPO / "BENCHMARKS.md"
HEADER = """# Benchmarks

Figures measured on this project's reference machine by `python -m bench` (see bench/). Each
section is rewritten when its benchmark runs again; the baseline in each is measured in the same
run, so compare ratios across machines, not absolute numbers.
"""


def _available() -> list[str]:
    return sorted(
        m.name.removeprefix("bench_")
        for m in pkgutil.iter_modules(bench.__path__)
        if m.name.startswith("bench_")
    )


def _bench_database_url() -> str:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ewtp")
    head, _, name = base.rpartition("/")
    return f"{head}/{name.split('?')[0]}_bench"


def _render(name: str, result: BenchResult, command: str, seconds: float) -> str:
    lines = [
        f"<!-- bench:{name} -->",
        f"## {result.title}",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine_line()} in {seconds:.0f} s.",
        f"Command: `{command}`",
        "",
    ]
    if result.params:
        lines.append("Parameters: " + ", ".join(f"{k} = {v}" for k, v in result.params.items()))
        lines.append("")
    lines += ["| figure | value | unit | target | note |", "|---|---:|---|---|---|"]
    for f in result.figures:
        value = f"{f.value:,.2f}" if abs(f.value) < 100 else f"{f.value:,.0f}"
        lines.append(f"| {f.name} | {value} | {f.unit} | {f.target} | {f.note} |")
    lines.append("")
    lines += [f"- {note}" for note in result.notes]
    lines.append(f"<!-- /bench:{name} -->")
    return "\n".join(lines).rstrip() + "\n"


def _write(name: str, section: str) -> None:
    text = REPORT.read_text() if REPORT.exists() else HEADER
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        after = rest.split(end, 1)[1].lstrip("\n")
        text = before + section + ("\n" + after if after else "")
    else:
        text = text.rstrip() + "\n\n" + section
    REPORT.write_text(text)


def main() -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("names", nargs="*", help=f"benchmarks to run: {', '.join(_available())}")
    parser.add_argument("--full", action="store_true", help="the sizes the issues ask for")
    args = parser.parse_args()
    names = args.names or _available()
    unknown = sorted(set(names) - set(_available()))
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}")

    database_url = _bench_database_url()
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "ewtp.settings.bench"
    manage = [sys.executable, str(REPO / "manage.py")]
    subprocess.run([*manage, "ensure_database"], check=True, env=os.environ)
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], check=True, env=os.environ)

    import django

    django.setup()
    ctx = BenchContext(full=args.full, database_url=database_url)
    for name in names:
        print(f"== {name}", file=sys.stderr)
        module = importlib.import_module(f"bench.bench_{name}")
        started = time.perf_counter()
        result: BenchResult = module.run(ctx)
        seconds = time.perf_counter() - started
        command = f"python -m bench {name}" + (" --full" if args.full else "")
        _write(name, _render(name, result, command, seconds))
        for f in result.figures:
            print(f"{name}: {f.name} = {f.value:,.2f} {f.unit}")
    print(f"Figures written to {REPORT.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
