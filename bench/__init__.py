"""Benchmarks: `python -m bench [NAME ...] [--full]` writes its figures to BENCHMARKS.md."""
