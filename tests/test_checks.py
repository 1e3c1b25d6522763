"""The page rules as the preview reports them (site_build/core/checks.py), and the target of
`nox -s check` (tests/check_topic.py). Both read their rules from site_build/core/layout.py,
as the tests of the gate do."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_build.core import checks
from tests import check_topic

TABS = '=== "PyTorch"\n\n    ```python\n    --8<-- "shapes/pair_torch.py:example"\n    ```\n'
WIDE = "x = 1  # " + "a comment that runs past the edge of the page " * 2


@pytest.fixture
def site(tmp_path: Path, monkeypatch) -> Path:
    """docs/ and snippets/ of a small site; nav lists shapes.md with its Spanish title."""
    for language in ("en", "es"):
        (tmp_path / "docs" / language).mkdir(parents=True)
    (tmp_path / "snippets" / "shapes").mkdir(parents=True)
    shown = f"# --8<-- [start:example]\n{WIDE}\n# --8<-- [end:example]\n"
    (tmp_path / "snippets" / "shapes" / "pair_torch.py").write_text(shown, encoding="utf-8")
    config = {"nav": [{"Shapes": "shapes.md"}]}
    i18n = {
        "languages": [
            {"locale": "en", "default": True},
            {"locale": "es", "nav_translations": {"Shapes": "Formas"}},
        ]
    }
    monkeypatch.setattr(checks, "DOCS_DIR", tmp_path / "docs")
    monkeypatch.setattr(checks, "SNIPPETS_DIR", tmp_path / "snippets")
    monkeypatch.setattr(checks, "mkdocs_config", lambda: config)
    monkeypatch.setattr(checks, "i18n_config", lambda: i18n)
    monkeypatch.setattr(checks, "languages", lambda: ["en", "es"])
    return tmp_path


def _write(site: Path, language: str, text: str, description: bool = True) -> None:
    header = f"---\ndescription: Shapes ({language}).\n---\n\n" if description else ""
    (site / "docs" / language / "shapes.md").write_text(header + text, encoding="utf-8")


def test_a_missing_translation_is_named_with_the_fix(site):
    _write(site, "en", "# Shapes\n")
    assert checks.page_problems("en", "shapes.md") == [
        "docs/es/shapes.md is missing: translate docs/en/shapes.md into 'es' and save it "
        "under that path (same file name in every language)."
    ]


def test_a_translation_that_differs_is_named_on_its_page(site):
    _write(site, "en", f"# Shapes\n\n## One\n\n{TABS}")
    _write(site, "es", "# Formas\n")
    problems = checks.page_problems("es", "shapes.md")
    assert problems[0].startswith(
        "docs/es/shapes.md and docs/en/shapes.md differ in snippet includes: missing in es: "
        "['shapes/pair_torch.py:example']"
    )
    assert "docs/es/shapes.md has 1 headings where docs/en/shapes.md has 2" in problems[1]
    assert "docs/es/shapes.md has 0 tab labels where docs/en/shapes.md has 1" in problems[2]


def test_a_shown_line_too_wide_is_named_once_on_the_default_page(site):
    _write(site, "en", f"# Shapes\n\n{TABS}")
    _write(site, "es", f"# Formas\n\n{TABS}")
    (problem,) = checks.page_problems("en", "shapes.md")
    assert problem.startswith(
        "shapes.md shows snippets/shapes/pair_torch.py, whose lines [2] are wider than 80"
    )
    assert checks.page_problems("es", "shapes.md") == []


def test_a_nav_title_without_translation_is_named(site, monkeypatch):
    _write(site, "en", "# Shapes\n")
    _write(site, "es", "# Formas\n")
    monkeypatch.setattr(
        checks, "mkdocs_config", lambda: {"nav": [{"Basics": [{"Shapes": "shapes.md"}]}]}
    )
    (problem,) = checks.page_problems("en", "shapes.md")
    assert problem.startswith("mkdocs.yml: the nav titles of shapes.md ['Basics'] have no 'es'")


def test_the_project_pages_break_no_rule_the_tests_enforce():
    # The preview's warnings come from the same rules as tests/test_pages.py: when the tests
    # pass, a build warns about nothing.
    assert checks.site_problems() == []
    assert checks.include_errors() == []


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("tensors", ("tensors", None)),
        ("tensors/creation", ("tensors", "creation")),
        ("snippets/tensors/creation_torch.py", ("tensors", "creation")),
        ("tensors.md", ("tensors", None)),
        ("snippets/learning_curve/keras_backend_jax.py", ("learning_curve", "keras_backend")),
    ],
)
def test_check_targets(target, expected):
    assert check_topic.parse_target(target) == expected


def test_checking_a_keras_pair_checks_its_jax_file_too():
    args = check_topic.pytest_args("learning_curve", "keras_backend")
    files = [arg for arg in args if arg.startswith("snippets/")]
    assert files == [
        f"snippets/learning_curve/keras_backend_{framework}.py"
        for framework in ("torch", "tf", "jax")
    ]
    assert not any(
        "trainer_jax" in arg for arg in check_topic.pytest_args("learning_curve", "trainer")
    )


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("no_such_topic", "there is no snippets/no_such_topic/ and no docs/\\*/no_such_topic"),
        ("tensors/no_such_pair", "snippets/tensors/ has no no_such_pair_torch.py"),
    ],
)
def test_check_refuses_a_target_that_names_nothing(target, message):
    with pytest.raises(check_topic.TargetError, match=message):
        check_topic.parse_target(target)


def test_a_shown_section_with_the_other_framework_is_named_on_the_default_page(site):
    (site / "snippets" / "shapes" / "pair_tf.py").write_text(
        "# --8<-- [start:example]\nimport torch\n# --8<-- [end:example]\n", encoding="utf-8"
    )
    tabs = TABS.replace("pair_torch.py", "pair_tf.py")
    _write(site, "en", f"# Shapes\n\n{tabs}")
    _write(site, "es", f"# Formas\n\n{tabs}")
    (problem,) = checks.page_problems("en", "shapes.md")
    assert "pair_tf.py:2: section 'example' of the TensorFlow file shows ['torch']" in problem
    assert "'# shows-both-frameworks: example'" in problem
    assert checks.page_problems("es", "shapes.md") == []


def test_a_page_without_description_is_named_with_the_fix(site):
    _write(site, "en", "# Shapes\n")
    _write(site, "es", "# Formas\n", description=False)
    assert checks.page_problems("en", "shapes.md") == []
    (problem,) = checks.page_problems("es", "shapes.md")
    assert problem.startswith("docs/es/shapes.md has no description: add `description: ...`")


def test_a_year_without_its_claim_is_named_with_the_line(site):
    _write(site, "en", "# Shapes\n\nShapes were added in 2019.\n")
    _write(site, "es", "# Formas\n\nLas formas se añadieron.\n")
    (problem,) = checks.page_problems("en", "shapes.md")
    assert problem.startswith("docs/en/shapes.md:7: '2019' is stated without a source")


def test_a_claim_cited_in_one_language_only_is_named_by_its_id(site):
    _write(site, "en", "# Shapes\n\nA fact.{{ claim:shapes-fact }}\n")
    _write(site, "es", "# Formas\n\nUn hecho.\n")
    (problem,) = checks.page_problems("es", "shapes.md")
    assert problem.startswith(
        "docs/es/shapes.md and docs/en/shapes.md cite different claims: only in en: "
        "['shapes-fact']; only in es: []."
    )


def test_the_preview_problem_page_is_in_the_page_language_and_quotes_markers_as_text():
    message = "snippets/a_tf.py:3: add '# --8<-- [start:x]' and '# --8<-- [end:x]'; use ```"
    page = checks.problem_page(message, "es")
    assert page.startswith("# La vista previa se ha detenido por un problema\n")
    # pymdownx.snippets drops the ';' it finds before a marker, and shows the marker.
    assert "add '# ;--8<-- [start:x]' and '# ;--8<-- [end:x]'; use ```\n````\n" in page
    assert "\n````text\n" in page
