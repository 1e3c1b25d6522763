"""Contributor tools: the project layout rules and the snippet scaffold (see CONTRIBUTING.md)."""
