"""{{ lines:... }}: code lines of a snippet section, counted when the site is built."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from site_build.core.errors import BuildError, PlaceholderError
from site_build.core.generated import Generated
from site_build.core.snippet_lines import replace_placeholders, snippet_lines
from site_build.core.stage import fill_page

EXAMPLE = '''"""A docstring.

# --8<-- [start:train-checks]
>>> 1 + 1
2

# --8<-- [end:train-checks]
"""

# --8<-- [start:train]
import math

# a comment line is not code
total = 0  # a trailing comment does not hide the code

# --8<-- [start:inner]
for value in range(3):
    total += math.sqrt(value)
# --8<-- [end:inner]
# --8<-- [end:train]

# --8<-- [start:unfinished]
x = 1
'''


@pytest.fixture
def snippets(tmp_path: Path) -> Path:
    (tmp_path / "topic").mkdir()
    (tmp_path / "topic" / "example_torch.py").write_text(EXAMPLE, encoding="utf-8")
    return tmp_path


def test_counts_code_lines_of_a_section(snippets):
    # import, total = 0, for, total += : blank lines, comments and nested markers don't count
    assert snippet_lines("topic/example_torch.py", "train", snippets) == 4
    assert snippet_lines("topic/example_torch.py", "inner", snippets) == 2
    assert snippet_lines("topic/example_torch.py", "train-checks", snippets) == 2


def test_replaces_every_placeholder(snippets):
    markdown = (
        "| {{ lines:topic/example_torch.py:train }} | {{lines:topic/example_torch.py:inner}} |"
    )
    assert replace_placeholders(markdown, snippets) == "| 4 | 2 |"


def test_missing_file_is_an_error(snippets):
    with pytest.raises(PlaceholderError, match=r"snippets/topic/absent_tf\.py does not exist"):
        snippet_lines("topic/absent_tf.py", "train", snippets)


@pytest.mark.parametrize("section", ["evaluate", "unfinished"])
def test_missing_or_unfinished_section_is_an_error(snippets, section):
    with pytest.raises(PlaceholderError, match=f"has no complete section '{section}'"):
        snippet_lines("topic/example_torch.py", section, snippets)


def test_build_error_names_the_page():
    with pytest.raises(BuildError, match=r"^en/learning_curve\.md: .*no_such_topic"):
        fill_page(
            "{{ lines:no_such_topic/x_torch.py:train }}",
            "en",
            "learning_curve.md",
            Generated(),
            dt.date.today(),
        )


def test_counts_the_real_learning_curve_snippets():
    # The page's table relies on these sections; Keras fit needs fewer lines to train than
    # either hand-written loop.
    keras_fit = snippet_lines("learning_curve/trainer_tf.py", "train")
    for loop in ("custom_loop_torch.py", "custom_loop_tf.py"):
        assert keras_fit < snippet_lines(f"learning_curve/{loop}", "train")
