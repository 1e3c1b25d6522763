"""Create a snippet pair: ``nox -s new -- <topic>/<name>``.

Writes ``snippets/<topic>/<name>_torch.py`` and ``<name>_tf.py``, each with a shown section
(``example``), a small doctest that passes, and the doctest's own section
(``example-checks``) so the page can show the checked output. Then prints the tab block to
paste into the topic's page in every language. Refuses names that exist or break the rules.
"""

from __future__ import annotations

import sys

from site_build.core.catalog import texts
from site_build.core.layout import DOCS_DIR, SNIPPETS_DIR, languages, naming_problem, relative

TEMPLATES = {
    "torch": '''\
"""{title} in PyTorch. Shown on docs/*/{topic}.md next to {name}_tf.py.

Replace the example with the idea the page explains. The doctest below must prove
what the page says about the code; the page shows it as checked output.

# --8<-- [start:example-checks]
>>> result
tensor([2., 4., 6.])

# --8<-- [end:example-checks]
"""

# --8<-- [start:example]
import torch

result = torch.tensor([1.0, 2.0, 3.0]) * 2
# --8<-- [end:example]
''',
    "tf": '''\
"""{title} in TensorFlow. Shown on docs/*/{topic}.md next to {name}_torch.py.

Replace the example with the idea the page explains. The doctest below must prove
what the page says about the code; the page shows it as checked output.

# --8<-- [start:example-checks]
>>> result
<tf.Tensor: shape=(3,), dtype=float32, numpy=array([2., 4., 6.], dtype=float32)>

# --8<-- [end:example-checks]
"""

# --8<-- [start:example]
import tensorflow as tf

result = tf.constant([1.0, 2.0, 3.0]) * 2
# --8<-- [end:example]
''',
}
FRAMEWORK_TABS = {"torch": "PyTorch", "tf": "TensorFlow"}
# The title above the checked output, as the pages of each language write it.
CHECKED_OUTPUT_TITLE = texts("checked_output_title")


class ScaffoldError(ValueError):
    """A request the scaffold refuses, with the reason a contributor can act on."""


def parse_target(target: str) -> tuple[str, str]:
    topic, slash, name = target.strip().strip("/").partition("/")
    if not slash or "/" in name:
        raise ScaffoldError(
            f"expected <topic>/<name>, for example tensors/broadcasting; got '{target}'"
        )
    if problem := naming_problem(topic, name):
        raise ScaffoldError(problem)
    return topic, name


def create_pair(topic: str, name: str) -> list[str]:
    """Write the pair (and the topic's package file if the topic is new); return their paths."""
    folder = SNIPPETS_DIR / topic
    files = {framework: folder / f"{name}_{framework}.py" for framework in TEMPLATES}
    existing = [relative(path) for path in files.values() if path.exists()]
    if existing:
        raise ScaffoldError(f"{', '.join(existing)} already exists: choose another name")
    written = []
    if not folder.exists():
        folder.mkdir(parents=True)
        package = folder / "__init__.py"
        package.write_text(f'"""{topic}: shown on docs/*/{topic}.md."""\n', encoding="utf-8")
        written.append(relative(package))
    title = name.replace("_", " ").capitalize()
    for framework, path in files.items():
        path.write_text(TEMPLATES[framework].format(title=title, topic=topic, name=name), "utf-8")
        written.append(relative(path))
    return written


def tab_block(topic: str, name: str, language: str) -> str:
    """The Markdown that shows the pair's `example` section in PyTorch | TensorFlow tabs."""
    title = CHECKED_OUTPUT_TITLE[language]
    blocks = []
    for framework, label in FRAMEWORK_TABS.items():
        file = f"{topic}/{name}_{framework}.py"
        blocks.append(
            f'=== "{label}"\n\n'
            f"    ```python\n"
            f'    --8<-- "{file}:example"\n'
            f"    ```\n\n"
            f'    ```pycon title="{title}"\n'
            f'    --8<-- "{file}:example-checks"\n'
            f"    ```\n"
        )
    return "\n".join(blocks)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: nox -s new -- <topic>/<name>   (for example tensors/broadcasting)")
        return 2
    try:
        topic, name = parse_target(argv[0])
        written = create_pair(topic, name)
    except ScaffoldError as error:
        print(f"new: {error}", file=sys.stderr)
        return 1
    print("Created " + ", ".join(written) + ".\n")
    for language in languages():
        page = DOCS_DIR / language / f"{topic}.md"
        where = "" if page.exists() else " (a new page: also add it to nav in mkdocs.yml)"
        print(f"Paste into {relative(page)}{where}:\n")
        print(tab_block(topic, name, language))
    print("Then run `nox -s tests` and preview with `nox -s serve`.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
