"""Tensors and gradients: shown on docs/en/tensors.md and docs/es/tensors.md."""
