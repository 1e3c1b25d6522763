"""The language menu keeps the reader's section (overrides/assets/javascripts/language-section.js),
run in Node.js against a stand-in of the few browser objects it uses. That both languages'
pages have the same headings in the same order, which it relies on, is checked on the built
site in tests/test_site.py."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from site_build.core.layout import ROOT

SCRIPT = ROOT / "overrides" / "assets" / "javascripts" / "language-section.js"

# A page in a window: headings (id, distance from the window's top), the address's hash, a
# click on the language menu's link, then what the script left behind.
HARNESS = """
const page = JSON.parse(process.argv[1]);
const calls = {scrolled: null, state: null};
const handlers = {};
const list = page.headings.map(([id, top]) => ({
  id, getBoundingClientRect: () => ({top}), scrollIntoView() { calls.scrolled = id; },
}));
globalThis.location = {href: page.href, hash: page.hash, pathname: "/es/tensors/", search: ""};
globalThis.history = {replaceState(_s, _t, url) { calls.state = url; }};
globalThis.document = {
  readyState: "complete",
  querySelectorAll: () => list,
  addEventListener(type, handler) { handlers[type] = handler; },
};
require(process.argv[2]);
const link = {href: page.link, closest: () => link};
if (page.link) handlers.click({target: link});
console.log(JSON.stringify({...calls, link: page.link ? link.href : null}));
"""


def _run(**page) -> dict:
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed (it runs the site's scripts; see README.md)")
    page = {"href": "http://h.test/tensors/", "hash": "", "link": None, **page}
    result = subprocess.run(
        [node, "-e", HARNESS, json.dumps(page), str(SCRIPT)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


HEADINGS = [["creation", 300], ["gradients", 900], ["devices", 1500]]


def test_the_link_carries_the_section_the_address_names():
    done = _run(headings=HEADINGS, hash="#gradients", link="http://h.test/es/tensors/")
    assert done["link"] == "http://h.test/es/tensors/#__section-1-of-3"


def test_without_a_named_section_the_link_carries_the_one_scrolled_to():
    scrolled = [["creation", -700], ["gradients", -100], ["devices", 500]]
    done = _run(headings=scrolled, link="http://h.test/es/tensors/")
    assert done["link"] == "http://h.test/es/tensors/#__section-1-of-3"
    top = _run(headings=HEADINGS, link="http://h.test/es/tensors/#old")
    assert top["link"] == "http://h.test/es/tensors/", "above the first heading: no section"


def test_the_other_language_opens_at_its_own_heading_of_that_section():
    spanish = [["creacion", 300], ["gradientes", 900], ["dispositivos", 1500]]
    done = _run(headings=spanish, hash="#__section-1-of-3")
    assert done["scrolled"] == "gradientes" and done["state"] == "#gradientes"


def test_a_page_with_other_headings_opens_at_the_top_without_the_marker():
    done = _run(headings=[["creacion", 300], ["gradientes", 900]], hash="#__section-1-of-3")
    assert done["scrolled"] is None and done["state"] == "/es/tensors/"
