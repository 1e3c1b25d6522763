"""Deployment: shown on docs/en/deployment.md and docs/es/deployment.md."""
