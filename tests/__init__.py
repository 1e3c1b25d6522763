"""Tests: consistency checks of snippets and pages, and the collectors for their examples."""
