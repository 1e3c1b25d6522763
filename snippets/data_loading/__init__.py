"""data_loading: shown on docs/*/data_loading.md."""
