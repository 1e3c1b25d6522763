"""Includes with the comments of the page's language (``core/code_comments.py``).

pymdownx.snippets reads every included file through one method, ``read_lines``. For a
language other than the default one, the plugin adds ``CommentsInLanguage`` to the Markdown
extensions of that language's build (``use_language``, from ``on_config``, which the i18n
plugin runs once per language); it replaces pymdownx.snippets' preprocessor with one whose
``read_lines`` returns the file with its comments translated. Everything else, settings
included, is pymdownx.snippets' own: the sections, the dedent and the errors are the same
for every language. The pages' Markdown copies (``reader_files.expand_includes``) expand
their includes with the same extension.
"""

from __future__ import annotations

from pathlib import Path

from markdown import Extension, Markdown
from mkdocs.exceptions import PluginError
from pymdownx.snippets import SnippetExtension, SnippetPreprocessor

from site_build.core import code_comments
from site_build.core.errors import BuildError


class _TranslatedSnippets(SnippetPreprocessor):
    def __init__(self, config: dict, md: Markdown, language: str) -> None:
        super().__init__(config, md)
        self.language = language

    def read_lines(self, path: str) -> list[str]:
        lines = super().read_lines(path)
        try:
            text = code_comments.in_language(Path(path), "\n".join(lines), self.language)
        except BuildError as error:
            raise PluginError(str(error)) from None
        return text.split("\n") if lines else []


class CommentsInLanguage(Extension):
    """Registered after pymdownx.snippets: its includes show ``language``'s comments."""

    def __init__(self, language: str) -> None:
        super().__init__()
        self.language = language

    def extendMarkdown(self, md: Markdown) -> None:
        snippets = next(
            (e for e in md.registeredExtensions if isinstance(e, SnippetExtension)), None
        )
        if snippets is None:
            raise PluginError(
                "mkdocs.yml: the code comments of each language are applied to the includes "
                "of pymdownx.snippets, which is not among markdown_extensions: add it back."
            )
        translated = _TranslatedSnippets(snippets.getConfigs(), md, self.language)
        md.preprocessors.register(translated, "snippet", 32)


def use_language(config, language: str, default: str) -> None:
    """Give the pages that ``config`` builds the comments of ``language``."""
    extensions = [e for e in config["markdown_extensions"] if not isinstance(e, CommentsInLanguage)]
    if language != default:
        extensions.append(CommentsInLanguage(language))
    config["markdown_extensions"] = extensions


def extensions_of(config) -> list[Extension]:
    """The ``CommentsInLanguage`` that ``config`` uses, if any (for the Markdown copies)."""
    return [e for e in config.get("markdown_extensions", []) if isinstance(e, CommentsInLanguage)]
