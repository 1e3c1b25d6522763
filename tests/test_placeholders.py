"""One placeholder syntax, one registry, one error path (site_build/core/placeholders.py)."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from mkdocs.exceptions import PluginError

from site_build.core import generated
from site_build.core.generated import Generated
from site_build.mkdocs.plugin import SiteBuildPlugin

PAGE = SimpleNamespace(file=SimpleNamespace(src_path="es/mnist.md", src_uri="es/mnist.md"))


def _render(markdown: str) -> str:
    return SiteBuildPlugin().on_page_markdown(markdown, page=PAGE)


def test_the_registry_lists_every_kind_that_its_docstring_documents():
    documented = set(re.findall(r"``\{\{ (\w+):", generated.__doc__)) - {"kind"}
    assert (
        documented
        == set(Generated().kinds())
        == {
            "version",
            "lines",
            "mnist",
            "bench",
            "loading",
            "quantization",
            "claim",
            "fashion",
        }
    )


@pytest.mark.parametrize(
    ("placeholder", "fix"),
    [
        ("{{ nope:x }}", "site_build/core/generated.py"),
        ("{{ mnist:nope }}", "site_build/core/mnist_report.py"),
        ("{{ bench:nope }}", "site_build/core/bench_report.py"),
        ("{{ version:not_a_library }}", "pyproject.toml"),
        ("{{ claim:not-in-the-ledger }}", "claims/*.yaml"),
        ("{{ lines:tensors/creation_torch.py }}", "TOPIC/FILE.py:SECTION"),
    ],
)
def test_an_unfillable_placeholder_fails_naming_the_page_the_placeholder_and_the_fix(
    placeholder, fix
):
    with pytest.raises(PluginError) as error:
        _render(f"Text {placeholder} more text.")
    message = str(error.value)
    assert message.startswith("es/mnist.md: ") and placeholder in message and fix in message


def test_a_placeholder_in_backticks_is_shown_as_written():
    assert _render("Write `{{ mnist:results }}` on a page.") == (
        "Write `{{ mnist:results }}` on a page."
    )
