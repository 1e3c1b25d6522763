"""What the stage adds beside the pages, on the site (site_build/mkdocs/files.py): the staged
tree is outside docs/, each language's file is published beside that language's pages, the
default language's at the site's root, under generated/<family>/."""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files

from site_build.mkdocs.files import DEFAULT_LANGUAGE, add_staged


def _config(tmp_path) -> MkDocsConfig:
    (tmp_path / "docs").mkdir()
    config = MkDocsConfig()
    config.load_dict(
        {"site_name": "t", "docs_dir": str(tmp_path / "docs"), "site_dir": str(tmp_path / "site")}
    )
    errors, _ = config.validate()
    assert not errors
    config.plugins._current_plugin = "site_build"  # what MkDocs sets while a plugin's event runs
    return config


def test_each_languages_figure_lands_beside_its_pages(tmp_path):
    config = _config(tmp_path)
    staged = tmp_path / "staged"
    for language in (DEFAULT_LANGUAGE, "es"):
        png = staged / "docs" / language / "generated" / "mnist" / "speed.png"
        png.parent.mkdir(parents=True)
        png.write_bytes(f"a {language} figure".encode())
    files = add_staged(Files([]), config, staged)
    published = {
        file.dest_uri: file.abs_src_path for file in files if "generated/" in file.dest_uri
    }
    assert published == {
        "generated/mnist/speed.png": str(
            staged / "docs" / DEFAULT_LANGUAGE / "generated/mnist/speed.png"
        ),
        "es/generated/mnist/speed.png": str(staged / "docs/es/generated/mnist/speed.png"),
    }
    for file in files:
        if "generated/" in file.dest_uri:
            file.copy_file()
    site = tmp_path / "site"
    assert (site / "generated/mnist/speed.png").read_bytes() == b"a en figure"
    assert (site / "es/generated/mnist/speed.png").read_bytes() == b"a es figure"
