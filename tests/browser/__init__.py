"""Checks of the built site in headless Chromium (nox -s e2e); not part of nox -s tests."""
