"""Rules for snippet files: naming, PyTorch/TensorFlow twins, section markers, doctests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from site_build.core.layout import (
    ROOT,
    SHOWN_LINE_LIMIT,
    SNIPPET_FILE,
    SNIPPETS_DIR,
    naming_problem,
    other_framework_problems,
    relative,
    sections,
    snippet_files,
    syntax_problem,
    too_wide_lines,
    twin_of,
)
from tests.contributor_copy import run_module
from tests.doc_examples import SNIPPET_EXAMPLES

SNIPPETS = snippet_files()
ids = [relative(p) for p in SNIPPETS]


def test_there_are_snippets():
    assert SNIPPETS, f"no snippet files found under {SNIPPETS_DIR}"


@pytest.mark.parametrize("snippet", SNIPPETS, ids=ids)
def test_snippet_is_named_topic_slash_name_framework(snippet: Path):
    parts = snippet.relative_to(SNIPPETS_DIR).parts
    assert len(parts) == 2, (
        f"{relative(snippet)}: snippets live exactly one folder deep, in "
        "snippets/<topic>/<name>_torch.py and snippets/<topic>/<name>_tf.py; move the file."
    )
    match = SNIPPET_FILE.match(snippet.name)
    assert match, (
        f"{relative(snippet)}: name it <name>_torch.py or <name>_tf.py (or <name>_jax.py, "
        "the third file of a Keras pair)."
    )
    problem = naming_problem(parts[0], match["name"])
    assert problem is None, f"{relative(snippet)}: {problem}."
    package_marker = snippet.parent / "__init__.py"
    assert package_marker.exists(), (
        f"{relative(snippet)}: add {relative(package_marker)} (a one-line docstring naming the "
        "topic's page) so the snippet imports as snippets.<topic>.<name>."
    )


@pytest.mark.parametrize("snippet", SNIPPETS, ids=ids)
def test_snippet_has_its_twin_in_the_other_framework(snippet: Path):
    if not SNIPPET_FILE.match(snippet.name):
        pytest.skip("the naming test reports this file")
    twin = twin_of(snippet)
    assert twin.exists(), (
        f"{relative(snippet)} has no twin: add {relative(twin)} showing the same idea in the "
        "other framework, with the same section names."
    )


@pytest.mark.parametrize("snippet", SNIPPETS, ids=ids)
def test_snippet_sections_are_well_formed_and_match_the_twin(snippet: Path):
    found = sections(snippet.read_text(encoding="utf-8"))
    broken = {name: kinds for name, kinds in found.items() if kinds != ["start", "end"]}
    assert not broken, (
        f"{relative(snippet)}: each section needs exactly one '# --8<-- [start:NAME]' followed "
        f"by one '# --8<-- [end:NAME]'; these do not: {broken}"
    )
    twin = twin_of(snippet)
    if twin.exists():
        twin_sections = set(sections(twin.read_text(encoding="utf-8")))
        only_here, only_there = set(found) - twin_sections, twin_sections - set(found)
        assert not only_here and not only_there, (
            f"{relative(snippet)} and {relative(twin)} must mark the same sections so pages can "
            f"show them side by side; only in {snippet.name}: {sorted(only_here)}, "
            f"only in {twin.name}: {sorted(only_there)}"
        )


@pytest.mark.parametrize("snippet", SNIPPETS, ids=ids)
def test_snippet_has_doctest_examples(snippet: Path):
    examples = list(SNIPPET_EXAMPLES.parse(snippet))
    assert examples, (
        f"{relative(snippet)} has no doctest: add '>>>' examples to its module docstring whose "
        "expected output proves what the page says about this code."
    )


@pytest.mark.parametrize("snippet", SNIPPETS, ids=ids)
def test_shown_code_fits_the_page_width(snippet: Path):
    # Doctest output (the "-checks" sections) is compared verbatim and cannot be wrapped.
    too_long = too_wide_lines(snippet.read_text(encoding="utf-8"))
    assert not too_long, (
        f"{relative(snippet)}: lines {too_long} of shown sections exceed {SHOWN_LINE_LIMIT} "
        "characters and would scroll sideways on the page; wrap the code or shorten the comment."
    )


@pytest.mark.parametrize("snippet", SNIPPETS, ids=ids)
def test_twin_shows_only_its_own_framework(snippet: Path):
    # A `_tf` file shows no torch, a `_torch` file no tensorflow or keras, except in a section
    # marked `# shows-both-frameworks: NAME` (layout.other_framework_problems).
    problems = other_framework_problems(snippet)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("snippet", SNIPPETS, ids=ids)
def test_snippet_is_valid_python(snippet: Path):
    problem = syntax_problem(snippet)
    assert problem is None, problem


def test_snippets_pass_ruff():
    result = run_module(ROOT, "ruff", "check", "--output-format", "concise", "snippets")
    assert result.returncode == 0, (
        f"ruff found problems in snippets/ (fix each line below; `nox -s lint` explains them):\n"
        f"{result.stdout}{result.stderr}"
    )


@pytest.mark.parametrize(
    ("topic", "name", "problem"),
    [
        ("tensors", "broadcasting", None),
        ("graph_modes", "data_dependent_loop", None),
        ("tensors", "example_2", "ends in a number"),
        ("tensors", "step1", "ends in a number"),
        ("tensors", "Broadcasting", "must be lower_snake_case"),
        ("Tensors", "broadcasting", "topic 'Tensors' must be lower_snake_case"),
        ("tensors", "broadcasting_torch", "already ends in a framework"),
        ("tensors", "broadcasting_jax", "already ends in a framework"),
        ("tensors", "test_shapes", "pytest would collect it"),
    ],
)
def test_naming_rules(topic, name, problem):
    found = naming_problem(topic, name)
    assert found is None if problem is None else problem in found


SHOWN_TF = """\
\"\"\"A pair.

