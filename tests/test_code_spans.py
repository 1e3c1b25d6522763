"""Code blocks lose the spans that add no colour (site_build/mkdocs/code_spans.py), only those."""

from __future__ import annotations

import re
from pathlib import Path

import material
import pytest

from site_build.core.paths import ROOT
from site_build.mkdocs.code_spans import lighter_code

STYLESHEETS = Path(material.__file__).parent / "templates" / "assets" / "stylesheets"
OURS = ROOT / "overrides" / "assets" / "stylesheets" / "extra.css"
TAGS = re.compile(r"<[^>]+>")
REMOVED = {"n": "name", "o": "operator", "p": "punctuation"}

BLOCK = (
    '<div class="highlight"><pre><span></span><code>'
    '<span class="n">model</span><span class="o">=</span><span class="n">nn</span>'
    '<span class="o">.</span><span class="n">Linear</span><span class="p">(</span>'
    '<span class="mi">4</span><span class="p">,</span><span class="w"> </span>'
    '<span class="mi">2</span><span class="p">)</span><span class="o">.</span>'
    '<span class="n">to</span><span class="p">(</span><span class="s2">&quot;cpu&quot;</span>'
    '<span class="p">)</span>  <span class="c1"># a &lt;comment&gt;</span>\n'
    '<span class="k">if</span> <span class="ow">not</span> <span class="kc">True</span>'
    "</code></pre></div>"
)


def test_names_whitespace_operators_and_punctuation_lose_their_spans_and_keep_their_text():
    light = lighter_code(BLOCK)
    assert TAGS.sub("", light) == TAGS.sub("", BLOCK)
    assert light == (
        '<div class="highlight"><pre><span></span><code>model=nn.Linear(<span class="mi">4</span>'
        ', <span class="mi">2</span>).to(<span class="s2">&quot;cpu&quot;</span>)  '
        '<span class="c1"># a &lt;comment&gt;</span>\n<span class="k">if</span> '
        '<span class="ow">not</span> <span class="kc">True</span></code></pre></div>'
    )


def test_code_outside_code_blocks_is_left_alone():
    prose = '<p>Call <span class="n">this</span> and <code>x<span class="o">+</span>y</code></p>'
    assert lighter_code(prose) == prose


@pytest.fixture(scope="module")
def material_css() -> str:
    return "".join(p.read_text(encoding="utf-8") for p in sorted(STYLESHEETS.glob("*.min.css")))


def _colour_variable(css: str, token_class: str) -> str:
    """The colour Material gives a Pygments class: the rule whose selector list names it."""
    wanted = f".highlight .{token_class}"
    for selectors, declarations in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        if wanted in (selector.strip() for selector in selectors.split(",")):
            colour = re.search(r"(?:^|;)color:([^;]+)", declarations)
            if colour:
                return colour[1]
    raise AssertionError(f"Material's stylesheet has no colour rule for {wanted}")


@pytest.mark.parametrize("token_class", sorted(REMOVED))
def test_material_colours_each_removed_class_with_its_own_variable(material_css, token_class):
    variable = f"var(--md-code-hl-{REMOVED[token_class]}-color)"
    assert _colour_variable(material_css, token_class) == variable, (
        f"Material now colours .{token_class} differently: code_spans.py must keep its spans"
    )


def test_no_stylesheet_styles_whitespace_spans(material_css):
    assert not re.search(r"\.highlight \.w\b", material_css + OURS.read_text(encoding="utf-8"))


def test_every_removed_class_shows_in_the_code_text_colour_in_every_scheme(material_css):
    ours = OURS.read_text(encoding="utf-8")
    # Material: names take the code's colour in every scheme (set once, never per scheme).
    names = re.findall(r"--md-code-hl-name-color:([^;}]+)", material_css)
    assert names and set(names) == {"var(--md-code-fg-color)"}, names
    assert "--md-code-hl-name-color" not in ours
    # Ours: operators and punctuation take it too, in one rule for every scheme, and no
    # scheme's own block sets them back to another colour.
    every_scheme = re.search(r":root,\s*\[data-md-color-scheme\]\s*\{([^}]*)\}", ours)
    assert every_scheme, "extra.css lost the rule that colours operators for every scheme"
    for kind in ("operator", "punctuation"):
        assert f"--md-code-hl-{kind}-color: var(--md-code-fg-color)" in every_scheme[1]
        assert ours.count(f"--md-code-hl-{kind}-color") == 1, (
            f"extra.css sets --md-code-hl-{kind}-color more than once"
        )
