"""Create a snippet pair: ``nox -s new -- <topic>/<name>``.

Writes ``snippets/<topic>/<name>_torch.py`` and ``<name>_tf.py``, each with a shown section
(``example``), a small doctest that passes, and the doctest's own section
(``example-checks``) so the page can show the checked output; the example's comment gets its
translation in the topic's ``comments.<language>.yaml`` for every other language. Then
prints the tab block to paste into the topic's page in every language. Refuses names that
exist or break the rules.

A new topic (no ``docs/<language>/<topic>.md`` yet) also gets its page in every language,
written from a template that already shows the pair, and the lines to add to ``nav`` in
mkdocs.yml with the Spanish title. ``nox -s new -- --tabs <topic>/<name>`` prints the tab
blocks of an existing pair again, one per section it marks.
"""

from __future__ import annotations

import sys

from site_build.core import code_comments
from site_build.core.catalog import texts
from site_build.core.kit.frameworks import COMPARED, NAMES
from site_build.core.layout import (
    DOCS_DIR,
    SNIPPETS_DIR,
    languages,
    naming_problem,
    relative,
    sections,
)

TEMPLATES = {
    "torch": '''\
"""{title} in PyTorch. Shown on docs/*/{topic}.md next to {name}_tf.py.

Replace the example with the idea the page explains. Its doctest proves what the page
says; the page shows its output: plain values that read alike in both files.

# --8<-- [start:example-checks]
>>> result.tolist()
[2.0, 4.0, 6.0]

# --8<-- [end:example-checks]
"""

# --8<-- [start:example]
import torch

result = torch.tensor([1.0, 2.0, 3.0]) * 2  # {comment}
# --8<-- [end:example]
''',
    "tf": '''\
"""{title} in TensorFlow. Shown on docs/*/{topic}.md next to {name}_torch.py.

Replace the example with the idea the page explains. Its doctest proves what the page
says; the page shows its output: plain values that read alike in both files.

# --8<-- [start:example-checks]
>>> result.numpy().tolist()
[2.0, 4.0, 6.0]

# --8<-- [end:example-checks]
"""

# --8<-- [start:example]
import tensorflow as tf

result = tf.constant([1.0, 2.0, 3.0]) * 2  # {comment}
# --8<-- [end:example]
''',
}
# The title above the checked output, as the pages of each language write it.
CHECKED_OUTPUT_TITLE = texts("checked_output_title")
# The example's comment, and what the pages of every other language show instead.
TEMPLATE_COMMENT = texts("scaffold_comment")


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
    comment = TEMPLATE_COMMENT[languages()[0]]
    for framework, path in files.items():
        text = TEMPLATES[framework].format(title=title, topic=topic, name=name, comment=comment)
        path.write_text(text, "utf-8")
        written.append(relative(path))
    # The shown comment in the words of every other language (core/code_comments.py).
    for language in languages()[1:]:
        table = {comment: TEMPLATE_COMMENT[language]}
        if added := code_comments.add_translations(folder, language, table):
            written.append(relative(added))
    return written


def tab_block(
    topic: str, name: str, language: str, section: str = "example", checked: bool = True
) -> str:
    """The Markdown that shows one section of the pair in PyTorch | TensorFlow tabs, with its
    ``-checks`` section as checked output when ``checked``."""
    title = CHECKED_OUTPUT_TITLE[language]
    blocks = []
    for framework in COMPARED:
        label = NAMES[framework]
        file = f"{topic}/{name}_{framework}.py"
        block = f'=== "{label}"\n\n    ```python\n    --8<-- "{file}:{section}"\n    ```\n'
        if checked:
            block += (
                f'\n    ```pycon title="{title}"\n    --8<-- "{file}:{section}-checks"\n    ```\n'
            )
        blocks.append(block)
    return "\n".join(blocks)


def pair_tab_blocks(topic: str, name: str, language: str) -> dict[str, str]:
    """The tab blocks of an existing pair, by shown section in the PyTorch file's order, each
    with its ``-checks`` section when the file marks one."""
    torch_file = SNIPPETS_DIR / topic / f"{name}_torch.py"
    if not torch_file.is_file():
        raise ScaffoldError(
            f"{relative(torch_file)} does not exist: `nox -s new -- {topic}/{name}` creates it"
        )
    marked = sections(torch_file.read_text(encoding="utf-8"))
    shown = [section for section in marked if not section.endswith("-checks")]
    if not shown:
        raise ScaffoldError(f"{relative(torch_file)} marks no section to show")
    return {
        section: tab_block(topic, name, language, section, f"{section}-checks" in marked)
        for section in shown
    }


