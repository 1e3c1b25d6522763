"""Graph generation: shown on docs/en/graphs.md and docs/es/graphs.md."""
