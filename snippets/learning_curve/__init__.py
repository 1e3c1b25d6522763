"""Learning curve: shown on docs/en/learning_curve.md and docs/es/learning_curve.md."""
