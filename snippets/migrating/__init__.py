"""migrating: shown on docs/*/migrating.md."""
