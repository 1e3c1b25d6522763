"""Visualization: shown on docs/en/visualization.md and docs/es/visualization.md."""
