"""A failed or interrupted build leaves the previous site as it was
(site_build/core/site_swap.py)."""

from __future__ import annotations

from site_build.core.site_swap import AtomicSite, remove_leftovers

# --- the site is replaced only by a successful build ----------------------------------------


def test_the_site_is_replaced_only_when_published(tmp_path):
    target = tmp_path / "site"
    target.mkdir()
    (target / "index.html").write_text("previous")
    failed = AtomicSite(target)
    (failed.start() / "index.html").write_text("half")
    assert failed.discard()
    assert (target / "index.html").read_text() == "previous"
    good = AtomicSite(target)
    (good.start() / "index.html").write_text("new")
    good.publish()
    assert (target / "index.html").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_partial_sites_of_killed_builds_are_removed(tmp_path):
    leftover = tmp_path / ".site.partial-999999999" / "site"
    leftover.mkdir(parents=True)
    assert remove_leftovers(tmp_path / "site") == [leftover.parent]
