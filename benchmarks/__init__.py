"""Benchmarks: run on demand (`python -m benchmarks.NAME`), each prints a table."""
