"""mixed_precision: shown on docs/*/mixed_precision.md."""
