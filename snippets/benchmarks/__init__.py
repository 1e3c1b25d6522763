"""Benchmarks: the configurations that docs/en/benchmarks.md and docs/es/benchmarks.md time."""