# --8<-- [start:example-checks]
>>> import torch  # the doctest's own imports count: the page shows them
>>> "torch" in str(result)  # a string or a comment naming torch does not
True

# --8<-- [end:example-checks]
\"\"\"

import torch  # outside every section: not shown

# --8<-- [start:example]
import tensorflow as tf

result = tf.constant(torch.ones(2).numpy())
# --8<-- [end:example]
"""


def test_the_other_framework_in_a_shown_section_is_named_with_the_fix(tmp_path):
    snippet = tmp_path / "snippets" / "shapes" / "pair_tf.py"
    snippet.parent.mkdir(parents=True)
    snippet.write_text(SHOWN_TF, encoding="utf-8")
    checks, code = other_framework_problems(snippet)
    assert checks.endswith(
        "pair_tf.py:4: section 'example-checks' of the TensorFlow file shows ['torch'] of the "
        "other framework (lines [4]); a twin shows its own framework only. Move that code into "
        "pair_torch.py or out of the section, or, if the section compares or connects both "
        "frameworks on purpose (interchange, weight porting), add the line "
        "'# shows-both-frameworks: example' above its start marker."
    )
    assert "pair_tf.py:16: section 'example' " in code and "(lines [16])" in code, code
    marked = SHOWN_TF.replace(
        "# --8<-- [start:example]\n", "# shows-both-frameworks: example\n# --8<-- [start:example]\n"
    )
    snippet.write_text(marked, encoding="utf-8")
    assert other_framework_problems(snippet) == []
    # In the other direction: keras, tensorflow or tf in a `_torch` file.
    torch_file = snippet.with_name("pair_torch.py")
    torch_file.write_text(
        "# --8<-- [start:example]\nimport keras\nimport torch\n# --8<-- [end:example]\n", "utf-8"
    )
    (problem,) = other_framework_problems(torch_file)
    assert "pair_torch.py:2: section 'example' of the PyTorch file shows ['keras']" in problem
    # The third file of a Keras pair runs the `_tf` file's Keras code on JAX: keras and jax
    # are its own, torch and tensorflow are not; its twin is the `_tf` file.
    jax_file = snippet.with_name("pair_jax.py")
    assert twin_of(jax_file) == snippet
    jax_file.write_text(
        "# --8<-- [start:example]\nimport jax\nimport keras\n# --8<-- [end:example]\n", "utf-8"
    )
    assert other_framework_problems(jax_file) == []
    jax_file.write_text(
        "# --8<-- [start:example]\nimport keras\nimport tensorflow\n# --8<-- [end:example]\n",
        "utf-8",
    )
    (problem,) = other_framework_problems(jax_file)
    assert "pair_jax.py:3: section 'example' of the JAX (Keras 3) file shows ['tensorflow']" in (
        problem
    )
    assert "Move that code into pair_tf.py" in problem


def test_ruff_keeps_its_cache_out_of_the_watched_folders(tmp_path):
    # `nox -s check` or `lint` during `nox -s serve` must not write into snippets/ (or any
    # folder mkdocs.yml watches): the preview would rebuild on every run.
    shutil.copy2(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "snippets" / "shapes").mkdir(parents=True)
    shutil.copy2(SNIPPETS_DIR / "ruff.toml", tmp_path / "snippets" / "ruff.toml")
    (tmp_path / "snippets" / "shapes" / "pair_torch.py").write_text("x = 1\n", "utf-8")
    for folder in (tmp_path, tmp_path / "snippets"):
        result = run_module(folder, "ruff", "check", ".")
        assert result.returncode == 0, result.stdout + result.stderr
    caches = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob(".ruff_cache"))
    assert caches == [], f"ruff wrote caches into {caches}: set cache-dir in pyproject.toml"
    assert (tmp_path / ".cache" / "ruff").is_dir()
