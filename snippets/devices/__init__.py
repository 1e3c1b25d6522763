"""Device management: shown on docs/en/devices.md and docs/es/devices.md."""
