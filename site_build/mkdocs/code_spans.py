"""Code blocks with a fraction of their elements: long pages light enough for a phone.

Pygments wraps every token of a code block in a ``<span>``: a page with a few hundred lines
of code held about 3,000 of them, three quarters of all its elements, and a phone spent
seconds of style and layout on them. Most of those spans are names, whitespace, operators
and punctuation. ``lighter_code`` takes those four out of every code block (``<pre>``) of a
page and keeps their text, so they show in the code block's own text colour:

- names (``n``): Material already colours them so (``--md-code-hl-name-color`` is
  ``var(--md-code-fg-color)``), nothing changes;
- whitespace (``w``): Material gives it no style;
- operators (``o``) and punctuation (``p``): Material greys them; the site's stylesheet
  (``overrides/assets/stylesheets/extra.css``) gives them the code's text colour instead,
  as GitHub shows code, in both schemes and for the spans that remain elsewhere (inline
  code), so every block reads alike. Keywords, operator words (``and``, ``in``), numbers,
  strings, comments, built-ins and doctest prompts keep their colours and spans.

On the longest pages this leaves about 40 % of the elements. ``tests/test_code_spans.py``
reads Material's stylesheet and ours and fails when a theme update would make the removed
spans visible again. A page's text, its search index and the copy button are unchanged: only
tags go. Notebook pages keep JupyterLab's markup (its stylesheet colours names). The plugin
calls it from ``on_page_content``.
"""

from __future__ import annotations

import re

PRE = re.compile(r"(<pre\b[^>]*>)(.*?)(</pre>)", re.DOTALL)
# A span of one of the four classes around plain text (Pygments escapes < and &).
PLAIN = re.compile(r'<span class="(?:n|w|o|p)">([^<]*)</span>')


def lighter_code(html: str) -> str:
    return PRE.sub(lambda block: block[1] + PLAIN.sub(r"\1", block[2]) + block[3], html)
