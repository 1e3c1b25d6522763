"""Parallelism and distributed training: shown on docs/en/distributed.md and docs/es/distributed.md."""