# A new topic's page. The structure (headings, the collapsed note, the tab block) is the
# same in every language, as tests/test_pages.py requires of translations.
PAGE_TEMPLATES = {
    "en": """\
---
description: >-
  {title} in PyTorch and TensorFlow, side by side: replace this sentence with what the page
  shows, in one sentence.
---

# {title}

Start with what the difference shown here means for someone choosing between PyTorch and
TensorFlow, in a sentence or two.

## {heading}

Say what the code does, then let the reader compare the two tabs.

{tabs}
Explain what the reader should notice in the checked output.

??? note "How this page is checked"

    The code on this page is included from `snippets/{topic}/`, and the output under
    "Checked by the tests" is what its doctests check on every build.
""",
    "es": """\
---
description: >-
  {title} en PyTorch y TensorFlow, lado a lado: sustituye esta frase por lo que muestra la
  página, en una sola frase.
---

# {title}

Empieza por lo que significa la diferencia que se muestra aquí para quien elige entre
PyTorch y TensorFlow, en una o dos frases.

## {heading}

Di qué hace el código y deja que el lector compare las dos pestañas.

{tabs}
Explica qué debe observar el lector en la salida comprobada.

??? note "Cómo se comprueba esta página"

    El código de esta página se incluye desde `snippets/{topic}/`, y la salida titulada
    «Comprobado por las pruebas» es la que comprueban sus doctests cada vez que se
    genera el sitio.
""",
}


def create_pages(topic: str, name: str) -> list[str]:
    """Write the topic's page in every language that lacks it; return their paths."""
    written = []
    title = topic.replace("_", " ").capitalize()
    heading = name.replace("_", " ").capitalize()
    for language in languages():
        page = DOCS_DIR / language / f"{topic}.md"
        if page.exists():
            continue
        template = PAGE_TEMPLATES.get(language, PAGE_TEMPLATES["en"])
        tabs = tab_block(topic, name, language)
        page.write_text(
            template.format(title=title, heading=heading, tabs=tabs, topic=topic), "utf-8"
        )
        written.append(relative(page))
    return written


def nav_instructions(topic: str) -> str:
    """Where a new page goes in mkdocs.yml: nav, and its title in every other language."""
    title = topic.replace("_", " ").capitalize()
    lines = [
        "Add the page to nav in mkdocs.yml, in the section where a reader would look for it",
        "(a first concept under 'First steps', a difference between the frameworks under",
        "'Comparison'), with the title readers see:",
        "",
        f"      - {title}: {topic}.md",
        "",
    ]
    for language in languages()[1:]:
        lines += [
            f"and its title in '{language}' under nav_translations of that language, in",
            f"plugins > i18n > languages > locale: {language} (translate it; once, as every",
            "nav title needs one and YAML keeps only the last of two equal keys):",
            "",
            f"            {title}: {title}",
            "",
        ]
    return "\n".join(lines)


USAGE = """\
usage: nox -s new -- <topic>/<name>           create a pair (for example tensors/broadcasting)
       nox -s new -- --tabs <topic>/<name>    print the tab blocks of an existing pair"""


def main(argv: list[str]) -> int:
    tabs_only = argv[:1] == ["--tabs"]
    if tabs_only:
        argv = argv[1:]
    if len(argv) != 1:
        print(USAGE)
        return 2
    try:
        topic, name = parse_target(argv[0])
        if tabs_only:
            for language in languages():
                for section, block in pair_tab_blocks(topic, name, language).items():
                    print(f"docs/{language}/{topic}.md, section '{section}':\n\n{block}")
            print("Keep text (or a heading) between two blocks: adjacent tabs merge into one set.")
            return 0
        written = create_pair(topic, name)
    except ScaffoldError as error:
        print(f"new: {error}", file=sys.stderr)
        return 1
    pages = create_pages(topic, name)
    print("Created " + ", ".join(written + pages) + ".\n")
    if pages:
        print(
            "The new topic's pages already show the pair: write their text and their one-sentence "
            "description in each language."
        )
        print(nav_instructions(topic))
    else:
        for language in languages():
            print(f"Paste into {relative(DOCS_DIR / language / f'{topic}.md')}:\n")
            print(tab_block(topic, name, language))
    print(f"Then check it in seconds with `nox -s check -- {topic}/{name}`; preview with")
    print("`nox -s serve`, and run `nox -s tests` before a pull request.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
