"""The fixtures that several test files use; they are defined with the other stand-ins, in
tests/stand_ins.py (one place), and offered here to every test file."""

from tests.stand_ins import cache_dir  # noqa: F401 (a fixture: pytest finds it here)
