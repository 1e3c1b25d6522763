"""Use cases: shown on docs/en/use_cases.md and docs/es/use_cases.md."""
