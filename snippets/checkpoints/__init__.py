"""Saving and loading models: shown on docs/en/checkpoints.md and docs/es/checkpoints.md."""
