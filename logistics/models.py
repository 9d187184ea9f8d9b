"""Data and the invariants of one row."""
