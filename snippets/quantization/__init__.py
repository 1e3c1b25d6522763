"""Quantization: shown on docs/en/quantization.md and docs/es/quantization.md."""
